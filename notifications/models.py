"""The outbox: every email the system sends is one row here before it leaves."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class OutgoingEmail(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    dedupe_key = models.CharField(max_length=255, unique=True)
    conference = models.ForeignKey(
        "conference.Conference",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="emails",
    )
    template = models.CharField(max_length=100, db_index=True)
    to = models.JSONField(help_text="List of recipient addresses.")
    reply_to = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=300)
    text_body = models.TextField()
    html_body = models.TextField(blank=True)
    message_id = models.CharField(max_length=255, unique=True)
    state = models.CharField(
        max_length=20, choices=State.choices, default=State.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    state_changed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(
        default=timezone.now,
        help_text="When a queued email is due: now, or later after a transient failure.",
    )
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.CharField(max_length=64, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    papers = models.ManyToManyField(
        "submissions.Submission",
        blank=True,
        related_name="+",
        help_text="Papers the email names; chairs conflicted with one of them do not see it.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "state_changed_at"], name="outbox_state_age"),
            models.Index(fields=["state", "next_attempt_at"], name="outbox_state_due"),
        ]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)} ({self.state})"
