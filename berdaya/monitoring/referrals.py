"""Referrals to partner agencies (seed 001): a family, group or institution is referred by the
office that follows it, from the person's page, a group or a visit; the agency's own users see
what was sent to them, say they are handling it, note what they did and record the outcome.

The course of a referral, one table:

    sent -> accepted (the agency is handling it) | done (outcome recorded) | cancelled
    accepted -> done | cancelled

A move is a conditional update, so an agency recording the outcome while the office cancels
cannot both win; each move writes an action row and an audit event in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.accounts.roles import Role
from berdaya.accounts.scope import require, require_region
from berdaya.core.audit import audit_record
from berdaya.monitoring.models import (
    MonitoredUnit,
    PartnerAgency,
    Referral,
    ReferralAction,
    Service,
    Visit,
)

TRANSITIONS: dict[str, set[str]] = {
    Referral.Status.SENT: {
        Referral.Status.ACCEPTED,
        Referral.Status.DONE,
        Referral.Status.CANCELLED,
    },
    Referral.Status.ACCEPTED: {Referral.Status.DONE, Referral.Status.CANCELLED},
}


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _text(value: str, field: str, label: str, minimum: int = 10) -> str:
    value = (value or "").strip()
    if len(value) < minimum:
        raise ValidationError(
            {
                field: _("%(field)s: write at least %(n)s characters.")
                % {"field": label, "n": minimum}
            }
        )
    return value


def _subject(
    *, person: Any = None, group: Any = None, unit: MonitoredUnit | None = None
) -> dict[str, Any]:
    """Who is referred, from where the referral was made."""
    if person is not None:
        return {
            "region_id": person.regency_id,
            "person": person,
            "subject_name": person.name,
            "subject_nik": person.nik,
            "village_code": person.village_id,
            "address": person.address or "",
        }
    if group is not None:
        board = {"KETUA": 0, "SEKRETARIS": 1, "BENDAHARA": 2}
        members = list(group.members.filter(status="proposed"))
        members.sort(key=lambda m: (board.get(m.role, 3), m.pk))
        chair = members[0] if members else None
        return {
            "region_id": group.region_id,
            "group": group,
            "subject_name": group.name
            if group.name.upper().startswith("KUBE")
            else _("KUBE %(name)s") % {"name": group.name},
            "subject_nik": chair.nik if chair else "",
            "village_code": chair.village_code if chair else "",
            "address": (chair.address or "") if chair else "",
        }
    assert unit is not None
    address = ""
    if unit.allocation.proposal_id:
        address = unit.allocation.proposal.address or ""
    return {
        "region_id": unit.region_id,
        "unit": unit,
        "group": unit.allocation.group if unit.allocation.group_id else None,
        "subject_name": unit.name,
        "subject_nik": unit.nik,
        "village_code": unit.village_code,
        "address": address,
    }


@transaction.atomic
def referral_create(
    *,
    actor: Any,
    agency: PartnerAgency,
    service: str,
    reason: str,
    person: Any = None,
    group: Any = None,
    unit: MonitoredUnit | None = None,
    visit: Visit | None = None,
    contact: str = "",
) -> Referral:
    """Refer a person, a group, a followed unit or the unit of a visit to a partner agency."""
    require(actor, "referrals.create")
    if visit is not None:
        unit = visit.unit
    sources = [s for s in (person, group, unit) if s is not None]
    if len(sources) != 1:
        raise ValidationError(_("Refer one person, group or unit at a time."))
    subject = _subject(person=person, group=group, unit=unit)
    require_region(actor, subject["region_id"])
    errors = {}
    if agency is None or not agency.active:
        errors["agency"] = _("Partner agency: choose an active agency.")
    if service not in Service.values:
        errors["service"] = _("Assistance asked: choose from the list.")
    try:
        reason = _text(reason, "reason", _("Why they are referred"))
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    same = Referral.objects.filter(
        agency=agency,
        service=service,
        status__in=[Referral.Status.SENT, Referral.Status.ACCEPTED],
    )
    if subject.get("group") is not None and person is None:
        same = same.filter(group=subject["group"])
    elif subject["subject_nik"]:
        same = same.filter(subject_nik=subject["subject_nik"])
    else:
        same = same.filter(unit=unit)
    earlier = same.first()
    if earlier is not None:
        raise ValidationError(
            _("%(name)s already has an open referral to %(agency)s for this, sent on %(date)s.")
            % {
                "name": subject["subject_name"],
                "agency": str(agency),
                "date": timezone.localtime(earlier.created_at).strftime("%d-%m-%Y"),
            }
        )
    referral = Referral.objects.create(
        agency=agency,
        service=service,
        reason=reason,
        visit=visit,
        contact=(contact or "").strip()[:100],
        respond_by=timezone.localdate() + dt.timedelta(days=agency.respond_days or 30),
        created_by=_user(actor),
        **subject,
    )
    audit_record(
        actor=actor,
        action="referral.create",
        obj=referral,
        after={
            "agency": agency.code,
            "service": service,
            "subject": referral.subject_name,
            "nik": referral.subject_nik,
            "visit": visit.pk if visit else None,
        },
    )
    return referral


def _may_respond(actor: Any, referral: Referral) -> None:
    """The agency's own users, or the province recording for them."""
    require(actor, "referrals.respond")
    if actor.role == Role.PARTNER:
        from berdaya.monitoring.selectors import agency_for_user

        if agency_for_user(actor) != referral.agency:
            raise Http404
    else:
        require_region(actor, referral.region_id)


def _may_follow(actor: Any, referral: Referral) -> None:
    """The office that sent it (its region's staff) or the receiving agency."""
    if actor.role == Role.PARTNER:
        _may_respond(actor, referral)
        return
    if not (actor.has_capability("referrals.create") or actor.has_capability("referrals.respond")):
        raise PermissionDenied("referrals.create")
    require_region(actor, referral.region_id)


def _move(
    *, actor: Any, referral: Referral, new: str, text: str, kind: str, acted_on: dt.date, **fields
) -> Referral:
    old = referral.status
    if new not in TRANSITIONS.get(old, set()):
        raise ValidationError(
            _("This referral is %(status)s: it cannot change any more.")
            % {"status": referral.get_status_display().lower()}
        )
    rows = Referral.objects.filter(pk=referral.pk, status=old).update(
        status=new, updated_at=timezone.now(), **fields
    )
    if rows != 1:
        raise ValidationError(_("Someone changed this referral meanwhile: reload the page."))
    ReferralAction.objects.create(
        referral=referral,
        kind=kind,
        text=text,
        acted_on=acted_on,
        by=_user(actor),
        by_name=getattr(actor, "display_name", "")[:150],
    )
    audit_record(
        actor=actor,
        action=f"referral.{kind}",
        obj=referral,
        before={"status": old},
        after={"status": new, **fields},
        note=text,
    )
    referral.refresh_from_db()
    return referral


def _date(value: dt.date | None, field: str, referral: Referral) -> dt.date:
    today = timezone.localdate()
    if value is None:
        return today
    if value > today:
        raise ValidationError({field: _("Date: it cannot be in the future.")})
    if value < timezone.localtime(referral.created_at).date():
        raise ValidationError({field: _("Date: it cannot be before the referral was sent.")})
    return value


@transaction.atomic
def referral_accept(*, actor: Any, referral: Referral, note: str = "") -> Referral:
    """The agency says it is handling the referral."""
    _may_respond(actor, referral)
    text = (note or "").strip() or _("The agency is handling the referral.")
    return _move(
        actor=actor,
        referral=referral,
        new=Referral.Status.ACCEPTED,
        text=text,
        kind=ReferralAction.Kind.ACCEPTED,
        acted_on=timezone.localdate(),
    )


@transaction.atomic
def referral_note(
    *, actor: Any, referral: Referral, text: str, acted_on: dt.date | None = None
) -> ReferralAction:
    """A step taken (a survey, a call, a letter): the agency's, or the office's follow-up."""
    _may_follow(actor, referral)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not referral.is_open:
        raise ValidationError(_("This referral is closed: nothing more can be noted."))
    text = _text(text, "text", _("What was done"), minimum=5)
    acted_on = _date(acted_on, "acted_on", referral)
    action = ReferralAction.objects.create(
        referral=referral,
        kind=ReferralAction.Kind.NOTE,
        text=text,
        acted_on=acted_on,
        by=_user(actor),
        by_name=getattr(actor, "display_name", "")[:150],
    )
    Referral.objects.filter(pk=referral.pk).update(updated_at=timezone.now())
    audit_record(actor=actor, action="referral.note", obj=referral, note=text)
    return action


@transaction.atomic
def referral_complete(
    *,
    actor: Any,
    referral: Referral,
    outcome: str,
    note: str,
    outcome_on: dt.date | None = None,
) -> Referral:
    """The outcome: assisted (or partly), waiting list, not eligible, unreachable, declined."""
    _may_respond(actor, referral)
    errors = {}
    if outcome not in Referral.Outcome.values:
        errors["outcome"] = _("Outcome: choose what came of the referral.")
    try:
        note = _text(note, "note", _("What was done"))
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    outcome_on = _date(outcome_on, "outcome_on", referral)
    return _move(
        actor=actor,
        referral=referral,
        new=Referral.Status.DONE,
        text=note,
        kind=ReferralAction.Kind.OUTCOME,
        acted_on=outcome_on,
        outcome=outcome,
        outcome_note=note,
        outcome_on=outcome_on,
    )


@transaction.atomic
def referral_cancel(*, actor: Any, referral: Referral, reason: str) -> Referral:
    """The office withdraws a referral (sent by mistake, the family moved...)."""
    require(actor, "referrals.create")
    require_region(actor, referral.region_id)
    reason = _text(reason, "reason", _("Reason"))
    return _move(
        actor=actor,
        referral=referral,
        new=Referral.Status.CANCELLED,
        text=reason,
        kind=ReferralAction.Kind.CANCELLED,
        acted_on=timezone.localdate(),
        cancel_reason=reason,
    )


@transaction.atomic
def agency_save(*, actor: Any, agency: PartnerAgency | None = None, **fields: Any) -> PartnerAgency:
    """Add or change a partner agency (the province keeps the list)."""
    require(actor, "agencies.manage")
    keys = ["code", "name", "short_name", "sector", "services", "contact", "respond_days", "active"]
    values = {k: fields[k] for k in keys if k in fields}
    errors = {}
    if "code" in values:
        values["code"] = (values["code"] or "").strip().upper()
        if not values["code"] or len(values["code"]) > 20:
            errors["code"] = _("Code: a short word of capital letters, e.g. DINKES.")
        elif (
            PartnerAgency.objects.filter(code=values["code"])
            .exclude(pk=agency.pk if agency else None)
            .exists()
        ):
            errors["code"] = _("Code: another agency has it.")
    if "name" in values:
        values["name"] = (values["name"] or "").strip()
        if not values["name"]:
            errors["name"] = _("Name is required.")
        elif (
            PartnerAgency.objects.filter(name__iexact=values["name"])
            .exclude(pk=agency.pk if agency else None)
            .exists()
        ):
            errors["name"] = _("Name: another agency has it.")
    if "services" in values:
        values["services"] = [s for s in values["services"] or [] if s]
        if any(s not in Service.values for s in values["services"]):
            errors["services"] = _("Services: choose from the list.")
    if errors:
        raise ValidationError(errors)
    if agency is None:
        agency = PartnerAgency.objects.create(**values)
        audit_record(actor=actor, action="agency.create", obj=agency, after=values)
        return agency
    before = {k: getattr(agency, k) for k in values}
    for k, v in values.items():
        setattr(agency, k, v)
    agency.save()
    changed = {k: v for k, v in values.items() if before.get(k) != v}
    if changed:
        audit_record(
            actor=actor,
            action="agency.update",
            obj=agency,
            before={k: before[k] for k in changed},
            after=changed,
        )
    return agency
