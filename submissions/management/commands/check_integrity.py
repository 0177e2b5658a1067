"""`manage.py check_integrity`: compare private storage with the file rows (see
submissions.integrity). Exits 1 when anything disagrees, so it can run from cron or CI."""

import sys
from datetime import timedelta

from django.core.management.base import BaseCommand

from submissions.integrity import ORPHAN, delete_orphans, find_mismatches


class Command(BaseCommand):
    help = (
        "Report file rows whose stored file is missing or whose sha256 differs, and stored "
        "files that no row points to. Exit code 1 when any is found."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete-orphans",
            action="store_true",
            help="Delete stored files that no row points to and that are over an hour old "
            "(younger ones may belong to an upload still in progress).",
        )

    def handle(self, *args, **options):
        mismatches = find_mismatches()
        deleted = set()
        if options["delete_orphans"]:
            deleted = set(delete_orphans(mismatches, older_than=timedelta(hours=1)))
        for mismatch in mismatches:
            note = " - deleted" if mismatch.storage_name in deleted else ""
            self.stdout.write(f"{mismatch}{note}")
        remaining = [m for m in mismatches if not (m.kind == ORPHAN and m.storage_name in deleted)]
        if remaining:
            self.stderr.write(f"{len(remaining)} mismatch(es) between storage and database.")
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS("Storage and database agree."))
