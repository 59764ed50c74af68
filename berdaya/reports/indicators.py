"""Poverty indicators: entered, changed and removed by province staff, each change audited."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from berdaya.accounts.scope import require
from berdaya.core.audit import audit_record, changed, snapshot
from berdaya.regions.codes import PROVINCE_CODE, normalize_code
from berdaya.regions.models import Region
from berdaya.reports.models import PovertyIndicator

FIELDS = ["kind", "region", "year", "rate", "poor_people", "source", "note"]
# The provincial target of seed 001: 5% by 2026 (DOMAIN.md). Shown until staff enter one.
DEFAULT_TARGET = (2026, Decimal("5.00"))


def indicator_regions() -> QuerySet[Region]:
    """The province and its current regencies/cities: where official figures are published."""
    return Region.objects.filter(code=PROVINCE_CODE) | Region.objects.filter(
        parent_id=PROVINCE_CODE, level=Region.Level.REGENCY, historical=False
    )


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    kind = values.get("kind") or PovertyIndicator.Kind.RATE
    if kind not in PovertyIndicator.Kind.values:
        errors["kind"] = _("Choose the kind of figure.")
    region = values.get("region")
    code = region.code if isinstance(region, Region) else normalize_code(str(region or ""))
    region = indicator_regions().filter(code=code).first() if code else None
    if region is None:
        errors["region"] = _("Choose the province or one of its regencies/cities.")
    try:
        year = int(values.get("year"))
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        errors["year"] = _("Write a year between 2000 and 2100.")
    try:
        rate = Decimal(str(values.get("rate"))).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        rate = None
    if rate is None or not Decimal(0) <= rate <= Decimal(100):
        errors["rate"] = _("The rate is a percentage between 0 and 100, e.g. 6.11.")
    poor = values.get("poor_people")
    if poor in ("", None):
        poor = None
    else:
        try:
            poor = int(poor)
        except (TypeError, ValueError):
            poor = -1
        if poor < 0:
            errors["poor_people"] = _("Write a whole number of thousands, or leave it empty.")
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "region": region,
        "year": year,
        "rate": rate,
        "poor_people": poor,
        "source": (values.get("source") or "").strip()[:200],
        "note": (values.get("note") or "").strip(),
    }


@transaction.atomic
def indicator_save(*, actor: Any, **values: Any) -> PovertyIndicator:
    """Create the figure of a kind, region and year, or change the one already there."""
    require(actor, "indicators.manage")
    clean = _clean(values)
    current = (
        PovertyIndicator.objects.select_for_update()
        .filter(kind=clean["kind"], region=clean["region"], year=clean["year"])
        .first()
    )
    by = actor if getattr(actor, "pk", None) else None
    if current is None:
        indicator = PovertyIndicator.objects.create(**clean, updated_by=by)
        audit_record(
            actor=actor,
            action="indicator.create",
            obj=indicator,
            after=snapshot(indicator, FIELDS),
        )
        return indicator
    before = snapshot(current, FIELDS)
    for key, value in clean.items():
        setattr(current, key, value)
    current.updated_by = by
    current.save()
    old, new = changed(before, snapshot(current, FIELDS))
    if new:
        audit_record(actor=actor, action="indicator.update", obj=current, before=old, after=new)
    return current


@transaction.atomic
def indicator_delete(*, actor: Any, indicator: PovertyIndicator, reason: str = "") -> None:
    require(actor, "indicators.manage")
    audit_record(
        actor=actor,
        action="indicator.delete",
        obj=indicator,
        before=snapshot(indicator, FIELDS),
        note=reason,
    )
    indicator.delete()


def series(region_codes: list[str] | None = None) -> dict[str, Any]:
    """Chart data: official rates per region by year, and the targets (province)."""
    qs = PovertyIndicator.objects.select_related("region").order_by("region_id", "year")
    if region_codes is not None:
        qs = qs.filter(region_id__in=[PROVINCE_CODE, *region_codes])
    rates: dict[str, dict[str, Any]] = {}
    targets: list[dict[str, Any]] = []
    years: set[int] = set()
    for ind in qs:
        years.add(ind.year)
        if ind.kind == PovertyIndicator.Kind.TARGET:
            targets.append({"region": ind.region_id, "year": ind.year, "rate": float(ind.rate)})
            continue
        entry = rates.setdefault(
            ind.region_id, {"code": ind.region_id, "name": ind.region.name, "points": {}}
        )
        entry["points"][ind.year] = float(ind.rate)
    if not any(t["region"] == PROVINCE_CODE for t in targets):
        targets.append(
            {
                "region": PROVINCE_CODE,
                "year": DEFAULT_TARGET[0],
                "rate": float(DEFAULT_TARGET[1]),
                "default": True,
            }
        )
    years |= {t["year"] for t in targets if t["region"] == PROVINCE_CODE}
    axis = list(range(min(years), max(years) + 1)) if years else []
    return {
        "years": axis,
        "series": [
            {"code": e["code"], "name": e["name"], "data": [e["points"].get(y) for y in axis]}
            for e in sorted(rates.values(), key=lambda e: (e["code"] != PROVINCE_CODE, e["code"]))
        ],
        "targets": targets,
    }


def target_of(data: dict[str, Any]) -> tuple[int, Decimal]:
    """The provincial target from `series()`: the latest year's (entered, else the default)."""
    mine = [t for t in data["targets"] if t["region"] == PROVINCE_CODE]
    latest = max(mine, key=lambda t: t["year"])
    return latest["year"], Decimal(str(latest["rate"])).quantize(Decimal("0.01"))


def province_target() -> tuple[int, Decimal]:
    """The provincial target: the latest entered, else seed 001's 5% by 2026."""
    target = (
        PovertyIndicator.objects.filter(kind=PovertyIndicator.Kind.TARGET, region_id=PROVINCE_CODE)
        .order_by("-year")
        .first()
    )
    return (target.year, target.rate) if target else DEFAULT_TARGET
