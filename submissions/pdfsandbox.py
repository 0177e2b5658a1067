"""Run a parsing task on untrusted bytes in a resource-limited child process.

A crafted file must never hang or crash the caller, so parsing happens in worker
processes that the caller can afford to lose:

- Workers are fresh interpreters spawned with subprocess (never a fork of a threaded
  web or Celery process) and pre-started in a small pool, so a call costs an IPC round
  trip, not an interpreter start. Not multiprocessing.Process: it refuses to start
  children from Celery's prefork workers ("daemonic processes are not allowed to have
  children") and re-imports the caller's __main__ in every child.
- Before each job a worker caps itself with RLIMIT_AS (address space) and RLIMIT_CPU
  (seconds of CPU); the parent enforces the wall-clock timeout and kills the worker
  when it passes. A worker that dies or is killed is replaced on a later call; one
  whose parent is gone sees its socket close and exits.
- Workers answer in JSON plus raw byte frames, never pickle, so even a subverted
  worker cannot run code in the caller.
- The pool is safe to share between threads: each call has a worker to itself. A
  process forked after using the pool (gunicorn, Celery prefork) makes its own.

`run_task` returns a `TaskOutcome`; it raises `SandboxUnavailable` only when workers
cannot be started at all.
"""

import ctypes
import importlib
import io
import json
import logging
import math
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import zlib
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

POOL_SIZE = 2
# A worker is this interpreter, with this environment, running `serve_socket` on the
# socket it inherits; PACKAGE_ROOT is where `submissions` is importable from.
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
BOOTSTRAP = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from submissions.pdfsandbox import serve_socket; serve_socket(int(sys.argv[2]))"
)
PRELOAD_MODULES = ["pypdf", "pypdfium2", "PIL.Image"]
MAX_FRAME_BYTES = 64 * 1024 * 1024
READY = b"ready"
ACKNOWLEDGEMENT = b"started"
# A worker boots a fresh interpreter and imports pdfium, pypdf and Pillow.
BOOT_SECONDS = 60
# How a worker's death reads: SIGXCPU is the CPU limit; pdfium and the C++ runtime
# abort() when an allocation fails under the address-space cap.
DEATHS = {-signal.SIGXCPU: "timeout", -signal.SIGABRT: "memory"}

# What read_pdf reports, capped so that a crafted file cannot flood the caller.
MAX_LINES_PER_PAGE = 5000
MAX_LINE_CHARS = 1000
MAX_LINKS = 2000
METADATA_KEYS = ("Title", "Author", "Subject", "Keywords", "Creator", "Producer")
FORCE_BOLD_FLAG = 1 << 18
# Style lookups cost a few pdfium calls per line, so only lines that could be a styled
# heading ("A Proofs", "Appendix A Proofs") and every 24th line (to learn the body
# style) get one.
STYLE_SAMPLE_EVERY = 24
STYLE_NEEDED = re.compile(
    r"^(?:[\dIVXLCivxlc.]{1,8}\s+)?(?:[A-Z][.)]?\s|appendi|supplement)", re.IGNORECASE
)
BOLD_FONT_NAME = re.compile(r"bold|black|heavy|semibold|demi|medi|cmbx|cmb\d|bx\d", re.IGNORECASE)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# The quick look for active content (see _active_content_suspected).
NAME_END = rb"(?![^\s/<>\[\]()%{}])"
ACTIVE_NAME = re.compile(rb"/(?:JavaScript|JS|Launch)" + NAME_END)
ESCAPED_NAME = re.compile(rb"/[^\s/<>\[\]()%{}#]*#[0-9A-Fa-f]{2}")
OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm" + NAME_END)
OTHER_FILTER = re.compile(
    rb"/(?:DecodeParms|Crypt|ASCIIHexDecode|ASCII85Decode|LZWDecode|RunLengthDecode)"
)
MAX_OBJECT_STREAM_BYTES = 64 * 1024 * 1024


@dataclass
class TaskOutcome:
    """What came back from a worker.

    status is "ok" (result and blobs are set), "timeout" (wall clock or CPU limit
    passed), "memory" (the address-space cap was hit) or "crashed" (the worker died
    during the job, or the task raised: then detail says how).
    """

    status: str
    result: dict = field(default_factory=dict)
    blobs: list[bytes] = field(default_factory=list)
    detail: str = ""


class SandboxUnavailable(RuntimeError):
    """Workers cannot be started or die before taking a job: a server problem, not a file's."""


class _WorkerGone(Exception):
    """The worker died before it took the job."""


class _Worker:
    """A worker process and the parent's end of its socket."""

    def __init__(self):
        parent_end, child_end = socket.socketpair()
        with parent_end, child_end:
            self.process = subprocess.Popen(
                [sys.executable, "-c", BOOTSTRAP, str(PACKAGE_ROOT), str(child_end.fileno())],
                pass_fds=[child_end.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )
            self.connection = Connection(parent_end.detach())
        self.ready = False

    def wait_until_ready(self):
        """Wait for the worker to finish booting (this does not count against a job)."""
        if not self.ready:
            try:
                if _receive(self.connection, deadline=time.monotonic() + BOOT_SECONDS) != READY:
                    raise _WorkerGone
            except (EOFError, OSError) as error:
                raise _WorkerGone from error
            self.ready = True

    def alive(self):
        return self.process.poll() is None

    def kill(self):
        self.process.kill()
        self.process.wait(timeout=5)
        self.connection.close()


class SandboxPool:
    """A fixed number of pre-started workers, lent out one call at a time."""

    def __init__(self, *, size=POOL_SIZE):
        self.size = size
        self._idle: list[_Worker] = []
        self._started = 0
        self._available = threading.Condition()

    def warm_up(self, *, wait=False):
        """Start every worker now rather than on the first call.

        They boot in the background unless `wait`: then this returns once every idle
        worker is ready (workers that fail to boot are dropped).
        """
        with self._available:
            while self._started < self.size:
                self._idle.append(_Worker())
                self._started += 1
            booting = [worker for worker in self._idle if wait and not worker.ready]
            # Held while they boot, so that no caller reads their pipes at the same time.
            self._idle = [worker for worker in self._idle if worker not in booting]
        for worker in booting:
            try:
                worker.wait_until_ready()
            except _WorkerGone:
                self._discard(worker)
            else:
                self._checkin(worker)

    def worker_pids(self):
        with self._available:
            return [worker.process.pid for worker in self._idle]

    def run(self, *, task, data, options, timeout, memory_mb):
        """Run `task` ("module:function") on `data` in a worker; see `TaskOutcome`.

        Workers acknowledge a job before starting it. One that dies before that was
        dead already (killed while idle, say), so the job moves to another worker and
        the input is not blamed.
        """
        header = {"task": task, "options": options, "timeout": timeout, "memory_mb": memory_mb}
        header = json.dumps(header).encode()
        for _ in range(self.size + 1):
            worker = self._checkout()
            try:
                worker.wait_until_ready()
                return self._run_on(worker, header=header, data=data, timeout=timeout)
            except _WorkerGone:
                self._discard(worker)
        raise SandboxUnavailable("PDF sandbox workers exit before taking a job; see stderr.")

    def _run_on(self, worker, *, header, data, timeout):
        try:
            outcome = _exchange(worker.connection, header=header, data=data, timeout=timeout)
        except (EOFError, OSError, ValueError, KeyError, TypeError, AttributeError):
            # The worker died on the job (or answered nonsense, as only a subverted one would).
            worker.kill()
            outcome = TaskOutcome(status=DEATHS.get(worker.process.returncode, "crashed"))
        if outcome is None:
            outcome = TaskOutcome(status="timeout")
        if outcome.status == "ok" or outcome.detail:
            self._checkin(worker)
        else:
            self._discard(worker)
        return outcome

    def _checkout(self):
        with self._available:
            while True:
                while self._idle:
                    worker = self._idle.pop()
                    if worker.alive():
                        return worker
                    worker.kill()
                    self._started -= 1
                if self._started < self.size:
                    self._started += 1
                    break
                self._available.wait()
        try:
            return _Worker()
        except BaseException:
            self._retire()
            raise

    def _checkin(self, worker):
        with self._available:
            self._idle.append(worker)
            self._available.notify()

    def _discard(self, worker):
        worker.kill()
        self._retire()

    def _retire(self):
        with self._available:
            self._started -= 1
            self._available.notify()


def _exchange(connection, *, header, data, timeout):
    """Send one job and read its answer; None if the deadline passes first.

    Raises _WorkerGone if the worker dies before acknowledging the job, EOFError or
    OSError if it dies while working on it.
    """
    deadline = time.monotonic() + timeout
    try:
        connection.send_bytes(header)
        connection.send_bytes(data)
        acknowledged = _receive(connection, deadline=deadline) == ACKNOWLEDGEMENT
    except (EOFError, OSError) as error:
        raise _WorkerGone from error
    reply = _receive(connection, deadline=deadline) if acknowledged else None
    if reply is None:
        return None
    answer = json.loads(reply)
    blobs = []
    for _ in range(answer.get("blobs", 0)):
        blob = _receive(connection, deadline=deadline)
        if blob is None:
            return None
        blobs.append(blob)
    return TaskOutcome(
        status=answer["status"],
        result=answer.get("result", {}),
        blobs=blobs,
        detail=answer.get("detail", ""),
    )


def _receive(connection, *, deadline):
    if not connection.poll(max(0.0, deadline - time.monotonic())):
        return None
    return connection.recv_bytes(MAX_FRAME_BYTES)


_pool: SandboxPool | None = None
_pool_owner = 0
_pool_lock = threading.Lock()


def get_pool():
    """This process's pool, created (and its workers started) on first use."""
    global _pool, _pool_owner
    with _pool_lock:
        if _pool is None or _pool_owner != os.getpid():
            _pool = SandboxPool()
            _pool_owner = os.getpid()
            _pool.warm_up()
        return _pool


def run_task(*, task, data, options, timeout, memory_mb):
    """Run `task` ("module:function") on `data` in this process's pool."""
    return get_pool().run(
        task=task, data=data, options=options, timeout=timeout, memory_mb=memory_mb
    )


# The worker side. Everything below runs in the child process.


def serve_socket(fd):
    """A worker's main: serve jobs on the inherited socket `fd` until the parent closes it."""
    _serve(Connection(fd))


def _serve(connection):
    # The parent ends a worker by closing its pipe; Ctrl-C in a dev server is its business.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    for module in PRELOAD_MODULES:
        importlib.import_module(module)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    connection.send_bytes(READY)
    while True:
        try:
            header = json.loads(connection.recv_bytes())
            data = connection.recv_bytes()
        except (EOFError, OSError):  # the parent closed the pipe: time to go
            return
        connection.send_bytes(ACKNOWLEDGEMENT)
        answer, blobs = _run_job(header, data)
        connection.send_bytes(json.dumps(answer).encode())
        for blob in blobs:
            connection.send_bytes(blob)


def _run_job(header, data):
    module_name, function_name = header["task"].split(":")
    task = getattr(importlib.import_module(module_name), function_name)
    out_of_memory = False
    failure = ""
    _limit(timeout=header["timeout"], memory_mb=header["memory_mb"])
    try:
        result, blobs = task(data, header["options"])
    except MemoryError:
        out_of_memory = True
    except Exception as error:  # any failure on untrusted input is an answer, not a crash
        failure = f"{type(error).__name__}: {error}"[:500]
    finally:
        _unlimit()
    if out_of_memory:
        return {"status": "memory"}, []
    if failure:
        return {"status": "crashed", "detail": failure}, []
    return {"status": "ok", "result": result, "blobs": len(blobs)}, blobs


def _limit(*, timeout, memory_mb):
    """Cap this job: CPU seconds beyond what the worker used so far, and address space.

    Soft limits, because one worker serves many jobs with different caps and an
    unprivileged process cannot raise a hard limit again. Passing the CPU limit sends
    SIGXCPU, whose default action ends the process.
    """
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_seconds = math.ceil(usage.ru_utime + usage.ru_stime + timeout)
    _set_soft(resource.RLIMIT_CPU, cpu_seconds)
    _set_soft(resource.RLIMIT_AS, memory_mb * 1024 * 1024)


def _unlimit():
    for limit in (resource.RLIMIT_AS, resource.RLIMIT_CPU):
        _, hard = resource.getrlimit(limit)
        resource.setrlimit(limit, (hard, hard))


def _set_soft(limit, value):
    _, hard = resource.getrlimit(limit)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(limit, (value, hard))


# Tasks: what a worker does with a PDF. They import the PDF libraries here, in the
# worker only: pdfium is not thread-safe and must never run in the caller.


def read_pdf(data, options):
    """Task: what the check needs to know about a PDF, as plain data.

    Returns ({"problem": ..., "detail": ...}, []) for files to reject ("encrypted",
    "unreadable", "no_pages", "active_content"), else ({"pages": [{"size": [w, h],
    "lines": [[text, font_size, bold] or [text], ...]}], "metadata": {...}, "links":
    [[page, uri], ...]}, thumbnails): lines in reading order, with their style only
    where STYLE_NEEDED or sampled; thumbnails are PNG bytes when options["thumbnails"]
    asks for them.
    """
    import pypdfium2

    if _active_content_suspected(data):
        problem = _structure_problem(data)
        if problem:
            return problem, []
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        if error.err_code == pypdfium2.raw.FPDF_ERR_PASSWORD:
            return {"problem": "encrypted", "detail": str(error)}, []
        # pdfium cannot tell an empty page tree from a damaged file; pypdf can.
        return _structure_problem(data) or {"problem": "unreadable", "detail": str(error)}, []
    try:
        problem = _document_problem(document)
        if problem:
            return problem, []
        pages, links = [], []
        for index in range(len(document)):
            page = document[index]
            page_links, launches = _links(document, page)
            if launches:
                detail = f"an action that launches a program in a link on page {index + 1}"
                return {"problem": "active_content", "detail": detail}, []
            links.extend([index + 1, uri] for uri in page_links)
            pages.append(_read_page(page))
        metadata = document.get_metadata_dict()
        thumbnails = _render(document, **options["thumbnails"]) if options.get("thumbnails") else []
    except pypdfium2.PdfiumError as error:
        return {"problem": "unreadable", "detail": str(error)}, []
    finally:
        document.close()
    reading = {
        "pages": pages,
        "metadata": {key: str(metadata.get(key, ""))[:MAX_LINE_CHARS] for key in METADATA_KEYS},
        "links": links[:MAX_LINKS],
    }
    return reading, thumbnails


def _document_problem(document):
    import pypdfium2.raw as pdfium_c

    if pdfium_c.FPDF_GetSecurityHandlerRevision(document.raw) != -1:
        return {"problem": "encrypted", "detail": "security handler"}
    if pdfium_c.FPDFDoc_GetJavaScriptActionCount(document.raw) > 0:
        return {"problem": "active_content", "detail": "document-level JavaScript"}
    if len(document) == 0:
        return {"problem": "no_pages", "detail": "pdfium found no pages"}
    return None


def _links(document, page):
    """(URIs of the page's web links, whether a link launches a program)."""
    import pypdfium2.raw as pdfium_c

    uris = []
    launches = False
    position = ctypes.c_int(0)
    link = pdfium_c.FPDF_LINK()
    buffer = ctypes.create_string_buffer(MAX_LINE_CHARS)
    while pdfium_c.FPDFLink_Enumerate(page.raw, ctypes.byref(position), ctypes.byref(link)):
        action = pdfium_c.FPDFLink_GetAction(link)
        if not action:
            continue
        kind = pdfium_c.FPDFAction_GetType(action)
        launches = launches or kind == pdfium_c.PDFACTION_LAUNCH
        if kind == pdfium_c.PDFACTION_URI and len(uris) < MAX_LINKS:
            pdfium_c.FPDFAction_GetURIPath(document.raw, action, buffer, MAX_LINE_CHARS)
            uris.append(buffer.value.decode("latin-1"))
    return uris, launches


def render_thumbnails_task(data, options):
    """Task: PNG thumbnails of the first pages; no thumbnails for an unreadable file."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        return {}, []
    try:
        return {}, _render(document, width=options["width"], max_pages=options["max_pages"])
    finally:
        document.close()


def _read_page(page):
    """Size and lines of one page; some lines with their style, see `read_pdf`."""
    width, height = page.get_size()
    textpage = page.get_textpage()
    # Control characters become spaces one for one, so text indexes stay valid.
    text = CONTROL_CHARACTERS.sub(" ", textpage.get_text_range())
    ascii_only = text.isascii()
    lines = []
    text_index = 0
    for number, raw_line in enumerate(text.split("\r\n")):
        line = raw_line.strip()
        if line and len(lines) < MAX_LINES_PER_PAGE:
            if number % STYLE_SAMPLE_EVERY == 0 or STYLE_NEEDED.match(line):
                indent = raw_line[: len(raw_line) - len(raw_line.lstrip())]
                first = text_index + (len(indent) if ascii_only else _utf16_length(indent))
                lines.append([line[:MAX_LINE_CHARS], *_style(textpage, first)])
            else:
                lines.append([line[:MAX_LINE_CHARS]])
        text_index += (len(raw_line) if ascii_only else _utf16_length(raw_line)) + 2
    textpage.close()
    page.close()
    return {"size": [round(width, 1), round(height, 1)], "lines": lines}


def _style(textpage, text_index):
    """[size in points as printed, bold] of the character at `text_index`."""
    import pypdfium2.raw as pdfium_c

    char_index = pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage.raw, text_index)
    matrix = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFText_GetMatrix(textpage.raw, char_index, matrix)
    # The font size times the scale of the text and page matrices.
    scale = abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
    size = pdfium_c.FPDFText_GetFontSize(textpage.raw, char_index) * scale
    font_name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    pdfium_c.FPDFText_GetFontInfo(textpage.raw, char_index, font_name, 128, flags)
    bold = bool(flags.value & FORCE_BOLD_FLAG) or bool(
        BOLD_FONT_NAME.search(font_name.value.decode("latin-1"))
    )
    return [round(size, 1), bold]


def _utf16_length(text):
    """Length in UTF-16 code units, the unit of pdfium's text indexes."""
    return len(text.encode("utf-16-le")) // 2


def _render(document, *, width, max_pages):
    thumbnails = []
    for index in range(min(len(document), max_pages)):
        page = document[index]
        bitmap = page.render(scale=width / page.get_width(), may_draw_forms=False)
        image = bitmap.to_pil().convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", compress_level=3)
        thumbnails.append(buffer.getvalue())
        bitmap.close()
        page.close()
    return thumbnails


def _active_content_suspected(data):
    """Whether a JavaScript or Launch action may be in the file: a quick look first.

    Action dictionaries name their type, so a file where the names /JavaScript, /JS
    and /Launch occur neither in the raw bytes nor inside its object streams (where
    PDF 1.5+ files keep most dictionaries) has none. A name written with #xx escapes,
    or an object stream this cannot read, counts as a suspect: `_structure_problem`
    then walks the objects to be sure.
    """
    if ACTIVE_NAME.search(data) or ESCAPED_NAME.search(data):
        return True
    for match in OBJECT_STREAM.finditer(data):
        start = data.find(b"stream", match.end())
        dictionary = data[data.rfind(b"obj", 0, match.start()) : start]
        if start < 0 or OTHER_FILTER.search(dictionary) or b"/FlateDecode" not in dictionary:
            return True
        start += len(b"stream")
        start += 2 if data[start : start + 2] == b"\r\n" else 1
        try:
            objects = zlib.decompressobj().decompress(data[start:], MAX_OBJECT_STREAM_BYTES)
        except zlib.error:
            return True
        if ACTIVE_NAME.search(objects) or ESCAPED_NAME.search(objects):
            return True
    return False


def _structure_problem(data):
    """Encryption, an empty page tree or active content, from the objects (pypdf).

    Returns {"problem": ..., "detail": ...} or None.
    """
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return {"problem": "encrypted", "detail": "encryption dictionary"}
        if len(reader.pages) == 0:
            return {"problem": "no_pages", "detail": "empty page tree"}
        active = _active_content(reader)
        if active:
            return {"problem": "active_content", "detail": active}
        return None
    except MemoryError:
        raise
    except Exception as error:  # pypdf raises many kinds on damaged files
        return {"problem": "unreadable", "detail": f"{type(error).__name__}: {error}"[:500]}


def _active_content(reader):
    """A description of the first JavaScript or Launch action found, or ""."""
    root = reader.trailer["/Root"].get_object()
    names = _resolved(root.get("/Names"))
    if isinstance(names, dict) and "/JavaScript" in names:
        return "document-level JavaScript"
    kind = _action_kind(root.get("/OpenAction"))
    if kind:
        return f"{kind} that runs when the file is opened"
    for action in _resolved_values(root.get("/AA")):
        kind = _action_kind(action)
        if kind:
            return f"{kind} triggered by document events"
    for number, page in enumerate(reader.pages, start=1):
        for action in _resolved_values(page.get("/AA")):
            kind = _action_kind(action)
            if kind:
                return f"{kind} triggered by page {number}"
        for annotation in _resolved(page.get("/Annots")) or []:
            annotation = _resolved(annotation)
            if not isinstance(annotation, dict):
                continue
            actions = [annotation.get("/A"), *_resolved_values(annotation.get("/AA"))]
            for action in actions:
                kind = _action_kind(action)
                if kind:
                    return f"{kind} in a link or form field on page {number}"
    return ""


def _action_kind(action, depth=0):
    """ "JavaScript", "a Launch action" or "" for an action and the actions chained after it."""
    action = _resolved(action)
    if not isinstance(action, dict) or depth > 20:
        return ""
    if action.get("/S") == "/JavaScript" or "/JS" in action:
        return "JavaScript"
    if action.get("/S") == "/Launch":
        return "an action that launches a program"
    following = _resolved(action.get("/Next"))
    for chained in following if isinstance(following, list) else [following]:
        kind = _action_kind(chained, depth + 1)
        if kind:
            return kind
    return ""


def _resolved(value):
    return value.get_object() if hasattr(value, "get_object") else value


def _resolved_values(mapping):
    mapping = _resolved(mapping)
    return list(mapping.values()) if isinstance(mapping, dict) else []
