"""Exhibitions (seed 004): beneficiaries show their products at SME (UMKM) exhibitions.

The province organises exhibitions open to every regency/city; a regency/city office may
organise its own. Each office brings its own beneficiaries (followed units) and records what
they showed and sold; a price and a quantity make a product's sales, and a participant's sales
are the sum of its products.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import Http404
from django.utils.translation import gettext as _

from berdaya.accounts.scope import require, require_region
from berdaya.core.audit import audit_record, changed, snapshot
from berdaya.monitoring.models import (
    Exhibition,
    ExhibitionParticipant,
    ExhibitionProduct,
    MonitoredUnit,
)
from berdaya.monitoring.visits import parse_money

FIELDS = ["name", "organiser", "place", "region", "starts_on", "ends_on", "notes"]
MAX_PRICE = 100_000_000


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _values(actor: Any, fields: dict[str, Any], current: Exhibition | None) -> dict[str, Any]:
    values = {k: fields[k] for k in FIELDS if k in fields}
    errors = {}
    for key, label in (
        ("name", _("Name")),
        ("organiser", _("Organised by")),
        ("place", _("Place")),
    ):
        if key in values or current is None:
            values[key] = (values.get(key) or "").strip()
            if not values[key]:
                errors[key] = _("%(field)s is required.") % {"field": label}
    if "region" in values or current is None:
        region = values.get("region")
        code = getattr(region, "code", region) or None
        scope = actor.region_scope
        if scope is not None:
            # A regency/city office organises in its own region only.
            if code and code != scope:
                raise Http404
            code = scope
        values["region"] = None
        values["region_id"] = code
    start = values.get("starts_on", current.starts_on if current else None)
    end = values.get("ends_on", current.ends_on if current else None)
    if start is None:
        errors["starts_on"] = _("%(field)s is required.") % {"field": _("First day")}
    elif end and end < start:
        errors["ends_on"] = _("Last day: it is before the first day.")
    if errors:
        raise ValidationError(errors)
    values.pop("region", None)
    return values


@transaction.atomic
def exhibition_create(*, actor: Any, **fields: Any) -> Exhibition:
    require(actor, "exhibitions.manage")
    values = _values(actor, fields, None)
    exhibition = Exhibition.objects.create(created_by=_user(actor), **values)
    audit_record(
        actor=actor,
        action="exhibition.create",
        obj=exhibition,
        after=snapshot(exhibition, FIELDS),
    )
    return exhibition


@transaction.atomic
def exhibition_update(*, actor: Any, exhibition: Exhibition, **fields: Any) -> Exhibition:
    require(actor, "exhibitions.manage")
    if actor.region_scope is not None and exhibition.region_id != actor.region_scope:
        # A province exhibition is read by every office but changed by the province only.
        raise Http404
    before = snapshot(exhibition, FIELDS)
    for key, value in _values(actor, fields, exhibition).items():
        setattr(exhibition, key, value)
    exhibition.save()
    b, a = changed(before, snapshot(exhibition, FIELDS))
    if a:
        audit_record(actor=actor, action="exhibition.update", obj=exhibition, before=b, after=a)
    return exhibition


@transaction.atomic
def participant_add(
    *, actor: Any, exhibition: Exhibition, unit: MonitoredUnit, notes: str = ""
) -> ExhibitionParticipant:
    """Bring a followed unit (of the actor's region) to an exhibition open to its region."""
    require(actor, "exhibitions.record")
    require_region(actor, unit.region_id)
    if exhibition.region_id and exhibition.region_id != unit.region_id:
        raise ValidationError(
            {
                "unit": _("This exhibition is for the beneficiaries of %(region)s.")
                % {"region": exhibition.region.name}
            }
        )
    if unit.closed_because == "no_handover":
        raise ValidationError({"unit": _("This unit received no goods.")})
    try:
        with transaction.atomic():
            participant = ExhibitionParticipant.objects.create(
                exhibition=exhibition,
                unit=unit,
                region_id=unit.region_id,
                notes=(notes or "").strip(),
                added_by=_user(actor),
            )
    except IntegrityError:
        raise ValidationError(
            {"unit": _("%(name)s already takes part in this exhibition.") % {"name": unit.name}}
        ) from None
    audit_record(
        actor=actor,
        action="exhibition.participant",
        obj=participant,
        after={"exhibition": exhibition.pk, "unit": unit.pk, "name": unit.name},
    )
    return participant


def _recount(participant: ExhibitionParticipant) -> None:
    total = participant.products.aggregate(s=Sum("sales"))["s"] or 0
    ExhibitionParticipant.objects.filter(pk=participant.pk).update(sales=total)
    participant.sales = total


@transaction.atomic
def product_record(
    *,
    actor: Any,
    participant: ExhibitionParticipant,
    name: str,
    unit_price: Any,
    quantity_sold: Any,
) -> ExhibitionProduct:
    """A product shown at the exhibition, its price and how many were sold."""
    require(actor, "exhibitions.record")
    require_region(actor, participant.region_id)
    participant = ExhibitionParticipant.objects.select_for_update().get(pk=participant.pk)
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("%(field)s is required.") % {"field": _("Product")}
    price = None
    try:
        price = parse_money(unit_price) if str(unit_price or "").strip() else None
    except ValueError:
        pass
    if price is None or price < 0:
        errors["unit_price"] = _("Price: write an amount in whole rupiah, e.g. 25000.")
    elif price > MAX_PRICE:
        errors["unit_price"] = _(
            "Price: that is more than a product of a micro business costs; check the digits."
        )
    try:
        sold = int(str(quantity_sold if quantity_sold not in (None, "") else 0).strip())
        if sold < 0:
            raise ValueError
    except ValueError:
        sold = None
        errors["quantity_sold"] = _("Sold: write a whole number (0 if none).")
    if errors:
        raise ValidationError(errors)
    product = ExhibitionProduct.objects.create(
        participant=participant,
        name=name[:150],
        unit_price=price,
        quantity_sold=sold,
        sales=price * sold,
        recorded_by=_user(actor),
    )
    _recount(participant)
    audit_record(
        actor=actor,
        action="exhibition.product",
        obj=participant,
        after={"product": name, "price": price, "sold": sold, "sales": product.sales},
    )
    return product


@transaction.atomic
def product_remove(*, actor: Any, product: ExhibitionProduct) -> None:
    require(actor, "exhibitions.record")
    participant = product.participant
    require_region(actor, participant.region_id)
    before = {"product": product.name, "price": product.unit_price, "sold": product.quantity_sold}
    product.delete()
    _recount(participant)
    audit_record(actor=actor, action="exhibition.product_remove", obj=participant, before=before)


@transaction.atomic
def participant_remove(*, actor: Any, participant: ExhibitionParticipant) -> None:
    """Take a unit off an exhibition it did not attend (only while no sale is recorded)."""
    require(actor, "exhibitions.record")
    require_region(actor, participant.region_id)
    if participant.products.exists():
        raise ValidationError(_("Products are recorded for this participant: remove them first."))
    audit_record(
        actor=actor,
        action="exhibition.participant_remove",
        obj=participant,
        before={"exhibition": participant.exhibition_id, "unit": participant.unit_id},
    )
    participant.delete()


def totals(exhibition: Exhibition, participants: Any) -> dict[str, Any]:
    """Participants, products and sales of the participants given (the user's region)."""
    rows = list(participants)
    return {
        "participants": len(rows),
        "products": ExhibitionProduct.objects.filter(participant__in=rows).count(),
        "sold": ExhibitionProduct.objects.filter(participant__in=rows).aggregate(
            n=Sum("quantity_sold")
        )["n"]
        or 0,
        "sales": sum(p.sales for p in rows),
    }


def is_past(exhibition: Exhibition, today: dt.date) -> bool:
    return exhibition.last_day < today
