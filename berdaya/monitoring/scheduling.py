"""Scheduling follow-up visits after the handover, and each programme's visit plan.

A unit's monitoring starts on the date of its first recorded handover (a later handover that
completes a partial one does not move it; voiding the first one does). Its visits fall due at
the plan's months after that date and are assigned to a facilitator of its regency/city: the
one who follows the fewest open units.

Two paths reach the same reconciliation, so that nothing depends on signals alone:
- a `post_save` receiver on distribution's Handover (registered in apps.ready) schedules the
  unit once the handover's transaction commits;
- `visits_schedule()` (the `schedule-visits` command, the demo, the catch-up button) goes over
  every unit in the actor's scope and repairs whatever is missing or out of date.
Both are idempotent: running them again changes nothing and writes no audit row.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.utils.translation import gettext as _

from berdaya.accounts.models import User
from berdaya.accounts.roles import Role
from berdaya.accounts.scope import require, scoped
from berdaya.allocation.models import Allocation
from berdaya.core.audit import audit_record
from berdaya.core.models import AuditChange
from berdaya.monitoring.models import (
    DEFAULT_MONTHS,
    DEFAULT_WINDOW_DAYS,
    FormKind,
    MonitoredUnit,
    MonitoringPlan,
    UnitStatus,
    Visit,
)
from berdaya.programs.models import Program

log = logging.getLogger(__name__)

MAX_MONTHS = 120


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the month's last day when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: dt.date, end: dt.date) -> float:
    """Calendar months from `start` to `end`: whole months, then the rest in days."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    rest = (end - add_months(start, months)).days
    return round(months + rest / 30.4375, 4)


# --- The plan of each programme ----------------------------------------------------------------


def default_form_kind(program: Program) -> str:
    if program.unit == "institution":
        return FormKind.INSTITUTION
    if (program.defaults or {}).get("categories"):
        return FormKind.ASSISTANCE
    return FormKind.BUSINESS


def plan_for(program: Program) -> MonitoringPlan:
    """The programme's plan, or the default one (not saved): 3, 6, 12 and 24 months."""
    plan = MonitoringPlan.objects.filter(program=program).first()
    if plan is None:
        plan = MonitoringPlan(
            program=program,
            months=list(DEFAULT_MONTHS),
            window_days=DEFAULT_WINDOW_DAYS,
            form_kind=default_form_kind(program),
        )
    return plan


def parse_months(value: Any) -> list[int]:
    """`"3, 6, 12, 24"` or a list: whole months 1-120, each once, in order."""
    if isinstance(value, str):
        parts = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
    else:
        parts = list(value or [])
    try:
        months = sorted({int(p) for p in parts})
    except (TypeError, ValueError):
        raise ValidationError(
            {
                "months": _(
                    "Visit months: write whole numbers separated by commas, e.g. 3, 6, 12, 24."
                )
            }
        ) from None
    if not months:
        raise ValidationError({"months": _("Visit months: at least one month is needed.")})
    if months[0] < 1 or months[-1] > MAX_MONTHS:
        raise ValidationError(
            {"months": _("Visit months: each is between 1 and %(max)s.") % {"max": MAX_MONTHS}}
        )
    if len(months) > 12:
        raise ValidationError({"months": _("Visit months: at most 12 visits.")})
    return months


@transaction.atomic
def plan_save(
    *,
    actor: Any,
    program: Program,
    months: Any,
    window_days: int = DEFAULT_WINDOW_DAYS,
    form_kind: str | None = None,
) -> MonitoringPlan:
    """Set when a programme's units are visited; units already followed get the new months on
    the next scheduling (done here at once for the units in the actor's scope)."""
    require(actor, "monitoring.plan")
    months = parse_months(months)
    try:
        window_days = int(window_days)
    except (TypeError, ValueError):
        raise ValidationError(
            {"window_days": _("Days around the due date: a whole number.")}
        ) from None
    if not 0 <= window_days <= 90:
        raise ValidationError({"window_days": _("Days around the due date: between 0 and 90.")})
    form_kind = form_kind or default_form_kind(program)
    if form_kind not in FormKind.values:
        raise ValidationError({"form_kind": _("Choose the visit form.")})
    plan = MonitoringPlan.objects.select_for_update().filter(program=program).first()
    before = (
        {"months": plan.months, "window_days": plan.window_days, "form_kind": plan.form_kind}
        if plan
        else None
    )
    after = {"months": months, "window_days": window_days, "form_kind": form_kind}
    if before == after:
        return plan
    if plan is None:
        plan = MonitoringPlan(program=program)
    plan.months, plan.window_days, plan.form_kind = months, window_days, form_kind
    plan.updated_by = actor if getattr(actor, "pk", None) else None
    plan.save()
    audit_record(actor=actor, action="monitoring.plan", obj=plan, before=before, after=after)
    if before is None or before["months"] != months or before["form_kind"] != form_kind:
        visits_schedule(actor=actor, program=program)
    return plan


# --- Facilitators ------------------------------------------------------------------------------


class _Assigner:
    """Picks, per region, the active facilitator who follows the fewest open units."""

    def __init__(self) -> None:
        self.load: dict[str, dict[int, int]] = {}
        self.users: dict[int, User] = {}

    def _region(self, region: str) -> dict[int, int]:
        if region not in self.load:
            people = list(
                User.objects.filter(role=Role.FACILITATOR, region_id=region, is_active=True)
            )
            self.users.update({u.pk: u for u in people})
            counts = dict(
                MonitoredUnit.objects.filter(
                    facilitator__in=people,
                    status__in=[UnitStatus.MONITORED, UnitStatus.INDEPENDENT],
                )
                .values("facilitator")
                .annotate(n=Count("pk"))
                .values_list("facilitator", "n")
            )
            self.load[region] = {u.pk: counts.get(u.pk, 0) for u in people}
        return self.load[region]

    def valid(self, unit: MonitoredUnit) -> bool:
        return unit.facilitator_id in self._region(unit.region_id)

    def pick(self, region: str) -> User | None:
        load = self._region(region)
        if not load:
            return None
        pk = min(load, key=lambda k: (load[k], self.users[k].username))
        load[pk] += 1
        return self.users[pk]


# --- Reconciling one unit ----------------------------------------------------------------------


def start_dates(allocation_ids: list[int]) -> dict[int, dt.date]:
    """The date of each unit's first recorded (not voided) handover."""
    from berdaya.distribution.models import Handover

    out: dict[int, dt.date] = {}
    ids = list(allocation_ids)
    for i in range(0, len(ids), 2000):
        out.update(
            Handover.objects.filter(
                allocation_id__in=ids[i : i + 2000], status=Handover.Status.RECORDED
            )
            .values("allocation_id")
            .annotate(first=Min("handed_on"))
            .values_list("allocation_id", "first")
        )
    return out


def _business_type(allocation: Allocation, info: Any) -> str:
    """The business of a unit: its catalogue package's type; else the type its goods serve
    (the one most of the package's value is for, from the catalogue); else the group's own."""
    from berdaya.distribution.models import UnitPackage, UnitPackageLine

    package = (
        UnitPackage.objects.filter(allocation=allocation)
        .select_related("source__business_type")
        .first()
    )
    if package and package.source_id and package.source.business_type_id:
        return package.source.business_type.name[:100]
    if package is not None:
        served: dict[str, int] = {}
        for line in UnitPackageLine.objects.filter(package=package).prefetch_related(
            "item__business_types"
        ):
            for kind in line.item.business_types.all():
                served[kind.name] = served.get(kind.name, 0) + line.quantity * line.unit_price
        if served:
            return max(sorted(served), key=lambda k: served[k])[:100]
    if allocation.group_id:
        return (allocation.group.business_type or "")[:100]
    return ""


@dataclass
class Change:
    unit: MonitoredUnit
    kind: str  # created | updated
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)


NO_HANDOVER = "no_handover"


def _reconcile(
    allocation: Allocation,
    start: dt.date | None,
    plans: dict[int, MonitoringPlan],
    assign: _Assigner,
) -> Change | None:
    """Bring one unit's monitoring in line with its handovers and its programme's plan."""
    unit = MonitoredUnit.objects.select_for_update().filter(allocation=allocation).first()
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    if start is None:
        if unit is None:
            return None
        cancelled = _cancel_open(unit, NO_HANDOVER, _("Every handover of this unit was voided."))
        if cancelled:
            after["cancelled"] = cancelled
        if unit.status != UnitStatus.CLOSED:
            rows = MonitoredUnit.objects.filter(pk=unit.pk, status=unit.status).update(
                status=UnitStatus.CLOSED,
                closed_because=NO_HANDOVER,
                status_note=_("Every handover of this unit was voided."),
            )
            if rows:
                before["status"], after["status"] = unit.status, UnitStatus.CLOSED
        return Change(unit, "updated", before, after) if after else None
    program = allocation.program_year.program
    plan = plans.get(program.pk) or plan_for(program)
    plans[program.pk] = plan
    created = False
    if unit is None:
        from berdaya.distribution.units import unit_info

        info = unit_info(allocation)
        families = 1
        if info.kind == "group":
            families = max(1, len(info.members))
        elif info.kind == "institution":
            families = 0
        facilitator = assign.pick(allocation.region_id)
        try:
            with transaction.atomic():
                unit = MonitoredUnit.objects.create(
                    allocation=allocation,
                    program_year_id=allocation.program_year_id,
                    region_id=allocation.region_id,
                    kind=info.kind,
                    form_kind=plan.form_kind,
                    name=(info.name or "")[:200],
                    nik=info.nik or "",
                    village_code=(info.village_code or "")[:13],
                    business_type=_business_type(allocation, info),
                    families=families,
                    started_on=start,
                    facilitator=facilitator,
                )
        except IntegrityError:
            # Another process started this unit at the same moment: reconcile what it made.
            unit = MonitoredUnit.objects.select_for_update().get(allocation=allocation)
        else:
            created = True
            after.update(
                {
                    "started_on": start,
                    "facilitator": facilitator.username if facilitator else None,
                    "months": plan.months,
                }
            )
    if not created:
        if unit.started_on != start:
            before["started_on"], after["started_on"] = unit.started_on, start
            unit.started_on = start
            MonitoredUnit.objects.filter(pk=unit.pk).update(started_on=start)
        if (
            unit.form_kind != plan.form_kind
            and not unit.visits.filter(status=Visit.Status.DONE).exists()
        ):
            before["form_kind"], after["form_kind"] = unit.form_kind, plan.form_kind
            unit.form_kind = plan.form_kind
            MonitoredUnit.objects.filter(pk=unit.pk).update(form_kind=plan.form_kind)
        if unit.status == UnitStatus.CLOSED and unit.closed_because == NO_HANDOVER:
            rows = MonitoredUnit.objects.filter(pk=unit.pk, status=UnitStatus.CLOSED).update(
                status=UnitStatus.MONITORED, closed_because="", status_note=""
            )
            if rows:
                before["status"], after["status"] = UnitStatus.CLOSED, UnitStatus.MONITORED
                unit.status, unit.closed_because = UnitStatus.MONITORED, ""
        if unit.status != UnitStatus.CLOSED and not assign.valid(unit):
            facilitator = assign.pick(unit.region_id)
            if facilitator is not None and facilitator.pk != unit.facilitator_id:
                before["facilitator"] = unit.facilitator.username if unit.facilitator_id else None
                after["facilitator"] = facilitator.username
                unit.facilitator = facilitator
                MonitoredUnit.objects.filter(pk=unit.pk).update(facilitator=facilitator)
    visits = _reconcile_visits(unit, plan)
    after.update(visits)
    if created:
        return Change(unit, "created", {}, after)
    return Change(unit, "updated", before, after) if after else None


def _cancel_open(unit: MonitoredUnit, kind: str, reason: str) -> list[int]:
    months = list(unit.visits.filter(status=Visit.Status.SCHEDULED).values_list("month", flat=True))
    if months:
        unit.visits.filter(status=Visit.Status.SCHEDULED).update(
            status=Visit.Status.CANCELLED, cancel_kind=kind, cancel_reason=reason
        )
    return sorted(months)


def _reconcile_visits(unit: MonitoredUnit, plan: MonitoringPlan) -> dict[str, Any]:
    existing = {v.month: v for v in unit.visits.all()}
    wanted = set(plan.months)
    created, moved, cancelled, restored = [], {}, [], []
    open_unit = unit.status != UnitStatus.CLOSED
    for month in sorted(wanted):
        due = add_months(unit.started_on, month)
        visit = existing.get(month)
        if visit is None:
            if open_unit:
                Visit.objects.create(unit=unit, region_id=unit.region_id, month=month, due_on=due)
                created.append(month)
        elif visit.status == Visit.Status.SCHEDULED:
            if visit.due_on != due:
                Visit.objects.filter(pk=visit.pk).update(due_on=due)
                moved[str(month)] = [visit.due_on, due]
        elif (
            visit.status == Visit.Status.CANCELLED
            and open_unit
            and visit.cancel_kind in (NO_HANDOVER, "plan")
        ):
            Visit.objects.filter(pk=visit.pk, status=Visit.Status.CANCELLED).update(
                status=Visit.Status.SCHEDULED, due_on=due, cancel_kind="", cancel_reason=""
            )
            restored.append(month)
    for month, visit in existing.items():
        if month not in wanted and visit.status == Visit.Status.SCHEDULED:
            Visit.objects.filter(pk=visit.pk, status=Visit.Status.SCHEDULED).update(
                status=Visit.Status.CANCELLED,
                cancel_kind="plan",
                cancel_reason=_("The programme's visit plan no longer has this month."),
            )
            cancelled.append(month)
    out: dict[str, Any] = {}
    if created:
        out["visits"] = created
    if moved:
        out["moved"] = moved
    if restored:
        out["restored"] = restored
    if cancelled:
        out["cancelled"] = sorted(cancelled)
    return out


# --- The two entry points ----------------------------------------------------------------------


@transaction.atomic
def unit_schedule(*, actor: Any, allocation: Allocation | int) -> MonitoredUnit | None:
    """Schedule (or repair) one unit's visits after its handovers; one audit row if it changed."""
    require(actor, "monitoring.manage")
    pk = allocation.pk if isinstance(allocation, Allocation) else int(allocation)
    # The unit's row is the lock, as for handovers: one reconciliation at a time per unit.
    allocation = (
        Allocation.objects.select_for_update(of=("self",))
        .select_related("program_year__program", "group")
        .get(pk=pk)
    )
    start = start_dates([allocation.pk]).get(allocation.pk)
    change = _reconcile(allocation, start, {}, _Assigner())
    if change is not None:
        audit_record(
            actor=actor,
            action="monitoring.start" if change.kind == "created" else "monitoring.schedule",
            obj=change.unit,
            before=change.before or None,
            after=change.after,
        )
        return change.unit
    return MonitoredUnit.objects.filter(allocation=allocation).first()


@dataclass
class ScheduleResult:
    units: int = 0
    started: int = 0
    changed: int = 0
    visits: int = 0

    def __str__(self) -> str:
        return (
            f"{self.units} units checked, {self.started} started, {self.changed} repaired, "
            f"{self.visits} visits scheduled"
        )


def visits_schedule(
    *, actor: Any, program: Program | None = None, program_year: Any = None, region: str = ""
) -> ScheduleResult:
    """The catch-up: every unit in the actor's scope with a handover (or already followed) gets
    its monitoring started or repaired. One audit event with a change row per unit touched."""
    require(actor, "monitoring.manage")
    from berdaya.distribution.models import Handover

    handed = scoped(Handover.objects.all(), actor)
    followed = scoped(MonitoredUnit.objects.all(), actor)
    if program is not None:
        handed = handed.filter(program_year__program=program)
        followed = followed.filter(program_year__program=program)
    if program_year is not None:
        handed = handed.filter(program_year=program_year)
        followed = followed.filter(program_year=program_year)
    if region:
        handed = handed.filter(region_id=region)
        followed = followed.filter(region_id=region)
    ids = set(handed.values_list("allocation_id", flat=True)) | set(
        followed.values_list("allocation_id", flat=True)
    )
    result = ScheduleResult(units=len(ids))
    if not ids:
        return result
    starts = start_dates(sorted(ids))
    plans: dict[int, MonitoringPlan] = {}
    assign = _Assigner()
    changes: list[Change] = []
    ordered = sorted(ids)
    # In batches, each its own transaction: a long catch-up never holds the database for long.
    for i in range(0, len(ordered), 200):
        with transaction.atomic():
            batch = (
                Allocation.objects.select_for_update(of=("self",))
                .select_related("program_year__program", "group")
                .filter(pk__in=ordered[i : i + 200])
                .order_by("pk")
            )
            done = []
            for allocation in batch:
                change = _reconcile(allocation, starts.get(allocation.pk), plans, assign)
                if change is not None:
                    done.append(change)
            if done:
                _bulk_audit(actor, done)
            changes.extend(done)
    result.started = sum(1 for c in changes if c.kind == "created")
    result.changed = len(changes) - result.started
    result.visits = sum(
        len(c.after.get("visits", [])) + len(c.after.get("restored", [])) for c in changes
    )
    return result


def _bulk_audit(actor: Any, changes: list[Change]) -> None:
    started = sum(1 for c in changes if c.kind == "created")
    regions = {c.unit.region_id for c in changes}
    event = audit_record(
        actor=actor,
        action="monitoring.schedule",
        object_type="monitoring.monitoredunit",
        object_repr=f"{len(changes)} units",
        region_code=regions.pop() if len(regions) == 1 else "",
        after={"started": started, "repaired": len(changes) - started},
    )
    AuditChange.objects.bulk_create(
        [
            AuditChange(
                event=event,
                object_id=str(c.unit.pk),
                change=c.kind,
                before=_json(c.before) or None,
                after=_json(c.after),
            )
            for c in changes
        ]
    )


def _json(values: dict) -> dict:
    from berdaya.core.audit import json_value

    return json_value(values)


# --- After a handover --------------------------------------------------------------------------


def schedule_after_handover(allocation_id: int) -> None:
    """Run once a handover's transaction has committed (see apps.ready). A failure here never
    undoes the handover: it is logged, and the catch-up repairs the unit later."""
    from berdaya.accounts.services import system_user

    try:
        unit_schedule(actor=system_user(), allocation=allocation_id)
    except Exception:  # noqa: BLE001 - the handover stands; visits_schedule() repairs later
        log.exception("scheduling the visits of allocation %s failed", allocation_id)


def handover_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """post_save of distribution's Handover (a new one) and of a unit's package (which voiding a
    handover saves, the handover's own row being updated in place): schedule or repair the unit
    once the transaction commits."""
    from berdaya.distribution.models import Handover

    if kwargs.get("raw"):
        return
    allocation_id = instance.allocation_id
    if sender is Handover:
        if not created:
            return
    elif not MonitoredUnit.objects.filter(allocation_id=allocation_id).exists():
        return  # a package set before any handover: the handover will start the unit
    transaction.on_commit(lambda: schedule_after_handover(allocation_id))


def open_units_q() -> Q:
    return Q(status__in=[UnitStatus.MONITORED, UnitStatus.INDEPENDENT])
