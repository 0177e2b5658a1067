from django import template

from submissions.models import Submission

register = template.Library()


@register.filter
def open_for_authors(paper, conference):
    return paper.open_for_authors(conference)


@register.inclusion_tag("submissions/partials/state_badge.html")
def state_badge(paper, conference=None, for_authors=False):
    """A paper's state as a badge; for authors, decisions stay hidden until they are released."""
    state = paper.state_for_authors(conference) if for_authors else paper.state
    return {"state": state, "label": Submission.State(state).label}
