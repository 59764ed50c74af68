"""berdaya purge [--dry-run]: remove personal data past its retention period."""

from __future__ import annotations

from berdaya.core.management.base import BerdayaCommand
from berdaya.core.retention import purge


class Command(BerdayaCommand):
    help = (
        "Remove personal data past its retention period (docs/dpia.md): register rows that "
        "left the extract, refused proposals with their documents, old audit events. "
        "--dry-run counts without removing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        counts = purge(actor=self.actor, dry_run=options["dry_run"])
        verb = "would remove" if options["dry_run"] else "removed"
        for label, n in counts.items():
            self.stdout.write(f"{verb} {n} {label}")
