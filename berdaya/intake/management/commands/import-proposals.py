"""berdaya import-proposals FILE --program CODE --year Y --region CODE: the upload's path."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError

from berdaya.core.management.base import EXIT_REFUSED, BerdayaCommand
from berdaya.intake.services import proposals_upload
from berdaya.intake.sheets import error_sheet


class Command(BerdayaCommand):
    help = (
        "Upload a proposal file (XLSX or CSV) for a programme year and a proposing region, as a "
        "regency operator's web upload does. With row errors nothing is saved unless "
        "--accept-valid; --dry-run only checks; --report writes the sheet with an error column."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--program", required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--region", required=True, help="the proposing office, e.g. 64.72")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--accept-valid", action="store_true")
        parser.add_argument("--report", default="", help="OUT.xlsx: the sheet with its errors")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}", returncode=2)
        program_year = self.program_year(options["program"], options["year"])
        data = path.read_bytes()
        result = proposals_upload(
            actor=self.actor,
            program_year=program_year,
            region=options["region"],
            upload=SimpleUploadedFile(path.name, data),
            accept_valid=options["accept_valid"],
            dry_run=options["dry_run"],
        )
        batch = result.batch
        if batch.file_error:
            self.stderr.write(f"{path.name}: {batch.file_error}")
            sys.exit(EXIT_REFUSED)
        for e in batch.errors:
            self.stderr.write(f"row {e['row']}, {e['field']}: {e['message']}")
        if options["report"] and batch.errors:
            Path(options["report"]).write_bytes(error_sheet(data, batch.errors, path.name))
        self.stdout.write(
            f"{path.name}: {batch.rows_total} rows, {batch.rows_refused} refused; "
            f"{batch.rows_new} new, {batch.rows_changed} corrected, {batch.rows_same} already "
            f"sent"
            + (" (dry run: nothing saved)" if options["dry_run"] else "")
            + ("" if result.saved or options["dry_run"] else " (nothing saved)")
        )
        if batch.errors and not options["accept_valid"]:
            sys.exit(EXIT_REFUSED)
