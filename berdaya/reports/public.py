"""The public summary: aggregates per regency/city and programme, small counts suppressed.

Nothing here names or identifies a person: counts of units per region and programme, money
per programme, and the official poverty figures. Counts from 1 to 4 are hidden together with
the complementary cells that would give them back (berdaya.reports.suppression).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from berdaya.reports.selectors import program_years_of, regencies
from berdaya.reports.stages import Stage, stages
from berdaya.reports.suppression import THRESHOLD, Published, suppress


@dataclass
class PublicTable:
    stage: Stage
    published: Published

    def rows(self, regions: list[Any]) -> list[tuple[Any, list[int | None], int | None]]:
        return [
            (region, self.published.cells[i], self.published.row_totals[i])
            for i, region in enumerate(regions)
        ]


@dataclass
class PublicSummary:
    year: int | None
    years: list[int]
    regions: list[Any]
    program_years: list[Any]
    tables: list[PublicTable]
    money: list[tuple[Any, int | None]]
    threshold: int = THRESHOLD


def public_years() -> list[int]:
    return sorted({py.year for py in program_years_of()}, reverse=True)


def public_summary(year: int | None) -> PublicSummary:
    years = public_years()
    if year not in years:
        year = years[0] if years else None
    regions = regencies()
    codes = [r.code for r in regions]
    pys = list(program_years_of(year)) if year else []
    tables = []
    approved_totals: list[int | None] = []
    for stage in stages():
        if not (stage.public and stage.available) or not pys:
            continue
        columns = [stage.count(py, codes) for py in pys]
        table = [[columns[j].get(code, 0) for j in range(len(pys))] for code in codes]
        published = suppress(table)
        tables.append(PublicTable(stage, published))
        if stage.key == "approved":
            approved_totals = published.col_totals
    money = []
    if pys:
        from django.db.models import Sum

        from berdaya.allocation.models import Allocation

        sums = dict(
            Allocation.objects.filter(program_year__in=pys, status="approved")
            .values("program_year_id")
            .annotate(v=Sum("value"))
            .values_list("program_year_id", "v")
        )
        for j, py in enumerate(pys):
            # The money of a few units gives their count (or one person's aid) back: hidden
            # whenever the programme's count of approved units is.
            hidden = bool(approved_totals) and approved_totals[j] is None
            money.append((py, None if hidden else (sums.get(py.pk) or 0)))
    return PublicSummary(year, years, regions, pys, tables, money)
