"""berdaya backup DIR: the database and the private files, with a manifest."""

from __future__ import annotations

import sys

from berdaya.core.audit import audit_record
from berdaya.core.backup import BackupError, backup
from berdaya.core.management.base import EXIT_REFUSED, BerdayaCommand


class Command(BerdayaCommand):
    help = (
        "Back up the database (SQLite online backup, or pg_dump on PostgreSQL) and the private "
        "files into a new directory DIR, with manifest.json (row counts and checksums)."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir")

    def handle(self, *args, **options):
        try:
            manifest = backup(options["dir"])
        except BackupError as exc:
            self.stderr.write(str(exc))
            sys.exit(EXIT_REFUSED)
        rows = sum(manifest["tables"].values())
        audit_record(
            actor=self.actor,
            action="backup.create",
            object_type="system",
            object_repr=str(options["dir"]),
            after={"tables": len(manifest["tables"]), "rows": rows},
        )
        self.stdout.write(
            f"Backup in {options['dir']}: {len(manifest['tables'])} tables, {rows} rows."
        )
