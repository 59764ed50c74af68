"""`berdaya synth`: write a synthetic register for demos, tests and benchmarks."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from berdaya.registry.synth import generate_register


class Command(BaseCommand):
    help = (
        "Write a realistic synthetic East Kalimantan register into --out: "
        "register.csv (the reference register, one row per person, in the person-file "
        "columns ID,NIK,NO_KK,NAMA,...) and README.txt (what the files hold). "
        "The same --seed and --people always give the same bytes."
    )
    # The generator touches no database: the command works before `berdaya migrate`.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--people", type=int, default=20000, help="number of people (default 20000)"
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--out", type=Path, required=True, help="directory to write (created if missing)"
        )

    def handle(self, *args, people: int, seed: int, out: Path, **options):
        if people < 1:
            raise CommandError("--people must be at least 1", returncode=2)
        if out.exists() and not out.is_dir():
            raise CommandError(f"--out {out} exists and is not a directory", returncode=2)

        # A progress line only for a person at a terminal: logs and pipes get the summary.
        show_progress = sys.stderr.isatty() and options.get("verbosity", 1) > 0

        def progress(done: int, total: int) -> None:
            sys.stderr.write(f"\r{done:,}/{total:,} people")
            sys.stderr.flush()

        started = time.perf_counter()
        try:
            summary = generate_register(
                people, seed, out, progress=progress if show_progress else None
            )
        except OSError as exc:
            raise CommandError(f"cannot write to {out}: {exc}") from exc
        if show_progress:
            sys.stderr.write("\n")
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"{summary['people']:,} people in {summary['families']:,} families "
            f"({summary['deceased']:,} deceased, {summary['outside_province_born']:,} born "
            f"outside the province) written to {out} in {elapsed:.1f}s: "
            + ", ".join(summary["files"])
        )
