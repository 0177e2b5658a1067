"""Permission predicates for conference-level actions; the object is the Conference."""

import rules

from conference.roles import CHAIR, REVIEWER, roles_in


@rules.predicate
def is_chair(user, conference):
    return CHAIR in roles_in(user, conference)


@rules.predicate
def is_reviewer(user, conference):
    return REVIEWER in roles_in(user, conference)


rules.add_perm("conference.chair", is_chair)
rules.add_perm("conference.review", is_reviewer | is_chair)
rules.add_perm("conference.view_outbox", is_chair)
rules.add_perm("conference.view_audit", is_chair)
