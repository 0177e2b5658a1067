"""Mixed load: authors uploading, reviewers opening papers, chairs on the dashboard. Not a test.

    .venv/bin/python bench/mixed_load.py --clients 200 --seconds 120

Starts gunicorn (production settings, plain-HTTP cookies, no login rate limit) on 127.0.0.1
against its own PostgreSQL database `scope_bench_mixed` (dropped and created anew) and Redis
database 12 (no Celery worker: emails wait in the outbox and the queue). Clients are split 40%
authors, 40% reviewers, 20% chairs; each logs in through the real login form and then loops,
with a random think time, over its role's requests until the time is up:

- author: dashboard, edit form, upload a new 1 MB PDF version of their paper (a write);
- reviewer: reviewer home, a paper's review page, its PDF, an autosave of the draft (a write);
- chair: papers dashboard, submissions list, CSV export.

Prints throughput, p50/p95/p99 per endpoint, errors, and lost writes: acknowledged uploads
whose version, sha256 and stored bytes are not all in the database and storage afterwards, and
acknowledged autosaves whose text is not the review's text. `lost` must be 0. Every request
has a timeout and the run ends by itself.
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
import uuid
from collections import defaultdict
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
DATABASE = "scope_bench_mixed"
REDIS = "redis://127.0.0.1:6379/12"
PASSWORD = "bench-password-2025"
SLUG = "mixed"
REQUEST_TIMEOUT = 60
PAPERS_PER_REVIEWER = 3


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200, help="concurrent clients (5-400)")
    parser.add_argument("--seconds", type=int, default=120, help="length of the run (10-900)")
    parser.add_argument("--think", type=float, default=1.0, help="mean think time, seconds")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    if not 5 <= args.clients <= 400:
        parser.error("--clients must be between 5 and 400")
    if not 10 <= args.seconds <= 900:
        parser.error("--seconds must be between 10 and 900")
    return args


def admin_sql(*statements):
    import psycopg2

    connection = psycopg2.connect(PG_ADMIN)
    connection.autocommit = True
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    connection.close()


def pdf(seed, megabytes=1):
    from submissions.demo_pdf import make_demo_pdf

    return make_demo_pdf(
        title=f"Mixed load paper {seed}",
        body_pages=4,
        reference_pages=1,
        seed=seed,
        padding_bytes=megabytes * 1024 * 1024 - 40_000,
    )


def prepare_data(env, counts):
    """Migrate; create the conference (calls and reviews open), the people, one submitted paper
    with a stored PDF per author, and each reviewer's assignments."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    os.environ.update(env)
    sys.path.insert(0, env["PYTHONPATH"].split(os.pathsep)[0])
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.core.files.base import ContentFile

    from accounts.models import User
    from conference.models import CommitteeMembership, Deadline
    from reviews.models import Assignment
    from submissions.models import Authorship, Submission, SubmissionFile
    from submissions.pdfcheck import check_pdf
    from submissions.uploads import private_storage
    from tests.factories import ConferenceFactory, DeadlineFactory

    conference = ConferenceFactory(slug=SLUG, short_name="Mixed")
    for kind in (Deadline.Kind.SUBMISSION, Deadline.Kind.REVIEW):
        DeadlineFactory(conference=conference, kind=kind, days=7)
    track = conference.tracks.get(name="Main paper track")
    topic = conference.topics.first()
    password = make_password(PASSWORD)
    people = {
        role: User.objects.bulk_create(
            User(email=f"{role}{n}@bench.example", full_name=f"{role} {n}", password=password)
            for n in range(count)
        )
        for role, count in counts.items()
    }
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True)
        for users in people.values()
        for user in users
    )
    CommitteeMembership.objects.bulk_create(
        CommitteeMembership(
            conference=conference, user=user, role=role, status=CommitteeMembership.Status.ACCEPTED
        )
        for role in ("chair", "reviewer")
        for user in people[role]
    )
    first = pdf(0)
    facts = check_pdf(first).as_dict()
    storage = private_storage()
    papers = []
    for number, author in enumerate(people["author"], start=1):
        paper = Submission.objects.create(
            conference=conference,
            number=number,
            track=track,
            title=f"Paper {number} under mixed load",
            abstract="We measure how a review server behaves under mixed traffic. " * 3,
            state=Submission.State.SUBMITTED,
            confirms_anonymized=True,
            confirms_not_published=True,
            format_verdict="fits",
            created_by=author,
        )
        paper.topics.set([topic])
        Authorship.objects.create(
            submission=paper,
            order=1,
            name=author.full_name,
            email=author.email,
            user=author,
            is_contact=True,
        )
        name = storage.save(f"papers/{SLUG}/{uuid.uuid4().hex}.pdf", ContentFile(first))
        SubmissionFile.objects.create(
            submission=paper,
            kind=SubmissionFile.Kind.PAPER,
            revision=1,
            storage_name=name,
            original_name="paper.pdf",
            content_type="application/pdf",
            sha256=hashlib.sha256(first).hexdigest(),
            size=len(first),
            facts=facts,
            uploaded_by=author,
        )
        papers.append(paper)
    assignments = {}
    for index, reviewer in enumerate(people["reviewer"]):
        chosen = [
            papers[(index + k) % len(papers)] for k in range(min(PAPERS_PER_REVIEWER, len(papers)))
        ]
        Assignment.objects.bulk_create(Assignment(submission=p, reviewer=reviewer) for p in chosen)
        assignments[reviewer.email] = [p.number for p in chosen]
    return {
        "author": [(u.email, [n]) for n, u in enumerate(people["author"], start=1)],
        "reviewer": [(u.email, assignments[u.email]) for u in people["reviewer"]],
        "chair": [(u.email, []) for u in people["chair"]],
    }, track.pk


class Stats:
    """Latencies and errors per endpoint, shared by every client thread."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = defaultdict(list)
        self.errors = defaultdict(list)

    def record(self, endpoint, seconds, problem=None):
        with self.lock:
            self.latencies[endpoint].append(seconds)
            if problem:
                self.errors[endpoint].append(problem)

    def error(self, endpoint, problem):
        with self.lock:
            self.errors[endpoint].append(problem)


class Client:
    """One person: a cookie jar, a login, and a loop of their role's requests."""

    def __init__(self, *, base, email, numbers, role, stats, rng, think, form_values, pdfs):
        self.base, self.email, self.numbers, self.role = base, email, numbers, role
        self.stats, self.rng, self.think = stats, rng, think
        self.form_values, self.pdfs = form_values, pdfs
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )
        self.uploads = []  # (paper number, sha256) acknowledged by the server
        self.autosaves = {}  # paper number -> last acknowledged summary
        self.autosave_count = 0

    def csrf(self):
        return next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")

    def request(self, endpoint, path, data=None, content_type=None, expect=(200,)):
        request = urllib.request.Request(self.base + path, data=data)
        if content_type:
            request.add_header("Content-Type", content_type)
        if data is not None:
            request.add_header("X-CSRFToken", self.csrf())
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        except OSError as error:
            self.stats.record(endpoint, time.perf_counter() - started, type(error).__name__)
            return None, {}, b""
        problem = None if status in expect else f"HTTP {status}"
        self.stats.record(endpoint, time.perf_counter() - started, problem)
        return status, headers, body

    def form(self, fields):
        return urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"

    def log_in(self):
        self.request("login page", "/accounts/login/")
        body, kind = self.form([("login", self.email), ("password", PASSWORD)])
        status, _, _ = self.request("login", "/accounts/login/", body, kind, expect=(302,))
        if status != 302:
            raise RuntimeError(f"login of {self.email} answered {status}")

    def run(self, stop_at):
        steps = {
            "author": self.author_step,
            "reviewer": self.reviewer_step,
            "chair": self.chair_step,
        }
        while time.monotonic() < stop_at:
            steps[self.role]()
            time.sleep(self.rng.expovariate(1 / self.think) if self.think else 0)

    def author_step(self):
        number = self.numbers[0]
        self.request("author: dashboard", f"/{SLUG}/submissions/")
        status, _, page = self.request("author: edit form", f"/{SLUG}/submissions/{number}/edit/")
        version = re.search(rb'name="version" value="(\d+)"', page or b"")
        if status != 200 or version is None:
            return
        data = self.rng.choice(self.pdfs)
        fields = [
            ("version", version.group(1).decode()),
            ("track", self.form_values["track"]),
            ("title", f"Paper {number} under mixed load"),
            ("abstract", "We measure how a review server behaves under mixed traffic. " * 3),
            ("topics", self.form_values["topic"]),
            ("confirms_anonymized", "on"),
            ("confirms_not_published", "on"),
            ("action", "submit"),
            ("authors-TOTAL_FORMS", "1"),
            ("authors-INITIAL_FORMS", "0"),
            ("authors-MIN_NUM_FORMS", "1"),
            ("authors-MAX_NUM_FORMS", "30"),
            ("authors-0-name", self.email),
            ("authors-0-email", self.email),
            ("authors-0-ORDER", "1"),
            ("authors-0-is_contact", "on"),
        ]
        body, content_type = multipart(fields, [("pdf", "paper.pdf", data)])
        status, _, _ = self.request(
            "author: upload PDF",
            f"/{SLUG}/submissions/{number}/edit/",
            body,
            content_type,
            expect=(302,),
        )
        if status == 302:
            self.uploads.append((number, hashlib.sha256(data).hexdigest()))

    def reviewer_step(self):
        number = self.rng.choice(self.numbers)
        self.request("reviewer: home", f"/{SLUG}/reviewing/")
        status, _, page = self.request("reviewer: paper", f"/{SLUG}/reviewing/{number}/")
        self.request("reviewer: PDF", f"/{SLUG}/submissions/{number}/paper.file")
        version = re.search(rb'name="version" value="(\d+)"', page or b"")
        if status != 200 or version is None:
            return
        summary = f"Draft {uuid.uuid4().hex} of {self.email} on paper {number}."
        body, kind = self.form(
            [("summary", summary), ("recommend_oral", "no"), ("version", version.group(1).decode())]
        )
        status, _, answer = self.request(
            "reviewer: autosave", f"/{SLUG}/reviewing/{number}/autosave/", body, kind
        )
        if status == 200 and b"autosave-ok" in answer:
            self.autosaves[number] = summary
            self.autosave_count += 1
        elif status == 200:
            self.stats.error("reviewer: autosave", answer[:120].decode(errors="replace"))

    def chair_step(self):
        self.request("chair: papers dashboard", f"/{SLUG}/chair/papers/")
        self.request("chair: submissions list", f"/{SLUG}/chair/submissions/")
        self.request("chair: CSV export", f"/{SLUG}/chair/papers.csv")


def lost_writes(clients, storage_root):
    """Acknowledged writes that are not in the database and storage as acknowledged."""
    from reviews.models import Review
    from submissions.models import SubmissionFile

    stored = defaultdict(set)
    for number, sha256, name in SubmissionFile.objects.filter(
        submission__conference__slug=SLUG, kind="paper"
    ).values_list("submission__number", "sha256", "storage_name"):
        path = storage_root / name
        if path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == sha256:
            stored[number].add(sha256)
    texts = {
        (email, number): summary
        for email, number, summary in Review.objects.filter(
            submission__conference__slug=SLUG
        ).values_list("reviewer__email", "submission__number", "summary")
    }
    lost_uploads = sum(
        1 for c in clients for number, sha256 in c.uploads if sha256 not in stored[number]
    )
    lost_autosaves = sum(
        1
        for c in clients
        for number, summary in c.autosaves.items()
        if texts.get((c.email, number)) != summary
    )
    return lost_uploads, lost_autosaves


def report(stats, clients, args, wall, lost):
    total = sum(len(v) for v in stats.latencies.values())
    errors = sum(len(v) for v in stats.errors.values())
    uploads = sum(len(c.uploads) for c in clients)
    autosaves = sum(c.autosave_count for c in clients)
    roles = {
        role: sum(1 for c in clients if c.role == role) for role in ("author", "reviewer", "chair")
    }
    print(
        f"clients     {len(clients)} ({roles['author']} authors, {roles['reviewer']} reviewers, "
        f"{roles['chair']} chairs), think time {args.think:g} s mean"
    )
    print(
        f"server      gunicorn {args.workers} workers x {args.threads} threads, PostgreSQL, "
        f"Redis, {os.cpu_count()} CPUs, loopback"
    )
    print(f"run         {wall:.0f} s, {total} requests, {total / wall:.1f} requests/s")
    print(f"errors      {errors}")
    print(f"{'endpoint':28} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for endpoint in sorted(stats.latencies):
        values = stats.latencies[endpoint]
        print(
            f"{endpoint:28} {len(values):6d} {percentile(values, 0.5) * 1000:8.0f} "
            f"{percentile(values, 0.95) * 1000:8.0f} {percentile(values, 0.99) * 1000:8.0f} "
            f"{len(stats.errors.get(endpoint, [])):6d}"
        )
    for endpoint, problems in sorted(stats.errors.items()):
        print(f"  {endpoint}: {sorted(set(problems))[:5]}")
    print(
        f"acknowledged writes  {uploads} uploads, {autosaves} autosaves (each upload checked; "
        "the last autosave of each review checked)"
    )
    print(f"lost writes          {sum(lost)} (uploads {lost[0]}, autosaves {lost[1]})")
    if stats.latencies:
        mean = statistics.mean(v for values in stats.latencies.values() for v in values)
        print(f"mean latency         {mean * 1000:.0f} ms")


def main():
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="scope-mixed-"))
    (workdir / "bench_settings.py").write_text(SERVER_SETTINGS)
    env = environment(workdir, database=DATABASE, redis=REDIS)
    authors = max(1, args.clients * 2 // 5)
    chairs = max(1, args.clients // 5)
    counts = {"author": authors, "reviewer": args.clients - authors - chairs, "chair": chairs}
    server = None
    try:
        admin_sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)", f"CREATE DATABASE {DATABASE}")
        people, track = prepare_data(env, counts)
        from conference.models import Topic

        form_values = {
            "track": str(track),
            "topic": str(Topic.objects.filter(conference__slug=SLUG).first().pk),
        }
        pdfs = [pdf(seed) for seed in range(1, 17)]
        port = free_port()
        progress(f"data ready; starting gunicorn on 127.0.0.1:{port}")
        server = start_server(
            env,
            port,
            workers=args.workers,
            threads=args.threads,
            slug=SLUG,
            log_name="bench-mixed-gunicorn.log",
        )
        base = f"http://127.0.0.1:{port}"
        stats = Stats()
        clients = []
        for role, entries in people.items():
            for n, (email, numbers) in enumerate(entries):
                clients.append(
                    Client(
                        base=base,
                        email=email,
                        numbers=numbers,
                        role=role,
                        stats=stats,
                        rng=random.Random(f"{role}{n}"),
                        think=args.think,
                        form_values=form_values,
                        pdfs=pdfs,
                    )
                )
        progress(f"server up; logging {len(clients)} clients in")
        login_threads = [threading.Thread(target=c.log_in) for c in clients]
        for thread in login_threads:
            thread.start()
        for thread in login_threads:
            thread.join(timeout=REQUEST_TIMEOUT * 2)
        measured = Stats()
        for client in clients:
            client.stats = measured
        progress(f"running mixed traffic for {args.seconds} s")
        started = time.monotonic()
        threads = [threading.Thread(target=c.run, args=(started + args.seconds,)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + REQUEST_TIMEOUT * 3)
        wall = time.monotonic() - started
        progress("done; checking every acknowledged write")
        report(measured, clients, args, wall, lost_writes(clients, workdir / "private"))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        import redis

        redis.Redis.from_url(REDIS).flushdb()
        if not args.keep:
            from django.db import connections

            connections.close_all()
            admin_sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
