"""A venue and everything about it that chairs edit: tracks, topics, deadlines, program, committee."""

import functools
import zoneinfo
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

AOE = "Etc/GMT+12"
# First path segments the site's own URLs use; a conference slug there would be unreachable.
RESERVED_SLUGS = frozenset({"admin", "accounts", "profile", "static"})


@functools.cache
def known_zones():
    return frozenset(zoneinfo.available_timezones())


def normalize_zone(value):
    """The IANA name a chair meant: 'AoE' -> Etc/GMT+12, 'europe/berlin' -> Europe/Berlin.

    Unknown names are returned stripped, for `validate_zone` to refuse with a message.
    """
    text = (value or "").strip()
    if text.lower() == "aoe":
        return AOE
    by_lower = {name.lower(): name for name in known_zones()}
    return by_lower.get(text.lower(), text)


def validate_zone(value):
    if value not in known_zones():
        raise ValidationError(
            f"“{value}” is not a time zone name. Use an IANA name such as Europe/Berlin, "
            "America/New_York or UTC; AoE (Anywhere on Earth) is Etc/GMT+12."
        )


def validate_slug_not_reserved(value):
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(
            f"“{value}” is taken by the site's own pages; choose another short name "
            "for the web address, such as scope2026."
        )


class Conference(models.Model):
    class Anonymity(models.TextChoices):
        DOUBLE_BLIND = "double_blind", "Double blind"
        SINGLE_BLIND = "single_blind", "Single blind (reviewers see authors)"

    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40)
    slug = models.SlugField(
        max_length=40,
        unique=True,
        validators=[validate_slug_not_reserved],
        help_text="The conference's web address: /<slug>/.",
    )
    description = models.TextField(blank=True)
    venue = models.CharField(max_length=200, blank=True, help_text="Where the event takes place.")
    website = models.URLField(blank=True)
    contact_email = models.EmailField()
    anonymity = models.CharField(
        max_length=20, choices=Anonymity.choices, default=Anonymity.DOUBLE_BLIND
    )
    event_zone = models.CharField(
        max_length=60,
        default="UTC",
        validators=[validate_zone],
        help_text="Where the event happens; the program is shown in this zone.",
    )
    default_max_load = models.PositiveSmallIntegerField(
        default=6, help_text="Papers per reviewer unless overridden."
    )
    show_reviews_after_own = models.BooleanField(
        default=True,
        help_text="Reviewers see the other reviews of a paper once they submitted their own.",
    )
    decisions_released_at = models.DateTimeField(null=True, blank=True)
    program_published = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.short_name

    @property
    def is_double_blind(self):
        return self.anonymity == self.Anonymity.DOUBLE_BLIND

    def deadline(self, kind):
        return next((d for d in self.deadlines.all() if d.kind == kind), None)


class Track(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="tracks")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    body_page_limit = models.PositiveSmallIntegerField(
        help_text="Pages before references and appendix."
    )
    camera_ready_page_limit = models.PositiveSmallIntegerField(
        help_text="Body pages allowed in the final version."
    )
    max_pdf_mb = models.PositiveSmallIntegerField(default=20)
    max_supplement_mb = models.PositiveSmallIntegerField(default=50)
    reviews_per_paper = models.PositiveSmallIntegerField(default=3)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["conference", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "name"], name="track_name_unique")
        ]

    def __str__(self):
        return self.name

    @property
    def max_pdf_bytes(self):
        return self.max_pdf_mb * 1024 * 1024

    @property
    def max_supplement_bytes(self):
        return self.max_supplement_mb * 1024 * 1024


class Topic(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="topics")
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["conference", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "name"], name="topic_name_unique")
        ]

    def __str__(self):
        return self.name


class Deadline(models.Model):
    """A deadline as chairs state it (a local date and time in a named zone), kept in UTC.

    A deadline stated at 23:59 stays open through 23:59:59, so `due_at` is the stated minute's
    last second: "3 Feb 23:59 AoE" is stored as 2025-02-04 11:59:59 UTC, and the deadline is
    closed from 2025-02-04 12:00:00 UTC on.
    """

    class Kind(models.TextChoices):
        SUBMISSION = "submission", "Paper submission"
        BIDDING = "bidding", "Bidding"
        REVIEW = "review", "Reviews"
        NOTIFICATION = "notification", "Accept/reject notification"
        CAMERA_READY = "camera_ready", "Camera-ready"

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    local_date = models.DateField(help_text="Date in the deadline's zone.")
    local_time = models.TimeField(
        default=time(23, 59), help_text="Wall-clock time in the deadline's zone."
    )
    zone = models.CharField(max_length=60, default=AOE, validators=[validate_zone])
    due_at = models.DateTimeField(editable=False, help_text="The last open second, in UTC.")

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "kind"], name="one_deadline_per_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.stated}"

    def save(self, *args, **kwargs):
        self.due_at = due_instant(self.local_date, self.local_time, self.zone)
        super().save(*args, **kwargs)

    @property
    def stated(self):
        suffix = "AoE" if self.zone == AOE else self.zone
        return f"{self.local_date:%Y-%m-%d} {self.local_time:%H:%M} {suffix}"

    def is_open_at(self, instant):
        """Open through the last second of the stated minute; closed from the next second on."""
        return instant < self.due_at + timedelta(seconds=1)


def due_instant(local_date, local_time, zone):
    """The UTC instant of the last open second of a deadline stated as a wall-clock minute."""
    wall = datetime.combine(local_date, local_time.replace(second=59, microsecond=0))
    return wall.replace(tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(UTC)


class ProgramSession(models.Model):
    class Kind(models.TextChoices):
        KEYNOTE = "keynote", "Keynote"
        INVITED = "invited", "Invited talk"
        ORAL = "oral", "Oral papers"
        POSTER = "poster", "Poster session"
        BREAK = "break", "Break"
        PANEL = "panel", "Panel"
        OTHER = "other", "Other"

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    room = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["starts_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title


class CommitteeMembership(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Program chair"
        REVIEWER = "reviewer", "Reviewer"

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INVITED)
    max_load = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty: the conference default."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["conference", "role", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "user", "role"], name="one_membership_per_role"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} ({self.get_status_display()})"

    @property
    def load_cap(self):
        return self.max_load if self.max_load is not None else self.conference.default_max_load


class AuditEntryQuerySet(models.QuerySet):
    """Bulk edits are refused too. (Deleting a conference or a user still cascades: Django
    does that through the plain base manager.)"""

    def update(self, **kwargs):
        raise ValueError("Audit entries are append-only.")

    def delete(self):
        raise ValueError("Audit entries are append-only.")


class AuditEntry(models.Model):
    """Append-only record of a chair-visible change: who, what, on which object, before and after."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    conference = models.ForeignKey(
        Conference, null=True, blank=True, on_delete=models.CASCADE, related_name="audit"
    )
    action = models.CharField(max_length=80)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.CharField(max_length=64, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are append-only.")

    def changes(self):
        """(field, before, after) for each field whose value differs; ids are left out."""
        before, after = self.before or {}, self.after or {}
        if not isinstance(before, dict) or not isinstance(after, dict):
            return []
        return [
            (key, before.get(key), after.get(key))
            for key in sorted(before.keys() | after.keys())
            if key not in ("id", "conference") and before.get(key) != after.get(key)
        ]


class Presentation(models.Model):
    """Where an accepted paper is presented: its oral slot (if any) and its poster session."""

    submission = models.OneToOneField(
        "submissions.Submission", on_delete=models.CASCADE, related_name="presentation"
    )
    oral_session = models.ForeignKey(
        ProgramSession,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="oral_presentations",
    )
    oral_order = models.PositiveSmallIntegerField(default=0)
    poster_session = models.ForeignKey(
        ProgramSession,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="poster_presentations",
    )
    poster_board = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["oral_session", "oral_order"]

    def __str__(self):
        return f"Presentation of #{self.submission_id}"
