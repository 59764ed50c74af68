"""What the API's routers share: filters' shapes, NIK masking and the audit of reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema

from berdaya.core.audit import audit_record
from berdaya.core.masking import can_see_full_nik, mask_nik

# Filters are strict: a value that cannot mean anything is a 422, never a database error.
PROGRAM = r"^[A-Za-z0-9_-]{1,20}$"
REGION = r"^[0-9]{2}\.[0-9]{2}$"
VERDICT = r"^(eligible|ineligible|review|pending)$"
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)


class ProgramYearFilter(Schema):
    program: str | None = Field(None, pattern=PROGRAM, description="Programme code, e.g. WRSE")
    year: int | None = Field(None, ge=2000, le=2100)
    region: str | None = Field(None, pattern=REGION, description="Regency/city code, e.g. 64.72")


def user_of(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def nik_out(request: HttpRequest, nik: str | None) -> str:
    """A NIK as the token's user may read it: whole for roles that work with identities
    (their reads are logged), masked for the others."""
    user = user_of(request)
    return (nik or "") if can_see_full_nik(user) else mask_nik(nik)


def log_read(request: HttpRequest, what: str, *, count: int | None = None, **filters: Any) -> None:
    """Every API read of personal data is in the audit trail, as every export is."""
    user = user_of(request)
    audit_record(
        actor=user,
        action="api.read",
        object_type="api",
        object_id=what,
        object_repr=request.path[:200],
        region_code=getattr(user, "region_id", "") or "",
        after={
            "filters": {k: (str(v) if v is not None else None) for k, v in filters.items()},
            "rows": count,
            "full_nik": can_see_full_nik(user),
        },
    )


def apply_program_year(
    qs,
    filters: ProgramYearFilter,
    *,
    prefix: str = "program_year__",
    region_field: str = "region_id",
):
    if filters.program:
        qs = qs.filter(**{f"{prefix}program__code": filters.program.upper()})
    if filters.year:
        qs = qs.filter(**{f"{prefix}year": filters.year})
    if filters.region:
        qs = qs.filter(**{region_field: filters.region})
    return qs
