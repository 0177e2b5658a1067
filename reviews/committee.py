"""The program committee: invitations (one by one or from a CSV), answers through signed links,
reminders, co-chairs and load caps.

An invitation is answered through a link carrying a signed token (django.core.signing) that
names the invitation and its address; the invitation's own `expires_at` decides whether it is
still open, so re-inviting someone gives a fresh period. Accepting needs an account that has the
invited address verified: a forwarded link cannot put someone else on the committee.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from conference import audit
from conference.models import CommitteeMembership
from conference.roles import forget_roles
from notifications.services import queue_email
from reviews.conflict_sync import schedule_conflict_recompute
from reviews.models import Invitation

TOKEN_SALT = "reviews.invitation"
MAX_CSV_ROWS = 2000
Role = CommitteeMembership.Role
Status = Invitation.Status


class InvitationRefused(Exception):
    """An invitation or an answer that cannot be made; the message says what to do instead."""


class InvitationLinkInvalid(Exception):
    """The link is not one we signed (mistyped, truncated or altered)."""


def valid_days():
    return settings.SCOPE_INVITATION_VALID_DAYS


def invitation_token(invitation):
    return signing.dumps({"id": invitation.pk, "email": invitation.email}, salt=TOKEN_SALT)


def invitation_from_token(token):
    """The invitation a link names, or InvitationLinkInvalid."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature as exc:
        raise InvitationLinkInvalid from exc
    if not isinstance(data, dict):
        raise InvitationLinkInvalid
    invitation = (
        Invitation.objects.select_related("conference")
        .filter(pk=data.get("id"), email=data.get("email"))
        .first()
    )
    if invitation is None:
        raise InvitationLinkInvalid
    return invitation


def answer_urls(invitation):
    token = invitation_token(invitation)
    slug = invitation.conference.slug
    return {
        "accept_url": settings.SITE_URL + reverse("reviews:invitation_accept", args=[slug, token]),
        "decline_url": settings.SITE_URL
        + reverse("reviews:invitation_decline", args=[slug, token]),
    }


def _role_label(role):
    return dict(Role.choices).get(role, role).lower()


def _queue_invitation_email(invitation, *, template, key):
    queue_email(
        key=key,
        to=[invitation.email],
        template=template,
        context={
            "invitation": invitation,
            "conference": invitation.conference,
            "role_label": _role_label(invitation.role),
            **answer_urls(invitation),
        },
        about=invitation,
        conference=invitation.conference,
    )


def _period_key(invitation):
    """Distinguishes the periods of one invitation row (it is reopened when re-invited)."""
    return f"{invitation.pk}:{int(invitation.expires_at.timestamp())}"


def _accepted_member(conference, email, role):
    owners = EmailAddress.objects.annotate(address=Lower("email")).filter(
        address=email, verified=True
    )
    return CommitteeMembership.objects.filter(
        conference=conference,
        role=role,
        status=CommitteeMembership.Status.ACCEPTED,
        user__in=owners.values("user"),
    ).exists()


def _snapshot(invitation):
    return {
        "email": invitation.email,
        "name": invitation.name,
        "role": invitation.role,
        "status": invitation.status,
        "max_load": invitation.max_load,
        "expires_at": invitation.expires_at.isoformat(),
    }


def invite(*, actor, conference, name, email, affiliation="", role=Role.REVIEWER, max_load=None):
    """Invite a person to the committee and email them accept and decline links.

    Someone whose earlier invitation was declined or expired is invited again (the same row,
    reopened with a new period). Refused for a pending invitation or an existing member.
    """
    email = email.strip().lower()
    name = " ".join(name.split())
    now = timezone.now()
    with transaction.atomic():
        if _accepted_member(conference, email, role):
            raise InvitationRefused(f"{email} is already on the committee as {_role_label(role)}.")
        invitation = (
            Invitation.objects.select_for_update()
            .filter(conference=conference, email=email, role=role)
            .first()
        )
        before = None
        if invitation is not None:
            if invitation.status == Status.PENDING and invitation.expires_at > now:
                raise InvitationRefused(
                    f"{email} was already invited on {invitation.created_at:%Y-%m-%d} and has "
                    "not answered yet; a reminder goes out automatically."
                )
            if invitation.status == Status.ACCEPTED:
                raise InvitationRefused(f"{email} already accepted an invitation.")
            before = _snapshot(invitation)
        else:
            invitation = Invitation(conference=conference, email=email, role=role)
        invitation.name = name
        invitation.affiliation = affiliation.strip()
        invitation.max_load = max_load
        invitation.status = Status.PENDING
        invitation.invited_by = actor
        invitation.expires_at = now + timedelta(days=valid_days())
        invitation.reminded_at = None
        invitation.responded_at = None
        invitation.save()
        audit.record(
            actor=actor,
            conference=conference,
            action="invitation.renew" if before else "invitation.create",
            obj=invitation,
            before=before,
            after=_snapshot(invitation),
        )
        _queue_invitation_email(
            invitation, template="invitation", key=f"invitation:{_period_key(invitation)}"
        )
    return invitation


@dataclass
class ImportReport:
    """What a CSV import did: who was invited, and each refused line with its reason."""

    invited: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # (line number, message)


HEADER_NAMES = {"name": "name", "full name": "name", "email": "email", "e-mail": "email"}
HEADER_NAMES |= {"affiliation": "affiliation", "institution": "affiliation"}


def _columns(row):
    """Column positions from a header row, or None when the row is data."""
    labels = [HEADER_NAMES.get(cell.strip().lower()) for cell in row]
    if "email" not in labels:
        return None
    return {label: position for position, label in enumerate(labels) if label}


def parse_invitation_csv(text):
    """Rows of (line number, name, email, affiliation) and problems by line.

    Columns are name, email, affiliation, in that order, or named by a header row.
    """
    rows, problems, seen = [], [], {}
    columns = {"name": 0, "email": 1, "affiliation": 2}
    reader = csv.reader(io.StringIO(text))
    header_checked = False
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if not header_checked:
            header_checked = True
            found = _columns(row)
            if found is not None:
                columns = found
                continue
        cells = {key: row[pos].strip() if pos < len(row) else "" for key, pos in columns.items()}
        name, email = cells.get("name", ""), cells.get("email", "").lower()
        if not email:
            problems.append((line, "no email address: give name, email, affiliation."))
            continue
        try:
            validate_email(email)
        except ValidationError:
            problems.append((line, f"“{email}” is not an email address."))
            continue
        if not name:
            problems.append((line, f"no name for {email}."))
            continue
        if email in seen:
            problems.append((line, f"{email} is already on line {seen[email]}."))
            continue
        seen[email] = line
        rows.append((line, name, email, cells.get("affiliation", "")))
    return rows, problems


def import_invitations(*, actor, conference, text, max_load=None):
    """Invite everyone on the good lines of a CSV; every bad line is reported with its number
    and nothing it holds is invited. Good lines are kept even when others fail."""
    rows, problems = parse_invitation_csv(text)
    if len(rows) > MAX_CSV_ROWS:
        raise InvitationRefused(
            f"The file has {len(rows)} people; import at most {MAX_CSV_ROWS} at a time."
        )
    report = ImportReport(problems=problems)
    for line, name, email, affiliation in rows:
        try:
            report.invited.append(
                invite(
                    actor=actor,
                    conference=conference,
                    name=name,
                    email=email,
                    affiliation=affiliation,
                    max_load=max_load,
                )
            )
        except InvitationRefused as refused:
            report.problems.append((line, str(refused)))
    report.problems.sort()
    return report


def _closed_message(invitation, now):
    contact = invitation.conference.contact_email
    if invitation.status == Status.ACCEPTED:
        return "You already accepted this invitation."
    if invitation.status == Status.DECLINED:
        return f"You declined this invitation. To join after all, write to the chairs at {contact}."
    if invitation.status == Status.EXPIRED or invitation.expires_at <= now:
        return (
            f"This invitation expired on {invitation.expires_at:%Y-%m-%d}. "
            f"Ask the chairs at {contact} for a new one."
        )
    return ""


def closed_message(invitation):
    """Why the invitation cannot be answered any more, or "" while it is open."""
    return _closed_message(invitation, timezone.now())


def _user_has_address(user, email):
    return (
        EmailAddress.objects.annotate(address=Lower("email"))
        .filter(user=user, verified=True, address=email)
        .exists()
    )


def accept_invitation(*, invitation, user):
    """The invited person accepts: they get the committee role (with the invitation's load cap)
    and the conference's conflicts are recomputed with them in it."""
    now = timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        closed = _closed_message(invitation, now)
        if closed:
            raise InvitationRefused(closed)
        if not _user_has_address(user, invitation.email):
            raise InvitationRefused(
                f"This invitation was sent to {invitation.email}, which is not a verified "
                "address of the account you are logged in with. Log in with that address, or "
                "add and verify it under Email addresses, then open the link again."
            )
        conference = invitation.conference
        membership, created = CommitteeMembership.objects.get_or_create(
            conference=conference,
            user=user,
            role=invitation.role,
            defaults={"max_load": invitation.max_load},
        )
        membership.status = CommitteeMembership.Status.ACCEPTED
        membership.responded_at = now
        if invitation.max_load is not None:
            membership.max_load = invitation.max_load
        membership.save(update_fields=["status", "responded_at", "max_load"])
        before = _snapshot(invitation)
        invitation.status = Status.ACCEPTED
        invitation.user = user
        invitation.responded_at = now
        invitation.save(update_fields=["status", "user", "responded_at"])
        audit.record(
            actor=user,
            conference=conference,
            action="invitation.accept",
            obj=invitation,
            before=before,
            after=_snapshot(invitation),
        )
        schedule_conflict_recompute(conference=conference, actor=user)
    forget_roles(user)
    return membership


def decline_invitation(*, invitation):
    """The invited person declines (no account needed: the signed link is enough)."""
    now = timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        closed = _closed_message(invitation, now)
        if closed:
            raise InvitationRefused(closed)
        before = _snapshot(invitation)
        invitation.status = Status.DECLINED
        invitation.responded_at = now
        invitation.save(update_fields=["status", "responded_at"])
        audit.record(
            actor=None,
            conference=invitation.conference,
            action="invitation.decline",
            obj=invitation,
            before=before,
            after=_snapshot(invitation),
        )
    return invitation


def send_invitation_reminders(*, now, batch_size=500):
    """Reminder sweep (SCOPE_REMINDER_SWEEPS): one reminder per invitation period, sent when an
    invitation has waited SCOPE_INVITATION_REMINDER_DAYS without an answer; invitations past
    their expiry are marked expired. Idempotent: `reminded_at` and the email key both guard."""
    sent_before = now - timedelta(days=settings.SCOPE_INVITATION_REMINDER_DAYS)
    # An invitation was sent `valid_days()` before it expires.
    due = {"expires_at__lte": sent_before + timedelta(days=valid_days())}
    Invitation.objects.filter(status=Status.PENDING, expires_at__lte=now).update(
        status=Status.EXPIRED
    )
    reminded = 0
    while True:
        with transaction.atomic():
            batch = list(
                Invitation.objects.select_for_update(skip_locked=True)
                .select_related("conference")
                .filter(status=Status.PENDING, reminded_at__isnull=True, expires_at__gt=now, **due)
                .order_by("pk")[:batch_size]
            )
            for invitation in batch:
                _queue_invitation_email(
                    invitation,
                    template="invitation_reminder",
                    key=f"invitation-reminder:{_period_key(invitation)}",
                )
            Invitation.objects.filter(pk__in=[i.pk for i in batch]).update(reminded_at=now)
        reminded += len(batch)
        if len(batch) < batch_size:
            return reminded


def set_load_cap(*, actor, membership, max_load):
    """Override one member's load cap; None goes back to the conference default."""
    with transaction.atomic():
        before = {"max_load": membership.max_load}
        membership.max_load = max_load
        membership.save(update_fields=["max_load"])
        audit.record(
            actor=actor,
            conference=membership.conference,
            action="committee.load_cap",
            obj=membership,
            before=before,
            after={"max_load": max_load},
        )
    return membership


def profile_status(user):
    """What a reviewer's profile lacks: (missing before bidding, recommended).

    Affiliations drive institutional conflicts and expertise drives affinity, so bidding waits
    for both; publications sharpen both and are recommended.
    """
    missing, recommended = [], []
    if not user.affiliations.exists():
        missing.append("your affiliations, current and of the last three years, with email domains")
    if not user.keywords.strip() and not user.topics.exists():
        missing.append("your expertise: topics or keywords")
    if not user.publications.exists():
        recommended.append("a few recent publications, with their co-authors")
    return missing, recommended
