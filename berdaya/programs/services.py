"""Programmes and their yearly criteria: set up by the province, used by every later stage."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from berdaya.accounts.scope import require
from berdaya.core.audit import audit_record, changed, snapshot
from berdaya.programs.models import (
    CRITERIA_FIELDS,
    PastRecipient,
    Program,
    ProgramYear,
    WelfareCategory,
)

PROGRAM_FIELDS = [
    "code",
    "name",
    "unit",
    "value_per_unit",
    "in_kind",
    "description",
    "active",
    "defaults",
]
CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{1,19}$")


def program_by_code(code: str) -> Program:
    try:
        return Program.objects.get(code=(code or "").strip().upper())
    except Program.DoesNotExist:
        known = ", ".join(Program.objects.values_list("code", flat=True))
        raise ValidationError(
            _("No programme with code %(code)s (known: %(known)s).")
            % {"code": code, "known": known}
        ) from None


def _validate_criteria(values: dict[str, Any]) -> None:
    errors = {}
    lo, hi = values.get("age_min"), values.get("age_max")
    if lo is not None and hi is not None and lo > hi:
        errors["age_max"] = _("The maximum age is below the minimum age.")
    decile = values.get("max_decile")
    if decile is not None and not 1 <= decile <= 10:
        errors["max_decile"] = _("The highest decile is a number from 1 to 10.")
    gmin, gmax = values.get("group_min"), values.get("group_max")
    if gmin is not None and gmax is not None and gmin > gmax:
        errors["group_max"] = _("The largest group is smaller than the smallest group.")
    if (values.get("value_per_unit") or 0) < 0:
        errors["value_per_unit"] = _("The value per unit cannot be negative.")
    categories = values.get("categories") or []
    if categories:
        known = set(WelfareCategory.objects.values_list("code", flat=True))
        unknown = sorted(set(categories) - known)
        if unknown:
            errors["categories"] = _("Unknown categories: %(codes)s.") % {
                "codes": ", ".join(unknown)
            }
    validity = values.get("accreditation_validity") or {}
    if any(g not in ("A", "B", "C") or not 1 <= int(y or 0) <= 10 for g, y in validity.items()):
        errors["accreditation_validity"] = _(
            "An accreditation is valid for 1 to 10 years, per grade A, B or C."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def program_create(*, actor: Any, **fields: Any) -> Program:
    require(actor, "programs.manage")
    fields["code"] = (fields.get("code") or "").strip().upper()
    if not CODE_RE.match(fields["code"]):
        raise ValidationError({"code": _("A programme code is a short upper-case word, e.g. UEP.")})
    if Program.objects.filter(code=fields["code"]).exists():
        raise ValidationError({"code": _("This programme code is already used.")})
    program = Program(**fields)
    program.full_clean()
    program.save()
    audit_record(
        actor=actor, action="program.create", obj=program, after=snapshot(program, PROGRAM_FIELDS)
    )
    return program


@transaction.atomic
def program_update(*, actor: Any, program: Program, **fields: Any) -> Program:
    require(actor, "programs.manage")
    program = Program.objects.select_for_update().get(pk=program.pk)
    before = snapshot(program, PROGRAM_FIELDS)
    fields.pop("code", None)  # the code is the programme's key in files and commands
    for name, value in fields.items():
        setattr(program, name, value)
    program.full_clean()
    program.save()
    b, a = changed(before, snapshot(program, PROGRAM_FIELDS))
    if a:
        audit_record(actor=actor, action="program.update", obj=program, before=b, after=a)
    return program


def program_year_for(
    *, actor: Any, program: Program | str, year: int, create: bool = True
) -> tuple[ProgramYear, str | None]:
    """The programme year; created from the programme's defaults the first time it is used.

    Returns the year and a notice (None when it already existed).
    """
    if isinstance(program, str):
        program = program_by_code(program)
    if not 2000 <= int(year) <= 2100:
        raise ValidationError(_("The year %(year)s is not plausible.") % {"year": year})
    existing = ProgramYear.objects.filter(program=program, year=year).first()
    if existing or not create:
        if existing is None:
            raise ValidationError(
                _("%(code)s has no year %(year)s.") % {"code": program.code, "year": year}
            )
        return existing, None
    try:
        with transaction.atomic():
            py = _create_year(actor=actor, program=program, year=year, source=None)
    except IntegrityError:
        # Another request created it at the same moment: use theirs.
        return ProgramYear.objects.get(program=program, year=year), None
    notice = _(
        "Programme year %(code)s %(year)s did not exist and was created from the programme's "
        "defaults. Check its criteria."
    ) % {"code": program.code, "year": year}
    return py, notice


def _create_year(
    *, actor: Any, program: Program, year: int, source: ProgramYear | None
) -> ProgramYear:
    values = (
        source.criteria()
        if source
        else {k: v for k, v in program.defaults.items() if k in CRITERIA_FIELDS}
    )
    values.setdefault("value_per_unit", program.value_per_unit)
    values = {k: v for k, v in values.items() if v is not None or k in ("age_min", "age_max")}
    _validate_criteria(values)
    py = ProgramYear(
        program=program, year=year, created_from=f"{source}" if source else "defaults", **values
    )
    py.full_clean()
    py.save()
    audit_record(
        actor=actor,
        action="programyear.create",
        obj=py,
        after={**py.criteria(), "created_from": py.created_from},
    )
    return py


@transaction.atomic
def program_year_copy(*, actor: Any, program: Program, year: int) -> ProgramYear:
    """A new programme year with the settings of the year before."""
    require(actor, "programs.manage")
    source = ProgramYear.objects.filter(program=program, year__lt=year).order_by("-year").first()
    if source is None:
        raise ValidationError(
            _("%(code)s has no earlier year to copy from.") % {"code": program.code}
        )
    if ProgramYear.objects.filter(program=program, year=year).exists():
        raise ValidationError(
            _("%(code)s %(year)s already exists.") % {"code": program.code, "year": year}
        )
    return _create_year(actor=actor, program=program, year=year, source=source)


# Settings of a year that verification does not read: changing them verifies nothing again.
NOT_VERIFIED = {"handover_before_training"}


@transaction.atomic
def program_year_update(*, actor: Any, program_year: ProgramYear, **fields: Any) -> ProgramYear:
    require(actor, "programs.manage")
    # Work on the stored row: a refused change must not linger in the caller's object.
    program_year = ProgramYear.objects.select_for_update().get(pk=program_year.pk)
    before = program_year.criteria()
    for name, value in fields.items():
        if name in CRITERIA_FIELDS or name == "notes":
            setattr(program_year, name, value)
    _validate_criteria(program_year.criteria())
    program_year.full_clean()
    program_year.save()
    b, a = changed(before, program_year.criteria())
    if a:
        audit_record(actor=actor, action="programyear.update", obj=program_year, before=b, after=a)
    if set(a) - NOT_VERIFIED:
        # New criteria: the year's proposals are verified again.
        _recipients_changed(program_year.program)
    return program_year


def recipients_import(
    *, actor: Any, program: Program, year: int, fileobj: Any, file_name: str = ""
) -> dict[str, Any]:
    """Load a past year's recipient list (the history "already received" reads).

    All or nothing: with unreadable rows nothing is saved and every row is reported. Loading the
    same list again adds nothing. A TAHUN column, when present, gives each row its own year.
    """
    from berdaya.registry.columns import (
        SEX_VALUES,
        CellError,
        FileFormatError,
        checked_rows,
        map_headers,
        open_sheet,
        read_choice,
        read_date,
        read_id_number,
        read_text,
    )
    from berdaya.registry.models import registration_key

    require(actor, "programs.manage")
    categories = set(WelfareCategory.objects.values_list("code", flat=True))
    try:
        sheet = open_sheet(fileobj, file_name)
    except FileFormatError as exc:
        raise ValidationError(str(exc)) from None
    mapped, _unknown = map_headers(sheet.headers)
    # An institution programme's history is kept by registration number.
    institutions = program.unit == "institution"
    id_col, name_col = ("NO_REGISTRASI", "NAMA_LEMBAGA") if institutions else ("NIK", "NAMA")
    missing = [c for c in (id_col, name_col) if c not in mapped]
    if missing:
        raise ValidationError(
            _("Required columns missing: %(cols)s.") % {"cols": ", ".join(missing)}
        )
    rows, errors = [], []
    for line, cells in checked_rows(sheet):
        rec = {c: cells[i] for i, c in enumerate(mapped) if c and i < len(cells)}
        try:
            if institutions:
                nik = registration_key(read_text(rec.get(id_col)))
            else:
                nik = read_id_number(rec.get("NIK"), "NIK")
            if not nik:
                raise CellError(_("%(col)s is empty.") % {"col": id_col})
            category = read_text(rec.get("KATEGORI")).upper()[:10]
            if category and category not in categories:
                raise CellError(
                    _("KATEGORI %(value)s is not a PPKS category code.") % {"value": category}
                )
            row_year = year
            if read_text(rec.get("TAHUN")):
                text = read_text(rec.get("TAHUN"))
                if not text.isdigit() or not 2000 <= int(text) <= 2100:
                    raise CellError(_("TAHUN %(value)s is not a year.") % {"value": text})
                row_year = int(text)
            rows.append(
                PastRecipient(
                    program=program,
                    year=row_year,
                    nik=nik[:50],
                    category=category,
                    name=read_text(rec.get(name_col))[:150],
                    birth_date=read_date(rec.get("TGL_LAHIR"), "TGL_LAHIR"),
                    sex=read_choice(rec.get("JENIS_KELAMIN"), SEX_VALUES, "JENIS_KELAMIN"),
                    village_code=read_text(rec.get("KODE_WILAYAH"))[:13],
                    source=(file_name or "import")[:100],
                    created_by=actor if getattr(actor, "pk", None) else None,
                )
            )
        except CellError as exc:
            errors.append(_("row %(row)s: %(msg)s") % {"row": line, "msg": exc})
    if errors:
        raise ValidationError(errors[:500])
    with transaction.atomic():
        before = PastRecipient.objects.filter(program=program).count()
        PastRecipient.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        added = PastRecipient.objects.filter(program=program).count() - before
        audit_record(
            actor=actor,
            action="recipients.import",
            obj=program,
            after={"file": file_name, "rows": len(rows), "added": added, "year": year},
        )
        _recipients_changed(program)
    return {"rows": len(rows), "added": added}


# Verification marks a programme's proposals for checking again when its history changes.
recipients_changed_hooks: list[Any] = []


def _recipients_changed(program: Program) -> None:
    for hook in recipients_changed_hooks:
        hook(program)


@transaction.atomic
def category_update(*, actor: Any, category: WelfareCategory, **fields: Any) -> WelfareCategory:
    """Change a welfare category's criteria; proposals naming it are verified again."""
    require(actor, "programs.manage")
    category = WelfareCategory.objects.select_for_update().get(pk=category.pk)
    names = ["name", "age_min", "age_max", "sex", "once_only", "active"]
    before = snapshot(category, names)
    for name in names:
        if name in fields:
            setattr(category, name, fields[name])
    lo, hi = category.age_min, category.age_max
    if lo is not None and hi is not None and lo > hi:
        raise ValidationError({"age_max": _("The maximum age is below the minimum age.")})
    if not (category.name or "").strip():
        raise ValidationError({"name": _("Write the category's name.")})
    category.full_clean()
    category.save()
    b, a = changed(before, snapshot(category, names))
    if a:
        audit_record(actor=actor, action="category.update", obj=category, before=b, after=a)
        years = ProgramYear.objects.select_related("program")
        for program in {py.program for py in years if category.code in (py.categories or [])}:
            _recipients_changed(program)
    return category
