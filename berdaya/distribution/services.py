"""Writes of the distribution stage: each unit's package, Bimtek sessions and attendance, and
handovers (BAST). Every rule is here, so the pages, the offline sync and the demo obey the same
ones:

- goods go only to a unit fixed in an issued decree, never to a person the register now marks
  dead (a group: never through a member marked dead);
- not before the unit attended a Bimtek session, unless the programme year allows it;
- never more than the unit's package, which stays within the unit's value in the decree; a
  handover that leaves part of the package for later is recorded as partial;
- a record sent twice with the same client key is stored once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.accounts.scope import require, require_region
from berdaya.allocation.models import Allocation
from berdaya.core.audit import audit_record, changed, snapshot
from berdaya.core.files import stored_file_save
from berdaya.core.models import AuditChange
from berdaya.core.templatetags.berdaya import format_rupiah
from berdaya.distribution.models import (
    Handover,
    HandoverLine,
    PackageStatus,
    Participant,
    Topic,
    TrainingSession,
    UnitPackage,
    UnitPackageLine,
)
from berdaya.distribution.units import decreed, in_issued_decree, trained_ids, unit_info
from berdaya.programs.models import GoodsItem, GoodsPackage, ProgramYear
from berdaya.programs.targets import regency
from berdaya.regions.models import Region

PHOTO_MAX_BYTES = 8 * 1024 * 1024
SHEET_MAX_BYTES = 15 * 1024 * 1024


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _reason(text: str) -> str:
    text = (text or "").strip()
    if len(text) < 10:
        raise ValidationError(_("Write the reason (at least 10 characters)."))
    return text


# --- Each unit's package ---------------------------------------------------------------------


def _locked_allocation(allocation: Allocation | int) -> Allocation:
    pk = allocation.pk if isinstance(allocation, Allocation) else int(allocation)
    return (
        Allocation.objects.select_for_update(of=("self",))
        .select_related("program_year__program", "decree", "region")
        .get(pk=pk)
    )


@transaction.atomic
def unit_package_set(
    *,
    actor: Any,
    allocation: Allocation,
    lines: list[tuple[GoodsItem, int]] | None = None,
    source: GoodsPackage | None = None,
) -> UnitPackage:
    """Set the goods a unit is to receive: a catalogue package's lines (`source`) or lines of
    its own. Within the unit's value in the decree; lines already partly handed over keep at
    least what was given."""
    require(actor, "packages.manage")
    require_region(actor, allocation.region_id)
    allocation = _locked_allocation(allocation)
    if allocation.status != Allocation.Status.APPROVED:
        raise ValidationError(_("This approval was cancelled: it gets no goods."))
    if source is not None:
        if source.program_year_id != allocation.program_year_id:
            raise ValidationError(_("The package belongs to another programme year."))
        lines = [(x.item, x.quantity, x.unit_price) for x in source.lines.select_related("item")]
    else:
        lines = [(item, qty, item.unit_price) for item, qty in (lines or [])]
    wanted: dict[int, tuple[GoodsItem, int, int]] = {}
    for item, qty, price in lines:
        qty = int(qty or 0)
        if qty < 0:
            raise ValidationError(_("A quantity cannot be negative."))
        if qty:
            wanted[item.pk] = (item, qty, price)
    if not wanted:
        raise ValidationError(_("A package needs at least one item."))
    total = sum(qty * price for _item, qty, price in wanted.values())
    if total > allocation.value:
        raise ValidationError(
            _(
                "The package costs %(total)s, more than the %(value)s this unit receives in the "
                "decree (%(over)s too much)."
            )
            % {
                "total": format_rupiah(total),
                "value": format_rupiah(allocation.value),
                "over": format_rupiah(total - allocation.value),
            }
        )
    package, created = UnitPackage.objects.select_for_update().get_or_create(
        allocation=allocation,
        defaults={"program_year_id": allocation.program_year_id, "region_id": allocation.region_id},
    )
    before = {x.item_id: x for x in package.lines.all()}
    for item_id, line in before.items():
        keep = wanted.get(item_id)
        if line.delivered and (keep is None or keep[1] < line.delivered):
            raise ValidationError(
                _("%(n)s of %(item)s were already handed over: the package keeps at least that.")
                % {"n": line.delivered, "item": line.item.name}
            )
    old = {i: [x.quantity, x.unit_price] for i, x in before.items()}
    for item_id, line in before.items():
        if item_id not in wanted:
            line.delete()
    for item_id, (item, qty, price) in wanted.items():
        line = before.get(item_id)
        if line is None:
            UnitPackageLine.objects.create(
                package=package, item=item, quantity=qty, unit_price=price
            )
        elif (line.quantity, line.unit_price) != (qty, price):
            line.quantity, line.unit_price = qty, price
            line.save(update_fields=["quantity", "unit_price"])
    package.total = total
    package.source = source
    package.updated_by = _user(actor)
    package.status = _package_status(package)
    package.save()
    new = {i: [q, p] for i, (_item, q, p) in wanted.items()}
    if created or old != new:
        audit_record(
            actor=actor,
            action="package.set",
            obj=package,
            before=None if created else {"lines": old},
            after={"lines": new, "total": total, "source": source.pk if source else None},
        )
    return package


def _package_status(package: UnitPackage) -> str:
    lines = list(package.lines.all())
    delivered = sum(x.delivered for x in lines)
    if not delivered:
        return PackageStatus.PENDING
    if all(x.delivered >= x.quantity for x in lines):
        return PackageStatus.COMPLETE
    return PackageStatus.PARTIAL


@transaction.atomic
def unit_packages_assign(
    *,
    actor: Any,
    program_year: ProgramYear,
    region: Region | str,
    package: GoodsPackage,
    allocation_ids: list[int] | None = None,
) -> int:
    """Give a catalogue package to many units of a region at once: those chosen, or else every
    unit of the decree that has no package yet. All or nothing."""
    require(actor, "packages.manage")
    region = regency(region)
    require_region(actor, region.code)
    units = decreed(
        Allocation.objects.filter(program_year=program_year, region=region)
    ).select_related("program_year__program", "decree", "region")
    if allocation_ids is not None:
        units = units.filter(pk__in=allocation_ids)
    else:
        units = units.filter(package__isnull=True)
    n = 0
    for allocation in units.order_by("rank"):
        unit_package_set(actor=actor, allocation=allocation, source=package)
        n += 1
    if not n:
        raise ValidationError(_("No unit of the decree is waiting for a package."))
    return n


# --- Bimtek -----------------------------------------------------------------------------------

SESSION_FIELDS = [
    "title",
    "starts_on",
    "ends_on",
    "place",
    "village_code",
    "trainers",
    "topics",
    "notes",
]


def _session_values(fields: dict[str, Any], region: Region) -> dict[str, Any]:
    values = {k: fields.get(k) for k in SESSION_FIELDS if k in fields}
    errors = {}
    for key in ("title", "place", "trainers"):
        if key in values:
            values[key] = (values[key] or "").strip()
            if not values[key]:
                errors[key] = _("This field is required.")
    topics = [t for t in (values.get("topics") or []) if t]
    unknown = [t for t in topics if t not in Topic.values]
    if "topics" in values and (not topics or unknown):
        errors["topics"] = _("Choose the topics of the session.")
    values["topics"] = topics
    start, end = values.get("starts_on"), values.get("ends_on")
    if start and end and end < start:
        errors["ends_on"] = _("The last day is before the first.")
    village = (values.get("village_code") or "").strip()
    if village and not village.startswith(region.code + "."):
        errors["village_code"] = _("The village is outside %(region)s.") % {"region": region.name}
    values["village_code"] = village
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def session_create(
    *, actor: Any, program_year: ProgramYear, region: Region | str, **fields: Any
) -> TrainingSession:
    require(actor, "training.manage")
    region = regency(region)
    require_region(actor, region.code)
    values = _session_values(fields, region)
    if not values.get("starts_on"):
        raise ValidationError({"starts_on": _("This field is required.")})
    session = TrainingSession.objects.create(
        program_year=program_year, region=region, created_by=_user(actor), **values
    )
    audit_record(
        actor=actor, action="bimtek.create", obj=session, after=snapshot(session, SESSION_FIELDS)
    )
    return session


def _session(session: TrainingSession) -> TrainingSession:
    session = (
        TrainingSession.objects.select_for_update(of=("self",))
        .select_related("program_year__program", "region")
        .get(pk=session.pk)
    )
    if session.status == TrainingSession.Status.CANCELLED:
        raise ValidationError(_("This session was cancelled."))
    return session


@transaction.atomic
def session_update(*, actor: Any, session: TrainingSession, **fields: Any) -> TrainingSession:
    require(actor, "training.manage")
    require_region(actor, session.region_id)
    session = _session(session)
    before = snapshot(session, SESSION_FIELDS)
    for key, value in _session_values(fields, session.region).items():
        setattr(session, key, value)
    if session.participants.filter(status=Participant.Status.ATTENDED).exists() and (
        session.starts_on > timezone.localdate()
    ):
        raise ValidationError(
            {"starts_on": _("Attendance is already marked: the session cannot move ahead.")}
        )
    session.save()
    b, a = changed(before, snapshot(session, SESSION_FIELDS))
    if a:
        audit_record(actor=actor, action="bimtek.update", obj=session, before=b, after=a)
    return session


@transaction.atomic
def session_cancel(*, actor: Any, session: TrainingSession, reason: str) -> TrainingSession:
    require(actor, "training.manage")
    require_region(actor, session.region_id)
    session = _session(session)
    reason = _reason(reason)
    if session.participants.filter(status=Participant.Status.ATTENDED).exists():
        raise ValidationError(_("People attended this session: it cannot be cancelled."))
    session.status = TrainingSession.Status.CANCELLED
    session.cancel_reason = reason
    session.save(update_fields=["status", "cancel_reason", "updated_at"])
    audit_record(actor=actor, action="bimtek.cancel", obj=session, note=reason)
    return session


@transaction.atomic
def session_invite(
    *, actor: Any, session: TrainingSession, allocation_ids: list[int] | None = None
) -> int:
    """Invite units of the decree to a session: each person, or every member of a group.

    Without a choice: every unit of the region's decree not yet trained and not already invited
    to a session that is still to come."""
    require(actor, "training.manage")
    require_region(actor, session.region_id)
    session = _session(session)
    units = decreed(
        Allocation.objects.filter(program_year=session.program_year, region=session.region)
    ).select_related("program_year__program")
    if allocation_ids is not None:
        ids = {int(i) for i in allocation_ids}
        units = units.filter(pk__in=ids)
        found = list(units)
        if len(found) != len(ids):
            raise ValidationError(
                _("Only units in the issued decree of this region can be invited.")
            )
    else:
        found = list(units)
        done = trained_ids([a.pk for a in found])
        waiting = set(
            Participant.objects.filter(
                allocation_id__in=[a.pk for a in found],
                status=Participant.Status.INVITED,
                session__status=TrainingSession.Status.PLANNED,
                session__starts_on__gte=timezone.localdate(),
            ).values_list("allocation_id", flat=True)
        )
        found = [a for a in found if a.pk not in done and a.pk not in waiting]
    from berdaya.distribution.units import unit_infos

    infos = unit_infos(found)
    present = set(session.participants.values_list("proposal_id", flat=True))
    rows = []
    for a in found:
        for m in infos[a.pk].receivers:
            if m.proposal_id not in present:
                rows.append(
                    Participant(
                        session=session,
                        allocation=a,
                        proposal_id=m.proposal_id,
                        name=m.name[:150],
                        role=m.role,
                    )
                )
                present.add(m.proposal_id)
    if not rows:
        raise ValidationError(_("Nobody left to invite: every unit is trained or invited."))
    Participant.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action="bimtek.invite",
        obj=session,
        after={"people": len(rows), "units": len({r.allocation_id for r in rows})},
    )
    return len(rows)


@transaction.atomic
def attendance_mark(
    *,
    actor: Any,
    session: TrainingSession,
    marks: dict[int, str],
    via: str = Participant.Via.PHONE,
) -> int:
    """Mark who attended (or was absent) at a session that has started. Marking again the same
    way changes nothing, so a list sent twice from a phone is harmless. Returns the changes."""
    require(actor, "training.attendance")
    require_region(actor, session.region_id)
    session = _session(session)
    if session.starts_on > timezone.localdate():
        raise ValidationError(
            _("The session has not started yet: attendance is marked on the day.")
        )
    if via not in Participant.Via.values:
        via = Participant.Via.PHONE
    valid = {Participant.Status.ATTENDED, Participant.Status.ABSENT, Participant.Status.INVITED}
    participants = {p.pk: p for p in session.participants.all()}
    unknown = [pk for pk in marks if int(pk) not in participants]
    if unknown:
        raise ValidationError(_("Some of the people marked are not invited to this session."))
    now = timezone.now()
    changes = []
    for pk, status in marks.items():
        p = participants[int(pk)]
        if status not in valid:
            raise ValidationError(_("Unknown attendance: %(s)s.") % {"s": status})
        if p.status == status:
            continue
        Participant.objects.filter(pk=p.pk).update(
            status=status, via=via, marked_by=_user(actor), marked_at=now
        )
        changes.append((p, p.status, status))
    if changes:
        if any(new == Participant.Status.ATTENDED for _p, _old, new in changes):
            TrainingSession.objects.filter(pk=session.pk).update(status=TrainingSession.Status.HELD)
        event = audit_record(
            actor=actor,
            action="bimtek.attendance",
            obj=session,
            after={"changed": len(changes), "via": via},
        )
        AuditChange.objects.bulk_create(
            [
                AuditChange(
                    event=event,
                    object_id=str(p.pk),
                    change="updated",
                    before={"status": old},
                    after={"status": new, "name": p.name},
                )
                for p, old, new in changes
            ]
        )
    return len(changes)


@transaction.atomic
def attendance_sheet_upload(*, actor: Any, session: TrainingSession, upload: Any) -> Any:
    """Keep the signed attendance sheet (a scan or photo) with the session."""
    require(actor, "training.attendance")
    require_region(actor, session.region_id)
    session = _session(session)
    stored = stored_file_save(
        actor=actor, owner=session, kind="daftar_hadir", upload=upload, max_bytes=SHEET_MAX_BYTES
    )
    session.sheet = stored
    session.save(update_fields=["sheet", "updated_at"])
    return stored


# --- Handover (BAST) -------------------------------------------------------------------------


def handover_problems(
    allocation: Allocation, on: dt.date | None = None, *, training: bool = True
) -> list[str]:
    """Why this unit cannot receive goods now (empty: it can). Read by the pages before the
    form, and by handover_record, which refuses on the same reasons. `training=False` leaves
    out the training rule (a form opened offline may follow attendance not yet sent)."""
    on = on or timezone.localdate()
    problems = []
    if not in_issued_decree(allocation):
        problems.append(
            _("This unit is not in an issued decree (SK): no goods may be handed over.")
        )
        return problems
    info = unit_info(allocation)
    if info.deceased:
        problems.append(
            _("The register now marks %(name)s as deceased: no goods may be handed over.")
            % {"name": info.name}
        )
    elif info.kind == "group" and info.default_receiver is None:
        problems.append(_("The register marks every member of this group as deceased."))
    py = allocation.program_year
    if training and not py.handover_before_training and not trained_ids([allocation.pk], on):
        problems.append(
            _(
                "%(name)s has not attended a Bimtek session yet: goods are handed over after "
                "the training."
            )
            % {"name": info.name}
        )
    package = UnitPackage.objects.filter(allocation=allocation).first()
    if package is None:
        problems.append(_("No package of goods is set for this unit yet."))
    elif package.status == PackageStatus.COMPLETE:
        problems.append(_("The whole package has already been handed over."))
    return problems


def _coordinate(value: Any, low: int, high: int, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise ValidationError({label: _("Not a number.")}) from None
    if not low <= number <= high:
        raise ValidationError({label: _("Out of range.")})
    return number


def _content_hash(handover: Handover, lines: list[HandoverLine]) -> str:
    data = {
        "number": handover.number,
        "allocation": handover.allocation_id,
        "handed_on": handover.handed_on.isoformat(),
        "place": handover.place,
        "receiver": [handover.receiver_name, handover.receiver_nik, handover.receiver_role],
        "officer": handover.officer_name,
        "lines": [[x.item_id, x.quantity, x.unit_price] for x in lines],
        "value": handover.value,
        "photo": handover.photo.sha256 if handover.photo_id else "",
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _key(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise ValidationError(_("The record has no valid key: reload the form.")) from None


@transaction.atomic
def handover_record(
    *,
    actor: Any,
    allocation: Allocation,
    client_key: Any,
    handed_on: dt.date,
    place: str,
    quantities: dict[int, int],
    photo: Any = None,
    receiver_id: int | None = None,
    receiver_name: str = "",
    receiver_role: str = "",
    witness_name: str = "",
    officer_title: str = "",
    village_code: str = "",
    latitude: Any = None,
    longitude: Any = None,
    gps_accuracy: Any = None,
    notes: str = "",
    captured_at: dt.datetime | None = None,
) -> tuple[Handover, bool]:
    """Record a handover of goods to a unit; returns it and whether it was created now.

    `quantities` maps item ids of the unit's package to what is given now. The same
    `client_key` sent again returns the handover stored the first time, whatever else came
    with it: a phone that lost the answer may safely send again.
    """
    require(actor, "handover.record")
    require_region(actor, allocation.region_id)
    key = _key(client_key)
    # The unit's row is the lock: two handovers of one unit are counted one after the other,
    # and a retry waits for the first send to commit, then finds it below.
    allocation = _locked_allocation(allocation)
    existing = Handover.objects.filter(client_key=key).first()
    if existing is not None:
        if existing.allocation_id != allocation.pk:
            raise ValidationError(_("This record's key belongs to another handover."))
        return existing, False
    today = timezone.localdate()
    if handed_on is None:
        raise ValidationError({"handed_on": _("This field is required.")})
    if handed_on > today:
        raise ValidationError({"handed_on": _("The date of a handover cannot be in the future.")})
    decree = allocation.decree
    if decree is not None and decree.decree_date and handed_on < decree.decree_date:
        raise ValidationError(
            {
                "handed_on": _("The handover cannot be dated before the decree (%(date)s).")
                % {"date": decree.decree_date.isoformat()}
            }
        )
    problems = handover_problems(allocation, handed_on)
    if problems:
        raise ValidationError(problems)
    place = (place or "").strip()
    if not place:
        raise ValidationError({"place": _("This field is required.")})
    if photo is None:
        raise ValidationError({"photo": _("A photo of the handover is required as evidence.")})
    lat = _coordinate(latitude, -90, 90, "latitude")
    lon = _coordinate(longitude, -180, 180, "longitude")
    if (lat is None) != (lon is None):
        raise ValidationError({"latitude": _("Give both latitude and longitude, or neither.")})
    accuracy = None
    if lat is not None and gps_accuracy not in (None, ""):
        try:
            accuracy = max(0, min(100_000, round(float(gps_accuracy))))
        except (TypeError, ValueError):
            accuracy = None
    info = unit_info(allocation)
    receiver = None
    if info.kind in ("person", "group"):
        members = {m.proposal_id: m for m in info.receivers}
        receiver = members.get(int(receiver_id)) if receiver_id else info.default_receiver
        if receiver is None:
            raise ValidationError({"receiver": _("Choose who receives for the unit.")})
        if receiver.deceased:
            raise ValidationError(
                {
                    "receiver": _("The register now marks %(name)s as deceased.")
                    % {"name": receiver.name}
                }
            )
        name, nik = receiver.name, receiver.nik
        role = receiver.role if info.kind == "group" else ""
    else:
        name, nik = (receiver_name or "").strip(), ""
        role = (receiver_role or "").strip()
        if not name:
            raise ValidationError({"receiver_name": _("Write the name of the person receiving.")})
    package = UnitPackage.objects.select_for_update().get(allocation=allocation)
    lines = {x.item_id: x for x in package.lines.select_related("item")}
    given: list[tuple[UnitPackageLine, int]] = []
    errors = []
    for item_id, qty in (quantities or {}).items():
        try:
            item_id, qty = int(item_id), int(qty or 0)
        except (TypeError, ValueError):
            errors.append(_("A quantity is a whole number."))
            continue
        line = lines.get(item_id)
        if line is None:
            errors.append(_("An item is not in this unit's package."))
            continue
        if qty < 0:
            errors.append(_("A quantity cannot be negative."))
        elif qty > line.remaining:
            errors.append(
                _("%(item)s: %(n)s given, but only %(left)s are left of the package.")
                % {"item": line.item.name, "n": qty, "left": line.remaining}
            )
        elif qty:
            given.append((line, qty))
    if errors:
        raise ValidationError(errors)
    if not given:
        raise ValidationError(_("Write how many of each item are handed over."))
    value = sum(line.unit_price * qty for line, qty in given)
    now_given = {line.pk: qty for line, qty in given}
    partial = any(x.delivered + now_given.get(x.pk, 0) < x.quantity for x in lines.values())
    handover = None
    for _attempt in range(5):
        seq = (
            Handover.objects.filter(
                program_year_id=allocation.program_year_id, region_id=allocation.region_id
            ).aggregate(m=Max("seq"))["m"]
            or 0
        ) + 1
        py = allocation.program_year
        try:
            with transaction.atomic():
                handover = Handover.objects.create(
                    client_key=key,
                    allocation=allocation,
                    program_year_id=allocation.program_year_id,
                    region_id=allocation.region_id,
                    seq=seq,
                    number=f"BAST/{py.program.code}/{py.year}/{allocation.region_id}/{seq:04d}",
                    handed_on=handed_on,
                    place=place[:200],
                    village_code=(village_code or info.village_code or "")[:13],
                    latitude=lat,
                    longitude=lon,
                    gps_accuracy=accuracy,
                    receiver_id=receiver.proposal_id if receiver else None,
                    receiver_name=name[:150],
                    receiver_nik=nik,
                    receiver_role=role[:60],
                    officer=_user(actor),
                    officer_name=(getattr(actor, "display_name", "") or "")[:150],
                    officer_title=(officer_title or "").strip()[:150],
                    witness_name=(witness_name or "").strip()[:150],
                    value=value,
                    partial=partial,
                    notes=(notes or "").strip(),
                    captured_at=captured_at,
                )
            break
        except IntegrityError:
            # Either the same record sent at the same moment (the key), or another handover of
            # the region took this number: find the first, else number again.
            existing = Handover.objects.filter(client_key=key).first()
            if existing is not None:
                if existing.allocation_id != allocation.pk:
                    raise ValidationError(
                        _("This record's key belongs to another handover.")
                    ) from None
                return existing, False
    if handover is None:
        raise ValidationError(_("The system is busy numbering handovers: send it again."))
    rows = [
        HandoverLine(
            handover=handover,
            item_id=line.item_id,
            quantity=qty,
            unit_price=line.unit_price,
            value=qty * line.unit_price,
        )
        for line, qty in given
    ]
    HandoverLine.objects.bulk_create(rows)
    for line, qty in given:
        n = UnitPackageLine.objects.filter(pk=line.pk, delivered__lte=F("quantity") - qty).update(
            delivered=F("delivered") + qty
        )
        if n != 1:
            raise ValidationError(_("The package changed meanwhile: reload the form."))
    package.delivered_value = F("delivered_value") + value
    package.save(update_fields=["delivered_value", "updated_at"])
    package.refresh_from_db()
    package.status = _package_status(package)
    package.save(update_fields=["status"])
    Allocation.objects.filter(pk=allocation.pk).update(realised_value=F("realised_value") + value)
    stored = stored_file_save(
        actor=actor,
        owner=handover,
        kind="foto_serah_terima",
        upload=photo,
        max_bytes=PHOTO_MAX_BYTES,
    )
    handover.photo = stored
    handover.content_hash = _content_hash(handover, rows)
    handover.save(update_fields=["photo", "content_hash"])
    audit_record(
        actor=actor,
        action="handover.record",
        obj=handover,
        after={
            "number": handover.number,
            "allocation": allocation.pk,
            "handed_on": handed_on,
            "receiver": name,
            "nik": nik,
            "lines": {str(x.item_id): x.quantity for x in rows},
            "value": value,
            "partial": handover.partial,
            "gps": [str(lat), str(lon)] if lat is not None else None,
            "captured_at": captured_at,
            "content_hash": handover.content_hash,
        },
    )
    return handover, True


@transaction.atomic
def handover_void(*, actor: Any, handover: Handover, reason: str) -> Handover:
    """Void a mistaken handover: it stays on record, marked void with the reason; what it gave
    goes back to the package and out of the realised value."""
    require(actor, "handover.void")
    require_region(actor, handover.region_id)
    reason = _reason(reason)
    _locked_allocation(handover.allocation_id)
    rows = Handover.objects.filter(pk=handover.pk, status=Handover.Status.RECORDED).update(
        status=Handover.Status.VOIDED,
        void_reason=reason,
        voided_by=_user(actor),
        voided_at=timezone.now(),
    )
    if rows != 1:
        raise ValidationError(_("This handover is already void."))
    handover.refresh_from_db()
    package = UnitPackage.objects.select_for_update().get(allocation_id=handover.allocation_id)
    for line in handover.lines.all():
        UnitPackageLine.objects.filter(package=package, item_id=line.item_id).update(
            delivered=F("delivered") - line.quantity
        )
    package.delivered_value = F("delivered_value") - handover.value
    package.save(update_fields=["delivered_value", "updated_at"])
    package.refresh_from_db()
    package.status = _package_status(package)
    package.save(update_fields=["status"])
    Allocation.objects.filter(pk=handover.allocation_id).update(
        realised_value=F("realised_value") - handover.value
    )
    audit_record(
        actor=actor,
        action="handover.void",
        obj=handover,
        before={"status": "recorded", "value": handover.value},
        after={"status": "voided"},
        note=reason,
    )
    return handover


def realised(program_year: ProgramYear, region_code: str) -> int:
    """The truth the realised values must equal: recorded handovers' value (tests, checks)."""
    return (
        Handover.objects.filter(
            program_year=program_year, region_id=region_code, status=Handover.Status.RECORDED
        ).aggregate(v=Sum("value"))["v"]
        or 0
    )
