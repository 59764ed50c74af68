"""From `berdaya synth` to PPKS verdicts: every planted error carries its code; clean rows pass.

The register and the past recipients (with their KATEGORI) are imported, each office's file is
uploaded by that office's operator (Samarinda and Balikpapan; the `sistem` account for the
other eight), the programme year is verified, and every row's verdict and reasons are compared
with truth_PPKS.csv.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from berdaya.registry import synth_ppks
from berdaya.registry.synth_proposals import generate_all
from tests.verification.test_end_to_end_lks import YEAR, compare, report, verify_from_files


@pytest.fixture(scope="module")
def synth_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    summary = generate_all(20000, 7, out, year=YEAR, proposals_per_region=30)
    return out, summary


def test_every_planted_ppks_error_is_caught(users, synth_dir, capsys):
    out, summary = synth_dir
    call_command("import-register", str(out / "register.csv"), stdout=io.StringIO())
    truth, got = verify_from_files("PPKS", out, users)
    # Rows of people assisted this year in another category: the rule counts the same
    # category only, so they are clean; ALREADY_RECEIVED there means verification counted
    # any PPKS assistance of the year.
    notes = {
        pid: " (assisted this year in another category: only the same category counts)"
        for pid in summary["ppks"]["other_category_rows"]
    }
    wrong, caught = compare(truth, got, notes)
    report("PPKS", truth, wrong, caught, capsys)
    assert not wrong, "\n".join(wrong[:50])
    assert set(caught) == set(synth_ppks.PLANTED_CODES)
    assert all(n >= 3 for n in caught.values()), caught
