"""The dashboard's figures and the poverty indicators, as data."""

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from berdaya.accounts.scope import require
from berdaya.api.common import PROGRAM, REGION, user_of

router = Router(tags=["reports"])


class DashboardFilter(Schema):
    program: str = Field(..., pattern=PROGRAM)
    year: int = Field(..., ge=2000, le=2100)
    region: str | None = Field(None, pattern=REGION)


class StageOut(Schema):
    key: str
    label: str
    available: bool


class RowOut(Schema):
    region: str
    name: str
    target: int
    figures: dict[str, int | None]
    committed: int
    realised: int
    decree_number: str


class DashboardOut(Schema):
    program: str
    year: int
    unit: str
    target_units: int | None
    stages: list[StageOut]
    rows: list[RowOut]
    total: RowOut
    generated_at: dt.datetime


def _row(row) -> dict:
    return {
        "region": row.code,
        "name": str(row.name),
        "target": row.target,
        "figures": row.figures,
        "committed": row.committed,
        "realised": row.realised,
        "decree_number": row.decree.number if row.decree else "",
    }


@router.get("/dashboard", response=DashboardOut, summary="Dashboard figures per region")
def dashboard_figures(request: HttpRequest, filters: DashboardFilter = Query(...)):  # noqa: B008
    from django.utils import timezone

    from berdaya.programs.models import ProgramYear
    from berdaya.reports.selectors import dashboard, region_for

    user = user_of(request)
    require(user, "reports.view")
    py = (
        ProgramYear.objects.select_related("program")
        .filter(program__code=filters.program.upper(), year=filters.year)
        .first()
    )
    if py is None:
        raise Http404
    region = region_for(user, filters.region)
    board = dashboard(user, py, region)
    return {
        "program": py.program.code,
        "year": py.year,
        "unit": py.program.unit,
        "target_units": board.target.units if board.target else None,
        "stages": [
            {"key": s.key, "label": str(s.label), "available": s.available} for s in board.stages
        ],
        "rows": [_row(r) for r in board.rows],
        "total": _row(board.total),
        "generated_at": timezone.now(),
    }


class IndicatorOut(Schema):
    kind: str
    region: str
    year: int
    rate: float
    poor_people: int | None
    source: str


@router.get("/poverty", response=list[IndicatorOut], summary="Poverty rates and targets")
def poverty(request: HttpRequest):
    from berdaya.reports.models import PovertyIndicator

    require(user_of(request), "reports.view")
    return [
        {
            "kind": i.kind,
            "region": i.region_id,
            "year": i.year,
            "rate": float(i.rate),
            "poor_people": i.poor_people,
            "source": i.source,
        }
        for i in PovertyIndicator.objects.order_by("kind", "region_id", "year")
    ]
