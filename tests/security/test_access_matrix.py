"""Every URL pattern of the project x every role x GET and an empty POST: the status each must
get, from an explicit table. A new URL pattern fails here until someone states who may reach it.

The world (tests/security/world.py) is in its review phase: calls and reviews open, decisions
not released, program not published. URL kwargs name the target paper #1 and the objects around
it. Every POST is rolled back after its response, so requests do not affect each other. Every
response must carry the security headers.
"""

import pytest

from tests.security.urls import project_patterns, request_rolled_back
from tests.security.world import AUTHORS, CHAIRS, REVIEWERS, ROLES

GROUPS = {"authors": AUTHORS, "reviewers": REVIEWERS, "chairs": CHAIRS}


def row(default, **outcomes):
    """Status per role: `default` for everyone, then groups (authors, reviewers, chairs),
    then single roles, each overriding the one before."""
    statuses = dict.fromkeys(ROLES, default)
    for group, roles in GROUPS.items():
        if group in outcomes:
            statuses.update(dict.fromkeys(roles, outcomes[group]))
    statuses.update({role: s for role, s in outcomes.items() if role not in GROUPS})
    return statuses


EVERYONE = row(200)
EVERYONE_405 = row(405)
PUBLIC_HIDDEN = row(404)  # the program before it is published
SIGNED_IN = row(200, anonymous=302)
SIGNED_IN_405 = row(405, anonymous=302)
CHAIRS_200 = row(404, anonymous=302, chairs=200)
CHAIRS_302 = row(404, anonymous=302, chairs=302)
CHAIRS_400 = row(404, anonymous=302, chairs=400)
CHAIRS_405 = row(404, anonymous=302, chairs=405)
# Pages about the target paper: only the chair who handles it (not conflicted, not an author).
HANDLING_CHAIR_200 = row(404, anonymous=302, chair=200)
HANDLING_CHAIR_302 = row(404, anonymous=302, chair=302)
HANDLING_CHAIR_400 = row(404, anonymous=302, chair=400)
# The target's own pages: its authors, the assigned (unconflicted) reviewer, the handling chair.
PAPER_READERS_200 = row(404, anonymous=302, authors=200, reviewer=200, chair=200)
PAPER_READERS_POST = row(405, anonymous=302)
AUTHORS_200 = row(404, anonymous=302, authors=200)

EXPECTED = {
    "home": {"GET": EVERYONE, "POST": EVERYONE_405},
    "accounts:profile": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    # The target's first author's profile: themselves and the chairs who handle their paper
    # (not the chair who co-wrote it, nor the conflicted one: the profile points at the paper).
    "accounts:detail": {
        "GET": row(404, anonymous=302, author=200, chair=200),
        "POST": SIGNED_IN_405,
    },
    "conference:home": {"GET": EVERYONE, "POST": EVERYONE_405},
    "conference:deadlines": {"GET": EVERYONE, "POST": EVERYONE_405},
    "conference:settings": {"GET": CHAIRS_200, "POST": row(404, anonymous=302)},
    "conference:audit": {"GET": CHAIRS_200, "POST": CHAIRS_405},
    "notifications:outbox": {"GET": CHAIRS_200, "POST": CHAIRS_405},
    # The email is the target paper's "received" email: only its handling chair opens it.
    "notifications:detail": {"GET": HANDLING_CHAIR_200, "POST": CHAIRS_405},
    "notifications:resend": {"GET": CHAIRS_405, "POST": HANDLING_CHAIR_302},
    "notifications:cancel": {"GET": CHAIRS_405, "POST": HANDLING_CHAIR_302},
    "reviews:committee": {"GET": CHAIRS_200, "POST": CHAIRS_405},
    "reviews:committee_invite": {"GET": CHAIRS_200, "POST": CHAIRS_200},
    "reviews:committee_import": {"GET": CHAIRS_200, "POST": CHAIRS_200},
    "reviews:committee_cochair": {"GET": CHAIRS_405, "POST": CHAIRS_302},
    "reviews:committee_load_cap": {"GET": CHAIRS_405, "POST": CHAIRS_302},
    "reviews:invitation_detail": {"GET": CHAIRS_200, "POST": CHAIRS_405},
    # The signed token is the capability: its page opens for anyone who holds the link;
    # accepting needs a login with the invited address, declining does not.
    "reviews:invitation_accept": {"GET": EVERYONE, "POST": row(409, anonymous=302)},
    "reviews:invitation_decline": {"GET": EVERYONE, "POST": EVERYONE},
    "reviews:conflicts": {"GET": CHAIRS_200, "POST": CHAIRS_405},
    "reviews:conflicts_recompute": {"GET": CHAIRS_405, "POST": CHAIRS_302},
    "reviews:conflict_add": {"GET": CHAIRS_405, "POST": CHAIRS_200},
    # The conflict is on the target paper: only its handling chair may change it.
    "reviews:conflict_override": {"GET": CHAIRS_405, "POST": HANDLING_CHAIR_302},
    "reviews:conflict_restore": {"GET": CHAIRS_405, "POST": HANDLING_CHAIR_302},
    "reviews:conflict_remove": {"GET": CHAIRS_405, "POST": HANDLING_CHAIR_302},
    "reviews:job": {"GET": CHAIRS_200, "POST": CHAIRS_405},
    "reviews:affinity": {"GET": CHAIRS_200, "POST": CHAIRS_302},
    "reviews:bids": {
        "GET": row(404, anonymous=302, reviewers=200),
        "POST": row(404, anonymous=302, reviewers=405),
    },
    # Bids on the target: committee reviewers without a conflict (assigned or not).
    "reviews:bid_save": {
        "GET": row(404, anonymous=302, reviewers=405),
        "POST": row(404, anonymous=302, reviewer=302, reviewer_unassigned=302),
    },
    "reviews:assignment_runs": {"GET": CHAIRS_200, "POST": CHAIRS_200},
    "reviews:proposal": {"GET": CHAIRS_200, "POST": CHAIRS_405},
    "reviews:proposal_paper": {"GET": HANDLING_CHAIR_200, "POST": HANDLING_CHAIR_400},
    "reviews:proposal_commit": {"GET": CHAIRS_405, "POST": CHAIRS_302},
    "reviews:assignments": {"GET": CHAIRS_200, "POST": CHAIRS_405},
    "reviews:assignment_paper": {"GET": HANDLING_CHAIR_200, "POST": HANDLING_CHAIR_400},
    "reviews:assignment_remove": {"GET": CHAIRS_405, "POST": HANDLING_CHAIR_302},
    "reviews:reviewer_home": {
        "GET": row(404, anonymous=302, reviewers=200, chairs=200),
        "POST": row(404, anonymous=302, reviewers=405, chairs=405),
    },
    # The reviewing page of the target: its assigned, unconflicted reviewer only.
    "reviews:review": {
        "GET": row(404, anonymous=302, reviewer=200),
        "POST": row(404, anonymous=302, reviewer=400),
    },
    "reviews:review_autosave": {
        "GET": SIGNED_IN_405,
        "POST": row(404, anonymous=302, reviewer=200),
    },
    "reviews:comment": {
        "GET": SIGNED_IN_405,
        "POST": row(404, anonymous=302, reviewer=400, chair=400),
    },
    "reviews:author_reviews": {"GET": AUTHORS_200, "POST": SIGNED_IN_405},
    # Camera-ready steps exist only for accepted papers after the release.
    "reviews:camera_ready_upload": {"GET": SIGNED_IN_405, "POST": row(404, anonymous=302)},
    "reviews:camera_ready_authors": {"GET": SIGNED_IN_405, "POST": row(404, anonymous=302)},
    "reviews:chair_dashboard": {"GET": CHAIRS_200, "POST": CHAIRS_405},
    "reviews:chair_plots": {"GET": CHAIRS_200, "POST": CHAIRS_405},
    "reviews:chair_export": {"GET": CHAIRS_200, "POST": CHAIRS_405},
    "reviews:bulk_decision": {"GET": CHAIRS_405, "POST": CHAIRS_302},
    "reviews:chair_paper": {"GET": HANDLING_CHAIR_200, "POST": HANDLING_CHAIR_400},
    "reviews:remind_late": {"GET": CHAIRS_200, "POST": CHAIRS_302},
    "reviews:review_form_settings": {"GET": CHAIRS_200, "POST": CHAIRS_400},
    "reviews:release": {"GET": CHAIRS_200, "POST": CHAIRS_302},
    "reviews:release_progress": {"GET": CHAIRS_200, "POST": CHAIRS_405},
    "reviews:program": {"GET": CHAIRS_200, "POST": CHAIRS_302},
    "public:schedule": {"GET": PUBLIC_HIDDEN, "POST": EVERYONE_405},
    "public:papers": {"GET": PUBLIC_HIDDEN, "POST": EVERYONE_405},
    "public:papers_json": {"GET": PUBLIC_HIDDEN, "POST": EVERYONE_405},
    "public:ics": {"GET": PUBLIC_HIDDEN, "POST": EVERYONE_405},
    "public:pdf": {"GET": PUBLIC_HIDDEN, "POST": EVERYONE_405},
    "submissions:dashboard": {"GET": SIGNED_IN, "POST": SIGNED_IN_405},
    "submissions:create": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "submissions:detail": {"GET": PAPER_READERS_200, "POST": PAPER_READERS_POST},
    "submissions:edit": {"GET": AUTHORS_200, "POST": AUTHORS_200},
    "submissions:withdraw": {"GET": AUTHORS_200, "POST": AUTHORS_200},
    "submissions:download": {"GET": PAPER_READERS_200, "POST": PAPER_READERS_POST},
    "submissions:download_version": {"GET": PAPER_READERS_200, "POST": PAPER_READERS_POST},
    "submissions:thumbnail": {"GET": PAPER_READERS_200, "POST": PAPER_READERS_POST},
    "submissions:chair_list": {"GET": CHAIRS_200, "POST": CHAIRS_405},
    "submissions:chair_export": {"GET": CHAIRS_200, "POST": CHAIRS_405},
    "submissions:desk_reject": {"GET": HANDLING_CHAIR_200, "POST": HANDLING_CHAIR_200},
    "submissions:extension": {"GET": HANDLING_CHAIR_200, "POST": HANDLING_CHAIR_200},
    # Only withdrawn or desk-rejected papers can be reinstated; the target is submitted.
    "submissions:reinstate": {"GET": row(404, anonymous=302), "POST": row(404, anonymous=302)},
}

PATTERNS = project_patterns()
SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy")
LOGIN_PREFIX = "/accounts/login/"


def observed(response, role):
    """The status, except that an anonymous redirect anywhere but the login page shows where."""
    location = response.headers.get("Location", "")
    if (
        role == "anonymous"
        and response.status_code == 302
        and not location.startswith(LOGIN_PREFIX)
    ):
        return f"302 to {location}"
    return response.status_code


def missing_headers(response):
    missing = [name for name in SECURITY_HEADERS if name not in response.headers]
    if "frame-ancestors 'none'" not in response.headers.get("Content-Security-Policy", ""):
        missing.append("CSP frame-ancestors")
    if response.headers.get("X-Frame-Options") != "DENY":
        missing.append("X-Frame-Options")
    return missing


def test_access_matrix_states_every_url_pattern_and_no_other():
    names = {pattern.name for pattern in PATTERNS}
    assert sorted(names - EXPECTED.keys()) == [], "URL patterns without a row in EXPECTED"
    assert sorted(EXPECTED.keys() - names) == [], "rows in EXPECTED for no URL pattern"


@pytest.mark.parametrize("pattern", PATTERNS, ids=[pattern.name for pattern in PATTERNS])
def test_access_matrix_url_answers_each_role_as_stated(pattern, world, clients):
    if pattern.name not in EXPECTED:
        pytest.fail(
            f"No expectation for the URL pattern {pattern.name!r} ({pattern.route}): add a row "
            "to EXPECTED in tests/security/test_access_matrix.py saying who may reach it."
        )
    url = pattern.url(world.kwargs)
    actual, headers = {}, {}
    for method in EXPECTED[pattern.name]:
        actual[method] = {}
        for role in ROLES:
            response = request_rolled_back(clients[role], method, url)
            actual[method][role] = observed(response, role)
            if missing := missing_headers(response):
                headers[f"{method} as {role}"] = missing
    assert actual == EXPECTED[pattern.name]
    assert headers == {}
