"""berdaya import-institutions FILE: load or correct the LKS register."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from berdaya.core.management.base import BerdayaCommand
from berdaya.registry.institutions import institutions_import


class Command(BerdayaCommand):
    help = (
        "Load the register of social welfare institutions (LKS) from CSV or XLSX with "
        "NAMA_LEMBAGA, NO_REGISTRASI, JENIS_LEMBAGA, KODE_WILAYAH and optionally TGL_REGISTRASI, "
        "AKREDITASI, TGL_AKREDITASI, ALAMAT, KAPASITAS, PENGHUNI, PIMPINAN, TELEPON. "
        "All or nothing; matched by registration number."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}", returncode=2)
        with open(path, "rb") as f:
            counts = institutions_import(actor=self.actor, fileobj=f, file_name=path.name)
        self.stdout.write(
            f"{path.name}: {counts['new']} new, {counts['corrected']} corrected, "
            f"{counts['same']} unchanged"
        )
