"""From `berdaya synth` to LKS verdicts: every planted institution error carries its code.

The institution register and the past recipients are loaded, each office's file is uploaded by
that office's operator (Samarinda and Balikpapan; the `sistem` account for the other eight, as
`berdaya import-proposals` does), the programme year is verified, and every row's verdict and
reasons are compared with truth_LKS.csv. The person register plays no part in LKS.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from berdaya.accounts.services import system_user
from berdaya.intake.services import proposals_upload
from berdaya.programs.models import Program
from berdaya.programs.services import program_year_for, recipients_import
from berdaya.registry import synth_lks
from berdaya.registry.institutions import institutions_import
from berdaya.registry.synth_proposals import generate_all
from berdaya.verification.services import verdict_rows, verify

YEAR = 2025  # a past year: accreditations are checked on 31 December


@pytest.fixture(scope="module")
def synth_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    # LKS does not read the person register: a small one will do.
    summary = generate_all(2000, 7, out, year=YEAR, proposals_per_region=10)
    return out, summary


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def upload_offices(code: str, program_year, synth_dir: Path, users) -> int:
    """Each office uploads its own file, in regency-code order (the truth's upload order)."""
    operators = {"64.72": users["op_smd"], "64.71": users["op_bpn"]}
    files = 0
    for path in sorted((synth_dir / "proposals").glob(f"{code}_*.csv")):
        if len(path.read_text(encoding="utf-8").splitlines()) < 2:
            continue  # an office with nobody to propose: an empty file is refused
        region = path.stem.split("_", 1)[1]
        result = proposals_upload(
            actor=operators.get(region) or system_user(),
            program_year=program_year,
            region=region,
            upload=SimpleUploadedFile(path.name, path.read_bytes()),
        )
        assert not result.batch.file_error and not result.batch.errors, (
            path.name,
            result.batch.file_error,
            result.batch.errors[:5],
        )
        files += 1
    return files


def compare(truth: list[dict[str, str]], got: dict[str, dict], notes: dict[str, str] | None = None):
    """(wrong rows described, planted codes caught by code)."""
    wrong, caught = [], Counter()
    for t in truth:
        row = got.get(t["proposal_id"])
        if row is None:
            wrong.append(f"{t['proposal_id']}: not in the verdicts")
            continue
        expected = (t["expected_verdict"], t["expected_reasons"])
        found = (row["verdict"], row["reasons"])
        if found != expected:
            note = (notes or {}).get(t["proposal_id"], "")
            wrong.append(f"{t['proposal_id']}: expected {expected}, got {found}{note}")
        for reason in filter(None, t["expected_reasons"].split(";")):
            caught[reason] += reason in row["reasons"].split(";")
    return wrong, caught


def verify_from_files(code: str, out: Path, users) -> tuple[list[dict], dict[str, dict]]:
    """Import the programme's past recipients, upload every office's file, verify; return the
    truth rows and the verdicts by proposal ID."""
    sistem = system_user()
    with open(out / f"recipients_{code}.csv", "rb") as f:
        recipients_import(
            actor=sistem,
            program=Program.objects.get(code=code),
            year=YEAR - 1,  # each row has its TAHUN
            fileobj=f,
            file_name=f"recipients_{code}.csv",
        )
    program_year, _notice = program_year_for(actor=sistem, program=code, year=YEAR)
    upload_offices(code, program_year, out, users)
    verify(actor=users["verifier"], program_year=program_year)
    got = {r["proposal_id"]: r for r in verdict_rows(program_year, sistem)}
    truth = read_csv(out / f"truth_{code}.csv")
    assert len(got) == len(truth)
    return truth, got


def report(code: str, truth: list, wrong: list, caught: Counter, capsys) -> None:
    with capsys.disabled():
        print(
            f"\nend-to-end {code}: {len(truth)} proposals, {sum(caught.values())} planted codes "
            f"caught, {len(wrong)} wrong"
        )


def test_every_planted_lks_error_is_caught(users, synth_dir, capsys):
    out, summary = synth_dir
    with open(out / synth_lks.INSTITUTIONS_FILE, "rb") as f:
        loaded = institutions_import(actor=system_user(), fileobj=f, file_name="institutions.csv")
    assert loaded["new"] == summary["lks"]["institutions"]
    truth, got = verify_from_files("LKS", out, users)
    wrong, caught = compare(truth, got)
    report("LKS", truth, wrong, caught, capsys)
    assert not wrong, "\n".join(wrong[:50])
    assert set(caught) == set(synth_lks.PLANTED_CODES)
    assert all(n >= 3 for n in caught.values()), caught
