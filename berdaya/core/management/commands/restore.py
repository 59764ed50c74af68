"""berdaya restore DIR --yes: replace the database and the private files with a backup."""

from __future__ import annotations

import sys

from berdaya.core.audit import audit_record
from berdaya.core.backup import BackupError, read_manifest, restore, table_counts
from berdaya.core.management.base import EXIT_REFUSED, EXIT_USAGE, BerdayaCommand


class Command(BerdayaCommand):
    help = (
        "Restore a backup made by `berdaya backup`: checks its checksums, then REPLACES the "
        "database and the private files. Stop the web server and the worker first. Needs --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir")
        parser.add_argument("--yes", action="store_true", help="really replace everything")

    def handle(self, *args, **options):
        try:
            manifest = read_manifest(options["dir"])
        except BackupError as exc:
            self.stderr.write(str(exc))
            sys.exit(EXIT_REFUSED)
        if not options["yes"]:
            self.stderr.write(
                f"This replaces the whole database with the backup of {manifest['created_at']}. "
                "Run again with --yes."
            )
            sys.exit(EXIT_USAGE)
        try:
            restore(options["dir"])
        except BackupError as exc:
            self.stderr.write(str(exc))
            sys.exit(EXIT_REFUSED)
        counts = table_counts()
        differ = {
            t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n
        }
        if differ:
            self.stderr.write(f"Restored, but row counts differ: {differ}")
            sys.exit(EXIT_REFUSED)
        audit_record(
            actor=self.actor,
            action="backup.restore",
            object_type="system",
            object_repr=str(options["dir"]),
            after={"created_at": manifest["created_at"]},
        )
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: {len(counts)} tables match."
        )
