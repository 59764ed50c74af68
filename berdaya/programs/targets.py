"""Targets, regional quotas and budget envelopes: set by the province, read by each region.

The counters on these rows (`approved_units`, `committed`) belong to the allocation services,
which move them with conditional UPDATEs; the services here change only the limits, and never
below what is already used.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet, Sum
from django.utils.translation import gettext as _

from berdaya.accounts.scope import require, scoped
from berdaya.core.audit import audit_record
from berdaya.core.templatetags.berdaya import format_rupiah
from berdaya.programs.models import (
    BudgetEnvelope,
    FundingSource,
    ProgramTarget,
    ProgramYear,
    QuotaTransfer,
    RegionQuota,
)
from berdaya.regions.codes import normalize_code
from berdaya.regions.models import Region
from berdaya.regions.selectors import province_regencies

ENVELOPE_FIELDS = ["fiscal_year", "source", "name", "amount", "notes"]


def regency(code: Any) -> Region:
    """A current regency/city of the province, from a Region or a code (dotted or not)."""
    if isinstance(code, Region):
        code = code.code
    dotted = normalize_code(str(code or ""))
    region = None
    if dotted and len(dotted) == 5:
        region = province_regencies().filter(code=dotted).first()
    if region is None:
        raise ValidationError(_("%(code)s is not a regency/city of the province.") % {"code": code})
    return region


def regencies() -> list[Region]:
    return list(province_regencies())


def quota_field(code: str) -> str:
    """The form field of a region's quota: `quota_6472`."""
    return "quota_" + code.replace(".", "")


# --- Envelopes ---------------------------------------------------------------------------


def _envelope_values(fields: dict[str, Any]) -> dict[str, Any]:
    values = {k: fields.get(k) for k in ENVELOPE_FIELDS}
    errors = {}
    if not values["fiscal_year"] or not 2000 <= int(values["fiscal_year"]) <= 2100:
        errors["fiscal_year"] = _("Write a year between 2000 and 2100.")
    if values["source"] not in FundingSource.values:
        errors["source"] = _("Choose the funding source.")
    if not (values["name"] or "").strip():
        errors["name"] = _("Give the envelope a name.")
    if values["amount"] is None or int(values["amount"]) < 0:
        errors["amount"] = _("The budget ceiling is a whole number of rupiah, 0 or more.")
    if errors:
        raise ValidationError(errors)
    values["name"] = values["name"].strip()
    values["notes"] = (values["notes"] or "").strip()
    values["amount"] = int(values["amount"])
    return values


@transaction.atomic
def envelope_create(*, actor: Any, **fields: Any) -> BudgetEnvelope:
    require(actor, "targets.manage")
    values = _envelope_values(fields)
    envelope = BudgetEnvelope.objects.create(
        **values, updated_by=actor if getattr(actor, "pk", None) else None
    )
    audit_record(actor=actor, action="budget.create", obj=envelope, after=values)
    return envelope


@transaction.atomic
def envelope_update(*, actor: Any, envelope: BudgetEnvelope, **fields: Any) -> BudgetEnvelope:
    """Change an envelope; its ceiling never goes below what approvals already committed."""
    require(actor, "targets.manage")
    values = _envelope_values(fields)
    current = BudgetEnvelope.objects.select_for_update().get(pk=envelope.pk)
    before = {k: getattr(current, k) for k in ENVELOPE_FIELDS}
    if values["fiscal_year"] != current.fiscal_year and current.targets.exists():
        raise ValidationError(
            {
                "fiscal_year": _(
                    "Programme years already draw on this envelope: its fiscal year stays."
                )
            }
        )
    # Conditional: an approval committing money at this moment cannot be undercut.
    rows = BudgetEnvelope.objects.filter(pk=current.pk, committed__lte=values["amount"]).update(
        **values, updated_by=actor if getattr(actor, "pk", None) else None
    )
    if rows != 1:
        raise ValidationError(
            {
                "amount": _(
                    "%(committed)s is already committed on this envelope: the ceiling cannot "
                    "be lower."
                )
                % {"committed": format_rupiah(current.committed)}
            }
        )
    after = values
    changed = {k: after[k] for k in ENVELOPE_FIELDS if before[k] != after[k]}
    if changed:
        audit_record(
            actor=actor,
            action="budget.update",
            obj=current,
            before={k: before[k] for k in changed},
            after=changed,
        )
    current.refresh_from_db()
    return current


# --- Targets and quotas ------------------------------------------------------------------


@transaction.atomic
def target_save(
    *,
    actor: Any,
    program_year: ProgramYear,
    units: int,
    deadline: dt.date | None = None,
    envelope: BudgetEnvelope | None = None,
    budget: int | None = None,
    value_per_unit: int | None = None,
    quotas: dict[str, int] | None = None,
    notes: str = "",
) -> ProgramTarget:
    """Set a programme year's target, value per unit, budget and regional quotas, in one go.

    Refused: quotas adding up to more than the target; a quota, a budget or an envelope change
    below what approvals already use; an envelope of another fiscal year.
    """
    require(actor, "targets.manage")
    program_year = (
        ProgramYear.objects.select_for_update(of=("self",))
        .select_related("program")
        .get(pk=program_year.pk)
    )
    # Locks in the order approvals take them (quota, then target): no deadlock with them.
    quota_rows = {
        q.region_id: q
        for q in RegionQuota.objects.select_for_update()
        .filter(program_year=program_year)
        .order_by("region_id")
    }
    target, _created = ProgramTarget.objects.select_for_update().get_or_create(
        program_year=program_year
    )
    errors: dict[str, Any] = {}
    units = int(units or 0)
    if units < 0:
        errors["units"] = _("The target cannot be negative.")
    if budget is not None and int(budget) < 0:
        errors["budget"] = _("The amount cannot be negative.")
    if value_per_unit is not None and int(value_per_unit) < 0:
        errors["value_per_unit"] = _("The value per unit cannot be negative.")
    elif value_per_unit is not None and (int(value_per_unit) == 0) != program_year.value_per_need:
        # Proposals of a programme valued per need carry their own value (and the others do
        # not): switching between the two is a change of criteria, not of targets.
        errors["value_per_unit"] = _(
            "Whether the value is set per need is part of the criteria; change it there."
        )
    if envelope is not None and envelope.fiscal_year != program_year.year:
        errors["envelope"] = _(
            "This envelope is for fiscal year %(fy)s; the programme year is %(year)s."
        ) % {"fy": envelope.fiscal_year, "year": program_year.year}
    if (envelope.pk if envelope else None) != target.envelope_id and target.committed:
        errors["envelope"] = _(
            "Approvals already draw %(value)s on the current envelope: cancel them before "
            "changing it."
        ) % {"value": format_rupiah(target.committed)}
    if budget is not None and int(budget) < target.committed:
        errors["budget"] = _("%(value)s is already committed: the amount cannot be lower.") % {
            "value": format_rupiah(target.committed)
        }
    new_quotas = {code: q.units for code, q in quota_rows.items()}
    if quotas is not None:
        for code, value in quotas.items():
            region = regency(code)
            new_quotas[region.code] = int(value or 0)
        for code, value in new_quotas.items():
            used = quota_rows[code].approved_units if code in quota_rows else 0
            if value < used:
                errors[quota_field(code)] = _(
                    "%(used)s units are already approved here: the quota cannot be lower."
                ) % {"used": used}
    if sum(new_quotas.values()) > units:
        errors["units"] = _(
            "The regional quotas add up to %(sum)s, more than the target of %(units)s."
        ) % {"sum": sum(new_quotas.values()), "units": units}
    if errors:
        raise ValidationError(errors)
    before = _target_snapshot(target, program_year, quota_rows)
    target.units = units
    target.deadline = deadline
    target.envelope = envelope
    target.budget = int(budget) if budget is not None else None
    target.notes = (notes or "").strip()
    target.updated_by = actor if getattr(actor, "pk", None) else None
    target.save()
    if value_per_unit is not None and int(value_per_unit) != program_year.value_per_unit:
        # Approved units keep the value they were approved at; this is for the ones to come.
        ProgramYear.objects.filter(pk=program_year.pk).update(value_per_unit=int(value_per_unit))
        program_year.value_per_unit = int(value_per_unit)
    for code, value in new_quotas.items():
        if code in quota_rows:
            # Conditional, like the envelope: a concurrent approval cannot be undercut.
            rows = RegionQuota.objects.filter(
                pk=quota_rows[code].pk, approved_units__lte=value
            ).update(units=value)
            if rows != 1:
                raise ValidationError(
                    {
                        quota_field(code): _(
                            "Units were approved here meanwhile: the quota cannot be that low."
                        )
                    }
                )
        elif value:
            RegionQuota.objects.create(program_year=program_year, region_id=code, units=value)
    quota_rows = {q.region_id: q for q in RegionQuota.objects.filter(program_year=program_year)}
    after = _target_snapshot(target, program_year, quota_rows)
    changed = {k: after[k] for k in after if before.get(k) != after[k]}
    if changed:
        audit_record(
            actor=actor,
            action="target.save",
            obj=program_year,
            before={k: before.get(k) for k in changed},
            after=changed,
        )
    return target


def _target_snapshot(target: ProgramTarget, py: ProgramYear, quotas: dict) -> dict[str, Any]:
    return {
        "units": target.units,
        "deadline": target.deadline.isoformat() if target.deadline else None,
        "envelope": target.envelope_id,
        "budget": target.budget,
        "notes": target.notes,
        "value_per_unit": py.value_per_unit,
        "quotas": {code: q.units for code, q in sorted(quotas.items())},
    }


@transaction.atomic
def quota_transfer(
    *,
    actor: Any,
    program_year: ProgramYear,
    from_region: Any,
    to_region: Any,
    units: int,
    reason: str,
) -> QuotaTransfer:
    """Move unused quota from one regency/city to another, with its reason."""
    require(actor, "targets.manage")
    source, dest = regency(from_region), regency(to_region)
    units = int(units or 0)
    reason = (reason or "").strip()
    if source.code == dest.code:
        raise ValidationError({"to_region": _("Choose two different regions.")})
    if units <= 0:
        raise ValidationError({"units": _("Move at least one unit.")})
    if len(reason) < 10:
        raise ValidationError({"reason": _("Write the reason (at least 10 characters).")})
    # Lock both rows in code order, as approvals lock one: no deadlock between two transfers.
    locked = {
        q.region_id: q
        for q in RegionQuota.objects.select_for_update()
        .filter(program_year=program_year, region__in=[source, dest])
        .order_by("region_id")
    }
    if source.code not in locked:
        raise ValidationError(
            {"units": _("%(region)s has no quota to move.") % {"region": source.name}}
        )
    rows = RegionQuota.objects.filter(
        pk=locked[source.code].pk, approved_units__lte=F("units") - units
    ).update(units=F("units") - units)
    if rows != 1:
        free = RegionQuota.objects.get(pk=locked[source.code].pk).unused
        raise ValidationError(
            {
                "units": _("%(region)s has %(free)s unused units; %(units)s cannot be moved.")
                % {"region": source.name, "free": free, "units": units}
            }
        )
    if dest.code in locked:
        RegionQuota.objects.filter(pk=locked[dest.code].pk).update(units=F("units") + units)
    else:
        RegionQuota.objects.create(program_year=program_year, region=dest, units=units)
    transfer = QuotaTransfer.objects.create(
        program_year=program_year,
        from_region=source,
        to_region=dest,
        units=units,
        reason=reason,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="quota.transfer",
        obj=program_year,
        after={"from": source.code, "to": dest.code, "units": units},
        note=reason,
    )
    return transfer


# --- Reading: what is set, and does it add up ------------------------------------------


@dataclass
class TargetCheck:
    """A programme year's target against its value, quotas and budget."""

    program_year: ProgramYear
    target: ProgramTarget | None
    quotas: list[RegionQuota]
    quota_sum: int
    cost: int | None  # target units x value; None when the value is per need
    warnings: list[str] = field(default_factory=list)


@dataclass
class EnvelopeCheck:
    envelope: BudgetEnvelope
    targets: list[TargetCheck]
    cost: int
    unknown: list[str]
    warnings: list[str] = field(default_factory=list)

    @property
    def over(self) -> int:
        return max(0, self.cost - self.envelope.amount)


def target_check(program_year: ProgramYear, user: Any | None = None) -> TargetCheck:
    target = (
        ProgramTarget.objects.select_related("envelope").filter(program_year=program_year).first()
    )
    all_quotas = list(
        RegionQuota.objects.filter(program_year=program_year)
        .select_related("region")
        .order_by("region_id")
    )
    quotas = (
        all_quotas
        if user is None
        else list(
            scoped(RegionQuota.objects.filter(program_year=program_year), user)
            .select_related("region")
            .order_by("region_id")
        )
    )
    quota_sum = sum(q.units for q in all_quotas)
    value = program_year.value_per_unit
    cost = (target.units * value) if target and value else None
    check = TargetCheck(program_year, target, quotas, quota_sum, cost)
    w = check.warnings
    if target is None or not target.units:
        w.append(_("No target is set."))
        return check
    if quota_sum < target.units:
        w.append(
            _(
                "The regional quotas add up to %(sum)s of the target %(units)s: %(left)s "
                "units are not given to any region."
            )
            % {"sum": quota_sum, "units": target.units, "left": target.units - quota_sum}
        )
    if target.envelope_id is None:
        w.append(_("No budget envelope: nothing can be approved until one is chosen."))
    if cost is None and target.budget is None:
        w.append(
            _(
                "The value is set per need: give this programme an amount of the envelope "
                "so that its cost can be checked."
            )
        )
    if cost is not None and target.budget is not None and cost > target.budget:
        w.append(
            _(
                "The target costs %(cost)s, %(over)s more than the amount set aside for it "
                "(%(budget)s)."
            )
            % {
                "cost": format_rupiah(cost),
                "over": format_rupiah(cost - target.budget),
                "budget": format_rupiah(target.budget),
            }
        )
    if target.deadline and target.deadline < program_year.reference_date:
        w.append(_("The distribution deadline is before the programme year starts."))
    return check


def envelope_check(envelope: BudgetEnvelope) -> EnvelopeCheck:
    """Every programme year drawing on an envelope: do their targets fit in it?"""
    checks = [
        target_check(t.program_year)
        for t in envelope.targets.select_related("program_year__program").order_by(
            "program_year__program__code"
        )
    ]
    cost, unknown = 0, []
    for c in checks:
        planned = c.target.budget if c.cost is None else c.cost
        if planned is None:
            unknown.append(c.program_year.program.code)
        else:
            cost += planned
    result = EnvelopeCheck(envelope, checks, cost, unknown)
    if cost > envelope.amount:
        result.warnings.append(
            _("The targets cost %(cost)s: %(over)s more than the ceiling of %(amount)s.")
            % {
                "cost": format_rupiah(cost),
                "over": format_rupiah(cost - envelope.amount),
                "amount": format_rupiah(envelope.amount),
            }
        )
    shares = [c.target.budget for c in checks if c.target and c.target.budget is not None]
    if sum(shares) > envelope.amount:
        result.warnings.append(
            _("The amounts set aside for programmes add up to %(sum)s, more than the ceiling.")
            % {"sum": format_rupiah(sum(shares))}
        )
    return result


def envelopes_for_year(year: int) -> QuerySet[BudgetEnvelope]:
    return BudgetEnvelope.objects.filter(fiscal_year=year)


def years_with_targets() -> list[int]:
    years = set(ProgramYear.objects.values_list("year", flat=True))
    years |= set(BudgetEnvelope.objects.values_list("fiscal_year", flat=True))
    return sorted(years, reverse=True)


def committed_totals(program_year: ProgramYear) -> dict[str, int]:
    agg = RegionQuota.objects.filter(program_year=program_year).aggregate(
        units=Sum("approved_units"), value=Sum("committed")
    )
    return {"units": agg["units"] or 0, "value": agg["value"] or 0}
