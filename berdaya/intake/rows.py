"""Reading proposal rows: what a programme's file holds, and each row as proposal fields.

A programme year decides the row format (DESIGN.md, "Files"): one person per row; a group
member per row (KUBE: `KELOMPOK`, `JABATAN`, `JENIS_USAHA`); one institution per row (LKS:
`NAMA_LEMBAGA`, `NO_REGISTRASI`...); plus a welfare category (`KATEGORI`) when the programme
has categories (PPKS), and the need and its cost (`KEBUTUHAN`, `NILAI`) when its value is set
per need. Only what makes a row unreadable refuses it; the rest is for verification.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from berdaya.intake.models import BOARD, Role
from berdaya.regions.codes import normalize_code
from berdaya.registry.columns import (
    RELATION_VALUES,
    SEX_VALUES,
    CellError,
    FileFormatError,
    map_headers,
    open_sheet,
    read_amount,
    read_choice,
    read_date,
    read_id_number,
    read_text,
)
from berdaya.registry.models import Accreditation, InstitutionKind

MAX_ROWS = 20_000
ROLE_VALUES = {r.value: r.value for r in Role}
PERSON_COLUMNS = ("NIK", "NAMA", "TGL_LAHIR", "JENIS_KELAMIN", "KODE_WILAYAH")
GROUP_COLUMNS = ("KELOMPOK", "JABATAN", "JENIS_USAHA")
INSTITUTION_COLUMNS = ("NAMA_LEMBAGA", "NO_REGISTRASI", "JENIS_LEMBAGA", "KODE_WILAYAH")
NEED_COLUMNS = ("KEBUTUHAN", "NILAI")
CATEGORY_COLUMNS = ("KATEGORI",)
# The institution types as offices write them.
KIND_VALUES = {
    **{k.value: k.value for k in InstitutionKind},
    "LKSA": InstitutionKind.CHILDREN.value,
    "PANTI ASUHAN": InstitutionKind.CHILDREN.value,
    "ANAK": InstitutionKind.CHILDREN.value,
    "LKS ANAK": InstitutionKind.CHILDREN.value,
    "PANTI WREDA": InstitutionKind.ELDERLY.value,
    "PANTI WERDHA": InstitutionKind.ELDERLY.value,
    "PANTI JOMPO": InstitutionKind.ELDERLY.value,
    "LANJUT USIA": InstitutionKind.ELDERLY.value,
    "LKS LU": InstitutionKind.ELDERLY.value,
    "PANTI DISABILITAS": InstitutionKind.DISABILITY.value,
    "PENYANDANG DISABILITAS": InstitutionKind.DISABILITY.value,
    "LKS PD": InstitutionKind.DISABILITY.value,
    "LAIN-LAIN": InstitutionKind.OTHER.value,
}
GRADE_VALUES = {g.value: g.value for g in Accreditation}


@dataclass(frozen=True)
class RowFormat:
    """What one row of a programme year's file holds."""

    unit: str = "person"  # person | group | institution
    categories: frozenset[str] = frozenset()  # allowed KATEGORI codes; empty: no category
    per_need: bool = False  # KEBUTUHAN and NILAI on every row

    @property
    def required(self) -> tuple[str, ...]:
        cols: tuple[str, ...] = (
            INSTITUTION_COLUMNS if self.unit == "institution" else PERSON_COLUMNS
        )
        if self.unit == "group":
            cols += GROUP_COLUMNS
        if self.categories:
            cols += CATEGORY_COLUMNS
        if self.per_need:
            cols += NEED_COLUMNS
        return cols


def row_format(program_year: Any) -> RowFormat:
    unit = program_year.program.unit
    return RowFormat(
        unit=unit,
        categories=frozenset(c.upper() for c in program_year.categories or ())
        if unit == "person"
        else frozenset(),
        per_need=bool(program_year.value_per_need) and unit != "group",
    )


@dataclass
class RowError:
    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass
class ParsedUpload:
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total: int = 0
    file_error: str = ""


class _Reader:
    """Reads the cells of one row, collecting (row, field, message) errors."""

    def __init__(self, cells: dict[str, Any], line: int):
        self.cells, self.line, self.errors = cells, line, []

    def __call__(self, name: str, fn: Callable[[Any], Any]) -> Any:
        try:
            return fn(self.cells.get(name))
        except CellError as exc:
            self.errors.append(RowError(self.line, name, str(exc)))
            return None

    def text(self, name: str, limit: int) -> str:
        return read_text(self.cells.get(name))[:limit]

    def missing(self, name: str, message: str) -> None:
        if not any(e.field == name for e in self.errors):
            self.errors.append(RowError(self.line, name, message))

    def region(self) -> str:
        raw = read_text(self.cells.get("KODE_WILAYAH"))
        code = normalize_code(raw)
        if not code or len(code) < 5:
            self.errors.append(
                RowError(
                    self.line,
                    "KODE_WILAYAH",
                    _(
                        "KODE_WILAYAH %(value)s cannot be read as a region code "
                        "(e.g. 64.72.01.1001)."
                    )
                    % {"value": raw or "-"},
                )
            )
        return code or ""


def _need(r: _Reader, fmt: RowFormat, out: dict[str, Any]) -> None:
    out["category"], out["need"], out["need_value"] = "", "", None
    if fmt.categories:
        category = r.text("KATEGORI", 10).upper()
        if not category:
            r.missing("KATEGORI", _("KATEGORI is empty: write the PPKS category code."))
        elif category not in fmt.categories:
            r.errors.append(
                RowError(
                    r.line,
                    "KATEGORI",
                    _("KATEGORI %(value)s is not one of this programme's categories: %(allowed)s.")
                    % {"value": category, "allowed": ", ".join(sorted(fmt.categories))},
                )
            )
        out["category"] = category
    if fmt.per_need:
        out["need"] = r.text("KEBUTUHAN", 255)
        if not out["need"]:
            r.missing("KEBUTUHAN", _("KEBUTUHAN is empty: write what is needed."))
        value = r("NILAI", lambda v: read_amount(v, "NILAI"))
        if value is None:
            r.missing("NILAI", _("NILAI is empty: write what the need costs in rupiah."))
        elif value <= 0:
            r.errors.append(RowError(r.line, "NILAI", _("NILAI must be more than Rp0.")))
        out["need_value"] = value


def parse_proposal_row(
    cells: dict[str, Any], line: int, fmt: RowFormat | None = None, *, group: bool = False
) -> tuple[dict | None, list[RowError]]:
    """A row as proposal fields, or the reasons it cannot be read (row, field, message)."""
    fmt = fmt or RowFormat(unit="group" if group else "person")
    if fmt.unit == "institution":
        return parse_institution_row(cells, line, fmt)
    r = _Reader(cells, line)
    nik = r("NIK", lambda v: read_id_number(v, "NIK"))
    if nik == "":
        r.errors.append(RowError(line, "NIK", _("NIK is empty.")))
    kk = r("NO_KK", lambda v: read_id_number(v, "NO_KK")) or ""
    name = r.text("NAMA", 150)
    if not name:
        r.errors.append(RowError(line, "NAMA", _("NAMA is empty.")))
    birth = r("TGL_LAHIR", lambda v: read_date(v, "TGL_LAHIR"))
    if birth is None:
        r.missing("TGL_LAHIR", _("TGL_LAHIR is empty."))
    sex = r("JENIS_KELAMIN", lambda v: read_choice(v, SEX_VALUES, "JENIS_KELAMIN"))
    if sex == "":
        r.errors.append(RowError(line, "JENIS_KELAMIN", _("JENIS_KELAMIN is empty: write L or P.")))
    relation = (
        r("HUBUNGAN_KELUARGA", lambda v: read_choice(v, RELATION_VALUES, "HUBUNGAN_KELUARGA")) or ""
    )
    code = r.region()
    group_name = business = role = ""
    if fmt.unit == "group":
        group_name = r.text("KELOMPOK", 150)
        business = r.text("JENIS_USAHA", 100)
        if not group_name:
            r.errors.append(RowError(line, "KELOMPOK", _("KELOMPOK (the group's name) is empty.")))
        role = r("JABATAN", lambda v: read_choice(v, ROLE_VALUES, "JABATAN")) or ""
        if not role:
            r.missing(
                "JABATAN",
                _("JABATAN is empty: write KETUA, SEKRETARIS, BENDAHARA or ANGGOTA."),
            )
    out: dict[str, Any] = {
        "row_id": r.text("ID", 64),
        "nik": (nik or "")[:32],
        "kk": kk[:32],
        "name": name,
        "birth_place": r.text("TEMPAT_LAHIR", 100),
        "birth_date": birth,
        "sex": sex,
        "address": r.text("ALAMAT", 255),
        "village_code": code,
        "relation": relation,
        "occupation": read_text(cells.get("PEKERJAAN")).upper()[:80],
        "group_name": group_name,
        "group_key": group_name.upper(),
        "business_type": business,
        "role": role,
        **_NO_INSTITUTION,
    }
    _need(r, fmt, out)
    if r.errors:
        return None, r.errors
    return out, []


_NO_INSTITUTION = {
    "registration_number": "",
    "institution_kind": "",
    "accreditation": "",
    "accreditation_date": None,
}


def parse_institution_row(
    cells: dict[str, Any], line: int, fmt: RowFormat
) -> tuple[dict | None, list[RowError]]:
    """An institution (LKS) row: its name, registration, accreditation, place and need."""
    r = _Reader(cells, line)
    name = r.text("NAMA_LEMBAGA", 150)
    if not name:
        r.errors.append(RowError(line, "NAMA_LEMBAGA", _("NAMA_LEMBAGA is empty.")))
    kind = r("JENIS_LEMBAGA", lambda v: read_choice(v, KIND_VALUES, "JENIS_LEMBAGA")) or ""
    if kind == "" and not any(e.field == "JENIS_LEMBAGA" for e in r.errors):
        r.errors.append(
            RowError(
                line,
                "JENIS_LEMBAGA",
                _("JENIS_LEMBAGA is empty: write ANAK, LANSIA, DISABILITAS or LAINNYA."),
            )
        )
    grade = r("AKREDITASI", lambda v: read_choice(v, GRADE_VALUES, "AKREDITASI")) or ""
    accredited = r("TGL_AKREDITASI", lambda v: read_date(v, "TGL_AKREDITASI"))
    if grade and accredited is None:
        r.missing("TGL_AKREDITASI", _("TGL_AKREDITASI is empty while AKREDITASI is given."))
    out: dict[str, Any] = {
        "row_id": r.text("ID", 64),
        "nik": "",
        "kk": "",
        "name": name,
        "birth_place": "",
        "birth_date": None,
        "sex": "",
        "address": r.text("ALAMAT", 255),
        "village_code": r.region(),
        "relation": "",
        "occupation": "",
        "group_name": "",
        "group_key": "",
        "business_type": "",
        "role": "",
        # An empty registration number is readable: verification says LKS_NOT_REGISTERED.
        "registration_number": r.text("NO_REGISTRASI", 50),
        "institution_kind": kind,
        "accreditation": grade,
        "accreditation_date": accredited,
    }
    _need(r, fmt, out)
    if r.errors:
        return None, r.errors
    return out, []


def parse_upload(
    fileobj, name: str = "", fmt: RowFormat | None = None, *, group: bool = False
) -> ParsedUpload:
    """Every row of a file read as a proposal (or refused)."""
    fmt = fmt or RowFormat(unit="group" if group else "person")
    out = ParsedUpload()
    try:
        sheet = open_sheet(fileobj, name)
    except FileFormatError as exc:
        out.file_error = str(exc)
        return out
    mapped, _unknown = map_headers(sheet.headers)
    missing = [c for c in fmt.required if c not in mapped]
    if missing:
        out.file_error = _(
            "Required columns missing: %(cols)s. Download the template to see the column names."
        ) % {"cols": ", ".join(missing)}
        return out
    ids_seen: dict[str, int] = {}
    try:
        _read_rows(sheet, mapped, fmt, out, ids_seen)
    except FileFormatError as exc:
        out.file_error = str(exc)
        return out
    if out.total == 0 and not out.file_error:
        out.file_error = _("The file has column names but no rows.")
    if fmt.unit == "group" and not out.file_error:
        _check_boards(out)
    return out


def _read_rows(sheet, mapped, fmt: RowFormat, out: ParsedUpload, ids_seen: dict) -> None:
    for line, cells in sheet.rows:
        out.total += 1
        if out.total > MAX_ROWS:
            out.file_error = _(
                "The file has more than %(n)s rows: split it into smaller files."
            ) % {"n": MAX_ROWS}
            return
        record = {c: cells[i] for i, c in enumerate(mapped) if c and i < len(cells)}
        row, errors = parse_proposal_row(record, line, fmt)
        if row and row["row_id"]:
            first = ids_seen.setdefault(row["row_id"], line)
            if first != line:
                errors = [
                    RowError(
                        line,
                        "ID",
                        _("ID %(id)s is also used on row %(first)s.")
                        % {"id": row["row_id"], "first": first},
                    )
                ]
                row = None
        if errors:
            out.errors.extend(errors)
        else:
            out.rows.append((line, row))


def _check_boards(out: ParsedUpload) -> None:
    """A group has one chair, one secretary and one treasurer; otherwise its rows are refused:
    the group cannot be read as a proposal."""
    groups: dict[str, list[tuple[int, dict]]] = {}
    for line, row in out.rows:
        groups.setdefault(row["group_key"], []).append((line, row))
    bad_lines: set[int] = set()
    for rows in groups.values():
        name = rows[0][1]["group_name"]
        for role in BOARD:
            count = sum(1 for _line, r in rows if r["role"] == role)
            if count == 1:
                continue
            message = (
                _("Group %(group)s has no %(role)s.")
                if count == 0
                else _("Group %(group)s has %(n)s rows with %(role)s; it needs exactly one.")
            ) % {"group": name, "role": role.value, "n": count}
            for line, _row in rows:
                out.errors.append(RowError(line, "JABATAN", message))
                bad_lines.add(line)
    if bad_lines:
        out.rows = [(line, row) for line, row in out.rows if line not in bad_lines]
        out.errors.sort(key=lambda e: (e.row, e.field))
