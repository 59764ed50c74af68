"""The noise generator: deterministic, with a truth for every candidate."""

from __future__ import annotations

from berdaya.linkage.noise import NoiseRates, make_candidates, write_candidates


def test_deterministic_with_truth(register_rows, tmp_path):
    present, absent = register_rows[:200], register_rows[300:320]
    first = make_candidates(present, absent, seed=4)
    assert first == make_candidates(present, absent, seed=4)
    assert first != make_candidates(present, absent, seed=5)
    cands, truth = first
    assert len(cands) == 220 and [c["ID"] for c in cands] == list(truth)
    assert sum(v is None for v in truth.values()) == 20
    assert set(truth.values()) - {None} == {r["ID"] for r in present}
    write_candidates(tmp_path / "c.csv", cands, truth)
    assert (tmp_path / "c_truth.csv").read_text().startswith("candidate_id,reference_id\n")


def test_every_error_kind_appears(register_rows):
    rates = NoiseRates(nik_digit=0.3, date_swapped=0.5, village_moved=0.3, kk_missing=0.3)
    cands, truth = make_candidates(register_rows[:1000], seed=1, rates=rates)
    by_id = {r["ID"]: r for r in register_rows}
    changed = {"NIK": 0, "NAMA": 0, "TGL_LAHIR": 0, "KODE_WILAYAH": 0, "NO_KK": 0}
    for cand in cands:
        ref = by_id[truth[cand["ID"]]]
        for field in changed:
            changed[field] += cand[field] != ref[field]
    assert all(count > 20 for count in changed.values()), changed
