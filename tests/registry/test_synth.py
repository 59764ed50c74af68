"""The synthetic register: shape, validity of identities, shares, determinism.

Plain tests without the database: the generator is pure Python.
"""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from berdaya.regions.codes import all_regions, province_villages, regency_codes
from berdaya.registry.synth import COLUMNS, generate_register

PEOPLE = 5000
HISTORICAL = {"6404", "6405", "6406", "6410", "6473"}


@pytest.fixture(scope="module")
def register(tmp_path_factory) -> tuple[dict, list[dict[str, str]], Path]:
    out = tmp_path_factory.mktemp("synth")
    summary = generate_register(PEOPLE, 11, out)
    with open(out / "register.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return summary, rows, out


def _rows(register):
    return register[1]


def test_files_and_header(register):
    summary, rows, out = register
    assert sorted(p.name for p in out.iterdir()) == ["README.txt", "register.csv"]
    header = (out / "register.csv").read_text(encoding="utf-8").split("\n", 1)[0]
    assert header == ",".join(COLUMNS)
    assert header.startswith("ID,NIK,NO_KK,NAMA,TEMPAT_LAHIR,TGL_LAHIR,JENIS_KELAMIN,ALAMAT")
    assert len(rows) == PEOPLE == summary["people"]
    assert all(None not in r and len(r) == len(COLUMNS) for r in rows)
    assert [r["ID"] for r in rows[:2]] == ["R0000001", "R0000002"]
    assert len({r["ID"] for r in rows}) == PEOPLE
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert "register.csv" in readme and "KEMISKINAN_EKSTREM" in readme


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate_register(1500, 5, a)
    generate_register(1500, 5, b)
    generate_register(1500, 6, c)
    for name in ("register.csv", "README.txt"):
        assert (a / name).read_bytes() == (b / name).read_bytes()
    assert (a / "register.csv").read_bytes() != (c / "register.csv").read_bytes()


def test_chunks_keep_identities_unique(tmp_path, monkeypatch):
    # Small chunks force many chunk boundaries: serials must carry across them.
    monkeypatch.setattr("berdaya.registry.synth.FAMILIES_PER_CHUNK", 50)
    generate_register(2000, 3, tmp_path)
    with open(tmp_path / "register.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2000
    assert len({r["NIK"] for r in rows}) == 2000


def test_nik_valid_unique_and_consistent(register):
    rows = _rows(register)
    regions = all_regions()
    regencies = regency_codes()
    niks = [r["NIK"] for r in rows]
    assert len(set(niks)) == len(niks)
    outside = 0
    for r in rows:
        nik = r["NIK"]
        assert len(nik) == 16 and nik.isdigit(), nik
        born = dt.date.fromisoformat(r["TGL_LAHIR"])
        day = int(nik[6:8])
        if r["JENIS_KELAMIN"] == "P":
            assert 41 <= day <= 71
            day -= 40
        else:
            assert r["JENIS_KELAMIN"] == "L"
            assert 1 <= day <= 31
        assert (day, int(nik[8:10]), nik[10:12]) == (born.day, born.month, f"{born.year % 100:02d}")
        assert int(nik[12:]) > 0
        district = r["KODE_WILAYAH"][:8].replace(".", "")
        if nik[:6] != district:
            # Born outside the province, or an old North Kalimantan NIK: still a real regency.
            outside += 1
            assert nik[:4] in regencies, nik
            if nik[:2] == "64":
                assert nik[:4] in HISTORICAL, nik
                assert 1 <= int(nik[4:6]) <= 10
            else:
                dotted = f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}"
                assert regions[dotted].level == "district"
    # ~8% born outside plus ~0.5% historical codes.
    assert 0.04 * PEOPLE < outside < 0.14 * PEOPLE


def test_birthplaces_follow_the_nik(register):
    rows = _rows(register)
    outside = [r for r in rows if not r["NIK"].startswith("64")]
    assert outside
    places = {r["TEMPAT_LAHIR"] for r in outside}
    assert places & {"SURABAYA", "MAKASSAR", "BANJARMASIN", "MALANG", "BONE", "WAJO"}
    assert not places & {"SAMARINDA", "BALIKPAPAN", "TENGGARONG"}
    assert all(r["TEMPAT_LAHIR"] for r in rows)


def test_families(register):
    rows = _rows(register)
    families = defaultdict(list)
    for r in rows:
        kk = r["NO_KK"]
        assert len(kk) == 16 and kk.isdigit(), kk
        families[kk].append(r)
    assert len(families) == register[0]["families"]
    woman_headed = 0
    for kk, members in families.items():
        heads = [m for m in members if m["HUBUNGAN_KELUARGA"] == "KEPALA KELUARGA"]
        assert len(heads) == 1, kk
        assert members[0] is heads[0]
        head = heads[0]
        # One address, village and decile per family; the KK carries the family's district.
        assert len({(m["ALAMAT"], m["KODE_WILAYAH"], m["DESIL"]) for m in members}) == 1
        assert kk[:6] == head["KODE_WILAYAH"][:8].replace(".", "")
        issued = dt.date(2000 + int(kk[10:12]), int(kk[8:10]), int(kk[6:8]))
        assert issued >= max(dt.date.fromisoformat(m["TGL_LAHIR"]) for m in members)
        head_age = 2025 - int(head["TGL_LAHIR"][:4])
        assert 19 <= head_age <= 81
        woman_headed += head["JENIS_KELAMIN"] == "P"
        for m in members:
            if m["HUBUNGAN_KELUARGA"] == "ISTRI":
                assert m["JENIS_KELAMIN"] == "P" and head["JENIS_KELAMIN"] == "L"
            if m["HUBUNGAN_KELUARGA"] == "SUAMI":
                assert m["JENIS_KELAMIN"] == "L" and head["JENIS_KELAMIN"] == "P"
            if m["HUBUNGAN_KELUARGA"] == "ANAK":
                assert 2025 - int(m["TGL_LAHIR"][:4]) <= 31
    assert 0.08 < woman_headed / len(families) < 0.18
    assert 2.8 < len(rows) / len(families) < 4.8


def test_villages_are_of_province_64(register):
    villages = {v.code for v in province_villages("64")}
    rows = _rows(register)
    assert {r["KODE_WILAYAH"] for r in rows} <= villages
    by_regency = register[0]["by_regency"]
    assert by_regency["64.72"] > by_regency["64.11"]
    assert by_regency["64.71"] > by_regency["64.11"]
    assert by_regency["64.02"] > by_regency["64.11"]


def test_columns_take_their_listed_values(register):
    rows = _rows(register)
    for r in rows:
        assert r["DESIL"] == "" or 1 <= int(r["DESIL"]) <= 10
        assert r["STATUS_HIDUP"] in {"HIDUP", "MENINGGAL"}
        assert r["DISABILITAS"] in {"Y", "N"}
        assert r["KEMISKINAN_EKSTREM"] in {"Y", "N"}
        assert r["NAMA"] and r["NAMA"] == r["NAMA"].upper()
        assert " RT " in f" {r['ALAMAT']}"
        dt.date.fromisoformat(r["TGL_LAHIR"])


def test_shares(register):
    summary, rows, _ = register
    n = len(rows)

    def share(pred):
        return sum(1 for r in rows if pred(r)) / n

    assert 0.005 < share(lambda r: r["STATUS_HIDUP"] == "MENINGGAL") < 0.03
    assert 0.01 < share(lambda r: r["DISABILITAS"] == "Y") < 0.06
    assert 0.04 < share(lambda r: r["KEMISKINAN_EKSTREM"] == "Y") < 0.14
    assert 0.005 < share(lambda r: r["DESIL"] == "") < 0.05
    excluded = {"PEGAWAI NEGERI SIPIL", "TNI", "POLRI"}
    assert 0.005 < share(lambda r: r["PEKERJAAN"] in excluded) < 0.04
    low = share(lambda r: r["DESIL"] in {"1", "2", "3", "4", "5"})
    assert low > 0.65
    # Extreme poverty concentrates in the lowest deciles.
    in_low = [r for r in rows if r["DESIL"] in {"1", "2"}]
    in_high = [r for r in rows if r["DESIL"] in {"5", "6", "7", "8", "9", "10"}]
    rate_low = sum(r["KEMISKINAN_EKSTREM"] == "Y" for r in in_low) / len(in_low)
    rate_high = sum(r["KEMISKINAN_EKSTREM"] == "Y" for r in in_high) / len(in_high)
    assert rate_low > 3 * rate_high
    assert summary["deceased"] == sum(r["STATUS_HIDUP"] == "MENINGGAL" for r in rows)


def test_names_vary_in_spelling(tmp_path):
    generate_register(20000, 2, tmp_path)
    with open(tmp_path / "register.csv", encoding="utf-8", newline="") as f:
        words = {w for r in csv.DictReader(f) for w in r["NAMA"].split()}
    assert {"MUHAMMAD", "MUHAMAD", "M."} <= words
    assert {"SITI", "SITTI"} <= words
    assert {"NUR", "NOOR"} <= words


def test_rejects_empty_register(tmp_path):
    with pytest.raises(ValueError):
        generate_register(0, 1, tmp_path)


def _berdaya(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "berdaya", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_command_writes_the_files_and_says_so(tmp_path):
    help_text = _berdaya("synth", "--help")
    assert help_text.returncode == 0, help_text.stderr
    assert "register.csv" in help_text.stdout and "README.txt" in help_text.stdout
    done = _berdaya("synth", "--people", "300", "--seed", "4", "--out", str(tmp_path / "o"))
    assert done.returncode == 0, done.stderr
    assert "300 people" in done.stdout and len(done.stdout.strip().splitlines()) == 1
    direct = tmp_path / "direct"
    generate_register(300, 4, direct)
    assert (tmp_path / "o" / "register.csv").read_bytes() == (direct / "register.csv").read_bytes()
    assert _berdaya("synth", "--people", "x", "--out", str(tmp_path)).returncode == 2
    assert _berdaya("synth", "--people", "10").returncode == 2
    assert _berdaya("synth", "--people", "0", "--out", str(tmp_path / "z")).returncode == 2
