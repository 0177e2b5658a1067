"""Hand-built hostile PDFs: each is syntactically a PDF (header, objects, xref, trailer) so
that it reaches the parsers instead of being refused by the byte-level precheck."""

import zlib

ZERO_CHUNK = bytes(1024 * 1024)


def raw_pdf(objects, *, root=1, extra_trailer=b""):
    """A PDF file from object bodies (object n is objects[n - 1]) with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\n" % (len(objects) + 1, root, extra_trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def stream(data, *, flate=False):
    encoded = zlib.compress(data) if flate else data
    filters = b"/Filter /FlateDecode " if flate else b""
    return b"<< /Length %d %s>>\nstream\n" % (len(encoded), filters) + encoded + b"\nendstream"


PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>"
TEXT = stream(b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET")


def lying_page_count():
    """The page tree says 100,000 pages; it holds one."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 100000 >>",
            PAGE,
            TEXT,
        ]
    )


def cyclic_page_tree():
    """A pages node that lists itself (and its parent) among its kids."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>",
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R] /Count 2 >>",
            TEXT,
        ]
    )


def decompression_bomb(gigabytes=1):
    """One page whose content stream is ~1 MB of Flate data inflating to `gigabytes` GiB."""
    compressor = zlib.compressobj(9)
    encoded = b"".join(compressor.compress(ZERO_CHUNK) for _ in range(1024 * gigabytes))
    encoded += compressor.flush()
    content = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(encoded)
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            PAGE,
            content + encoded + b"\nendstream",
        ]
    )


def deep_nesting(depth=200_000):
    """An array nested `depth` levels deep in the catalog (recursive parsers overflow)."""
    nested = b"[" * depth + b"]" * depth
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Deep " + nested + b" >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            PAGE,
            TEXT,
        ]
    )


def reference_loop():
    """Objects whose /Length and /Contents point at each other and at themselves."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length 5 0 R >>\nstream\nBT ET\nendstream",
            b"4 0 R",
        ]
    )


def html_with_pdf_inside(pdf):
    """A web page that carries a PDF in its first kilobyte (a polyglot)."""
    return b"<html><body><!-- " + pdf + b" --><script>alert(1)</script></body></html>\n%%EOF\n"


def pdf_then_html(pdf):
    """A real PDF followed by an HTML page (browsers sniffing content would render it)."""
    return pdf + b"\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n"
