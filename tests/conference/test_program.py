from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conference import program
from conference.models import AuditEntry, Presentation, ProgramSession
from reviews.models import Decision
from tests.factories import SubmissionFactory
from tests.reviews.reviewing_support import conflict, decide, make_scene

pytestmark = pytest.mark.django_db
Outcome = Decision.Outcome


def session(conference, kind, title, hour):
    return ProgramSession.objects.create(
        conference=conference,
        kind=kind,
        title=title,
        starts_at=datetime(2025, 4, 27, hour, tzinfo=UTC),
        ends_at=datetime(2025, 4, 27, hour, 45, tzinfo=UTC),
    )


@pytest.fixture
def program_scene():
    scene = make_scene(reviewers=0)
    conference = scene.conference
    scene.oral_one = session(conference, "oral", "Oral Papers I", 2)
    scene.oral_two = session(conference, "oral", "Oral Papers II", 6)
    scene.morning = session(conference, "poster", "Morning posters", 3)
    scene.afternoon = session(conference, "poster", "Afternoon posters", 8)
    scene.keynote = session(conference, "keynote", "Keynote", 1)
    decide(scene.paper, Outcome.ACCEPT_ORAL)
    scene.poster_paper = SubmissionFactory(conference=conference)
    decide(scene.poster_paper, Outcome.ACCEPT_POSTER)
    scene.rejected = SubmissionFactory(conference=conference)
    decide(scene.rejected, Outcome.REJECT)
    return scene


def placement(paper, **fields):
    return program.Placement(submission=paper, **fields)


def test_place_oral_and_poster_and_audit_only_changes(program_scene):
    scene = program_scene
    changed = program.save_placements(
        actor=scene.chair,
        conference=scene.conference,
        placements=[
            placement(
                scene.paper,
                oral_session=scene.oral_one,
                oral_order=2,
                poster_session=scene.morning,
                poster_board="P1",
            ),
            placement(scene.poster_paper, poster_session=scene.afternoon, poster_board="P2"),
        ],
    )
    assert changed == 2
    oral = Presentation.objects.get(submission=scene.paper)
    assert (oral.oral_session, oral.oral_order, oral.poster_session, oral.poster_board) == (
        scene.oral_one,
        2,
        scene.morning,
        "P1",
    )
    again = program.save_placements(
        actor=scene.chair,
        conference=scene.conference,
        placements=[
            placement(scene.poster_paper, poster_session=scene.afternoon, poster_board="P2")
        ],
    )
    assert again == 0
    assert AuditEntry.objects.filter(action="program.place").count() == 2


@pytest.mark.parametrize(
    ("which", "fields", "message"),
    [
        ("poster_paper", {"oral_session": "oral_one"}, "accepted as a poster"),
        ("rejected", {"poster_session": "morning"}, "is not accepted"),
        ("paper", {"oral_session": "morning"}, "is not an oral session"),
        ("paper", {"poster_session": "keynote"}, "is not a poster session"),
    ],
)
def test_placements_that_do_not_fit_are_refused(program_scene, which, fields, message):
    scene = program_scene
    resolved = {name: getattr(scene, value) for name, value in fields.items()}
    with pytest.raises(program.PlacementRefused, match=message):
        program.save_placements(
            actor=scene.chair,
            conference=scene.conference,
            placements=[placement(getattr(scene, which), **resolved)],
        )
    assert not Presentation.objects.exists()


def test_place_unplaced_fills_orals_round_robin_and_posters_alternately(program_scene):
    scene = program_scene
    second_oral = SubmissionFactory(conference=scene.conference)
    decide(second_oral, Outcome.ACCEPT_ORAL)
    placed = program.place_unplaced(
        actor=scene.chair,
        conference=scene.conference,
        papers=program.accepted_papers(scene.conference),
    )
    assert placed == 3
    rows = {
        p.submission_id: (p.oral_session_id, p.oral_order, p.poster_session_id, p.poster_board)
        for p in Presentation.objects.all()
    }
    assert rows == {
        scene.paper.pk: (scene.oral_one.pk, 1, scene.morning.pk, "P1"),
        scene.poster_paper.pk: (None, 0, scene.afternoon.pk, "P1"),
        second_oral.pk: (scene.oral_two.pk, 1, scene.morning.pk, "P2"),
    }


def test_publish_needs_released_decisions(program_scene):
    scene = program_scene
    with pytest.raises(program.PlacementRefused, match="Release the decisions first"):
        program.set_program_published(
            actor=scene.chair, conference=scene.conference, published=True
        )
    scene.conference.decisions_released_at = timezone.now()
    scene.conference.save()
    program.set_program_published(actor=scene.chair, conference=scene.conference, published=True)
    scene.conference.refresh_from_db()
    assert scene.conference.program_published is True
    assert AuditEntry.objects.filter(action="program.publish").count() == 1


def program_url(scene):
    return reverse("reviews:program", args=[scene.conference.slug])


def test_chair_program_page_lists_accepted_papers_the_chair_may_see(client, program_scene):
    scene = program_scene
    hidden = SubmissionFactory(conference=scene.conference, title="CONFLICTED-ACCEPTED")
    decide(hidden, Outcome.ACCEPT_POSTER)
    conflict(scene.chair, hidden)
    client.force_login(scene.chair)
    body = client.get(program_url(scene)).content.decode()
    assert scene.paper.title in body and scene.poster_paper.title in body
    assert scene.rejected.title not in body
    assert "CONFLICTED-ACCEPTED" not in body
    assert "Oral Papers II" in body


def test_chair_saves_placements_from_the_page(client, program_scene):
    scene = program_scene
    client.force_login(scene.chair)
    p, q = f"p{scene.paper.pk}", f"p{scene.poster_paper.pk}"
    response = client.post(
        program_url(scene),
        {
            "action": "save",
            f"{p}-oral_session": scene.oral_two.pk,
            f"{p}-oral_order": "1",
            f"{p}-poster_session": scene.afternoon.pk,
            f"{p}-poster_board": "A7",
            f"{q}-poster_session": scene.morning.pk,
            f"{q}-poster_board": "",
        },
    )
    assert response.status_code == 302
    assert Presentation.objects.get(submission=scene.paper).oral_session == scene.oral_two
    assert Presentation.objects.get(submission=scene.poster_paper).poster_session == scene.morning


def test_program_page_bad_session_choice_keeps_the_form(client, program_scene):
    scene = program_scene
    client.force_login(scene.chair)
    response = client.post(
        program_url(scene),
        {
            "action": "save",
            f"p{scene.paper.pk}-oral_session": scene.morning.pk,
            f"p{scene.paper.pk}-poster_board": "KEEP-ME",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Select a valid choice" in body
    assert "KEEP-ME" in body
    assert not Presentation.objects.exists()


@pytest.mark.parametrize("role", ["reviewer", "author"])
def test_program_page_is_for_chairs_only(client, program_scene, role):
    scene = program_scene
    from tests.factories import make_reviewer

    client.force_login(make_reviewer(scene.conference) if role == "reviewer" else scene.author)
    assert client.get(program_url(scene)).status_code == 404
    assert client.post(program_url(scene), {"action": "fill"}).status_code == 404
    assert not Presentation.objects.exists()
