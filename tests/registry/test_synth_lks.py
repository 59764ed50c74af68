"""LKS institutions and proposals planted by `berdaya synth`: every code is there, the truth
is right.

Plain tests without the database. The truth file is checked against the institution register
and the recipients by rules written again here, independently of the generator
(berdaya/registry/synth_lks.py): a wrong truth file would make the end-to-end test chase
errors that are not there.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from berdaya.regions.codes import province_villages
from berdaya.registry import synth_lks
from berdaya.registry.synth_proposals import generate_all
from tests.registry.test_synth_proposals import REGENCIES, _date, _read, _regency

INSTITUTION_HEADER = [
    "NAMA_LEMBAGA",
    "JENIS_LEMBAGA",
    "NO_REGISTRASI",
    "TGL_REGISTRASI",
    "AKREDITASI",
    "TGL_AKREDITASI",
    "ALAMAT",
    "KODE_WILAYAH",
    "KAPASITAS",
    "PENGHUNI",
    "PIMPINAN",
    "TELEPON",
]
# DESIGN.md "Files": the institution proposal columns.
PROPOSAL_HEADER = [
    "ID",
    "NAMA_LEMBAGA",
    "NO_REGISTRASI",
    "JENIS_LEMBAGA",
    "AKREDITASI",
    "TGL_AKREDITASI",
    "ALAMAT",
    "KODE_WILAYAH",
    "KEBUTUHAN",
    "NILAI",
]
RECIPIENT_HEADER = ["ID", "NO_REGISTRASI", "NAMA_LEMBAGA", "KODE_WILAYAH", "TAHUN"]
TRUTH_HEADER = ["file", "proposal_id", "register_id", "expected_verdict", "expected_reasons"]
CODES = {
    "LKS_NOT_REGISTERED",
    "ACCREDITATION_EXPIRED",
    "ALREADY_RECEIVED",
    "OUTSIDE_REGION",
    "DUPLICATE_IN_BATCH",
}
YEARS_VALID = {"A": 5, "B": 3, "C": 2}
YEAR = 2025


class Run:
    """Everything `synth_lks.generate` wrote, read back."""

    def __init__(self, out: Path, year: int, summary: dict) -> None:
        self.out, self.year, self.summary = out, year, summary
        self.check = dt.date(year, 12, 31)
        self.register_header, self.register = _read(out / "institutions.csv")
        self.by_key = {_key(r["NO_REGISTRASI"]): r for r in self.register}
        self.recipients_header, self.recipients = _read(out / "recipients_LKS.csv")
        self.truth_header, self.truth = _read(out / "truth_LKS.csv")
        self.files: dict[str, list[dict[str, str]]] = {}
        self.headers: dict[str, list[str]] = {}
        for code in REGENCIES:
            name = f"proposals/LKS_{code}.csv"
            self.headers[name], self.files[name] = _read(out / name)
        self.rows = {(name, r["ID"]): r for name, rows in self.files.items() for r in rows}

    def planted(self, code: str) -> list[tuple[dict, dict]]:
        return [
            (t, self.rows[(t["file"], t["proposal_id"])])
            for t in self.truth
            if code in t["expected_reasons"].split(";")
        ]


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    out = tmp_path_factory.mktemp("lks")
    return Run(out, YEAR, synth_lks.generate(out, seed=1, year=YEAR))


# --- independent rules ---------------------------------------------------------------------------


def _key(number: str) -> str:
    return re.sub(r"\s+", "", number).upper()


def _valid(grade: str, day: str, on: dt.date) -> bool:
    if grade not in YEARS_VALID or not day:
        return False
    given = _date(day)
    years = YEARS_VALID[grade]
    try:
        until = given.replace(year=given.year + years)
    except ValueError:  # 29 February
        until = dt.date(given.year + years, 2, 28)
    return given <= on < until


def _recompute(run: Run) -> list[set[str]]:
    this_year = {_key(r["NO_REGISTRASI"]) for r in run.recipients if r["TAHUN"] == str(run.year)}
    seen: set = set()
    out = []
    for t in run.truth:
        row = run.rows[(t["file"], t["proposal_id"])]
        office = re.fullmatch(r"proposals/LKS_(64\.\d\d)\.csv", t["file"]).group(1)
        key = _key(row["NO_REGISTRASI"])
        registered = run.by_key.get(key) if key else None
        facts = registered or row
        reasons = set()
        if registered is None:
            reasons.add("LKS_NOT_REGISTERED")
        if not _valid(facts["AKREDITASI"], facts["TGL_AKREDITASI"], run.check):
            reasons.add("ACCREDITATION_EXPIRED")
        if key and key in this_year:
            reasons.add("ALREADY_RECEIVED")
        if _regency(facts["KODE_WILAYAH"]) != office:
            reasons.add("OUTSIDE_REGION")
        same = key or (row["NAMA_LEMBAGA"].upper(), row["KODE_WILAYAH"].replace(".", ""))
        if same in seen:
            reasons.add("DUPLICATE_IN_BATCH")
        seen.add(same)
        out.append(reasons)
    return out


# --- files -------------------------------------------------------------------------------------


def test_files_headers_and_ids(run):
    assert run.register_header == INSTITUTION_HEADER
    assert run.recipients_header == RECIPIENT_HEADER
    assert run.truth_header == TRUTH_HEADER
    for name, rows in run.files.items():
        assert run.headers[name] == PROPOSAL_HEADER
        code = name[len("proposals/LKS_") : -len(".csv")]
        assert [r["ID"] for r in rows] == [f"{code}-L{n:04d}" for n in range(1, len(rows) + 1)]
        assert rows, name  # every office proposes something
    # The truth lists every row, file by file in code order, each file in row order.
    assert [(t["file"], t["proposal_id"]) for t in run.truth] == list(run.rows)
    readme = (run.out / "README.txt").read_text(encoding="utf-8")
    assert "LKS institution proposals, programme year 2025" in readme
    assert "2025-12-31" in readme and "institutions.csv" in readme


def test_the_register_is_plausible(run):
    villages = {v.code for v in province_villages()}
    per_region = Counter(_regency(r["KODE_WILAYAH"]) for r in run.register)
    assert set(per_region) == set(REGENCIES)
    assert all(8 <= n <= 15 for n in per_region.values()), per_region
    assert len(run.by_key) == len(run.register)  # registration numbers are unique
    assert len({r["NAMA_LEMBAGA"] for r in run.register}) == len(run.register)
    latest = dt.date(YEAR, 6, 30).isoformat()
    for r in run.register:
        assert r["KODE_WILAYAH"] in villages
        assert r["JENIS_LEMBAGA"] in {"ANAK", "LANSIA", "DISABILITAS", "LAINNYA"}
        assert re.fullmatch(r"(463|400\.9\.4)/\d{3}/DINSOS-[A-Z]+/20\d\d", r["NO_REGISTRASI"])
        assert r["NO_REGISTRASI"].endswith(r["TGL_REGISTRASI"][:4])
        assert r["AKREDITASI"] in {"", "A", "B", "C"}
        assert bool(r["AKREDITASI"]) == bool(r["TGL_AKREDITASI"])
        assert r["TGL_REGISTRASI"] <= (r["TGL_AKREDITASI"] or latest) <= latest
        assert 0 < int(r["PENGHUNI"]) <= 2 * int(r["KAPASITAS"])
        assert r["PIMPINAN"] and r["TELEPON"].startswith("0")


def test_truth_agrees_with_rules_recomputed_from_the_files(run):
    for t, reasons in zip(run.truth, _recompute(run), strict=True):
        assert t["expected_reasons"] == ";".join(sorted(reasons)), t
        assert t["expected_verdict"] == ("ineligible" if reasons else "eligible"), t


def test_every_code_is_planted_at_least_three_times(run):
    counts = Counter(r for t in run.truth for r in t["expected_reasons"].split(";") if r)
    assert set(counts) == CODES and min(counts.values()) >= 3, counts
    verdicts = Counter(t["expected_verdict"] for t in run.truth)
    assert verdicts["eligible"] > 2 * verdicts["ineligible"], verdicts
    assert run.summary["by_reason"] == {code: counts[code] for code in sorted(CODES)}


def test_clean_rows_name_registered_accredited_institutions_of_the_office(run):
    for t in run.truth:
        row = run.rows[(t["file"], t["proposal_id"])]
        need, value = row["KEBUTUHAN"], int(row["NILAI"])
        assert row["NILAI"] == str(value) and 5_000_000 <= value <= 75_000_000, row
        assert need in {n for n, _v in synth_lks.NEEDS[row["JENIS_LEMBAGA"]]}, row
        if t["expected_verdict"] != "eligible":
            continue
        registered = run.by_key[_key(row["NO_REGISTRASI"])]
        assert t["register_id"] == registered["NO_REGISTRASI"]
        assert _regency(registered["KODE_WILAYAH"]) in t["file"]
        assert row["NAMA_LEMBAGA"].upper() == registered["NAMA_LEMBAGA"].upper()


def test_accreditation_bounds(run):
    """A clean row for each grade whose last valid day is the check date; an expired one whose
    anniversary is the check date."""
    last_day = set()
    for t in run.truth:
        row = run.rows[(t["file"], t["proposal_id"])]
        registered = run.by_key.get(_key(row["NO_REGISTRASI"]))
        if registered is None or not registered["AKREDITASI"]:
            continue
        grade, given = registered["AKREDITASI"], _date(registered["TGL_AKREDITASI"])
        if given == dt.date(YEAR - YEARS_VALID[grade] + 1, 1, 1):
            assert t["expected_verdict"] == "eligible"
            last_day.add(grade)
        if given == dt.date(YEAR - YEARS_VALID[grade], 12, 31):
            assert t["expected_reasons"] == "ACCREDITATION_EXPIRED"
            last_day.add(f"{grade} expired")
    assert {"A", "B", "C", "B expired"} <= last_day
    # No accreditation at all, and a row that claims one the register does not have.
    expired = run.planted("ACCREDITATION_EXPIRED")
    assert any(not run.by_key[_key(r["NO_REGISTRASI"])]["AKREDITASI"] for _t, r in expired)
    assert any(_valid(r["AKREDITASI"], r["TGL_AKREDITASI"], run.check) for _t, r in expired)


def test_not_registered_rows(run):
    rows = run.planted("LKS_NOT_REGISTERED")
    numbers = [r["NO_REGISTRASI"] for _t, r in rows]
    assert "" in numbers and any(n.startswith("AHU-") for n in numbers)
    typos = [(t, r) for t, r in rows if t["register_id"]]
    assert typos
    for t, r in typos:  # a registered institution's number, one slip away
        assert t["register_id"] != r["NO_REGISTRASI"]
        assert len(t["register_id"]) == len(r["NO_REGISTRASI"])
    for t, r in rows:
        assert t["expected_reasons"] == "LKS_NOT_REGISTERED"
        assert _valid(r["AKREDITASI"], r["TGL_AKREDITASI"], run.check)


def test_recipients_and_already_received(run):
    assert {r["TAHUN"] for r in run.recipients} <= {str(y) for y in range(YEAR - 3, YEAR + 1)}
    assert all(_key(r["NO_REGISTRASI"]) in run.by_key for r in run.recipients)
    this_year = {_key(r["NO_REGISTRASI"]) for r in run.recipients if r["TAHUN"] == str(YEAR)}
    proposed = {_key(r["NO_REGISTRASI"]) for r in run.rows.values()}
    # Assisted in an earlier year and proposed again: that does not count.
    earlier = {_key(r["NO_REGISTRASI"]) for r in run.recipients if r["TAHUN"] != str(YEAR)}
    assert earlier & proposed - this_year
    for _t, r in run.planted("ALREADY_RECEIVED"):
        assert _key(r["NO_REGISTRASI"]) in this_year


def test_outside_region_and_duplicates(run):
    claimed = 0
    for t, r in run.planted("OUTSIDE_REGION"):
        registered = run.by_key[_key(r["NO_REGISTRASI"])]
        assert _regency(registered["KODE_WILAYAH"]) not in t["file"]
        claimed += _regency(r["KODE_WILAYAH"]) in t["file"]
    assert claimed  # the office wrote a village of its own; the register's counts
    in_same_file = 0
    for t, r in run.planted("DUPLICATE_IN_BATCH"):
        firsts = [
            (f, row)
            for (f, _id), row in run.rows.items()
            if _key(row["NO_REGISTRASI"]) == _key(r["NO_REGISTRASI"]) and row is not r
        ]
        assert len(firsts) == 1
        in_same_file += firsts[0][0] == t["file"]
        if firsts[0][0] == t["file"]:
            assert firsts[0][1]["KEBUTUHAN"] != r["KEBUTUHAN"]
            assert firsts[0][1]["NO_REGISTRASI"] != r["NO_REGISTRASI"]  # written differently
    assert 0 < in_same_file < len(run.planted("DUPLICATE_IN_BATCH"))


def test_same_seed_same_bytes_and_parameters(tmp_path):
    a, b, c, d = (tmp_path / n for n in "abcd")
    for path in (a, b, c, d):
        path.mkdir()
    synth_lks.generate(a, seed=3, year=YEAR)
    synth_lks.generate(b, seed=3, year=YEAR)
    synth_lks.generate(c, seed=4, year=YEAR)
    summary = synth_lks.generate(d, seed=3, year=2024, errors_per_code=6)
    files = [p.relative_to(a) for p in sorted(a.rglob("*.csv"))]
    assert len(files) == 13
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)
    assert (a / "institutions.csv").read_bytes() != (c / "institutions.csv").read_bytes()
    run = Run(d, 2024, summary)
    assert min(summary["by_reason"].values()) >= 6
    for t, reasons in zip(run.truth, _recompute(run), strict=True):
        assert t["expected_reasons"] == ";".join(sorted(reasons)), t
    with pytest.raises(ValueError):
        synth_lks.generate(d, seed=3, year=YEAR, errors_per_code=-1)


def test_generate_all_writes_the_lks_files_and_the_command_lists_them(tmp_path):
    summary = generate_all(500, 2, tmp_path, proposals_per_region=5)
    assert set(synth_lks.files()) <= set(summary["files"])
    assert all((tmp_path / f).is_file() for f in synth_lks.files())
    assert summary["lks"]["institutions"] == len(_read(tmp_path / "institutions.csv")[1])
    done = subprocess.run(
        [sys.executable, "-m", "berdaya", "synth", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    flat = " ".join(done.stdout.split())
    for name in ("institutions.csv", "recipients_LKS.csv", "proposals/LKS_", "truth_LKS.csv"):
        assert name in flat, name
