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


def test_every_planted_error_is_caught(users, synth_dir, tmp_path, capsys):
    run("import-register", str(synth_dir / "register.csv"))
    run("import-recipients", str(synth_dir / "recipients_WRSE.csv"), "--program", "WRSE",
        "--year", str(YEAR - 1))
    # Offices upload in regency-code order, as the truth's duplicates assume.
    for path in sorted((synth_dir / "proposals").glob("WRSE_*.csv")):
        if len(path.read_text(encoding="utf-8").splitlines()) < 2:
            continue  # a small region with no candidate this year: an empty file is refused
        region = path.stem.split("_", 1)[1]
        run("import-proposals", str(path), "--program", "WRSE", "--year", str(YEAR),
            "--region", region)
    run("verify", "--program", "WRSE", "--year", str(YEAR))
    out = tmp_path / "verdicts.csv"
    run("export-verdicts", "--program", "WRSE", "--year", str(YEAR), "--out", str(out))
    with open(out, encoding="utf-8") as f:
        got = {r["proposal_id"]: r for r in csv.DictReader(f)}
    with open(synth_dir / "truth_WRSE.csv", encoding="utf-8") as f:
        truth = list(csv.DictReader(f))
    assert len(got) == len(truth)
    wrong = []
    caught = Counter()
    for t in truth:
        row = got[t["proposal_id"]]
        if (row["verdict"], row["reasons"]) != (t["expected_verdict"], t["expected_reasons"]):
            wrong.append(f"{t['proposal_id']}: expected {t['expected_verdict']} "
                         f"[{t['expected_reasons']}], got {row['verdict']} [{row['reasons']}]")
        for code in filter(None, t["expected_reasons"].split(";")):
            caught[code] += code in row["reasons"].split(";")
    with capsys.disabled():
        print(f"\nend-to-end: {len(truth)} proposals, {sum(caught.values())} planted codes "
              f"caught, {len(wrong)} wrong")
    assert not wrong, "\n".join(wrong)
    assert len(caught) >= 15  # every WRSE reason code was planted and found
