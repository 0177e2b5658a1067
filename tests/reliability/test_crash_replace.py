"""Replacing a paper's PDF fails half-way: the old version stays intact and current, and the
database never points at bytes that are not there. `manage.py check_integrity` finds what a
crash can leave behind (an orphan), and any row whose bytes went missing or changed."""

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from conference import audit
from submissions import services
from submissions.models import Submission
from submissions.uploads import check_paper, private_storage
from tests.factories import ConferenceFactory, DeadlineFactory, UserFactory
from tests.security.world import submit_paper
from tests.submissions.pdf_corpus import make_paper

NEW_PDF = make_paper(body_pages=2, ref_pages=1, seed=41, title="The Replacement Version")


def stored_files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def integrity(capsys):
    """(exit code, stdout lines) of `manage.py check_integrity`."""
    try:
        call_command("check_integrity")
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, capsys.readouterr().out.strip().splitlines()


@pytest.fixture
def paper(db):
    conference = ConferenceFactory()
    DeadlineFactory(conference=conference, days=7)
    author = UserFactory(full_name="Cai Crashtest", email="cai@crashtest.example")
    track = conference.tracks.get(name="Main paper track")
    return submit_paper(conference, track=track, title="The Original Version", authors=[author])


def current_paper(submission):
    return submission.files.filter(kind="paper").order_by("-revision").first()


def replace_pdf(submission):
    """The service call the edit form makes to upload a new PDF version."""
    author = submission.created_by
    checked = check_paper(
        uploaded=SimpleUploadedFile("new.pdf", NEW_PDF, content_type="application/pdf"),
        track=submission.track,
    )
    return services.save_submission(
        actor=author,
        conference=submission.conference,
        submission=submission,
        expected_version=submission.version,
        fields=services.PaperFields(
            track=submission.track,
            title=submission.title,
            abstract=submission.abstract,
            topics=list(submission.topics.all()),
            confirms_anonymized=True,
            confirms_not_published=True,
        ),
        authors=[services.AuthorEntry(name=author.full_name, email=author.email, is_contact=True)],
        checked_uploads=[checked],
    )


def test_crash_after_storage_write_inside_transaction_keeps_old_version(
    paper, private_storage, monkeypatch, capsys
):
    old = current_paper(paper)
    old_bytes = private_storage.joinpath(old.storage_name).read_bytes()
    before = stored_files(private_storage)
    written = []
    real_record = audit.record

    def record_then_crash(**kwargs):
        if kwargs["action"] == "submission.upload":
            written.extend(stored_files(private_storage))
            raise OSError("disk full while writing the audit entry")
        return real_record(**kwargs)

    monkeypatch.setattr(audit, "record", record_then_crash)

    with pytest.raises(OSError, match="disk full"):
        replace_pdf(paper)

    assert len(written) > len(before)  # the new bytes were in storage when it failed
    assert current_paper(paper) == old
    assert private_storage.joinpath(old.storage_name).read_bytes() == old_bytes
    assert hashlib.sha256(old_bytes).hexdigest() == old.sha256
    assert stored_files(private_storage) == before
    assert integrity(capsys) == (0, ["Storage and database agree."])


KILLED_BETWEEN_WRITE_AND_COMMIT = """
import os, signal, sys
from django.test.utils import override_settings
from submissions import services
from submissions.models import Submission
from tests.reliability.test_crash_replace import replace_pdf

real_add_file = services._add_file

def add_file_then_die(*args, **kwargs):
    real_add_file(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)  # the row is written, not committed

services._add_file = add_file_then_die
storage = {{
    "default": {{
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {{"location": {location!r}, "base_url": None}},
    }},
    "staticfiles": {{"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
}}
with override_settings(STORAGES=storage):
    replace_pdf(Submission.objects.get(pk={pk}))
"""


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_crash_killed_process_between_write_and_commit_leaves_only_a_reported_orphan(
    paper, private_storage, capsys
):
    old = current_paper(paper)
    before = stored_files(private_storage)
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "scope.settings.test",
        "TEST_DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:"
        f"{database['PORT']}/{database['NAME']}",
    }
    script = textwrap.dedent(
        KILLED_BETWEEN_WRITE_AND_COMMIT.format(location=str(private_storage), pk=paper.pk)
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    orphans = sorted(set(stored_files(private_storage)) - set(before))
    code, lines = integrity(capsys)
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert list(Submission.objects.get(pk=paper.pk).files.values_list("revision", flat=True)) == [1]
    assert current_paper(paper) == old
    assert orphans != []
    assert code == 1
    assert lines == [f"orphan: {name} (no file row points to it)" for name in orphans]


def test_integrity_reports_missing_and_changed_files_and_exits_1(paper, private_storage, capsys):
    file = current_paper(paper)
    private_storage.joinpath(file.storage_name).write_bytes(b"%PDF-1.7 tampered")
    thumbnail = private_storage / file.storage_name.replace(".pdf", "-p001.png")
    thumbnail.unlink()
    changed = hashlib.sha256(b"%PDF-1.7 tampered").hexdigest()

    code, lines = integrity(capsys)

    assert code == 1
    assert lines == [
        f"sha256 differs: {file.storage_name} (file row {file.pk}: stored {changed}, "
        f"row says {file.sha256})",
        f"missing: {thumbnail.relative_to(private_storage)} (page 1 of file row {file.pk})",
    ]


def test_integrity_reports_a_row_whose_file_is_gone(paper, private_storage, capsys):
    file = current_paper(paper)
    private_storage.joinpath(file.storage_name).unlink()

    code, lines = integrity(capsys)

    assert (code, lines[0]) == (1, f"missing: {file.storage_name} (file row {file.pk})")


def test_integrity_delete_orphans_removes_only_old_ones(paper, private_storage, capsys):
    storage = private_storage
    (storage / "papers" / "stray-old.pdf").write_bytes(b"old orphan")
    (storage / "papers" / "stray-new.pdf").write_bytes(b"new orphan")
    two_hours_ago = time.time() - 7200
    os.utime(storage / "papers" / "stray-old.pdf", (two_hours_ago, two_hours_ago))

    with pytest.raises(SystemExit) as exit_:
        call_command("check_integrity", "--delete-orphans")
    lines = capsys.readouterr().out.strip().splitlines()

    assert exit_.value.code == 1
    assert lines == [
        "orphan: papers/stray-new.pdf (no file row points to it)",
        "orphan: papers/stray-old.pdf (no file row points to it) - deleted",
    ]
    assert not (storage / "papers" / "stray-old.pdf").exists()
    assert private_storage_holds(paper)


def private_storage_holds(submission):
    return all(private_storage().exists(f.storage_name) for f in submission.files.all())
