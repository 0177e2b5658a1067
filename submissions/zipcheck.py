"""Checks on a supplementary ZIP archive before it is stored.

Reviewers unpack these on their own machines, so an archive must be a valid ZIP with no
absolute paths or `..` components, no encrypted entries, and a bounded unpacked size: both
the sizes its headers declare and the bytes it really inflates to (headers can lie) are
counted against the caps.
"""

import io
import zipfile

MAX_ENTRIES = 10_000
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 100
CHUNK = 1024 * 1024


def zip_problem(data, *, max_uncompressed=MAX_UNCOMPRESSED_BYTES, max_ratio=MAX_RATIO):
    """A message that says what is wrong with the archive and what to do, or None."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return "This file is not a valid ZIP archive. Create the archive again and upload it."
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            return (
                f"The archive holds {len(entries):,} files; at most {MAX_ENTRIES:,} are "
                f"allowed. Pack fewer, larger files."
            )
        for entry in entries:
            problem = _entry_problem(entry)
            if problem:
                return problem
        declared = sum(entry.file_size for entry in entries)
        if declared > max_uncompressed:
            return _too_big(max_uncompressed)
        if declared > max(len(data), 1) * max_ratio:
            return _too_compressed(max_ratio)
        return _inflate_problem(
            archive, entries, budget=min(max_uncompressed, len(data) * max_ratio)
        )


def _entry_problem(entry):
    name = entry.filename.replace("\\", "/")
    parts = name.split("/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in parts:
        return (
            f'The archive contains the path "{entry.filename}", which points outside the '
            f"archive. Use relative paths without '..' and create the archive again."
        )
    if entry.flag_bits & 0x1:
        return (
            f'"{entry.filename}" in the archive is encrypted. Reviewers cannot open it: '
            f"create the archive without a password."
        )
    return None


def _inflate_problem(archive, entries, *, budget):
    """Inflate every entry, counting real bytes against the budget; also checks the CRCs."""
    total = 0
    try:
        for entry in entries:
            if entry.is_dir():
                continue
            with archive.open(entry) as stream:
                while chunk := stream.read(CHUNK):
                    total += len(chunk)
                    if total > budget:
                        return _too_compressed(MAX_RATIO)
    except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError, ValueError) as error:
        return (
            f"The archive is damaged or uses an unsupported compression ({error}). Create it "
            f"again with a standard ZIP tool and upload it."
        )
    return None


def _too_big(limit):
    return (
        f"The archive unpacks to more than {limit // (1024 * 1024):,} MB. Leave out large "
        f"data files or link to them instead."
    )


def _too_compressed(ratio):
    return (
        f"The archive unpacks to more than {ratio} times its size, which we do not accept "
        f"(it looks like a ZIP bomb). Leave out large generated files."
    )
