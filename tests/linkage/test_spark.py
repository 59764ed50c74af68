"""The Spark backend in local mode gives the DuckDB backend's answers (a few hundred rows)."""

from __future__ import annotations

import pytest

from berdaya.linkage.engine import link
from berdaya.linkage.noise import make_candidates

from .conftest import write_people

pytestmark = pytest.mark.spark


def test_spark_backend_matches_duckdb(register_rows, tmp_path):
    pytest.importorskip("pyspark")
    reference = write_people(tmp_path / "ref.csv", register_rows[:300] + register_rows[-4:])
    cands, truth = make_candidates(register_rows[:60], register_rows[1000:1010], seed=21)
    duck = link(reference, cands)
    spark = link(reference, cands, backend="spark", threads=2, memory_mb=1024)
    assert spark == [
        type(r)(r.candidate_id, r.reference_id, s.score, r.decision, r.reasons, r.method)
        for r, s in zip(duck, spark, strict=True)
    ]
    for r, s in zip(duck, spark, strict=True):
        assert s.score == pytest.approx(r.score, abs=1e-6)
    assert (
        sum(1 for r in spark if r.decision == "match" and truth[r.candidate_id] == r.reference_id)
        >= 58
    )
