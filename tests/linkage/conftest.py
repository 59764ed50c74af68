"""Fixtures for the linkage tests: a small synthetic register and hand-made people."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from berdaya.registry.synth import COLUMNS, generate_register

# Two neighbours: born the same day, same sex and district, NIKs one serial apart. A typo in
# the last digit of Aminah's NIK gives Rahmah's.
AMINAH = {
    "ID": "X001",
    "NIK": "6472015508800001",
    "NO_KK": "6472011203150001",
    "NAMA": "SITI AMINAH",
    "TEMPAT_LAHIR": "SAMARINDA",
    "TGL_LAHIR": "1980-08-15",
    "JENIS_KELAMIN": "P",
    "KODE_WILAYAH": "64.72.01.1001",
}
RAHMAH = {
    **AMINAH,
    "ID": "X002",
    "NIK": "6472015508800002",
    "NO_KK": "6472010704100003",
    "NAMA": "SITI RAHMAH",
    "KODE_WILAYAH": "64.72.01.1004",
}
YUSUF = {
    "ID": "X003",
    "NIK": "6402030402750003",
    "NO_KK": "6402031806110002",
    "NAMA": "MUHAMMAD YUSUF HASAN",
    "TEMPAT_LAHIR": "TENGGARONG",
    "TGL_LAHIR": "1975-02-04",
    "JENIS_KELAMIN": "L",
    "KODE_WILAYAH": "64.02.03.2004",
}
SUKARNO = {
    "ID": "X004",
    "NIK": "6471031108620001",
    "NO_KK": "6471032002090004",
    "NAMA": "SUKARNO WIDODO",
    "TEMPAT_LAHIR": "BALIKPAPAN",
    "TGL_LAHIR": "1962-08-11",
    "JENIS_KELAMIN": "L",
    "KODE_WILAYAH": "64.71.03.1002",
}
HAND_MADE = (AMINAH, RAHMAH, YUSUF, SUKARNO)


def write_people(
    path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS
) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


@pytest.fixture(scope="session")
def register_rows(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, str]]:
    """A 3,000-person synthetic register with the hand-made people appended."""
    out = tmp_path_factory.mktemp("linkage-register")
    generate_register(3000, 11, out)
    with open(out / "register.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return rows + [dict(p) for p in HAND_MADE]


@pytest.fixture(scope="session")
def register_csv(register_rows, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_people(tmp_path_factory.mktemp("linkage-ref") / "register.csv", register_rows)
