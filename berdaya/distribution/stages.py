"""The "trained" and "handed over" columns of the dashboards (see berdaya.reports.stages).

A unit is trained when someone of it attended a Bimtek session that was not cancelled; it is
handed over when its whole package has been given (a partial handover is not yet counted).
Only units of the decree in force count.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode

from berdaya.allocation.models import Allocation
from berdaya.distribution.models import PackageStatus, UnitPackage
from berdaya.distribution.units import decreed, trained_ids


def _units(program_year: Any, region_codes: list[str]):
    return decreed(Allocation.objects.filter(program_year=program_year, region_id__in=region_codes))


def count_trained(program_year: Any, region_codes: list[str]) -> dict[str, int]:
    region_of = dict(_units(program_year, region_codes).values_list("pk", "region_id"))
    out: dict[str, int] = {}
    for pk in trained_ids(list(region_of)):
        out[region_of[pk]] = out.get(region_of[pk], 0) + 1
    return out


def count_handed_over(program_year: Any, region_codes: list[str]) -> dict[str, int]:
    return dict(
        UnitPackage.objects.filter(
            allocation__in=_units(program_year, region_codes), status=PackageStatus.COMPLETE
        )
        .values("region_id")
        .annotate(n=Count("pk"))
        .values_list("region_id", "n")
    )


def link(program_year: Any, region: str | None) -> str:
    if region:
        return reverse(
            "distribution:units",
            kwargs={"code": program_year.program.code, "year": program_year.year, "region": region},
        )
    return reverse("distribution:index") + "?" + urlencode({"py": program_year.pk})


STAGES = {
    "trained": {"count": count_trained, "link": link},
    "handed_over": {"count": count_handed_over, "link": link},
}
