"""The one export helper: every export is logged, and every cell is safe in a spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone

from berdaya.core.audit import audit_record

# A cell that starts with one of these is read as a formula by spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")
_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _filename(name: str, ext: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"{_SAFE_NAME.sub('-', name).strip('-') or 'export'}-{stamp}.{ext}"


def build_xlsx(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "Data"
) -> tuple[bytes, int]:
    return build_workbook([(sheet, headers, rows)])


def _plain(value: Any) -> Any:
    """Dates as text (YYYY-MM-DD; times in WITA): never a bare serial number in Excel."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def build_workbook(
    sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
) -> tuple[bytes, int]:
    """An XLSX with one sheet per (name, headers, rows); every cell safe; rows counted."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(
        buf, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True})
    text = book.add_format({"num_format": "@"})
    total = 0
    used: set[str] = set()
    for name, headers, rows in sheets:
        title = _SHEET_CHARS.sub(" ", name)[:31] or "Data"
        while title.lower() in used:
            title = title[:28] + f"-{len(used)}"
        used.add(title.lower())
        ws = book.add_worksheet(title)
        ws.write_row(0, 0, [safe_cell(h) for h in headers], bold)
        count = 0
        for count, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                value = safe_cell(_plain(value))
                if isinstance(value, str):
                    # write_string: a NIK stays text, never a number Excel would round.
                    ws.write_string(count, col, value, text)
                elif value is None:
                    ws.write_blank(count, col, None)
                else:
                    ws.write(count, col, value)
        ws.freeze_panes(1, 0)
        total += count
    book.close()
    return buf.getvalue(), total


def build_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> tuple[bytes, int]:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([safe_cell(h) for h in headers])
    count = 0
    for row in rows:
        w.writerow(["" if v is None else safe_cell(v) for v in row])
        count += 1
    return ("\ufeff" + buf.getvalue()).encode("utf-8"), count


def export_response(
    *,
    user: Any,
    name: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    fmt: str = "xlsx",
    description: str = "",
    filters: dict[str, Any] | None = None,
) -> HttpResponse:
    """Build the file, log the export (who, what, how many rows, which filters), return it."""
    if fmt == "csv":
        data, count = build_csv(headers, rows)
        content_type = "text/csv; charset=utf-8"
    else:
        fmt = "xlsx"
        data, count = build_xlsx(headers, rows)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    filename = _filename(name, fmt)
    audit_record(
        actor=user,
        action="export",
        object_type="export",
        object_id=name,
        object_repr=filename,
        region_code=getattr(user, "region_id", "") or "",
        after={"rows": count, "format": fmt, "filters": filters or {}},
        note=description,
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
