"""Proposals from the regions: uploads (XLSX/CSV), single entries by form, comments.

What blocks a row at upload is only what makes it unreadable as a proposal (DESIGN.md,
"Uploads"); everything else is left to verification. An upload is one transaction: with errors
nothing is saved unless the operator chooses to save the readable rows. Sending the same rows
again creates nothing twice.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.accounts.scope import require
from berdaya.core.audit import audit_record, changed, snapshot
from berdaya.core.files import stored_file_save
from berdaya.intake.models import (
    BOARD,
    Proposal,
    ProposalComment,
    ProposalGroup,
    Role,
    UploadBatch,
)
from berdaya.intake.rows import RowError, parse_proposal_row, parse_upload, row_format
from berdaya.linkage.names import normalize_name
from berdaya.programs.models import ProgramYear
from berdaya.regions.codes import normalize_code
from berdaya.regions.models import Region

PROPOSAL_FIELDS = [
    "nik",
    "kk",
    "name",
    "birth_place",
    "birth_date",
    "sex",
    "address",
    "village_code",
    "relation",
    "occupation",
]
# Fields of some programmes only: a welfare category, a need and its cost, an institution.
EXTRA_FIELDS = [
    "category",
    "need",
    "need_value",
    "registration_number",
    "institution_kind",
    "accreditation",
    "accreditation_date",
]
ALL_FIELDS = PROPOSAL_FIELDS + EXTRA_FIELDS
# The file column of each field (a form is read like a row of a file).
FIELD_COLUMNS = {
    "nik": "NIK",
    "kk": "NO_KK",
    "name": "NAMA",
    "birth_place": "TEMPAT_LAHIR",
    "birth_date": "TGL_LAHIR",
    "sex": "JENIS_KELAMIN",
    "address": "ALAMAT",
    "village_code": "KODE_WILAYAH",
    "relation": "HUBUNGAN_KELUARGA",
    "occupation": "PEKERJAAN",
    "category": "KATEGORI",
    "need": "KEBUTUHAN",
    "need_value": "NILAI",
    "registration_number": "NO_REGISTRASI",
    "institution_kind": "JENIS_LEMBAGA",
    "accreditation": "AKREDITASI",
    "accreditation_date": "TGL_AKREDITASI",
}
# Sent when proposals are new or their data changed: verification marks them for checking.
proposals_changed_hooks: list[Callable[[list[int]], None]] = []
# Later stages say when a proposal may no longer change here (approved, in a decree): each
# returns the reason in the user's language, or None.
proposal_locks: list[Callable[[Proposal], str | None]] = []


def locked_reason(proposal: Proposal) -> str | None:
    for check in proposal_locks:
        reason = check(proposal)
        if reason:
            return reason
    return None


def _check_unlocked(proposal: Proposal) -> None:
    reason = locked_reason(proposal)
    if reason:
        raise ValidationError(reason)


def _data_hash(row: dict[str, Any]) -> str:
    fields = [*PROPOSAL_FIELDS, "group_key", "role", "business_type"]
    text = "\x1f".join(str(row.get(f, "")) for f in fields)
    extra = [row.get(f) for f in EXTRA_FIELDS]
    if any(v not in (None, "") for v in extra):
        # Only rows that have these fields hash them: older rows keep the hash they had.
        text += "\x1e" + "\x1f".join("" if v is None else str(v) for v in extra)
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _key(row: dict[str, Any]) -> str:
    return f"id:{row['row_id']}" if row.get("row_id") else f"row:{_data_hash(row)}"


def _check_region(actor: Any, region: Region | str) -> Region:
    code = region.code if isinstance(region, Region) else normalize_code(str(region)) or ""
    try:
        region_obj = Region.objects.get(code=code, level=Region.Level.REGENCY, historical=False)
    except Region.DoesNotExist:
        raise ValidationError(
            _("%(code)s is not a regency/city code such as 64.72.") % {"code": region}
        ) from None
    if not actor.can_read_region(region_obj.code):
        raise ValidationError(
            _("You may propose only for your own region (%(region)s).")
            % {"region": actor.region_scope or "-"}
        )
    if not region_obj.code.startswith(settings.BERDAYA_PROVINCE + "."):
        raise ValidationError(_("%(code)s is not in the province.") % {"code": region_obj.code})
    return region_obj


@dataclass
class UploadResult:
    batch: UploadBatch
    saved: bool
    notice: str | None = None


def proposals_upload(
    *,
    actor: Any,
    program_year: ProgramYear,
    region: Region | str,
    upload: Any,
    accept_valid: bool = False,
    dry_run: bool = False,
    keep_file: bool = True,
) -> UploadResult:
    """Read an uploaded file and save its proposals, all or (when asked) the readable ones.

    The batch record is kept in every case so that the operator can read the row errors and
    download the sheet with an error column; proposals are saved in one transaction.
    """
    require(actor, "proposals.submit")
    region_obj = _check_region(actor, region)
    limit = settings.UPLOAD_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            _("The file is %(size).1f MB; at most %(limit).1f MB is allowed.")
            % {"size": size / 1e6, "limit": limit / 1e6}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(_("The file is larger than %(limit).1f MB.") % {"limit": limit / 1e6})
    parsed = parse_upload(io.BytesIO(data), getattr(upload, "name", ""), row_format(program_year))
    sha = hashlib.sha256(data).hexdigest()
    status = UploadBatch.Status.CHECKED
    with transaction.atomic():
        batch = UploadBatch.objects.create(
            program_year=program_year,
            region=region_obj,
            original_name=(getattr(upload, "name", "") or "upload")[:255],
            sha256=sha,
            status=status,
            rows_total=parsed.total,
            rows_refused=len({e.row for e in parsed.errors}),
            errors=[e.as_dict() for e in parsed.errors[:5000]],
            file_error=parsed.file_error,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        if keep_file and data and not parsed.file_error:
            batch.stored_file = _store_sheet(actor, batch, data, batch.original_name)
            batch.save(update_fields=["stored_file"])
        saved = False
        if parsed.file_error:
            batch.status = UploadBatch.Status.REFUSED
        elif not dry_run and (not parsed.errors or accept_valid):
            counts = _save_rows(actor, batch, parsed.rows)
            batch.rows_new, batch.rows_changed, batch.rows_same = counts
            batch.status = (
                UploadBatch.Status.PARTLY_SAVED if batch.errors else UploadBatch.Status.SAVED
            )
            saved = True
        batch.save()
        audit_record(
            actor=actor,
            action="proposals.upload",
            obj=batch,
            object_type="intake.uploadbatch",
            after={
                "file": batch.original_name,
                "rows": parsed.total,
                "refused": batch.rows_refused,
                "new": batch.rows_new,
                "corrected": batch.rows_changed,
                "same": batch.rows_same,
                "status": batch.status,
                "dry_run": dry_run,
            },
        )
    return UploadResult(batch=batch, saved=saved)


def _store_sheet(actor, batch, data: bytes, name: str):
    """Keep the sheet itself (not through the photo/document check: spreadsheets are allowed)."""
    from django.core.files.base import ContentFile

    from berdaya.core.models import StoredFile

    stored = StoredFile(
        original_name=name[:200],
        content_type="application/octet-stream",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        kind="proposal-sheet",
        owner_type="intake.uploadbatch",
        owner_id=str(batch.pk),
        region_code=batch.region_id,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    stored.file.save(name[:200], ContentFile(data), save=False)
    stored.save()
    return stored


def _save_rows(
    actor: Any, batch: UploadBatch, rows: list[tuple[int, dict]]
) -> tuple[int, int, int]:
    """Insert new proposals and correct changed ones, set-based; return (new, changed, same)."""
    keys = {_key(row): (line, row) for line, row in rows}
    existing = {
        p.key: p
        for p in Proposal.objects.filter(
            program_year=batch.program_year, region=batch.region, key__in=list(keys)
        )
    }
    now = timezone.now()
    groups = _groups_for(actor, batch, [row for _line, row in rows], now)
    new, updates, same = [], [], 0
    locked: list[RowError] = []
    for key, (line, row) in keys.items():
        data_hash = _data_hash(row)
        current = existing.get(key)
        group = groups.get(row.get("group_key", ""))
        if current is None:
            new.append(
                Proposal(
                    program_year=batch.program_year,
                    region=batch.region,
                    key=key,
                    row_id=row["row_id"] or f"row-{line - 1}",
                    batch=batch,
                    row_number=line,
                    name_norm=normalize_name(row["name"]),
                    data_hash=data_hash,
                    created_by=actor if getattr(actor, "pk", None) else None,
                    submitted_at=now,
                    group=group,
                    role=row.get("role", ""),
                    **{f: row[f] for f in ALL_FIELDS},
                )
            )
        elif current.data_hash != data_hash or current.status == Proposal.Status.WITHDRAWN:
            reason = locked_reason(current)
            if reason:
                locked.append(RowError(line, "ID", reason))
                continue
            before = snapshot(current, ALL_FIELDS)
            for f in ALL_FIELDS:
                setattr(current, f, row[f])
            current.group = group
            current.role = row.get("role", "")
            current.name_norm = normalize_name(row["name"])
            current.data_hash = data_hash
            current.status = Proposal.Status.PROPOSED
            current.batch = batch
            current.row_number = line
            updates.append((current, before))
        else:
            same += 1
    Proposal.objects.bulk_create(new, batch_size=1000)
    if updates:
        Proposal.objects.bulk_update(
            [p for p, _b in updates],
            [
                *ALL_FIELDS,
                "name_norm",
                "data_hash",
                "status",
                "batch",
                "row_number",
                "group",
                "role",
                "updated_at",
            ],
            batch_size=1000,
        )
        for proposal, before in updates:
            b, a = changed(before, snapshot(proposal, ALL_FIELDS))
            audit_record(
                actor=actor,
                action="proposal.correct",
                obj=proposal,
                before=b,
                after=a,
                note=_("Corrected by upload %(file)s") % {"file": batch.original_name},
            )
    ids = [p.pk for p in Proposal.objects.filter(batch=batch, key__in=[p.key for p in new])]
    ids += [p.pk for p, _b in updates]
    _notify(ids)
    if locked:
        # Approved proposals change only through the decision stage (a revision): these rows
        # are refused, the rest of the file is saved.
        batch.errors = [*batch.errors, *(e.as_dict() for e in locked)]
        batch.rows_refused += len(locked)
    return len(new), len(updates), same


def _groups_for(actor: Any, batch: UploadBatch, rows: list[dict], now) -> dict[str, Any]:
    """The groups named in the rows, created the first time they are sent."""
    wanted: dict[str, dict] = {}
    for row in rows:
        if row.get("group_key"):
            wanted.setdefault(row["group_key"], row)
    if not wanted:
        return {}
    found = {
        g.key: g
        for g in ProposalGroup.objects.filter(
            program_year=batch.program_year, region=batch.region, key__in=list(wanted)
        )
    }
    for key, row in wanted.items():
        group = found.get(key)
        if group is None:
            found[key] = ProposalGroup.objects.create(
                program_year=batch.program_year,
                region=batch.region,
                key=key,
                name=row["group_name"],
                business_type=row["business_type"],
                created_by=actor if getattr(actor, "pk", None) else None,
                submitted_at=now,
            )
            audit_record(
                actor=actor,
                action="group.create",
                obj=found[key],
                after={"name": row["group_name"], "business": row["business_type"]},
            )
        elif group.status == ProposalGroup.Status.WITHDRAWN or (
            row["business_type"] and group.business_type != row["business_type"]
        ):
            group.status = ProposalGroup.Status.PROPOSED
            group.business_type = row["business_type"] or group.business_type
            group.save(update_fields=["status", "business_type", "updated_at"])
    return found


def _notify(ids: list[int]) -> None:
    # In the same transaction as the change: a proposal is never changed without being marked.
    for hook in proposals_changed_hooks:
        hook(ids)


def _fields_of(program_year: ProgramYear) -> list[str]:
    """The fields a proposal of this programme year has (for the audit trail and forms)."""
    fmt = row_format(program_year)
    if fmt.unit == "institution":
        fields = [
            "name",
            "address",
            "village_code",
            "registration_number",
            "institution_kind",
            "accreditation",
            "accreditation_date",
        ]
    else:
        fields = list(PROPOSAL_FIELDS)
    if fmt.categories:
        fields.append("category")
    if fmt.per_need:
        fields += ["need", "need_value"]
    return fields


def _read_form(program_year: ProgramYear, fields: dict[str, Any]) -> dict[str, Any]:
    """A form's values read like a row of the programme's file; errors name the form fields."""
    fmt = row_format(program_year)
    if fmt.unit == "group":
        # A member's group and role are chosen on the form, not typed as columns.
        fmt = dataclasses.replace(fmt, unit="person")
    columns = dict(FIELD_COLUMNS)
    if fmt.unit == "institution":
        columns["name"] = "NAMA_LEMBAGA"
    cells = {columns[f]: v for f, v in fields.items() if f in columns}
    row, errors = parse_proposal_row(cells, 0, fmt)
    if errors:
        back = {c: f for f, c in columns.items()}
        raise ValidationError({back.get(e.field, e.field.lower()): e.message for e in errors})
    return row


@transaction.atomic
def proposal_create(
    *,
    actor: Any,
    program_year: ProgramYear,
    region: Region | str,
    group: ProposalGroup | None = None,
    role: str = "",
    **fields: Any,
) -> Proposal:
    """One proposal entered by form; the same rules as a row of an upload. For a group
    programme, a member of `group` with a `role`."""
    require(actor, "proposals.submit")
    region_obj = _check_region(actor, region)
    grouped = program_year.program.unit == "group"
    if grouped != (group is not None):
        raise ValidationError(
            _("In a group programme every proposal is a member of a group; elsewhere none is.")
        )
    if group is not None:
        if group.region_id != region_obj.code or group.program_year_id != program_year.pk:
            raise ValidationError(_("The group belongs to another region or programme year."))
        first = group.members.first()
        if first is not None:
            _check_unlocked(first)
        if role not in Role.values:
            raise ValidationError({"role": _("Choose the member's role.")})
        if (
            role in BOARD
            and group.members.filter(status=Proposal.Status.PROPOSED, role=role).exists()
        ):
            raise ValidationError({"role": _("The group already has a %(role)s.") % {"role": role}})
    row = _read_form(program_year, fields)
    proposal = Proposal(
        program_year=program_year,
        region=region_obj,
        key=f"form:{uuid.uuid4().hex}",
        row_id="form",
        name_norm=normalize_name(row["name"]),
        data_hash=_data_hash(row),
        created_by=actor if getattr(actor, "pk", None) else None,
        submitted_at=timezone.now(),
        group=group,
        role=role,
        **{f: row[f] for f in ALL_FIELDS},
    )
    proposal.save()
    audit_record(
        actor=actor,
        action="proposal.create",
        obj=proposal,
        after=snapshot(proposal, _fields_of(program_year)),
    )
    _notify([proposal.pk])
    return proposal


@transaction.atomic
def proposal_update(*, actor: Any, proposal: Proposal, **fields: Any) -> Proposal:
    """Correct a proposal's data (the operator fixing what verification found)."""
    require(actor, "proposals.submit")
    _check_region(actor, proposal.region)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _check_unlocked(proposal)
    before = snapshot(proposal, ALL_FIELDS)
    row = _read_form(proposal.program_year, {**before, **fields})
    for f in ALL_FIELDS:
        setattr(proposal, f, row[f])
    proposal.name_norm = normalize_name(row["name"])
    proposal.data_hash = _data_hash(row)
    proposal.save()
    b, a = changed(before, snapshot(proposal, ALL_FIELDS))
    if a:
        audit_record(actor=actor, action="proposal.update", obj=proposal, before=b, after=a)
        _notify([proposal.pk])
    return proposal


@transaction.atomic
def proposal_withdraw(*, actor: Any, proposal: Proposal, reason: str) -> Proposal:
    require(actor, "proposals.submit")
    _check_region(actor, proposal.region)
    if not reason.strip():
        raise ValidationError({"reason": _("Write why the proposal is withdrawn.")})
    _check_unlocked(proposal)
    updated = Proposal.objects.filter(pk=proposal.pk, status=Proposal.Status.PROPOSED).update(
        status=Proposal.Status.WITHDRAWN, updated_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("This proposal is no longer open."))
    audit_record(
        actor=actor,
        action="proposal.withdraw",
        obj=proposal,
        note=reason[:500],
        before={"status": "proposed"},
        after={"status": "withdrawn"},
    )
    proposal.refresh_from_db()
    return proposal


@transaction.atomic
def proposal_comment(*, actor: Any, proposal: Proposal, text: str) -> ProposalComment:
    require(actor, "proposals.comment")
    if not actor.can_read_region(proposal.region_id):
        raise ValidationError(_("Not your region."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("The comment is empty.")})
    comment = ProposalComment.objects.create(proposal=proposal, author=actor, text=text[:2000])
    audit_record(actor=actor, action="proposal.comment", obj=proposal, note=text[:500])
    return comment


def proposal_attach(*, actor: Any, proposal: Proposal, upload: Any, kind: str):
    require(actor, "proposals.submit")
    _check_region(actor, proposal.region)
    return stored_file_save(actor=actor, upload=upload, owner=proposal, kind=kind)


@transaction.atomic
def batch_save_readable(*, actor: Any, batch: UploadBatch) -> UploadBatch:
    """Save the readable rows of a checked upload from the kept file (no second upload)."""
    require(actor, "proposals.submit")
    _check_region(actor, batch.region)
    batch = UploadBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != UploadBatch.Status.CHECKED or not batch.stored_file:
        raise ValidationError(_("This upload has already been handled."))
    with batch.stored_file.file.open("rb") as f:
        parsed = parse_upload(
            io.BytesIO(f.read()), batch.original_name, row_format(batch.program_year)
        )
    if parsed.file_error:
        raise ValidationError(parsed.file_error)
    batch.rows_new, batch.rows_changed, batch.rows_same = _save_rows(actor, batch, parsed.rows)
    batch.status = UploadBatch.Status.PARTLY_SAVED if batch.errors else UploadBatch.Status.SAVED
    batch.save()
    audit_record(
        actor=actor,
        action="proposals.save_readable",
        obj=batch,
        object_type="intake.uploadbatch",
        after={
            "new": batch.rows_new,
            "corrected": batch.rows_changed,
            "same": batch.rows_same,
            "refused": batch.rows_refused,
        },
    )
    return batch


@transaction.atomic
def group_create(
    *,
    actor: Any,
    program_year: ProgramYear,
    region: Region | str,
    name: str,
    business_type: str = "",
) -> ProposalGroup:
    """A group proposed by form; its members are added one by one."""
    require(actor, "proposals.submit")
    region_obj = _check_region(actor, region)
    if program_year.program.unit != "group":
        raise ValidationError(_("%(py)s is not a group programme.") % {"py": program_year})
    name = " ".join((name or "").split())[:150]
    if not name:
        raise ValidationError({"name": _("Write the group's name.")})
    if ProposalGroup.objects.filter(
        program_year=program_year, region=region_obj, key=name.upper()
    ).exists():
        raise ValidationError({"name": _("A group with this name is already proposed.")})
    group = ProposalGroup.objects.create(
        program_year=program_year,
        region=region_obj,
        key=name.upper(),
        name=name,
        business_type=(business_type or "")[:100],
        created_by=actor if getattr(actor, "pk", None) else None,
        submitted_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="group.create",
        obj=group,
        after={"name": name, "business": business_type},
    )
    return group


def board_missing(group: ProposalGroup) -> list[str]:
    """The board roles the group has not filled yet."""
    held = set(group.members.filter(status=Proposal.Status.PROPOSED).values_list("role", flat=True))
    return [r.value for r in BOARD if r.value not in held]
