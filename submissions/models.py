"""Papers, their authors in order, and every uploaded file version."""

from django.conf import settings
from django.db import models


class Submission(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        WITHDRAWN = "withdrawn", "Withdrawn"
        DESK_REJECTED = "desk_rejected", "Desk rejected"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    class FormatVerdict(models.TextChoices):
        NONE = "", "No PDF yet"
        FITS = "fits", "Fits"
        TOO_LONG = "too_long", "Too long"
        UNVERIFIED = "unverified", "Unverified"

    conference = models.ForeignKey(
        "conference.Conference", on_delete=models.CASCADE, related_name="submissions"
    )
    number = models.PositiveIntegerField(help_text="Paper number within the conference.")
    track = models.ForeignKey(
        "conference.Track", on_delete=models.PROTECT, related_name="submissions"
    )
    title = models.CharField(max_length=300)
    abstract = models.TextField()
    keywords = models.CharField(max_length=500, blank=True)
    topics = models.ManyToManyField("conference.Topic", related_name="submissions")
    state = models.CharField(
        max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    first_author_student = models.BooleanField(default=False)
    confirms_anonymized = models.BooleanField(default=False)
    confirms_not_published = models.BooleanField(default=False)
    declared_conflict_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="declared_conflict_submissions"
    )
    declared_conflict_institutions = models.TextField(
        blank=True, help_text="One institution per line."
    )
    format_verdict = models.CharField(
        max_length=20, choices=FormatVerdict.choices, blank=True, default=""
    )
    extension_until = models.DateTimeField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    withdraw_reason = models.TextField(blank=True)
    desk_reject_reason = models.TextField(blank=True)
    desk_reject_notified_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty: the authors hear of it with the decisions."
    )
    # Where a withdrawn or desk-rejected paper goes back to when a chair reinstates it.
    previous_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Optimistic lock: bumped on every edit."
    )
    # A client-made token so that a double-clicked "create" makes one paper.
    creation_token = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["conference", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "number"], name="submission_number_unique"
            ),
            models.UniqueConstraint(
                fields=["created_by", "creation_token"], name="submission_creation_once"
            ),
        ]

    def __str__(self):
        return f"#{self.number} {self.title}"

    def state_for_authors(self, conference):
        """The state the authors may know: a decision shows only once the chairs released
        decisions (a desk rejection once the authors were told)."""
        released = conference.decisions_released_at is not None
        if self.state in (self.State.ACCEPTED, self.State.REJECTED) and not released:
            return self.State.SUBMITTED
        if self.state == self.State.DESK_REJECTED and not (
            released or self.desk_reject_notified_at
        ):
            return self.State.SUBMITTED
        return self.state

    def open_for_authors(self, conference):
        """Draft or submitted as far as the authors know (a decision is hidden until release)."""
        return self.state_for_authors(conference) in (self.State.DRAFT, self.State.SUBMITTED)

    @property
    def is_open_state(self):
        """Draft or submitted: the states in which authors still work on a paper."""
        return self.state in (self.State.DRAFT, self.State.SUBMITTED)


class Authorship(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="authorships")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    email = models.EmailField()
    affiliation = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authorships",
    )
    is_contact = models.BooleanField(default=False)

    class Meta:
        ordering = ["submission", "order"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "order"], name="author_order_unique"),
            models.UniqueConstraint(fields=["submission", "email"], name="author_email_unique"),
        ]

    def __str__(self):
        return self.name


class SubmissionFile(models.Model):
    """One accepted upload. The current file of a kind is the newest; rejected uploads are never stored."""

    class Kind(models.TextChoices):
        PAPER = "paper", "Paper PDF"
        SUPPLEMENT = "supplement", "Supplementary material"
        CAMERA_READY = "camera_ready", "Camera-ready PDF"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    revision = models.PositiveIntegerField()
    storage_name = models.CharField(max_length=300, unique=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    facts = models.JSONField(default=dict, blank=True)
    thumbnail_count = models.PositiveSmallIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submission", "kind", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "kind", "revision"], name="file_revision_unique"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.revision} of #{self.submission.number}"
