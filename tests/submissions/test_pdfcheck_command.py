"""`manage.py pdfcheck`: one JSON line per file, a table otherwise, never an exception."""

import io
import json

import pytest
from django.core.management import call_command

from submissions.management.commands.pdfcheck import SCOPE_TRACK_LIMITS, track_limits
from tests.factories import ConferenceFactory, TrackFactory
from tests.submissions import pdf_corpus


def run_pdfcheck(*arguments):
    out = io.StringIO()
    call_command("pdfcheck", *arguments, stdout=out)
    return out.getvalue()


@pytest.fixture
def files(tmp_path):
    paths = {
        "paper.pdf": pdf_corpus.make_paper(body_pages=5, ref_pages=3),
        "long.pdf": pdf_corpus.make_paper(body_pages=6, ref_pages=1),
        "page.html.pdf": pdf_corpus.make_html(),
    }
    for name, data in paths.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


def test_pdfcheck_json_prints_one_object_per_file_with_the_verdict(files):
    names = [str(files / name) for name in ("paper.pdf", "long.pdf")]

    output = run_pdfcheck(*names, "--json", "--limit", "5")

    rows = [json.loads(line) for line in output.splitlines()]
    for row in rows:
        assert isinstance(row.pop("seconds"), float)
    assert rows == [
        {
            "file": names[0],
            "ok": True,
            "error": None,
            "total_pages": 8,
            "body_pages": 5,
            "references_page": 6,
            "appendix_page": None,
            "fits": {"limit 5": "fits"},
            "warnings": [],
        },
        {
            "file": names[1],
            "ok": True,
            "error": None,
            "total_pages": 7,
            "body_pages": 6,
            "references_page": 7,
            "appendix_page": None,
            "fits": {"limit 5": "too_long"},
            "warnings": [],
        },
    ]


def test_pdfcheck_json_reports_rejected_and_missing_files(files):
    html = str(files / "page.html.pdf")
    missing = str(files / "missing.pdf")

    output = run_pdfcheck(html, missing, "--json", "--limit", "2")

    rows = [json.loads(line) for line in output.splitlines()]
    assert [(row["file"], row["ok"], row["error"], row["fits"]) for row in rows] == [
        (
            html,
            False,
            "This file is not a PDF (it looks like an HTML web page). Export or print your "
            "paper to PDF and upload that file.",
            {},
        ),
        (missing, False, f"Cannot read {missing}: No such file or directory.", {}),
    ]


def test_pdfcheck_table_shows_facts_verdicts_and_errors(files):
    paper, html = str(files / "paper.pdf"), str(files / "page.html.pdf")

    output = run_pdfcheck(paper, html, "--limit", "5")

    lines = output.splitlines()
    width = len(html)
    assert lines[0] == f"{'FILE':<{width}}  PAGES  BODY  REFS  APPENDIX  limit 5  SECONDS"
    assert lines[1].startswith(f"{paper:<{width}}      8     5     6         -  fits     ")
    assert lines[2:] == [
        f"{html:<{width}}  rejected",
        "  error: This file is not a PDF (it looks like an HTML web page). Export or print "
        "your paper to PDF and upload that file.",
    ]


@pytest.mark.django_db
def test_track_limits_fall_back_to_scope_tracks_when_the_database_has_none():
    assert track_limits() == SCOPE_TRACK_LIMITS == {"Tiny paper track": 2, "Main paper track": 5}


@pytest.mark.django_db
def test_track_limits_come_from_the_database():
    conference = ConferenceFactory(with_tracks=False)
    TrackFactory(conference=conference, name="Short papers", body_page_limit=4, order=1)
    TrackFactory(conference=conference, name="Long papers", body_page_limit=8, order=2)

    assert track_limits() == {"Short papers": 4, "Long papers": 8}


@pytest.mark.django_db
def test_track_limits_name_the_conference_when_there_are_several():
    first = ConferenceFactory(short_name="SCOPE", with_tracks=False)
    second = ConferenceFactory(short_name="EFM", with_tracks=False)
    TrackFactory(conference=first, name="Main paper track", body_page_limit=5)
    TrackFactory(conference=second, name="Main paper track", body_page_limit=8)

    assert track_limits() == {"SCOPE Main paper track": 5, "EFM Main paper track": 8}
