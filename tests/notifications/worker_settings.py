"""Settings for a worker started as a separate process by the worker-kill test: the test
settings, with mail going to the test's SMTP server (its port comes in the environment)."""

import os

from scope.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["OUTBOX_TEST_SMTP_PORT"])
EMAIL_TIMEOUT = 30
CELERY_TASK_ALWAYS_EAGER = False
