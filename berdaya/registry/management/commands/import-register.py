"""berdaya import-register FILE [--region CODE]: load or refresh a DTKS/DTSEN extract."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import CommandError

from berdaya.core.management.base import EXIT_REFUSED, BerdayaCommand
from berdaya.registry.register_import import register_import_create, register_import_run


class Command(BerdayaCommand):
    help = (
        "Load or refresh the national register from a DTKS/DTSEN extract (CSV with , ; or tab, "
        "or XLSX). A refresh touches only the regencies present in the file (or --region). "
        "Rows that cannot be read are listed with --report."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--region", default="", help="only this regency/city, e.g. 64.72")
        parser.add_argument("--report", default="", help="write unreadable rows to this CSV")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}", returncode=2)
        run = register_import_create(
            actor=self.actor, path=str(path), file_name=path.name, region=options["region"]
        )
        bar = _Bar(self.stderr, run.total_bytes)
        run = register_import_run(run.pk, progress=bar.update)
        bar.close()
        if options["report"] and run.refused_report:
            Path(options["report"]).write_text(run.refused_report, encoding="utf-8")
        if run.status == run.Status.FAILED:
            self.stderr.write(run.error)
            sys.exit(EXIT_REFUSED)
        self.stdout.write(
            f"{run.file_name}: {run.rows_read} rows read, {run.inserted} new, {run.updated} "
            f"changed, {run.unchanged} unchanged, {run.left} left the extract, "
            f"{run.returned} back; {run.invalid_nik} invalid NIKs, {run.duplicate_nik} "
            f"duplicate NIKs; {run.rows_refused} rows not readable; "
            f"{run.reverified} proposals re-verified. Regions: {', '.join(run.regions)}"
        )
        if run.rows_refused:
            self.stdout.write(
                "Rows not readable: "
                + (
                    f"written to {options['report']}"
                    if options["report"]
                    else "use --report FILE to list them"
                )
            )


class _Bar:
    """A progress bar on the terminal (only when it is one)."""

    def __init__(self, stream, total: int):
        self.stream = stream
        self.total = max(total, 1)
        self.tty = hasattr(stream, "isatty") and stream.isatty()

    def update(self, run) -> None:
        if not self.tty:
            return
        share = run.percent / 100
        filled = int(share * 30)
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (30 - filled)}] {run.percent:3d}% "
            f"{run.rows_read:>9,} rows  {run.get_status_display():<20}",
            ending="",
        )
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("")
