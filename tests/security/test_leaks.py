"""What people can read, beyond status codes: every page and export they may GET (for every
paper and every email of the world) and every email addressed to them, searched for the
strings they must never see.

- Authors never see who reviews their paper, the confidential note, the reviewers' discussion,
  or the decision before it is released.
- A conflicted reviewer or chair never sees the paper: its title, reviews, discussion.
- Reviewers never see the authors' identities (double blind), file names included.
"""

import pytest

from reviews import decisions, release
from tests.security.crawl import findings, readable_emails, readable_pages
from tests.security.world import (
    AUTHORS,
    COMMENT,
    CONFIDENTIAL,
    PEOPLE,
    REVIEWERS,
    TARGET_TITLE,
)

REVIEW_TEXT = "Summary: a linear-time router for attention."
TARGET_REVIEWERS = [text for role in ("reviewer", "reviewer_conflicted") for text in PEOPLE[role]]
ALL_REVIEWERS = [text for role in REVIEWERS for text in PEOPLE[role]]
TARGET_AUTHORS = [text for role in AUTHORS for text in PEOPLE[role]]
# The paper form lists the committee (chairs and reviewers) so that authors can declare
# conflicts with its members: names on it say nothing about who reviews which paper.
COMMITTEE_LIST_PAGES = ("/submissions/new/", "/submissions/1/edit/")


def everything_readable(world, clients, role, *, emails_since=None):
    items = readable_pages(world, clients[role], role)
    items += readable_emails(world.user(role).email, since=emails_since)
    return items


def outside(items, paths):
    return [item for item in items if not any(path in item.where for path in paths)]


@pytest.mark.parametrize("role", ["author", "coauthor"])
def test_leaks_authors_never_see_reviewers_confidential_notes_or_discussion(role, world, clients):
    items = everything_readable(world, clients, role)

    assert findings(outside(items, COMMITTEE_LIST_PAGES), ALL_REVIEWERS) == []
    assert findings(items, [CONFIDENTIAL, COMMENT, REVIEW_TEXT]) == []


def test_leaks_chair_author_sees_no_review_of_own_paper(world, clients):
    """As a chair they see the committee; nothing that names their paper names its reviewers."""
    items = outside(everything_readable(world, clients, "chair_author"), COMMITTEE_LIST_PAGES)
    about_own_paper = [item for item in items if TARGET_TITLE in item.text]

    assert findings(about_own_paper, TARGET_REVIEWERS) == []
    assert findings(items, [CONFIDENTIAL, COMMENT, REVIEW_TEXT]) == []


@pytest.mark.parametrize("role", ["reviewer_conflicted", "chair_conflicted"])
def test_leaks_conflicted_people_never_see_the_paper(role, world, clients):
    """Emails sent before the conflict was found (the assignment email) are history."""
    items = everything_readable(world, clients, role, emails_since=world.conflict.created_at)

    assert findings(items, [TARGET_TITLE, CONFIDENTIAL, COMMENT, REVIEW_TEXT]) == []


@pytest.mark.parametrize("role", REVIEWERS)
def test_leaks_reviewers_never_see_author_identities(role, world, clients):
    items = everything_readable(world, clients, role)

    assert findings(outside(items, COMMITTEE_LIST_PAGES), TARGET_AUTHORS) == []


def test_leaks_audit_log_names_no_reviewer_of_a_chairs_own_paper(world, clients):
    """The audit log of a chair who wrote a paper holds none of its entries, which would name
    its reviewers (assignments) even where an entry does not spell out the paper's title."""
    items = readable_pages(world, clients["chair_author"], "chair_author")
    audit = [i for i in items if "/chair/audit/" in i.where]

    assert findings(audit, TARGET_REVIEWERS) == []


def test_leaks_outbox_names_no_reviewer_of_a_chairs_own_paper(world, clients):
    items = readable_pages(world, clients["chair_author"], "chair_author")
    about_own_paper = [i for i in items if "/outbox/" in i.where and TARGET_TITLE in i.text]

    assert findings(about_own_paper, TARGET_REVIEWERS) == []


DECISION_NOTE = "Meta-review OSPREY: the oral committee loved it"


def test_leaks_decision_hidden_from_authors_until_release_then_shown_without_reviewers(
    world, clients, django_capture_on_commit_callbacks
):
    decisions.set_decision(
        actor=world.user("chair"),
        submission=world.target,
        outcome="accept_oral",
        note=DECISION_NOTE,
        expected_version=0,
    )
    before = {role: everything_readable(world, clients, role) for role in AUTHORS}
    with django_capture_on_commit_callbacks(execute=True):
        release.release_decisions(actor=world.user("chair"), conference=world.conference)
    after = everything_readable(world, clients, "author")
    decision_emails = [
        item for item in after if "email:" in item.where and DECISION_NOTE in item.text
    ]

    for role in AUTHORS:
        assert findings(before[role], [DECISION_NOTE]) == []
    for role in ("author", "coauthor"):
        assert findings(before[role], ["Accept (oral)"]) == []
    assert findings(after, [DECISION_NOTE]) != []
    assert len(decision_emails) == 1
    assert REVIEW_TEXT in decision_emails[0].text
    assert findings(outside(after, COMMITTEE_LIST_PAGES), ALL_REVIEWERS) == []
    assert findings(after, [CONFIDENTIAL, COMMENT]) == []


def test_leaks_paper_state_shows_authors_no_outcome_before_release(world, clients):
    """A decided paper's state changes at once; its authors' pages must not show it yet."""
    decisions.set_decision(
        actor=world.user("chair"),
        submission=world.target,
        outcome="accept_oral",
        note=DECISION_NOTE,
        expected_version=0,
    )
    items = readable_pages(world, clients["author"], "author")

    assert findings(items, ["Accepted"]) == []
