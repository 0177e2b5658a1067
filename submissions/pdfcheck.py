"""The PDF format check: bytes in, facts out.

`check_pdf` rejects what cannot be a submittable paper (with a message that says what
to do), reads the rest in a sandboxed worker (`submissions.pdfsandbox`) and reports
`PdfFacts`: pages, page sizes, where the references and the appendix start, how many
body pages count against a track's limit, and double-blind warnings. `verdict` and
`verdict_message` turn the facts into an answer for one track.

Counting rule. Body pages are the pages before the first references heading
("References", "Bibliography", "Literature Cited", numbered or not, any case) or
appendix heading ("Appendix", "Appendices", "Supplementary Material", or a lettered
section such as "A Proofs" / "A. Additional experiments" after the references),
whichever comes first. A heading is a short line of its own, never the word inside
running text. If that heading is at the very top of its page (only running headers
or page numbers above it), that page is not a body page; if anything of the paper
precedes it on the page, the page counts as a body page. When no heading is found,
body_pages is None: the paper fits if its total page count is within the limit, and
is otherwise "unverified" (it can be submitted; chairs check it).

No Django here: this module is used by services, tasks and the `pdfcheck` command.
"""

import hashlib
import logging
import math
import re
import time
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from itertools import islice
from typing import NamedTuple

from submissions.pdfsandbox import get_pool, run_task

logger = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
MAGIC_WINDOW = 1024
EOF_WINDOW = 2048
MAX_HEADING_CHARS = 80
# Running headers and footers: so many lines at each edge of a page, once page and line
# numbers are set aside.
EDGE_LINES = 4

REFERENCES_TITLES = {
    "references",
    "reference",
    "bibliography",
    "literaturecited",
    "citedliterature",
    "referencescited",
    "workscited",
    "referencesandnotes",
}
APPENDIX_WORDS = r"appendix|appendices|supplementary\s+materials?|supplemental\s+materials?"
ACKNOWLEDGEMENT_TITLES = {
    "acknowledgements",
    "acknowledgments",
    "acknowledgement",
    "acknowledgment",
}
SECTION_NUMBER = r"(?:\d{1,2}(?:\.\d{1,2})*|[IVXLC]{1,7}|[ivxlc]{1,7})[.)]?\s+"
TITLE_HEADING = re.compile(rf"^(?:{SECTION_NUMBER})?(?P<title>[^\W\d_]+(?: [^\W\d_]+)*)\s?:?$")
APPENDIX_HEADING = re.compile(
    rf"^(?:{SECTION_NUMBER}|[A-Z][.)]?\s+)?(?:{APPENDIX_WORDS})"
    r"(?:\s+(?P<label>[A-Z]|\d{1,2}|[IVX]{1,4})\b)?(?P<rest>.*)$",
    re.IGNORECASE,
)
DOT_LEADER = re.compile(r"(?:\. ?){3}")  # a table of contents entry, not a heading
LETTERED_HEADING = re.compile(r"^[A-Z](?:\.|\s)\s*[A-Z][\w'\u2019&/(), :-]{2,70}$")
PAGE_NUMBER = re.compile(r"^(?:page\s+)?(?:\d{1,4}|[ivxlc]{1,7})(?:\s*(?:/|of)\s*\d{1,4})?$", re.I)
GIT_HOST_URL = re.compile(
    r"\b(?P<host>github|gitlab)\.com/\n?(?P<owner>[A-Za-z0-9][\w.-]*)"
    r"(?:/\n?(?P<repo>[A-Za-z0-9][\w.-]*))?",
    re.IGNORECASE,
)
NOT_AN_OWNER = {"orgs", "topics", "features", "about", "pages", "sponsors", "marketplace"}
FILE_KINDS = [
    (b"<!doctype html", "an HTML web page"),
    (b"<html", "an HTML web page"),
    (b"pk\x03\x04", "a Word document or another ZIP archive"),
    (b"\xd0\xcf\x11\xe0", "an old Word document"),
    (b"{\\rtf", "an RTF document"),
    (b"%!ps", "a PostScript file"),
    (b"\x89png", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\\documentclass", "LaTeX source"),
]
REEXPORT = (
    "Re-export it from your editor (for example with pdflatex, or 'Save as PDF' in your "
    "word processor) and upload it again."
)
CLEAR_PROPERTIES = (
    "Clear the document properties before submitting (in LaTeX: \\hypersetup{pdfauthor={}}; "
    "in Word: File > Info > Properties)."
)
PROBLEM_MESSAGES = {
    "encrypted": (
        "This PDF is encrypted or protected by a password. Export it again without a "
        "password or security settings and upload that file."
    ),
    "unreadable": f"We could not read this file as a PDF: it is damaged. {REEXPORT}",
    "no_pages": f"This PDF has no pages. {REEXPORT}",
    "active_content": (
        "This PDF contains active content ({detail}). We do not accept PDFs with "
        "JavaScript or actions that launch programs: export the paper again without "
        "them (a plain pdflatex or 'Save as PDF' export has none) and upload that file."
    ),
}


@dataclass
class PdfFacts:
    """What the check found. JSON-serializable through `as_dict()`.

    `thumbnails` (PNG bytes per page, filled only by `check_pdf(thumbnails=True)`) is
    not part of `as_dict()`: it is for storing or showing, not for JSON.
    """

    ok: bool
    error: str | None = None
    total_pages: int = 0
    body_pages: int | None = None
    references_page: int | None = None
    appendix_page: int | None = None
    page_sizes: list = field(default_factory=list)
    text_extractable: bool = False
    metadata: dict = field(default_factory=dict)
    page_labels: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    sha256: str = ""
    size: int = 0
    thumbnails: list[bytes] = field(default_factory=list, repr=False)

    def as_dict(self):
        facts = asdict(self)
        del facts["thumbnails"]
        return facts


def check_pdf(
    data,
    *,
    max_bytes=None,
    author_names=(),
    author_emails=(),
    timeout=10.0,
    memory_mb=512,
    thumbnails=False,
):
    """Check an uploaded paper; a bad file is never an exception (see `PdfFacts.error`).

    The file is parsed in a worker process capped at `timeout` seconds (wall clock and
    CPU) and `memory_mb` MB of address space. `author_names`/`author_emails` feed the
    double-blind warnings. With `thumbnails`, the same worker call also renders 120 px
    wide PNG thumbnails of up to 40 pages into `facts.thumbnails`. Raises
    `SandboxUnavailable` only if no worker process can be started (a server problem).
    """
    started = time.perf_counter()
    facts = PdfFacts(ok=False, sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    facts.error = _precheck(data, max_bytes=max_bytes)
    if facts.error is None:
        options = {"thumbnails": {"width": 120, "max_pages": 40} if thumbnails else None}
        outcome = run_task(
            task="submissions.pdfsandbox:read_pdf",
            data=data,
            options=options,
            timeout=timeout,
            memory_mb=memory_mb,
        )
        facts.error = _outcome_error(outcome, timeout=timeout, memory_mb=memory_mb)
        if facts.error is None:
            _fill_facts(
                facts, outcome.result, author_names=author_names, author_emails=author_emails
            )
            facts.thumbnails = outcome.blobs
    facts.ok = facts.error is None
    facts.seconds = round(time.perf_counter() - started, 4)
    return facts


def render_thumbnails(data, *, width=120, max_pages=40, timeout=10.0, memory_mb=512):
    """PNG bytes of the first `max_pages` pages, `width` pixels wide, rendered in a worker.

    Returns [] when the file cannot be rendered (run `check_pdf` to learn why).
    """
    if _precheck(data, max_bytes=None):
        return []
    outcome = run_task(
        task="submissions.pdfsandbox:render_thumbnails_task",
        data=data,
        options={"width": width, "max_pages": max_pages},
        timeout=timeout,
        memory_mb=memory_mb,
    )
    return outcome.blobs if outcome.status == "ok" else []


def warm_up():
    """Start the sandbox workers and wait until they are ready (about a second).

    Optional: the first check otherwise starts them. Call it where a slow first check
    would hurt, for example at worker-process start or before timing checks.
    """
    get_pool().warm_up(wait=True)


def verdict(facts, body_limit):
    """Return "fits", "too_long" or "unverified" (no heading and more pages than the limit)."""
    if not facts.ok:
        raise ValueError("A rejected file has no verdict; show facts.error instead.")
    if facts.body_pages is None:
        return "fits" if facts.total_pages <= body_limit else "unverified"
    return "fits" if facts.body_pages <= body_limit else "too_long"


def verdict_message(facts, *, body_limit, track_name):
    """The sentence an author reads about their paper and one track's body-page limit."""
    if not facts.ok:
        return facts.error
    outcome = verdict(facts, body_limit)
    if outcome == "unverified":
        return (
            f"We found no references heading in your paper, so we could not count its body "
            f"pages: it has {facts.total_pages} pages in total and the {track_name} allows "
            f"{body_limit} body pages. You can submit it; the chairs will check its length. "
            f'To let us count, start your references with a heading such as "References" '
            f"on a line of its own."
        )
    if facts.body_pages is None:
        return (
            f"Your paper has {_pages(facts.total_pages)} in total; the {track_name} allows "
            f"{body_limit} body pages, so it fits."
        )
    if facts.appendix_page and facts.appendix_page < (facts.references_page or math.inf):
        boundary = f"the appendix starts on page {facts.appendix_page}"
    else:
        boundary = f"references start on page {facts.references_page}"
    summary = (
        f"Your paper has {_pages(facts.body_pages, 'body ')} ({boundary}); "
        f"the {track_name} allows {body_limit}."
    )
    if outcome == "fits":
        return f"{summary} It fits."
    return (
        f"{summary} Shorten the body to {_pages(body_limit)}; references and appendix do not count."
    )


def heading_kind(text, *, distinct_style=False):
    """Return "references", "appendix", "lettered_appendix", "acknowledgements" or None.

    `text` is one line as extracted; `distinct_style` says it is bold or larger than
    the body text. Headings that could be the start of a sentence ("Appendix A shows
    ...", "A Survey of ...") count only when styled; a lettered appendix heading is
    only believed after the references (the caller checks that); a table of contents
    entry ("Appendix A Proofs . . . 12") is no heading.
    """
    if len(text) > 2 * MAX_HEADING_CHARS:
        return None
    line = " ".join(text.split())
    if not line or len(line) > MAX_HEADING_CHARS or DOT_LEADER.search(line):
        return None
    title = TITLE_HEADING.match(line)
    if title:
        folded = title["title"].replace(" ", "").lower()
        if folded in REFERENCES_TITLES:
            return "references"
        if folded in ACKNOWLEDGEMENT_TITLES:
            return "acknowledgements"
    appendix = APPENDIX_HEADING.match(line)
    if appendix:
        rest = appendix["rest"].strip()
        if not rest:
            return "appendix"
        sentence_like = rest.endswith((".", ",", ";"))
        if rest[0] == ":" and appendix["label"] and not sentence_like:
            return "appendix"
        if distinct_style and not sentence_like:
            return "appendix"
    if distinct_style and LETTERED_HEADING.match(line) and not line.endswith("."):
        return "lettered_appendix"
    return None


def _precheck(data, *, max_bytes):
    """The rejections that need no parsing: empty, too big, not a PDF, cut off."""
    if not data:
        return "The file is empty (0 bytes). Upload the PDF of your paper again."
    if max_bytes is not None and len(data) > max_bytes:
        return (
            f"The file is {_megabytes(len(data))}; the limit is {_megabytes(max_bytes)}. "
            f"Make it smaller (for example compress large photos or export plots as "
            f"vector graphics) and upload it again."
        )
    header_at = data.find(PDF_MAGIC, 0, MAGIC_WINDOW)
    if header_at > 0 and _file_kind(data[:header_at]):
        # A PDF after other content (a web page, an archive) is a polyglot: readers disagree
        # on what it is, so it is refused rather than guessed at.
        return (
            f"This file starts as {_file_kind(data[:header_at])} and only then holds a PDF. "
            f"Export or print your paper to PDF and upload that file."
        )
    if header_at == -1:
        kind = _file_kind(data)
        looks_like = f" (it looks like {kind})" if kind else ""
        return (
            f"This file is not a PDF{looks_like}. Export or print your paper to PDF and "
            f"upload that file."
        )
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        return (
            "The file is incomplete: it stops before the end of the PDF (the upload or an "
            "earlier copy was probably interrupted). Upload the complete file again."
        )
    return None


def _file_kind(data):
    start = data[:MAGIC_WINDOW].lstrip().lower()
    for magic, kind in FILE_KINDS:
        if start.startswith(magic) or (magic.startswith(b"<") and magic in start):
            return kind
    return ""


def _outcome_error(outcome, *, timeout, memory_mb):
    if outcome.status == "ok":
        problem = outcome.result.get("problem")
        if problem is None:
            return None
        return PROBLEM_MESSAGES[problem].format(detail=outcome.result.get("detail", ""))
    if outcome.status == "timeout":
        seconds = f"{timeout:g} second" + ("" if timeout == 1 else "s")
        return (
            f"We could not read this PDF within {seconds}. {REEXPORT} If it has very complex "
            f"figures, simplify them or include them as images."
        )
    if outcome.status == "memory":
        return (
            f"We could not read this PDF within {memory_mb} MB of memory. {REEXPORT} If it "
            f"has very large images, reduce their resolution."
        )
    if outcome.detail:
        logger.warning("PDF check raised in the sandbox: %s", outcome.detail)
    return f"Our PDF reader stopped on this file: it may be damaged. {REEXPORT}"


def _fill_facts(facts, reading, *, author_names, author_emails):
    pages = [[_Line(*line) for line in page["lines"]] for page in reading["pages"]]
    facts.total_pages = len(pages)
    facts.page_sizes = [page["size"] for page in reading["pages"]]
    facts.metadata = reading["metadata"]
    pages_without_text = [number for number, lines in enumerate(pages, start=1) if not lines]
    facts.text_extractable = not pages_without_text
    headings = _find_headings(pages)
    sections = _section_starts(headings)
    facts.references_page = next((h.page for h in sections if h.kind == "references"), None)
    facts.appendix_page = next((h.page for h in sections if h.kind != "references"), None)
    if sections:
        first = sections[0]
        facts.body_pages = first.page - 1 if _at_top_of_page(pages, first) else first.page
    facts.page_labels = _page_labels(sections, body_pages=facts.body_pages, total=len(pages))
    facts.warnings = _double_blind_warnings(
        pages,
        metadata=facts.metadata,
        links=reading["links"],
        acknowledgements=next((h for h in headings if h.kind == "acknowledgements"), None),
        author_names=author_names,
        author_emails=author_emails,
    ) + _text_warnings(pages_without_text, total_pages=facts.total_pages)


def _section_starts(headings):
    """The first references heading and the first appendix heading, in reading order.

    A lettered heading ("A Proofs") only counts as an appendix after the references.
    """
    references = next((h for h in headings if h.kind == "references"), None)
    appendix = next(
        (
            h
            for h in headings
            if h.kind == "appendix"
            or (h.kind == "lettered_appendix" and references and h.position > references.position)
        ),
        None,
    )
    return sorted((h for h in (references, appendix) if h), key=lambda h: h.position)


def _page_labels(sections, *, body_pages, total):
    """Label pages: "body" for counted pages, then the section each later page is in."""
    if not sections:
        return ["body"] * total
    return [
        "body"
        if number <= body_pages
        else next(h.label for h in reversed(sections) if h.page <= number)
        for number in range(1, total + 1)
    ]


class _Line(NamedTuple):
    text: str
    size: float | None = None  # known for sampled and heading-like lines only
    bold: bool = False


@dataclass(frozen=True)
class _Heading:
    page: int
    line: int
    kind: str

    @property
    def position(self):
        return (self.page, self.line)

    @property
    def label(self):
        return "references" if self.kind == "references" else "appendix"


def _find_headings(pages):
    body_style = _body_style(pages)
    headings = []
    for page_number, lines in enumerate(pages, start=1):
        for index, line in enumerate(lines):
            distinct = line.size is not None and (
                line.size >= body_style[0] + 0.5 or (line.bold and not body_style[1])
            )
            kind = heading_kind(line.text, distinct_style=distinct)
            if kind:
                headings.append(_Heading(page=page_number, line=index, kind=kind))
    return headings


def _body_style(pages):
    """The (font size, bold) of most characters: the body text."""
    counts = Counter()
    for lines in pages:
        for line in lines:
            if line.size is not None:
                counts[(line.size, line.bold)] += len(line.text)
    return counts.most_common(1)[0][0] if counts else (0.0, False)


def _at_top_of_page(pages, heading):
    """True if only running headers, footers or page numbers precede the heading."""
    before = list(_without_page_numbers(pages[heading.page - 1][: heading.line]))
    if len(before) > EDGE_LINES:
        return False
    repeated = _running_lines(pages)
    return all(_running_key(text) in repeated for text in before)


def _running_lines(pages):
    """Lines near a page's top or bottom (digits ignored) found on half the pages or more.

    At least on two pages: a line that appears once is content, not a running header.
    """
    counts = Counter()
    for lines in pages:
        top = islice(_without_page_numbers(lines), EDGE_LINES)
        bottom = islice(_without_page_numbers(reversed(lines)), EDGE_LINES)
        counts.update({_running_key(text) for text in (*top, *bottom)})
    needed = max(2, math.ceil(len(pages) / 2))
    return {key for key, count in counts.items() if count >= needed}


def _without_page_numbers(lines):
    """The texts of lines that are not page or line numbers."""
    return (line.text for line in lines if not PAGE_NUMBER.match(line.text))


def _running_key(text):
    return re.sub(r"\d+", "#", text.lower())


def _double_blind_warnings(
    pages, *, metadata, links, acknowledgements, author_names, author_emails
):
    """Plain-sentence warnings: identities on page 1 or in the properties, thanks, repos."""
    warnings = []
    first_page = _fold(" ".join(line.text for line in pages[0])) if pages else ""
    properties = {key: _fold(value) for key, value in metadata.items() if value}
    identities = [" ".join(name.split()) for name in author_names]
    identities = [*filter(None, identities), *filter(None, (e.strip() for e in author_emails))]
    on_first_page, in_properties, leaking_keys = [], [], []
    for identity in identities:
        words = _fold(identity).split()
        pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)")
        if pattern.search(first_page):
            on_first_page.append(f'"{identity}"')
        keys = [key for key, value in properties.items() if pattern.search(value)]
        if keys:
            in_properties.append(f'"{identity}"')
            leaking_keys.extend(key for key in keys if key not in leaking_keys)
    if on_first_page:
        warnings.append(
            f"Page 1 shows {_listed(on_first_page)}. Remove author names and emails for "
            f'double-blind review (write "Anonymous authors" instead).'
        )
    author_property = metadata.get("Author", "").strip()
    if in_properties:
        warnings.append(
            f"The PDF's document properties ({', '.join(leaking_keys)}) contain "
            f"{_listed(in_properties)}, which reviewers can see. {CLEAR_PROPERTIES}"
        )
    elif author_property and "anonymous" not in _fold(author_property):
        warnings.append(
            f'The PDF\'s Author property is set to "{author_property}", which reviewers can '
            f"see. {CLEAR_PROPERTIES}"
        )
    if acknowledgements:
        warnings.append(
            f"Your paper has an Acknowledgements section (page {acknowledgements.page}). "
            f"Remove it for double-blind review; you can add it back in the camera-ready "
            f"version."
        )
    return warnings + _repository_warnings(
        pages, links=links, author_names=author_names, author_emails=author_emails
    )


def _repository_warnings(pages, *, links, author_names, author_emails):
    """Strong warnings for repositories that look like an author's, one mild for the rest."""
    found = {}
    texts = [(n, "\n".join([line.text for line in lines])) for n, lines in enumerate(pages, 1)]
    for number, text in [*texts, *links]:
        lowered = text.lower()
        if "github." not in lowered and "gitlab." not in lowered:
            continue
        for match in GIT_HOST_URL.finditer(text):
            owner = match["owner"].rstrip(".-")
            if owner.lower() in NOT_AN_OWNER or "anonym" in owner.lower():
                continue
            host = match["host"].lower()
            repo = (match["repo"] or "").rstrip(".-")
            address = f"{host}.com/{owner}" + (f"/{repo}" if repo else "")
            found.setdefault((host, owner.lower()), (number, address))
    warnings = []
    others = []
    for (_, owner), (number, address) in sorted(found.items(), key=lambda item: item[1]):
        author = _matching_author(owner, author_names=author_names, author_emails=author_emails)
        if author:
            warnings.append(
                f"Page {number} links to {address}, which looks like the account of author "
                f"{author}. Link an anonymized copy of the repository instead (for example "
                f"on anonymous.4open.science)."
            )
        else:
            others.append(f"{address} (page {number})")
    if others:
        warnings.append(
            f"Your paper links to {_listed(others)}. Make sure these repositories do not "
            f"reveal who you are; link anonymized copies of your own code."
        )
    return warnings


def _matching_author(owner, *, author_names, author_emails):
    """The author whose name (a part of 3+ letters) or email name the account resembles."""
    account = re.sub(r"[^a-z0-9]", "", _fold(owner))
    for name in author_names:
        parts = [re.sub(r"[^a-z0-9]", "", part) for part in _fold(name).split()]
        if any(len(part) >= 3 and part in account for part in parts):
            return name
    for email in author_emails:
        local = re.sub(r"[^a-z0-9]", "", _fold(email.split("@")[0]))
        if len(local) >= 3 and local in account:
            return email
    return None


def _text_warnings(pages_without_text, *, total_pages):
    if not pages_without_text:
        return []
    if len(pages_without_text) == total_pages:
        where = "We found no text in this PDF (it looks scanned or made of images)."
    else:
        numbers = [str(number) for number in pages_without_text]
        where = f"Pages {_listed(numbers)} have no text we can read (they look scanned)."
        if len(numbers) == 1:
            where = f"Page {numbers[0]} has no text we can read (it looks scanned)."
    return [
        f"{where} Export the paper from your editor instead of scanning it, so that we can "
        f"find its references and reviewers can search it."
    ]


def _fold(text):
    """Lowercase, without accents, whitespace collapsed: for matching names."""
    if text.isascii():
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())


def _listed(items):
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _pages(count, kind=""):
    return f"{count} {kind}page" + ("" if count == 1 else "s")


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f} MB"
