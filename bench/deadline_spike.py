"""Deadline spike: many authors upload their PDF in the same second. Not a test; run by hand.

    .venv/bin/python bench/deadline_spike.py --clients 100

Starts a real server (gunicorn, production settings with plain-HTTP cookies and no login rate
limit, see SETTINGS) against its own PostgreSQL database `scope_bench` (dropped and created
anew) and Redis database 13, on 127.0.0.1 only. Each client logs in through the real login
form, opens the new-submission form, waits at a barrier, then uploads a 1-3 MB PDF and
submits. Prints uploads/s and latency percentiles, then checks that every accepted upload
(HTTP 302 to its paper) is in the database with the same sha256, and that storage holds the
same bytes: `lost` must be 0. Every request has a timeout; the run ends by itself.
"""

import argparse
import hashlib
import http.cookiejar
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from loopback import (
    SERVER_SETTINGS,
    NoRedirect,
    environment,
    free_port,
    multipart,
    percentile,
    progress,
    start_server,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
DATABASE = "scope_bench"
REDIS = "redis://127.0.0.1:6379/13"
PASSWORD = "bench-password-2025"
SLUG = "spike"
REQUEST_TIMEOUT = 120


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100, help="50-200 concurrent authors")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    if not 1 <= args.clients <= 200:
        parser.error("--clients must be between 1 and 200")
    return args


def recreate_database():
    import psycopg2

    connection = psycopg2.connect(PG_ADMIN)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {DATABASE}")
    connection.close()


def drop_database():
    import psycopg2

    connection = psycopg2.connect(PG_ADMIN)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    connection.close()


def prepare_data(env, clients):
    """Migrate, then create the conference (deadline open for a week) and one author per client."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    os.environ.update(env)
    sys.path.insert(0, env["PYTHONPATH"].split(os.pathsep)[0])
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password

    from accounts.models import User
    from tests.factories import ConferenceFactory, DeadlineFactory

    conference = ConferenceFactory(slug=SLUG, short_name="Spike")
    DeadlineFactory(conference=conference, days=7)
    password = make_password(PASSWORD)
    users = User.objects.bulk_create(
        User(email=f"author{n}@bench.example", full_name=f"Author {n}", password=password)
        for n in range(clients)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
    )
    return [user.email for user in users], conference.tracks.get(name="Main paper track").pk


class Author:
    """One client: a cookie jar, a login, a form, and one timed upload."""

    def __init__(self, base, email, track, pdf):
        self.base, self.email, self.track, self.pdf = base, email, track, pdf
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )
        self.outcome = None

    def csrf(self):
        return next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")

    def request(self, path, data=None, content_type=None):
        request = urllib.request.Request(self.base + path, data=data)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def log_in_and_open_form(self):
        self.request("/accounts/login/")
        body = urllib.parse.urlencode(
            {"login": self.email, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf()}
        ).encode()
        status, _, _ = self.request("/accounts/login/", body, "application/x-www-form-urlencoded")
        if status != 302:
            raise RuntimeError(f"login of {self.email} answered {status}")
        status, _, page = self.request(f"/{SLUG}/submissions/new/")
        token = re.search(rb'name="creation_token" value="([0-9a-f-]+)"', page)
        if status != 200 or token is None:
            raise RuntimeError(f"form for {self.email} answered {status}")
        self.token = token.group(1).decode()

    def upload(self):
        fields = [
            ("csrfmiddlewaretoken", self.csrf()),
            ("creation_token", self.token),
            ("track", self.track),
            ("title", f"Spike paper of {self.email}"),
            ("abstract", "We measure what a deadline does to a submission server. " * 3),
            ("topics", ""),
            ("keywords", "benchmark"),
            ("confirms_anonymized", "on"),
            ("confirms_not_published", "on"),
            ("action", "draft"),
            ("authors-TOTAL_FORMS", "1"),
            ("authors-INITIAL_FORMS", "0"),
            ("authors-MIN_NUM_FORMS", "1"),
            ("authors-MAX_NUM_FORMS", "30"),
            ("authors-0-name", self.email),
            ("authors-0-email", self.email),
            ("authors-0-ORDER", "1"),
            ("authors-0-is_contact", "on"),
        ]
        fields = [(name, value) for name, value in fields if value != ""]
        body, content_type = multipart(fields, [("pdf", "paper.pdf", self.pdf)])
        started = time.perf_counter()
        status, headers, _ = self.request(f"/{SLUG}/submissions/new/", body, content_type)
        seconds = time.perf_counter() - started
        location = headers.get("Location", "") if status == 302 else ""
        number = re.search(r"/submissions/(\d+)/$", location)
        self.outcome = (status, seconds, int(number.group(1)) if number else None)


def make_pdfs(count):
    from submissions.demo_pdf import make_demo_pdf

    rng = random.Random(2025)
    return [
        make_demo_pdf(
            title=f"Spike {n}",
            body_pages=4,
            reference_pages=1,
            seed=n,
            padding_bytes=rng.randint(1, 3) * 1024 * 1024 - 40_000,
        )
        for n in range(count)
    ]


def verify(authors, storage_root):
    """Accepted uploads whose row, sha256 and stored bytes are all there."""
    from submissions.models import SubmissionFile

    files = {
        f.submission.number: f
        for f in SubmissionFile.objects.select_related("submission").filter(
            submission__conference__slug=SLUG
        )
    }
    found = 0
    for author in authors:
        status, _, number = author.outcome
        file = files.get(number)
        if status != 302 or file is None:
            continue
        path = storage_root / file.storage_name
        if (
            file.sha256 == hashlib.sha256(author.pdf).hexdigest()
            and path.exists()
            and hashlib.sha256(path.read_bytes()).hexdigest() == file.sha256
        ):
            found += 1
    return found, len(files)


def main():
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="scope-bench-"))
    (workdir / "bench_settings.py").write_text(SERVER_SETTINGS)
    env = environment(workdir, database=DATABASE, redis=REDIS)
    server = None
    try:
        recreate_database()
        emails, track = prepare_data(env, args.clients)
        pdfs = make_pdfs(args.clients)
        port = free_port()
        progress(f"data ready; starting gunicorn on 127.0.0.1:{port}")
        server = start_server(
            env,
            port,
            workers=args.workers,
            threads=args.threads,
            slug=SLUG,
            log_name="bench-gunicorn.log",
        )
        progress("server up; logging the authors in")
        base = f"http://127.0.0.1:{port}"
        authors = [Author(base, email, track, pdf) for email, pdf in zip(emails, pdfs, strict=True)]
        with ThreadPoolExecutor(max_workers=32) as pool:
            list(pool.map(Author.log_in_and_open_form, authors))
        barrier = threading.Barrier(len(authors))
        progress("all logged in; uploading at once")

        def spike(author):
            barrier.wait(timeout=60)
            author.upload()

        started = time.perf_counter()
        threads = [threading.Thread(target=spike, args=(author,)) for author in authors]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT + 60)
        wall = time.perf_counter() - started
        done = [author for author in authors if author.outcome]
        accepted = [author for author in done if author.outcome[0] == 302]
        latencies = [author.outcome[1] for author in done]
        found, rows = verify(accepted, workdir / "private")
        megabytes = sum(len(a.pdf) for a in authors) / 1024 / 1024
        print(f"clients           {len(authors)} ({megabytes:.0f} MB of PDFs, 1-3 MB each)")
        print(
            f"server            gunicorn {args.workers} workers x {args.threads} threads, "
            f"PostgreSQL {DATABASE}, {os.cpu_count()} CPUs"
        )
        print(
            f"accepted          {len(accepted)}  (other status: "
            f"{sorted(a.outcome[0] for a in done if a.outcome[0] != 302)}, "
            f"no answer: {len(authors) - len(done)})"
        )
        print(f"wall time         {wall:.2f} s")
        print(f"uploads/s         {len(accepted) / wall:.1f}")
        if latencies:
            print(f"latency p50       {percentile(latencies, 0.50):.2f} s")
            print(f"latency p95       {percentile(latencies, 0.95):.2f} s")
            print(f"latency p99       {percentile(latencies, 0.99):.2f} s")
            print(
                f"latency max       {max(latencies):.2f} s  mean {statistics.mean(latencies):.2f} s"
            )
        print(f"rows in database  {rows}")
        print(f"lost              {len(accepted) - found}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        import redis

        redis.Redis.from_url(REDIS).flushdb()
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
