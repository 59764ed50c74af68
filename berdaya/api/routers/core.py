"""Who the token is, and the programme years."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from berdaya.accounts.roles import CAPABILITIES
from berdaya.accounts.scope import require
from berdaya.api.common import user_of

router = Router(tags=["general"])


class MeOut(Schema):
    username: str
    name: str
    role: str
    region: str | None
    capabilities: list[str]


@router.get("/me", response=MeOut, summary="The user the token acts for")
def me(request: HttpRequest):
    user = user_of(request)
    return {
        "username": user.username,
        "name": user.display_name,
        "role": user.role,
        "region": user.region_id,
        "capabilities": sorted(c for c in CAPABILITIES if user.has_capability(c)),
    }


class ProgramYearOut(Schema):
    program: str
    name: str
    year: int
    unit: str
    value_per_unit: int
    target_units: int | None
    deadline: dt.date | None


@router.get("/programs", response=list[ProgramYearOut], summary="Programme years")
def programs(request: HttpRequest):
    require(user_of(request), "programs.view")
    from berdaya.programs.models import ProgramYear

    out = []
    for py in ProgramYear.objects.select_related("program", "target").order_by(
        "-year", "program__code"
    ):
        target = getattr(py, "target", None)
        out.append(
            {
                "program": py.program.code,
                "name": py.program.name,
                "year": py.year,
                "unit": py.program.unit,
                "value_per_unit": py.value_per_unit,
                "target_units": target.units if target else None,
                "deadline": target.deadline if target else None,
            }
        )
    return out
