"""Proposals, their verdicts, and proposed groups, within the user's region."""

import datetime as dt
import uuid

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from berdaya.accounts.scope import require
from berdaya.api.common import (
    FIRST_DAY,
    LAST_DAY,
    VERDICT,
    ProgramYearFilter,
    apply_program_year,
    log_read,
    nik_out,
    user_of,
)

router = Router(tags=["proposals"])


class ProposalFilter(ProgramYearFilter):
    verdict: str | None = Field(None, pattern=VERDICT)
    status: str | None = Field(None, pattern=r"^(proposed|withdrawn)$")


class VerdictFilter(ProgramYearFilter):
    verdict: str | None = Field(None, pattern=VERDICT)
    verified_since: dt.date | None = Field(
        None, ge=FIRST_DAY, le=LAST_DAY, description="Verified on or after this day (WITA)"
    )


class ProposalOut(Schema):
    uid: uuid.UUID
    program: str
    year: int
    region: str
    row_id: str
    nik: str
    name: str
    sex: str
    birth_date: dt.date | None
    village_code: str
    category: str
    need_value: int | None
    registration_number: str
    group_uid: uuid.UUID | None
    group_name: str
    role: str
    status: str
    submitted_at: dt.datetime
    verdict: str
    reasons: list[str]
    overridden: bool
    stale: bool
    verified_at: dt.datetime | None
    approved: bool

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
    def resolve_nik(obj, context) -> str:
        return nik_out(context["request"], obj.nik)

    @staticmethod
    def resolve_group_uid(obj):
        return obj.group.uid if obj.group_id else None

    @staticmethod
    def resolve_group_name(obj) -> str:
        return obj.group.name if obj.group_id else ""

    @staticmethod
    def resolve_verdict(obj) -> str:
        v = _verification(obj)
        return (v.verdict if v else "") or ""

    @staticmethod
    def resolve_reasons(obj) -> list[str]:
        v = _verification(obj)
        return sorted(v.reasons) if v else []

    @staticmethod
    def resolve_overridden(obj) -> bool:
        v = _verification(obj)
        return bool(v and v.overridden)

    @staticmethod
    def resolve_stale(obj) -> bool:
        v = _verification(obj)
        return v is None or v.stale

    @staticmethod
    def resolve_verified_at(obj):
        v = _verification(obj)
        return v.verified_at if v else None


def _verification(proposal):
    try:
        return proposal.verification
    except ObjectDoesNotExist:  # not verified yet
        return None


def _proposals(request: HttpRequest):
    from berdaya.allocation.models import Allocation
    from berdaya.intake.selectors import proposals_visible

    user = user_of(request)
    require(user, "proposals.view")
    approved = Allocation.objects.filter(status="approved")
    return (
        proposals_visible(user)
        .select_related("verification", "group")
        .annotate(
            approved=Exists(approved.filter(proposal=OuterRef("pk")))
            | Exists(approved.filter(group=OuterRef("group_id")))
        )
    )


def _verdict_filter(qs, verdict: str | None, prefix: str = "verification__"):
    if verdict == "pending":
        return qs.filter(Q(**{f"{prefix}isnull": True}) | Q(**{f"{prefix}verdict": ""}))
    if verdict:
        return qs.filter(**{f"{prefix}verdict": verdict})
    return qs


@router.get("/proposals", response=list[ProposalOut], summary="Proposals")
@paginate
def proposal_list(request: HttpRequest, filters: ProposalFilter = Query(...)):  # noqa: B008
    qs = apply_program_year(_proposals(request), filters)
    qs = _verdict_filter(qs, filters.verdict)
    if filters.status:
        qs = qs.filter(status=filters.status)
    log_read(request, "proposals", **filters.dict())
    return qs.order_by("pk")


@router.get("/proposals/{uuid:proposal_uid}", response=ProposalOut, summary="One proposal")
def proposal_detail(request: HttpRequest, proposal_uid: uuid.UUID):
    proposal = _proposals(request).filter(uid=proposal_uid).first()
    if proposal is None:
        raise Http404
    log_read(request, "proposal", uid=proposal_uid)
    return proposal


class VerdictOut(Schema):
    proposal_uid: uuid.UUID
    program: str
    year: int
    region: str
    verdict: str
    computed_verdict: str
    reasons: list[str]
    overridden: bool
    stale: bool
    verified_at: dt.datetime | None

    @staticmethod
    def resolve_proposal_uid(obj):
        return obj.proposal.uid

    @staticmethod
    def resolve_program(obj) -> str:
        return obj.proposal.program_year.program.code

    @staticmethod
    def resolve_year(obj) -> int:
        return obj.proposal.program_year.year

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.proposal.region_id

    @staticmethod
    def resolve_reasons(obj) -> list[str]:
        return sorted(obj.reasons or [])


@router.get("/verdicts", response=list[VerdictOut], summary="Verification verdicts")
@paginate
def verdict_list(request: HttpRequest, filters: VerdictFilter = Query(...)):  # noqa: B008
    from berdaya.accounts.scope import scoped
    from berdaya.verification.models import Verification

    user = user_of(request)
    require(user, "proposals.view")
    qs = scoped(
        Verification.objects.select_related("proposal__program_year__program"),
        user,
        "proposal__region",
    ).exclude(verdict="")
    qs = apply_program_year(
        qs, filters, prefix="proposal__program_year__", region_field="proposal__region_id"
    )
    if filters.verdict and filters.verdict != "pending":
        qs = qs.filter(verdict=filters.verdict)
    elif filters.verdict == "pending":
        qs = qs.none()
    if filters.verified_since:
        from django.utils import timezone

        start = timezone.make_aware(dt.datetime.combine(filters.verified_since, dt.time.min))
        qs = qs.filter(verified_at__gte=start)
    log_read(request, "verdicts", **filters.dict())
    return qs.order_by("proposal_id")


class GroupOut(Schema):
    uid: uuid.UUID
    program: str
    year: int
    region: str
    name: str
    business_type: str
    status: str
    members: int
    verdict: str
    reasons: list[str]
    approved: bool

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
    def resolve_verdict(obj) -> str:
        v = _verification(obj)
        return (v.verdict if v else "") or ""

    @staticmethod
    def resolve_reasons(obj) -> list[str]:
        v = _verification(obj)
        return sorted(v.reasons) if v else []

    @staticmethod
    def resolve_members(obj) -> int:
        return obj.member_count


@router.get("/groups", response=list[GroupOut], summary="Proposed groups (KUBE)")
@paginate
def group_list(request: HttpRequest, filters: ProposalFilter = Query(...)):  # noqa: B008
    from django.db.models import Count

    from berdaya.accounts.scope import scoped
    from berdaya.allocation.models import Allocation
    from berdaya.intake.models import ProposalGroup

    user = user_of(request)
    require(user, "proposals.view")
    qs = scoped(
        ProposalGroup.objects.select_related("program_year__program", "verification"), user
    ).annotate(
        member_count=Count("members", filter=Q(members__status="proposed")),
        approved=Exists(Allocation.objects.filter(status="approved", group=OuterRef("pk"))),
    )
    qs = apply_program_year(qs, filters)
    qs = _verdict_filter(qs, filters.verdict)
    if filters.status:
        qs = qs.filter(status=filters.status)
    log_read(request, "groups", **filters.dict())
    return qs.order_by("pk")
