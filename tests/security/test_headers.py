"""Production settings pass Django's deployment checks, and responses carry the security
headers: under the real production settings module (in a subprocess) and in tests."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "scope.settings.prod",
    "SECRET_KEY": "prod-check-" + "k3y-w1th-3nough-entropy-for-the-deploy-check-" * 2,
    "REDIS_URL": "redis://127.0.0.1:6379/15",
    "ALLOWED_HOSTS": "review.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://review.example.org",
}
PROBE = """
import json
from django.test import Client
response = Client().get("/", secure=True, HTTP_HOST="review.example.org")
print(json.dumps({"status": response.status_code, "headers": dict(response.headers)}))
"""


def run_with_prod_settings(*args, database_url="postgres://postgres@127.0.0.1:5432/scope"):
    env = {**os.environ, **PROD_ENV, "DATABASE_URL": database_url}
    env.pop("DEBUG", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_headers_check_deploy_passes_with_production_settings():
    result = run_with_prod_settings("check", "--deploy", "--fail-level", "WARNING")

    assert (result.returncode, result.stderr) == (0, "")
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db(transaction=True)
def test_headers_production_settings_send_hsts_csp_and_the_rest():
    database = connection.settings_dict
    result = run_with_prod_settings(
        "shell",
        "-c",
        PROBE,
        database_url=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}",
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    headers = answer["headers"]

    assert answer["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


def csp_directives(response):
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/", 200),
        ("get", "/no-such-conference/", 404),
        ("get", "/accounts/login/", 200),
        ("post", "/", 405),
    ],
)
def test_headers_every_kind_of_response_carries_them(method, path, status, db):
    response = getattr(Client(), method)(path)
    directives = csp_directives(response)

    assert response.status_code == status
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_headers_csp_allows_no_inline_script_anywhere(db):
    directives = csp_directives(Client().get("/"))

    assert [
        (name, source)
        for name, sources in directives.items()
        for source in sources
        if source in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:") and name != "img-src"
    ] == []
