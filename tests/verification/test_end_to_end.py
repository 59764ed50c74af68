"""From `berdaya synth` to verdicts: every planted error carries its code; clean rows pass."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest
from django.core.management import call_command

from berdaya.registry.synth_proposals import generate_all

YEAR = 2025


@pytest.fixture(scope="module")
def synth_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    generate_all(20000, 7, out, year=YEAR, proposals_per_region=30)
    return out


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def load_and_verify(code, synth_dir, tmp_path):
    run("import-register", str(synth_dir / "register.csv"))
    run(
        "import-recipients",
        str(synth_dir / f"recipients_{code}.csv"),
        "--program",
        code,
        "--year",
        str(YEAR - 1),
    )
    # Offices upload in regency-code order, as the truth's duplicates assume.
    for path in sorted((synth_dir / "proposals").glob(f"{code}_*.csv")):
        if len(path.read_text(encoding="utf-8").splitlines()) < 2:
            continue  # a small region with no candidate this year: an empty file is refused
        region = path.stem.split("_", 1)[1]
        run(
            "import-proposals",
            str(path),
            "--program",
            code,
            "--year",
            str(YEAR),
            "--region",
            region,
        )
    run("verify", "--program", code, "--year", str(YEAR))
    out = tmp_path / "verdicts.csv"
    run("export-verdicts", "--program", code, "--year", str(YEAR), "--out", str(out))
    with open(out, encoding="utf-8") as f:
        got = {r["proposal_id"]: r for r in csv.DictReader(f)}
    with open(synth_dir / f"truth_{code}.csv", encoding="utf-8") as f:
        truth = list(csv.DictReader(f))
    return got, truth


@pytest.mark.parametrize("code", ["WRSE", "KUBE"])
def test_every_planted_error_is_caught(code, users, synth_dir, tmp_path, capsys):
    got, truth = load_and_verify(code, synth_dir, tmp_path)
    assert len(got) == len(truth)
    wrong, caught, groups = [], Counter(), set()
    for t in truth:
        row = got[t["proposal_id"]]
        expected = (t["expected_verdict"], t["expected_reasons"])
        if (row["verdict"], row["reasons"]) != expected:
            wrong.append(
                f"{t['proposal_id']}: expected {expected}, got {(row['verdict'], row['reasons'])}"
            )
        if code == "KUBE":
            groups.add(t["group"])
            expected_group = (t["group"], t["expected_group_verdict"], t["expected_group_reasons"])
            got_group = (row["group_id"], row["group_verdict"], row["group_reasons"])
            if got_group != expected_group:
                wrong.append(
                    f"{t['proposal_id']} group: expected {expected_group}, got {got_group}"
                )
            for reason in filter(None, t["expected_group_reasons"].split(";")):
                caught["group:" + reason] += reason in row["group_reasons"].split(";")
        for reason in filter(None, t["expected_reasons"].split(";")):
            caught[reason] += reason in row["reasons"].split(";")
    with capsys.disabled():
        print(
            f"\nend-to-end {code}: {len(truth)} proposals, {len(groups)} groups, "
            f"{sum(caught.values())} planted codes caught, {len(wrong)} wrong"
        )
    assert not wrong, "\n".join(wrong[:50])
    expected_codes = 15 if code == "WRSE" else 17
    assert len(caught) >= expected_codes, sorted(caught)
