"""Production: PostgreSQL, Redis, Celery workers and beat. Refuses to start without its services."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env


def required(name):
    value = env(name, default="")
    if not value:
        raise ImproperlyConfigured(f"Production settings need the environment variable {name}.")
    return value


DEBUG = False
SECRET_KEY = required("SECRET_KEY")
DATABASES = {"default": env.db_url_config(required("DATABASE_URL"))}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
CELERY_BROKER_URL = required("REDIS_URL")
CELERY_TASK_ALWAYS_EAGER = False  # never a silent in-process fallback

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
X_FRAME_OPTIONS = "DENY"

if env("AWS_STORAGE_BUCKET_NAME", default=""):
    STORAGES = {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
                "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

# Shared by every web process, so allauth's rate limits count across gunicorn workers.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("CACHE_URL", default=CELERY_BROKER_URL),
    }
}
