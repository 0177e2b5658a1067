"""Conflicts of interest as rows: keep the Conflict table in step with the rules (run over the
database by reviews.conflict_detection), and the chairs' own edits.

Who owns which row:
- computed conflicts (sources "auto" and "author": the automatic rules, personal relations and
  what authors declared) belong to the recompute: created when a rule finds them, their evidence
  refreshed, deleted when the rule no longer holds, except when a chair overrode them: an
  overridden row stays, marked, for the audit, and keeps not blocking;
- reviewer-declared (from bidding) and chair-added conflicts are never touched by a recompute.

The people checked are the accepted committee members, chairs included: a chair with a conflict
must not reach the paper either.
"""

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower

from accounts.models import User
from conference import audit
from conference.models import CommitteeMembership, Conference
from reviews import conflicts as conflict_rules
from reviews import jobs
from reviews.conflict_detection import find_conference_conflicts
from reviews.models import BackgroundJob, Conflict

Kind = Conflict.Kind
COMPUTED_SOURCES = (conflict_rules.AUTO, conflict_rules.AUTHOR)
# Kinds a chair may override: those the recompute owns. Declared and added ones are removed instead.
OVERRIDABLE_KINDS = frozenset(conflict_rules.AUTOMATIC_KINDS) | {
    conflict_rules.PERSONAL,
    conflict_rules.AUTHOR_DECLARED,
}
BATCH = 2000


class ConflictChangeRefused(Exception):
    """A chair's conflict edit that cannot be done; the message says why and what to do."""


def recompute_conflicts(*, conference, actor=None, progress=None):
    """Bring the computed Conflict rows of a conference in line with the rules (see the module
    docstring for who owns which row). Returns counts: created, updated, removed, kept."""
    notify = progress or (lambda fraction, message: None)
    found = {
        (conflict.paper, conflict.reviewer, conflict.kind): conflict
        for conflict in find_conference_conflicts(conference, progress=notify)
    }
    notify(0.8, f"Saving {len(found)} conflicts")
    with transaction.atomic():
        existing = {
            (row.submission_id, row.user_id, row.kind): row
            for row in Conflict.objects.select_for_update().filter(
                submission__conference=conference, source__in=COMPUTED_SOURCES
            )
        }
        changed, stale = [], []
        for key, row in existing.items():
            conflict = found.get(key)
            if conflict is None:
                if not row.overridden:
                    stale.append(row.pk)
            elif row.evidence != conflict.evidence:
                row.evidence = conflict.evidence
                changed.append(row)
        new = [
            Conflict(
                submission_id=conflict.paper,
                user_id=conflict.reviewer,
                kind=conflict.kind,
                source=conflict.source,
                evidence=conflict.evidence,
            )
            for key, conflict in found.items()
            if key not in existing
        ]
        Conflict.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
        Conflict.objects.bulk_update(changed, ["evidence"], batch_size=BATCH)
        Conflict.objects.filter(pk__in=stale).delete()
        counts = {
            "created": len(new),
            "updated": len(changed),
            "removed": len(stale),
            "total": len(found),
        }
        if new or changed or stale:
            audit.record(
                actor=actor,
                conference=conference,
                action="conflicts.recompute",
                obj=conference,
                after=counts,
            )
    notify(1.0, "Conflicts are up to date")
    return counts


def schedule_conflict_recompute(*, conference, actor=None):
    """Queue a recompute of the conference's conflicts (after the current transaction commits).

    A recompute that is queued and not yet started already covers this change: no second one.
    """
    from reviews.tasks import recompute_conflicts_task

    waiting = BackgroundJob.objects.filter(
        conference=conference,
        kind=BackgroundJob.Kind.CONFLICTS,
        status=BackgroundJob.Status.QUEUED,
    ).first()
    if waiting is not None:
        return waiting
    return jobs.queue_job(
        conference=conference,
        kind=BackgroundJob.Kind.CONFLICTS,
        actor=actor,
        task=recompute_conflicts_task,
    )


def schedule_recompute_for_person(*, user_id):
    """A profile changed: recompute conflicts in every conference where the person is on the
    committee or an author."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    emails = EmailAddress.objects.filter(user=user, verified=True).annotate(a=Lower("email"))
    conferences = Conference.objects.filter(
        Q(memberships__user=user, memberships__status=CommitteeMembership.Status.ACCEPTED)
        | Q(submissions__authorships__user=user)
        | Q(submissions__authorships__email__in=emails.values("a"))
    ).distinct()
    for conference in conferences:
        schedule_conflict_recompute(conference=conference)


def _snapshot(conflict):
    """The audit picture of a conflict. Audit entries about a paper name the paper as their
    object, so that the audit log can hide them from chairs who may not see the paper."""
    return {
        "person": conflict.user_id,
        "person_name": str(conflict.user),
        "kind": conflict.kind,
        "source": conflict.source,
        "overridden": conflict.overridden,
        "override_reason": conflict.override_reason,
    }


def add_conflict(*, actor, submission, user, reason):
    """A chair records a conflict the rules did not find. Needs a reason; audited."""
    reason = reason.strip()
    if not reason:
        raise ConflictChangeRefused("Say why this conflict exists; the reason is kept in the log.")
    with transaction.atomic():
        conflict, created = Conflict.objects.get_or_create(
            submission=submission,
            user=user,
            kind=Kind.CHAIR_ADDED,
            defaults={"source": conflict_rules.CHAIR, "evidence": reason},
        )
        if not created:
            raise ConflictChangeRefused(
                f"{user} already has a chair-added conflict with paper #{submission.number}."
            )
        audit.record(
            actor=actor,
            conference=submission.conference,
            action="conflict.add",
            obj=submission,
            after=_snapshot(conflict),
            reason=reason,
        )
    return conflict


def override_conflict(*, actor, conflict, reason):
    """A chair lifts a computed conflict (e.g. a large company's two distant labs), with a
    reason. The row stays, marked; recomputes keep the override."""
    reason = reason.strip()
    if conflict.kind not in OVERRIDABLE_KINDS:
        raise ConflictChangeRefused(
            "Only conflicts found by the rules or declared by authors can be overridden; "
            "remove a chair-added one instead. A conflict a reviewer declared stands."
        )
    if not reason:
        raise ConflictChangeRefused("Say why this conflict does not apply; the reason is logged.")
    with transaction.atomic():
        conflict = Conflict.objects.select_for_update().get(pk=conflict.pk)
        before = _snapshot(conflict)
        conflict.overridden = True
        conflict.override_reason = reason
        conflict.save(update_fields=["overridden", "override_reason"])
        audit.record(
            actor=actor,
            conference=conflict.submission.conference,
            action="conflict.override",
            obj=conflict.submission,
            before=before,
            after=_snapshot(conflict),
            reason=reason,
        )
    return conflict


def restore_conflict(*, actor, conflict):
    """Undo an override: the conflict blocks again."""
    with transaction.atomic():
        conflict = Conflict.objects.select_for_update().get(pk=conflict.pk)
        before = _snapshot(conflict)
        conflict.overridden = False
        conflict.override_reason = ""
        conflict.save(update_fields=["overridden", "override_reason"])
        audit.record(
            actor=actor,
            conference=conflict.submission.conference,
            action="conflict.restore",
            obj=conflict.submission,
            before=before,
            after=_snapshot(conflict),
        )
    return conflict


def remove_conflict(*, actor, conflict, reason):
    """A chair removes a conflict a chair added (a mistake). Computed ones are overridden
    instead, so their evidence stays; what a reviewer declared stands."""
    reason = reason.strip()
    if conflict.kind != Kind.CHAIR_ADDED:
        raise ConflictChangeRefused(
            "Only conflicts added by a chair can be removed; override a computed one instead."
        )
    if not reason:
        raise ConflictChangeRefused("Say why this conflict is removed; the reason is logged.")
    with transaction.atomic():
        audit.record(
            actor=actor,
            conference=conflict.submission.conference,
            action="conflict.remove",
            obj=conflict.submission,
            before=_snapshot(conflict),
            reason=reason,
        )
        conflict.delete()
