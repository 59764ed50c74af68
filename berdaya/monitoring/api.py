"""Monitoring in the REST API, read-only, mounted at /api/monitoring/.

The same scope and capabilities as the pages: staff read their region's visits and outcomes; a
partner agency's token reads only the referrals sent to its agency (a partner system may pull
them). NIKs masked for roles that see them masked; every read of personal data is in the audit
trail (action "api.read")."""

import datetime as dt
import uuid

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from berdaya.accounts.scope import require
from berdaya.core.audit import audit_record
from berdaya.core.masking import can_see_full_nik, mask_nik
from berdaya.monitoring import outcomes, selectors
from berdaya.monitoring.models import Visit

router = Router(tags=["monitoring"])
API_PREFIX = "/monitoring"


class Filter(Schema):
    program: str | None = Field(None, pattern=r"^[A-Za-z0-9_-]{1,20}$")
    year: int | None = Field(None, ge=2000, le=2100)
    region: str | None = Field(None, pattern=r"^[0-9]{2}\.[0-9]{2}$")


class OutcomeFilter(Filter):
    business_type: str | None = Field(None, max_length=100)


class SurvivalPoint(Schema):
    t: float
    s: float
    lo: float | None
    hi: float | None


class OutcomesOut(Schema):
    units: int
    visited: int
    visits: int
    survival_n: int
    survival_events: int
    survival_median_months: float | None
    survival_at: dict[str, float | None]
    survival_curve: list[SurvivalPoint]
    revenue_before_median: int | None
    revenue_after_median: int | None
    revenue_units: int
    jobs: int
    jobs_poor: int
    independent_units: int
    independent_families: int
    status_mix: dict[str, int]
    stop_reasons: dict[str, int]
    exhibition_sales: int


class VisitOut(Schema):
    id: int
    unit_id: int
    name: str
    program: str
    year: int
    region: str
    business_type: str
    month: int
    due_on: dt.date
    visited_on: dt.date | None
    business_status: str
    stop_reason: str
    revenue: int | None
    profit: int | None
    workers: int | None
    workers_poor: int | None
    goods_held_percent: int | None
    residents: int | None
    independent: bool


class ReferralOut(Schema):
    uid: uuid.UUID
    region: str
    agency: str
    service: str
    subject_name: str
    subject_nik: str
    village_code: str
    reason: str
    status: str
    outcome: str
    outcome_note: str
    outcome_on: dt.date | None
    respond_by: dt.date
    created_at: dt.datetime


def _log(request: HttpRequest, what: str, filters: Schema) -> None:
    user = request.auth  # type: ignore[attr-defined]
    audit_record(
        actor=user,
        action="api.read",
        object_type="api",
        object_id=what,
        object_repr=request.path[:200],
        region_code=getattr(user, "region_id", "") or "",
        after={"filters": {k: str(v) for k, v in filters.dict().items() if v is not None}},
    )


def _regions(user, region: str | None) -> list[str]:
    from berdaya.programs.targets import regencies

    codes = [r.code for r in regencies() if user.can_read_region(r.code)]
    if region:
        return [region] if region in codes else []
    return codes


@router.get("/outcomes", response=OutcomesOut, summary="Outcome figures (survival, revenue, jobs)")
def outcome_figures(request: HttpRequest, filters: OutcomeFilter = Query(...)):  # noqa: B008
    user = request.auth  # type: ignore[attr-defined]
    require(user, "monitoring.view")
    s = outcomes.summary(
        outcomes.Filters(
            program=(filters.program or "").upper(),
            year=filters.year,
            regions=_regions(user, filters.region),
            business_type=filters.business_type or "",
        ),
        with_breakdowns=False,
    )
    surv = s["survival"]
    return {
        "units": s["units"],
        "visited": s["visited"],
        "visits": s["visits"],
        "survival_n": surv.n,
        "survival_events": surv.events,
        "survival_median_months": surv.median,
        "survival_at": {str(k): v for k, v in surv.at.items()},
        "survival_curve": surv.points,
        "revenue_before_median": s["revenue"]["before_median"],
        "revenue_after_median": s["revenue"]["after_median"],
        "revenue_units": s["revenue"]["n"],
        "jobs": s["jobs"]["workers"],
        "jobs_poor": s["jobs"]["workers_poor"],
        "independent_units": s["independent"]["units"],
        "independent_families": s["independent"]["families"],
        "status_mix": s["status_mix"],
        "stop_reasons": s["stop_reasons"],
        "exhibition_sales": s["exhibitions"]["sales"],
    }


@router.get("/visits", response=list[VisitOut], summary="Recorded follow-up visits")
@paginate
def visit_list(request: HttpRequest, filters: Filter = Query(...)):  # noqa: B008
    user = request.auth  # type: ignore[attr-defined]
    require(user, "monitoring.view")
    qs = selectors.visits_visible(user).filter(status=Visit.Status.DONE)
    if filters.program:
        qs = qs.filter(unit__program_year__program__code=filters.program.upper())
    if filters.year:
        qs = qs.filter(unit__program_year__year=filters.year)
    if filters.region:
        qs = qs.filter(region_id=filters.region)
    _log(request, "visits", filters)
    return [
        {
            "id": v.pk,
            "unit_id": v.unit_id,
            "name": v.unit.name,
            "program": v.unit.program_year.program.code,
            "year": v.unit.program_year.year,
            "region": v.region_id,
            "business_type": v.unit.business_type,
            **{
                f: getattr(v, f)
                for f in (
                    "month",
                    "due_on",
                    "visited_on",
                    "business_status",
                    "stop_reason",
                    "revenue",
                    "profit",
                    "workers",
                    "workers_poor",
                    "goods_held_percent",
                    "residents",
                    "independent",
                )
            },
        }
        for v in qs.order_by("pk")
    ]


@router.get("/referrals", response=list[ReferralOut], summary="Referrals (a partner: its own)")
@paginate
def referral_list(request: HttpRequest, filters: Filter = Query(...)):  # noqa: B008
    user = request.auth  # type: ignore[attr-defined]
    require(user, "referrals.view")
    qs = selectors.referrals_visible(user)
    if filters.region:
        qs = qs.filter(region_id=filters.region)
    if filters.year:
        qs = qs.filter(created_at__year=filters.year)
    full = can_see_full_nik(user)
    _log(request, "referrals", filters)
    return [
        {
            "uid": r.uid,
            "region": r.region_id,
            "agency": r.agency.code,
            "service": r.service,
            "subject_name": r.subject_name,
            "subject_nik": r.subject_nik if full else mask_nik(r.subject_nik),
            "village_code": r.village_code,
            "reason": r.reason,
            "status": r.status,
            "outcome": r.outcome,
            "outcome_note": r.outcome_note,
            "outcome_on": r.outcome_on,
            "respond_by": r.respond_by,
            "created_at": r.created_at,
        }
        for r in qs.order_by("pk")
    ]
