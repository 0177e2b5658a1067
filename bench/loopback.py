"""What the loopback load benchmarks share: the settings the server runs with, its
environment, and how latencies are summarized. Run the benchmarks as scripts
(`python bench/<name>.py`) so that this module is importable beside them."""

import os
import secrets
import socket
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SERVER_SETTINGS = """
from scope.settings.prod import *  # noqa: F403
# Plain HTTP on loopback: cookies without the Secure flag; one IP logs everyone in.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ACCOUNT_RATE_LIMITS = False
# Logins are set-up, not what is measured: a cheap hasher keeps 200 of them from taking minutes.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "root": {"handlers": ["console"], "level": "WARNING"}}
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def progress(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def environment(workdir, *, database, redis):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=os.pathsep.join([str(workdir), str(ROOT)]),
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        REDIS_URL=redis,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        PRIVATE_STORAGE_ROOT=str(workdir / "private"),
        LOG_LEVEL="WARNING",
    )
    return env
