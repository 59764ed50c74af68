"""The registry of social welfare institutions (LKS): by form, by file, and its revocation.

A regency/city office registers the institutions of its region; the province sees them all.
Every write is audited; a file is loaded all or nothing, and loading it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from berdaya.accounts.scope import require
from berdaya.core.audit import audit_record, changed, snapshot
from berdaya.core.models import AuditChange
from berdaya.linkage.names import normalize_name
from berdaya.registry.columns import (
    CellError,
    FileFormatError,
    checked_rows,
    map_headers,
    open_sheet,
    read_choice,
    read_date,
    read_text,
)
from berdaya.registry.models import (
    Accreditation,
    Institution,
    InstitutionKind,
    registration_key,
)
from berdaya.registry.services import _village, _village_in_scope

INSTITUTION_FIELDS = [
    "name",
    "kind",
    "registration_number",
    "registered_on",
    "accreditation",
    "accreditation_date",
    "address",
    "village",
    "capacity",
    "residents",
    "head_name",
    "phone",
]
# File columns of the LKS register (the proposal columns of DESIGN.md, and a few more).
FILE_COLUMNS = {
    "NAMA_LEMBAGA": "name",
    "JENIS_LEMBAGA": "kind",
    "NO_REGISTRASI": "registration_number",
    "TGL_REGISTRASI": "registered_on",
    "AKREDITASI": "accreditation",
    "TGL_AKREDITASI": "accreditation_date",
    "ALAMAT": "address",
    "KODE_WILAYAH": "village",
    "KAPASITAS": "capacity",
    "PENGHUNI": "residents",
    "PIMPINAN": "head_name",
    "TELEPON": "phone",
}
REQUIRED = ("NAMA_LEMBAGA", "NO_REGISTRASI", "JENIS_LEMBAGA", "KODE_WILAYAH")
MAX_ROWS = 20_000


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    """Check an institution's fields; raise a ValidationError naming each bad field."""
    from berdaya.intake.rows import KIND_VALUES

    errors: dict[str, str] = {}
    out = dict(fields)
    out["name"] = " ".join(str(fields.get("name") or "").split())[:200]
    if not out["name"]:
        errors["name"] = _("Write the institution's name.")
    out["registration_number"] = " ".join(str(fields.get("registration_number") or "").split())[:50]
    if not registration_key(out["registration_number"]):
        errors["registration_number"] = _("Write the registration number.")
    kind = str(fields.get("kind") or "").strip().upper()
    out["kind"] = KIND_VALUES.get(kind, "")
    if not out["kind"]:
        errors["kind"] = _("Choose the type: %(allowed)s.") % {
            "allowed": ", ".join(k.value for k in InstitutionKind)
        }
    grade = str(fields.get("accreditation") or "").strip().upper()
    if grade and grade not in Accreditation.values:
        errors["accreditation"] = _("The accreditation is A, B or C (or empty).")
    out["accreditation"] = grade
    if grade and not fields.get("accreditation_date"):
        errors["accreditation_date"] = _("Write the date of the accreditation.")
    if not grade:
        out["accreditation_date"] = None
    for name in ("accreditation_date", "registered_on"):
        day = out.get(name)
        if isinstance(day, dt.date) and day > dt.date.today():
            errors[name] = _("The date is in the future.")
    for name in ("capacity", "residents"):
        value = fields.get(name)
        if value in (None, ""):
            out[name] = None
            continue
        try:
            out[name] = int(value)
            if out[name] < 0:
                raise ValueError
        except (TypeError, ValueError):
            errors[name] = _("Write a whole number.")
    if not errors and out.get("capacity") is not None and out.get("residents") is not None:
        if out["residents"] > out["capacity"] * 2:
            errors["residents"] = _("More than twice the capacity: check the numbers.")
    for name, limit in (("address", 255), ("head_name", 150), ("phone", 30)):
        out[name] = " ".join(str(fields.get(name) or "").split())[:limit]
    if errors:
        raise ValidationError(errors)
    return out


def _apply(inst: Institution, values: dict[str, Any]) -> None:
    for name in INSTITUTION_FIELDS:
        if name == "village":
            continue
        setattr(inst, name, values.get(name))
    inst.village = values["village"]
    inst.regency_id = values["village"].code[:5]
    inst.name_norm = normalize_name(values["name"])
    inst.registration_key = registration_key(values["registration_number"])


@transaction.atomic
def institution_create(*, actor: Any, **fields: Any) -> Institution:
    require(actor, "institutions.manage")
    values = _clean(fields)
    values["village"] = _village(fields.get("village"))
    _village_in_scope(actor, values["village"])
    key = registration_key(values["registration_number"])
    if Institution.objects.filter(registration_key=key).exists():
        raise ValidationError(
            {"registration_number": _("An institution with this registration number exists.")}
        )
    inst = Institution()
    _apply(inst, values)
    inst.save()
    audit_record(
        actor=actor,
        action="institution.create",
        obj=inst,
        after=snapshot(inst, INSTITUTION_FIELDS),
    )
    _changed([inst.pk])
    return inst


@transaction.atomic
def institution_update(*, actor: Any, institution: Institution, **fields: Any) -> Institution:
    require(actor, "institutions.manage")
    inst = Institution.objects.select_for_update().get(pk=institution.pk)
    if not actor.can_read_region(inst.regency_id):
        raise ValidationError(_("Not your region."))
    before = snapshot(inst, INSTITUTION_FIELDS)
    merged = {**before, **{k: v for k, v in fields.items() if k in INSTITUTION_FIELDS}}
    values = _clean(merged)
    values["village"] = _village(merged.get("village"))
    _village_in_scope(actor, values["village"])
    key = registration_key(values["registration_number"])
    if Institution.objects.filter(registration_key=key).exclude(pk=inst.pk).exists():
        raise ValidationError(
            {"registration_number": _("An institution with this registration number exists.")}
        )
    _apply(inst, values)
    inst.save()
    b, a = changed(before, snapshot(inst, INSTITUTION_FIELDS))
    if a:
        audit_record(actor=actor, action="institution.update", obj=inst, before=b, after=a)
        _changed([inst.pk])
    return inst


@transaction.atomic
def institution_set_status(
    *, actor: Any, institution: Institution, status: str, reason: str
) -> Institution:
    """Revoke a registration (or restore it), with the reason."""
    require(actor, "institutions.manage")
    if not actor.can_read_region(institution.regency_id):
        raise ValidationError(_("Not your region."))
    if status not in Institution.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": _("Write the reason (at least 10 characters).")})
    before = institution.status
    updated = (
        Institution.objects.filter(pk=institution.pk).exclude(status=status).update(status=status)
    )
    if not updated:
        raise ValidationError(_("The institution already has this status."))
    institution.refresh_from_db()
    audit_record(
        actor=actor,
        action="institution.status",
        obj=institution,
        before={"status": before},
        after={"status": status},
        note=reason[:500],
    )
    _changed([institution.pk])
    return institution


def institutions_import(*, actor: Any, fileobj: Any, file_name: str = "") -> dict[str, int]:
    """Load the LKS register from a file (CSV or XLSX), all or nothing, within the actor's
    region. Rows are matched by registration number: new ones are added, changed ones
    corrected; one audit event with a change row per institution."""
    require(actor, "institutions.manage")
    try:
        sheet = open_sheet(fileobj, file_name)
    except FileFormatError as exc:
        raise ValidationError(str(exc)) from None
    mapped, _unknown = map_headers(sheet.headers)
    missing = [c for c in REQUIRED if c not in mapped]
    if missing:
        raise ValidationError(
            _("Required columns missing: %(cols)s.") % {"cols": ", ".join(missing)}
        )
    rows: list[tuple[int, dict[str, Any]]] = []
    errors: list[str] = []
    villages: dict[str, Any] = {}
    seen: dict[str, int] = {}
    for line, cells in checked_rows(sheet):
        if len(rows) + len(errors) >= MAX_ROWS:
            raise ValidationError(_("The file has more than %(n)s rows.") % {"n": MAX_ROWS})
        rec = {c: cells[i] for i, c in enumerate(mapped) if c and i < len(cells)}
        try:
            fields = {
                "name": read_text(rec.get("NAMA_LEMBAGA")),
                "kind": read_text(rec.get("JENIS_LEMBAGA")),
                "registration_number": read_text(rec.get("NO_REGISTRASI")),
                "registered_on": read_date(rec.get("TGL_REGISTRASI"), "TGL_REGISTRASI"),
                "accreditation": read_choice(
                    rec.get("AKREDITASI"), {g: g for g in Accreditation.values}, "AKREDITASI"
                ),
                "accreditation_date": read_date(rec.get("TGL_AKREDITASI"), "TGL_AKREDITASI"),
                "address": read_text(rec.get("ALAMAT")),
                "capacity": read_text(rec.get("KAPASITAS")),
                "residents": read_text(rec.get("PENGHUNI")),
                "head_name": read_text(rec.get("PIMPINAN")),
                "phone": read_text(rec.get("TELEPON")),
            }
            values = _clean(fields)
        except CellError as exc:
            errors.append(_("row %(row)s: %(msg)s") % {"row": line, "msg": exc})
            continue
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                column = next((c for c, f in FILE_COLUMNS.items() if f == field_name), field_name)
                errors.append(
                    _("row %(row)s, %(col)s: %(msg)s")
                    % {"row": line, "col": column, "msg": " ".join(messages)}
                )
            continue
        code = read_text(rec.get("KODE_WILAYAH")).replace(" ", "")
        from berdaya.regions.codes import normalize_code

        code = normalize_code(code) or code
        if code not in villages:
            try:
                villages[code] = _village(code)
                _village_in_scope(actor, villages[code])
            except ValidationError as exc:
                villages[code] = exc
        if isinstance(villages[code], ValidationError):
            msg = " ".join(villages[code].message_dict.get("village", []))
            errors.append(
                _("row %(row)s, %(col)s: %(msg)s")
                % {"row": line, "col": "KODE_WILAYAH", "msg": msg}
            )
            continue
        values["village"] = villages[code]
        key = registration_key(values["registration_number"])
        if key in seen:
            errors.append(
                _("row %(row)s, NO_REGISTRASI: also on row %(first)s.")
                % {"row": line, "first": seen[key]}
            )
            continue
        seen[key] = line
        rows.append((line, values))
    if errors:
        raise ValidationError(errors[:500])
    if not rows:
        raise ValidationError(_("The file has column names but no rows."))
    return _save_import(actor, rows, file_name)


@transaction.atomic
def _save_import(actor: Any, rows: list[tuple[int, dict]], file_name: str) -> dict[str, int]:
    keys = [registration_key(v["registration_number"]) for _line, v in rows]
    existing = {
        i.registration_key: i for i in Institution.objects.filter(registration_key__in=keys)
    }
    # A regional user may not overwrite another region's institution through a file.
    for line, values in rows:
        inst = existing.get(registration_key(values["registration_number"]))
        if inst is not None and not actor.can_read_region(inst.regency_id):
            raise ValidationError(
                _("row %(row)s: registration number %(number)s belongs to another region.")
                % {"row": line, "number": values["registration_number"]}
            )
    added, corrected, same = [], [], 0
    changes = []
    for _line, values in rows:
        inst = existing.get(registration_key(values["registration_number"]))
        if inst is None:
            inst = Institution()
            _apply(inst, values)
            added.append(inst)
            continue
        before = snapshot(inst, INSTITUTION_FIELDS)
        _apply(inst, values)
        b, a = changed(before, snapshot(inst, INSTITUTION_FIELDS))
        if a:
            corrected.append(inst)
            changes.append((inst, b, a))
        else:
            same += 1
    Institution.objects.bulk_create(added, batch_size=1000)
    if corrected:
        Institution.objects.bulk_update(
            corrected,
            [f for f in INSTITUTION_FIELDS] + ["regency", "name_norm", "registration_key"],
            batch_size=1000,
        )
    event = audit_record(
        actor=actor,
        action="institutions.import",
        object_type="registry.institution",
        object_repr=file_name or "import",
        region_code=getattr(actor, "region_scope", "") or "",
        after={"file": file_name, "new": len(added), "corrected": len(corrected), "same": same},
    )
    new_ids = list(
        Institution.objects.filter(
            registration_key__in=[i.registration_key for i in added]
        ).values_list("pk", "registration_number")
    )
    AuditChange.objects.bulk_create(
        [
            AuditChange(event=event, object_id=str(pk), change="new", after={"number": number})
            for pk, number in new_ids
        ]
        + [
            AuditChange(event=event, object_id=str(i.pk), change="corrected", before=b, after=a)
            for i, b, a in changes
        ],
        batch_size=1000,
    )
    _changed([pk for pk, _n in new_ids] + [i.pk for i in corrected])
    return {"new": len(added), "corrected": len(corrected), "same": same}


# Verification marks the proposals naming these institutions for checking again.
institutions_changed_hooks: list[Any] = []


def _changed(ids: list[int]) -> None:
    for hook in institutions_changed_hooks:
        hook(ids)
