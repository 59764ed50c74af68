"""Approving units within quota and budget; cancelling before the decree; the formula.

How no approval passes a quota or the budget, with many clerks at once: every approval first
locks its region's quota row (SELECT ... FOR UPDATE on PostgreSQL; on SQLite the IMMEDIATE
transaction already holds the only write lock), reads the ranking after the lock, then claims
the units and the money with conditional UPDATEs (`... WHERE approved_units + n <= units`)
whose row counts are checked, in the fixed order quota, programme target, envelope. A claim
that does not fit rolls the whole approval back. The check constraints on those rows and the
unique index on approved units are the database's last word.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.accounts.scope import require, require_region
from berdaya.allocation.models import Allocation, Decree, PriorityFormula
from berdaya.allocation.ranking import COMPONENTS, Unit, ranking, weights_for
from berdaya.core.audit import audit_record
from berdaya.core.models import AuditChange
from berdaya.core.templatetags.berdaya import format_rupiah
from berdaya.programs.models import BudgetEnvelope, ProgramTarget, ProgramYear, RegionQuota
from berdaya.programs.targets import regency
from berdaya.regions.models import Region


@dataclass
class Room:
    """What a region may still approve: units of its quota, and rupiah of the budget."""

    quota: RegionQuota | None
    target: ProgramTarget | None
    envelope: BudgetEnvelope | None
    units: int
    money: int | None  # None: no budget set, nothing may be approved

    @property
    def problem(self) -> str:
        if self.quota is None or not self.quota.units:
            return _("No quota is set for this region.")
        if self.envelope is None:
            return _("No budget envelope is set for this programme year.")
        return ""


def room_for(program_year: ProgramYear, region_code: str, *, lock: bool = False) -> Room:
    qs = RegionQuota.objects.filter(program_year=program_year, region_id=region_code)
    quota = (qs.select_for_update() if lock else qs).first()
    target = (
        ProgramTarget.objects.filter(program_year=program_year).select_related("envelope").first()
    )
    envelope = target.envelope if target else None
    units = quota.unused if quota else 0
    money = None
    if envelope is not None:
        money = envelope.remaining
        if target.budget is not None:
            money = min(money, target.budget - target.committed)
    return Room(quota, target, envelope, units, money)


def _claim(room: Room, units: int, value: int) -> None:
    """Take `units` of the quota and `value` rupiah of the budget, or refuse and roll back."""
    rows = RegionQuota.objects.filter(
        pk=room.quota.pk, approved_units__lte=F("units") - units
    ).update(approved_units=F("approved_units") + units, committed=F("committed") + value)
    if rows != 1:
        left = RegionQuota.objects.get(pk=room.quota.pk).unused
        raise ValidationError(
            _("Only %(left)s units are left in the quota of %(region)s; %(n)s were chosen.")
            % {"left": left, "region": room.quota.region.name, "n": units}
        )
    target_qs = ProgramTarget.objects.filter(pk=room.target.pk)
    if room.target.budget is not None:
        target_qs = target_qs.filter(committed__lte=F("budget") - value)
    if target_qs.update(committed=F("committed") + value) != 1:
        target = ProgramTarget.objects.get(pk=room.target.pk)
        raise ValidationError(
            _(
                "Only %(left)s is left of the amount set aside for this programme; the units "
                "chosen cost %(value)s."
            )
            % {
                "left": format_rupiah(target.budget - target.committed),
                "value": format_rupiah(value),
            }
        )
    rows = BudgetEnvelope.objects.filter(
        pk=room.envelope.pk, committed__lte=F("amount") - value
    ).update(committed=F("committed") + value)
    if rows != 1:
        env = BudgetEnvelope.objects.get(pk=room.envelope.pk)
        raise ValidationError(
            _(
                "Only %(left)s is left in the budget envelope %(name)s; the units chosen cost "
                "%(value)s."
            )
            % {
                "left": format_rupiah(env.remaining),
                "name": env.name,
                "value": format_rupiah(value),
            }
        )


def _release(program_year: ProgramYear, region_code: str, units: int, value: int) -> None:
    """Give units and money back (a cancelled approval); the rows were locked by the caller."""
    RegionQuota.objects.filter(program_year=program_year, region_id=region_code).update(
        approved_units=F("approved_units") - units, committed=F("committed") - value
    )
    target = ProgramTarget.objects.get(program_year=program_year)
    ProgramTarget.objects.filter(pk=target.pk).update(committed=F("committed") - value)
    if target.envelope_id:
        BudgetEnvelope.objects.filter(pk=target.envelope_id).update(
            committed=F("committed") - value
        )


def issued_decree(program_year: ProgramYear, region_code: str) -> Decree | None:
    return Decree.objects.filter(
        program_year=program_year, region_id=region_code, status=Decree.Status.ISSUED
    ).first()


def check_separation(actor: Any, units: list[Unit]) -> None:
    """The one who verified a proposal (or overrode its verdict) does not approve it."""
    own = [u for u in units if getattr(actor, "pk", None) in u.verifiers]
    if own:
        names = ", ".join(u.name for u in own[:10])
        raise ValidationError(
            _("You verified %(n)s of the units chosen (%(names)s): another officer approves them.")
            % {"n": len(own), "names": names}
        )


@dataclass
class ApprovalResult:
    approved: int
    value: int
    reserves: int
    units: list[Unit]


def _region_code(actor: Any, region: Region | str) -> Region:
    region = regency(region)
    require_region(actor, region.code)
    return region


@transaction.atomic
def allocation_approve(
    *,
    actor: Any,
    program_year: ProgramYear,
    region: Region | str,
    keys: list[str] | None = None,
    reason: str = "",
    limit: int | None = None,
) -> ApprovalResult:
    """Approve units of a region in one batch: the chosen `keys` ("p12", "g3"), or else the
    top of the ranking as far as the quota and the budget go (at most `limit`).

    All or nothing: a choice past the quota or the budget is refused whole. Choosing units
    below others still waiting needs a reason, kept in the audit trail.
    """
    require(actor, "allocation.approve")
    region = _region_code(actor, region)
    program_year = ProgramYear.objects.select_related("program").get(pk=program_year.pk)
    room = room_for(program_year, region.code, lock=True)  # the lock: see the module's doc
    # After the lock: a decree signed meanwhile (signing takes the same lock) is seen here.
    if issued_decree(program_year, region.code):
        raise ValidationError(
            _("The decree for %(region)s is issued: the list changes only through a revision.")
            % {"region": region.name}
        )
    if room.problem:
        raise ValidationError(room.problem)
    approved_before = room.quota.approved_units
    ranked, _waiting = ranking(program_year, region.code, start=approved_before + 1)
    reason = (reason or "").strip()
    if keys is not None:
        wanted = list(dict.fromkeys(k.strip() for k in keys if k and k.strip()))
        if not wanted:
            raise ValidationError(_("Choose the units to approve."))
        by_key = {u.key: u for u in ranked}
        unknown = [k for k in wanted if k not in by_key]
        if unknown:
            raise ValidationError(
                _(
                    "%(n)s of the units chosen cannot be approved now (not eligible, not current, "
                    "already approved or not of this region). Reload the page."
                )
                % {"n": len(unknown)}
            )
        chosen = sorted((by_key[k] for k in wanted), key=lambda u: u.rank)
        skipped = [u for u in ranked if u.rank < chosen[-1].rank and u.key not in set(wanted)]
        if skipped and len(reason) < 10:
            raise ValidationError(
                _(
                    "%(n)s units ranked higher are left waiting: write the reason for approving "
                    "out of order (at least 10 characters)."
                )
                % {"n": len(skipped)}
            )
        if len(chosen) > room.units:
            raise ValidationError(
                _("Only %(left)s units are left in the quota of %(region)s; %(n)s were chosen.")
                % {"left": room.units, "region": region.name, "n": len(chosen)}
            )
    else:
        chosen, money = [], room.money
        cap = room.units if limit is None else min(room.units, max(0, int(limit)))
        for u in ranked:
            # Strictly in rank order: a unit that does not fit stops the run, so no one lower
            # down passes over it.
            if len(chosen) >= cap or u.value > money:
                break
            chosen.append(u)
            money -= u.value
        if not chosen:
            if not ranked:
                raise ValidationError(
                    _("No eligible unit waits for approval in %(region)s.")
                    % {"region": region.name}
                )
            raise ValidationError(_("Nothing fits: the quota or the budget is used up."))
    check_separation(actor, chosen)
    total = sum(u.value for u in chosen)
    if room.money is not None and total > room.money:
        raise ValidationError(
            _("The units chosen cost %(value)s; only %(left)s is left in the budget.")
            % {"value": format_rupiah(total), "left": format_rupiah(room.money)}
        )
    _claim(room, len(chosen), total)
    now = timezone.now()
    rows = [
        Allocation(
            program_year=program_year,
            region=region,
            proposal_id=u.proposal_id,
            group_id=u.group_id,
            rank=u.rank,
            score=u.score,
            components=u.components,
            value=u.value,
            reason=reason,
            approved_by=actor if getattr(actor, "pk", None) else None,
            approved_at=now,
        )
        for u in chosen
    ]
    try:
        with transaction.atomic():
            Allocation.objects.bulk_create(rows, batch_size=1000)
    except IntegrityError:
        # Another approval of the same unit won the race (the unique index said so).
        raise ValidationError(
            _(
                "Some of these units were approved by someone else at the same "
                "moment. Reload the page."
            )
        ) from None
    event = audit_record(
        actor=actor,
        action="allocation.approve",
        obj=room.quota,
        after={
            "units": len(chosen),
            "value": total,
            "mode": "chosen" if keys else "ranking",
            "quota": room.quota.units,
            "approved_before": approved_before,
            "approved_after": approved_before + len(chosen),
        },
        note=reason,
    )
    AuditChange.objects.bulk_create(
        [
            AuditChange(
                event=event,
                object_id=str(a.pk),
                change="approved",
                after={
                    "unit": u.key,
                    "name": u.name,
                    "rank": u.rank,
                    "score": str(u.score),
                    "value": u.value,
                    "components": u.components,
                },
            )
            for a, u in zip(rows, chosen, strict=True)
        ],
        batch_size=1000,
    )
    return ApprovalResult(len(chosen), total, max(0, len(ranked) - len(chosen)), chosen)


@transaction.atomic
def allocation_cancel(
    *,
    actor: Any,
    program_year: ProgramYear,
    region: Region | str,
    allocation_ids: list[int],
    reason: str,
) -> int:
    """Cancel approvals before the decree is issued (after it: a revision), with the reason.

    The units and the money go back to the quota and the budget.
    """
    require(actor, "allocation.approve")
    region = _region_code(actor, region)
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError(_("Write the reason (at least 10 characters)."))
    room = room_for(program_year, region.code, lock=True)
    if issued_decree(program_year, region.code):
        raise ValidationError(
            _("The decree for %(region)s is issued: the list changes only through a revision.")
            % {"region": region.name}
        )
    ids = sorted({int(i) for i in allocation_ids})
    qs = Allocation.objects.filter(
        pk__in=ids,
        program_year=program_year,
        region=region,
        status=Allocation.Status.APPROVED,
        decree__isnull=True,
    )
    found = list(qs.values("pk", "value", "proposal_id", "group_id"))
    if not ids or len(found) != len(ids):
        raise ValidationError(_("Choose approved units of this region that are not in a decree."))
    now = timezone.now()
    rows = qs.update(
        status=Allocation.Status.CANCELLED,
        cancelled_by=actor if getattr(actor, "pk", None) else None,
        cancelled_at=now,
        cancel_reason=reason,
    )
    if rows != len(ids):
        raise ValidationError(_("Someone changed these approvals meanwhile. Reload the page."))
    value = sum(a["value"] for a in found)
    _release(program_year, region.code, rows, value)
    event = audit_record(
        actor=actor,
        action="allocation.cancel",
        obj=room.quota,
        after={"units": rows, "value": value},
        note=reason,
    )
    AuditChange.objects.bulk_create(
        [
            AuditChange(
                event=event,
                object_id=str(a["pk"]),
                change="cancelled",
                before={"status": "approved"},
                after={"status": "cancelled"},
            )
            for a in found
        ]
    )
    return rows


@transaction.atomic
def formula_save(
    *, actor: Any, program_year: ProgramYear, weights: dict[str, Any]
) -> PriorityFormula:
    """Set the weights of a programme year's priority formula (whole numbers 0-100)."""
    require(actor, "allocation.approve")
    clean: dict[str, int] = {}
    errors = {}
    for key in COMPONENTS:
        try:
            value = int(weights.get(key))
        except (TypeError, ValueError):
            errors[key] = _("A whole number from 0 to 100.")
            continue
        if not 0 <= value <= 100:
            errors[key] = _("A whole number from 0 to 100.")
        clean[key] = value
    if not errors and not any(clean.values()):
        errors["decile"] = _("At least one weight must be above 0.")
    if errors:
        raise ValidationError(errors)
    before = weights_for(program_year)
    formula, _created = PriorityFormula.objects.select_for_update().get_or_create(
        program_year=program_year
    )
    formula.weights = clean
    formula.updated_by = actor if getattr(actor, "pk", None) else None
    formula.save()
    if before != clean:
        audit_record(
            actor=actor, action="formula.save", obj=program_year, before=before, after=clean
        )
    return formula


def recount(program_year: ProgramYear, region_code: str) -> dict[str, int]:
    """The truth the counters must equal: approved units and their value (tests, checks)."""
    agg = Allocation.objects.filter(
        program_year=program_year, region_id=region_code, status=Allocation.Status.APPROVED
    ).aggregate(n=Count("id"), value=Sum("value"))
    return {"units": agg["n"], "value": agg["value"] or 0}
