"""berdaya schedule-visits [--program CODE [--year Y]] [--region CODE]."""

from __future__ import annotations

from berdaya.core.management.base import BerdayaCommand
from berdaya.monitoring.scheduling import visits_schedule
from berdaya.programs.services import program_by_code
from berdaya.programs.targets import regency


class Command(BerdayaCommand):
    help = (
        "Start or repair the follow-up visits of every unit handed over (the catch-up behind the "
        "handover's own scheduling): missing units and visits are added, visits moved when a "
        "handover was voided, facilitators assigned. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--program", default="", help="one programme (default: all)")
        parser.add_argument("--year", type=int, default=None, help="with --program: one year")
        parser.add_argument("--region", default="", help="one regency/city (default: all)")

    def handle(self, *args, **options):
        program = program_year = None
        if options["program"] and options["year"]:
            program_year = self.program_year(options["program"], options["year"])
        elif options["program"]:
            program = program_by_code(options["program"])
        region = regency(options["region"]).code if options["region"] else ""
        result = visits_schedule(
            actor=self.actor, program=program, program_year=program_year, region=region
        )
        self.stdout.write(str(result))
