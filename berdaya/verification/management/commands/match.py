"""`berdaya match REFERENCE CANDIDATES --out OUT.csv`: link two person files, no database."""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from berdaya.linkage.engine import MATCH_THRESHOLD, POSSIBLE_THRESHOLD, link
from berdaya.linkage.prepare import REQUIRED_COLUMNS, InputError

OUTPUT_COLUMNS = ("candidate_id", "reference_id", "score", "decision", "reasons")


class Command(BaseCommand):
    help = (
        "Link each person of CANDIDATES to at most one person of REFERENCE (both person CSV "
        "files with the register's columns; needed: "
        f"{', '.join(REQUIRED_COLUMNS)}; used when present: ID, NO_KK, JENIS_KELAMIN, "
        "KODE_WILAYAH) and write OUT.csv with one row per candidate, in input order: "
        "candidate_id,reference_id,score,decision,reasons. "
        "First an exact NIK confirmed by the name is a match; otherwise the shipped Splink "
        f"model scores the pairs: decision 'match' when the probability is at least "
        f"{MATCH_THRESHOLD} and the names do not disagree (or NIK and KK both agree), "
        "'possible' from "
        f"{POSSIBLE_THRESHOLD}, else 'none'. Only 'match' is a link. reasons gives, for the "
        "pair, nik, name, birth_date, sex, village and kk as agree, partial, disagree or "
        "missing. Needs no database. Exit status: 0 done, 2 usage (a missing file, a file "
        "without the needed columns)."
    )
    # Works before `berdaya migrate` and without any database.
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("reference", type=Path, help="reference register (CSV)")
        parser.add_argument("candidates", type=Path, help="candidates to link (CSV)")
        parser.add_argument("--out", type=Path, required=True, help="CSV file to write")
        parser.add_argument("--threads", type=int, default=2, help="DuckDB threads (default 2)")
        parser.add_argument(
            "--memory-mb",
            type=int,
            default=512,
            help="DuckDB memory limit in MB (default 512; the whole process stays near "
            "this plus about 150 MB); work beyond it spills to a temporary directory",
        )
        parser.add_argument(
            "--backend",
            choices=("duckdb", "spark"),
            default="duckdb",
            help="Splink backend (default duckdb; spark runs Spark in local mode)",
        )
        parser.add_argument(
            "--model", type=Path, default=None, help="a Splink model JSON (default: shipped)"
        )

    def handle(self, *args, **options):
        reference: Path = options["reference"]
        candidates: Path = options["candidates"]
        out: Path = options["out"]
        for label, path in (("REFERENCE", reference), ("CANDIDATES", candidates)):
            if not path.is_file():
                raise CommandError(f"{label} {path}: no such file", returncode=2)
        if options["threads"] < 1 or options["memory_mb"] < 64:
            raise CommandError("--threads must be >= 1 and --memory-mb >= 64", returncode=2)
        model = options["model"]
        if model is not None and not model.is_file():
            raise CommandError(f"--model {model}: no such file", returncode=2)
        if not out.parent.exists():
            raise CommandError(f"--out {out}: directory {out.parent} does not exist", returncode=2)
        started = time.monotonic()
        try:
            results = link(
                reference,
                candidates,
                threads=options["threads"],
                memory_mb=options["memory_mb"],
                backend=options["backend"],
                model_path=model,
            )
        except InputError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        with open(out, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(OUTPUT_COLUMNS)
            for r in results:
                writer.writerow(
                    (
                        r.candidate_id,
                        r.reference_id or "",
                        f"{r.score:.6f}",
                        r.decision,
                        r.reasons_text,
                    )
                )
        counts = {d: sum(1 for r in results if r.decision == d) for d in ("match", "possible")}
        counts["none"] = len(results) - counts["match"] - counts["possible"]
        if options["verbosity"] >= 1:
            sys.stderr.write(
                f"{len(results)} candidates: {counts['match']} match, {counts['possible']} "
                f"possible, {counts['none']} none; written to {out} in "
                f"{time.monotonic() - started:.1f}s\n"
            )
