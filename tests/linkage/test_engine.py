"""The linkage engine: plain pytest, no database."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pytest

from berdaya.linkage.engine import (
    MATCH_THRESHOLD,
    POSSIBLE_THRESHOLD,
    LinkResult,
    format_reasons,
    link,
    names_agree,
)
from berdaya.linkage.model import FIELDS, load_model, settings_for
from berdaya.linkage.noise import make_candidates
from berdaya.linkage.prepare import InputError, Records
from berdaya.linkage.train import evaluate

from .conftest import AMINAH, RAHMAH, SUKARNO, YUSUF, write_people

REASONS = re.compile(
    r"^nik:(?P<nik>\w+);name:(?P<name>\w+);birth_date:(?P<birth_date>\w+);sex:(?P<sex>\w+);"
    r"village:(?P<village>\w+);kk:(?P<kk>\w+)$"
)


def _one(reference, candidate: dict[str, str], tmp_path: Path) -> LinkResult:
    cand = write_people(tmp_path / "cand.csv", [candidate])
    (result,) = link(reference, cand)
    return result


def test_nik_typo_still_finds_the_true_person(register_csv, tmp_path):
    # The last digit mistyped: 0003 -> 0008 is nobody's NIK.
    result = _one(register_csv, {**YUSUF, "ID": "C1", "NIK": "6402030402750008"}, tmp_path)
    assert (result.reference_id, result.decision) == ("X003", "match")
    assert result.method == "probabilistic"
    assert result.reasons["nik"] == "partial"
    assert result.reasons["name"] == "agree"


def test_nik_typo_landing_on_a_neighbour_finds_the_true_person(register_csv, tmp_path):
    # Aminah's NIK with the last digit mistyped is Rahmah's: same day, sex and district.
    result = _one(register_csv, {**AMINAH, "ID": "C1", "NIK": RAHMAH["NIK"]}, tmp_path)
    assert (result.reference_id, result.decision) == ("X001", "match")
    assert result.method == "probabilistic"
    assert result.reasons["nik"] == "partial"


def test_exact_nik_with_another_name_is_not_accepted_by_the_nik_pass(register_csv, tmp_path):
    # Someone not in the register who carries Rahmah's NIK (and her birth date, sex and
    # district, as a neighbour's typo would): the NIK pass must not take it.
    stranger = {
        **RAHMAH,
        "ID": "C1",
        "NAMA": "DEWI KARTIKA SARI",
        "NO_KK": "",
        "KODE_WILAYAH": "64.72.01.1002",
    }
    result = _one(register_csv, stranger, tmp_path)
    assert result.method != "nik_exact"
    assert result.decision != "match"


def test_exact_nik_with_the_same_name_is_a_nik_match(register_csv, tmp_path):
    result = _one(register_csv, {**SUKARNO, "ID": "C1", "TGL_LAHIR": "1962-11-08"}, tmp_path)
    assert (result.reference_id, result.decision, result.method) == ("X004", "match", "nik_exact")


@pytest.mark.parametrize(
    "name", ["M. YUSUF HASAN", "Moch. Yusuf Hasan", "MUHAMAD JUSUF HASAN", "H. M. Yusuf Hasan"]
)
def test_name_variants_still_find_the_true_person(register_csv, tmp_path, name):
    candidate = {**YUSUF, "ID": "C1", "NAMA": name, "NIK": "6402030402750009"}
    result = _one(register_csv, candidate, tmp_path)
    assert (result.reference_id, result.decision) == ("X003", "match")


def test_old_spelling_and_a_patronymic_still_find_the_true_person(register_csv, tmp_path):
    candidate = {**SUKARNO, "ID": "C1", "NAMA": "Soekarno Widodo bin Saleh", "NIK": ""}
    result = _one(register_csv, candidate, tmp_path)
    assert (result.reference_id, result.decision) == ("X004", "match")
    assert result.reasons["nik"] == "missing"


def test_swapped_birth_date_still_finds_the_true_person(register_csv, tmp_path):
    # 1962-08-11 written with day and month exchanged, DD-MM-YYYY, and a NIK typo.
    candidate = {**SUKARNO, "ID": "C1", "TGL_LAHIR": "08-11-1962", "NIK": "6471031108620007"}
    result = _one(register_csv, candidate, tmp_path)
    assert (result.reference_id, result.decision) == ("X004", "match")
    assert result.reasons["birth_date"] == "partial"


def test_absent_person_gets_none(register_csv, tmp_path):
    stranger = {
        "ID": "C1",
        "NIK": "6474014412990004",
        "NO_KK": "",
        "NAMA": "KRISTINA BULAN PERMATASARI",
        "TGL_LAHIR": "1999-12-04",
        "JENIS_KELAMIN": "P",
        "KODE_WILAYAH": "64.74.01.1001",
    }
    result = _one(register_csv, stranger, tmp_path)
    assert result.decision == "none"
    assert result.reference_id is None
    assert result.reasons == {}


def test_reasons_format_and_fields(register_csv, tmp_path):
    result = _one(register_csv, {**YUSUF, "ID": "C1", "NO_KK": ""}, tmp_path)
    match = REASONS.fullmatch(result.reasons_text)
    assert match, result.reasons_text
    assert set(match.groupdict().values()) <= {"agree", "partial", "disagree", "missing"}
    assert match["kk"] == "missing"
    assert list(result.reasons) == list(FIELDS)
    assert format_reasons({"name": "agree", "nik": "partial"}) == "nik:partial;name:agree"


def test_noisy_candidates_in_input_order_and_deterministic(register_rows, register_csv, tmp_path):
    present = register_rows[100:400]
    absent = [
        {**row, "ID": f"A{i}", "NIK": row["NIK"][:-4] + "9" + row["NIK"][-3:], "NAMA": "ZULKARNAIN"}
        for i, row in enumerate(register_rows[2000:2040])
    ]
    cands, truth = make_candidates(present, absent, seed=5)
    cand_csv = write_people(tmp_path / "cand.csv", cands, tuple(cands[0]))
    first = link(register_csv, cand_csv)
    second = link(register_csv, cand_csv, threads=1)
    assert first == second
    assert [r.candidate_id for r in first] == [c["ID"] for c in cands]
    scores = evaluate(first, truth)
    assert scores["precision"] >= 0.99 and scores["recall"] >= 0.97, scores
    for r in first:
        assert 0.0 <= r.score <= 1.0
        if r.decision == "match" and r.method == "probabilistic":
            assert r.score >= MATCH_THRESHOLD
        if r.decision == "possible":
            assert POSSIBLE_THRESHOLD <= r.score


def test_input_forms_agree(register_rows, register_csv, tmp_path):
    cands, _ = make_candidates(register_rows[10:40], seed=9)
    cand_csv = write_people(tmp_path / "cand.csv", cands, tuple(cands[0]))
    from_csv = link(register_csv, cand_csv)
    columns = list(register_rows[0])
    records = Records(columns, ([row.get(c, "") for c in columns] for row in register_rows))
    table = pa.table({c: [row.get(c, "") for row in register_rows] for c in columns})
    assert link(records, cands) == from_csv
    assert link(table, cands) == from_csv
    assert link(register_rows, cand_csv) == from_csv


def test_headers_are_matched_case_insensitively_with_aliases(register_csv, tmp_path):
    row = {
        "id": "C1",
        "nik": YUSUF["NIK"],
        "Nama Lengkap": YUSUF["NAMA"],
        "tanggal_lahir": "04-02-1975",
        "JK": "LAKI-LAKI",
    }
    (result,) = link(register_csv, [row])
    assert (result.reference_id, result.method) == ("X003", "nik_exact")
    assert result.reasons["village"] == "missing"


def test_missing_columns_are_named(register_csv, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("ID,NIK,TGL_LAHIR\nC1,6402030402750003,1975-02-04\n", encoding="utf-8")
    with pytest.raises(InputError, match="NAMA"):
        link(register_csv, bad)
    with pytest.raises(InputError, match="no such file"):
        link(tmp_path / "nope.csv", bad)


def test_candidates_without_any_pair_and_empty_fields(register_csv):
    rows = [{"ID": "E1", "NIK": "", "NAMA": "", "TGL_LAHIR": ""}]
    (result,) = link(register_csv, rows)
    assert (result.candidate_id, result.decision, result.score) == ("E1", "none", 0.0)


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        ("SITI AMINAH", "SITI AMINAH", True),
        ("SITI AMINAH", "SITI AMINA", True),
        ("SITI AMINAH", "SITI AMINAH BINTI SALEH", True),
        ("NURAINI", "NUR AINI", True),
        ("SITI AMINAH", "SITI RAHMAH", False),
        ("SITI", "SITI RAHMAH", False),
        ("IDRIS", "IDRUS", False),
        ("", "IDRIS", False),
    ],
)
def test_names_agree(a, b, agree):
    assert names_agree(a, b) is agree


def test_shipped_model_fits_the_code():
    settings = settings_for(load_model(), probability_two_random_records_match=1e-6)
    assert len(settings.comparisons) == len(FIELDS)
