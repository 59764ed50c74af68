"""berdaya export-verdicts --program CODE --year Y [--region CODE] --out OUT.csv."""

from __future__ import annotations

import csv

from berdaya.core.audit import audit_record
from berdaya.core.management.base import BerdayaCommand
from berdaya.core.masking import mask_nik
from berdaya.verification.services import verdict_rows

COLUMNS = [
    "proposal_id",
    "nik",
    "register_nik",
    "verdict",
    "reasons",
    "region",
    "uid",
    "overridden",
]


# For a group programme (KUBE), one row per member with its group's verdict repeated.
GROUP_COLUMNS = ["group_id", "group_verdict", "group_reasons"]


class Command(BerdayaCommand):
    help = (
        "Write the verdicts of a programme year as UTF-8 CSV, one row per proposal, "
        "ordered by region then proposal_id: " + ",".join(COLUMNS)
    )

    def add_arguments(self, parser):
        parser.add_argument("--program", required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--region", default="")
        parser.add_argument("--out", required=True)

    def handle(self, *args, **options):
        program_year = self.program_year(options["program"], options["year"])
        rows = verdict_rows(program_year, self.actor, options["region"])
        if not self.actor.has_capability("nik.reveal"):
            # Roles that read masked NIKs on the pages get them masked here too.
            for row in rows:
                row["nik"] = mask_nik(row["nik"])
                row["register_nik"] = mask_nik(row["register_nik"])
        with open(options["out"], "w", newline="", encoding="utf-8") as f:
            grouped = program_year.program.unit == "group"
            columns = COLUMNS + GROUP_COLUMNS if grouped else COLUMNS
            writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        audit_record(
            actor=self.actor,
            action="export",
            object_type="export",
            object_id="verdicts",
            object_repr=str(options["out"])[:200],
            region_code=options["region"],
            after={
                "rows": len(rows),
                "format": "csv",
                "filters": {
                    "program": program_year.program.code,
                    "year": program_year.year,
                    "region": options["region"],
                },
            },
        )
        self.stdout.write(f"{len(rows)} rows written to {options['out']}")
