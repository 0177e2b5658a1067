"""Draft reminders: 7 days, 1 day and 3 hours before the deadline, each at most once,
and only the latest due one when the beat missed some."""

from datetime import date
from datetime import time as clock

import pytest
import time_machine

from conference.models import AOE, Deadline
from notifications.models import OutgoingEmail
from notifications.tasks import send_deadline_reminders
from submissions.reminders import due_reminder
from tests.factories import SubmissionFactory, UserFactory

pytestmark = pytest.mark.django_db
# Deadline 2025-02-03 23:59 AoE: the first closed instant is 2025-02-04 12:00:00 UTC.
SEVEN_DAYS = "2025-01-28 12:00:00+00:00"
ONE_DAY = "2025-02-03 12:00:00+00:00"
THREE_HOURS = "2025-02-04 09:00:00+00:00"


@pytest.fixture
def draft(conference):
    Deadline.objects.filter(conference=conference).delete()
    Deadline.objects.create(
        conference=conference,
        kind="submission",
        local_date=date(2025, 2, 3),
        local_time=clock(23, 59),
        zone=AOE,
    )
    contact, coauthor = UserFactory(email="contact@example.org"), UserFactory()
    return SubmissionFactory(
        conference=conference, state="draft", created_by=contact, authors=[contact, coauthor]
    )


def sweep_at(instant):
    with time_machine.travel(instant, tick=False):
        send_deadline_reminders()


def reminder_keys():
    return list(
        OutgoingEmail.objects.filter(template="submission_draft_reminder")
        .order_by("id")
        .values_list("dedupe_key", flat=True)
    )


def test_reminders_sent_at_their_instants_each_once(draft):
    sweep_at("2025-01-28 11:59:59+00:00")
    assert reminder_keys() == []
    for instant in (SEVEN_DAYS, "2025-01-28 12:10:00+00:00", "2025-02-03 11:59:59+00:00"):
        sweep_at(instant)
    assert reminder_keys() == [f"draft-reminder:{draft.pk}:7d"]
    sweep_at(ONE_DAY)
    sweep_at("2025-02-03 12:10:00+00:00")
    sweep_at(THREE_HOURS)
    sweep_at("2025-02-04 11:59:59+00:00")
    sweep_at("2025-02-04 12:00:00+00:00")
    assert reminder_keys() == [f"draft-reminder:{draft.pk}:{label}" for label in ("7d", "1d", "3h")]
    email = OutgoingEmail.objects.get(dedupe_key=f"draft-reminder:{draft.pk}:3h")
    assert email.to == ["contact@example.org"]
    assert (
        email.subject == f"[{draft.conference.short_name}] 3 hours left: paper "
        f"#{draft.number} is still a draft"
    )
    assert "2025-02-03 23:59:59 AoE (2025-02-04 11:59:59 UTC)" in email.text_body


def test_missed_reminders_are_not_sent_late_except_the_latest(draft):
    sweep_at("2025-02-04 09:30:00+00:00")
    assert reminder_keys() == [f"draft-reminder:{draft.pk}:3h"]


def test_submitted_and_withdrawn_papers_get_no_reminder(draft):
    draft.state = "submitted"
    draft.save()
    sweep_at(ONE_DAY)
    assert reminder_keys() == []


def test_reminders_follow_the_papers_extension(draft):
    draft.extension_until = Deadline.objects.get().due_at.replace(day=10)  # 2025-02-10 11:59:59
    draft.save()
    sweep_at(ONE_DAY)
    assert reminder_keys() == [f"draft-reminder:{draft.pk}:7d"]


@pytest.mark.parametrize(
    ("now", "label"),
    [
        ("2025-01-28 11:59:59", None),
        ("2025-01-28 12:00:00", "7d"),
        ("2025-02-03 11:59:59", "7d"),
        ("2025-02-03 12:00:00", "1d"),
        ("2025-02-04 09:00:00", "3h"),
        ("2025-02-04 12:00:00", None),
    ],
)
def test_due_reminder_table(now, label):
    from datetime import datetime

    closes = datetime.fromisoformat("2025-02-04 12:00:00+00:00")
    assert due_reminder(closes_at=closes, now=datetime.fromisoformat(now + "+00:00")) == label
