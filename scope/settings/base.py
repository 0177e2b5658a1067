"""Settings shared by every environment; each value that differs comes from the environment."""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "accounts",
    "conference",
    "notifications",
    "submissions",
    "reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "scope.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, so that its 413 page passes every middleware above; it reads no body itself.
    "scope.middleware.RequestSizeLimitMiddleware",
]

ROOT_URLCONF = "scope.urls"
WSGI_APPLICATION = "scope.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "conference.context_processors.current_conference",
            ],
            "builtins": ["conference.templatetags.deadlines"],
        },
    }
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'demo.sqlite3'}")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: login by email, verified emails, allauth's own rate limits.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = False
ACCOUNT_MAX_EMAIL_ADDRESSES = 5
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "manage_email": "10/m/user",
    "change_password": "5/m/user",
}
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[SCOPE Review] "
LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "account_login"
# Set in dev: sign-ups are verified at once so the demo needs no mailbox.
SCOPE_AUTO_VERIFY_EMAIL = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploaded papers live in private storage: no MEDIA_URL serves them, only permission-checked views.
PRIVATE_STORAGE_ROOT = env.path("PRIVATE_STORAGE_ROOT", default=BASE_DIR / "var" / "private")
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_STORAGE_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Requests larger than this are refused before their body is read (see submissions' upload handler).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Uploads stream to temporary files; one file over MAX_UPLOAD_BYTES is dropped, the form kept.
FILE_UPLOAD_HANDLERS = ["submissions.uploads.CappedUploadHandler"]
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=60 * 1024 * 1024)
# A whole request (a paper, a supplement and the form) over this is refused with 413 before its
# body is read (scope.middleware.RequestSizeLimitMiddleware).
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=2 * MAX_UPLOAD_BYTES + 1024 * 1024)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="SCOPE Review <noreply@scope-review.local>")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

CELERY_BROKER_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 900}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = False
# Task modules that are not an app's tasks.py.
CELERY_IMPORTS = ["reviews.tasks_release"]
CELERY_BEAT_SCHEDULE = {
    "requeue-stuck-emails": {
        "task": "notifications.tasks.requeue_stuck_emails",
        "schedule": 120.0,
    },
    "deadline-reminders": {
        "task": "notifications.tasks.send_deadline_reminders",
        "schedule": crontab(minute="*/10"),
    },
}
# An email left in "queued" or "sending" longer than this is taken as lost by a dead worker.
OUTBOX_STUCK_AFTER_SECONDS = 300
OUTBOX_MAX_ATTEMPTS = 6
# Wait after the n-th transient SMTP failure: base x 2^(n-1) seconds (30 s, 1 min, 2 min, ...).
OUTBOX_RETRY_BASE_SECONDS = 30

PDFCHECK_TIMEOUT_SECONDS = 10.0
PDFCHECK_MEMORY_MB = 768

CSP_SCRIPT_SRC = "'self'"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
SCOPE_REMINDER_SWEEPS = [
    "submissions.reminders.draft_reminders",
    "reviews.reminders.review_reminders",
    "reviews.reminders.missing_review_digests",
    "reviews.reminders.camera_ready_reminders",
    "reviews.discussion.send_discussion_digests",
    "reviews.committee.send_invitation_reminders",
]
# Committee invitations: answerable this many days; one reminder after this many without answer.
SCOPE_INVITATION_VALID_DAYS = 30
SCOPE_INVITATION_REMINDER_DAYS = 7
EMAIL_MESSAGE_ID_DOMAIN = env("EMAIL_MESSAGE_ID_DOMAIN", default="scope-review.local")
SCOPE_SEED_HOOKS = [
    "submissions.seed.seed_demo_papers",
    "reviews.affinity_sync.seed_demo_conflicts_and_affinity",
    "reviews.demo_seed.seed_demo_reviews",
]
