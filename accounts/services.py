"""Profile edits: the profile, affiliations, publications and relations saved together."""

from functools import partial

from django.db import transaction

from reviews.conflict_sync import schedule_recompute_for_person


def save_profile(*, form, formsets):
    """Save a profile and its inline lists in one transaction; all valid or nothing saved."""
    with transaction.atomic():
        user = form.save()
        for formset in formsets:
            formset.instance = user
            formset.save()
        transaction.on_commit(partial(schedule_recompute_for_person, user_id=user.pk))
    return user
