"""The PDF format check against the reportlab corpus, the reject reasons and the sandbox."""

import hashlib
import io
import json
import math
import os
import resource
import signal
import threading
from functools import cache

import billiard
import pytest
from PIL import Image

from submissions import pdfsandbox
from submissions.pdfcheck import (
    PdfFacts,
    check_pdf,
    heading_kind,
    render_thumbnails,
    verdict,
    verdict_message,
)
from tests.submissions import pdf_corpus

REEXPORT = (
    "Re-export it from your editor (for example with pdflatex, or 'Save as PDF' in your "
    "word processor) and upload it again."
)
ACTIVE_CONTENT = (
    "This PDF contains active content ({}). We do not accept PDFs with JavaScript or actions "
    "that launch programs: export the paper again without them (a plain pdflatex or 'Save "
    "as PDF' export has none) and upload that file."
)
NOT_A_PDF = "This file is not a PDF{}. Export or print your paper to PDF and upload that file."
SCANNED_ADVICE = (
    "Export the paper from your editor instead of scanning it, so that we can find its "
    "references and reviewers can search it."
)


@cache
def corpus():
    return {paper.name: paper for paper in pdf_corpus.known_papers()}


CORPUS_NAMES = [
    "tiny_2_plus_2",
    "main_5_plus_3",
    "main_6_plus_1",
    "no_heading_3_pages",
    "no_heading_7_pages",
    "two_column_4_plus_2",
    "two_column_mid_page",
    "uppercase_references",
    "numbered_7_references",
    "numbered_7_dot_references",
    "roman_references",
    "bibliography",
    "literature_cited_mid_page",
    "references_then_appendix",
    "lettered_appendix",
    "lettered_dot_appendix",
    "appendix_before_references",
    "supplementary_material",
    "scanned",
    "scanned_references",
]


def test_corpus_names_cover_every_known_paper():
    assert sorted(corpus()) == sorted(CORPUS_NAMES)


@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_check_pdf_corpus_paper_reports_known_facts(name):
    paper = corpus()[name]

    facts = check_pdf(paper.data).as_dict()

    assert {key: facts[key] for key in paper.expected} == paper.expected


@pytest.mark.parametrize(
    ("name", "warnings"),
    [
        ("tiny_2_plus_2", []),
        ("two_column_mid_page", []),
        (
            "scanned",
            [
                f"We found no text in this PDF (it looks scanned or made of images). {SCANNED_ADVICE}"
            ],
        ),
        (
            "scanned_references",
            [f"Pages 4 and 5 have no text we can read (they look scanned). {SCANNED_ADVICE}"],
        ),
    ],
)
def test_check_pdf_text_warnings_name_pages_without_text(name, warnings):
    assert check_pdf(corpus()[name].data).warnings == warnings


def test_check_pdf_reports_sizes_metadata_and_identity():
    data = corpus()["tiny_2_plus_2"].data

    facts = check_pdf(data)

    assert facts.page_sizes == [[612.0, 792.0]] * 4
    assert facts.metadata == {
        "Title": "Adaptive Sparse Experts for Efficient Inference",
        "Author": "",
        "Subject": "unspecified",
        "Keywords": "",
        "Creator": "LaTeX with hyperref",
        "Producer": "ReportLab PDF Library - (opensource)",
    }
    assert (facts.sha256, facts.size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert facts.thumbnails == []


def test_as_dict_is_json_with_the_documented_keys_and_no_thumbnails():
    facts = check_pdf(corpus()["tiny_2_plus_2"].data, thumbnails=True)

    as_dict = facts.as_dict()

    assert list(as_dict) == [
        "ok",
        "error",
        "total_pages",
        "body_pages",
        "references_page",
        "appendix_page",
        "page_sizes",
        "text_extractable",
        "metadata",
        "page_labels",
        "warnings",
        "seconds",
        "sha256",
        "size",
    ]
    assert json.loads(json.dumps(as_dict)) == as_dict


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", "The file is empty (0 bytes). Upload the PDF of your paper again."),
        (pdf_corpus.make_html(), NOT_A_PDF.format(" (it looks like an HTML web page)")),
        (pdf_corpus.make_garbage(), NOT_A_PDF.format("")),
        (
            b"PK\x03\x04" + bytes(100),
            NOT_A_PDF.format(" (it looks like a Word document or another ZIP archive)"),
        ),
        (b"\n" * 1100 + b"%PDF-1.7\n%%EOF\n", NOT_A_PDF.format("")),
        (
            pdf_corpus.make_truncated(),
            "The file is incomplete: it stops before the end of the PDF (the upload or an "
            "earlier copy was probably interrupted). Upload the complete file again.",
        ),
        (
            pdf_corpus.make_garbage_with_header(),
            f"We could not read this file as a PDF: it is damaged. {REEXPORT}",
        ),
        (pdf_corpus.make_zero_pages(), f"This PDF has no pages. {REEXPORT}"),
        (
            pdf_corpus.make_encrypted(),
            "This PDF is encrypted or protected by a password. Export it again without a "
            "password or security settings and upload that file.",
        ),
        (
            pdf_corpus.make_encrypted(user_password=""),
            "This PDF is encrypted or protected by a password. Export it again without a "
            "password or security settings and upload that file.",
        ),
        (
            pdf_corpus.make_javascript_open_action(),
            ACTIVE_CONTENT.format("JavaScript that runs when the file is opened"),
        ),
        (pdf_corpus.make_javascript_names(), ACTIVE_CONTENT.format("document-level JavaScript")),
        (
            pdf_corpus.make_javascript_in_object_stream(),
            ACTIVE_CONTENT.format("JavaScript that runs when the file is opened"),
        ),
        (
            pdf_corpus.make_javascript_in_object_stream(action_type=b"/J#61vaScript"),
            ACTIVE_CONTENT.format("JavaScript that runs when the file is opened"),
        ),
        (
            pdf_corpus.make_launch_link(),
            ACTIVE_CONTENT.format(
                "an action that launches a program in a link or form field on page 1"
            ),
        ),
    ],
    ids=[
        "empty",
        "html",
        "garbage",
        "zip",
        "header_too_late",
        "truncated",
        "damaged",
        "zero_pages",
        "encrypted",
        "encrypted_owner_password_only",
        "javascript_open_action",
        "javascript_names",
        "javascript_in_object_stream",
        "javascript_escaped_name_in_object_stream",
        "launch_link",
    ],
)
def test_check_pdf_rejected_file_says_what_to_do(data, error):
    facts = check_pdf(data)

    assert (facts.ok, facts.error, facts.total_pages, facts.body_pages) == (False, error, 0, None)
    assert facts.size == len(data)


def test_check_pdf_over_max_bytes_is_rejected_before_parsing():
    data = corpus()["tiny_2_plus_2"].data

    facts = check_pdf(data, max_bytes=len(data) - 1)

    assert facts.error == (
        f"The file is {len(data) / 1048576:.1f} MB; the limit is {(len(data) - 1) / 1048576:.1f} MB. "
        "Make it smaller (for example compress large photos or export plots as vector "
        "graphics) and upload it again."
    )
    assert check_pdf(data, max_bytes=len(data)).ok is True


def test_check_pdf_accepts_pdf_header_after_leading_bytes():
    facts = check_pdf(b"\r\n" * 100 + corpus()["tiny_2_plus_2"].data)

    assert (facts.ok, facts.body_pages) == (True, 2)


def test_check_pdf_slow_file_is_rejected_at_the_timeout():
    facts = check_pdf(pdf_corpus.make_slow(), timeout=0.5)

    assert facts.error == (
        f"We could not read this PDF within 0.5 seconds. {REEXPORT} If it has very complex "
        "figures, simplify them or include them as images."
    )
    assert check_pdf(corpus()["tiny_2_plus_2"].data).ok is True


def test_check_pdf_tiny_timeout_forces_the_timeout_rejection():
    facts = check_pdf(corpus()["main_5_plus_3"].data, timeout=0.001)

    assert facts.error == (
        f"We could not read this PDF within 0.001 seconds. {REEXPORT} If it has very complex "
        "figures, simplify them or include them as images."
    )


def test_check_pdf_memory_cap_forces_the_memory_rejection():
    facts = check_pdf(corpus()["main_5_plus_3"].data, memory_mb=16)

    assert facts.error == (
        f"We could not read this PDF within 16 MB of memory. {REEXPORT} If it has very large "
        "images, reduce their resolution."
    )
    assert check_pdf(corpus()["main_5_plus_3"].data).ok is True


def report_limits(data, options):
    """A sandbox task for the test below: the limits the worker runs under."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_soft, _ = resource.getrlimit(resource.RLIMIT_CPU)
    address_space, _ = resource.getrlimit(resource.RLIMIT_AS)
    headroom = cpu_soft - usage.ru_utime - usage.ru_stime
    return {"cpu_headroom": headroom, "address_space": address_space, "pid": os.getpid()}, []


def test_sandbox_worker_runs_each_job_under_cpu_and_memory_limits():
    outcome = pdfsandbox.run_task(
        task="tests.submissions.test_pdfcheck:report_limits",
        data=b"",
        options={},
        timeout=3,
        memory_mb=300,
    )

    assert outcome.status == "ok"
    assert outcome.result["address_space"] == 300 * 1024 * 1024
    assert 3 <= outcome.result["cpu_headroom"] <= 4
    assert outcome.result["pid"] != os.getpid()


def test_sandbox_replaces_workers_killed_while_idle():
    pool = pdfsandbox.get_pool()
    pool.warm_up(wait=True)
    killed = pool.worker_pids()
    for pid in killed:
        os.kill(pid, signal.SIGKILL)

    facts = check_pdf(corpus()["main_5_plus_3"].data)

    assert (facts.ok, facts.body_pages) == (True, 5)
    assert len(pool.worker_pids()) == 1
    assert set(pool.worker_pids()).isdisjoint(killed)


def cpu_ticks(pid):
    """User plus system CPU time of a process, in clock ticks (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def wait_for(condition, *, polls=2000):
    """Poll `condition` every 10 ms until it returns something true; fail after `polls`."""
    for _ in range(polls):
        value = condition()
        if value:
            return value
        threading.Event().wait(0.01)
    pytest.fail("condition never became true")


def test_worker_killed_during_a_job_is_a_rejection_not_an_exception():
    pool = pdfsandbox.get_pool()
    pool.warm_up(wait=True)
    idle = set(pool.worker_pids())
    slow = pdf_corpus.make_slow()
    results = []
    checker = threading.Thread(target=lambda: results.append(check_pdf(slow, timeout=60)))
    checker.start()
    (pid,) = wait_for(lambda: idle - set(pool.worker_pids()))
    ticks = cpu_ticks(pid)
    wait_for(lambda: cpu_ticks(pid) >= ticks + 10)  # parsing, so it has acknowledged the job
    os.kill(pid, signal.SIGKILL)
    checker.join()

    assert results[0].error == f"Our PDF reader stopped on this file: it may be damaged. {REEXPORT}"
    assert check_pdf(corpus()["tiny_2_plus_2"].data).ok is True


def test_check_pdf_from_several_threads_gives_each_caller_its_facts():
    names = ["tiny_2_plus_2", "two_column_4_plus_2", "references_then_appendix", "scanned"] * 2
    results = {}

    def check(index, name):
        results[index] = check_pdf(corpus()[name].data).as_dict()

    threads = [threading.Thread(target=check, args=item) for item in enumerate(names)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for index, name in enumerate(names):
        expected = corpus()[name].expected
        assert {key: results[index][key] for key in expected} == expected


def body_pages_in_this_process(data):
    """Run in a Celery pool process (below): check a paper there."""
    facts = check_pdf(data)
    return facts.ok, facts.body_pages


def test_check_pdf_works_inside_a_celery_prefork_pool_process():
    pdfsandbox.get_pool()  # the parent's pool, inherited by the forked pool process
    with billiard.Pool(1) as pool:
        result = pool.apply(body_pages_in_this_process, (corpus()["main_5_plus_3"].data,))

    assert result == (True, 5)


def test_render_thumbnails_gives_one_png_per_page_at_the_width():
    thumbnails = render_thumbnails(corpus()["main_5_plus_3"].data, width=90, max_pages=6)

    sizes = [Image.open(io.BytesIO(png)).size for png in thumbnails]
    assert sizes == [(90, math.ceil(90 * 792 / 612))] * 6
    assert all(png.startswith(b"\x89PNG\r\n\x1a\n") for png in thumbnails)


def test_check_pdf_with_thumbnails_renders_them_in_the_same_call():
    facts = check_pdf(corpus()["tiny_2_plus_2"].data, thumbnails=True)

    assert [Image.open(io.BytesIO(png)).size for png in facts.thumbnails] == [(120, 156)] * 4


def test_render_thumbnails_of_a_broken_file_is_empty():
    assert render_thumbnails(pdf_corpus.make_garbage_with_header()) == []
    assert render_thumbnails(pdf_corpus.make_html()) == []


def test_double_blind_lint_warns_about_names_emails_thanks_and_repositories():
    data = pdf_corpus.make_paper(
        authors=("Ada Lovelace", "Grace Hopper"),
        emails=("ada@analytical.org",),
        metadata_author="Ada Lovelace",
        acknowledgements=True,
        extra_body_text=(
            "Code is at https://github.com/alovelace/sparse-experts; we compare with the "
            "implementations at github.com/huggingface/transformers and gitlab.com/inria/moe."
        ),
    )

    facts = check_pdf(
        data,
        author_names=["Ada Lovelace", "Grace Hopper", "Alan Turing"],
        author_emails=["ada@analytical.org", "grace@navy.mil"],
    )

    assert facts.warnings == [
        'Page 1 shows "Ada Lovelace", "Grace Hopper" and "ada@analytical.org". Remove author '
        'names and emails for double-blind review (write "Anonymous authors" instead).',
        'The PDF\'s document properties (Author) contain "Ada Lovelace", which reviewers can '
        "see. Clear the document properties before submitting (in LaTeX: "
        "\\hypersetup{pdfauthor={}}; in Word: File > Info > Properties).",
        "Your paper has an Acknowledgements section (page 2). Remove it for double-blind "
        "review; you can add it back in the camera-ready version.",
        "Page 1 links to github.com/alovelace/sparse-experts, which looks like the account of "
        "author Ada Lovelace. Link an anonymized copy of the repository instead (for example "
        "on anonymous.4open.science).",
        "Your paper links to github.com/huggingface/transformers (page 1) and "
        "gitlab.com/inria/moe (page 1). Make sure these repositories do not reveal who you "
        "are; link anonymized copies of your own code.",
    ]
    assert (facts.ok, facts.body_pages, facts.references_page) == (True, 2, 3)


def test_double_blind_lint_warns_about_any_author_property():
    data = pdf_corpus.make_paper(metadata_author="jdoe")

    facts = check_pdf(data, author_names=["Ada Lovelace"])

    assert facts.warnings == [
        'The PDF\'s Author property is set to "jdoe", which reviewers can see. Clear the '
        "document properties before submitting (in LaTeX: \\hypersetup{pdfauthor={}}; in "
        "Word: File > Info > Properties)."
    ]


def test_double_blind_lint_is_quiet_for_an_anonymous_paper():
    data = pdf_corpus.make_paper(
        metadata_author="Anonymous authors",
        extra_body_text="Code: https://anonymous.4open.science/r/sparse-experts and "
        "https://github.com/anonymous-scope/sparse-experts.",
    )

    facts = check_pdf(data, author_names=["Ada Lovelace"], author_emails=["ada@analytical.org"])

    assert facts.warnings == []


@pytest.mark.parametrize(
    ("line", "distinct_style", "kind"),
    [
        ("References", False, "references"),
        ("REFERENCES", False, "references"),
        ("7 References", False, "references"),
        ("7. References", False, "references"),
        ("VII. REFERENCES", False, "references"),
        ("R EFERENCES", False, "references"),
        ("References:", False, "references"),
        ("Bibliography", False, "references"),
        ("Literature Cited", False, "references"),
        ("see the references in [3] for details", False, None),
        ("references.", False, None),
        ("References 12", False, None),
        ("Appendix", False, "appendix"),
        ("APPENDIX B", False, "appendix"),
        ("Appendices", False, "appendix"),
        ("Appendix A: Proofs", False, "appendix"),
        ("Supplementary Material", False, "appendix"),
        ("Appendix B.", False, None),
        ("Appendix B. Our method builds on low-rank adaptation", False, None),
        ("Appendix A shows that the bound is tight", False, None),
        ("Appendix A Proofs of Section 3", True, "appendix"),
        ("supplementary material. The literature cited in Section", False, None),
        ("Appendix A Copying Information. . . . . . . . 24", True, None),
        ("References ........ 12", False, None),
        ("A Additional Experiments", True, "lettered_appendix"),
        ("A. Proofs", True, "lettered_appendix"),
        ("A Additional Experiments", False, None),
        ("A. Gupta, M. Rossi, and K. Tanaka. Sparse experts.", True, None),
        ("Acknowledgements", False, "acknowledgements"),
        ("Acknowledgments", False, "acknowledgements"),
    ],
)
def test_heading_kind_tells_headings_from_running_text(line, distinct_style, kind):
    assert heading_kind(line, distinct_style=distinct_style) == kind


def facts_with(**values):
    return PdfFacts(ok=True, **values)


@pytest.mark.parametrize(
    ("facts", "limit", "expected"),
    [
        (facts_with(total_pages=8, body_pages=5, references_page=6), 5, "fits"),
        (facts_with(total_pages=7, body_pages=6, references_page=7), 5, "too_long"),
        (facts_with(total_pages=4), 5, "fits"),
        (facts_with(total_pages=5), 5, "fits"),
        (facts_with(total_pages=6), 5, "unverified"),
    ],
)
def test_verdict_compares_body_pages_or_total_pages_with_the_limit(facts, limit, expected):
    assert verdict(facts, limit) == expected


def test_verdict_of_a_rejected_file_raises():
    with pytest.raises(ValueError, match="A rejected file has no verdict"):
        verdict(PdfFacts(ok=False, error="This file is not a PDF."), 5)


@pytest.mark.parametrize(
    ("facts", "limit", "message"),
    [
        (
            facts_with(total_pages=8, body_pages=5, references_page=6),
            5,
            "Your paper has 5 body pages (references start on page 6); the Main paper track "
            "allows 5. It fits.",
        ),
        (
            facts_with(total_pages=7, body_pages=6, references_page=7),
            5,
            "Your paper has 6 body pages (references start on page 7); the Main paper track "
            "allows 5. Shorten the body to 5 pages; references and appendix do not count.",
        ),
        (
            facts_with(total_pages=7, body_pages=3, references_page=6, appendix_page=4),
            2,
            "Your paper has 3 body pages (the appendix starts on page 4); the Main paper track "
            "allows 2. Shorten the body to 2 pages; references and appendix do not count.",
        ),
        (
            facts_with(total_pages=1, body_pages=1, references_page=1),
            2,
            "Your paper has 1 body page (references start on page 1); the Main paper track "
            "allows 2. It fits.",
        ),
        (
            facts_with(total_pages=4),
            5,
            "Your paper has 4 pages in total; the Main paper track allows 5 body pages, so it "
            "fits.",
        ),
        (
            facts_with(total_pages=7),
            5,
            "We found no references heading in your paper, so we could not count its body "
            "pages: it has 7 pages in total and the Main paper track allows 5 body pages. You "
            "can submit it; the chairs will check its length. To let us count, start your "
            'references with a heading such as "References" on a line of its own.',
        ),
        (PdfFacts(ok=False, error="This PDF has no pages."), 5, "This PDF has no pages."),
    ],
)
def test_verdict_message_tells_the_author_where_they_stand(facts, limit, message):
    assert verdict_message(facts, body_limit=limit, track_name="Main paper track") == message


def test_verdict_message_for_corpus_paper_names_the_references_page():
    facts = check_pdf(corpus()["main_6_plus_1"].data)

    assert verdict(facts, 5) == "too_long"
    assert verdict_message(facts, body_limit=5, track_name="Main paper track") == (
        "Your paper has 6 body pages (references start on page 7); the Main paper track "
        "allows 5. Shorten the body to 5 pages; references and appendix do not count."
    )
