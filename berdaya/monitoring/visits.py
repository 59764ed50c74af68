"""Writes of follow-up visits and of a monitored unit's course.

A facilitator records a scheduled visit once: what it found (the business, the goods, the
workers, or for an institution what improved for its residents) and photos. The same record
sent twice with the same client key is saved once; two phones recording the same visit cannot
both win (a conditional update). Every refusal names the field, in the user's language.

The unit's course follows its visits (one transition table, below): a visit that finds the
family no longer needs assistance makes it independent (mandiri); the last planned visit
recorded closes the monitoring of a unit still monitored.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from berdaya.accounts.models import User
from berdaya.accounts.roles import Role
from berdaya.accounts.scope import require, require_region
from berdaya.core.audit import audit_record
from berdaya.core.files import stored_file_save
from berdaya.core.templatetags.berdaya import format_rupiah
from berdaya.monitoring.models import (
    BusinessStatus,
    FormKind,
    Improvement,
    MonitoredUnit,
    StopReason,
    UnitStatus,
    Visit,
)

PHOTO_MAX_BYTES = 8 * 1024 * 1024
MAX_PHOTOS = 5
MAX_MONEY = 1_000_000_000  # a month of a micro business: more is a typing slip
MAX_PEOPLE = 1_000
# A business may be found without anyone to photograph: moved away, or the beneficiary died.
NO_PHOTO_REASONS = {StopReason.MOVED, StopReason.DIED}

LABELS = {
    "visited_on": gettext_lazy("Date of the visit"),
    "business_status": gettext_lazy("Business status"),
    "stop_reason": gettext_lazy("Why it stopped"),
    "stop_note": gettext_lazy("About the reason"),
    "business_type": gettext_lazy("Business type"),
    "baseline_revenue": gettext_lazy("Monthly revenue before the assistance"),
    "revenue": gettext_lazy("Monthly revenue"),
    "profit": gettext_lazy("Monthly profit"),
    "workers": gettext_lazy("Workers employed"),
    "workers_poor": gettext_lazy("Workers from poor families"),
    "goods": gettext_lazy("Goods still held"),
    "goods_in_use": gettext_lazy("Goods in use"),
    "residents": gettext_lazy("Residents served"),
    "improvements": gettext_lazy("What improved for the residents"),
    "photos": gettext_lazy("Photos"),
}


def _label(key: str) -> str:
    return str(LABELS.get(key, key))


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _key(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise ValidationError(_("The record has no valid key: reload the form.")) from None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_MONEY_RE = re.compile(r"^(\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+|\d+)(?:[.,]00?)?$")


def parse_money(value: Any) -> int:
    """`1500000`, `1.500.000`, `Rp 1.500.000,00`, `-250.000` -> whole rupiah; ValueError else."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    text = str(value).strip().lower().replace(" ", "").replace("\u00a0", "")
    negative = text.startswith("-")
    text = text.lstrip("-")
    if text.startswith("rp"):
        text = text[2:].lstrip(".")
    match = _MONEY_RE.match(text)
    if not match:
        raise ValueError(value)
    number = int(re.sub(r"[.,]", "", match.group(1)))
    return -number if negative else number


def _money(
    raw: Any, key: str, errors: dict, *, required: bool, negative: bool = False
) -> int | None:
    if _blank(raw):
        if required:
            errors[key] = _("%(field)s is required.") % {"field": _label(key)}
        return None
    try:
        value = parse_money(raw)
    except ValueError:
        errors[key] = _("%(field)s: write an amount in whole rupiah, e.g. 1500000.") % {
            "field": _label(key)
        }
        return None
    if value < 0 and not negative:
        errors[key] = _("%(field)s cannot be negative.") % {"field": _label(key)}
        return None
    if abs(value) > MAX_MONEY:
        errors[key] = _(
            "%(field)s: %(value)s a month is more than a micro business makes; check the digits."
        ) % {
            "field": _label(key),
            "value": format_rupiah(value),
        }
        return None
    return value


def _count(raw: Any, key: str, errors: dict, *, required: bool) -> int | None:
    if _blank(raw):
        if required:
            errors[key] = _("%(field)s is required (0 if none).") % {"field": _label(key)}
        return None
    try:
        value = int(str(raw).strip()) if not isinstance(raw, int) else raw
    except ValueError:
        errors[key] = _("%(field)s: write a whole number.") % {"field": _label(key)}
        return None
    if value < 0:
        errors[key] = _("%(field)s cannot be negative.") % {"field": _label(key)}
        return None
    if value > MAX_PEOPLE:
        errors[key] = _("%(field)s: at most %(max)s.") % {"field": _label(key), "max": MAX_PEOPLE}
        return None
    return value


def _yes_no(raw: Any) -> bool | None:
    if isinstance(raw, bool) or raw is None:
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "ya", "on", "y"):
        return True
    if text in ("0", "false", "no", "tidak", "off", "n"):
        return False
    return None


# --- What the unit received: the goods asked about at each visit --------------------------------


def unit_goods(unit: MonitoredUnit) -> list[dict[str, Any]]:
    """The goods handed over to the unit (recorded handovers): item, name, quantity, price."""
    from berdaya.distribution.models import Handover, HandoverLine

    lines: dict[int, dict[str, Any]] = {}
    for line in HandoverLine.objects.filter(
        handover__allocation_id=unit.allocation_id, handover__status=Handover.Status.RECORDED
    ).select_related("item"):
        row = lines.setdefault(
            line.item_id,
            {
                "item": line.item_id,
                "name": line.item.name,
                "unit": line.item.unit,
                "quantity": 0,
                "price": line.unit_price,
            },
        )
        row["quantity"] += line.quantity
    return list(lines.values())


# --- The unit's course -------------------------------------------------------------------------

TRANSITIONS: dict[str, set[str]] = {
    UnitStatus.MONITORED: {UnitStatus.INDEPENDENT, UnitStatus.CLOSED},
    UnitStatus.INDEPENDENT: {UnitStatus.MONITORED, UnitStatus.CLOSED},
    UnitStatus.CLOSED: {UnitStatus.MONITORED},
}


def _transition(
    *, actor: Any, unit: MonitoredUnit, new: str, note: str = "", because: str = ""
) -> MonitoredUnit:
    old = unit.status
    if new not in TRANSITIONS.get(old, set()):
        raise ValidationError(
            _("A unit that is %(old)s cannot become %(new)s.")
            % {"old": UnitStatus(old).label, "new": UnitStatus(new).label}
        )
    rows = MonitoredUnit.objects.filter(pk=unit.pk, status=old).update(
        status=new, status_note=note, closed_because=because if new == UnitStatus.CLOSED else ""
    )
    if rows != 1:
        raise ValidationError(_("Someone changed this unit meanwhile: reload the page."))
    audit_record(
        actor=actor,
        action="monitoring.status",
        obj=unit,
        before={"status": old},
        after={"status": new},
        note=note,
    )
    unit.status, unit.status_note = new, note
    unit.closed_because = because if new == UnitStatus.CLOSED else ""
    return unit


def _locked_unit(unit: MonitoredUnit | int) -> MonitoredUnit:
    pk = unit.pk if isinstance(unit, MonitoredUnit) else int(unit)
    return (
        MonitoredUnit.objects.select_for_update(of=("self",))
        .select_related("program_year__program", "region", "facilitator")
        .get(pk=pk)
    )


def _reason(text: str) -> str:
    text = (text or "").strip()
    if len(text) < 10:
        raise ValidationError({"reason": _("Write the reason (at least 10 characters).")})
    return text


@transaction.atomic
def unit_close(*, actor: Any, unit: MonitoredUnit, reason: str) -> MonitoredUnit:
    """End a unit's monitoring early (moved out of the province, died...): its visits still
    scheduled are cancelled."""
    require(actor, "monitoring.manage")
    require_region(actor, unit.region_id)
    reason = _reason(reason)
    unit = _locked_unit(unit)
    if unit.status == UnitStatus.CLOSED:
        raise ValidationError(_("The monitoring of this unit is already closed."))
    unit.visits.filter(status=Visit.Status.SCHEDULED).update(
        status=Visit.Status.CANCELLED, cancel_kind="closed", cancel_reason=reason
    )
    return _transition(actor=actor, unit=unit, new=UnitStatus.CLOSED, note=reason, because="manual")


@transaction.atomic
def unit_reopen(*, actor: Any, unit: MonitoredUnit, reason: str) -> MonitoredUnit:
    """Follow a closed unit again: visits cancelled by the closing come back."""
    require(actor, "monitoring.manage")
    require_region(actor, unit.region_id)
    reason = _reason(reason)
    unit = _locked_unit(unit)
    if unit.status != UnitStatus.CLOSED:
        raise ValidationError(_("This unit is still followed."))
    if unit.closed_because == "no_handover":
        raise ValidationError(_("Every handover of this unit was voided: record a handover first."))
    unit.visits.filter(status=Visit.Status.CANCELLED, cancel_kind="closed").update(
        status=Visit.Status.SCHEDULED, cancel_kind="", cancel_reason=""
    )
    return _transition(actor=actor, unit=unit, new=UnitStatus.MONITORED, note=reason)


@transaction.atomic
def unit_assign(*, actor: Any, unit: MonitoredUnit, facilitator: User | None) -> MonitoredUnit:
    """Give a unit to a facilitator of its regency/city (None: nobody in particular)."""
    require(actor, "monitoring.manage")
    require_region(actor, unit.region_id)
    unit = _locked_unit(unit)
    if facilitator is not None and (
        facilitator.role != Role.FACILITATOR
        or facilitator.region_id != unit.region_id
        or not facilitator.is_active
    ):
        raise ValidationError(
            {
                "facilitator": _("Choose an active facilitator of %(region)s.")
                % {"region": unit.region.name}
            }
        )
    new = facilitator.pk if facilitator else None
    if new == unit.facilitator_id:
        return unit
    before = unit.facilitator.username if unit.facilitator_id else None
    MonitoredUnit.objects.filter(pk=unit.pk).update(facilitator=facilitator)
    audit_record(
        actor=actor,
        action="monitoring.assign",
        obj=unit,
        before={"facilitator": before},
        after={"facilitator": facilitator.username if facilitator else None},
    )
    unit.facilitator = facilitator
    return unit


@transaction.atomic
def visit_cancel(*, actor: Any, visit: Visit, reason: str) -> Visit:
    """Cancel one scheduled visit (the unit cannot be visited that month, for a reason)."""
    require(actor, "monitoring.manage")
    require_region(actor, visit.region_id)
    reason = _reason(reason)
    rows = Visit.objects.filter(pk=visit.pk, status=Visit.Status.SCHEDULED).update(
        status=Visit.Status.CANCELLED, cancel_kind="manual", cancel_reason=reason
    )
    if rows != 1:
        raise ValidationError(_("Only a scheduled visit can be cancelled."))
    audit_record(actor=actor, action="visit.cancel", obj=visit, note=reason)
    visit.refresh_from_db()
    _close_if_complete(actor, visit.unit_id)
    return visit


def _close_if_complete(actor: Any, unit_id: int) -> None:
    unit = _locked_unit(unit_id)
    if unit.status != UnitStatus.MONITORED:
        return
    if unit.visits.filter(status=Visit.Status.SCHEDULED).exists():
        return
    if not unit.visits.filter(status=Visit.Status.DONE).exists():
        return
    _transition(
        actor=actor,
        unit=unit,
        new=UnitStatus.CLOSED,
        note=_("Every planned visit is done: the monitoring period is over."),
        because="completed",
    )


# --- Recording a visit -------------------------------------------------------------------------


def opens_on(visit: Visit, window_days: int) -> dt.date:
    """The first day a visit may be recorded: its window opens `window_days` before it falls due."""
    return visit.due_on - dt.timedelta(days=window_days)


@transaction.atomic
def visit_record(
    *,
    actor: Any,
    visit: Visit | int,
    client_key: Any,
    visited_on: dt.date | str | None,
    business_status: str = "",
    stop_reason: str = "",
    stop_note: str = "",
    business_type: str = "",
    baseline_revenue: Any = None,
    revenue: Any = None,
    profit: Any = None,
    workers: Any = None,
    workers_poor: Any = None,
    goods: dict[Any, Any] | None = None,
    goods_in_use: Any = None,
    residents: Any = None,
    improvements: list[str] | None = None,
    improvement_note: str = "",
    independent: Any = False,
    notes: str = "",
    photos: list[Any] | tuple[Any, ...] = (),
    captured_at: dt.datetime | None = None,
) -> tuple[Visit, bool]:
    """Record what a follow-up visit found; returns the visit and whether it was saved now.

    Amounts may come as typed on a phone (`1.500.000`); every problem is reported at once, each
    under its field. The same `client_key` sent again returns the visit saved the first time.
    """
    require(actor, "visits.record")
    key = _key(client_key)
    pk = visit.pk if isinstance(visit, Visit) else int(visit)
    # The visit's row is the lock: a retry waits for the first send to commit, then finds it.
    visit = Visit.objects.select_for_update(of=("self",)).select_related("unit").get(pk=pk)
    require_region(actor, visit.region_id)
    same = Visit.objects.filter(client_key=key).first()
    if same is not None:
        if same.pk != visit.pk:
            raise ValidationError(_("This record's key belongs to another visit."))
        return same, False
    if visit.status == Visit.Status.DONE:
        raise ValidationError(
            _("This visit was already recorded on %(date)s by %(name)s.")
            % {
                "date": visit.visited_on.strftime("%d-%m-%Y") if visit.visited_on else "",
                "name": visit.recorded_by.display_name if visit.recorded_by_id else "—",
            }
        )
    if visit.status == Visit.Status.CANCELLED:
        raise ValidationError(
            _("This visit was cancelled: %(reason)s") % {"reason": visit.cancel_reason}
        )
    unit = _locked_unit(visit.unit_id)
    if unit.status == UnitStatus.CLOSED:
        raise ValidationError(_("The monitoring of this unit is closed."))
    from berdaya.monitoring.scheduling import plan_for

    plan = plan_for(unit.program_year.program)
    errors: dict[str, str] = {}
    today = timezone.localdate()
    values: dict[str, Any] = {}

    # When.
    if isinstance(visited_on, str):
        from django.utils.dateparse import parse_date

        text = visited_on.strip()
        try:
            visited_on = parse_date(text) if text else None
        except ValueError:
            visited_on = None
        if text and visited_on is None:
            errors["visited_on"] = _("%(field)s: write a date, e.g. 2026-03-15.") % {
                "field": _label("visited_on")
            }
    if "visited_on" in errors:
        pass
    elif visited_on is None:
        errors["visited_on"] = _("%(field)s is required.") % {"field": _label("visited_on")}
    elif visited_on > today:
        errors["visited_on"] = _("%(field)s cannot be in the future.") % {
            "field": _label("visited_on")
        }
    elif visited_on < unit.started_on:
        errors["visited_on"] = _(
            "%(field)s cannot be before the goods were received (%(date)s)."
        ) % {
            "field": _label("visited_on"),
            "date": unit.started_on.strftime("%d-%m-%Y"),
        }
    elif visited_on < opens_on(visit, plan.window_days):
        errors["visited_on"] = _(
            "%(field)s: this visit falls due on %(due)s; it can be recorded from %(from)s."
        ) % {
            "field": _label("visited_on"),
            "due": visit.due_on.strftime("%d-%m-%Y"),
            "from": opens_on(visit, plan.window_days).strftime("%d-%m-%Y"),
        }
    values["visited_on"] = visited_on

    # What was found.
    kind = unit.form_kind
    stopped = False
    if kind == FormKind.BUSINESS:
        status = (business_status or "").strip()
        if not status:
            errors["business_status"] = _(
                "%(field)s: choose running, growing, stagnant or stopped."
            ) % {"field": _label("business_status")}
        elif status not in BusinessStatus.values:
            errors["business_status"] = _(
                "%(field)s: choose running, growing, stagnant or stopped."
            ) % {"field": _label("business_status")}
        stopped = status == BusinessStatus.STOPPED
        values["business_status"] = status
        reason = (stop_reason or "").strip()
        note = (stop_note or "").strip()
        if stopped:
            if not reason or reason not in StopReason.values:
                errors["stop_reason"] = _(
                    "%(field)s: choose the main reason the business stopped."
                ) % {"field": _label("stop_reason")}
            elif reason == StopReason.OTHER and len(note) < 5:
                errors["stop_note"] = _("%(field)s: write the reason the business stopped.") % {
                    "field": _label("stop_note")
                }
            values["stop_reason"], values["stop_note"] = reason, note[:300]
        else:
            values["stop_reason"], values["stop_note"] = "", ""
        running = bool(status) and not stopped
        if unit.baseline_revenue is None:
            values["baseline_revenue"] = _money(
                baseline_revenue, "baseline_revenue", errors, required=True
            )
        values["revenue"] = _money(revenue, "revenue", errors, required=running)
        values["profit"] = _money(profit, "profit", errors, required=running, negative=True)
        if stopped:
            values["revenue"] = values["revenue"] or 0
        if (
            values.get("revenue") is not None
            and values.get("profit") is not None
            and values["profit"] > values["revenue"]
        ):
            errors["profit"] = _(
                "%(field)s (%(profit)s) cannot be more than the revenue (%(revenue)s)."
            ) % {
                "field": _label("profit"),
                "profit": format_rupiah(values["profit"]),
                "revenue": format_rupiah(values["revenue"]),
            }
        values["workers"] = _count(workers, "workers", errors, required=running)
        values["workers_poor"] = _count(workers_poor, "workers_poor", errors, required=False)
        if values["workers"] is None and stopped:
            values["workers"] = 0
        if values["workers_poor"] is None and values["workers"] is not None:
            values["workers_poor"] = 0
        if (
            values["workers"] is not None
            and values["workers_poor"] is not None
            and values["workers_poor"] > values["workers"]
        ):
            errors["workers_poor"] = _(
                "%(field)s (%(poor)s) cannot be more than all the workers employed (%(all)s)."
            ) % {
                "field": _label("workers_poor"),
                "poor": values["workers_poor"],
                "all": values["workers"],
            }
        business_type = (business_type or "").strip()[:100]
        if business_type and not unit.business_type:
            values["business_type"] = business_type
    elif kind == FormKind.INSTITUTION:
        values["residents"] = _count(residents, "residents", errors, required=True)
        chosen = [i for i in (improvements or []) if i]
        unknown = [i for i in chosen if i not in Improvement.values]
        note = (improvement_note or "").strip()
        if unknown:
            errors["improvements"] = _("%(field)s: choose from the list.") % {
                "field": _label("improvements")
            }
        elif not chosen and len(note) < 10:
            errors["improvements"] = _(
                "%(field)s: choose what improved, or write why nothing did "
                "(at least 10 characters)."
            ) % {"field": _label("improvements")}
        values["improvements"], values["improvement_note"] = sorted(set(chosen)), note
    else:
        in_use = _yes_no(goods_in_use)
        if in_use is None:
            errors["goods_in_use"] = _("%(field)s: answer yes or no.") % {
                "field": _label("goods_in_use")
            }
        values["goods_in_use"] = in_use

    # The goods handed over: how many of each are still held.
    lines = unit_goods(unit)
    held: dict[str, int] = {}
    problems = []
    given = {str(k): v for k, v in (goods or {}).items()}
    for line in lines:
        raw = given.get(str(line["item"]))
        if _blank(raw):
            problems.append(
                _("write how many %(item)s are still held (0 if none)") % {"item": line["name"]}
            )
            continue
        try:
            qty = int(str(raw).strip())
        except ValueError:
            problems.append(_("%(item)s: a whole number") % {"item": line["name"]})
            continue
        if qty < 0 or qty > line["quantity"]:
            problems.append(
                _("%(item)s: between 0 and the %(n)s handed over")
                % {"item": line["name"], "n": line["quantity"]}
            )
            continue
        held[str(line["item"])] = qty
    if problems:
        errors["goods"] = _("%(field)s: %(problems)s.") % {
            "field": _label("goods"),
            "problems": "; ".join(problems),
        }
    value_given = sum(x["quantity"] * x["price"] for x in lines)
    if lines and not problems:
        value_held = sum(held[str(x["item"])] * x["price"] for x in lines)
        values["goods_held_percent"] = round(100 * value_held / value_given) if value_given else 100
    values["goods"] = held

    # Evidence.
    photos = [p for p in (photos or []) if p]
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = _("%(field)s: at most %(n)s.") % {
            "field": _label("photos"),
            "n": MAX_PHOTOS,
        }
    elif not photos and not (stopped and values.get("stop_reason") in NO_PHOTO_REASONS):
        errors["photos"] = _("%(field)s: at least one photo of the visit is required.") % {
            "field": _label("photos")
        }
    independent = bool(_yes_no(independent))
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    rows = Visit.objects.filter(pk=visit.pk, status=Visit.Status.SCHEDULED).update(
        status=Visit.Status.DONE,
        client_key=key,
        independent=independent,
        notes=(notes or "").strip(),
        recorded_by=_user(actor),
        recorded_at=now,
        captured_at=captured_at,
        **values,
    )
    if rows != 1:
        raise ValidationError(_("This visit was recorded meanwhile: reload the page."))
    visit.refresh_from_db()
    for upload in photos:
        stored_file_save(
            actor=actor,
            owner=visit,
            kind="foto_monitoring",
            upload=upload,
            max_bytes=PHOTO_MAX_BYTES,
        )
    unit_changes = {}
    if values.get("baseline_revenue") is not None:
        unit_changes["baseline_revenue"] = values["baseline_revenue"]
    if values.get("business_type"):
        unit_changes["business_type"] = values["business_type"]
    if unit_changes:
        MonitoredUnit.objects.filter(pk=unit.pk).update(**unit_changes)
    # A visit left behind is missed, not overdue for ever: a later one has been made.
    missed = list(
        unit.visits.filter(status=Visit.Status.SCHEDULED, month__lt=visit.month).values_list(
            "month", flat=True
        )
    )
    if missed:
        unit.visits.filter(status=Visit.Status.SCHEDULED, month__lt=visit.month).update(
            status=Visit.Status.CANCELLED,
            cancel_kind="missed",
            cancel_reason=_("Not visited: a later visit was recorded."),
        )
    audit_record(
        actor=actor,
        action="visit.record",
        obj=visit,
        after={
            "month": visit.month,
            "visited_on": visit.visited_on,
            "business_status": visit.business_status,
            "stop_reason": visit.stop_reason,
            "revenue": visit.revenue,
            "profit": visit.profit,
            "workers": visit.workers,
            "workers_poor": visit.workers_poor,
            "goods_held_percent": visit.goods_held_percent,
            "residents": visit.residents,
            "independent": independent,
            "photos": len(photos),
            "missed": missed or None,
            "captured_at": captured_at,
            **unit_changes,
        },
    )
    if independent and unit.status == UnitStatus.MONITORED:
        _transition(
            actor=actor,
            unit=unit,
            new=UnitStatus.INDEPENDENT,
            note=_("The visit of %(date)s found the family no longer needs assistance.")
            % {"date": visit.visited_on.strftime("%d-%m-%Y")},
        )
    elif not independent and unit.status == UnitStatus.INDEPENDENT:
        _transition(
            actor=actor,
            unit=unit,
            new=UnitStatus.MONITORED,
            note=_("The visit of %(date)s found the family needs assistance again.")
            % {"date": visit.visited_on.strftime("%d-%m-%Y")},
        )
    _close_if_complete(actor, unit.pk)
    return visit, True
