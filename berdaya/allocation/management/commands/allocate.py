"""berdaya allocate --program CODE --year Y [--region CODE] [--limit N]."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from berdaya.allocation.services import allocation_approve
from berdaya.core.management.base import BerdayaCommand
from berdaya.programs.targets import regencies, regency


class Command(BerdayaCommand):
    help = (
        "Approve the top of each region's ranking within its quota and the budget (the same "
        "service as the page's button); the rest stay as ordered reserves."
    )

    def add_arguments(self, parser):
        parser.add_argument("--program", required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--region", default="", help="one regency/city (default: all)")
        parser.add_argument(
            "--limit", type=int, default=None, help="at most this many units per region"
        )

    def handle(self, *args, **options):
        program_year = self.program_year(options["program"], options["year"])
        regions = (
            [regency(options["region"])]
            if options["region"]
            else [r for r in regencies() if self.actor.can_read_region(r.code)]
        )
        total_units = total_value = 0
        for region in regions:
            try:
                result = allocation_approve(
                    actor=self.actor,
                    program_year=program_year,
                    region=region,
                    limit=options["limit"],
                )
            except ValidationError as exc:
                self.stdout.write(f"{region.code} {region.name}: {' '.join(exc.messages)}")
                continue
            total_units += result.approved
            total_value += result.value
            self.stdout.write(
                f"{region.code} {region.name}: {result.approved} approved "
                f"(Rp{result.value:,}), {result.reserves} reserves"
            )
        self.stdout.write(f"{program_year}: {total_units} approved, Rp{total_value:,}")
