"""Test PDFs with known layouts, drawn with reportlab.

Every function returns the bytes of one PDF. Papers look like real workshop papers: a
running header on every page, a page number at the bottom, a title block, numbered
sections, justified-width paragraphs with citations such as [3] and with the words
"references", "bibliography" and "Appendix A" in running text, so that heading
detection is tested against text that could fool it.

`make_paper` is the one to reach for; `known_papers()` lists the corpus with the facts
`submissions.pdfcheck.check_pdf` must report for each; the `make_*` functions after it
build the broken files each reject reason is tested with.
"""

import io
import random
import struct
import zlib
from dataclasses import dataclass, field

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

PAGE_WIDTH, PAGE_HEIGHT = LETTER
MARGIN = 72
COLUMN_GAP = 18
BODY_FONT, BODY_SIZE, LEADING = "Times-Roman", 10, 12
HEADING_FONT, HEADING_SIZE = "Times-Bold", 12
RUNNING_HEADER = "Under review as a workshop paper at ICLR 2025"

SENTENCES = [
    "Large language models have grown to hundreds of billions of parameters [3], which makes "
    "their deployment costly for most research groups.",
    "We refer the reader to the references in [7] for a complete survey of pruning methods.",
    "Structured sparsity reduces memory traffic at inference time without changing the "
    "hardware [12, 14].",
    "Our method builds on low-rank adaptation [5] and keeps the frozen weights in eight-bit "
    "precision.",
    "Proofs of all statements are deferred to Appendix A, and additional tables are in "
    "the supplementary material.",
    "A complete bibliography of early work on quantization is given by Gray and Neuhoff [9].",
    "Table 2 reports perplexity on the validation split together with the wall-clock time "
    "per token.",
    "The gap between the two settings narrows as the context length increases beyond four "
    "thousand tokens.",
    "Unlike prior work [2, 11], we do not assume access to the pre-training data.",
    "All experiments use three random seeds; we report the mean and the standard deviation.",
    "See the references therein for a discussion of the limitations of such benchmarks.",
    "Mixture-of-experts layers route each token to a small subset of feed-forward blocks [4].",
    "Figure 3 shows that the learned router concentrates most tokens on a few experts early "
    "in training.",
    "We follow the evaluation protocol of [8] and the hyper-parameters listed in Appendix B.",
    "The adaptive computation budget is chosen on a held-out set and then kept fixed.",
    "This result is consistent with the scaling laws reported in [6] for dense models.",
    "Speculative decoding drafts several tokens with a small model and verifies them in one "
    "pass [10].",
    "Our ablation removes one component at a time while keeping the total compute constant.",
    "Code and trained checkpoints will be released after the review period.",
    "The literature cited in Section 2 covers both training-time and inference-time methods.",
]
SECTION_TITLES = ["Introduction", "Related Work", "Method", "Experiments", "Analysis", "Conclusion"]
AUTHORS_POOL = [
    "Y. Chen",
    "A. Gupta",
    "M. Rossi",
    "K. Tanaka",
    "L. Martin",
    "S. Okafor",
    "J. Weber",
]
VENUES = [
    "In Proceedings of the International Conference on Learning Representations",
    "In Advances in Neural Information Processing Systems",
    "arXiv preprint arXiv:2305.14314",
    "In Proceedings of the 40th International Conference on Machine Learning",
]


@dataclass
class CorpusPaper:
    """One corpus file and the facts the checker must report for it."""

    name: str
    data: bytes
    expected: dict = field(default_factory=dict)


class _Layout:
    """Flows lines of text down one or two columns, opening pages as needed."""

    def __init__(self, canvas, *, two_column, scanned_pages):
        self.canvas = canvas
        self.columns = 2 if two_column else 1
        self.column_width = (
            (PAGE_WIDTH - 2 * MARGIN - COLUMN_GAP) / 2 if two_column else PAGE_WIDTH - 2 * MARGIN
        )
        self.scanned_pages = set(scanned_pages)
        self.page = 0
        self._open_page()

    @property
    def scanned(self):
        return self.page in self.scanned_pages

    def _open_page(self):
        self.page += 1
        self.column = 0
        self.y = PAGE_HEIGHT - MARGIN
        self._draw(MARGIN, PAGE_HEIGHT - 40, RUNNING_HEADER, "Times-Italic", 9)
        self._draw(PAGE_WIDTH / 2 - 3, 40, str(self.page), BODY_FONT, 9)

    def new_page(self):
        self.canvas.showPage()
        self._open_page()

    def lines_left(self):
        """Lines that still fit in the current column."""
        return int((self.y - MARGIN) // LEADING)

    def _next_column(self):
        if self.column + 1 < self.columns:
            self.column += 1
            self.y = PAGE_HEIGHT - MARGIN
        else:
            self.new_page()

    def _draw(self, x, y, text, font, size):
        if self.scanned:
            # A scanned page: grey bars where the words would be, no text objects.
            self.canvas.setFillGray(0.35)
            self.canvas.rect(x, y - 1, self.canvas.stringWidth(text, font, size), size * 0.7, 0, 1)
            self.canvas.setFillGray(0)
        else:
            self.canvas.setFont(font, size)
            self.canvas.drawString(x, y, text)

    def line(self, text, *, font=BODY_FONT, size=BODY_SIZE, indent=0):
        if self.y - LEADING < MARGIN:
            self._next_column()
        x = MARGIN + self.column * (self.column_width + COLUMN_GAP) + indent
        self.y -= LEADING
        self._draw(x, self.y, text, font, size)

    def skip(self):
        self.y -= LEADING

    def paragraph(self, text, *, hanging=0):
        lines = simpleSplit(text, BODY_FONT, BODY_SIZE, self.column_width - hanging)
        for index, line in enumerate(lines):
            self.line(line, indent=hanging if index else 0)

    def heading(self, text):
        if self.lines_left() < 4 and self.y < PAGE_HEIGHT - MARGIN:
            self._next_column()
        if self.y < PAGE_HEIGHT - MARGIN:
            self.skip()
        self.line(text, font=HEADING_FONT, size=HEADING_SIZE)

    def fill_until(self, *, page, column=None, fraction=1.0, rng, prefix=""):
        """Write sections of paragraphs until `page` is full (or `fraction` of `column`)."""
        section = 1
        count = 0
        last_column = self.columns - 1 if column is None else column
        target_y = PAGE_HEIGHT - MARGIN - fraction * (PAGE_HEIGHT - 2 * MARGIN)
        while True:
            at_target = self.page == page and self.column == last_column
            room = (self.y - target_y) // LEADING if at_target else None
            if self.page > page or (at_target and room < 1):
                return
            if count % 4 == 0 and (room is None or room >= 6):
                title = SECTION_TITLES[(section - 1) % len(SECTION_TITLES)]
                self.heading(f"{prefix}{section} {title}")
                section += 1
            sentences = rng.sample(SENTENCES, rng.randint(3, 6))
            self._paragraph_until(" ".join(sentences), page=page, column=last_column, y=target_y)
            count += 1

    def _paragraph_until(self, text, *, page, column, y):
        for line in simpleSplit(text, BODY_FONT, BODY_SIZE, self.column_width):
            if self.page > page or (
                self.page == page and self.column == column and self.y - LEADING < y
            ):
                return
            self.line(line)


def _reference_entries(rng):
    number = 0
    while True:
        number += 1
        authors = ", ".join(rng.sample(AUTHORS_POOL, rng.randint(2, 4)))
        words = rng.sample(SENTENCES, 1)[0].split()[: rng.randint(6, 11)]
        title = " ".join(words).rstrip(".,;[]0123456789")
        yield f"[{number}] {authors}. {title}. {rng.choice(VENUES)}, {rng.randint(2015, 2024)}."


def _fill_references(layout, *, until_page, rng):
    entries = _reference_entries(rng)
    while True:
        entry = next(entries)
        lines = simpleSplit(entry, BODY_FONT, BODY_SIZE, layout.column_width - 12)
        last_column = layout.column == layout.columns - 1
        if layout.page == until_page and last_column and layout.lines_left() < len(lines) + 1:
            return
        if layout.page > until_page:
            return
        layout.paragraph(entry, hanging=12)


def make_paper(
    *,
    body_pages=2,
    ref_pages=2,
    heading="References",
    two_column=False,
    references_mid_page=False,
    appendix_pages=0,
    appendix_heading="Appendix A: Proofs",
    appendix_first=False,
    acknowledgements=False,
    scanned_pages=(),
    title="Adaptive Sparse Experts for Efficient Inference",
    authors=(),
    emails=(),
    metadata_author="",
    extra_body_text="",
    seed=0,
):
    """A paper of `body_pages` body pages, then `ref_pages` pages of references.

    - The references heading (`heading`, e.g. "REFERENCES" or "7. References"; None for
      none: the list then follows the body without a heading) opens page body_pages + 1,
      or with `references_mid_page` sits halfway down page `body_pages` (in the left
      column when two columns).
    - `appendix_pages` pages follow the references and open with `appendix_heading`;
      with `appendix_first` they come before the references instead.
    - `two_column` flows the text in two columns (the heading then opens the left column).
    - `scanned_pages` (1-based) are drawn as grey bars only: no text to extract.
    - `authors`/`emails` print an author block on page 1 (default: "Anonymous authors");
      `metadata_author` fills the document's Author property; `extra_body_text` is one
      more paragraph on page 1 (e.g. a GitHub link); `acknowledgements` ends the body
      halfway down its last page with that section.
    Page count: body_pages + ref_pages + appendix_pages.
    """
    rng = random.Random(seed)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER, invariant=1, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor(metadata_author)
    canvas.setCreator("LaTeX with hyperref")
    layout = _Layout(canvas, two_column=two_column, scanned_pages=scanned_pages)
    _title_block(layout, title=title, authors=authors, emails=emails, extra_text=extra_body_text)

    if acknowledgements or references_mid_page:
        layout.fill_until(page=body_pages, column=0, fraction=0.5, rng=rng)
    else:
        layout.fill_until(page=body_pages, rng=rng)
    if acknowledgements:
        layout.heading("Acknowledgements")
        layout.paragraph(
            "We thank the anonymous reviewers and the members of the lab for their feedback. "
            "This work was supported by a research grant."
        )

    parts = [("references", ref_pages), ("appendix", appendix_pages)]
    if appendix_first:
        parts.reverse()
    page = body_pages
    for index, (kind, pages) in enumerate(part for part in parts if part[1]):
        if index or not references_mid_page:
            layout.new_page()
        page += pages
        if kind == "references":
            if heading:
                layout.heading(heading)
            _fill_references(layout, until_page=page, rng=rng)
        else:
            layout.heading(appendix_heading)
            layout.fill_until(page=page, rng=rng, prefix="A.")
    canvas.save()
    return buffer.getvalue()


def _title_block(layout, *, title, authors, emails, extra_text):
    layout.line(title, font=HEADING_FONT, size=15)
    layout.skip()
    names = ", ".join(authors) if authors else "Anonymous authors"
    layout.line(names, font=BODY_FONT, size=11)
    if emails:
        layout.line(", ".join(emails), font="Courier", size=9)
    elif not authors:
        layout.line("Paper under double-blind review", font="Times-Italic", size=10)
    layout.skip()
    layout.heading("Abstract")
    layout.paragraph(
        "We study how to make foundation models cheaper to run without retraining them. "
        "Our method learns which experts a token needs and skips the rest, which reduces "
        "the cost of inference by a third at equal accuracy on four benchmarks [1, 2]."
    )
    if extra_text:
        layout.paragraph(extra_text)


def known_papers():
    """The corpus: papers with their expected facts (keys of `PdfFacts.as_dict()`)."""

    def paper(name, expected, **options):
        return CorpusPaper(name=name, data=make_paper(**options), expected=expected)

    def facts(total, body, references, appendix=None, labels=None, extractable=True):
        return {
            "ok": True,
            "error": None,
            "total_pages": total,
            "body_pages": body,
            "references_page": references,
            "appendix_page": appendix,
            "page_labels": labels,
            "text_extractable": extractable,
        }

    body, refs, appendix = "body", "references", "appendix"
    return [
        paper("tiny_2_plus_2", facts(4, 2, 3, labels=[body] * 2 + [refs] * 2)),
        paper(
            "main_5_plus_3",
            facts(8, 5, 6, labels=[body] * 5 + [refs] * 3),
            body_pages=5,
            ref_pages=3,
            seed=1,
        ),
        paper(
            "main_6_plus_1",
            facts(7, 6, 7, labels=[body] * 6 + [refs]),
            body_pages=6,
            ref_pages=1,
            seed=2,
        ),
        paper(
            "no_heading_3_pages",
            facts(3, None, None, labels=[body] * 3),
            body_pages=2,
            ref_pages=1,
            heading=None,
            seed=3,
        ),
        paper(
            "no_heading_7_pages",
            facts(7, None, None, labels=[body] * 7),
            body_pages=5,
            ref_pages=2,
            heading=None,
            seed=4,
        ),
        paper(
            "two_column_4_plus_2",
            facts(6, 4, 5, labels=[body] * 4 + [refs] * 2),
            body_pages=4,
            two_column=True,
            seed=5,
        ),
        paper(
            "two_column_mid_page",
            facts(5, 3, 3, labels=[body] * 3 + [refs] * 2),
            body_pages=3,
            two_column=True,
            references_mid_page=True,
            seed=6,
        ),
        paper(
            "uppercase_references",
            facts(5, 3, 4, labels=[body] * 3 + [refs] * 2),
            body_pages=3,
            heading="REFERENCES",
            seed=7,
        ),
        paper(
            "numbered_7_references",
            facts(7, 5, 6, labels=[body] * 5 + [refs] * 2),
            body_pages=5,
            heading="7 References",
            seed=8,
        ),
        paper(
            "numbered_7_dot_references",
            facts(4, 2, 3, labels=[body] * 2 + [refs] * 2),
            heading="7. References",
            seed=9,
        ),
        paper(
            "roman_references",
            facts(4, 2, 3, labels=[body] * 2 + [refs] * 2),
            heading="VII. REFERENCES",
            two_column=True,
            seed=10,
        ),
        paper(
            "bibliography",
            facts(4, 2, 3, labels=[body] * 2 + [refs] * 2),
            heading="Bibliography",
            seed=11,
        ),
        paper(
            "literature_cited_mid_page",
            facts(4, 3, 3, labels=[body] * 3 + [refs]),
            body_pages=3,
            ref_pages=1,
            heading="Literature Cited",
            references_mid_page=True,
            seed=12,
        ),
        paper(
            "references_then_appendix",
            facts(9, 5, 6, appendix=8, labels=[body] * 5 + [refs] * 2 + [appendix] * 2),
            body_pages=5,
            ref_pages=2,
            appendix_pages=2,
            seed=13,
        ),
        paper(
            "lettered_appendix",
            facts(6, 2, 3, appendix=5, labels=[body] * 2 + [refs] * 2 + [appendix] * 2),
            appendix_pages=2,
            appendix_heading="A Additional Experiments",
            seed=14,
        ),
        paper(
            "lettered_dot_appendix",
            facts(5, 2, 3, appendix=4, labels=[body] * 2 + [refs] + [appendix] * 2),
            ref_pages=1,
            appendix_pages=2,
            appendix_heading="A. Proofs",
            two_column=True,
            seed=15,
        ),
        paper(
            "appendix_before_references",
            facts(7, 3, 6, appendix=4, labels=[body] * 3 + [appendix] * 2 + [refs] * 2),
            body_pages=3,
            appendix_pages=2,
            appendix_first=True,
            appendix_heading="Appendix",
            seed=16,
        ),
        paper(
            "supplementary_material",
            facts(5, 2, 3, appendix=5, labels=[body] * 2 + [refs] * 2 + [appendix]),
            appendix_pages=1,
            appendix_heading="Supplementary Material",
            seed=17,
        ),
        paper(
            "scanned",
            facts(4, None, None, labels=[body] * 4, extractable=False),
            scanned_pages=(1, 2, 3, 4),
            seed=18,
        ),
        paper(
            "scanned_references",
            facts(5, None, None, labels=[body] * 5, extractable=False),
            body_pages=3,
            scanned_pages=(4, 5),
            seed=19,
        ),
    ]


def make_encrypted(*, user_password="secret", owner_password="owner"):
    """A valid paper, encrypted; with an empty `user_password` it opens without one."""
    writer = PdfWriter(clone_from=io.BytesIO(make_paper()))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="RC4-128")
    return _written(writer)


def make_javascript_open_action():
    """A paper that runs JavaScript when opened (catalog /OpenAction)."""
    writer = PdfWriter(clone_from=io.BytesIO(make_paper()))
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello');"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _written(writer)


def make_javascript_names():
    """A paper with document-level JavaScript in the /Names tree."""
    writer = PdfWriter(clone_from=io.BytesIO(make_paper()))
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello');"),
        }
    )
    javascript = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("hello"), writer._add_object(action)])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(javascript)}
    )
    return _written(writer)


def make_javascript_in_object_stream(*, action_type=b"/JavaScript"):
    """A one-page PDF 1.5 whose catalog and JavaScript open action sit, compressed, in an
    object stream (as pdfTeX and most modern writers store dictionaries), with a
    cross-reference stream: no trace of /JavaScript in the raw bytes. `action_type` can
    spell the name with escapes, as in b"/J#61vaScript".
    """
    objects = [
        b"<< /Type /Catalog /Pages 3 0 R /OpenAction 5 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] >>",
        b"<< /S " + action_type + b" /JS (app.alert\\(1\\);) >>",
    ]
    offsets, body = [], b""
    for item in objects:
        offsets.append(len(body))
        body += item + b"\n"
    pairs = [b"%d %d" % (number, offset) for number, offset in enumerate(offsets, start=2)]
    header = b" ".join(pairs) + b"\n"
    packed = zlib.compress(header + body)
    output = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
    stream_offset = len(output)
    output += (
        b"1 0 obj\n<< /Type /ObjStm /N 4 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(packed))
    )
    output += packed + b"\nendstream\nendobj\n"
    xref_offset = len(output)
    rows = [struct.pack(">BIH", 0, 0, 65535), struct.pack(">BIH", 1, stream_offset, 0)]
    rows += [struct.pack(">BIH", 2, 1, index) for index in range(4)]
    rows.append(struct.pack(">BIH", 1, xref_offset, 0))
    table = b"".join(rows)
    output += (
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 2 0 R /Length %d >>\nstream\n"
        % len(table)
    )
    output += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_offset
    return output


def make_launch_link():
    """A paper whose page 1 has a link that launches a program (/Launch action)."""
    writer = PdfWriter(clone_from=io.BytesIO(make_paper()))
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (72, 72, 200, 90)]),
            NameObject("/A"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/Launch"),
                    NameObject("/F"): TextStringObject("calc.exe"),
                }
            ),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return _written(writer)


def make_zero_pages():
    """A well-formed PDF whose page tree is empty."""
    return _written(PdfWriter())


def make_truncated():
    """The first half of a valid paper, as left by an interrupted upload."""
    data = make_paper()
    return data[: len(data) // 2]


def make_garbage(*, size=20_000, seed=0):
    """Random bytes."""
    return random.Random(seed).randbytes(size)


def make_garbage_with_header(*, size=20_000, seed=0):
    """Random bytes between a PDF header and an end-of-file marker."""
    return b"%PDF-1.7\n" + random.Random(seed).randbytes(size) + b"\n%%EOF\n"


def make_html():
    """A web page, as saved by a browser under a .pdf name."""
    return (
        b"<!DOCTYPE html>\n<html><head><title>paper.pdf</title></head>"
        b"<body><p>Sign in to view this file.</p></body></html>\n"
    )


def make_slow(*, operators=1_000_000):
    """A one-page PDF whose content stream draws `operators` one-letter text runs.

    Legal and small (the stream compresses to a few kilobytes) but it takes pdfium
    seconds to extract: it stands for a crafted file that would hold a parser.
    """
    writer = PdfWriter()
    page = writer.add_blank_page(width=PAGE_WIDTH, height=PAGE_HEIGHT)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 2 Tf 72 700 Td " + b"(x) Tj 0.001 0 Td " * operators + b"ET")
    page[NameObject("/Contents")] = writer._add_object(content.flate_encode())
    return _written(writer)


def _written(writer):
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
