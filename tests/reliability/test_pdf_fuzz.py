"""`check_pdf` on hostile and mutated input: it always returns a verdict (PdfFacts with either
ok or a message), within its time and memory caps; never an exception, never a hang.

The caps are small here (a few seconds, 256 MB) so that the bombs hit them quickly.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from submissions.pdfcheck import PdfFacts, check_pdf
from tests.reliability import hostile_pdfs
from tests.submissions import pdf_corpus

TIMEOUT_SECONDS = 4.0
MEMORY_MB = 256


def checked(data, **options):
    facts = check_pdf(data, timeout=TIMEOUT_SECONDS, memory_mb=MEMORY_MB, **options)
    assert isinstance(facts, PdfFacts)
    assert facts.ok == (facts.error is None)
    if facts.ok:
        assert facts.total_pages >= 1
    else:
        assert facts.error.strip()
    return facts


SMALL_PAPER = pdf_corpus.make_paper(body_pages=1, ref_pages=1, seed=5)
HOSTILE = {
    "lying page count": hostile_pdfs.lying_page_count,
    "cyclic page tree": hostile_pdfs.cyclic_page_tree,
    "deep nesting": hostile_pdfs.deep_nesting,
    "reference loop": hostile_pdfs.reference_loop,
    "decompression bomb": hostile_pdfs.decompression_bomb,
    "encrypted": pdf_corpus.make_encrypted,
    "encrypted, empty user password": lambda: pdf_corpus.make_encrypted(user_password=""),
    "html with a pdf inside": lambda: hostile_pdfs.html_with_pdf_inside(SMALL_PAPER),
    "pdf followed by html": lambda: hostile_pdfs.pdf_then_html(SMALL_PAPER),
    "javascript open action": pdf_corpus.make_javascript_open_action,
    "launch link": pdf_corpus.make_launch_link,
    "zero pages": pdf_corpus.make_zero_pages,
    "truncated": pdf_corpus.make_truncated,
    "garbage with header": pdf_corpus.make_garbage_with_header,
    "slow content stream": pdf_corpus.make_slow,
    "empty": lambda: b"",
    "huge (25 MB of padding)": lambda: SMALL_PAPER + b"%" + bytes(25 * 1024 * 1024) + b"\n%%EOF\n",
}
# Files that must be refused; the others may be read or refused, but never crash or hang.
MUST_REFUSE = {
    "html with a pdf inside",
    "cyclic page tree",
    "encrypted",
    "encrypted, empty user password",
    "javascript open action",
    "launch link",
    "zero pages",
    "truncated",
    "empty",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_pdf_fuzz_hostile_file_gets_a_verdict(name):
    facts = checked(HOSTILE[name]())

    if name in MUST_REFUSE:
        assert facts.ok is False
    if name == "lying page count" and facts.ok:
        assert facts.total_pages == 1


def test_pdf_fuzz_file_over_the_size_cap_is_refused_unread():
    facts = checked(SMALL_PAPER, max_bytes=len(SMALL_PAPER) - 1)

    assert (facts.ok, facts.seconds < TIMEOUT_SECONDS) == (False, True)
    assert facts.error.startswith("The file is ")


SEEDS = [
    SMALL_PAPER,
    hostile_pdfs.lying_page_count(),
    hostile_pdfs.reference_loop(),
    pdf_corpus.make_javascript_open_action(),
]


@st.composite
def mutated_pdfs(draw):
    """A seed PDF cut, overwritten, spliced or stripped, usually keeping its %%EOF marker so
    that the mutation reaches the parser rather than the precheck."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        operation = draw(st.sampled_from(["truncate", "overwrite", "insert", "delete", "repeat"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if operation == "truncate":
            del data[at:]
        elif operation == "overwrite":
            chunk = draw(st.binary(min_size=1, max_size=64))
            data[at : at + len(chunk)] = chunk
        elif operation == "insert":
            data[at:at] = draw(
                st.sampled_from(
                    [b"<<", b">>", b"[", b"0 0 R", b"endobj", b"stream\n", b"/Count 99999", b"\x00"]
                )
                | st.binary(max_size=32)
            )
        elif operation == "delete":
            del data[at : at + draw(st.integers(1, 512))]
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 256))] * draw(st.integers(2, 20))
    if draw(st.booleans()) or len(data) < 16:
        data += b"\n%%EOF\n"
    return bytes(data)


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=mutated_pdfs())
def test_pdf_fuzz_mutated_file_gets_a_verdict(data):
    checked(data)
