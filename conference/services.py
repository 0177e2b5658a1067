"""State changes of venues: settings edits and committee roles, each audited."""

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from conference import audit
from conference.models import CommitteeMembership
from conference.roles import forget_roles


def snapshot(obj, fields=None):
    """A JSON-able picture of a model instance for the audit log."""
    data = model_to_dict(obj, fields=fields)
    return {key: (value if isinstance(value, bool | int | float | str | type(None)) else str(value))
            for key, value in data.items()}


def save_conference_form(*, actor, form):
    """Save the chair's edit of the conference's own fields, audited."""
    conference = form.instance
    with transaction.atomic():
        before = snapshot(type(conference).objects.get(pk=conference.pk), fields=list(form.fields))
        conference = form.save()
        audit.record(actor=actor, conference=conference, action="conference.edit", obj=conference,
                     before=before, after=snapshot(conference, fields=list(form.fields)))
    return conference


def save_formset(*, actor, conference, formset, action):
    """Save a chair's edit of tracks, topics, deadlines or sessions; one audit entry per change."""
    with transaction.atomic():
        befores = {form.instance.pk: snapshot(type(form.instance).objects.get(pk=form.instance.pk))
                   for form in formset.initial_forms if form.has_changed() or form in formset.deleted_forms}
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit.record(actor=actor, conference=conference, action=f"{action}.delete", obj=obj,
                         before=befores.get(obj.pk))
            obj.delete()
        for obj in instances:
            obj.conference = conference
            created = obj.pk is None
            obj.save()
            audit.record(actor=actor, conference=conference, action=f"{action}.{'create' if created else 'edit'}",
                         obj=obj, before=None if created else befores.get(obj.pk), after=snapshot(obj))
        formset.save_m2m()


def add_member(*, actor, conference, user, role, status=CommitteeMembership.Status.ACCEPTED, max_load=None):
    """Give a user a committee role (idempotent); chairs add co-chairs and reviewers with this."""
    with transaction.atomic():
        membership, created = CommitteeMembership.objects.get_or_create(
            conference=conference, user=user, role=role,
            defaults={"status": status, "max_load": max_load,
                      "responded_at": timezone.now() if status != CommitteeMembership.Status.INVITED else None},
        )
        if created:
            audit.record(actor=actor, conference=conference, action="committee.add", obj=membership,
                         after=snapshot(membership, fields=["user", "role", "status", "max_load"]))
    forget_roles(user)
    return membership
