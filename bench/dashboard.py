"""Chair dashboard, CSV export, reviewer home and public accepted list at ICLR scale. Not a test.

    .venv/bin/python bench/dashboard.py [--papers 12000 --reviewers 9000 --runs 9]

Drops and creates the PostgreSQL database `scope_bench_dashboard`, migrates it and seeds, with
bulk inserts: 12,000 submitted papers in two tracks (two authors each), 9,000 reviewers, three
assignments and three submitted reviews per paper (36,000), a decision on every paper (30%
accepted, a tenth of those oral), poster placements, a published program, ten conflicts per
paper (120,000) and one chair with a conflict on 1% of the papers; then ANALYZE. Each page is then requested through Django's test client: one
warm-up, then `--runs` timed requests (the CSV's body is read to the end). Prints one JSON
object per line: page, rows, median_ms, queries.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
DATABASE = "scope_bench_dashboard"
SLUG = "iclr"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=12_000)
    parser.add_argument("--reviewers", type=int, default=9_000)
    parser.add_argument("--runs", type=int, default=9, help="timed requests per page")
    return parser.parse_args()


def create_database():
    import psycopg2

    admin = psycopg2.connect(PG_ADMIN)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        cursor.execute(f"CREATE DATABASE {DATABASE}")
    admin.close()


def setup_django():
    os.environ["DJANGO_SETTINGS_MODULE"] = "scope.settings.test"
    os.environ["TEST_DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(*, n_papers, n_reviewers, rng):
    """Bulk-insert the conference; returns (chair, one reviewer)."""
    from accounts.models import User
    from conference.models import (
        CommitteeMembership,
        Conference,
        Deadline,
        Presentation,
        ProgramSession,
        Track,
    )
    from reviews.models import Assignment, Conflict, Decision, Review
    from submissions.models import Authorship, Submission

    now = datetime.now(UTC)
    conference = Conference.objects.create(
        name="ICLR-scale benchmark",
        short_name="BENCH",
        slug=SLUG,
        contact_email="chairs@bench.example",
        decisions_released_at=now,
        program_published=True,
    )
    tracks = [
        Track.objects.create(
            conference=conference,
            name=name,
            body_page_limit=limit,
            camera_ready_page_limit=limit + 1,
            order=i,
        )
        for i, (name, limit) in enumerate([("Main track", 9), ("Tiny track", 2)])
    ]
    Deadline.objects.create(
        conference=conference,
        kind=Deadline.Kind.REVIEW,
        local_date=(now + timedelta(days=5)).date(),
    )
    posters = [
        ProgramSession.objects.create(
            conference=conference,
            kind=ProgramSession.Kind.POSTER,
            title=f"Poster session {n}",
            starts_at=now + timedelta(days=60, hours=2 * n),
            ends_at=now + timedelta(days=60, hours=2 * n + 1),
        )
        for n in range(1, 5)
    ]
    chair = User.objects.create(email="chair@bench.example", full_name="Bench Chair")
    CommitteeMembership.objects.create(
        conference=conference, user=chair, role="chair", status="accepted"
    )
    reviewers = User.objects.bulk_create(
        User(email=f"reviewer{n}@bench.example", full_name=f"Reviewer {n}", password="!")
        for n in range(n_reviewers)
    )
    CommitteeMembership.objects.bulk_create(
        CommitteeMembership(conference=conference, user=r, role="reviewer", status="accepted")
        for r in reviewers
    )
    authors = User.objects.bulk_create(
        User(email=f"author{n}@bench.example", full_name=f"Author {n}", password="!")
        for n in range(n_papers // 2)
    )
    papers = Submission.objects.bulk_create(
        Submission(
            conference=conference,
            number=n + 1,
            track=tracks[n % 2],
            title=f"Paper {n + 1}: efficient attention at scale, variant {rng.randint(1, 999)}",
            abstract="We study efficient attention for long contexts.",
            state=Submission.State.SUBMITTED,
            first_author_student=n % 3 == 0,
            format_verdict="fits",
            created_by=authors[n % len(authors)],
            submitted_at=now,
        )
        for n in range(n_papers)
    )
    Authorship.objects.bulk_create(
        Authorship(
            submission=paper,
            order=order,
            name=f"Author {paper.number}-{order}",
            email=f"a{paper.number}-{order}@bench.example",
            affiliation="Institute of Learning",
            user=authors[paper.number % len(authors)] if order == 1 else None,
            is_contact=order == 1,
        )
        for paper in papers
        for order in (1, 2)
    )
    pairs = [
        (paper, reviewers[(paper.number * 3 + k) % n_reviewers])
        for paper in papers
        for k in range(3)
    ]
    Assignment.objects.bulk_create(Assignment(submission=p, reviewer=r) for p, r in pairs)
    Review.objects.bulk_create(
        Review(
            submission=p,
            reviewer=r,
            state=Review.State.SUBMITTED,
            summary="Summary.",
            strengths="Strengths.",
            weaknesses="Weaknesses.",
            rating=rng.randint(1, 10),
            confidence=rng.randint(1, 5),
            recommend_oral=rng.random() < 0.1,
            nominate_best_paper=rng.random() < 0.02,
            submitted_at=now - timedelta(days=rng.randint(0, 20)),
        )
        for p, r in pairs
    )
    outcomes = []
    for paper in papers:
        draw = rng.random()
        outcome = "accept_oral" if draw < 0.03 else "accept_poster" if draw < 0.3 else "reject"
        outcomes.append((paper, outcome))
    Decision.objects.bulk_create(Decision(submission=p, outcome=o) for p, o in outcomes)
    for outcome, state in (
        ("reject", "rejected"),
        ("accept_oral", "accepted"),
        ("accept_poster", "accepted"),
    ):
        Submission.objects.filter(decision__outcome=outcome).update(state=state)
    Presentation.objects.bulk_create(
        Presentation(submission=p, poster_session=posters[i % 4], poster_board=f"P{i}")
        for i, (p, o) in enumerate(outcomes)
        if o != "reject"
    )
    # Institutional conflicts are the common case: ten reviewers per paper, and the chair on 1%.
    Conflict.objects.bulk_create(
        Conflict(submission=p, user=r, kind="institutional")
        for p in papers
        for r in {reviewers[rng.randrange(n_reviewers)] for _ in range(10)}
    )
    Conflict.objects.bulk_create(
        Conflict(submission=p, user=chair, kind="institutional") for p in papers[::100]
    )
    return chair, reviewers[0]


def measure(client, url, *, runs, stream=False):
    """(median milliseconds, queries of one request, body)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def fetch():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return b"".join(response.streaming_content) if stream else response.content

    fetch()
    with CaptureQueriesContext(connection) as captured:
        body = fetch()
    queries = len(captured)  # now: the next request resets the connection's query log
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fetch()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), queries, body


def main():
    args = parse_args()
    create_database()
    setup_django()
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test import Client

    rng = random.Random(2025)
    started = time.perf_counter()
    chair, reviewer = seed(n_papers=args.papers, n_reviewers=args.reviewers, rng=rng)
    print(json.dumps({"seeded_s": round(time.perf_counter() - started, 1)}), file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics, as autovacuum would give them
    # Keep one connection for all requests, as a server with CONN_MAX_AGE does (and so that the
    # query log survives between requests).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)

    chair_client = Client(HTTP_HOST="localhost")
    chair_client.force_login(chair)
    reviewer_client = Client(HTTP_HOST="localhost")
    reviewer_client.force_login(reviewer)
    public_client = Client(HTTP_HOST="localhost")
    pages = [
        ("dashboard", chair_client, f"/{SLUG}/chair/papers/", False),
        (
            "dashboard sorted by mean",
            chair_client,
            f"/{SLUG}/chair/papers/?sort=mean&dir=desc",
            False,
        ),
        (
            "dashboard search + filter",
            chair_client,
            f"/{SLUG}/chair/papers/?q=variant+1&decision=none&needs=missing",
            False,
        ),
        ("dashboard plots (htmx)", chair_client, f"/{SLUG}/chair/papers/plots/", False),
        ("csv export (all papers)", chair_client, f"/{SLUG}/chair/papers.csv", True),
        ("reviewer home", reviewer_client, f"/{SLUG}/reviewing/", False),
        ("public accepted papers", public_client, f"/{SLUG}/program/papers/", False),
    ]
    for name, client, url, stream in pages:
        median_ms, queries, body = measure(client, url, runs=args.runs, stream=stream)
        text = body.decode()
        if stream:
            rows = text.count("\n") - 1
        elif "public" in name:
            rows = text.count('class="public-paper"')
        elif "plots" in name:
            rows = text.count("<rect")
        elif "reviewer" in name:
            rows = text.count(f'href="/{SLUG}/reviewing/') - 1  # minus the nav link
        else:
            rows = text.count('name="papers" value=')
        print(
            json.dumps(
                {"page": name, "rows": rows, "median_ms": round(median_ms, 1), "queries": queries}
            )
        )


if __name__ == "__main__":
    main()
