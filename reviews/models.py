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
