"""Releasing decisions: the chairs' wording of the emails, the preview, and one email per paper.

Until `Conference.decisions_released_at` is set, authors see neither decisions nor reviews.
Releasing sets it once and starts a task that queues, for every decided paper, one email to
all its authors under the key `decision:<paper id>`: the chairs' text for the outcome, their
note (meta-review) and the author-visible fields of the submitted reviews, under letters. A
second release, a task retry or a rerun after deciding more papers queues only what is missing.
"""

import logging
import re
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Count, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone

from conference import audit
from conference.models import Conference
from notifications.models import OutgoingEmail
from notifications.services import queue_email, render_email
from reviews.models import Decision, DecisionEmailTemplate
from reviews.queries import AUTHOR, letters_by_paper, present_reviews
from reviews.reviewing import form_scales
from submissions.models import Authorship, Submission
from submissions.queries import chair_visible_submissions

logger = logging.getLogger(__name__)
Outcome = Decision.Outcome
EDITABLE_OUTCOMES = (Outcome.ACCEPT_ORAL, Outcome.ACCEPT_POSTER, Outcome.REJECT)
# Desk rejections are announced with the reject wording; the chairs' note gives the reason.
TEMPLATE_FOR_OUTCOME = {
    Outcome.ACCEPT_ORAL: "decision_accept_oral",
    Outcome.ACCEPT_POSTER: "decision_accept_poster",
    Outcome.REJECT: "decision_reject",
    Outcome.DESK_REJECT: "decision_reject",
}
WORDING_FOR_OUTCOME = {**{o: o for o in EDITABLE_OUTCOMES}, Outcome.DESK_REJECT: Outcome.REJECT}
PLACEHOLDERS = {
    "title": "the paper's title",
    "number": "the paper number",
    "track": "the track",
    "authors": "the authors' names",
    "decision": "the decision, e.g. “Accept (oral)”",
    "conference": "the conference's name",
    "short_name": "the conference's short name",
    "paper_url": "the link to the paper's decision and reviews page",
}
PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
DEFAULT_WORDING = {
    Outcome.ACCEPT_ORAL: (
        "[{{ short_name }}] Paper #{{ number }} accepted for an oral presentation",
        "Dear {{ authors }},\n\n"
        "Congratulations! Your paper #{{ number }} “{{ title }}” has been accepted to "
        "{{ conference }} for an oral presentation. Every accepted paper is also presented "
        "as a poster.\n\n"
        "Please upload the final, de-anonymized camera-ready version and confirm your author "
        "list before the camera-ready deadline: {{ paper_url }}\n\n"
        "We look forward to your talk.\nThe program chairs",
    ),
    Outcome.ACCEPT_POSTER: (
        "[{{ short_name }}] Paper #{{ number }} accepted for a poster presentation",
        "Dear {{ authors }},\n\n"
        "Congratulations! Your paper #{{ number }} “{{ title }}” has been accepted to "
        "{{ conference }} for a poster presentation.\n\n"
        "Please upload the final, de-anonymized camera-ready version and confirm your author "
        "list before the camera-ready deadline: {{ paper_url }}\n\n"
        "We look forward to seeing you at the poster session.\nThe program chairs",
    ),
    Outcome.REJECT: (
        "[{{ short_name }}] Decision on paper #{{ number }}",
        "Dear {{ authors }},\n\n"
        "Thank you for submitting paper #{{ number }} “{{ title }}” to {{ conference }}. "
        "We regret to inform you that it was not accepted this time. We received many strong "
        "submissions and could accept only a part of them.\n\n"
        "The reviews below, also at {{ paper_url }}, will hopefully help you improve the work.\n\n"
        "The program chairs",
    ),
}


class ReleaseRefused(Exception):
    pass


def unknown_placeholders(text):
    return sorted({name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})


def fill(text, values):
    """Replace {{ name }} placeholders; the text is the chairs', the values the paper's."""
    return PLACEHOLDER.sub(lambda match: str(values.get(match.group(1), match.group(0))), text)


def wordings(conference):
    """{outcome: (subject, body)} for the three editable outcomes, chairs' text where saved."""
    saved = {t.outcome: (t.subject, t.body) for t in conference.decision_emails.all()}
    return {outcome: saved.get(outcome, DEFAULT_WORDING[outcome]) for outcome in EDITABLE_OUTCOMES}


def save_wording(*, actor, conference, outcome, subject, body):
    """Chairs edit the email of one outcome. Unknown placeholders are refused (a typo would
    otherwise reach every author as literal braces)."""
    if outcome not in EDITABLE_OUTCOMES:
        raise ReleaseRefused("Choose the email of an outcome.")
    subject, body = " ".join(subject.split()), body.strip()
    if not subject or not body:
        raise ReleaseRefused("Both the subject and the text are needed.")
    unknown = unknown_placeholders(subject + body)
    if unknown:
        raise ReleaseRefused(
            f"Unknown placeholder(s): {', '.join('{{ ' + n + ' }}' for n in unknown)}. "
            f"Available: {', '.join('{{ ' + n + ' }}' for n in PLACEHOLDERS)}."
        )
    with transaction.atomic():
        current = DecisionEmailTemplate.objects.filter(conference=conference, outcome=outcome)
        current = current.first()
        before = {"subject": current.subject, "body": current.body} if current else None
        template, _ = DecisionEmailTemplate.objects.update_or_create(
            conference=conference,
            outcome=outcome,
            defaults={"subject": subject, "body": body, "updated_by": actor},
        )
        audit.record(
            actor=actor,
            conference=conference,
            action="decision_email.edit",
            obj=template,
            before=before,
            after={"subject": subject, "body": body},
        )
    return template


def decision_key(paper):
    return f"decision:{paper.pk}"


def outcome_matches_state():
    """Q on submissions whose state is the one their decision's outcome gives."""
    return (
        Q(
            decision__outcome__in=[Outcome.ACCEPT_ORAL, Outcome.ACCEPT_POSTER],
            state=Submission.State.ACCEPTED,
        )
        | Q(decision__outcome=Outcome.REJECT, state=Submission.State.REJECTED)
        | Q(decision__outcome=Outcome.DESK_REJECT, state=Submission.State.DESK_REJECTED)
    )


def announced_papers(conference):
    """Papers whose authors get a decision email: decided ones, and papers desk-rejected
    without a decision row whose authors were not told at the time."""
    desk_rejected_untold = Q(
        decision__isnull=True,
        state=Submission.State.DESK_REJECTED,
        desk_reject_notified_at__isnull=True,
    )
    return Submission.objects.filter(conference=conference).filter(
        outcome_matches_state() | desk_rejected_untold
    )


def has_decision_email():
    key = Concat(Value("decision:"), Cast(OuterRef("pk"), CharField()))
    return Exists(OutgoingEmail.objects.filter(dedupe_key=key))


def outcome_of(paper):
    decision = getattr(paper, "decision", None)
    return decision.outcome if decision else Outcome.DESK_REJECT


def email_for(paper, *, texts, scales, letters):
    """(template name, context, recipients) of the decision email of one paper.

    Expects the paper with its conference, track, decision, authorships and reviews loaded.
    """
    outcome = outcome_of(paper)
    decision = getattr(paper, "decision", None)
    conference = paper.conference
    authors = list(paper.authorships.all())
    link = reverse("reviews:author_reviews", args=[conference.slug, paper.number])
    values = {
        "title": paper.title,
        "number": paper.number,
        "track": paper.track.name,
        "authors": ", ".join(a.name for a in authors),
        "decision": Outcome(outcome).label,
        "conference": conference.name,
        "short_name": conference.short_name,
        "paper_url": settings.SITE_URL + link,
    }
    subject, body = texts[WORDING_FOR_OUTCOME[outcome]]
    awards = []
    if decision and decision.best_paper:
        awards.append("Best Paper Award")
    if decision and decision.best_student_paper:
        awards.append("Best Student Paper Award")
    context = {
        "subject": fill(subject, values),
        "message": fill(body, values),
        "note": decision.note_to_authors if decision else paper.desk_reject_reason,
        "awards": awards,
        "reviews": present_reviews(
            paper.reviews.all(),
            letters=letters.get(paper.pk, {}),
            scales=scales,
            audience=AUTHOR,
            render=str,
        ),
    }
    return TEMPLATE_FOR_OUTCOME[outcome], context, [a.email for a in authors]


def with_email_data(papers):
    return papers.select_related("conference", "track", "decision").prefetch_related(
        "authorships", "reviews"
    )


def rendered(paper, *, texts, scales):
    """The decision email of one paper exactly as it would be queued (nothing is queued)."""
    letters = letters_by_paper([paper.pk])
    template, context, to = email_for(paper, texts=texts, scales=scales, letters=letters)
    subject, text, _html = render_email(template, context)
    return {"paper": paper, "to": to, "subject": subject, "text": text}


def preview_paper(*, user, conference, number):
    """The decision email of the paper with this number, if the chair may see it and it gets
    one; else None."""
    paper = (
        with_email_data(announced_papers(conference))
        .filter(number=number, pk__in=chair_visible_submissions(user, conference).values("pk"))
        .first()
    )
    if paper is None:
        return None
    return rendered(paper, texts=wordings(conference), scales=form_scales(conference))


def with_wording(papers, wording):
    """The papers whose email uses the chairs' wording for `wording`."""
    match = Q(decision__outcome__in=[o for o, w in WORDING_FOR_OUTCOME.items() if w == wording])
    if wording == Outcome.REJECT:
        match |= Q(decision__isnull=True)  # desk-rejected without a decision row
    return papers.filter(match)


def preview(*, user, conference):
    """For each editable outcome: how many papers get it, and the email one of them would get
    (a paper the chair may see), rendered exactly as it would be queued."""
    texts = wordings(conference)
    scales = form_scales(conference)
    papers = announced_papers(conference)
    counts = {outcome: 0 for outcome in EDITABLE_OUTCOMES}
    for outcome, n in papers.values_list("decision__outcome").annotate(n=Count("pk")).order_by():
        counts[WORDING_FOR_OUTCOME.get(outcome, Outcome.REJECT)] += n
    visible = chair_visible_submissions(user, conference).values("pk")
    samples = {}
    for outcome in EDITABLE_OUTCOMES:
        sample = (
            with_email_data(with_wording(papers.filter(pk__in=visible), outcome))
            .order_by("number")
            .first()
        )
        samples[outcome] = rendered(sample, texts=texts, scales=scales) if sample else None
    return {
        "texts": texts,
        "counts": counts,
        "samples": samples,
        "total": sum(counts.values()),
        "undecided": Submission.objects.filter(
            conference=conference, state=Submission.State.SUBMITTED
        ).count(),
        "recipients": Authorship.objects.filter(submission__in=papers).count(),
        "unsent": papers.exclude(has_decision_email()).count(),
    }


def release_decisions(*, actor, conference, now=None):
    """Make decisions and reviews visible to authors (once) and queue the emails of every
    decided paper that has none yet. Safe to call again: nothing is sent twice."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Conference.objects.select_for_update().get(pk=conference.pk)
        first = locked.decisions_released_at is None
        if first:
            locked.decisions_released_at = now
            locked.save(update_fields=["decisions_released_at"])
        audit.record(
            actor=actor,
            conference=locked,
            action="decisions.release" if first else "decisions.send_missing",
            obj=locked,
            before={"decisions_released_at": None} if first else None,
            after={
                "decisions_released_at": locked.decisions_released_at.isoformat(),
                "papers": announced_papers(locked).exclude(has_decision_email()).count(),
            },
        )
        transaction.on_commit(partial(enqueue_decision_emails, locked.pk))
    return locked


def enqueue_decision_emails(conference_id):
    from reviews.tasks_release import queue_decision_emails

    queue_decision_emails.delay(conference_id=conference_id)


def queue_decision_emails(*, conference_id, batch_size=200):
    """Queue the decision email of every announced paper without one (released conferences
    only). Returns the number queued. Each batch commits on its own, so a worker that dies
    midway leaves the queued part queued and a rerun continues from there."""
    conference = Conference.objects.get(pk=conference_id)
    if conference.decisions_released_at is None:
        return 0
    texts = wordings(conference)
    scales = form_scales(conference)
    waiting = list(
        announced_papers(conference)
        .exclude(has_decision_email())
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    queued = 0
    for start in range(0, len(waiting), batch_size):
        batch = list(
            with_email_data(Submission.objects.filter(pk__in=waiting[start : start + batch_size]))
        )
        letters = letters_by_paper([paper.pk for paper in batch])
        with transaction.atomic():
            for paper in batch:
                template, context, to = email_for(
                    paper, texts=texts, scales=scales, letters=letters
                )
                if not to:
                    logger.error(
                        "Paper #%s has no authors: no decision email queued.", paper.number
                    )
                    continue
                queue_email(
                    key=decision_key(paper),
                    to=to,
                    template=template,
                    context=context,
                    about=paper,
                    conference=conference,
                )
                if paper.state == Submission.State.DESK_REJECTED:
                    Submission.objects.filter(
                        pk=paper.pk, desk_reject_notified_at__isnull=True
                    ).update(desk_reject_notified_at=timezone.now())
                queued += 1
    return queued


def progress(conference):
    """How far the decision emails are: papers still to queue, and outbox rows by state."""
    rows = OutgoingEmail.objects.filter(conference=conference, dedupe_key__startswith="decision:")
    by_state = dict(rows.order_by().values_list("state").annotate(n=Count("pk")))
    waiting = announced_papers(conference).exclude(has_decision_email()).count()
    total = sum(by_state.values()) + waiting
    sent = by_state.get(OutgoingEmail.State.SENT, 0)
    failed = by_state.get(OutgoingEmail.State.FAILED, 0)
    in_flight = (
        waiting
        + by_state.get(OutgoingEmail.State.QUEUED, 0)
        + by_state.get(OutgoingEmail.State.SENDING, 0)
    )
    return {
        "total": total,
        "sent": sent,
        "failed": failed,
        "waiting": waiting,
        "in_flight": in_flight,
        "percent": round(100 * sent / total) if total else 100,
        "done": in_flight == 0,
    }
