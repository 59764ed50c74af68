"""`berdaya match`: CSV format and exit codes, run as a subprocess (no database)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from berdaya.linkage.noise import make_candidates

from .conftest import write_people

ROOT = Path(__file__).resolve().parents[2]


def _match(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "berdaya.settings"}
    return subprocess.run(
        [sys.executable, "-m", "berdaya", "match", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_writes_one_row_per_candidate_in_input_order(register_rows, register_csv, tmp_path):
    cands, truth = make_candidates(register_rows[500:560], register_rows[-8:-6], seed=3)
    cands.append({"ID": "ABSENT", "NIK": "", "NAMA": "ZZ QWERTY", "TGL_LAHIR": "1901-01-01"})
    cand_csv = write_people(tmp_path / "cand.csv", cands, tuple(cands[0]))
    out = tmp_path / "out.csv"
    done = _match(str(register_csv), str(cand_csv), "--out", str(out))
    assert done.returncode == 0, done.stderr
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["candidate_id", "reference_id", "score", "decision", "reasons"]
    assert [r[0] for r in rows[1:]] == [c["ID"] for c in cands]
    by_id = {r[0]: r for r in rows[1:]}
    for row in rows[1:]:
        assert row[3] in ("match", "possible", "none")
        assert 0.0 <= float(row[2]) <= 1.0
        if row[3] == "none":
            assert row[1] == "" and row[4] == ""
        else:
            assert row[1] and len(row[4].split(";")) == 6
    assert by_id["ABSENT"][3] == "none"
    linked = sum(
        1 for cid, rid in truth.items() if by_id[cid][3] == "match" and by_id[cid][1] == rid
    )
    assert linked >= 58


def test_missing_file_is_a_usage_error(register_csv, tmp_path):
    done = _match(str(register_csv), str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o.csv"))
    assert done.returncode == 2
    assert "nope.csv" in done.stderr


def test_file_without_needed_columns_is_a_usage_error_naming_them(register_csv, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("ID,NIK,JENIS_KELAMIN\nC1,6402030402750003,L\n", encoding="utf-8")
    done = _match(str(register_csv), str(bad), "--out", str(tmp_path / "o.csv"))
    assert done.returncode == 2
    assert "NAMA" in done.stderr and "TGL_LAHIR" in done.stderr
    assert not (tmp_path / "o.csv").exists()


def test_missing_out_is_a_usage_error(register_csv):
    done = _match(str(register_csv), str(register_csv))
    assert done.returncode == 2
