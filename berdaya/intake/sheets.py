"""Proposal spreadsheets: the template to fill, and a sent sheet returned with its errors."""

from __future__ import annotations

import io
from collections import defaultdict
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _

from berdaya.core.exports import safe_cell
from berdaya.regions.selectors import villages_of
from berdaya.registry.columns import RELATION_VALUES, open_sheet

TEMPLATE_COLUMNS = [
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
TEXT_COLUMNS = {"ID", "NIK", "NO_KK", "KODE_WILAYAH", "TGL_LAHIR"}
ERROR_COLUMN = "KESALAHAN"


def template_xlsx(*, program_year: Any, region: Any) -> bytes:
    """An XLSX to fill: headers, an example row, NIK/KK as text, dropdowns, village codes."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#DDEBE7", "border": 1})
    text = book.add_format({"num_format": "@"})
    example = book.add_format({"num_format": "@", "italic": True, "font_color": "#666666"})
    ws = book.add_worksheet(_("Proposals")[:31])
    villages = list(villages_of(region.code))
    sample_village = villages[0].code if villages else f"{region.code}.01.1001"
    sample = {
        "ID": "1",
        "NIK": "6472015708880003",
        "NO_KK": "6472010101150009",
        "NAMA": "CONTOH: SITI AMINAH",
        "TEMPAT_LAHIR": "SAMARINDA",
        "TGL_LAHIR": "1988-08-17",
        "JENIS_KELAMIN": "P",
        "ALAMAT": "JL. CONTOH RT 001",
        "KODE_WILAYAH": sample_village,
        "HUBUNGAN_KELUARGA": "KEPALA KELUARGA",
        "PEKERJAAN": "PEDAGANG",
    }
    for col, name in enumerate(TEMPLATE_COLUMNS):
        ws.write_string(0, col, name, head)
        ws.set_column(
            col,
            col,
            22 if name in ("NAMA", "ALAMAT") else 18,
            text if name in TEXT_COLUMNS else None,
        )
        ws.write_string(1, col, sample[name], example)
    last = 5000
    ws.data_validation(
        1,
        TEMPLATE_COLUMNS.index("JENIS_KELAMIN"),
        last,
        TEMPLATE_COLUMNS.index("JENIS_KELAMIN"),
        {"validate": "list", "source": ["L", "P"], "error_message": _("Write L or P.")},
    )
    relations = sorted(set(RELATION_VALUES.values()))
    ws.data_validation(
        1,
        TEMPLATE_COLUMNS.index("HUBUNGAN_KELUARGA"),
        last,
        TEMPLATE_COLUMNS.index("HUBUNGAN_KELUARGA"),
        {"validate": "list", "source": relations},
    )
    ws.freeze_panes(1, 0)
    guide = book.add_worksheet(_("Guide")[:31])
    lines = [
        _("Proposals for %(program)s, %(region)s.")
        % {"program": program_year, "region": region.name},
        _("One row per person. Delete the example row before sending."),
        _("NIK and NO_KK: 16 digits, in a column formatted as Text (it already is here)."),
        _("TGL_LAHIR: YYYY-MM-DD or DD-MM-YYYY. JENIS_KELAMIN: L or P."),
        _("KODE_WILAYAH: the village code (see the sheet of village codes)."),
        _("ID: your own number for the row; sending a row again with the same ID corrects it."),
        _("Verification checks each person against the national register after upload."),
    ]
    for i, line in enumerate(lines):
        guide.write_string(i, 0, line)
    guide.set_column(0, 0, 110)
    codes = book.add_worksheet(_("Village codes")[:31])
    codes.write_row(0, 0, ["KODE_WILAYAH", _("Village"), _("District")], head)
    for i, v in enumerate(villages, start=1):
        codes.write_string(i, 0, v.code)
        codes.write_string(i, 1, v.name)
        codes.write_string(i, 2, v.parent.name if v.parent_id else "")
    codes.set_column(0, 2, 28)
    book.close()
    return buf.getvalue()


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
