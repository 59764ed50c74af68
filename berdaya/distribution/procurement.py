"""Procurement batches: goods ordered from a vendor for a regency/city, their deliveries, and
where the goods are; the stock left is what was delivered less what was handed over."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.accounts.scope import require, require_region
from berdaya.core.audit import audit_record
from berdaya.core.files import stored_file_save
from berdaya.distribution.models import (
    Delivery,
    Handover,
    HandoverLine,
    ProcurementBatch,
    ProcurementLine,
)
from berdaya.programs.models import GoodsItem, ProgramYear
from berdaya.programs.targets import regency
from berdaya.regions.models import Region


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
def procurement_create(
    *,
    actor: Any,
    program_year: ProgramYear,
    region: Region | str,
    vendor: str,
    contract_number: str,
    location: str,
    quantities: dict[int, int],
    contract_date: dt.date | None = None,
    notes: str = "",
) -> ProcurementBatch:
    """Record an order: items and quantities at the catalogue's current prices."""
    require(actor, "procurement.manage")
    region = regency(region)
    require_region(actor, region.code)
    errors = {}
    for key, value in (
        ("vendor", vendor),
        ("contract_number", contract_number),
        ("location", location),
    ):
        if not (value or "").strip():
            errors[key] = _("This field is required.")
    if errors:
        raise ValidationError(errors)
    wanted = {int(k): int(v or 0) for k, v in quantities.items() if int(v or 0) > 0}
    if not wanted:
        raise ValidationError(_("An order needs at least one item."))
    items = {i.pk: i for i in GoodsItem.objects.filter(pk__in=wanted)}
    if len(items) != len(wanted):
        raise ValidationError(_("Some items are not in the catalogue."))
    batch = ProcurementBatch.objects.create(
        program_year=program_year,
        region=region,
        vendor=vendor.strip(),
        contract_number=contract_number.strip(),
        contract_date=contract_date,
        location=location.strip(),
        notes=(notes or "").strip(),
        created_by=_user(actor),
        total=sum(items[i].unit_price * q for i, q in wanted.items()),
    )
    ProcurementLine.objects.bulk_create(
        [
            ProcurementLine(batch=batch, item=items[i], ordered=q, unit_price=items[i].unit_price)
            for i, q in wanted.items()
        ]
    )
    audit_record(
        actor=actor,
        action="procurement.create",
        obj=batch,
        after={
            "vendor": batch.vendor,
            "contract": batch.contract_number,
            "total": batch.total,
            "lines": {items[i].code: q for i, q in wanted.items()},
        },
    )
    return batch


@transaction.atomic
def delivery_record(
    *,
    actor: Any,
    batch: ProcurementBatch,
    delivered_on: dt.date,
    location: str,
    received_by: str,
    quantities: dict[int, int],
    document: Any = None,
    note: str = "",
) -> Delivery:
    """Goods of a batch received: never more than ordered; the batch's place follows them."""
    require(actor, "procurement.manage")
    require_region(actor, batch.region_id)
    batch = ProcurementBatch.objects.select_for_update().get(pk=batch.pk)
    if delivered_on is None or delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": _("The date cannot be in the future.")})
    if not (location or "").strip() or not (received_by or "").strip():
        raise ValidationError(_("Write where the goods were received and by whom."))
    lines = {x.pk: x for x in batch.lines.select_related("item")}
    given = {}
    for line_id, qty in quantities.items():
        line = lines.get(int(line_id))
        qty = int(qty or 0)
        if line is None or qty < 0:
            raise ValidationError(_("A quantity does not belong to this order."))
        if qty > line.ordered - line.delivered:
            raise ValidationError(
                _("%(item)s: %(n)s delivered, but only %(left)s are still due.")
                % {"item": line.item.name, "n": qty, "left": line.ordered - line.delivered}
            )
        if qty:
            given[line] = qty
    if not given:
        raise ValidationError(_("Write how many of each item were delivered."))
    for line, qty in given.items():
        ProcurementLine.objects.filter(pk=line.pk).update(delivered=F("delivered") + qty)
    delivery = Delivery.objects.create(
        batch=batch,
        delivered_on=delivered_on,
        location=location.strip(),
        received_by=received_by.strip(),
        quantities={line.item.code: qty for line, qty in given.items()},
        note=(note or "").strip(),
        recorded_by=_user(actor),
    )
    if document is not None:
        delivery.document = stored_file_save(
            actor=actor, owner=batch, kind="surat_jalan", upload=document
        )
        delivery.save(update_fields=["document"])
    due = sum(x.ordered - x.delivered for x in batch.lines.all())
    batch.status = (
        ProcurementBatch.Status.DELIVERED if due == 0 else ProcurementBatch.Status.PARTIAL
    )
    batch.location = delivery.location
    batch.save(update_fields=["status", "location"])
    audit_record(
        actor=actor,
        action="procurement.delivery",
        obj=batch,
        after={
            "delivered_on": delivered_on,
            "location": delivery.location,
            "quantities": delivery.quantities,
            "status": batch.status,
        },
    )
    return delivery


@dataclass
class StockRow:
    item: GoodsItem
    ordered: int
    delivered: int
    handed_over: int
    locations: list[str]

    @property
    def in_stock(self) -> int:
        return self.delivered - self.handed_over

    @property
    def short(self) -> bool:
        return self.handed_over > self.delivered


def stock(program_year: ProgramYear, region_code: str) -> list[StockRow]:
    """Per item for a region: ordered, delivered, handed over (recorded handovers), and where
    the delivered goods were last received."""
    ordered = {
        r["item"]: r
        for r in ProcurementLine.objects.filter(
            batch__program_year=program_year, batch__region_id=region_code
        )
        .values("item")
        .annotate(o=Sum("ordered"), d=Sum("delivered"))
    }
    given = dict(
        HandoverLine.objects.filter(
            handover__program_year=program_year,
            handover__region_id=region_code,
            handover__status=Handover.Status.RECORDED,
        )
        .values("item")
        .annotate(q=Sum("quantity"))
        .values_list("item", "q")
    )
    locations: dict[int, set[str]] = {}
    for item_id, place in ProcurementLine.objects.filter(
        batch__program_year=program_year, batch__region_id=region_code, delivered__gt=0
    ).values_list("item", "batch__location"):
        locations.setdefault(item_id, set()).add(place)
    items = GoodsItem.objects.in_bulk(set(ordered) | set(given))
    return sorted(
        (
            StockRow(
                items[i],
                (ordered.get(i) or {}).get("o") or 0,
                (ordered.get(i) or {}).get("d") or 0,
                given.get(i) or 0,
                sorted(locations.get(i, set())),
            )
            for i in items
        ),
        key=lambda r: r.item.name,
    )
