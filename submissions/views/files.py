"""Files leave only through here: permission-checked, as attachments, under safe names.

Reviewers get an anonymous name (`<conference>-paper-<number>.pdf`); authors and chairs also
see the version. Thumbnails are images of the paper's pages, so they need the same permission.
"""

from django.http import FileResponse, Http404
from django.views import View

from conference.access import ConferenceMixin
from submissions.models import SubmissionFile
from submissions.rules import is_author, is_chair_of_paper
from submissions.uploads import PNG, ZIP, private_storage, thumbnail_name
from submissions.views.common import get_paper

KINDS = {
    "paper": SubmissionFile.Kind.PAPER,
    "supplement": SubmissionFile.Kind.SUPPLEMENT,
    "camera-ready": SubmissionFile.Kind.CAMERA_READY,
}
SUFFIXES = {
    SubmissionFile.Kind.PAPER: "",
    SubmissionFile.Kind.SUPPLEMENT: "-supplement",
    SubmissionFile.Kind.CAMERA_READY: "-camera-ready",
}


def safe_filename(submission, file, *, anonymous):
    extension = "zip" if file.content_type == ZIP else "pdf"
    base = f"{submission.conference.slug}-paper-{submission.number}{SUFFIXES[file.kind]}"
    return f"{base}.{extension}" if anonymous else f"{base}-v{file.revision}.{extension}"


def file_response(stream, *, content_type, filename=None, cache="private, no-store"):
    response = FileResponse(
        stream,
        content_type=content_type,
        as_attachment=filename is not None,
        filename=filename or "",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache
    return response


class DownloadView(ConferenceMixin, View):
    """The current version of a paper's PDF or supplement, or an older one by revision."""

    def get(self, request, conference_slug, number, kind, revision=None):
        if kind not in KINDS:
            raise Http404("Not found.")
        perm = "submissions.download_final" if kind == "camera-ready" else "submissions.download"
        submission = get_paper(request.user, self.conference, number, perm)
        files = submission.files.filter(kind=KINDS[kind]).order_by("-revision")
        if revision is not None:
            files = files.filter(revision=revision)
        file = files.first()
        if file is None:
            raise Http404("Not found.")
        user = request.user
        anonymous = not (is_author(user, submission) or is_chair_of_paper(user, submission))
        return file_response(
            private_storage().open(file.storage_name),
            content_type=file.content_type,
            filename=safe_filename(submission, file, anonymous=anonymous),
        )


class ThumbnailView(ConferenceMixin, View):
    def get(self, request, conference_slug, number, revision, page):
        submission = get_paper(request.user, self.conference, number, "submissions.download")
        file = submission.files.filter(kind=SubmissionFile.Kind.PAPER, revision=revision).first()
        if file is None or not 1 <= page <= file.thumbnail_count:
            raise Http404("Not found.")
        # A version's thumbnails never change, so the viewer's browser may keep them.
        return file_response(
            private_storage().open(thumbnail_name(file.storage_name, page)),
            content_type=PNG,
            cache="private, max-age=86400",
        )
