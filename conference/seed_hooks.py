"""Other apps add demo content (papers, reviews) to the seed through hooks named in settings."""

from django.conf import settings
from django.utils.module_loading import import_string


def run_seed_hooks(*, conference, people, password):
    for path in settings.SCOPE_SEED_HOOKS:
        import_string(path)(conference=conference, people=people, password=password)
