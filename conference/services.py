"""State changes of venues: settings edits and committee roles, each audited."""

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from conference import audit
from conference.models import CommitteeMembership
from conference.roles import forget_roles


def snapshot(obj, fields=None):
    """A JSON-able picture of a model instance for the audit log (a deadline with its UTC instant)."""
    data = model_to_dict(obj, fields=fields)
    if fields is None and getattr(obj, "due_at", None) is not None:
        data["due_at"] = obj.due_at.isoformat()
    return {
        key: (value if isinstance(value, bool | int | float | str | type(None)) else str(value))
        for key, value in data.items()
    }


def save_conference_form(*, actor, form):
    """Save the chair's edit of the conference's own fields, audited. Returns the number of
    changed objects (0 or 1)."""
    conference = form.instance
    fields = list(form.fields)
    with transaction.atomic():
        before = snapshot(
            type(conference).objects.select_for_update().get(pk=conference.pk), fields
        )
        conference = form.save()
        after = snapshot(conference, fields)
        if before == after:
            return 0
        audit.record(
            actor=actor,
            conference=conference,
            action="conference.edit",
            obj=conference,
            before=before,
            after=after,
        )
    return 1


def save_formset(*, actor, conference, formset, action):
    """Save a chair's edit of tracks, topics, deadlines or sessions; one audit entry per created,
    edited or deleted row. Returns the number of rows changed."""
    model = formset.model
    with transaction.atomic():
        touched = [
            form.instance.pk
            for form in formset.initial_forms
            if form.has_changed() or formset._should_delete_form(form)
        ]
        befores = {
            obj.pk: snapshot(obj)
            for obj in model.objects.select_for_update().filter(
                conference=conference, pk__in=touched
            )
        }
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit.record(
                actor=actor,
                conference=conference,
                action=f"{action}.delete",
                obj=obj,
                before=befores.get(obj.pk),
            )
            obj.delete()
        changed = len(formset.deleted_objects)
        for obj in instances:
            obj.conference = conference
            created = obj.pk is None
            obj.save()
            after = snapshot(obj)
            if not created and after == befores.get(obj.pk):
                continue
            changed += 1
            audit.record(
                actor=actor,
                conference=conference,
                action=f"{action}.{'create' if created else 'edit'}",
                obj=obj,
                before=None if created else befores.get(obj.pk),
                after=after,
            )
        formset.save_m2m()
    return changed


def add_member(
    *, actor, conference, user, role, status=CommitteeMembership.Status.ACCEPTED, max_load=None
):
    """Give a user a committee role (idempotent); chairs add co-chairs and reviewers with this."""
    with transaction.atomic():
        membership, created = CommitteeMembership.objects.get_or_create(
            conference=conference,
            user=user,
            role=role,
            defaults={
                "status": status,
                "max_load": max_load,
                "responded_at": timezone.now()
                if status != CommitteeMembership.Status.INVITED
                else None,
            },
        )
        if created:
            audit.record(
                actor=actor,
                conference=conference,
                action="committee.add",
                obj=membership,
                after=snapshot(membership, fields=["user", "role", "status", "max_load"]),
            )
    forget_roles(user)
    return membership
