"""WRSE proposals planted by `berdaya synth`: every code is there, and the truth is right.

Plain tests without the database. The truth file is checked against the register by rules
written again here, independently of the generator: a wrong truth file would make the
end-to-end verification test chase errors that are not there.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from berdaya.registry.nik import NikError, parse_nik
from berdaya.registry.synth import generate_register
from berdaya.registry.synth_proposals import generate_all, register_vocabulary

REGENCIES = [
    "64.01",
    "64.02",
    "64.03",
    "64.07",
    "64.08",
    "64.09",
    "64.11",
    "64.71",
    "64.72",
    "64.74",
]
PROPOSAL_HEADER = [
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
RECIPIENT_HEADER = ["ID", "NIK", "NAMA", "TGL_LAHIR", "JENIS_KELAMIN", "KODE_WILAYAH", "TAHUN"]
TRUTH_HEADER = ["file", "proposal_id", "register_id", "expected_verdict", "expected_reasons"]
# DESIGN.md "Verdicts", the codes that apply to a WRSE person.
EFFECTS = {
    "NIK_INVALID": "ineligible",
    "NIK_MISMATCH": "review",
    "NIK_BIRTHDATE_MISMATCH": "review",
    "NIK_SEX_MISMATCH": "review",
    "NOT_IN_REGISTER": "ineligible",
    "DESIL_UNKNOWN": "review",
    "DESIL_ABOVE_LIMIT": "ineligible",
    "DECEASED": "ineligible",
    "EXCLUDED_OCCUPATION": "ineligible",
    "SEX_NOT_ELIGIBLE": "ineligible",
    "AGE_OUT_OF_RANGE": "ineligible",
    "NOT_HEAD_OF_FAMILY": "review",
    "ALREADY_RECEIVED": "ineligible",
    "OUTSIDE_REGION": "ineligible",
    "DUPLICATE_IN_BATCH": "ineligible",
}
EXCLUDED = {"PEGAWAI NEGERI SIPIL", "TNI", "POLRI"}
PEOPLE = 20000


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


class Run:
    """Everything one `generate_all` wrote, read back."""

    def __init__(self, out: Path, year: int) -> None:
        self.out = out
        self.year = year
        self.ref = dt.date(year, 1, 1)
        _, register = _read(out / "register.csv")
        self.register = {r["ID"]: r for r in register}
        self.register_niks = {r["NIK"] for r in register}
        self.register_kks = {r["NO_KK"] for r in register}
        self.register_names = {r["NAMA"] for r in register}
        self.recipients_header, self.recipients = _read(out / "recipients_WRSE.csv")
        self.truth_header, self.truth = _read(out / "truth_WRSE.csv")
        self.files: dict[str, list[dict[str, str]]] = {}
        self.headers: dict[str, list[str]] = {}
        for code in REGENCIES:
            name = f"proposals/WRSE_{code}.csv"
            self.headers[name], self.files[name] = _read(out / name)
        self.rows = {(name, r["ID"]): r for name, rows in self.files.items() for r in rows}

    def planted(self, code: str) -> list[tuple[dict, dict, dict | None]]:
        """(truth row, proposal row, register person or None) for rows expecting `code`."""
        out = []
        for t in self.truth:
            if code in t["expected_reasons"].split(";"):
                person = self.register.get(t["register_id"]) if t["register_id"] else None
                out.append((t, self.rows[(t["file"], t["proposal_id"])], person))
        return out


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    out = tmp_path_factory.mktemp("wrse")
    generate_all(PEOPLE, 1, out)
    return Run(out, 2025)


# --- independent rules ---------------------------------------------------------------------------


def _date(text: str) -> dt.date:
    text = text.strip()
    if re.fullmatch(r"\d\d-\d\d-\d{4}", text):
        return dt.date(int(text[6:]), int(text[3:5]), int(text[:2]))
    return dt.date.fromisoformat(text)


def _age(birth: dt.date, on: dt.date) -> int:
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


def _nik_valid(nik: str) -> bool:
    try:
        parse_nik(nik, reference=dt.date(2025, 6, 30))
    except NikError:
        return False
    return True


def _nik_date_sex(nik: str) -> tuple[tuple[int, int, int], str]:
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "P" if day > 40 else "L"
    return (day - 40 if day > 40 else day, month, yy), sex


def _regency(village: str) -> str:
    digits = village.replace(".", "")
    return f"{digits[:2]}.{digits[2:4]}"


def _recompute(run: Run) -> list[set[str]]:
    """The reason codes of every truth row, from the register and the rows alone."""
    recipients = {r["NIK"] for r in run.recipients}
    seen: set[str] = set()
    out = []
    for t in run.truth:
        row = run.rows[(t["file"], t["proposal_id"])]
        office = re.fullmatch(r"proposals/WRSE_(64\.\d\d)\.csv", t["file"]).group(1)
        person = run.register[t["register_id"]] if t["register_id"] else None
        reasons = set()
        nik = row["NIK"]
        row_birth = _date(row["TGL_LAHIR"])
        if not _nik_valid(nik):
            reasons.add("NIK_INVALID")
        else:
            (d, m, yy), sex = _nik_date_sex(nik)
            if (d, m, yy) != (row_birth.day, row_birth.month, row_birth.year % 100):
                reasons.add("NIK_BIRTHDATE_MISMATCH")
            if sex != row["JENIS_KELAMIN"]:
                reasons.add("NIK_SEX_MISMATCH")
            if person is None:
                reasons.add("NOT_IN_REGISTER")
            elif person["NIK"] != nik:
                reasons.add("NIK_MISMATCH")
        facts = person if person is not None else row
        if person is not None:
            if person["DESIL"] == "":
                reasons.add("DESIL_UNKNOWN")
            elif int(person["DESIL"]) > 4:
                reasons.add("DESIL_ABOVE_LIMIT")
            if person["STATUS_HIDUP"] == "MENINGGAL":
                reasons.add("DECEASED")
        if (person or row)["NIK"] in recipients:
            reasons.add("ALREADY_RECEIVED")
        if facts["JENIS_KELAMIN"] != "P":
            reasons.add("SEX_NOT_ELIGIBLE")
        if not 18 <= _age(_date(facts["TGL_LAHIR"]), run.ref) <= 59:
            reasons.add("AGE_OUT_OF_RANGE")
        if facts["HUBUNGAN_KELUARGA"] != "KEPALA KELUARGA":
            reasons.add("NOT_HEAD_OF_FAMILY")
        if facts["PEKERJAAN"] in EXCLUDED:
            reasons.add("EXCLUDED_OCCUPATION")
        if _regency(facts["KODE_WILAYAH"]) != office:
            reasons.add("OUTSIDE_REGION")
        key = t["register_id"] or f"NIK {nik}"
        if key in seen:
            reasons.add("DUPLICATE_IN_BATCH")
        seen.add(key)
        out.append(reasons)
    return out


def _same_but_written(row: dict[str, str], person: dict[str, str]) -> bool:
    """Equal to the register up to case, spaces, date format and dots in the village code."""
    return (
        " ".join(row["NAMA"].upper().split()) == person["NAMA"]
        and _date(row["TGL_LAHIR"]) == dt.date.fromisoformat(person["TGL_LAHIR"])
        and _regency(row["KODE_WILAYAH"]) == _regency(person["KODE_WILAYAH"])
        and row["KODE_WILAYAH"].replace(".", "") == person["KODE_WILAYAH"].replace(".", "")
        and all(
            row[c] == person[c]
            for c in (
                "NIK",
                "NO_KK",
                "TEMPAT_LAHIR",
                "JENIS_KELAMIN",
                "ALAMAT",
                "HUBUNGAN_KELUARGA",
                "PEKERJAAN",
            )
        )
    )


# --- files -------------------------------------------------------------------------------------


def test_files_headers_and_ids(run):
    out = run.out
    assert sorted(p.name for p in (out / "proposals").iterdir()) == sorted(
        f"{program}_{c}.csv" for program in ("WRSE", "KUBE", "PPKS", "LKS") for c in REGENCIES
    )
    assert {p.name for p in out.iterdir()} == {
        "register.csv",
        "README.txt",
        "recipients_WRSE.csv",
        "truth_WRSE.csv",
        "recipients_KUBE.csv",
        "truth_KUBE.csv",
        "recipients_PPKS.csv",
        "truth_PPKS.csv",
        "institutions.csv",
        "recipients_LKS.csv",
        "truth_LKS.csv",
        "proposals",
    }
    assert run.recipients_header == RECIPIENT_HEADER
    assert run.truth_header == TRUTH_HEADER
    for name, rows in run.files.items():
        assert run.headers[name] == PROPOSAL_HEADER
        code = name[len("proposals/WRSE_") : -len(".csv")]
        ids = [r["ID"] for r in rows]
        assert ids == [f"{code}-{n:04d}" for n in range(1, len(rows) + 1)]
        assert all(None not in r and len(r) == len(PROPOSAL_HEADER) for r in rows)
    # About 40 a region where the register has enough eligible women.
    sizes = [len(rows) for rows in run.files.values()]
    assert max(sizes) == 40 and sum(sizes) > 200
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert "programme year 2025" in readme and "2025-01-01" in readme
    assert "NIK_INVALID only" in readme
    for name in ("recipients_WRSE.csv", "truth_WRSE.csv", "proposals/WRSE_<code>.csv"):
        assert name in readme


def test_truth_lists_every_row_in_upload_order(run):
    expected = [(name, r["ID"]) for name in sorted(run.files) for r in run.files[name]]
    assert [(t["file"], t["proposal_id"]) for t in run.truth] == expected


def test_truth_format(run):
    for t in run.truth:
        reasons = t["expected_reasons"].split(";") if t["expected_reasons"] else []
        assert reasons == sorted(set(reasons)), t
        assert set(reasons) <= set(EFFECTS), t
        effects = {EFFECTS[r] for r in reasons}
        verdict = "ineligible" if "ineligible" in effects else "review" if effects else "eligible"
        assert t["expected_verdict"] == verdict, t
        if t["register_id"]:
            assert t["register_id"] in run.register, t
        else:
            assert reasons == ["NOT_IN_REGISTER"], t


# --- what is planted ---------------------------------------------------------------------------


def test_every_code_is_planted_at_least_three_times(run):
    counts = Counter(r for t in run.truth for r in t["expected_reasons"].split(";") if r)
    assert set(counts) == set(EFFECTS)
    assert min(counts.values()) >= 3, counts
    verdicts = Counter(t["expected_verdict"] for t in run.truth)
    # Clean rows are the majority.
    assert verdicts["eligible"] > 0.6 * len(run.truth), verdicts


def test_truth_agrees_with_rules_recomputed_from_the_register(run):
    for t, reasons in zip(run.truth, _recompute(run), strict=True):
        assert ";".join(sorted(reasons)) == t["expected_reasons"], t


def test_planted_rows_carry_one_code_except_the_documented_pairs(run):
    allowed_pairs = {
        ("DUPLICATE_IN_BATCH", "OUTSIDE_REGION"),
        ("AGE_OUT_OF_RANGE", "NOT_HEAD_OF_FAMILY"),
    }
    for t in run.truth:
        reasons = tuple(t["expected_reasons"].split(";")) if t["expected_reasons"] else ()
        assert len(reasons) <= 1 or reasons in allowed_pairs, t
        if reasons == ("AGE_OUT_OF_RANGE", "NOT_HEAD_OF_FAMILY"):
            person = run.register[t["register_id"]]
            assert person["HUBUNGAN_KELUARGA"] == "ANAK"
            assert _age(dt.date.fromisoformat(person["TGL_LAHIR"]), run.ref) == 17


def _otherwise_eligible(run: Run, person: dict[str, str], office: str) -> bool:
    return (
        person["JENIS_KELAMIN"] == "P"
        and 18 <= _age(dt.date.fromisoformat(person["TGL_LAHIR"]), run.ref) <= 59
        and person["DESIL"] in {"1", "2", "3", "4"}
        and person["STATUS_HIDUP"] == "HIDUP"
        and person["PEKERJAAN"] not in EXCLUDED
        and person["HUBUNGAN_KELUARGA"] == "KEPALA KELUARGA"
        and person["NIK"] not in {r["NIK"] for r in run.recipients}
        and _regency(person["KODE_WILAYAH"]) == office
    )


def _office(t: dict[str, str]) -> str:
    return t["file"][len("proposals/WRSE_") : -len(".csv")]


def test_clean_rows_are_eligible_women_written_as_in_the_register(run):
    clean = [t for t in run.truth if t["expected_verdict"] == "eligible"]
    variants = Counter()
    for t in clean:
        row = run.rows[(t["file"], t["proposal_id"])]
        person = run.register[t["register_id"]]
        assert _otherwise_eligible(run, person, _office(t)), t
        assert _same_but_written(row, person), (row, person)
        variants["name"] += row["NAMA"] != person["NAMA"]
        variants["date"] += row["TGL_LAHIR"] != person["TGL_LAHIR"]
        variants["village"] += row["KODE_WILAYAH"] != person["KODE_WILAYAH"]
    # A few are written differently, most exactly as in the register.
    assert all(variants[k] >= 1 for k in ("name", "date", "village")), variants
    assert sum(variants.values()) < 0.4 * len(clean)


def test_nik_invalid(run):
    planted = run.planted("NIK_INVALID")
    kinds = set()
    for t, row, person in planted:
        nik = row["NIK"]
        assert not _nik_valid(nik), nik
        # The true person is in the register and meets every other criterion.
        assert person is not None and _otherwise_eligible(run, person, _office(t))
        assert _same_but_written(row | {"NIK": person["NIK"]}, person)
        if len(nik) != 16:
            kinds.add("length")
        elif nik[12:] == "0000":
            kinds.add("serial")
        elif nik[:4] != person["NIK"][:4]:
            kinds.add("regency")
        else:
            kinds.add("date")
    assert kinds == {"length", "serial", "regency", "date"}


def test_nik_mismatch(run):
    for t, row, person in run.planted("NIK_MISMATCH"):
        nik = row["NIK"]
        assert _nik_valid(nik) and nik not in run.register_niks
        assert len(nik) == 16 and nik[:12] == person["NIK"][:12]
        differ = [i for i in range(16) if nik[i] != person["NIK"][i]]
        assert 1 <= len(differ) <= 2, (nik, person["NIK"])
        if len(differ) == 2:  # a transposition of neighbours
            i, j = differ
            assert j == i + 1 and nik[i] == person["NIK"][j] and nik[j] == person["NIK"][i]
        assert _otherwise_eligible(run, person, _office(t))
        assert _same_but_written(row | {"NIK": person["NIK"]}, person)


def test_nik_birthdate_and_sex_mismatch(run):
    for t, row, person in run.planted("NIK_BIRTHDATE_MISMATCH"):
        born = dt.date.fromisoformat(person["TGL_LAHIR"])
        assert row["NIK"] == person["NIK"]
        assert _nik_date_sex(person["NIK"])[0] == (born.day, born.month, born.year % 100)
        assert _date(row["TGL_LAHIR"]) != born
        assert _otherwise_eligible(run, person, _office(t))
    for t, row, person in run.planted("NIK_SEX_MISMATCH"):
        assert row["JENIS_KELAMIN"] == "L" and person["JENIS_KELAMIN"] == "P"
        assert _nik_date_sex(row["NIK"])[1] == "P" and row["NIK"] == person["NIK"]
        assert _otherwise_eligible(run, person, _office(t))


def test_not_in_register(run):
    vocabulary = register_vocabulary()
    for t, row, person in run.planted("NOT_IN_REGISTER"):
        assert person is None and t["register_id"] == ""
        assert _nik_valid(row["NIK"]) and row["NIK"] not in run.register_niks
        assert row["NO_KK"] not in run.register_kks
        assert row["NAMA"] not in run.register_names
        assert not set(row["NAMA"].split()) & vocabulary
        (d, m, yy), sex = _nik_date_sex(row["NIK"])
        born = _date(row["TGL_LAHIR"])
        assert (d, m, yy, sex) == (born.day, born.month, born.year % 100, "P")
        assert row["JENIS_KELAMIN"] == "P" and row["HUBUNGAN_KELUARGA"] == "KEPALA KELUARGA"
        assert 18 <= _age(born, run.ref) <= 59
        assert _regency(row["KODE_WILAYAH"]) == _office(t)


def test_register_criteria(run):
    for _, _, p in run.planted("DECEASED"):
        assert p["STATUS_HIDUP"] == "MENINGGAL"
    for _, _, p in run.planted("DESIL_UNKNOWN"):
        assert p["DESIL"] == ""
    for _, _, p in run.planted("DESIL_ABOVE_LIMIT"):
        assert 5 <= int(p["DESIL"]) <= 10
    for _, _, p in run.planted("EXCLUDED_OCCUPATION"):
        assert p["PEKERJAAN"] in EXCLUDED
    for _, row, p in run.planted("SEX_NOT_ELIGIBLE"):
        assert p["JENIS_KELAMIN"] == "L" and row["JENIS_KELAMIN"] == "L"
        assert _nik_date_sex(p["NIK"])[1] == "L"
        assert p["HUBUNGAN_KELUARGA"] == "KEPALA KELUARGA" and p["DESIL"] in set("1234")
        assert 18 <= _age(dt.date.fromisoformat(p["TGL_LAHIR"]), run.ref) <= 59
    for _, _, p in run.planted("NOT_HEAD_OF_FAMILY"):
        assert p["HUBUNGAN_KELUARGA"] in {"ISTRI", "ANAK"}
    assert {p["HUBUNGAN_KELUARGA"] for _, _, p in run.planted("NOT_HEAD_OF_FAMILY")} == {
        "ISTRI",
        "ANAK",
    }


def test_age_bounds(run):
    ages = [
        _age(dt.date.fromisoformat(p["TGL_LAHIR"]), run.ref)
        for _, _, p in run.planted("AGE_OUT_OF_RANGE")
    ]
    assert all(a == 17 or a >= 60 for a in ages) and 17 in ages and 60 in ages
    # Boundary cases: a clean woman head at 59, a daughter at 18 only to review.
    clean_ages = [
        _age(dt.date.fromisoformat(run.register[t["register_id"]]["TGL_LAHIR"]), run.ref)
        for t in run.truth
        if t["expected_verdict"] == "eligible"
    ]
    assert 59 in clean_ages
    daughters = [
        _age(dt.date.fromisoformat(p["TGL_LAHIR"]), run.ref)
        for t, _, p in run.planted("NOT_HEAD_OF_FAMILY")
        if t["expected_reasons"] == "NOT_HEAD_OF_FAMILY" and p["HUBUNGAN_KELUARGA"] == "ANAK"
    ]
    assert daughters == [18]


def test_already_received_and_recipients(run):
    recipients = {r["NIK"]: r for r in run.recipients}
    assert len(recipients) == len(run.recipients) > 30
    by_nik = {p["NIK"]: p for p in run.register.values()}
    for r in run.recipients:
        p = by_nik[r["NIK"]]  # every past recipient is in the register
        for c in ("NAMA", "TGL_LAHIR", "JENIS_KELAMIN", "KODE_WILAYAH"):
            assert r[c] == p[c]
        assert r["TAHUN"] in {"2022", "2023", "2024"}
    assert len({r["ID"] for r in run.recipients}) == len(run.recipients)
    planted = run.planted("ALREADY_RECEIVED")
    for t, _, p in planted:
        assert p["NIK"] in recipients
        assert _otherwise_eligible(run, p, _office(t)) is False  # only for having received
        assert _otherwise_eligible(run, p | {"NIK": "-"}, _office(t))
    # Nobody else proposed this year is a past recipient.
    proposed = {run.register[t["register_id"]]["NIK"] for t in run.truth if t["register_id"]}
    assert proposed & set(recipients) == {p["NIK"] for _, _, p in planted}


def test_outside_region_and_duplicates(run):
    for t, _row, p in run.planted("OUTSIDE_REGION"):
        assert _regency(p["KODE_WILAYAH"]) != _office(t)
        assert _otherwise_eligible(run, p, _regency(p["KODE_WILAYAH"]))
    first: dict[str, dict] = {}
    kinds = set()
    for t in run.truth:
        rid = t["register_id"]
        duplicate = "DUPLICATE_IN_BATCH" in t["expected_reasons"].split(";")
        if rid and rid in first:
            assert duplicate, t
            earlier = first[rid]
            assert earlier["expected_verdict"] == "eligible"  # the first row is clean
            if earlier["file"] == t["file"]:
                kinds.add("same file")
                assert t["expected_reasons"] == "DUPLICATE_IN_BATCH"
            else:
                kinds.add("later office")
                assert earlier["file"] < t["file"]
                assert t["expected_reasons"] == "DUPLICATE_IN_BATCH;OUTSIDE_REGION"
        else:
            assert not duplicate, t
            if rid:
                first[rid] = t
    assert kinds == {"same file", "later office"}


# --- determinism, the register, parameters -----------------------------------------------------


def _all_files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_and_the_register_unchanged(tmp_path):
    a, b, c, d = (tmp_path / n for n in "abcd")
    generate_all(6000, 7, a)
    generate_all(6000, 7, b)
    generate_register(6000, 7, c)
    generate_all(6000, 8, d)
    files_a = _all_files(a)
    # register, README, and per programme: 10 files, list, truth (LKS: and institutions)
    assert len(files_a) == 51
    assert files_a == _all_files(b)
    register_only = _all_files(c)
    assert files_a["register.csv"] == register_only["register.csv"]
    assert files_a["README.txt"].startswith(register_only["README.txt"])
    assert _all_files(d)["truth_WRSE.csv"] != files_a["truth_WRSE.csv"]


def test_year_and_counts_are_parameters(tmp_path):
    generate_all(PEOPLE, 3, tmp_path, year=2027, proposals_per_region=30, errors_per_code=4)
    run = Run(tmp_path, 2027)
    readme = (tmp_path / "README.txt").read_text(encoding="utf-8")
    assert "programme year 2027" in readme and "2027-01-01" in readme
    assert {r["TAHUN"] for r in run.recipients} <= {"2024", "2025", "2026"}
    assert max(len(rows) for rows in run.files.values()) == 30
    counts = Counter(r for t in run.truth for r in t["expected_reasons"].split(";") if r)
    assert set(counts) == set(EFFECTS) and min(counts.values()) >= 3, counts
    # Fewer than asked only where the register has too few people who fail that alone.
    scarce = {"DECEASED", "EXCLUDED_OCCUPATION", "DESIL_UNKNOWN"}
    assert all(n >= 4 for code, n in counts.items() if code not in scarce), counts
    for t, reasons in zip(run.truth, _recompute(run), strict=True):
        assert ";".join(sorted(reasons)) == t["expected_reasons"], t


def test_a_tiny_register_still_gives_consistent_files(tmp_path):
    generate_all(300, 4, tmp_path)
    run = Run(tmp_path, 2025)
    assert len(run.files) == 10
    for t, reasons in zip(run.truth, _recompute(run), strict=True):
        assert ";".join(sorted(reasons)) == t["expected_reasons"], t


def test_rejects_bad_parameters(tmp_path):
    with pytest.raises(ValueError):
        generate_all(100, 1, tmp_path, proposals_per_region=0)
    with pytest.raises(ValueError):
        generate_all(100, 1, tmp_path, year=25)


def _berdaya(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "berdaya", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_command_lists_and_writes_the_wrse_files(tmp_path):
    help_text = _berdaya("synth", "--help")
    assert help_text.returncode == 0, help_text.stderr
    flat = " ".join(help_text.stdout.split())
    for name in ("recipients_WRSE.csv", "proposals/WRSE_", "truth_WRSE.csv", "--year"):
        assert name in flat, name
    out = tmp_path / "o"
    done = _berdaya(
        "synth", "--people", "3000", "--seed", "2", "--out", str(out), "--year", "2026",
        "--proposals-per-region", "10",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip().splitlines()) == 1 and "WRSE 2026 proposals" in done.stdout
    direct = tmp_path / "direct"
    generate_all(3000, 2, direct, year=2026, proposals_per_region=10)
    assert _all_files(out) == _all_files(direct)
    assert _berdaya("synth", "--out", str(tmp_path / "x"), "--year", "26").returncode == 2
    bad = _berdaya("synth", "--out", str(tmp_path / "y"), "--proposals-per-region", "0")
    assert bad.returncode == 2
