"""`berdaya synth`: a synthetic register; WRSE, KUBE, PPKS and LKS proposals and their truth.

For demos, tests and benchmarks; see README.txt in the output directory for every file.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from berdaya.registry import synth_groups, synth_lks, synth_ppks
from berdaya.registry.synth_proposals import (
    DEFAULT_PROPOSALS_PER_REGION,
    DEFAULT_YEAR,
    PROPOSALS_DIR,
    RECIPIENTS_FILE,
    TRUTH_FILE,
    generate_all,
)


class Command(BaseCommand):
    help = (
        "Write a realistic synthetic East Kalimantan register and a WRSE, a KUBE, a PPKS and an "
        "LKS programme year's proposals with planted errors into --out: "
        "register.csv (the reference register, one row per person, in the person-file "
        "columns ID,NIK,NO_KK,NAMA,...); "
        f"{RECIPIENTS_FILE} (past WRSE recipients, for ALREADY_RECEIVED); "
        f"{PROPOSALS_DIR}/WRSE_<regency>.csv (one proposal file per regency/city office, "
        f"{PROPOSALS_DIR}/WRSE_64.01.csv ... {PROPOSALS_DIR}/WRSE_64.74.csv, with errors of "
        "every reason code planted); "
        f"{TRUTH_FILE} (per proposal row: the true register person, the expected verdict and "
        "reason codes); "
        f"{synth_groups.RECIPIENTS_FILE} (members of KUBE groups funded in earlier years); "
        f"{PROPOSALS_DIR}/KUBE_<regency>.csv (one KUBE group proposal file per office, "
        f"{PROPOSALS_DIR}/KUBE_64.01.csv ... {PROPOSALS_DIR}/KUBE_64.74.csv, one row per member "
        "with KELOMPOK, JABATAN and JENIS_USAHA, with member and group errors planted); "
        f"{synth_groups.TRUTH_FILE} (per member row: the true register person, the expected "
        "member verdict and reasons, the group and its expected verdict and reasons); "
        f"{synth_ppks.RECIPIENTS_FILE} (past PPKS recipients with their KATEGORI); "
        f"{PROPOSALS_DIR}/PPKS_<regency>.csv (one file per office of people in a social welfare "
        "category, with KATEGORI, KEBUTUHAN and NILAI, CATEGORY_NOT_ELIGIBLE and the register "
        "codes planted); "
        f"{synth_ppks.TRUTH_FILE} (per PPKS row: the true register person, the expected "
        "verdict and reasons); "
        f"{synth_lks.INSTITUTIONS_FILE} (the register of social welfare institutions, LKS); "
        f"{synth_lks.RECIPIENTS_FILE} (institutions assisted by LKS, by NO_REGISTRASI); "
        f"{PROPOSALS_DIR}/LKS_<regency>.csv (one institution proposal file per office, with "
        "LKS_NOT_REGISTERED, ACCREDITATION_EXPIRED and the other codes planted); "
        f"{synth_lks.TRUTH_FILE} (per LKS row: the true institution's registration number, the "
        "expected verdict and reasons); "
        "README.txt (what the files hold, the rules and the programme year). "
        "The same arguments always give the same bytes."
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
        parser.add_argument(
            "--year",
            type=int,
            default=DEFAULT_YEAR,
            help="programme year of every programme; ages are counted on 1 January, LKS "
            "accreditations on 31 December: use a past year "
            f"(default {DEFAULT_YEAR})",
        )
        parser.add_argument(
            "--proposals-per-region",
            type=int,
            default=DEFAULT_PROPOSALS_PER_REGION,
            help="WRSE and PPKS proposals per regency/city file, where the register has enough "
            f"people (default {DEFAULT_PROPOSALS_PER_REGION}); KUBE files have "
            f"about {synth_groups.DEFAULT_GROUPS_PER_REGION} clean groups besides the planted ones",
        )
        parser.add_argument(
            "--errors-per-code",
            type=int,
            default=None,
            help="WRSE and PPKS rows planted for each reason code (default: proposals per "
            "region / 8, at least 3); KUBE plants 3 groups for each code, LKS "
            f"{synth_lks.DEFAULT_ERRORS_PER_CODE} rows",
        )

    def handle(self, *args, people: int, seed: int, out: Path, **options):
        if people < 1:
            raise CommandError("--people must be at least 1", returncode=2)
        if out.exists() and not out.is_dir():
            raise CommandError(f"--out {out} exists and is not a directory", returncode=2)
        year = options["year"]
        per_region = options["proposals_per_region"]
        errors = options["errors_per_code"]
        if not 1900 < year < 2100:
            raise CommandError("--year must be a year such as 2025", returncode=2)
        if per_region < 1:
            raise CommandError("--proposals-per-region must be at least 1", returncode=2)
        if errors is not None and errors < 0:
            raise CommandError("--errors-per-code cannot be negative", returncode=2)

        # A progress line only for a person at a terminal: logs and pipes get the summary.
        show_progress = sys.stderr.isatty() and options.get("verbosity", 1) > 0

        def progress(done: int, total: int) -> None:
            sys.stderr.write(f"\r{done:,}/{total:,} people")
            sys.stderr.flush()

        started = time.perf_counter()
        try:
            summary = generate_all(
                people,
                seed,
                out,
                year=year,
                proposals_per_region=per_region,
                errors_per_code=errors,
                progress=progress if show_progress else None,
            )
        except OSError as exc:
            raise CommandError(f"cannot write to {out}: {exc}") from exc
        if show_progress:
            sys.stderr.write("\n")
        elapsed = time.perf_counter() - started
        wrse = summary["wrse"]
        verdicts = wrse["by_verdict"]
        ppks, lks = summary["ppks"], summary["lks"]
        self.stdout.write(
            f"{summary['people']:,} people in {summary['families']:,} families "
            f"({summary['deceased']:,} deceased, {summary['outside_province_born']:,} born "
            f"outside the province) and {wrse['proposals']:,} WRSE {year} proposals "
            f"({verdicts['eligible']:,} eligible, {verdicts['review']:,} to review, "
            f"{verdicts['ineligible']:,} ineligible; {wrse['past_recipients']:,} past "
            f"recipients), {ppks['proposals']:,} PPKS proposals and {lks['proposals']:,} LKS "
            f"proposals of {lks['institutions']:,} institutions written to {out} in "
            f"{elapsed:.1f}s: register.csv, README.txt, {RECIPIENTS_FILE}, "
            f"{PROPOSALS_DIR}/WRSE_<regency>.csv (10 files), {TRUTH_FILE}, and the KUBE, PPKS and "
            "LKS files listed in README.txt"
        )
