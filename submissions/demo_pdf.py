"""Minimal, valid PDFs for the demo seed and the benchmark, written byte by byte.

reportlab is only a development dependency, so the seed draws its papers here: text pages in
the base-14 Helvetica fonts, a bold "References" heading where the references start, and
optional padding (an unused stream) to reach a realistic file size.
"""

import io
import random

WORDS = [
    "efficient",
    "attention",
    "long",
    "context",
    "sparse",
    "experts",
    "routing",
    "adaptive",
    "inference",
    "latency",
    "throughput",
    "quantization",
    "distillation",
    "retrieval",
    "memory",
    "tokens",
    "model",
    "layers",
    "training",
]
PAGE_WIDTH, PAGE_HEIGHT = 612, 792


def _escape(text):
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _page_stream(lines):
    parts = ["BT"]
    y = PAGE_HEIGHT - 72
    for text, font, size in lines:
        parts.append(f"/{font} {size} Tf 1 0 0 1 72 {y} Tm ({_escape(text)}) Tj")
        y -= size + 4
    parts.append("ET")
    return "\n".join(parts).encode("latin-1")


def _body_lines(rng, count):
    return [
        (" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + ".", "F1", 10)
        for _ in range(count)
    ]


def make_demo_pdf(*, title, body_pages=4, reference_pages=1, padding_bytes=0, seed=0):
    """A paper of `body_pages` pages, then `reference_pages` opening with "References"."""
    rng = random.Random(seed)
    pages = []
    for number in range(1, body_pages + reference_pages + 1):
        lines = []
        if number == 1:
            lines += [(title, "F2", 16), ("Anonymous authors", "F1", 11), ("Abstract", "F2", 12)]
        if number == body_pages + 1:
            lines.append(("References", "F2", 12))
        if number > body_pages:
            lines += [
                (
                    f"[{i}] A. Author and B. Author. " + " ".join(rng.sample(WORDS, 6)) + ". 2024.",
                    "F1",
                    10,
                )
                for i in range(1, 30)
            ]
        else:
            lines += _body_lines(rng, 45 - len(lines))
        lines.append((str(number), "F1", 9))
        pages.append(_page_stream(lines))
    return _assemble(pages, padding_bytes=padding_bytes, rng=rng)


def _assemble(page_streams, *, padding_bytes, rng):
    objects = []

    def add(body):
        objects.append(body)
        return len(objects)

    catalog = add(None)
    tree = add(None)
    regular = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    bold = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>")
    kids = []
    for stream in page_streams:
        content = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> >>"
                % (tree, PAGE_WIDTH, PAGE_HEIGHT, content, regular, bold)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )
    if padding_bytes:
        filler = rng.randbytes(padding_bytes)
        add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(filler), filler))

    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, catalog, xref)
    )
    return out.getvalue()
