"""Approvals (allocations within quotas) and the decree that fixed them."""

import datetime as dt
import uuid

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from berdaya.accounts.scope import require, scoped
from berdaya.api.common import ProgramYearFilter, apply_program_year, log_read, nik_out, user_of

router = Router(tags=["approvals"])


class ApprovalFilter(ProgramYearFilter):
    status: str | None = Field(None, pattern=r"^(approved|cancelled)$")
    decreed: bool | None = Field(None, description="Only those in an issued decree (SK)")


class ApprovalOut(Schema):
    id: int
    program: str
    year: int
    region: str
    unit: str
    proposal_uid: uuid.UUID | None
    group_uid: uuid.UUID | None
    name: str
    nik: str
    rank: int
    score: float
    value: int
    realised_value: int
    status: str
    approved_at: dt.datetime
    cancelled_at: dt.datetime | None
    decree_number: str
    decree_status: str
    decree_version: int | None

    @staticmethod
    def resolve_program(obj) -> str:
        return obj.program_year.program.code

    @staticmethod
    def resolve_year(obj) -> int:
        return obj.program_year.year

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region_id

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.program_year.program.unit

    @staticmethod
    def resolve_proposal_uid(obj):
        return obj.proposal.uid if obj.proposal_id else None

    @staticmethod
    def resolve_group_uid(obj):
        return obj.group.uid if obj.group_id else None

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.group.name if obj.group_id else obj.proposal.name

    @staticmethod
    def resolve_nik(obj, context) -> str:
        if obj.group_id:
            return ""
        return nik_out(context["request"], obj.proposal.nik)

    @staticmethod
    def resolve_score(obj) -> float:
        return float(obj.score)

    @staticmethod
    def resolve_decree_number(obj) -> str:
        return obj.decree.number if obj.decree_id else ""

    @staticmethod
    def resolve_decree_status(obj) -> str:
        return obj.decree.status if obj.decree_id else ""

    @staticmethod
    def resolve_decree_version(obj):
        return obj.decree.version if obj.decree_id else None


@router.get("/approvals", response=list[ApprovalOut], summary="Approved units and decrees")
@paginate
def approval_list(request: HttpRequest, filters: ApprovalFilter = Query(...)):  # noqa: B008
    from berdaya.allocation.models import Allocation

    user = user_of(request)
    require(user, "allocation.view")
    qs = scoped(
        Allocation.objects.select_related("program_year__program", "proposal", "group", "decree"),
        user,
    )
    qs = apply_program_year(qs, filters)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.decreed is True:
        qs = qs.filter(decree__status="issued")
    elif filters.decreed is False:
        qs = qs.exclude(decree__status="issued")
    log_read(request, "approvals", **filters.dict())
    return qs.order_by("pk")
