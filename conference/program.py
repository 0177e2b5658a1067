"""Placing accepted papers in the program: oral papers into oral sessions (in order), every
accepted paper into a poster session; and publishing the program.

Only accepted papers are placed; a paper whose decision changes loses the placements its new
outcome does not allow (`fit_placement_to_outcome`, called by reviews.decisions).
"""

from dataclasses import dataclass
from itertools import cycle

from django.db import transaction
from django.db.models import Count, Max

from conference import audit
from conference.models import Presentation, ProgramSession
from reviews.models import Decision
from submissions.models import Submission

Kind = ProgramSession.Kind
ORAL = Decision.Outcome.ACCEPT_ORAL
ACCEPTS = (Decision.Outcome.ACCEPT_ORAL, Decision.Outcome.ACCEPT_POSTER)
SESSION_WORDS = {Kind.ORAL: "an oral", Kind.POSTER: "a poster"}


class PlacementRefused(Exception):
    """A placement that does not fit; the message says what to change."""


@dataclass
class Placement:
    submission: Submission
    oral_session: ProgramSession | None = None
    oral_order: int = 0
    poster_session: ProgramSession | None = None
    poster_board: str = ""


def accepted_papers(conference):
    """Papers accepted by a decision (state and decision agree), in number order."""
    return (
        Submission.objects.filter(
            conference=conference,
            state=Submission.State.ACCEPTED,
            decision__outcome__in=ACCEPTS,
        )
        .select_related(
            "decision",
            "track",
            "presentation__oral_session",
            "presentation__poster_session",
        )
        .order_by("number")
    )


def _picture(presentation):
    if presentation is None:
        return None
    return {
        "oral_session": presentation.oral_session_id,
        "oral_order": presentation.oral_order,
        "poster_session": presentation.poster_session_id,
        "poster_board": presentation.poster_board,
    }


def fit_placement_to_outcome(*, submission, outcome):
    """Drop what a new outcome does not allow: all placements unless accepted, the oral slot
    unless accepted as oral. Returns what changed (for the decision's audit entry) or None."""
    presentation = Presentation.objects.filter(submission=submission).first()
    if presentation is None:
        return None
    if outcome not in ACCEPTS:
        presentation.delete()
        return {"removed": _picture(presentation)}
    if outcome != ORAL and presentation.oral_session_id is not None:
        presentation.oral_session = None
        presentation.oral_order = 0
        presentation.save(update_fields=["oral_session", "oral_order"])
        return {"oral_slot_removed": True}
    return None


def _check(placement, conference):
    paper = placement.submission
    decision = getattr(paper, "decision", None)
    if paper.conference_id != conference.pk or paper.state != Submission.State.ACCEPTED:
        raise PlacementRefused(f"Paper #{paper.number} is not accepted: it cannot be placed.")
    if decision is None or decision.outcome not in ACCEPTS:
        raise PlacementRefused(f"Paper #{paper.number} has no accept decision: decide it first.")
    for session, kind in (
        (placement.oral_session, Kind.ORAL),
        (placement.poster_session, Kind.POSTER),
    ):
        if session is not None and (session.conference_id != conference.pk or session.kind != kind):
            raise PlacementRefused(
                f"Paper #{paper.number}: “{session.title}” is not {SESSION_WORDS[kind]} "
                "session of this conference."
            )
    if placement.oral_session is not None and decision.outcome != ORAL:
        raise PlacementRefused(
            f"Paper #{paper.number} is accepted as a poster: only oral papers go into oral "
            "sessions. Change its decision to “Accept (oral)” first."
        )


def save_placements(*, actor, conference, placements):
    """Store the chair's placements (a list of Placement), all or nothing, one audit entry per
    paper whose placement changed. Returns the number of changed papers."""
    changed = 0
    with transaction.atomic():
        for placement in placements:
            _check(placement, conference)
            current = Presentation.objects.filter(submission=placement.submission).first()
            before = _picture(current)
            presentation = current or Presentation(submission=placement.submission)
            presentation.oral_session = placement.oral_session
            presentation.oral_order = placement.oral_order if placement.oral_session else 0
            presentation.poster_session = placement.poster_session
            presentation.poster_board = placement.poster_board.strip()
            after = _picture(presentation)
            if after == before:
                continue
            presentation.save()
            audit.record(
                actor=actor,
                conference=conference,
                action="program.place",
                obj=placement.submission,
                before=before,
                after=after,
            )
            changed += 1
    return changed


def place_unplaced(*, actor, conference, papers):
    """Fill the gaps for `papers` (accepted ones, e.g. those a chair may see): oral papers
    without an oral slot go round-robin into the oral sessions after the talks already there,
    papers without a poster session alternate between the poster sessions on the next boards.
    Existing placements are kept. Returns the number of papers placed."""
    sessions = ProgramSession.objects.filter(conference=conference).order_by("starts_at")
    orals = [s for s in sessions if s.kind == Kind.ORAL]
    posters = [s for s in sessions if s.kind == Kind.POSTER]
    placed = Presentation.objects.filter(submission__conference=conference)
    last_order = dict(
        placed.filter(oral_session__in=orals)
        .values_list("oral_session")
        .annotate(last=Max("oral_order"))
        .order_by()
    )
    boards = dict(
        placed.filter(poster_session__in=posters)
        .values_list("poster_session")
        .annotate(n=Count("pk"))
        .order_by()
    )
    oral_turn = cycle(orals) if orals else None
    poster_turn = cycle(posters) if posters else None
    placements = []
    for paper in papers:
        current = getattr(paper, "presentation", None)
        placement = Placement(
            submission=paper,
            oral_session=current.oral_session if current else None,
            oral_order=current.oral_order if current else 0,
            poster_session=current.poster_session if current else None,
            poster_board=current.poster_board if current else "",
        )
        if paper.decision.outcome == ORAL and placement.oral_session is None and oral_turn:
            placement.oral_session = next(oral_turn)
            last_order[placement.oral_session.pk] = last_order.get(placement.oral_session.pk, 0) + 1
            placement.oral_order = last_order[placement.oral_session.pk]
        if placement.poster_session is None and poster_turn:
            placement.poster_session = next(poster_turn)
            boards[placement.poster_session.pk] = boards.get(placement.poster_session.pk, 0) + 1
            placement.poster_board = f"P{boards[placement.poster_session.pk]}"
        placements.append(placement)
    return save_placements(actor=actor, conference=conference, placements=placements)


def set_program_published(*, actor, conference, published):
    """Publish or hide the public program. Publishing needs released decisions: the public pages
    must never announce an accepted paper before its authors know."""
    with transaction.atomic():
        locked = type(conference).objects.select_for_update().get(pk=conference.pk)
        if published and locked.decisions_released_at is None:
            raise PlacementRefused(
                "Release the decisions first: the program can be published only after the "
                "authors have been told."
            )
        if locked.program_published == published:
            return locked
        locked.program_published = published
        locked.save(update_fields=["program_published"])
        audit.record(
            actor=actor,
            conference=locked,
            action="program.publish" if published else "program.unpublish",
            obj=locked,
            before={"program_published": not published},
            after={"program_published": published},
        )
    return locked
