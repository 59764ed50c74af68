"""Handovers (BAST) and Bimtek sessions in the REST API, read-only, mounted at /api/handovers/.

The same scope and capabilities as the pages; NIKs masked for roles that see them masked;
every read of personal data is in the audit trail (action "api.read")."""

import datetime as dt
import uuid

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from berdaya.accounts.scope import require, scoped
from berdaya.core.audit import audit_record
from berdaya.core.masking import can_see_full_nik, mask_nik
from berdaya.distribution.models import Handover, TrainingSession

router = Router(tags=["handovers"])
API_PREFIX = "/handovers"


class Filter(Schema):
    program: str | None = Field(None, pattern=r"^[A-Za-z0-9_-]{1,20}$")
    year: int | None = Field(None, ge=2000, le=2100)
    region: str | None = Field(None, pattern=r"^[0-9]{2}\.[0-9]{2}$")
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class LineOut(Schema):
    item: str
    name: str
    unit: str
    quantity: int
    unit_price: int
    value: int


class HandoverOut(Schema):
    uid: uuid.UUID
    number: str
    program: str
    year: int
    region: str
    allocation_id: int
    handed_on: dt.date
    place: str
    receiver_name: str
    receiver_nik: str
    receiver_role: str
    officer_name: str
    value: int
    partial: bool
    status: str
    void_reason: str
    latitude: float | None
    longitude: float | None
    content_hash: str
    lines: list[LineOut]
    created_at: dt.datetime
    captured_at: dt.datetime | None


class SessionOut(Schema):
    id: int
    program: str
    year: int
    region: str
    title: str
    starts_on: dt.date
    ends_on: dt.date | None
    place: str
    topics: list[str]
    status: str
    invited: int
    attended: int


def _log(request: HttpRequest, what: str, filters: Filter) -> None:
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


def _filter(qs, filters: Filter, date_field: str):
    if filters.program:
        qs = qs.filter(program_year__program__code=filters.program.upper())
    if filters.year:
        qs = qs.filter(program_year__year=filters.year)
    if filters.region:
        qs = qs.filter(region_id=filters.region)
    if filters.date_from:
        qs = qs.filter(**{f"{date_field}__gte": filters.date_from})
    if filters.date_to:
        qs = qs.filter(**{f"{date_field}__lte": filters.date_to})
    return qs


@router.get("/", response=list[HandoverOut], summary="Handovers of goods (BAST)")
@paginate
def handover_list(request: HttpRequest, filters: Filter = Query(...)):  # noqa: B008
    user = request.auth  # type: ignore[attr-defined]
    require(user, "distribution.view")
    qs = _filter(scoped(Handover.objects.all(), user), filters, "handed_on")
    full = can_see_full_nik(user)
    _log(request, "handovers", filters)
    rows = []
    for h in (
        qs.select_related("program_year__program").prefetch_related("lines__item").order_by("pk")
    ):
        rows.append(
            {
                **{
                    f: getattr(h, f)
                    for f in (
                        "uid",
                        "number",
                        "allocation_id",
                        "handed_on",
                        "place",
                        "receiver_name",
                        "receiver_role",
                        "officer_name",
                        "value",
                        "partial",
                        "status",
                        "void_reason",
                        "content_hash",
                        "created_at",
                        "captured_at",
                    )
                },
                "program": h.program_year.program.code,
                "year": h.program_year.year,
                "region": h.region_id,
                "receiver_nik": h.receiver_nik if full else mask_nik(h.receiver_nik),
                "latitude": float(h.latitude) if h.latitude is not None else None,
                "longitude": float(h.longitude) if h.longitude is not None else None,
                "lines": [
                    {
                        "item": x.item.code,
                        "name": x.item.name,
                        "unit": x.item.unit,
                        "quantity": x.quantity,
                        "unit_price": x.unit_price,
                        "value": x.value,
                    }
                    for x in h.lines.all()
                ],
            }
        )
    return rows


@router.get("/sessions", response=list[SessionOut], summary="Bimtek sessions")
@paginate
def session_list(request: HttpRequest, filters: Filter = Query(...)):  # noqa: B008
    from django.db.models import Count, Q

    user = request.auth  # type: ignore[attr-defined]
    require(user, "distribution.view")
    qs = _filter(scoped(TrainingSession.objects.all(), user), filters, "starts_on")
    qs = qs.select_related("program_year__program").annotate(
        invited=Count("participants"),
        attended=Count("participants", filter=Q(participants__status="attended")),
    )
    return [
        {
            "id": s.pk,
            "program": s.program_year.program.code,
            "year": s.program_year.year,
            "region": s.region_id,
            "title": s.title,
            "starts_on": s.starts_on,
            "ends_on": s.ends_on,
            "place": s.place,
            "topics": s.topics,
            "status": s.status,
            "invited": s.invited,
            "attended": s.attended,
        }
        for s in qs.order_by("pk")
    ]
