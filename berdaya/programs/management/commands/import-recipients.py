"""berdaya import-recipients FILE --program CODE --year Y."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from berdaya.core.management.base import BerdayaCommand
from berdaya.programs.services import program_by_code, recipients_import


class Command(BerdayaCommand):
    help = (
        "Load a past year's recipient list (CSV or XLSX with NIK, NAMA and optionally "
        "TGL_LAHIR, JENIS_KELAMIN, KODE_WILAYAH, TAHUN), so that 'already received' works."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--program", required=True)
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}", returncode=2)
        program = program_by_code(options["program"])
        with open(path, "rb") as f:
            result = recipients_import(
                actor=self.actor,
                program=program,
                year=options["year"],
                fileobj=f,
                file_name=path.name,
            )
        self.stdout.write(f"{path.name}: {result['rows']} rows, {result['added']} added")
