"""The dashboard's table as XLSX (through the logged, formula-safe export helper)."""

from __future__ import annotations

from typing import Any

from berdaya.core.exports import export_response
from berdaya.reports.selectors import Dashboard

# Column names as the office's other exports write them: Indonesian, upper case.
STAGE_COLUMNS = {
    "proposed": "DIUSULKAN",
    "eligible": "LAYAK",
    "approved": "DISETUJUI",
    "trained": "DILATIH",
    "handed_over": "DISERAHKAN",
    "monitored": "DIMONITOR",
}


def dashboard_headers(board: Dashboard) -> list[str]:
    headers = ["KODE_WILAYAH", "WILAYAH", "TARGET_KUOTA"]
    headers += [STAGE_COLUMNS.get(s.key, s.key.upper()) for s in board.stages]
    return headers + ["TERIKAT_RP", "TEREALISASI_RP", "NOMOR_SK"]


def dashboard_rows(board: Dashboard) -> list[list[Any]]:
    out = []
    for row in [*board.rows, board.total]:
        out.append(
            [row.code or "64", str(row.name), row.target]
            + [row.figures.get(s.key) if s.available else None for s in board.stages]
            + [row.committed, row.realised, row.decree.number if row.decree else ""]
        )
    return out


def dashboard_xlsx(*, user: Any, board: Dashboard):
    py = board.program_year
    name = f"dasbor-{py.program.code}-{py.year}"
    if board.region is not None:
        name += f"-{board.region.code}"
    return export_response(
        user=user,
        name=name,
        headers=dashboard_headers(board),
        rows=dashboard_rows(board),
        description=f"dashboard {py}",
        filters={
            "program": py.program.code,
            "year": py.year,
            "region": board.region.code if board.region else "",
        },
    )
