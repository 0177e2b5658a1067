"""Public pages of the program: the day's schedule, accepted papers, their camera-ready PDFs,
an .ics calendar and a JSON export. No login.

Everything here starts from `public_papers`, which is empty unless the chairs published the
program after releasing decisions, and holds only papers accepted by a decision: a rejected,
withdrawn or undecided paper cannot appear on any of these pages.
"""

import zoneinfo
from collections import defaultdict
from datetime import UTC, datetime

import icalendar
from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from conference.access import ConferenceMixin
from conference.models import ProgramSession
from conference.program import ORAL, accepted_papers
from submissions.models import SubmissionFile
from submissions.uploads import private_storage


def is_public(conference):
    return conference.program_published and conference.decisions_released_at is not None


def public_papers(conference):
    """Accepted papers of a published program with authors and their latest camera-ready file
    id (None until uploaded); 404 while the program is not public."""
    if not is_public(conference):
        raise Http404("Not found.")
    latest_pdf = SubmissionFile.objects.filter(
        submission=OuterRef("pk"), kind=SubmissionFile.Kind.CAMERA_READY
    ).order_by("-revision")
    return (
        accepted_papers(conference)
        .prefetch_related("authorships")
        .annotate(camera_ready_id=Subquery(latest_pdf.values("pk")[:1]))
    )


def awards(paper):
    decision = paper.decision
    return [
        label
        for flag, label in (
            (decision.best_paper, "Best Paper Award"),
            (decision.best_student_paper, "Best Student Paper Award"),
        )
        if flag
    ]


def decorate(paper, conference):
    """Attach what the templates and exports show: awards, oral flag, PDF link."""
    paper.awards = awards(paper)
    paper.is_oral = paper.decision.outcome == ORAL
    paper.public_authors = list(paper.authorships.all())
    paper.pdf_url = (
        reverse("public:pdf", args=[conference.slug, paper.number]) if paper.camera_ready_id else ""
    )
    paper.placement = getattr(paper, "presentation", None)
    return paper


def schedule(conference, papers):
    """The sessions in time order, each with its talks (in order) or posters (by board)."""
    talks, posters = defaultdict(list), defaultdict(list)
    for paper in papers:
        placement = paper.placement
        if placement is None:
            continue
        if placement.oral_session_id and paper.is_oral:
            talks[placement.oral_session_id].append(paper)
        if placement.poster_session_id:
            posters[placement.poster_session_id].append(paper)
    sessions = list(ProgramSession.objects.filter(conference=conference).order_by("starts_at"))
    for session in sessions:
        session.talks = sorted(talks[session.pk], key=lambda p: (p.placement.oral_order, p.number))
        session.posters = sorted(
            posters[session.pk], key=lambda p: (p.placement.poster_board, p.number)
        )
    return sessions


class PublicMixin(ConferenceMixin):
    login_required = False

    def papers(self):
        return [decorate(p, self.conference) for p in public_papers(self.conference)]

    def render_in_event_zone(self, template, context):
        with timezone.override(zoneinfo.ZoneInfo(self.conference.event_zone)):
            return render(self.request, template, {"conference": self.conference, **context})


class ScheduleView(PublicMixin, View):
    def get(self, request, conference_slug):
        papers = self.papers()
        return self.render_in_event_zone(
            "public/schedule.html", {"sessions": schedule(self.conference, papers)}
        )


class AcceptedPapersView(PublicMixin, View):
    def get(self, request, conference_slug):
        papers = sorted(self.papers(), key=lambda p: (not p.awards, not p.is_oral, p.number))
        return self.render_in_event_zone(
            "public/papers.html",
            {
                "papers": papers,
                "oral_count": sum(1 for p in papers if p.is_oral),
            },
        )


def paper_record(paper):
    placement = paper.placement
    oral = None
    poster = None
    if placement is not None and placement.oral_session is not None and paper.is_oral:
        oral = {
            "session": placement.oral_session.title,
            "order": placement.oral_order,
            "starts_at": placement.oral_session.starts_at.isoformat(),
            "room": placement.oral_session.room,
        }
    if placement is not None and placement.poster_session is not None:
        poster = {
            "session": placement.poster_session.title,
            "board": placement.poster_board,
            "starts_at": placement.poster_session.starts_at.isoformat(),
            "room": placement.poster_session.room,
        }
    return {
        "number": paper.number,
        "title": paper.title,
        "abstract": paper.abstract,
        "track": paper.track.name,
        "authors": [{"name": a.name, "affiliation": a.affiliation} for a in paper.public_authors],
        "presentation": "oral" if paper.is_oral else "poster",
        "oral": oral,
        "poster": poster,
        "awards": paper.awards,
        "pdf": settings.SITE_URL + paper.pdf_url if paper.pdf_url else None,
    }


class PapersJsonView(PublicMixin, View):
    def get(self, request, conference_slug):
        data = {
            "conference": self.conference.name,
            "short_name": self.conference.short_name,
            "papers": [paper_record(p) for p in self.papers()],
        }
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})


class CalendarView(PublicMixin, View):
    """The program as an iCalendar file: one event per session, talks listed in order."""

    def get(self, request, conference_slug):
        conference = self.conference
        sessions = schedule(conference, self.papers())
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//SCOPE Review//program//EN")
        calendar.add("version", "2.0")
        calendar.add("x-wr-calname", f"{conference.short_name} program")
        stamp = datetime.now(UTC)
        for session in sessions:
            event = icalendar.Event()
            event.add("uid", f"session-{session.pk}@{settings.EMAIL_MESSAGE_ID_DOMAIN}")
            event.add("dtstamp", stamp)
            event.add("dtstart", session.starts_at.astimezone(UTC))
            event.add("dtend", session.ends_at.astimezone(UTC))
            event.add("summary", f"{conference.short_name}: {session.title}")
            if session.room:
                event.add("location", session.room)
            lines = [session.description] if session.description else []
            lines += [
                f"{i}. {p.title} ({', '.join(a.name for a in p.public_authors)})"
                for i, p in enumerate(session.talks, start=1)
            ]
            lines += [
                f"Board {p.placement.poster_board or '–'}: {p.title}" for p in session.posters
            ]
            if lines:
                event.add("description", "\n".join(lines))
            calendar.add_component(event)
        response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{conference.slug}-program.ics"'
        return response


class CameraReadyPdfView(PublicMixin, View):
    """The latest camera-ready PDF of an accepted paper in a published program."""

    def get(self, request, conference_slug, number):
        paper = public_papers(self.conference).filter(number=number).first()
        if paper is None or paper.camera_ready_id is None:
            raise Http404("Not found.")
        file = SubmissionFile.objects.get(pk=paper.camera_ready_id)
        response = FileResponse(
            private_storage().open(file.storage_name),
            content_type="application/pdf",
            filename=f"{self.conference.slug}-{paper.number}.pdf",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
