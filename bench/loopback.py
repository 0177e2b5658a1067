"""What the loopback load benchmarks share: the settings the server runs with, its
environment, and how latencies are summarized. Run the benchmarks as scripts
(`python bench/<name>.py`) so that this module is importable beside them."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
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


def start_server(env, port, *, workers, threads, slug, log_name):
    """Start gunicorn on loopback and wait until it answers the conference page."""
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "scope.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    (ROOT / "var").mkdir(exist_ok=True)
    log = open(ROOT / "var" / log_name, "ab")  # noqa: SIM115 - lives as long as the server
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/{slug}/", timeout=10)
            return server
        except OSError:  # refused, reset or timed out while the workers boot
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("The server did not start within 60 s.")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, filename, data in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
