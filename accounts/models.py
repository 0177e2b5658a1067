"""People: one account per person, their affiliations, publications and declared relations.

These facts feed conflict detection and affinity, so they are structured, not free text.
"""

import rules
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """An account, identified by its primary email; allauth keeps the further addresses."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_student = models.BooleanField(
        default=False,
        help_text="Currently a student (makes first-authored papers eligible for the student award).",
    )
    orcid = models.CharField("ORCID", max_length=40, blank=True)
    dblp_url = models.URLField("DBLP", blank=True)
    semantic_scholar_url = models.URLField("Semantic Scholar", blank=True)
    openreview_url = models.URLField("OpenReview", blank=True)
    keywords = models.TextField(blank=True, help_text="Research keywords, comma separated.")
    topics = models.ManyToManyField("conference.Topic", blank=True, related_name="experts")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self):
        return self.full_name or self.email

    def has_perm(self, perm, obj=None):
        """Permissions on an object are decided by our rules for everyone: Django's superuser
        shortcut would otherwise let an administrator reach a paper they are conflicted with."""
        if obj is not None:
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)

    @property
    def display_name(self):
        return self.full_name or self.email.split("@")[0]

    def current_affiliation(self):
        return next((a for a in self.affiliations.all() if a.end_year is None), None)


class Affiliation(models.Model):
    class Role(models.TextChoices):
        STUDENT = "student", "Student"
        FACULTY = "faculty", "Faculty"
        RESEARCHER = "researcher", "Researcher"
        INDUSTRY = "industry", "Industry"
        OTHER = "other", "Other"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="affiliations")
    institution = models.CharField(max_length=200)
    email_domain = models.CharField(max_length=100, blank=True, help_text="e.g. cmu.edu")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.RESEARCHER)
    start_year = models.PositiveSmallIntegerField(null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty while current."
    )

    class Meta:
        ordering = ["end_year", "-start_year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__isnull=True)
                | models.Q(start_year__isnull=True)
                | models.Q(end_year__gte=models.F("start_year")),
                name="affiliation_ends_after_start",
            )
        ]

    def __str__(self):
        span = f"{self.start_year or '?'}–{self.end_year or 'now'}"
        return f"{self.institution} ({span})"


class Publication(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="publications")
    title = models.CharField(max_length=500)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    coauthors = models.TextField(blank=True, help_text="Co-authors' names or emails, one per line.")

    class Meta:
        ordering = ["-year", "title"]

    def __str__(self):
        return f"{self.title} ({self.year or 'n.d.'})"

    def coauthor_list(self):
        return [
            line.strip() for line in self.coauthors.replace(";", "\n").splitlines() if line.strip()
        ]


class Relation(models.Model):
    """A person this user must not review or be reviewed by: advisor, advisee, or personal tie."""

    class Kind(models.TextChoices):
        ADVISOR = "advisor", "My advisor"
        ADVISEE = "advisee", "My advisee"
        PERSONAL = "personal", "Personal relationship"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="relations")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.name}"
