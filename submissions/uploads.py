"""Uploaded files: check them, store them privately, and turn stored facts into verdicts.

A file is checked before anything is written. An accepted file is stored under a random
name *before* its database row is created (see `services`): if the transaction then fails,
`discard` removes the stored bytes, so storage never holds a file without a row.
"""

import hashlib
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler

from submissions.models import SubmissionFile
from submissions.pdfcheck import PdfFacts, check_pdf, verdict, verdict_message
from submissions.zipcheck import zip_problem

PDF = "application/pdf"
ZIP = "application/zip"
PNG = "image/png"


def private_storage():
    return storages["default"]


class CappedUploadHandler(TemporaryFileUploadHandler):
    """Streams uploads to temporary files and drops any single file over MAX_UPLOAD_BYTES.

    The rest of the form is still parsed, so an author who picked a huge file gets their
    typed fields back with a message; `request.oversized_uploads` names the dropped fields.
    """

    def new_file(self, field_name, *args, **kwargs):
        self.received = 0
        self.current_field = field_name
        super().new_file(field_name, *args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.MAX_UPLOAD_BYTES:
            oversized = getattr(self.request, "oversized_uploads", set())
            oversized.add(self.current_field)
            self.request.oversized_uploads = oversized
            self.file.close()
            raise SkipFile()
        return super().receive_data_chunk(raw_data, start)


@dataclass
class CheckedUpload:
    """An upload after its check: accepted (error is None) or rejected with a message."""

    kind: str
    original_name: str
    data: bytes
    content_type: str = PDF
    error: str | None = None
    facts: dict = field(default_factory=dict)
    thumbnails: list[bytes] = field(default_factory=list)
    sha256: str = ""

    @property
    def size(self):
        return len(self.data)


@dataclass
class StoredUpload:
    upload: CheckedUpload
    storage_name: str
    thumbnail_names: list[str]

    @property
    def names(self):
        return [self.storage_name, *self.thumbnail_names]


def megabytes(size):
    return f"{size / (1024 * 1024):.1f} MB"


def read_upload(uploaded, *, limit, what):
    """The bytes of an uploaded file, or (None, message) when it is over `limit` bytes."""
    if uploaded.size > limit:
        return None, (
            f"The {what} is {megabytes(uploaded.size)}; this track allows {megabytes(limit)}. "
            f"Make it smaller and choose it again."
        )
    return uploaded.read(), None


def check_paper(*, uploaded, track, author_names=(), author_emails=()):
    """Check a paper PDF for a track: readable, within the size and body-page limits."""
    data, error = read_upload(uploaded, limit=track.max_pdf_bytes, what="PDF")
    upload = CheckedUpload(
        kind=SubmissionFile.Kind.PAPER, original_name=uploaded.name[:255], data=data or b""
    )
    if error:
        upload.error = error
        return upload
    facts = check_pdf(
        data,
        max_bytes=track.max_pdf_bytes,
        author_names=author_names,
        author_emails=author_emails,
        timeout=settings.PDFCHECK_TIMEOUT_SECONDS,
        memory_mb=settings.PDFCHECK_MEMORY_MB,
        thumbnails=True,
    )
    upload.facts = facts.as_dict()
    upload.thumbnails = facts.thumbnails
    upload.sha256 = facts.sha256
    if not facts.ok:
        upload.error = facts.error
    elif verdict(facts, track.body_page_limit) == "too_long":
        upload.error = verdict_message(
            facts, body_limit=track.body_page_limit, track_name=track.name
        )
    return upload


def check_supplement(*, uploaded, track):
    """Check supplementary material: a readable PDF or a safe ZIP within the track's limit."""
    data, error = read_upload(
        uploaded, limit=track.max_supplement_bytes, what="supplementary material"
    )
    upload = CheckedUpload(
        kind=SubmissionFile.Kind.SUPPLEMENT, original_name=uploaded.name[:255], data=data or b""
    )
    if error:
        upload.error = error
        return upload
    upload.sha256 = hashlib.sha256(data).hexdigest()
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        upload.content_type = ZIP
        upload.error = zip_problem(data)
    elif b"%PDF-" in data[:1024]:
        facts = check_pdf(
            data,
            timeout=settings.PDFCHECK_TIMEOUT_SECONDS,
            memory_mb=settings.PDFCHECK_MEMORY_MB,
        )
        upload.error = facts.error
        upload.facts = {"total_pages": facts.total_pages} if facts.ok else {}
    else:
        upload.error = (
            "Supplementary material must be one PDF or one ZIP archive. Pack your files "
            "into a ZIP and choose it again."
        )
    return upload


def thumbnail_name(storage_name, page):
    return f"{storage_name.rsplit('.', 1)[0]}-p{page:03d}.png"


def store(upload, *, conference):
    """Write an accepted upload (and its thumbnails) to private storage under a random name."""
    extension = "zip" if upload.content_type == ZIP else "pdf"
    folder = "papers" if upload.kind == SubmissionFile.Kind.PAPER else "supplements"
    wanted = f"{folder}/{conference.slug}/{secrets.token_hex(16)}.{extension}"
    storage = private_storage()
    stored = StoredUpload(upload=upload, storage_name="", thumbnail_names=[])
    try:
        stored.storage_name = storage.save(wanted, ContentFile(upload.data))
        for page, png in enumerate(upload.thumbnails, start=1):
            stored.thumbnail_names.append(
                storage.save(thumbnail_name(wanted, page), ContentFile(png))
            )
        if stored.storage_name != wanted or any(
            name != thumbnail_name(wanted, page)
            for page, name in enumerate(stored.thumbnail_names, start=1)
        ):
            raise OSError(f"Storage renamed {wanted}; refusing to keep a file under another name.")
    except BaseException:
        discard([stored])
        raise
    return stored


def discard(stored_uploads):
    """Delete stored bytes whose row was never committed."""
    storage = private_storage()
    for stored in stored_uploads:
        for name in stored.names:
            if name:
                storage.delete(name)


def facts_of(file):
    """The PdfFacts of a stored paper version, rebuilt from its JSON."""
    known = {name for name in PdfFacts.__dataclass_fields__ if name != "thumbnails"}
    return PdfFacts(**{key: value for key, value in file.facts.items() if key in known})


def paper_verdict(file, track):
    """ "fits", "too_long", "unverified" or "" (no readable paper) for a stored version."""
    if file is None or not file.facts.get("ok"):
        return ""
    return verdict(facts_of(file), track.body_page_limit)


def paper_message(file, track):
    if file is None or not file.facts.get("ok"):
        return ""
    return verdict_message(facts_of(file), body_limit=track.body_page_limit, track_name=track.name)
