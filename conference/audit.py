"""The audit log's one writer."""

from django.contrib.contenttypes.models import ContentType

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
