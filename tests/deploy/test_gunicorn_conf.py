"""The production server warms the PDF sandbox when a worker starts."""

import runpy
import subprocess
import sys

from django.conf import settings

PROBE = """
import runpy
from submissions import pdfsandbox
before = pdfsandbox._pool
config = runpy.run_path("gunicorn.conf.py")
config["post_worker_init"](None)
print(before is None, len(pdfsandbox._pool.worker_pids()))
"""


def test_gunicorn_post_worker_init_starts_the_pdf_sandbox():
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert result.stdout.split() == ["True", "2"]


def test_gunicorn_conf_serves_on_port_8000():
    config = runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))

    assert (config["bind"], config["workers"], config["threads"]) == ("0.0.0.0:8000", 3, 4)
