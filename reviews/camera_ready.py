"""Camera-ready: the final, de-anonymized PDF of an accepted paper and its confirmed author list.

The PDF goes through the submissions app's own check (readable, safe, within the track's size)
with the track's *camera-ready* body-page limit instead of the review limit, and is stored as a
new SubmissionFile version of kind camera_ready: a rejected upload leaves the previous version
untouched. Both steps are open to the paper's authors once decisions are released, until the
camera-ready deadline closes (when chairs set one).
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from conference import audit
from conference.models import Deadline
from reviews.models import AuthorListConfirmation
from submissions import uploads
from submissions.models import Authorship, Submission, SubmissionFile


class CameraReadyRefused(Exception):
    """An upload or confirmation the rules do not allow; the message says what to do."""


@dataclass(frozen=True)
class CameraReadyLimits:
    """The track as the PDF check sees it, with the camera-ready page limit as body limit."""

    name: str
    body_page_limit: int
    max_pdf_bytes: int


def deadline(conference):
    return conference.deadline(Deadline.Kind.CAMERA_READY)


def is_open(conference, now):
    closing = deadline(conference)
    return closing is None or closing.is_open_at(now)


def _check_open(submission, now):
    if not is_open(submission.conference, now):
        raise CameraReadyRefused(
            "The camera-ready deadline has passed. Write to the chairs at "
            f"{submission.conference.contact_email} if you still need to change something."
        )


def check_upload(*, uploaded, track):
    """The submissions check with the camera-ready limit; returns a CheckedUpload whose `error`
    says what is wrong (None when the file is accepted)."""
    limits = CameraReadyLimits(
        name=f"{track.name} (camera-ready)",
        body_page_limit=track.camera_ready_page_limit,
        max_pdf_bytes=track.max_pdf_bytes,
    )
    checked = uploads.check_paper(uploaded=uploaded, track=limits)
    checked.kind = SubmissionFile.Kind.CAMERA_READY
    return checked


def upload_camera_ready(*, actor, submission, uploaded, now=None):
    """Check and store a camera-ready PDF as the paper's newest camera-ready version."""
    now = now or timezone.now()
    _check_open(submission, now)
    checked = check_upload(uploaded=uploaded, track=submission.track)
    if checked.error:
        raise CameraReadyRefused(checked.error)
    stored = uploads.store(checked, conference=submission.conference)
    try:
        with transaction.atomic():
            paper = Submission.objects.select_for_update().get(pk=submission.pk)
            last = SubmissionFile.objects.filter(
                submission=paper, kind=SubmissionFile.Kind.CAMERA_READY
            ).aggregate(last=Max("revision"))["last"]
            file = SubmissionFile.objects.create(
                submission=paper,
                kind=SubmissionFile.Kind.CAMERA_READY,
                revision=(last or 0) + 1,
                storage_name=stored.storage_name,
                original_name=checked.original_name,
                content_type=checked.content_type,
                sha256=checked.sha256,
                size=checked.size,
                facts=checked.facts,
                thumbnail_count=len(stored.thumbnail_names),
                uploaded_by=actor,
            )
            audit.record(
                actor=actor,
                conference=submission.conference,
                action="camera_ready.upload",
                obj=paper,
                after={
                    "revision": file.revision,
                    "sha256": file.sha256,
                    "pages": file.facts.get("total_pages"),
                    "body_pages": file.facts.get("body_pages"),
                },
            )
    except BaseException:
        uploads.discard([stored])
        raise
    return file


def author_list(submission):
    return [
        {"name": a.name, "affiliation": a.affiliation}
        for a in Authorship.objects.filter(submission=submission).order_by("order")
    ]


def confirm_author_list(*, actor, submission, now=None):
    """Record that the authors confirm the author list as it stands (a snapshot of it)."""
    now = now or timezone.now()
    _check_open(submission, now)
    with transaction.atomic():
        authors = author_list(submission)
        before = AuthorListConfirmation.objects.filter(submission=submission).first()
        confirmation, _ = AuthorListConfirmation.objects.update_or_create(
            submission=submission,
            defaults={"authors": authors, "confirmed_by": actor, "confirmed_at": now},
        )
        audit.record(
            actor=actor,
            conference=submission.conference,
            action="camera_ready.confirm_authors",
            obj=submission,
            before={"authors": before.authors} if before else None,
            after={"authors": authors},
        )
    return confirmation
