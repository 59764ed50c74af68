"""PPKS proposals planted by `berdaya synth`: every code is there, and the truth is right.

Plain tests without the database. The truth file is checked against the register and the
recipients by rules written again here, with the categories of berdaya/programs/categories.py
(the data verification uses), independently of the generator (berdaya/registry/synth_ppks.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from berdaya.programs.categories import PPKS_CATEGORIES
from berdaya.registry import synth_ppks
from berdaya.registry.synth_proposals import generate_all
from tests.registry.test_synth_proposals import (
    EXCLUDED,
    REGENCIES,
    TRUTH_HEADER,
    _age,
    _date,
    _nik_date_sex,
    _nik_valid,
    _read,
    _regency,
)
from tests.registry.test_synth_proposals import (
    PROPOSAL_HEADER as WRSE_HEADER,
)

PROPOSAL_HEADER = [*WRSE_HEADER, "KATEGORI", "KEBUTUHAN", "NILAI"]
RECIPIENT_HEADER = [
    "ID",
    "NIK",
    "NAMA",
    "TGL_LAHIR",
    "JENIS_KELAMIN",
    "KODE_WILAYAH",
    "KATEGORI",
    "TAHUN",
]
# DESIGN.md "Verdicts": the codes of a PPKS person (WRSE's without sex, age and head of family).
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
    "ALREADY_RECEIVED": "ineligible",
    "OUTSIDE_REGION": "ineligible",
    "DUPLICATE_IN_BATCH": "ineligible",
    "CATEGORY_NOT_ELIGIBLE": "ineligible",
}
# code -> (age_min, age_max, sex, once_only), as verification reads them.
CRITERIA = {c[1]: (c[3], c[4], c[5], c[6]) for c in PPKS_CATEGORIES}
CHILDREN = {"ABT", "AT", "AJ", "ADK", "AMPK"}
PEOPLE = 20000
YEAR = 2025


class Run:
    """Everything one `generate_all` wrote about PPKS, read back."""

    def __init__(self, out: Path, year: int, summary: dict) -> None:
        self.out, self.year, self.summary = out, year, summary["ppks"]
        self.ref = dt.date(year, 1, 1)
        _, register = _read(out / "register.csv")
        self.register = {r["ID"]: r for r in register}
        self.register_niks = {r["NIK"] for r in register}
        self.recipients_header, self.recipients = _read(out / "recipients_PPKS.csv")
        self.truth_header, self.truth = _read(out / "truth_PPKS.csv")
        self.files: dict[str, list[dict[str, str]]] = {}
        self.headers: dict[str, list[str]] = {}
        for code in REGENCIES:
            name = f"proposals/PPKS_{code}.csv"
            self.headers[name], self.files[name] = _read(out / name)
        self.rows = {(name, r["ID"]): r for name, rows in self.files.items() for r in rows}

    def each(self):
        """(truth row, proposal row, register person or None) for every row."""
        for t in self.truth:
            person = self.register[t["register_id"]] if t["register_id"] else None
            yield t, self.rows[(t["file"], t["proposal_id"])], person

    def planted(self, code: str):
        return [x for x in self.each() if code in x[0]["expected_reasons"].split(";")]


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    out = tmp_path_factory.mktemp("ppks")
    return Run(out, YEAR, generate_all(PEOPLE, 1, out, proposals_per_region=30))


# --- independent rules ---------------------------------------------------------------------------


def _fits(category: str, facts: dict[str, str], ref: dt.date) -> bool:
    low, high, sex, _once = CRITERIA[category]
    age = _age(_date(facts["TGL_LAHIR"]), ref)
    return (
        (not sex or facts["JENIS_KELAMIN"] == sex)
        and (low is None or age >= low)
        and (high is None or age <= high)
    )


def _recompute(run: Run) -> list[set[str]]:
    """The reason codes of every truth row, from the register, the recipients and the rows."""
    assisted: dict[tuple[str, str], set[int]] = {}
    for r in run.recipients:
        assisted.setdefault((r["NIK"], r["KATEGORI"]), set()).add(int(r["TAHUN"]))
    seen: set[str] = set()
    out = []
    for t, row, person in run.each():
        office = re.fullmatch(r"proposals/PPKS_(64\.\d\d)\.csv", t["file"]).group(1)
        reasons = set()
        nik = row["NIK"]
        if not _nik_valid(nik):
            reasons.add("NIK_INVALID")
        else:
            (d, m, yy), sex = _nik_date_sex(nik)
            birth = _date(row["TGL_LAHIR"])
            if (d, m, yy) != (birth.day, birth.month, birth.year % 100):
                reasons.add("NIK_BIRTHDATE_MISMATCH")
            if sex != row["JENIS_KELAMIN"]:
                reasons.add("NIK_SEX_MISMATCH")
            if person is None:
                reasons.add("NOT_IN_REGISTER")
            elif person["NIK"] != nik:
                reasons.add("NIK_MISMATCH")
        facts = person or row
        if person is not None:
            if person["DESIL"] == "":
                reasons.add("DESIL_UNKNOWN")
            elif int(person["DESIL"]) > 4:
                reasons.add("DESIL_ABOVE_LIMIT")
            if person["STATUS_HIDUP"] == "MENINGGAL":
                reasons.add("DECEASED")
        if facts["PEKERJAAN"] in EXCLUDED:
            reasons.add("EXCLUDED_OCCUPATION")
        if _regency(facts["KODE_WILAYAH"]) != office:
            reasons.add("OUTSIDE_REGION")
        category = row["KATEGORI"].upper()
        once = CRITERIA[category][3]
        years = set().union(*(assisted.get((n, category), set()) for n in {nik, facts["NIK"]}))
        if YEAR in years or (once and any(y < YEAR for y in years)):
            reasons.add("ALREADY_RECEIVED")
        if not _fits(category, facts, run.ref):
            reasons.add("CATEGORY_NOT_ELIGIBLE")
        key = t["register_id"] or f"NIK {nik}"
        if key in seen:
            reasons.add("DUPLICATE_IN_BATCH")
        seen.add(key)
        out.append(reasons)
    return out


def _verdict(reasons: set[str]) -> str:
    effects = {EFFECTS[r] for r in reasons}
    return "ineligible" if "ineligible" in effects else "review" if effects else "eligible"


# --- tests ---------------------------------------------------------------------------------------


def test_categories_are_the_ones_verification_reads():
    for code, (low, high, sex, once) in synth_ppks.CATEGORIES.items():
        assert CRITERIA[code] == (low, high, sex, once), code
    assert set(synth_ppks.NEEDS) == set(synth_ppks.CATEGORIES)


def test_files_headers_and_ids(run):
    assert run.recipients_header == RECIPIENT_HEADER
    assert run.truth_header == TRUTH_HEADER
    for name, rows in run.files.items():
        assert run.headers[name] == PROPOSAL_HEADER
        code = name[len("proposals/PPKS_") : -len(".csv")]
        assert [r["ID"] for r in rows] == [f"{code}-P{n:04d}" for n in range(1, len(rows) + 1)]
    assert [(t["file"], t["proposal_id"]) for t in run.truth] == list(run.rows)
    sizes = [len(rows) for rows in run.files.values()]
    assert max(sizes) == 30 and sum(sizes) > 200
    readme = (run.out / "README.txt").read_text(encoding="utf-8")
    assert "PPKS proposals (planned individual assistance), programme year 2025" in readme
    assert "LUT 60+" in readme and "PRSE 18-59 women once" in readme


def test_truth_agrees_with_rules_recomputed_from_the_register(run):
    for t, reasons in zip(run.truth, _recompute(run), strict=True):
        assert t["expected_reasons"] == ";".join(sorted(reasons)), t
        assert t["expected_verdict"] == _verdict(reasons), t


def test_every_code_is_planted_at_least_three_times(run):
    counts = Counter(r for t in run.truth for r in t["expected_reasons"].split(";") if r)
    assert set(counts) == set(EFFECTS) and min(counts.values()) >= 3, counts
    assert run.summary["by_reason"] == {code: counts[code] for code in sorted(EFFECTS)}
    verdicts = Counter(t["expected_verdict"] for t in run.truth)
    assert verdicts["eligible"] > 3 * verdicts["ineligible"], verdicts


def test_clean_rows_fit_their_category_and_need(run):
    by_category = Counter()
    for t, row, person in run.each():
        category = row["KATEGORI"].upper()
        need, value = row["KEBUTUHAN"], int(row["NILAI"])
        assert (need, value) in synth_ppks.NEEDS[category], row
        if t["expected_verdict"] != "eligible":
            continue
        by_category[category] += 1
        assert person is not None and _fits(category, person, dt.date(YEAR, 1, 1))
        assert " ".join(row["NAMA"].upper().split()) == person["NAMA"]
        if category in ("PD", "ADK"):
            assert person["DISABILITAS"] == "Y", row
        if category in CHILDREN:
            assert person["HUBUNGAN_KELUARGA"] != "KEPALA KELUARGA"
    # Elderly, disabled people, children and adults of several categories.
    assert {"LUT", "PD", "FM", "PRSE", "AT", "ABT"} <= set(by_category), by_category
    assert by_category["LUT"] > by_category["PD"] > 0


def test_category_not_eligible_kinds_and_bounds(run):
    ref = dt.date(YEAR, 1, 1)
    kinds = set()
    for _t, row, person in run.planted("CATEGORY_NOT_ELIGIBLE"):
        category, age = row["KATEGORI"], _age(_date(person["TGL_LAHIR"]), ref)
        sex = person["JENIS_KELAMIN"]
        kinds.add(
            "PRSE man" if category == "PRSE" and sex == "L"
            else "PRSE 60+" if category == "PRSE"
            else "LUT 59" if category == "LUT" and age == 59
            else "LUT" if category == "LUT"
            else "AT 18" if category == "AT" and age == 18
            else "child category, adult" if category in CHILDREN and age >= 18
            else "ABT school child" if category == "ABT"
            else "PD child" if category == "PD" and age < 18
            else category
        )  # fmt: skip
    assert kinds == {
        "PRSE man", "PRSE 60+", "LUT 59", "LUT", "AT 18", "child category, adult",
        "ABT school child", "PD child",
    }  # fmt: skip
    # The clean rows on the same bounds: LUT at 60, AT at 17.
    ages = {
        (row["KATEGORI"], _age(_date(person["TGL_LAHIR"]), ref))
        for t, row, person in run.each()
        if t["expected_verdict"] == "eligible"
    }
    assert ("LUT", 60) in ages and ("AT", 17) in ages


def test_recipients_and_already_received(run):
    assert {r["TAHUN"] for r in run.recipients} <= {str(y) for y in range(YEAR - 3, YEAR + 1)}
    assert all(r["NIK"] in run.register_niks for r in run.recipients)
    assert all(r["KATEGORI"] in CRITERIA for r in run.recipients)
    kinds = set()
    for _t, row, person in run.planted("ALREADY_RECEIVED"):
        years = {
            int(r["TAHUN"])
            for r in run.recipients
            if r["NIK"] == person["NIK"] and r["KATEGORI"] == row["KATEGORI"]
        }
        kinds.add("this year" if YEAR in years else f"{row['KATEGORI']} before")
    assert kinds == {"this year", "PRSE before"}
    # Assisted this year in another category, or in LUT before: clean by the rule.
    others = run.summary["other_category_rows"]
    assert len(others) >= 2
    truth = {t["proposal_id"]: t for t in run.truth}
    for pid in others:
        assert truth[pid]["expected_verdict"] == "eligible"
        person = run.register[truth[pid]["register_id"]]
        this_year = [
            r for r in run.recipients if r["NIK"] == person["NIK"] and r["TAHUN"] == str(YEAR)
        ]
        assert this_year and all(r["KATEGORI"] == "FM" for r in this_year)


def test_same_seed_same_bytes_and_the_other_files_unchanged(tmp_path):
    a, b, c = (tmp_path / n for n in "abc")
    generate_all(6000, 7, a)
    generate_all(6000, 7, b)
    generate_all(6000, 7, c, ppks_errors_per_code=3, lks_errors_per_code=5)

    def files(out: Path) -> dict[str, bytes]:
        return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.csv"))}

    files_a, files_c = files(a), files(c)
    assert files_a == files(b)
    changed = {name for name in files_a if files_a[name] != files_c[name]}
    assert "truth_PPKS.csv" in changed and "truth_LKS.csv" in changed
    assert all("PPKS" in name or "LKS" in name or "institutions" in name for name in changed)


def test_a_tiny_register_still_gives_consistent_files(tmp_path):
    summary = generate_all(300, 4, tmp_path)
    run = Run(tmp_path, YEAR, summary)
    for t, reasons in zip(run.truth, _recompute(run), strict=True):
        assert t["expected_reasons"] == ";".join(sorted(reasons)), t
