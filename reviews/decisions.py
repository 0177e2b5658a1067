"""Decisions: accept (oral or poster), reject, desk reject, with the note to authors and awards.

One function writes a decision: it locks the paper, refuses a save based on an outdated form
(optimistic locking on Decision.version: the form carries the version it was loaded at, 0 for
"no decision yet"), moves Submission.state to match, drops a program placement the outcome no
longer allows, and writes the audit entry with the values before and after. Authors see none of
it until the chairs release decisions (reviews.release).
"""

from django.db import transaction
from django.utils import timezone

from conference import audit
from conference.program import fit_placement_to_outcome
from reviews.models import Decision
from reviews.rules import DECIDABLE_STATES
from submissions.models import Submission

Outcome = Decision.Outcome
ACCEPTS = (Outcome.ACCEPT_ORAL, Outcome.ACCEPT_POSTER)
STATE_FOR_OUTCOME = {
    Outcome.ACCEPT_ORAL: Submission.State.ACCEPTED,
    Outcome.ACCEPT_POSTER: Submission.State.ACCEPTED,
    Outcome.REJECT: Submission.State.REJECTED,
    Outcome.DESK_REJECT: Submission.State.DESK_REJECTED,
}


class DecisionRefused(Exception):
    """A decision the rules do not allow; the message says what to do."""


class DecisionConflict(DecisionRefused):
    """Another chair saved this paper's decision after the form was loaded."""


def snapshot(decision):
    if decision is None:
        return None
    return {
        "outcome": decision.outcome,
        "note_to_authors": decision.note_to_authors,
        "best_paper": decision.best_paper,
        "best_student_paper": decision.best_student_paper,
        "version": decision.version,
    }


def award_problems(paper, *, outcome, best_paper, best_student_paper):
    problems = []
    if (best_paper or best_student_paper) and outcome not in ACCEPTS:
        problems.append("Only accepted papers can receive an award: untick the award or accept.")
    if best_student_paper and not paper.first_author_student:
        problems.append(
            f"Paper #{paper.number} is not eligible for the Best Student Paper award: its "
            "authors did not state at submission that the first author is a student."
        )
    return problems


def _lock_paper(submission):
    paper = (
        Submission.objects.select_for_update().select_related("conference").get(pk=submission.pk)
    )
    if paper.state not in DECIDABLE_STATES:
        raise DecisionRefused(
            f"Paper #{paper.number} is {paper.get_state_display().lower()}: it cannot get a "
            "decision. Reinstate it first if that was a mistake."
        )
    return paper


def _write(*, actor, paper, decision, outcome, note, best_paper, best_student_paper, now, reason):
    before = snapshot(decision)
    if decision is None:
        decision = Decision(submission=paper, version=0)
    decision.outcome = outcome
    decision.note_to_authors = note.strip()
    decision.best_paper = best_paper
    decision.best_student_paper = best_student_paper
    decision.decided_by = actor
    decision.version += 1
    decision.save()

    state = STATE_FOR_OUTCOME[outcome]
    changes = {"state": state, "updated_at": now}
    if state == Submission.State.DESK_REJECTED and paper.state != state:
        changes["previous_state"] = Submission.State.SUBMITTED
    Submission.objects.filter(pk=paper.pk).update(**changes)
    paper.state = state
    placement = fit_placement_to_outcome(submission=paper, outcome=outcome)
    after = snapshot(decision)
    if placement:
        after["program"] = placement
    audit.record(
        actor=actor,
        conference=paper.conference,
        action="decision.set",
        obj=paper,
        before=before,
        after=after,
        reason=reason,
    )
    return decision


def set_decision(
    *,
    actor,
    submission,
    outcome,
    expected_version,
    note="",
    best_paper=False,
    best_student_paper=False,
    now=None,
):
    """Decide one paper. `expected_version` is the decision version the chair saw (0: none).

    Raises DecisionConflict when another chair saved in between, DecisionRefused when the
    paper cannot be decided or the awards do not fit.
    """
    now = now or timezone.now()
    if outcome not in Outcome.values:
        raise DecisionRefused("Choose one of the outcomes.")
    with transaction.atomic():
        paper = _lock_paper(submission)
        decision = Decision.objects.filter(submission=paper).select_related("decided_by").first()
        current = decision.version if decision else 0
        if expected_version != current:
            who = decision.decided_by if decision and decision.decided_by else "another chair"
            when = f"{decision.updated_at:%Y-%m-%d %H:%M} UTC" if decision else ""
            raise DecisionConflict(
                f"Nothing was saved: {who} changed this decision at {when}, after you opened "
                f"the page (it is now “{decision.get_outcome_display()}”). Review their "
                "decision below and save again if you still want to change it."
            )
        problems = award_problems(
            paper, outcome=outcome, best_paper=best_paper, best_student_paper=best_student_paper
        )
        if problems:
            raise DecisionRefused(" ".join(problems))
        return _write(
            actor=actor,
            paper=paper,
            decision=decision,
            outcome=outcome,
            note=note,
            best_paper=best_paper,
            best_student_paper=best_student_paper,
            now=now,
            reason="",
        )


def set_decisions_in_bulk(*, actor, submission_ids, outcome, now=None):
    """Give many papers the same outcome, keeping each one's note; awards stay only where the
    outcome still allows them. Papers that cannot be decided are skipped.

    Returns (changed, skipped): numbers of papers.
    """
    now = now or timezone.now()
    if outcome not in Outcome.values:
        raise DecisionRefused("Choose one of the outcomes.")
    changed = skipped = 0
    with transaction.atomic():
        papers = (
            Submission.objects.select_for_update()
            .select_related("conference")
            .filter(pk__in=submission_ids)
            .order_by("pk")
        )
        decisions = {d.submission_id: d for d in Decision.objects.filter(submission__in=papers)}
        for paper in papers:
            decision = decisions.get(paper.pk)
            if paper.state not in DECIDABLE_STATES or (
                decision is not None and decision.outcome == outcome
            ):
                skipped += 1
                continue
            accepted = outcome in ACCEPTS
            _write(
                actor=actor,
                paper=paper,
                decision=decision,
                outcome=outcome,
                note=decision.note_to_authors if decision else "",
                best_paper=accepted and bool(decision and decision.best_paper),
                best_student_paper=accepted and bool(decision and decision.best_student_paper),
                now=now,
                reason="bulk decision",
            )
            changed += 1
    return changed, skipped
