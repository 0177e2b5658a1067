"""`python manage.py pdfcheck FILE... [--json] [--limit N]`: the PDF format check from a shell.

Checks each file as an upload would be checked and prints its facts and its verdict
for every track in the database (SCOPE's two tracks when there are none), or for one
body-page limit with `--limit N` (then without touching the database). Rejected or
missing files are reported, not raised: the command exits 0 and never hangs, because
each check runs in the sandbox with its time limit.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from conference.models import Track
from submissions.pdfcheck import PdfFacts, check_pdf, verdict, warm_up

SCOPE_TRACK_LIMITS = {"Tiny paper track": 2, "Main paper track": 5}
FACT_KEYS = ["ok", "error", "total_pages", "body_pages", "references_page", "appendix_page"]


class Command(BaseCommand):
    help = "Check PDF files: pages, body pages, references, warnings, and fit per track."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help="Print one JSON object per line and file.",
        )
        parser.add_argument(
            "--limit",
            type=int,
            metavar="N",
            help="Judge against a body-page limit of N instead of the tracks in the database.",
        )

    def handle(self, *args, files, as_json, limit, **options):
        limits = {f"limit {limit}": limit} if limit is not None else track_limits()
        warm_up()  # so that "seconds" is the check's, not the workers' start
        rows = [check_file(name, limits=limits) for name in files]
        if as_json:
            for row in rows:
                self.stdout.write(json.dumps(row, ensure_ascii=False))
        else:
            self.stdout.write(format_table(rows, limits=limits))


def track_limits():
    """Track name -> body-page limit, from the database; SCOPE's tracks when it has none.

    Names are prefixed with the conference's short name when several conferences exist.
    """
    tracks = list(Track.objects.select_related("conference").order_by("conference_id", "order"))
    if not tracks:
        return dict(SCOPE_TRACK_LIMITS)
    several = len({track.conference_id for track in tracks}) > 1
    limits = {}
    for track in tracks:
        name = f"{track.conference.short_name} {track.name}" if several else track.name
        limits[name] = track.body_page_limit
    return limits


def check_file(name, *, limits):
    """One output row: the file's facts and its verdict per limit."""
    try:
        data = Path(name).read_bytes()
    except OSError as error:
        facts = PdfFacts(ok=False, error=f"Cannot read {name}: {error.strerror or error}.")
    else:
        facts = check_pdf(data)
    row = {"file": name}
    row.update({key: getattr(facts, key) for key in FACT_KEYS})
    row["fits"] = (
        {label: verdict(facts, body_limit) for label, body_limit in limits.items()}
        if facts.ok
        else {}
    )
    row["warnings"] = facts.warnings
    row["seconds"] = facts.seconds
    return row


def format_table(rows, *, limits):
    """A readable table: one line per file, its error or warnings indented below it."""
    width = max(len("FILE"), *(len(row["file"]) for row in rows))
    columns = [
        ("PAGES", "total_pages"),
        ("BODY", "body_pages"),
        ("REFS", "references_page"),
        ("APPENDIX", "appendix_page"),
    ]
    header = f"{'FILE':<{width}}  " + "  ".join(title for title, _ in columns)
    header += "".join(f"  {label}" for label in limits) + "  SECONDS"
    lines = [header]
    for row in rows:
        if not row["ok"]:
            lines.append(f"{row['file']:<{width}}  rejected")
            lines.append(f"  error: {row['error']}")
            continue
        cells = [f"{'-' if row[key] is None else row[key]:>{len(title)}}" for title, key in columns]
        verdicts = [f"{row['fits'][label]:<{len(label)}}" for label in limits]
        line = f"{row['file']:<{width}}  " + "  ".join(cells)
        line += "".join(f"  {cell}" for cell in verdicts) + f"  {row['seconds']:.3f}"
        lines.append(line)
        lines.extend(f"  warning: {warning}" for warning in row["warnings"])
    return "\n".join(lines)
