"""Conflicts of interest and reviewer assignments (the parts every access check needs)."""

from django.conf import settings
from django.db import models


class Conflict(models.Model):
    """A reason why a person must not handle a paper. Overridden conflicts stay, marked, for the audit."""

    class Kind(models.TextChoices):
        SELF = "self", "Same person"
        INSTITUTIONAL = "institutional", "Institutional"
        COAUTHOR = "coauthor", "Co-author"
        ADVISOR = "advisor", "Advisor/advisee"
        PERSONAL = "personal", "Personal"
        AUTHOR_DECLARED = "author_declared", "Declared by authors"
        REVIEWER_DECLARED = "reviewer_declared", "Declared by reviewer"
        CHAIR_ADDED = "chair_added", "Added by chair"

    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="conflicts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    source = models.CharField(max_length=20, default="auto")
    evidence = models.TextField(blank=True)
    overridden = models.BooleanField(default=False)
    override_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "user", "kind"], name="conflict_once_per_kind"
            )
        ]
        indexes = [models.Index(fields=["user", "overridden"], name="conflict_user_active")]

    def __str__(self):
        return f"{self.user} ⟂ #{self.submission_id} ({self.kind})"


class Assignment(models.Model):
    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "reviewer"], name="assignment_once")
        ]

    def __str__(self):
        return f"{self.reviewer} → #{self.submission_id}"


class Invitation(models.Model):
    """An invitation to join a conference's committee, answered through a signed link."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"

    conference = models.ForeignKey(
        "conference.Conference", on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(max_length=20, default="reviewer")
    email = models.EmailField()
    name = models.CharField(max_length=200)
    affiliation = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    max_load = models.PositiveSmallIntegerField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "email", "role"], name="invitation_once_per_role"
            )
        ]

    def __str__(self):
        return f"{self.name} <{self.email}> ({self.status})"


class Bid(models.Model):
    class Value(models.IntegerChoices):
        EAGER = 2, "Eager"
        WILLING = 1, "Willing"
        IN_A_PINCH = 0, "In a pinch"
        NOT_WILLING = -1, "Not willing"
        CONFLICT = -2, "Conflict"

    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="bids"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bids"
    )
    value = models.SmallIntegerField(choices=Value.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submission", "reviewer"], name="bid_once")]

    def __str__(self):
        return f"{self.reviewer} bids {self.get_value_display()} on #{self.submission_id}"


class Affinity(models.Model):
    """How well a reviewer's expertise matches a paper, in [0, 1] (reviews.affinity)."""

    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="affinities"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="affinities"
    )
    score = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "reviewer"], name="affinity_once")
        ]
        verbose_name_plural = "affinities"

    def __str__(self):
        return f"{self.reviewer_id} ~ #{self.submission_id}: {self.score:.2f}"


class BackgroundJob(models.Model):
    """A long task a chair started (conflict recompute, affinity, assignment): progress and result."""

    class Kind(models.TextChoices):
        CONFLICTS = "conflicts", "Recompute conflicts"
        AFFINITY = "affinity", "Compute affinity"
        ASSIGNMENT = "assignment", "Propose assignment"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        COMMITTED = "committed", "Committed"

    conference = models.ForeignKey(
        "conference.Conference", on_delete=models.CASCADE, related_name="jobs"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0)
    message = models.TextField(blank=True)
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.status}, {self.progress:.0%})"


class Review(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    summary = models.TextField(blank=True)
    strengths = models.TextField(blank=True)
    weaknesses = models.TextField(blank=True)
    questions = models.TextField(blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    confidence = models.PositiveSmallIntegerField(null=True, blank=True)
    recommend_oral = models.BooleanField(default=False)
    nominate_best_paper = models.BooleanField(default=False)
    confidential_comment = models.TextField(
        blank=True, help_text="For the chairs only; never shown to authors."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    is_late = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "reviewer"], name="one_review_per_reviewer"
            )
        ]
        indexes = [models.Index(fields=["submission", "state"], name="review_paper_state")]

    def __str__(self):
        return f"Review of #{self.submission_id} by {self.reviewer_id} ({self.state})"


class Comment(models.Model):
    """A message in a paper's discussion among its reviewers and non-conflicted chairs."""

    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Comment on #{self.submission_id} by {self.author_id}"


class Decision(models.Model):
    class Outcome(models.TextChoices):
        ACCEPT_ORAL = "accept_oral", "Accept (oral)"
        ACCEPT_POSTER = "accept_poster", "Accept (poster)"
        REJECT = "reject", "Reject"
        DESK_REJECT = "desk_reject", "Desk reject"

    submission = models.OneToOneField(
        "submissions.Submission", on_delete=models.CASCADE, related_name="decision"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    note_to_authors = models.TextField(blank=True, help_text="Meta-review, sent with the decision.")
    best_paper = models.BooleanField(default=False)
    best_student_paper = models.BooleanField(default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Optimistic lock: bumped on every change."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(best_paper=True)
                | models.Q(outcome__in=["accept_oral", "accept_poster"]),
                name="best_paper_is_accepted",
            ),
            models.CheckConstraint(
                condition=~models.Q(best_student_paper=True)
                | models.Q(outcome__in=["accept_oral", "accept_poster"]),
                name="best_student_paper_is_accepted",
            ),
        ]

    def __str__(self):
        return f"#{self.submission_id}: {self.get_outcome_display()}"

    @property
    def is_accept(self):
        return self.outcome in (self.Outcome.ACCEPT_ORAL, self.Outcome.ACCEPT_POSTER)


class ReviewFormSettings(models.Model):
    """Labels and scales of the review form, per conference; the defaults follow ICLR."""

    conference = models.OneToOneField(
        "conference.Conference", on_delete=models.CASCADE, related_name="review_form"
    )
    rating_labels = models.JSONField(
        default=dict, help_text='Score -> label, e.g. {"8": "accept, good paper"}.'
    )
    confidence_labels = models.JSONField(default=dict)
    field_labels = models.JSONField(
        default=dict, help_text="Field name -> label shown to reviewers."
    )

    def __str__(self):
        return f"Review form of {self.conference}"


class DecisionEmailTemplate(models.Model):
    """A chair's wording of the decision email for one outcome; absent rows use the shipped text.

    Placeholders such as {{ title }} are filled per paper by reviews.release; the note and the
    reviews are appended by the email template itself, so a chair cannot drop them by accident.
    """

    conference = models.ForeignKey(
        "conference.Conference", on_delete=models.CASCADE, related_name="decision_emails"
    )
    outcome = models.CharField(max_length=20, choices=Decision.Outcome.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "outcome"], name="decision_email_once_per_outcome"
            )
        ]

    def __str__(self):
        return f"{self.conference}: {self.get_outcome_display()} email"


class AuthorListConfirmation(models.Model):
    """Authors confirmed the final author list of an accepted paper (a snapshot of it, in order)."""

    submission = models.OneToOneField(
        "submissions.Submission", on_delete=models.CASCADE, related_name="author_list_confirmation"
    )
    authors = models.JSONField(help_text="Names and affiliations in order, as confirmed.")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField()

    def __str__(self):
        return f"Author list of #{self.submission_id} confirmed {self.confirmed_at:%Y-%m-%d}"


class PaperReviewStats(models.Model):
    """Statistics of a paper's submitted reviews, read from the database view
    `reviews_paperreviewstats` (created in migration 0003): one GROUP BY over reviews that the
    chair dashboard joins, so sorting 12,000 papers by mean rating stays one cheap query.
    Papers without a submitted review have no row."""

    submission = models.OneToOneField(
        "submissions.Submission",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        related_name="review_stats",
        db_column="submission_id",
    )
    reviews_in = models.IntegerField()
    rating_mean = models.FloatField(null=True)
    rating_square_mean = models.FloatField(null=True)
    rating_min = models.IntegerField(null=True)
    rating_max = models.IntegerField(null=True)
    weighted_sum = models.IntegerField(null=True)
    confidence_sum = models.IntegerField(null=True)
    oral_votes = models.IntegerField()
    nominations = models.IntegerField()

    class Meta:
        managed = False
        db_table = "reviews_paperreviewstats"

    def __str__(self):
        return f"Review statistics of #{self.submission_id}"


class PaperAssignmentCount(models.Model):
    """How many reviewers a paper is assigned to, read from the database view
    `reviews_paperassignmentcount` (migration 0003), joined by the chair dashboard next to
    PaperReviewStats. Papers without an assignment have no row."""

    submission = models.OneToOneField(
        "submissions.Submission",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        related_name="assignment_count",
        db_column="submission_id",
    )
    assigned = models.IntegerField()

    class Meta:
        managed = False
        db_table = "reviews_paperassignmentcount"

    def __str__(self):
        return f"{self.assigned} assignment(s) of #{self.submission_id}"
