"""Proposal spreadsheets: the template to fill, and a sent sheet returned with its errors."""

from __future__ import annotations

import io
from collections import defaultdict
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _

from berdaya.core.exports import safe_cell
from berdaya.intake.models import Role
from berdaya.intake.rows import RowFormat, row_format
from berdaya.regions.selectors import villages_of
from berdaya.registry.columns import RELATION_VALUES, open_sheet
from berdaya.registry.models import InstitutionKind

PERSON_TEMPLATE = [
    "ID",
    "NIK",
    "NO_KK",
    "NAMA",
    "TEMPAT_LAHIR",
    "TGL_LAHIR",
    "JENIS_KELAMIN",
    "ALAMAT",
    "KODE_WILAYAH",
    "HUBUNGAN_KELUARGA",
    "PEKERJAAN",
]
# DESIGN.md's institution columns, in its order.
INSTITUTION_TEMPLATE = [
    "ID",
    "NAMA_LEMBAGA",
    "NO_REGISTRASI",
    "JENIS_LEMBAGA",
    "AKREDITASI",
    "TGL_AKREDITASI",
    "ALAMAT",
    "KODE_WILAYAH",
]
TEXT_COLUMNS = {
    "ID",
    "NIK",
    "NO_KK",
    "KODE_WILAYAH",
    "TGL_LAHIR",
    "TGL_AKREDITASI",
    "NO_REGISTRASI",
}
ERROR_COLUMN = "KESALAHAN"


def template_columns(fmt: RowFormat) -> list[str]:
    """The columns of a programme year's template, in order."""
    if fmt.unit == "institution":
        return [*INSTITUTION_TEMPLATE, "KEBUTUHAN", "NILAI"]
    cols = list(PERSON_TEMPLATE)
    if fmt.unit == "group":
        cols += ["KELOMPOK", "JABATAN", "JENIS_USAHA"]
    if fmt.categories:
        cols.append("KATEGORI")
    if fmt.per_need:
        cols += ["KEBUTUHAN", "NILAI"]
    return cols


def _sample(fmt: RowFormat, village: str) -> dict[str, str]:
    if fmt.unit == "institution":
        return {
            "ID": "1",
            "NAMA_LEMBAGA": "CONTOH: PANTI ASUHAN KASIH BUNDA",
            "NO_REGISTRASI": "463/112/DINSOS/2021",
            "JENIS_LEMBAGA": "ANAK",
            "AKREDITASI": "B",
            "TGL_AKREDITASI": "2023-05-10",
            "ALAMAT": "JL. CONTOH NO. 5",
            "KODE_WILAYAH": village,
            "KEBUTUHAN": "PERALATAN DAPUR DAN TEMPAT TIDUR",
            "NILAI": "25000000",
        }
    category = "LUT" if "LUT" in fmt.categories else min(fmt.categories, default="")
    return {
        "ID": "1",
        "NIK": "6472015708880003",
        "NO_KK": "6472010101150009",
        "NAMA": "CONTOH: SITI AMINAH",
        "TEMPAT_LAHIR": "SAMARINDA",
        "TGL_LAHIR": "1988-08-17",
        "JENIS_KELAMIN": "P",
        "ALAMAT": "JL. CONTOH RT 001",
        "KODE_WILAYAH": village,
        "HUBUNGAN_KELUARGA": "KEPALA KELUARGA",
        "PEKERJAAN": "PEDAGANG",
        "KELOMPOK": "KUBE MAWAR",
        "JABATAN": "KETUA",
        "JENIS_USAHA": "WARUNG SEMBAKO",
        "KATEGORI": category,
        "KEBUTUHAN": "KURSI RODA" if category else "PERALATAN USAHA",
        "NILAI": "2500000",
    }


def _dropdowns(fmt: RowFormat) -> dict[str, list[str]]:
    if fmt.unit == "institution":
        return {
            "JENIS_LEMBAGA": [k.value for k in InstitutionKind],
            "AKREDITASI": ["A", "B", "C"],
        }
    out = {
        "JENIS_KELAMIN": ["L", "P"],
        "HUBUNGAN_KELUARGA": sorted(set(RELATION_VALUES.values())),
    }
    if fmt.unit == "group":
        out["JABATAN"] = [r.value for r in Role]
    if fmt.categories and len(",".join(fmt.categories)) < 250:
        out["KATEGORI"] = sorted(fmt.categories)
    return out


def template_xlsx(*, program_year: Any, region: Any) -> bytes:
    """An XLSX to fill: headers, an example row, numbers as text, dropdowns, village codes."""
    fmt = row_format(program_year)
    columns = template_columns(fmt)
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#DDEBE7", "border": 1})
    text = book.add_format({"num_format": "@"})
    example = book.add_format({"num_format": "@", "italic": True, "font_color": "#666666"})
    ws = book.add_worksheet(_("Proposals")[:31])
    villages = list(villages_of(region.code))
    sample = _sample(fmt, villages[0].code if villages else f"{region.code}.01.1001")
    for col, name in enumerate(columns):
        ws.write_string(0, col, name, head)
        wide = name in ("NAMA", "ALAMAT", "NAMA_LEMBAGA", "KEBUTUHAN")
        ws.set_column(col, col, 24 if wide else 18, text if name in TEXT_COLUMNS else None)
        ws.write_string(1, col, sample[name], example)
    last = 5000
    for name, values in _dropdowns(fmt).items():
        col = columns.index(name)
        ws.data_validation(1, col, last, col, {"validate": "list", "source": values})
    ws.freeze_panes(1, 0)
    guide = book.add_worksheet(_("Guide")[:31])
    for i, line in enumerate(_guide(fmt, program_year, region)):
        guide.write_string(i, 0, line)
    guide.set_column(0, 0, 110)
    codes = book.add_worksheet(_("Village codes")[:31])
    codes.write_row(0, 0, ["KODE_WILAYAH", _("Village"), _("District")], head)
    for i, v in enumerate(villages, start=1):
        codes.write_string(i, 0, v.code)
        codes.write_string(i, 1, v.name)
        codes.write_string(i, 2, v.parent.name if v.parent_id else "")
    codes.set_column(0, 2, 28)
    if fmt.categories:
        cats = book.add_worksheet(_("Categories")[:31])
        cats.write_row(0, 0, ["KATEGORI", _("Category")], head)
        from berdaya.programs.models import WelfareCategory

        for i, c in enumerate(WelfareCategory.objects.filter(code__in=fmt.categories), start=1):
            cats.write_string(i, 0, c.code)
            cats.write_string(i, 1, c.name)
        cats.set_column(0, 1, 40)
    book.close()
    return buf.getvalue()


def _guide(fmt: RowFormat, program_year: Any, region: Any) -> list[str]:
    lines = [
        _("Proposals for %(program)s, %(region)s.")
        % {"program": program_year, "region": region.name},
    ]
    if fmt.unit == "institution":
        lines += [
            _("One row per institution (LKS). Delete the example row before sending."),
            _("NO_REGISTRASI: the registration number the social affairs office issued."),
            _(
                "JENIS_LEMBAGA: ANAK, LANSIA, DISABILITAS or LAINNYA. AKREDITASI: A, B or C, "
                "with TGL_AKREDITASI, the date of the accreditation."
            ),
        ]
    else:
        lines += [
            _("One row per person. Delete the example row before sending."),
            _("NIK and NO_KK: 16 digits, in a column formatted as Text (it already is here)."),
            _("TGL_LAHIR: YYYY-MM-DD or DD-MM-YYYY. JENIS_KELAMIN: L or P."),
        ]
    if fmt.unit == "group":
        lines.append(
            _(
                "One row per member. KELOMPOK: the group's name, the same on each of its rows; "
                "JABATAN: KETUA, SEKRETARIS, BENDAHARA (one each) or ANGGOTA."
            )
        )
    if fmt.categories:
        lines.append(_("KATEGORI: the PPKS category code (see the sheet of categories)."))
    if fmt.per_need:
        lines.append(_("KEBUTUHAN: what is needed. NILAI: what it costs, in whole rupiah."))
    lines += [
        _("KODE_WILAYAH: the village code (see the sheet of village codes)."),
        _("ID: your own number for the row; sending a row again with the same ID corrects it."),
        _("Verification checks each row against the registers after upload."),
    ]
    return lines


def error_sheet(data: bytes, errors: list[dict[str, Any]], name: str = "") -> bytes:
    """The sent sheet as it was, with a KESALAHAN column saying what is wrong on each row."""
    sheet = open_sheet(io.BytesIO(data), name)
    by_row: dict[int, list[str]] = defaultdict(list)
    for e in errors:
        by_row[int(e["row"])].append(f"{e['field']}: {e['message']}")
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False})
    ws = book.add_worksheet("Usulan")
    head = book.add_format({"bold": True})
    bad = book.add_format({"bg_color": "#F8D7DA", "num_format": "@"})
    text = book.add_format({"num_format": "@"})
    headers = [str(h) for h in sheet.headers]
    ws.write_row(0, 0, [*headers, ERROR_COLUMN], head)
    out_row = 0
    for line, cells in sheet.rows:
        out_row += 1
        problems = by_row.get(line, [])
        fmt = bad if problems else text
        for col, value in enumerate(cells):
            ws.write_string(out_row, col, str(safe_cell(value)) if value is not None else "", fmt)
        ws.write_string(out_row, len(headers), "; ".join(problems), fmt)
    ws.set_column(0, len(headers) - 1, 18)
    ws.set_column(len(headers), len(headers), 70)
    ws.freeze_panes(1, 0)
    book.close()
    return buf.getvalue()
