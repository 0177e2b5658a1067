"""Every change to a paper: create, edit, upload, submit, withdraw, reinstate, desk-reject,
extend. Each runs in one transaction, writes an audit entry and queues its emails there, so a
rolled-back change leaves no trace and sends nothing."""

from dataclasses import dataclass, field
from datetime import datetime

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.functions import Lower
from django.utils import timezone

from conference import audit
from conference.models import Conference
from submissions import deadlines, emails, uploads
from submissions.models import Authorship, Submission, SubmissionFile

State = Submission.State


class SubmissionRefused(Exception):
    """A change the rules do not allow; the message tells the person what to do."""


class DeadlinePassed(SubmissionRefused):
    pass


class StaleEdit(SubmissionRefused):
    """Someone else saved the paper after this form was loaded (optimistic locking)."""


@dataclass
class PaperFields:
    track: object
    title: str
    abstract: str = ""
    keywords: str = ""
    topics: list = field(default_factory=list)
    first_author_student: bool = False
    confirms_anonymized: bool = False
    confirms_not_published: bool = False
    declared_conflict_users: list = field(default_factory=list)
    declared_conflict_institutions: str = ""


@dataclass
class AuthorEntry:
    name: str
    email: str
    affiliation: str = ""
    is_contact: bool = False


@dataclass
class SaveResult:
    submission: Submission
    created: bool = False
    duplicate: bool = False
    submitted_now: bool = False


ABSTRACT_MIN_CHARS = 100
ABSTRACT_MAX_CHARS = 3000
MAX_TOPICS = 3


def submit_problems(*, fields, paper_facts_ok, verdict):
    """What stops a paper from being submitted, as sentences (empty when nothing does)."""
    problems = []
    if not paper_facts_ok:
        problems.append("Upload the PDF of your paper before submitting.")
    if verdict == "too_long":
        problems.append(
            f"The current PDF is too long for the {fields.track.name}: upload a shorter "
            f"version or choose another track."
        )
    if len(fields.abstract.strip()) < ABSTRACT_MIN_CHARS:
        problems.append(f"Write an abstract of at least {ABSTRACT_MIN_CHARS} characters.")
    if not 1 <= len(fields.topics) <= MAX_TOPICS:
        problems.append(f"Choose between 1 and {MAX_TOPICS} topics.")
    if not (fields.confirms_anonymized and fields.confirms_not_published):
        problems.append("Tick both confirmations (anonymized; not published at an archival venue).")
    return problems


def save_submission(
    *,
    actor,
    conference,
    fields,
    authors,
    submit=False,
    submission=None,
    expected_version=None,
    creation_token=None,
    checked_uploads=(),
    now=None,
):
    """Create (submission=None) or edit a paper, store accepted uploads as new versions, and
    submit it when `submit` is set.

    Files are stored before the transaction and deleted again if it fails. A repeated
    create with the same `creation_token` (a double click) returns the first paper with
    `duplicate=True`. Raises `StaleEdit` when the paper changed since `expected_version`,
    `DeadlinePassed` after the deadline, `SubmissionRefused` for anything else not allowed.
    """
    now = now or timezone.now()
    stored = []
    try:
        for upload in checked_uploads:
            stored.append(uploads.store(upload, conference=conference))
        with transaction.atomic():
            if submission is None:
                result = _create(actor=actor, conference=conference, token=creation_token, now=now)
            else:
                result = SaveResult(submission=_lock_for_edit(submission, expected_version, now))
            if not result.duplicate:
                _apply(
                    result,
                    actor=actor,
                    fields=fields,
                    authors=authors,
                    stored=stored,
                    submit=submit,
                    now=now,
                )
    except IntegrityError:
        uploads.discard(stored)
        existing = _created_with(actor, creation_token) if submission is None else None
        if existing is None:
            raise
        return SaveResult(submission=existing, duplicate=True)
    except BaseException:
        uploads.discard(stored)
        raise
    if result.duplicate:
        uploads.discard(stored)
    return result


def _created_with(actor, token):
    if token is None:
        return None
    return Submission.objects.filter(created_by=actor, creation_token=token).first()


def _create(*, actor, conference, token, now):
    # The conference row lock serializes paper numbers and repeated creation tokens.
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    existing = _created_with(actor, token)
    if existing is not None:
        return SaveResult(submission=existing, duplicate=True)
    if not deadlines.is_open(conference=conference, now=now):
        raise DeadlinePassed("The submission deadline has passed: new papers are not accepted.")
    last = Submission.objects.filter(conference=conference).aggregate(last=Max("number"))["last"]
    submission = Submission(
        conference=conference,
        number=(last or 0) + 1,
        created_by=actor,
        creation_token=token,
        version=0,
    )
    return SaveResult(submission=submission, created=True)


def _lock_for_edit(submission, expected_version, now):
    locked = (
        Submission.objects.select_for_update().select_related("conference").get(pk=submission.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise StaleEdit(
            "A co-author saved this paper after you opened the form, so nothing was saved "
            "(to avoid overwriting their changes). Your version is still in the form below: "
            "open the paper in a new tab to see theirs, then save again from a fresh form."
        )
    if not locked.is_open_state:
        raise SubmissionRefused(
            f"This paper is {locked.get_state_display().lower()} and can no longer be changed."
        )
    if not deadlines.is_open(conference=locked.conference, submission=locked, now=now):
        raise DeadlinePassed(
            "The submission deadline has passed: the paper can no longer be changed."
        )
    return locked


def _apply(result, *, actor, fields, authors, stored, submit, now):
    submission = result.submission
    before = None if result.created else _snapshot(submission)
    was_state = submission.state
    new_paper = next((s for s in stored if s.upload.kind == SubmissionFile.Kind.PAPER), None)
    current = None if result.created else emails.current_paper(submission)
    facts = new_paper.upload.facts if new_paper else (current.facts if current else {})
    verdict = _verdict(facts, fields.track)

    for name in (
        "track",
        "title",
        "abstract",
        "keywords",
        "first_author_student",
        "confirms_anonymized",
        "confirms_not_published",
        "declared_conflict_institutions",
    ):
        setattr(submission, name, getattr(fields, name))
    submission.format_verdict = verdict
    submission.version += 1
    if submit and was_state == State.DRAFT:
        submission.state = State.SUBMITTED
        submission.submitted_at = now
        result.submitted_now = True
    if submission.state == State.SUBMITTED:
        problems = submit_problems(
            fields=fields, paper_facts_ok=bool(facts.get("ok")), verdict=verdict
        )
        if problems:
            raise SubmissionRefused(" ".join(problems))
    submission.save()
    submission.topics.set(fields.topics)
    submission.declared_conflict_users.set(fields.declared_conflict_users)
    added = _replace_authors(submission, authors, actor=actor)
    for item in stored:
        _add_file(submission, item, actor=actor)

    audit.record(
        actor=actor,
        conference=submission.conference,
        obj=submission,
        action="submission.create" if result.created else "submission.edit",
        before=before,
        after=_snapshot(submission),
    )
    if result.submitted_now:
        audit.record(
            actor=actor,
            conference=submission.conference,
            obj=submission,
            action="submission.submit",
            before={"state": was_state},
            after={"state": submission.state},
        )
    for authorship in added:
        emails.notify_author_added(submission, authorship=authorship, actor=actor)
    if result.submitted_now:
        emails.notify_received(submission)
    elif was_state == State.SUBMITTED:
        emails.notify_revised(submission)


def _verdict(facts, track):
    if not facts.get("ok"):
        return Submission.FormatVerdict.NONE
    return uploads.paper_verdict(SubmissionFile(facts=facts), track)


def _snapshot(submission):
    return {
        "title": submission.title,
        "track": submission.track.name if submission.track_id else None,
        "state": submission.state,
        "format_verdict": submission.format_verdict,
        "version": submission.version,
    }


def _replace_authors(submission, authors, *, actor):
    """Store the author list in its new order; returns the authorships that are new on the paper.

    Each author is linked to the account whose verified email they were listed with.
    """
    previous = {a.email: a.user_id for a in Authorship.objects.filter(submission=submission)}
    addresses = [entry.email.strip().lower() for entry in authors]
    accounts = dict(
        EmailAddress.objects.filter(verified=True)
        .annotate(address=Lower("email"))
        .filter(address__in=addresses)
        .values_list("address", "user_id")
    )
    if actor.pk not in accounts.values():
        raise SubmissionRefused(
            "You must be one of the authors: add yourself with your verified email address."
        )
    Authorship.objects.filter(submission=submission).delete()
    rows = Authorship.objects.bulk_create(
        Authorship(
            submission=submission,
            order=order,
            name=entry.name.strip(),
            email=address,
            affiliation=entry.affiliation.strip(),
            is_contact=entry.is_contact,
            user_id=accounts.get(address) or previous.get(address),
        )
        for order, (entry, address) in enumerate(zip(authors, addresses, strict=True), start=1)
    )
    if sum(1 for row in rows if row.is_contact) != 1:
        raise SubmissionRefused("Mark exactly one author as the contact author.")
    return [row for row in rows if row.email not in previous and row.user_id != actor.pk]


def _add_file(submission, item, *, actor):
    upload = item.upload
    last = SubmissionFile.objects.filter(submission=submission, kind=upload.kind).aggregate(
        last=Max("revision")
    )["last"]
    file = SubmissionFile.objects.create(
        submission=submission,
        kind=upload.kind,
        revision=(last or 0) + 1,
        storage_name=item.storage_name,
        original_name=upload.original_name,
        content_type=upload.content_type,
        sha256=upload.sha256,
        size=upload.size,
        facts=upload.facts,
        thumbnail_count=len(item.thumbnail_names),
        uploaded_by=actor,
    )
    audit.record(
        actor=actor,
        conference=submission.conference,
        obj=submission,
        action="submission.upload",
        after={
            "kind": file.kind,
            "revision": file.revision,
            "sha256": file.sha256,
            "size": file.size,
            "pages": file.facts.get("total_pages"),
        },
    )
    return file


def _lock(submission):
    return (
        Submission.objects.select_for_update()
        .select_related("conference", "track")
        .get(pk=submission.pk)
    )


def withdraw_submission(*, actor, submission, reason, now=None):
    """An author withdraws a paper until decisions are released. A decision the chairs made
    but have not released yet is dropped with it (and recorded in the audit entry), so that
    what authors may do never hints at an unreleased decision."""
    from conference.models import Presentation
    from reviews.models import Decision

    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(submission)
        released = locked.conference.decisions_released_at
        if not locked.open_for_authors(locked.conference) or (
            released is not None and released <= now
        ):
            shown = State(locked.state_for_authors(locked.conference)).label.lower()
            raise SubmissionRefused(f"This paper is {shown}; it can no longer be withdrawn.")
        dropped = Decision.objects.filter(submission=locked).first()
        if dropped is not None:
            dropped.delete()
            Presentation.objects.filter(submission=locked).delete()
        before = locked.state
        locked.previous_state = before
        locked.state = State.WITHDRAWN
        locked.withdraw_reason = reason
        locked.version += 1
        locked.save()
        audit.record(
            actor=actor,
            conference=locked.conference,
            obj=locked,
            action="submission.withdraw",
            before={"state": before} | ({"decision": dropped.outcome} if dropped else {}),
            after={"state": locked.state},
            reason=reason,
        )
        emails.notify_withdrawn(locked, actor=actor)
    return locked


def reinstate_submission(*, actor, submission, reason):
    """A chair undoes a withdrawal or desk rejection: the paper returns to its previous state."""
    with transaction.atomic():
        locked = _lock(submission)
        if locked.state not in (State.WITHDRAWN, State.DESK_REJECTED):
            raise SubmissionRefused("Only withdrawn or desk-rejected papers can be reinstated.")
        before = locked.state
        locked.state = locked.previous_state or State.SUBMITTED
        locked.previous_state = ""
        locked.version += 1
        locked.save()
        audit.record(
            actor=actor,
            conference=locked.conference,
            obj=locked,
            action="submission.reinstate",
            before={"state": before},
            after={"state": locked.state},
            reason=reason,
        )
    return locked


def desk_reject_submission(*, actor, submission, reason, notify_now, now=None):
    """A chair rejects a submitted paper without review. The authors hear of it now when
    `notify_now`, otherwise with the decisions (see `send_desk_rejection_notice`)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(submission)
        if locked.state != State.SUBMITTED:
            raise SubmissionRefused("Only submitted papers can be desk-rejected.")
        locked.previous_state = locked.state
        locked.state = State.DESK_REJECTED
        locked.desk_reject_reason = reason
        locked.version += 1
        locked.save()
        audit.record(
            actor=actor,
            conference=locked.conference,
            obj=locked,
            action="submission.desk_reject",
            before={"state": State.SUBMITTED},
            after={"state": locked.state, "notify_now": notify_now},
            reason=reason,
        )
        if notify_now:
            send_desk_rejection_notice(submission=locked, now=now)
    return locked


def send_desk_rejection_notice(*, submission, now=None):
    """Queue the desk-rejection email once and mark the paper as notified."""
    with transaction.atomic():
        emails.notify_desk_rejected(submission)
        Submission.objects.filter(pk=submission.pk, desk_reject_notified_at=None).update(
            desk_reject_notified_at=now or timezone.now()
        )


def grant_extension(*, actor, submission, until: datetime | None, reason):
    """A chair lets one paper be changed until `until` (its last open second); None removes it."""
    with transaction.atomic():
        locked = _lock(submission)
        before = {
            "extension_until": locked.extension_until.isoformat()
            if locked.extension_until
            else None
        }
        locked.extension_until = until
        locked.extension_reason = reason if until else ""
        locked.save(update_fields=["extension_until", "extension_reason", "updated_at"])
        audit.record(
            actor=actor,
            conference=locked.conference,
            obj=locked,
            action="submission.extension",
            before=before,
            after={"extension_until": until.isoformat() if until else None},
            reason=reason,
        )
    return locked
