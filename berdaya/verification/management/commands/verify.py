"""berdaya verify --program CODE --year Y [--region CODE]."""

from __future__ import annotations

from berdaya.core.management.base import BerdayaCommand
from berdaya.verification.services import verify


class Command(BerdayaCommand):
    help = (
        "Verify every proposal of a programme year that is new or whose data changed, "
        "against the national register and the programme's criteria."
    )

    def add_arguments(self, parser):
        parser.add_argument("--program", required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--region", default="")

    def handle(self, *args, **options):
        program_year = self.program_year(options["program"], options["year"])
        tty = self.stderr.isatty()

        def progress(run):
            if tty:
                self.stderr.write(f"\r{run.done}/{run.total} verified", ending="")

        run = verify(
            actor=self.actor, program_year=program_year, region=options["region"], progress=progress
        )
        if tty:
            self.stderr.write("")
        counts = run.counts or {}
        self.stdout.write(
            f"{program_year}: {run.total} verified: {counts.get('eligible', 0)} eligible, "
            f"{counts.get('ineligible', 0)} ineligible, {counts.get('review', 0)} to review"
        )
