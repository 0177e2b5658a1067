"""The audit log's one writer, and the one reader that respects conflicts of interest."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast

from conference.models import AuditEntry


def record(*, actor, action, obj=None, conference=None, before=None, after=None, reason=""):
    """Append who did what to which object, with the values before and after (JSON-able)."""
    entry = AuditEntry(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        conference=conference,
        action=action,
        before=before,
        after=after,
        reason=reason,
    )
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj)
        entry.object_id = str(obj.pk)
        entry.object_repr = str(obj)[:300]
    entry.save()
    return entry


def keys(queryset):
    """The primary keys of a queryset as text, the type of AuditEntry.object_id (a subquery)."""
    return queryset.annotate(key=Cast("pk", CharField())).values("key")


def entries_visible_to(user, conference):
    """The conference's audit entries without those about papers the user may not handle.

    A chair never sees a paper they conflict with or wrote, by any page (invariant 1), so the
    log leaves out entries on such a paper, on rows that belong to it (reviews, assignments,
    conflicts, decisions, files...) and on emails about it. One query, whatever the number.
    """
    from notifications.models import OutgoingEmail
    from submissions.models import Submission
    from submissions.queries import chair_visible_submissions

    hidden = Submission.objects.filter(conference=conference).exclude(
        pk__in=chair_visible_submissions(user, conference).values("pk")
    )
    belonging = [
        relation
        for relation in Submission._meta.related_objects
        if relation.one_to_many or relation.one_to_one
    ]
    types = ContentType.objects.get_for_models(
        Submission, OutgoingEmail, *(relation.related_model for relation in belonging)
    )
    about_hidden = Q(content_type=types[Submission], object_id__in=keys(hidden))
    for relation in belonging:
        rows = relation.related_model.objects.filter(**{f"{relation.field.name}__in": hidden})
        about_hidden |= Q(content_type=types[relation.related_model], object_id__in=keys(rows))
    emails = OutgoingEmail.objects.filter(
        content_type=types[Submission], object_id__in=keys(hidden)
    )
    about_hidden |= Q(content_type=types[OutgoingEmail], object_id__in=keys(emails))
    return AuditEntry.objects.filter(conference=conference).exclude(about_hidden)
