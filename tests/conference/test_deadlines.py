"""Deadlines are stated in AoE and enforced at the second, whatever zone the server runs in."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from conference.models import AOE, Deadline
from tests.factories import ConferenceFactory, DeadlineFactory

AOE_ZONE = ZoneInfo(AOE)
LAST_OPEN_SECOND = datetime(2025, 2, 3, 23, 59, 59, tzinfo=AOE_ZONE)
FIRST_CLOSED_SECOND = datetime(2025, 2, 4, 0, 0, 0, tzinfo=AOE_ZONE)

pytestmark = pytest.mark.django_db


def stated_deadline(kind, **kwargs):
    return DeadlineFactory(
        kind=kind, local_date=date(2025, 2, 3), local_time=time(23, 59), **kwargs
    )


@pytest.mark.parametrize("kind", Deadline.Kind.values)
def test_deadline_due_at_is_last_open_second_in_utc(kind, tokyo_process):
    deadline = stated_deadline(kind)

    deadline.refresh_from_db()
    assert deadline.zone == AOE
    assert deadline.due_at == datetime(2025, 2, 4, 11, 59, 59, tzinfo=UTC)
    assert LAST_OPEN_SECOND.astimezone(UTC) == datetime(2025, 2, 4, 11, 59, 59, tzinfo=UTC)
    assert FIRST_CLOSED_SECOND.astimezone(UTC) == datetime(2025, 2, 4, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize("kind", Deadline.Kind.values)
def test_deadline_is_open_through_2359_59_aoe_and_closed_at_midnight(kind, tokyo_process):
    deadline = stated_deadline(kind)

    with time_machine.travel(LAST_OPEN_SECOND, tick=False):
        assert deadline.is_open_at(timezone.now()) is True
    with time_machine.travel(LAST_OPEN_SECOND + timedelta(microseconds=999_999), tick=False):
        assert deadline.is_open_at(timezone.now()) is True
    with time_machine.travel(FIRST_CLOSED_SECOND, tick=False):
        assert deadline.is_open_at(timezone.now()) is False
        assert timezone.now() == datetime(2025, 2, 4, 12, 0, 0, tzinfo=UTC)


def test_deadline_default_zone_is_aoe():
    deadline = Deadline(kind=Deadline.Kind.SUBMISSION, local_date=date(2025, 2, 3))

    assert deadline.zone == AOE
    assert deadline.local_time == time(23, 59)


def test_deadline_in_named_zone_is_stored_in_utc(tokyo_process):
    deadline = stated_deadline(Deadline.Kind.REVIEW, zone="Europe/Berlin")

    assert deadline.due_at == datetime(2025, 2, 3, 22, 59, 59, tzinfo=UTC)
    assert deadline.stated == "2025-02-03 23:59 Europe/Berlin"


def test_dates_page_shows_open_then_closed_at_the_aoe_second(client, tokyo_process):
    deadline = stated_deadline(Deadline.Kind.SUBMISSION)
    url = reverse("conference:deadlines", args=[deadline.conference.slug])

    with time_machine.travel(LAST_OPEN_SECOND, tick=False):
        open_page = client.get(url).content.decode()
    with time_machine.travel(FIRST_CLOSED_SECOND, tick=False):
        closed_page = client.get(url).content.decode()

    assert '<span class="badge ok">Open</span>' in open_page
    assert '<span class="badge">Closed</span>' not in open_page
    assert '<span class="badge">Closed</span>' in closed_page
    assert '<span class="badge ok">Open</span>' not in closed_page


def render(template_text, **context):
    return Template(template_text).render(Context(context))


def test_deadline_tag_renders_aoe_text_and_iso_instant(tokyo_process):
    deadline = stated_deadline(Deadline.Kind.SUBMISSION)

    html = render("{% deadline d %}", d=deadline)

    assert '<strong class="deadline-label">Paper submission</strong>' in html
    assert "Mon 03 Feb 2025, 23:59:59 AoE" in html
    assert 'data-deadline="2025-02-04T11:59:59+00:00"' in html
    assert '<time datetime="2025-02-04T11:59:59+00:00" title="2025-02-04 11:59:59 UTC">' in html
    assert "data-local hidden" in html
    assert "data-countdown hidden" in html


def test_deadline_tag_with_empty_label_shows_no_label():
    deadline = stated_deadline(Deadline.Kind.BIDDING)

    html = render('{% deadline d "" %}', d=deadline)

    assert "deadline-label" not in html
    assert "Mon 03 Feb 2025, 23:59:59 AoE" in html


def test_deadline_tag_for_an_instant_shows_it_in_aoe(tokyo_process):
    instant = datetime(2025, 2, 4, 20, 59, 59, tzinfo=ZoneInfo("Asia/Tokyo"))

    html = render('{% deadline t "Changes close" %}', t=instant)

    assert '<strong class="deadline-label">Changes close</strong>' in html
    assert "Mon 03 Feb 2025, 23:59:59 AoE" in html
    assert 'data-deadline="2025-02-04T11:59:59+00:00"' in html


def test_deadline_tag_for_other_zone_names_the_zone():
    deadline = stated_deadline(Deadline.Kind.CAMERA_READY, zone="Europe/Berlin")

    html = render("{% deadline d %}", d=deadline)

    assert "Mon 03 Feb 2025, 23:59:59 Europe/Berlin" in html
    assert 'data-deadline="2025-02-03T22:59:59+00:00"' in html


def test_deadline_tag_renders_nothing_for_none():
    assert render("{% deadline d %}", d=None) == ""


def test_next_deadline_bar_skips_closed_deadlines(client, tokyo_process):
    conference = ConferenceFactory()
    stated_deadline(Deadline.Kind.SUBMISSION, conference=conference)
    DeadlineFactory(conference=conference, kind=Deadline.Kind.REVIEW, local_date=date(2025, 2, 25))
    url = reverse("conference:home", args=[conference.slug])

    with time_machine.travel(FIRST_CLOSED_SECOND, tick=False):
        html = client.get(url).content.decode()

    bar = html.split('<div class="deadline-bar">', 1)[1].split("</div></div>", 1)[0]
    assert "Reviews" in bar
    assert "Paper submission" not in bar
