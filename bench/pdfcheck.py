"""Time the PDF format check against poppler's pdftotext on the same files.

Run from the repository root: `.venv/bin/python -m bench.pdfcheck`
(`--papers N` papers, default 40; `--repeat R` runs per file, default 5; `--files
PDF...` to measure given PDFs instead of the generated corpus, e.g. real papers).

Corpus: papers from `tests.submissions.pdf_corpus.make_paper`, seeded, 8-15 pages each
(5-9 body pages, 2-4 pages of references, 0-2 appendix pages, a third in two columns),
about 4,500-5,300 characters per text page, like a workshop paper set in 10 pt type.

Measured paths, interleaved file by file so that a change in machine load hits each
alike; for each, wall time (median of R runs per file, summed) and CPU time (all R
runs, every process involved):
- check_pdf: `submissions.pdfcheck.check_pdf(data)` end to end in the calling process,
  sandbox included (IPC to a pre-started worker, parse there, facts back), the way a
  web request or a Celery task pays for it. CPU = caller + sandbox workers. The pool
  is warmed up first; its cold start is printed on its own.
- read_pdf in-process: the worker's task (pypdf structure + pdfium text) run here, and
  the pypdf structure pass alone, to show what dominates.
- pdftotext: `pdftotext -q FILE -` as a subprocess, what poppler costs a caller per file
  (process start included); its cost on a 1-page file is printed as its fixed part.
  Debian's poppler-utils provides it; without it the bench says so and skips it.
"""

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from functools import partial
from pathlib import Path

from submissions import pdfsandbox
from submissions.pdfcheck import check_pdf, warm_up
from tests.submissions.pdf_corpus import make_paper

TEN_PAGE_RUNS = 30
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def make_corpus(papers):
    """(name, bytes, pages) for `papers` seeded papers of 8-15 pages."""
    rng = random.Random(2025)
    corpus = []
    for index in range(papers):
        body, references, appendix = rng.randint(5, 9), rng.randint(2, 4), rng.randint(0, 2)
        data = make_paper(
            body_pages=body,
            ref_pages=references,
            appendix_pages=appendix,
            two_column=index % 3 == 0,
            seed=index,
        )
        corpus.append((f"paper{index:02d}.pdf", data, body + references + appendix))
    return corpus


def own_cpu():
    return time.process_time()


def sandbox_cpu():
    """CPU seconds of this process and of the pool's (idle) workers."""
    ticks = 0
    for pid in pdfsandbox.get_pool().worker_pids():
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return time.process_time() + ticks / CLOCK_TICKS


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(action, *, repeat, cpu_clock):
    """(median wall seconds, total CPU seconds) of `repeat` runs of `action`."""
    timings = []
    cpu_before = cpu_clock()
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), cpu_clock() - cpu_before


def run_pdftotext(path):
    subprocess.run(["pdftotext", "-q", str(path), "-"], stdout=subprocess.DEVNULL, check=True)


def measure_files(corpus, *, repeat, poppler):
    """Path name -> list of (median wall, total CPU) per file."""
    paths = {
        "check_pdf (end to end)": (check_pdf, sandbox_cpu),
        "  read_pdf in-process": (partial(pdfsandbox.read_pdf, options={}), own_cpu),
        "    of which active-content look": (pdfsandbox._active_content_suspected, own_cpu),
    }
    results = {name: [] for name in paths}
    results["pdftotext (subprocess)"] = []
    with tempfile.TemporaryDirectory() as folder:
        for name, data, _ in corpus:
            for label, (function, cpu_clock) in paths.items():
                results[label].append(
                    measure(partial(function, data), repeat=repeat, cpu_clock=cpu_clock)
                )
            if poppler:
                path = Path(folder) / name
                path.write_bytes(data)
                results["pdftotext (subprocess)"].append(
                    measure(partial(run_pdftotext, path), repeat=repeat, cpu_clock=children_cpu)
                )
        if poppler:
            one_page = Path(folder) / "one-page.pdf"
            one_page.write_bytes(make_paper(body_pages=1, ref_pages=0, heading=None))
            results["one_page"] = measure(
                partial(run_pdftotext, one_page), repeat=repeat * 4, cpu_clock=children_cpu
            )
    return results


def report(label, measurements, *, pages, files, repeat):
    wall = sum(median for median, _ in measurements)
    cpu = sum(total for _, total in measurements) / repeat
    print(
        f"{label:<34} wall {wall / files * 1000:6.1f} ms/file {wall / pages * 1000:5.2f} ms/page"
        f"   CPU {cpu / pages * 1000:5.2f} ms/page"
    )
    return wall, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--files", nargs="+", type=Path, metavar="PDF")
    arguments = parser.parse_args()
    repeat = arguments.repeat

    started = time.perf_counter()
    warm_up()
    print(
        f"sandbox cold start ({pdfsandbox.POOL_SIZE} workers, until ready): "
        f"{(time.perf_counter() - started) * 1000:.0f} ms, once per process"
    )
    if arguments.files:
        corpus = [(path.name, path.read_bytes()) for path in arguments.files]
        corpus = [(name, data, check_pdf(data).total_pages) for name, data in corpus]
        print(f"files: {', '.join(f'{name} ({pages} pages)' for name, _, pages in corpus)}")
    else:
        corpus = make_corpus(arguments.papers)
        print(f"corpus: {len(corpus)} generated papers of 8-15 pages")
    pages = sum(count for _, _, count in corpus)
    print(f"{pages} pages; {repeat} runs per file")

    poppler = shutil.which("pdftotext") is not None
    results = measure_files(corpus, repeat=repeat, poppler=poppler)
    totals = {
        label: report(label, results[label], pages=pages, files=len(corpus), repeat=repeat)
        for label in results
        if label != "one_page" and results[label]
    }
    if poppler:
        fixed_wall, fixed_cpu = results["one_page"]
        print(
            f"  pdftotext on a 1-page file: wall {fixed_wall * 1000:.1f} ms, "
            f"CPU {fixed_cpu / (repeat * 4) * 1000:.1f} ms (its fixed cost per file)"
        )
        ours, theirs = totals["check_pdf (end to end)"], totals["pdftotext (subprocess)"]
        print(
            f"ratio check_pdf / pdftotext per page: wall {ours[0] / theirs[0]:.2f}, "
            f"CPU {ours[1] / theirs[1]:.2f} (<= 1.00: at or below poppler's cost)"
        )
    else:
        print("pdftotext not found (apt-get install poppler-utils): no poppler reference")

    ten_pages = make_paper(body_pages=7, ref_pages=3, seed=99)
    plain, _ = measure(partial(check_pdf, ten_pages), repeat=TEN_PAGE_RUNS, cpu_clock=own_cpu)
    with_thumbnails, _ = measure(
        partial(check_pdf, ten_pages, thumbnails=True), repeat=TEN_PAGE_RUNS, cpu_clock=own_cpu
    )
    print(
        f"10-page paper, check_pdf median of {TEN_PAGE_RUNS}: {plain * 1000:.1f} ms "
        f"(with thumbnails: {with_thumbnails * 1000:.1f} ms); target < 150 ms"
    )


if __name__ == "__main__":
    main()
