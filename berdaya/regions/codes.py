"""The Kemendagri region codes as plain Python, without Django.

The NIK parser, the synthetic data generator and the linkage engine read codes from here; the
`regions` app loads the same file into the database.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "regions.csv"
PROVINCE_CODE = "64"


@dataclass(frozen=True, slots=True)
class RegionRow:
    code: str
    level: str  # province | regency | district | village
    parent: str
    name: str
    historical: bool
    successor: str


@cache
def all_regions() -> dict[str, RegionRow]:
    with open(DATA_FILE, encoding="utf-8", newline="") as f:
        return {
            r["code"]: RegionRow(
                code=r["code"],
                level=r["level"],
                parent=r["parent"],
                name=r["name"],
                historical=r["historical"] == "1",
                successor=r["successor"],
            )
            for r in csv.DictReader(f)
        }


@cache
def regency_codes() -> frozenset[str]:
    """Every regency/city code, current and historical, in undotted form (`6472`)."""
    return frozenset(
        r.code.replace(".", "") for r in all_regions().values() if r.level == "regency"
    )


def normalize_code(value: str) -> str | None:
    """Return the dotted form of a region code written dotted or undotted, else None.

    `6472` -> `64.72`; `647201` -> `64.72.01`; `6472011001` -> `64.72.01.1001`.
    """
    raw = (value or "").strip()
    digits = raw.replace(".", "")
    if not digits.isdigit():
        return None
    if "." in raw:
        parts = raw.split(".")
        lengths = [len(p) for p in parts]
        if lengths not in ([2], [2, 2], [2, 2, 2], [2, 2, 2, 4]):
            return None
        return raw
    cuts = {2: [2], 4: [2, 2], 6: [2, 2, 2], 10: [2, 2, 2, 4]}.get(len(digits))
    if cuts is None:
        return None
    parts, pos = [], 0
    for n in cuts:
        parts.append(digits[pos : pos + n])
        pos += n
    return ".".join(parts)


def province_villages(province: str = PROVINCE_CODE) -> list[RegionRow]:
    return [
        r
        for r in all_regions().values()
        if r.level == "village" and r.code.startswith(province + ".")
    ]
