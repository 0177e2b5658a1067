"""Profile edits: the profile, affiliations, publications and relations saved together."""

from django.db import transaction


def save_profile(*, form, formsets):
    """Save a profile and its inline lists in one transaction; all valid or nothing saved."""
    with transaction.atomic():
        user = form.save()
        for formset in formsets:
            formset.instance = user
            formset.save()
    return user
