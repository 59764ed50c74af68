"""The decree (SK): drafted by the province, signed by the head of office, locked once issued.

A draft shows the list as it stands (the approved units, then the ordered reserves). Issuing
it stores every line as printed, the PDF and its hash; from then on the region's list changes
only through a revision: a new draft version with its reason and its changes (remove a
recipient, add a unit), applied when the head of office signs the revision.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.accounts.scope import require, require_region
from berdaya.allocation.models import Allocation, Decree, DecreeChange, DecreeEntry, Objection
from berdaya.allocation.ranking import Unit, ranking
from berdaya.allocation.services import _claim, _release, check_separation, room_for
from berdaya.core.audit import audit_record
from berdaya.core.masking import mask_nik
from berdaya.core.models import AuditChange
from berdaya.programs.models import ProgramYear
from berdaya.programs.targets import regency
from berdaya.regions.models import Region

ROLE_ORDER = {"KETUA": 0, "SEKRETARIS": 1, "BENDAHARA": 2}


# Later stages say when a recipient may no longer leave the decree (goods already handed over):
# each returns the reason in the user's language, or None.
removal_locks: list[Callable[[Allocation], str | None]] = []


def removal_locked(allocation: Allocation) -> str | None:
    for check in removal_locks:
        reason = check(allocation)
        if reason:
            return reason
    return None


@dataclass
class Line:
    """One line of a decree as printed."""

    kind: str  # recipient | reserve
    number: int
    key: str
    name: str
    nik_masked: str
    detail: str
    village_code: str
    village_name: str
    value: int
    score: str
    change: str = ""  # kept | added | removed (revision drafts)
    allocation_id: int | None = None
    proposal_id: int | None = None
    group_id: int | None = None


@dataclass
class Sheet:
    """A decree's content: its recipients and reserves, totals, and what is wrong with it."""

    decree: Decree
    recipients: list[Line]
    reserves: list[Line]
    removed: list[Line]
    problems: list[str]

    @property
    def total(self) -> int:
        return sum(line.value for line in self.recipients)

    @property
    def content_hash(self) -> str:
        """What the head of office signs: the list, its values and the decree's own data."""
        data = {
            "decree": [
                self.decree.program_year_id,
                self.decree.region_id,
                self.decree.version,
                self.decree.number,
            ],
            "recipients": [
                [x.key, x.name, x.nik_masked, x.village_code, x.value] for x in self.recipients
            ],
            "reserves": [[x.key, x.name, x.nik_masked] for x in self.reserves],
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _village_names(codes: set[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=[c for c in codes if c]).values_list("code", "name"))


def _allocation_lines(allocations: list[Allocation], program_year: ProgramYear) -> list[Line]:
    """Lines for approved units, with names, masked NIKs and villages from their proposals."""
    from berdaya.intake.models import Proposal

    proposals = {
        p["id"]: p
        for p in Proposal.objects.filter(
            pk__in=[a.proposal_id for a in allocations if a.proposal_id]
        ).values(
            "id",
            "name",
            "nik",
            "registration_number",
            "village_code",
            "verification__register_record__village_code",
        )
    }
    groups: dict[int, list[dict]] = {}
    group_ids = [a.group_id for a in allocations if a.group_id]
    if group_ids:
        from berdaya.intake.models import ProposalGroup

        names = dict(ProposalGroup.objects.filter(pk__in=group_ids).values_list("id", "name"))
        for m in Proposal.objects.filter(
            group_id__in=group_ids, status=Proposal.Status.PROPOSED
        ).values(
            "id",
            "group_id",
            "name",
            "nik",
            "role",
            "village_code",
            "verification__register_record__village_code",
        ):
            groups.setdefault(m["group_id"], []).append(m)
    lines = []
    for a in allocations:
        if a.proposal_id:
            p = proposals[a.proposal_id]
            ident = mask_nik(p["nik"]) if p["nik"] else p["registration_number"]
            village = p["verification__register_record__village_code"] or p["village_code"]
            lines.append(
                Line(
                    "recipient",
                    0,
                    a.unit_key,
                    p["name"],
                    ident,
                    "",
                    village,
                    "",
                    a.value,
                    str(a.score),
                    allocation_id=a.pk,
                    proposal_id=a.proposal_id,
                )
            )
        else:
            ms = sorted(
                groups.get(a.group_id, []), key=lambda m: (ROLE_ORDER.get(m["role"], 3), m["id"])
            )
            chair = (
                ms[0]
                if ms
                else {
                    "name": "",
                    "nik": "",
                    "village_code": "",
                    "verification__register_record__village_code": "",
                }
            )
            detail = _("Chair: %(chair)s; %(n)s members: %(names)s") % {
                "chair": chair["name"],
                "n": len(ms),
                "names": ", ".join(m["name"] for m in ms),
            }
            village = chair["verification__register_record__village_code"] or chair["village_code"]
            lines.append(
                Line(
                    "recipient",
                    0,
                    a.unit_key,
                    names.get(a.group_id, ""),
                    mask_nik(chair["nik"]),
                    detail[:500],
                    village,
                    "",
                    a.value,
                    str(a.score),
                    allocation_id=a.pk,
                    group_id=a.group_id,
                )
            )
    return lines


def _unit_lines(units: list[Unit], kind: str) -> list[Line]:
    lines = []
    for u in units:
        detail = ""
        if u.group_id:
            detail = _("Chair: %(chair)s; %(n)s members: %(names)s") % {
                "chair": u.members[0][1] if u.members else "",
                "n": len(u.members),
                "names": ", ".join(m[1] for m in u.members),
            }
        lines.append(
            Line(
                kind,
                0,
                u.key,
                u.name,
                u.masked_nik,
                detail[:500],
                u.village_code,
                "",
                u.value or 0,
                str(u.score),
                proposal_id=u.proposal_id,
                group_id=u.group_id,
            )
        )
    return lines


def _number(lines: list[Line]) -> list[Line]:
    names = _village_names({x.village_code for x in lines})
    for i, line in enumerate(lines, start=1):
        line.number = i
        line.village_name = names.get(line.village_code, "")
    return lines


def _approved(program_year: ProgramYear, region_code: str) -> list[Allocation]:
    return list(
        Allocation.objects.filter(
            program_year=program_year, region_id=region_code, status=Allocation.Status.APPROVED
        ).order_by("rank", "pk")
    )


def _problems(allocations: list[Allocation]) -> list[str]:
    """Approved units that should not be decreed as they are: withdrawn or no longer eligible."""
    from berdaya.intake.models import Proposal, ProposalGroup

    out = []
    pids = [a.proposal_id for a in allocations if a.proposal_id]
    for p in (
        Proposal.objects.filter(pk__in=pids)
        .filter(
            Q(status=Proposal.Status.WITHDRAWN)
            | ~Q(verification__verdict="eligible")
            | Q(verification__stale=True)
        )
        .values("name", "status")
    ):
        out.append(
            _("%(name)s: withdrawn or no longer eligible since the approval.") % {"name": p["name"]}
        )
    gids = [a.group_id for a in allocations if a.group_id]
    for g in (
        ProposalGroup.objects.filter(pk__in=gids)
        .filter(Q(status=ProposalGroup.Status.WITHDRAWN) | ~Q(verification__verdict="eligible"))
        .values("name")
    ):
        out.append(
            _("%(name)s: withdrawn or no longer eligible since the approval.") % {"name": g["name"]}
        )
    return out


def sheet_for(decree: Decree) -> Sheet:
    """The decree's content: stored lines once issued, else the list as it stands now."""
    if decree.status != Decree.Status.DRAFT:
        entries = list(decree.entries.order_by("kind", "number"))
        lines = [
            Line(
                e.kind,
                e.number,
                f"g{e.group_id}" if e.group_id else f"p{e.proposal_id}",
                e.name,
                e.nik_masked,
                e.detail,
                e.village_code,
                e.village_name,
                e.value,
                str(e.score or ""),
                e.change,
                e.allocation_id,
                e.proposal_id,
                e.group_id,
            )
            for e in entries
        ]
        return Sheet(
            decree,
            [x for x in lines if x.kind == "recipient"],
            [x for x in lines if x.kind == "reserve"],
            [],
            [],
        )
    py = decree.program_year
    approved = _approved(py, decree.region_id)
    units, _waiting = ranking(py, decree.region_id)
    removed: list[Line] = []
    if decree.previous_id is None:
        recipients = _allocation_lines(approved, py)
        added_keys: set[str] = set()
        problems = _problems(approved)
    else:
        changes = list(decree.changes.all())
        removing = {c.allocation_id for c in changes if c.action == DecreeChange.Action.REMOVE}
        adding = [
            f"g{c.group_id}" if c.group_id else f"p{c.proposal_id}"
            for c in changes
            if c.action == DecreeChange.Action.ADD
        ]
        in_previous = set(decree.previous.allocations.values_list("pk", flat=True))
        kept = [a for a in approved if a.pk in in_previous]
        lines = _allocation_lines(kept, py)
        for line in lines:
            line.change = "removed" if line.allocation_id in removing else "kept"
        removed = [x for x in lines if x.change == "removed"]
        recipients = [x for x in lines if x.change == "kept"]
        by_pk = {a.pk: a for a in kept}
        # Goods handed over since the change was drafted: the removal cannot be signed.
        locked = [r for r in (removal_locked(by_pk[x.allocation_id]) for x in removed) if r]
        by_key = {u.key: u for u in units}
        added_units = [by_key[k] for k in adding if k in by_key]
        added = _unit_lines(added_units, "recipient")
        for line in added:
            line.change = "added"
        recipients += added
        added_keys = set(adding)
        problems = _problems(kept) + locked
        missing = [k for k in adding if k not in by_key]
        if missing:
            problems.append(
                _(
                    "%(n)s units to be added are no longer eligible or already "
                    "approved: remove those changes."
                )
                % {"n": len(missing)}
            )
    reserves = _unit_lines([u for u in units if u.key not in added_keys], "reserve")
    return Sheet(decree, _number(recipients), _number(reserves), _number(removed), problems)


def _region(actor: Any, region: Any) -> Region:
    region = regency(region)
    require_region(actor, region.code)
    return region


@transaction.atomic
def decree_prepare(
    *,
    actor: Any,
    program_year: ProgramYear,
    region: Any,
    number: str = "",
    decree_date: Any = None,
    place: str = "Samarinda",
) -> Decree:
    """Open the draft decree of a region: the approved units, and the reserves after them."""
    require(actor, "decree.prepare")
    region = _region(actor, region)
    existing = Decree.objects.filter(program_year=program_year, region=region)
    if existing.filter(status=Decree.Status.DRAFT).exists():
        raise ValidationError(
            _("A draft decree for %(region)s is already open.") % {"region": region.name}
        )
    if existing.filter(status=Decree.Status.ISSUED).exists():
        raise ValidationError(
            _("The decree for %(region)s is issued: start a revision instead.")
            % {"region": region.name}
        )
    if not Allocation.objects.filter(
        program_year=program_year, region=region, status=Allocation.Status.APPROVED
    ).exists():
        raise ValidationError(_("Nothing is approved in %(region)s yet.") % {"region": region.name})
    version = (existing.aggregate(v=Max("version"))["v"] or 0) + 1
    try:
        with transaction.atomic():
            decree = Decree.objects.create(
                program_year=program_year,
                region=region,
                version=version,
                number=(number or "").strip(),
                decree_date=decree_date,
                place=(place or "Samarinda").strip(),
                prepared_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        raise ValidationError(
            _("Someone opened this draft at the same moment. Reload the page.")
        ) from None
    audit_record(
        actor=actor,
        action="decree.prepare",
        obj=decree,
        after={"version": version, "number": decree.number},
    )
    return decree


def _draft(decree: Decree) -> Decree:
    decree = (
        Decree.objects.select_for_update(of=("self",))
        .select_related("program_year__program", "region")
        .get(pk=decree.pk)
    )
    if decree.status != Decree.Status.DRAFT:
        raise ValidationError(_("This decree is issued: it cannot change."))
    return decree


@transaction.atomic
def decree_update(
    *, actor: Any, decree: Decree, number: str, decree_date: Any = None, place: str = ""
) -> Decree:
    """The draft's number, date and place (the secretariat numbers the decree)."""
    require(actor, "decree.prepare")
    require_region(actor, decree.region_id)
    decree = _draft(decree)
    before = {"number": decree.number, "decree_date": decree.decree_date, "place": decree.place}
    number = (number or "").strip()
    if number and Decree.objects.filter(number__iexact=number).exclude(pk=decree.pk).exists():
        raise ValidationError({"number": _("Another decree has this number.")})
    decree.number = number
    decree.decree_date = decree_date
    decree.place = (place or decree.place).strip()
    decree.save(update_fields=["number", "decree_date", "place"])
    after = {"number": decree.number, "decree_date": decree.decree_date, "place": decree.place}
    if before != after:
        audit_record(actor=actor, action="decree.update", obj=decree, before=before, after=after)
    return decree


@transaction.atomic
def decree_discard(*, actor: Any, decree: Decree, reason: str) -> None:
    """Throw a draft away (the audit trail keeps what it held)."""
    require(actor, "decree.prepare")
    require_region(actor, decree.region_id)
    decree = _draft(decree)
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError(_("Write the reason (at least 10 characters)."))
    changes = [
        {
            "action": c.action,
            "allocation": c.allocation_id,
            "proposal": c.proposal_id,
            "group": c.group_id,
            "note": c.note,
        }
        for c in decree.changes.all()
    ]
    audit_record(
        actor=actor,
        action="decree.discard",
        obj=decree,
        before={"version": decree.version, "number": decree.number, "changes": changes},
        note=reason,
    )
    Objection.objects.filter(revision=decree).update(revision=None)
    decree.delete()


@transaction.atomic
def decree_revision_start(*, actor: Any, decree: Decree, reason: str) -> Decree:
    require(actor, "decree.prepare")
    require_region(actor, decree.region_id)
    return _revision_open(actor=actor, decree=decree, reason=reason)


def _revision_open(*, actor: Any, decree: Decree, reason: str) -> Decree:
    """The revision draft of an issued decree (the open one, or a new version)."""
    decree = Decree.objects.select_for_update().get(pk=decree.pk)
    if decree.status != Decree.Status.ISSUED:
        raise ValidationError(_("Only the decree in force can be revised."))
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError(_("Write the reason for the revision (at least 10 characters)."))
    draft = Decree.objects.filter(previous=decree).first()
    if draft is not None:
        if reason not in draft.revision_reason:
            draft.revision_reason = f"{draft.revision_reason}\n{reason}".strip()
            draft.save(update_fields=["revision_reason"])
        return draft
    draft = Decree.objects.create(
        program_year=decree.program_year,
        region=decree.region,
        version=decree.version + 1,
        previous=decree,
        revision_reason=reason,
        place=decree.place,
        prepared_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="decree.revision",
        obj=draft,
        after={"version": draft.version, "revises": decree.number or decree.pk},
        note=reason,
    )
    return draft


@transaction.atomic
def decree_change(
    *,
    actor: Any,
    decree: Decree,
    action: str,
    note: str,
    allocation_id: int | None = None,
    key: str = "",
    objection: Objection | None = None,
    checked: bool = True,
) -> DecreeChange:
    """Add a change to a revision draft: remove a recipient of the decree in force, or add an
    eligible unit (from the reserves, or any eligible unit waiting)."""
    if checked:
        require(actor, "decree.prepare")
    require_region(actor, decree.region_id)
    decree = _draft(decree)
    if decree.previous_id is None:
        raise ValidationError(
            _("A first decree takes the approved list; changes belong to a revision.")
        )
    note = (note or "").strip()
    if len(note) < 10:
        raise ValidationError(_("Write the reason for the change (at least 10 characters)."))
    changes = list(decree.changes.all())
    if action == DecreeChange.Action.REMOVE:
        allocation = Allocation.objects.filter(
            pk=allocation_id or 0, decree_id=decree.previous_id, status=Allocation.Status.APPROVED
        ).first()
        if allocation is None:
            raise ValidationError(_("Choose a recipient of the decree in force."))
        if any(c.allocation_id == allocation.pk for c in changes):
            raise ValidationError(_("This recipient is already removed in this revision."))
        locked = removal_locked(allocation)
        if locked:
            raise ValidationError(locked)
        change = DecreeChange.objects.create(
            decree=decree,
            action=action,
            allocation=allocation,
            note=note,
            objection=objection,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
    elif action == DecreeChange.Action.ADD:
        units, _waiting = ranking(decree.program_year, decree.region_id)
        unit = next((u for u in units if u.key == key), None)
        if unit is None:
            raise ValidationError(
                _("This unit cannot be added: it is not eligible now or is already approved.")
            )
        taken = {
            f"g{c.group_id}" if c.group_id else f"p{c.proposal_id}"
            for c in changes
            if c.action == DecreeChange.Action.ADD
        }
        if unit.key in taken:
            raise ValidationError(_("This unit is already added in this revision."))
        check_separation(actor, [unit])
        change = DecreeChange.objects.create(
            decree=decree,
            action=action,
            proposal_id=unit.proposal_id,
            group_id=unit.group_id,
            note=note,
            objection=objection,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
    else:
        raise ValidationError(_("Choose remove or add."))
    audit_record(
        actor=actor,
        action=f"decree.change.{action}",
        obj=decree,
        after={"allocation": change.allocation_id, "unit": key or None},
        note=note,
    )
    return change


@transaction.atomic
def decree_change_undo(*, actor: Any, decree: Decree, change_id: int) -> None:
    require(actor, "decree.prepare")
    require_region(actor, decree.region_id)
    decree = _draft(decree)
    change = decree.changes.filter(pk=change_id).first()
    if change is None:
        raise ValidationError(_("No such change in this draft."))
    audit_record(
        actor=actor,
        action="decree.change.undo",
        obj=decree,
        before={
            "action": change.action,
            "allocation": change.allocation_id,
            "proposal": change.proposal_id,
            "group": change.group_id,
            "note": change.note,
        },
    )
    change.delete()


@transaction.atomic
def decree_issue(*, actor: Any, decree: Decree, content_hash: str) -> Decree:
    """Sign and issue a draft: the list is fixed, the PDF stored, the region's list locked.

    `content_hash` is the hash of the list the signer read: if the list changed since, the
    signing is refused and the signer reads it again. A revision applies its changes here:
    removed recipients are cancelled (their units and money return), added units are claimed
    within the quota and the budget, all or nothing.
    """
    from berdaya.allocation.documents import decree_pdf
    from berdaya.core.files import stored_file_save

    require(actor, "decree.sign")
    require_region(actor, decree.region_id)
    # Lock order as approvals: the region's quota first, then the decree.
    room = room_for(decree.program_year, decree.region_id, lock=True)
    decree = _draft(decree)
    if not decree.number:
        raise ValidationError(
            _("The decree has no number yet: the secretariat numbers it before signing.")
        )
    if Decree.objects.filter(number__iexact=decree.number).exclude(pk=decree.pk).exists():
        raise ValidationError(_("Another decree has this number."))
    sheet = sheet_for(decree)
    if sheet.content_hash != (content_hash or ""):
        raise ValidationError(
            _("The list changed since you opened it: read it again before signing.")
        )
    if sheet.problems:
        raise ValidationError(sheet.problems)
    if not sheet.recipients:
        raise ValidationError(_("The decree has no recipients."))
    py = decree.program_year
    now = timezone.now()
    if decree.previous_id:
        removing = sheet.removed
        if removing:
            ids = [x.allocation_id for x in removing]
            notes = {
                c.allocation_id: c.note
                for c in decree.changes.filter(action=DecreeChange.Action.REMOVE)
            }
            for a in Allocation.objects.filter(pk__in=ids, status=Allocation.Status.APPROVED):
                Allocation.objects.filter(pk=a.pk, status=Allocation.Status.APPROVED).update(
                    status=Allocation.Status.CANCELLED,
                    cancelled_at=now,
                    cancelled_by=actor if getattr(actor, "pk", None) else None,
                    cancel_reason=notes.get(a.pk, decree.revision_reason),
                )
            _release(py, decree.region_id, len(ids), sum(x.value for x in removing))
            room = room_for(py, decree.region_id, lock=True)
        added = [x for x in sheet.recipients if x.change == "added"]
        if added:
            units, _waiting = ranking(py, decree.region_id)
            by_key = {u.key: u for u in units}
            new_units = [by_key[x.key] for x in added]
            check_separation(actor, new_units)
            if room.problem:
                raise ValidationError(room.problem)
            _claim(room, len(new_units), sum(u.value for u in new_units))
            start = room.quota.approved_units + 1
            rows = [
                Allocation(
                    program_year=py,
                    region_id=decree.region_id,
                    proposal_id=u.proposal_id,
                    group_id=u.group_id,
                    rank=start + i,
                    score=u.score,
                    components=u.components,
                    value=u.value,
                    reason=decree.revision_reason,
                    approved_by=actor if getattr(actor, "pk", None) else None,
                    approved_at=now,
                )
                for i, u in enumerate(new_units)
            ]
            Allocation.objects.bulk_create(rows)
            for line, a in zip(added, rows, strict=True):
                line.allocation_id = a.pk
    elif sheet.removed:
        raise ValidationError(_("A first decree has no removals."))
    DecreeEntry.objects.bulk_create(
        [
            DecreeEntry(
                decree=decree,
                kind=x.kind,
                number=x.number,
                allocation_id=x.allocation_id,
                proposal_id=x.proposal_id,
                group_id=x.group_id,
                name=x.name[:200],
                nik_masked=x.nik_masked[:32],
                detail=x.detail[:500],
                village_code=x.village_code[:13],
                village_name=x.village_name[:120],
                value=x.value,
                score=x.score or None,
                change=x.change if decree.previous_id else "",
            )
            for x in [*sheet.recipients, *sheet.reserves]
        ],
        batch_size=1000,
    )
    Allocation.objects.filter(pk__in=[x.allocation_id for x in sheet.recipients]).update(
        decree=decree
    )
    if decree.previous_id:
        Decree.objects.filter(pk=decree.previous_id, status=Decree.Status.ISSUED).update(
            status=Decree.Status.SUPERSEDED
        )
    decree.status = Decree.Status.ISSUED
    decree.issued_by = actor if getattr(actor, "pk", None) else None
    decree.issued_at = now
    decree.decree_date = decree.decree_date or timezone.localdate()
    decree.signatory_name = getattr(actor, "display_name", "") or ""
    decree.signatory_title = _("Head of the Social Affairs Office of East Kalimantan Province")
    decree.units = len(sheet.recipients)
    decree.total = sheet.total
    decree.reserves = len(sheet.reserves)
    decree.content_hash = sheet.content_hash
    decree.save()
    pdf = decree_pdf(decree, sheet_for(decree))
    name = f"SK-{py.program.code}-{py.year}-{decree.region_id}-v{decree.version}.pdf"
    decree.pdf = stored_file_save(
        actor=actor, owner=decree, kind="sk", upload=ContentFile(pdf, name=name)
    )
    decree.save(update_fields=["pdf"])
    resolved = Objection.objects.filter(revision=decree, status=Objection.Status.UPHELD).update(
        status=Objection.Status.RESOLVED
    )
    event = audit_record(
        actor=actor,
        action="decree.issue",
        obj=decree,
        after={
            "version": decree.version,
            "number": decree.number,
            "units": decree.units,
            "total": decree.total,
            "reserves": decree.reserves,
            "content_hash": decree.content_hash,
            "pdf_sha256": decree.pdf.sha256,
            "objections_resolved": resolved,
        },
        note=decree.revision_reason,
    )
    AuditChange.objects.bulk_create(
        [
            AuditChange(
                event=event,
                object_id=str(x.allocation_id or x.key),
                change=x.change or x.kind,
                after={
                    k: v
                    for k, v in asdict(x).items()
                    if k in ("kind", "number", "key", "name", "nik_masked", "value", "change")
                },
            )
            for x in [*sheet.recipients, *sheet.removed]
        ],
        batch_size=1000,
    )
    return decree


def decree_current(program_year: ProgramYear, region_code: str) -> Decree | None:
    """The decree in force for a region, if any."""
    return Decree.objects.filter(
        program_year=program_year, region_id=region_code, status=Decree.Status.ISSUED
    ).first()
