"""`berdaya linkage-train --register FILE [--out DIR]`: retrain the shipped linkage model."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from berdaya.linkage.model import MODEL_PATH
from berdaya.linkage.prepare import InputError


class Command(BaseCommand):
    help = (
        "Train the record-linkage model on a register (a person CSV with the register's "
        "columns, ID included): a sample of its people is held out (candidates that are not "
        "in the reference), noisy copies of others are drawn (NIK typos, Indonesian name "
        "variants, swapped birth dates, moved villages, missing KK...), then Splink estimates "
        "u by random sampling and m by expectation maximisation. Writes "
        f"{MODEL_PATH.name} into --out (default: the shipped model, {MODEL_PATH.parent}) and "
        "reports precision and recall on the generated candidates. Needs no database."
    )
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("--register", type=Path, required=True, help="register CSV")
        parser.add_argument("--out", type=Path, default=None, help="directory to write")
        parser.add_argument(
            "--candidates", type=int, default=20_000, help="candidates drawn (default 20000)"
        )
        parser.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
        parser.add_argument("--threads", type=int, default=2, help="DuckDB threads (default 2)")
        parser.add_argument(
            "--memory-mb", type=int, default=2048, help="DuckDB memory limit (default 2048)"
        )

    def handle(self, *args, **options):
        from berdaya.linkage.train import train

        register: Path = options["register"]
        if not register.is_file():
            raise CommandError(f"--register {register}: no such file", returncode=2)
        if options["candidates"] < 100:
            raise CommandError("--candidates must be at least 100", returncode=2)
        try:
            path = train(
                register,
                options["out"],
                candidates=options["candidates"],
                seed=options["seed"],
                threads=options["threads"],
                memory_mb=options["memory_mb"],
                log=lambda line: sys.stderr.write(line + "\n"),
            )
        except InputError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(f"model written to {path}")
