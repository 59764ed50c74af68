"""The goods catalogue: items with their unit and reference price, the business types they
serve, and packages of goods per business type within a programme year's value per unit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from berdaya.accounts.scope import require
from berdaya.core.audit import audit_record, changed, snapshot
from berdaya.core.templatetags.berdaya import format_rupiah
from berdaya.programs.models import (
    BusinessType,
    GoodsItem,
    GoodsPackage,
    PackageLine,
    ProgramYear,
)

ITEM_FIELDS = ["code", "name", "unit", "unit_price", "specification", "active"]
CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{1,29}$")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _item_values(fields: dict[str, Any]) -> dict[str, Any]:
    errors = {}
    values = {k: fields[k] for k in ITEM_FIELDS if k in fields}
    if "code" in values:
        values["code"] = (values["code"] or "").strip().upper()
        if not CODE_RE.match(values["code"]):
            errors["code"] = _("A short code of capital letters and digits, e.g. ETL-01.")
    for key in ("name", "unit"):
        if key in values:
            values[key] = (values[key] or "").strip()
            if not values[key]:
                errors[key] = _("This field is required.")
    if "unit_price" in values:
        price = values["unit_price"]
        if price is None or int(price) <= 0:
            errors["unit_price"] = _("The price is a whole number of rupiah above 0.")
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def goods_item_create(
    *, actor: Any, business_types: list[BusinessType] | None = None, **fields: Any
) -> GoodsItem:
    require(actor, "catalogue.manage")
    values = _item_values(fields)
    if GoodsItem.objects.filter(code=values.get("code")).exists():
        raise ValidationError({"code": _("This code is already used.")})
    item = GoodsItem.objects.create(updated_by=_user(actor), **values)
    item.business_types.set(business_types or [])
    audit_record(
        actor=actor,
        action="goods.create",
        obj=item,
        after={
            **snapshot(item, ITEM_FIELDS),
            "business_types": [b.code for b in business_types or []],
        },
    )
    return item


@transaction.atomic
def goods_item_update(
    *,
    actor: Any,
    item: GoodsItem,
    business_types: list[BusinessType] | None = None,
    **fields: Any,
) -> GoodsItem:
    """Change an item. Its price here is the reference for new packages; packages and handovers
    already made keep the price they were made with."""
    require(actor, "catalogue.manage")
    item = GoodsItem.objects.select_for_update().get(pk=item.pk)
    fields.pop("code", None)
    before = snapshot(item, ITEM_FIELDS)
    before_types = sorted(item.business_types.values_list("code", flat=True))
    for key, value in _item_values(fields).items():
        setattr(item, key, value)
    item.updated_by = _user(actor)
    item.save()
    if business_types is not None:
        item.business_types.set(business_types)
    b, a = changed(before, snapshot(item, ITEM_FIELDS))
    after_types = sorted(item.business_types.values_list("code", flat=True))
    if after_types != before_types:
        b["business_types"], a["business_types"] = before_types, after_types
    if a:
        audit_record(actor=actor, action="goods.update", obj=item, before=b, after=a)
    return item


@dataclass
class PackageCheck:
    total: int
    limit: int | None  # None: no fixed value per unit (set per need)

    @property
    def remainder(self) -> int | None:
        return None if self.limit is None else self.limit - self.total

    @property
    def over(self) -> bool:
        return self.limit is not None and self.total > self.limit


def package_check(program_year: ProgramYear, total: int) -> PackageCheck:
    return PackageCheck(total, program_year.value_per_unit or None)


@transaction.atomic
def package_save(
    *,
    actor: Any,
    program_year: ProgramYear,
    name: str,
    quantities: dict[int, int],
    business_type: BusinessType | None = None,
    notes: str = "",
    active: bool = True,
    package: GoodsPackage | None = None,
) -> GoodsPackage:
    """Create or change a package: its items and quantities, priced at the catalogue's current
    prices, within the programme year's value per unit."""
    require(actor, "catalogue.manage")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("This field is required.")})
    clash = GoodsPackage.objects.filter(program_year=program_year, name__iexact=name)
    if package is not None:
        clash = clash.exclude(pk=package.pk)
    if clash.exists():
        raise ValidationError({"name": _("Another package of this programme year has this name.")})
    wanted = {int(k): int(v or 0) for k, v in quantities.items() if int(v or 0) > 0}
    if any(int(v or 0) < 0 for v in quantities.values()):
        raise ValidationError(_("A quantity cannot be negative."))
    if not wanted:
        raise ValidationError(_("A package needs at least one item."))
    items = {i.pk: i for i in GoodsItem.objects.filter(pk__in=wanted, active=True)}
    if len(items) != len(wanted):
        raise ValidationError(_("Some items are not in the catalogue or no longer active."))
    old_prices = {}
    if package is not None:
        old_prices = {x.item_id: x.unit_price for x in package.lines.all()}
    prices = {i: old_prices.get(i, items[i].unit_price) for i in wanted}
    total = sum(prices[i] * q for i, q in wanted.items())
    check = package_check(program_year, total)
    if check.over:
        raise ValidationError(
            _("The package costs %(total)s, %(over)s more than the value per unit (%(limit)s).")
            % {
                "total": format_rupiah(total),
                "over": format_rupiah(-check.remainder),
                "limit": format_rupiah(check.limit),
            }
        )
    created = package is None
    before = None
    if created:
        package = GoodsPackage(program_year=program_year)
    else:
        package = GoodsPackage.objects.select_for_update().get(pk=package.pk)
        before = {
            "name": package.name,
            "lines": {str(x.item_id): x.quantity for x in package.lines.all()},
            "total": package.total,
        }
    package.name, package.business_type, package.notes = name, business_type, notes.strip()
    package.active, package.total, package.updated_by = active, total, _user(actor)
    package.save()
    package.lines.exclude(item_id__in=wanted).delete()
    for item_id, qty in wanted.items():
        PackageLine.objects.update_or_create(
            package=package,
            item_id=item_id,
            defaults={"quantity": qty, "unit_price": prices[item_id]},
        )
    after = {"name": name, "lines": {str(i): q for i, q in wanted.items()}, "total": total}
    if before != after:
        audit_record(
            actor=actor,
            action="package.create" if created else "package.update",
            obj=package,
            before=before,
            after=after,
        )
    return package


@transaction.atomic
def business_type_create(*, actor: Any, code: str, name: str) -> BusinessType:
    require(actor, "catalogue.manage")
    code = (code or "").strip().upper()
    name = (name or "").strip()
    if not CODE_RE.match(code) or not name:
        raise ValidationError(_("Give a short code of capital letters and a name."))
    if BusinessType.objects.filter(code=code).exists():
        raise ValidationError({"code": _("This code is already used.")})
    bt = BusinessType.objects.create(code=code, name=name)
    audit_record(actor=actor, action="business_type.create", obj=bt, after={"name": name})
    return bt
