"""Storage and database agree: every file row's bytes exist with its sha256, and every stored
file belongs to a row.

Uploads are written to storage before their row is committed and removed again if the
transaction fails (`submissions.uploads`), so a mismatch means something went wrong outside
the code's control: a process killed between the write and the commit leaves an orphan; a
restored backup or a hand-deleted file leaves a row without its bytes.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from submissions.models import SubmissionFile
from submissions.uploads import private_storage, thumbnail_name

CHUNK = 1024 * 1024
MISSING = "missing"
CHANGED = "sha256 differs"
ORPHAN = "orphan"


@dataclass(frozen=True)
class Mismatch:
    kind: str  # MISSING, CHANGED or ORPHAN
    storage_name: str
    detail: str

    def __str__(self):
        return f"{self.kind}: {self.storage_name} ({self.detail})"


def stored_names(storage, folder=""):
    """Every file name in storage under `folder`, recursively."""
    folders, files = storage.listdir(folder)
    prefix = f"{folder}/" if folder else ""
    for name in sorted(files):
        yield prefix + name
    for name in sorted(folders):
        yield from stored_names(storage, prefix + name)


def sha256_of(storage, name):
    digest = hashlib.sha256()
    with storage.open(name, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def find_mismatches():
    """Rows whose file is missing or whose bytes changed, missing thumbnails, and stored files
    that no row points to. Reads every stored file once."""
    storage = private_storage()
    mismatches, expected = [], set()
    rows = SubmissionFile.objects.order_by("pk").values_list(
        "pk", "storage_name", "sha256", "thumbnail_count"
    )
    for pk, name, sha256, thumbnails in rows.iterator(chunk_size=500):
        expected.add(name)
        if not storage.exists(name):
            mismatches.append(Mismatch(MISSING, name, f"file row {pk}"))
        elif (actual := sha256_of(storage, name)) != sha256:
            mismatches.append(
                Mismatch(CHANGED, name, f"file row {pk}: stored {actual}, row says {sha256}")
            )
        for page in range(1, thumbnails + 1):
            thumbnail = thumbnail_name(name, page)
            expected.add(thumbnail)
            if not storage.exists(thumbnail):
                mismatches.append(Mismatch(MISSING, thumbnail, f"page {page} of file row {pk}"))
    mismatches += [
        Mismatch(ORPHAN, name, "no file row points to it")
        for name in stored_names(storage)
        if name not in expected
    ]
    return mismatches


def delete_orphans(mismatches, *, older_than=timedelta(hours=1)):
    """Delete orphans older than `older_than`; younger ones may belong to an upload whose
    transaction has not committed yet. Returns the names deleted."""
    storage = private_storage()
    cutoff = timezone.now() - older_than
    deleted = []
    for mismatch in mismatches:
        if mismatch.kind == ORPHAN and storage.get_modified_time(mismatch.storage_name) < cutoff:
            storage.delete(mismatch.storage_name)
            deleted.append(mismatch.storage_name)
    return deleted
