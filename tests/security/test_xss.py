"""Script in everything people type (titles, abstracts, author names, affiliations, reviews,
comments, decision notes, invitation names, Markdown links): every page, export and HTML email
that shows it has it escaped or stripped. Spreadsheet formulas in exports are neutralized.

Pages are parsed, not grepped: no <script> element except our own static files, no on*
event-handler attribute, no javascript: URL in href/src/action, anywhere.
"""

import csv
import io
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from accounts.models import User
from notifications.models import OutgoingEmail
from reviews import decisions, discussion, release
from reviews.models import Invitation, Review
from submissions.models import Authorship, Submission
from tests.security.crawl import readable_pages

SCRIPT = '<script>alert("xss")</script>'
IMG = '<img src=x onerror=alert("xss")>'
BREAKOUT = '" onmouseover="alert(1)" x="'
MARKDOWN = (
    '[click me](javascript:alert("xss")) <a href="javascript:alert(2)">raw</a> '
    '<iframe src="https://evil.example"></iframe> ![x](javascript:alert(3)) '
    '<p onclick="alert(4)">para</p> <svg onload=alert(5)>'
)
PAYLOAD = f"{SCRIPT}{IMG}{BREAKOUT}"
# The other roles see subsets of these roles' pages (the access matrix shows which).
ROLES_WITH_DIFFERENT_PAGES = ("anonymous", "author", "reviewer", "chair", "chair_author")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}


class ActiveContentFinder(HTMLParser):
    """Collects what a browser would run: inline or foreign scripts, handlers, javascript: URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script" and not (values.get("src") or "").startswith("/static/"):
            self.found.append(f"<script> {values}")
        if tag in ("iframe", "object", "embed"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")


def active_content(html):
    finder = ActiveContentFinder()
    finder.feed(html)
    return finder.found


def test_xss_finder_sees_every_kind_of_active_content():
    html = (
        f'{SCRIPT}{IMG}<a href=" JavaScript:alert(2)">a</a><iframe src="x"></iframe>'
        '<form action="javascript:go()"></form><p onclick="alert(4)">p</p>'
        '<script src="/static/js/app.js"></script>'
    )

    assert active_content(html) == [
        "<script> {}",
        "<img onerror=...>",
        "<a href= JavaScript:alert(2)>",
        "<iframe>",
        "<form action=javascript:go()>",
        "<p onclick=...>",
    ]


def plant_payloads(world):
    """Put script in every field people type that the world's pages show."""
    target = world.target
    Submission.objects.filter(conference=world.conference).update(
        title=f"Paper {PAYLOAD}", abstract=f"Abstract {PAYLOAD} {MARKDOWN}", keywords=PAYLOAD
    )
    Authorship.objects.filter(submission__conference=world.conference).update(
        name=f"Author {PAYLOAD}", affiliation=f"Lab {PAYLOAD}"
    )
    User.objects.filter(pk__in=[u.pk for u in world.people.values() if u]).update(
        full_name=f"Person {PAYLOAD}"
    )
    Review.objects.filter(pk=world.review.pk).update(
        summary=MARKDOWN + PAYLOAD,
        strengths=MARKDOWN,
        weaknesses=PAYLOAD,
        questions=MARKDOWN,
        confidential_comment=MARKDOWN + PAYLOAD,
    )
    discussion.post_comment(
        author=world.user("reviewer"), submission=target, body=MARKDOWN + PAYLOAD
    )
    Invitation.objects.filter(pk=world.invitation.pk).update(name=f"Invitee {PAYLOAD}")
    target.refresh_from_db()
    decisions.set_decision(
        actor=world.user("chair"),
        submission=target,
        outcome="accept_oral",
        note=MARKDOWN + PAYLOAD,
        expected_version=0,
    )


@pytest.mark.parametrize("released", [False, True], ids=["review phase", "after release"])
def test_xss_payloads_are_inert_on_every_page_for_every_role(
    released, world, clients, django_capture_on_commit_callbacks
):
    plant_payloads(world)
    if released:
        with django_capture_on_commit_callbacks(execute=True):
            release.release_decisions(actor=world.user("chair"), conference=world.conference)
        world.conference.refresh_from_db()
        world.conference.program_published = True
        world.conference.save(update_fields=["program_published"])

    problems = []
    shown = 0
    for role in ROLES_WITH_DIFFERENT_PAGES:
        for item in readable_pages(world, clients[role], role):
            if not item.content_type.startswith("text/html"):
                continue
            shown += "Paper &lt;script&gt;" in item.text
            problems += [(role, item.where, found) for found in active_content(item.text)]

    assert problems == []
    assert shown > 10  # the payloads were rendered (escaped), not simply absent


def test_xss_payloads_are_inert_in_html_emails(world, django_capture_on_commit_callbacks):
    plant_payloads(world)
    with django_capture_on_commit_callbacks(execute=True):
        release.release_decisions(actor=world.user("chair"), conference=world.conference)
    emails = OutgoingEmail.objects.filter(conference=world.conference).exclude(html_body="")

    assert [
        (email.subject, found) for email in emails for found in active_content(email.html_body)
    ] == []


def csv_cells(response):
    body = b"".join(response.streaming_content).decode()
    return [cell for row in csv.reader(io.StringIO(body)) for cell in row]


@pytest.mark.parametrize("name", ["reviews:chair_export", "submissions:chair_export"])
def test_xss_csv_exports_neutralize_spreadsheet_formulas(name, world, clients):
    formula = '=HYPERLINK("https://evil.example","click")'
    Submission.objects.filter(conference=world.conference).update(title=formula)
    Authorship.objects.filter(submission__conference=world.conference).update(name="@SUM(1+1)")

    cells = csv_cells(clients["chair"].get(reverse(name, args=[world.conference.slug])))

    assert [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")] == []
    assert f"'{formula}" in cells
