"""Link candidate person records to a reference register.

Two passes, as DESIGN.md fixes them:

1. **Exact NIK, confirmed by the name.** A candidate whose NIK is in the reference is linked
   to that person only if the names agree (`names_agree`). A typo in a NIK's last digits
   often lands on a real neighbour born the same day, of the same sex and district, so the
   birth date proves nothing and only the name can confirm the NIK.
2. **Probabilistic**, for every other candidate: Splink scores the pairs that the blocking
   rules of `model.BLOCKING_KEYS` propose, with the shipped model (never trained here), and
   the best-scoring reference person is the candidate's answer.

Decisions: `match` when the NIK pass confirmed the person, or when the probability is at
least MATCH_THRESHOLD and the names do not disagree (or NIK and KK both agree); `possible`
from POSSIBLE_THRESHOLD; otherwise `none`. Only `match` is a link. Every result keeps the
per-field evidence of its pair.

The reference may be a million rows: it is loaded by DuckDB (or Spark) and handled in SQL;
only the candidates' results come back to Python.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import duckdb
from rapidfuzz.distance import JaroWinkler

from berdaya.linkage import model as linkage_model
from berdaya.linkage.prepare import DERIVED_COLUMNS, derived_select, expr_on, load_features

__all__ = [
    "EXPECTED_SHARE_PRESENT",
    "MATCH_THRESHOLD",
    "POSSIBLE_THRESHOLD",
    "LinkResult",
    "format_reasons",
    "link",
    "names_agree",
]

# A pair is a `match` from this probability up. Chosen on held-out synthetic candidates (9,000
# noisy copies and 1,000 absent people against a 1,000,000-person register, seed 11): F1 is
# flat from 0.7 to 0.9 (0.9992) and 0.9 keeps the fewest wrong links.
MATCH_THRESHOLD = 0.9
# From here up to MATCH_THRESHOLD a pair is `possible`: worth a reviewer's look, not a link.
POSSIBLE_THRESHOLD = 0.3
# The prior of the model is the chance that two random records are the same person: about
# the share of candidates that are in the reference divided by the reference's size.
EXPECTED_SHARE_PRESENT = 0.9
# Token similarity at which two name parts count as the same part in `names_agree`.
NAME_TOKEN_AGREEMENT = 0.94
# "BIN SALEH", "BINTI SALEH": added or dropped freely, so not part of the comparison.
_PATRONYMIC = re.compile(r" (BIN|BINTI) .*$")
# First names too common to confirm an identity alone.
_GENERIC_TOKENS = frozenset({"MUHAMMAD", "SITI", "NUR", "ABDUL", "AHMAD"})

Decision = Literal["match", "possible", "none"]
Method = Literal["nik_exact", "probabilistic"]
Backend = Literal["duckdb", "spark"]


@dataclass(frozen=True)
class LinkResult:
    """The answer for one candidate.

    `reference_id` is the register person for `match` and `possible`, None for `none`.
    `score` is the model's match probability of the pair (0 when nothing was compared).
    `reasons` maps nik, name, birth_date, sex, village, kk to agree, partial, disagree or
    missing for that pair (empty for `none`).
    """

    candidate_id: str
    reference_id: str | None
    score: float
    decision: Decision
    reasons: dict[str, str] = field(default_factory=dict)
    method: Method = "probabilistic"

    @property
    def is_link(self) -> bool:
        return self.decision == "match"

    @property
    def reasons_text(self) -> str:
        return format_reasons(self.reasons)


def format_reasons(reasons: Mapping[str, str]) -> str:
    """`nik:agree;name:partial;...` in the fixed field order."""
    return ";".join(f"{f}:{reasons[f]}" for f in linkage_model.FIELDS if f in reasons)


def names_agree(a: str | None, b: str | None) -> bool:
    """Whether two normalised names are the same person's name, strictly.

    Equal, equal but for spaces, or every part of the shorter name found (Jaro-Winkler at
    least NAME_TOKEN_AGREEMENT) among the parts of the longer one, so `SITI AMINAH` agrees
    with `SITI AMINAH BINTI SALEH` and `SITI AMINA`, but not with `SITI RAHMAH` (whose whole
    string is 0.905 similar, which is why whole-string similarity is not used).
    """
    if not a or not b:
        return False
    if a == b:
        return True
    a, b = _PATRONYMIC.sub("", a), _PATRONYMIC.sub("", b)
    if a.replace(" ", "") == b.replace(" ", ""):
        return True
    ta, tb = a.split(), b.split()
    short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if len(short) == 1 and short[0] in _GENERIC_TOKENS:
        return False
    return all(
        any(JaroWinkler.similarity(s, t) >= NAME_TOKEN_AGREEMENT for t in long) for s in short
    )


def _configure_duckdb(
    con: duckdb.DuckDBPyConnection, threads: int, memory_mb: int, temp_dir: str
) -> None:
    con.execute(f"SET threads = {int(threads)}")
    con.execute(f"SET memory_limit = '{int(memory_mb)}MB'")
    con.execute(f"SET temp_directory = '{temp_dir}'")
    # DuckDB keeps freed memory for reuse up to large thresholds; giving it back keeps the
    # process's resident size near the limit set above.
    con.execute("SET allocator_flush_threshold = '32MB'")
    con.execute("SET allocator_bulk_deallocation_flush_threshold = '32MB'")
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET enable_progress_bar = false")


def _fetch(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def _nik_pass(con: duckdb.DuckDBPyConnection) -> dict[int, int]:
    """Candidate unique_id -> reference unique_id confirmed by exact NIK and the name."""
    rows = _fetch(
        con,
        """
        SELECT c.unique_id, r.unique_id, c.name_norm, r.name_norm
        FROM cand AS c JOIN ref AS r ON c.nik = r.nik
        ORDER BY c.unique_id, r.unique_id
        """,
    )
    accepted: dict[int, tuple[float, int]] = {}
    for cu, ru, cname, rname in rows:
        if names_agree(cname, rname):
            # A NIK twice in the register (it happens): the closer name wins, then the first.
            similarity = JaroWinkler.similarity(cname, rname)
            best = accepted.get(cu)
            if best is None or similarity > best[0]:
                accepted[cu] = (similarity, ru)
    return {cu: ru for cu, (_, ru) in accepted.items()}


def _key_expr(column: str, alias: str) -> str:
    if column in DERIVED_COLUMNS:
        return f"({expr_on(DERIVED_COLUMNS[column], alias + '.')})"
    return f"{alias}.{column}"


def _prune_reference(con: duckdb.DuckDBPyConnection) -> int:
    """Table `ref_small`: every reference person some blocking rule pairs with a candidate
    left for the probabilistic pass, or that the NIK pass confirmed; with derived columns."""
    selects = []
    for keys in linkage_model.BLOCKING_KEYS:
        on = " AND ".join(f"{_key_expr(ref_col, 'r')} = c.{cand_col}" for ref_col, cand_col in keys)
        selects.append(f"SELECT r.unique_id FROM ref AS r JOIN cand_rest AS c ON {on}")
    selects.append("SELECT ref_uid FROM nik_accepted")
    con.execute(
        f"""
        CREATE OR REPLACE TABLE ref_small AS
        SELECT {derived_select("r")} FROM ref AS r
        WHERE r.unique_id IN ({" UNION ".join(selects)})
        """
    )
    return int(_fetch(con, "SELECT count(*) FROM ref_small")[0][0])


def _results(
    rows: Sequence[tuple],
    evidence: Mapping[str, Mapping[int, str]],
    accepted: Mapping[int, int],
    gamma_names: Sequence[str],
) -> list[LinkResult]:
    results = []
    for row in rows:
        cand_id, ref_id, prob, cu, ru = row[:5]
        gammas = row[5:]
        if ref_id is None:
            results.append(LinkResult(cand_id, None, 0.0, "none", {}, "probabilistic"))
            continue
        reasons = {
            name: evidence[name].get(int(g), "missing") if g is not None else "missing"
            for name, g in zip(gamma_names, gammas, strict=True)
        }
        reasons = {f: reasons[f] for f in linkage_model.FIELDS}
        prob = float(prob)
        if cu in accepted:
            results.append(LinkResult(cand_id, ref_id, prob, "match", reasons, "nik_exact"))
            continue
        if prob >= MATCH_THRESHOLD and _name_allows_match(reasons):
            decision: Decision = "match"
        elif prob >= POSSIBLE_THRESHOLD:
            decision = "possible"
        else:
            decision = "none"
        if decision == "none":
            results.append(LinkResult(cand_id, None, prob, "none", {}, "probabilistic"))
        else:
            results.append(LinkResult(cand_id, ref_id, prob, decision, reasons, "probabilistic"))
    return results


def _name_allows_match(reasons: Mapping[str, str]) -> bool:
    """A pair whose names disagree is a match only when both the NIK and the KK agree.

    Otherwise a neighbour's NIK (a typo, or a stranger born the same day in the same district)
    with its birth date, sex and district would make a link on numbers alone. The NIK and the
    family card number together are one family's record of one person.
    """
    if reasons.get("name") != "disagree":
        return True
    return reasons.get("nik") == "agree" and reasons.get("kk") == "agree"


def _prior(n_reference: int) -> float:
    return min(0.5, EXPECTED_SHARE_PRESENT / max(n_reference, 1))


def link(
    reference: Any,
    candidates: Any,
    *,
    threads: int = 2,
    memory_mb: int = 1024,
    backend: Backend = "duckdb",
    model_path: str | Path | None = None,
    spark: Any = None,
) -> list[LinkResult]:
    """Link each candidate to at most one reference person; one result per candidate, in
    input order.

    `reference` and `candidates` are each a CSV path, a pyarrow table, a pandas DataFrame,
    an iterable of dicts, or `prepare.Records(columns, rows)` (tuples from a database query),
    with the register's column names (aliases accepted; see prepare.COLUMN_ALIASES).
    `threads` and `memory_mb` cap DuckDB. `backend="spark"` runs the same linkage on Splink's
    Spark backend (`spark`: a SparkSession, default a local one). Raises prepare.InputError
    for unreadable input or missing columns.
    """
    model = linkage_model.load_model(model_path)
    if backend == "spark":
        from berdaya.linkage.spark import link_spark

        return link_spark(
            reference, candidates, model=model, spark=spark, threads=threads, memory_mb=memory_mb
        )
    if backend != "duckdb":
        raise ValueError(f"unknown linkage backend {backend!r}")
    with tempfile.TemporaryDirectory(prefix="berdaya-linkage-") as temp_dir:
        con = duckdb.connect(":memory:")
        try:
            _configure_duckdb(con, threads, memory_mb, os.path.join(temp_dir, "spill"))
            return _link_duckdb(con, reference, candidates, model)
        finally:
            con.close()


def _link_duckdb(
    con: duckdb.DuckDBPyConnection, reference: Any, candidates: Any, model: dict[str, Any]
) -> list[LinkResult]:
    from splink import DuckDBAPI, Linker

    n_ref = load_features(con, reference, "ref", what="reference")
    load_features(con, candidates, "cand_base", what="candidates")
    con.execute(f"CREATE OR REPLACE TABLE cand AS SELECT {derived_select()} FROM cand_base")
    con.execute("DROP TABLE cand_base")

    accepted = _nik_pass(con)
    con.execute("CREATE OR REPLACE TABLE nik_accepted (cand_uid BIGINT, ref_uid BIGINT)")
    if accepted:
        con.executemany("INSERT INTO nik_accepted VALUES (?, ?)", sorted(accepted.items()))
    con.execute(
        "CREATE OR REPLACE TABLE cand_rest AS SELECT * FROM cand "
        "WHERE unique_id NOT IN (SELECT cand_uid FROM nik_accepted)"
    )
    _prune_reference(con)
    con.execute("DROP TABLE ref")

    settings = linkage_model.settings_for(model, probability_two_random_records_match=_prior(n_ref))
    db_api = DuckDBAPI(con)
    # Splink's `l` is the first dataset: the reference (blocking rules are written so).
    left = db_api.register("ref_small", dataset_display_name="reference")
    right = db_api.register("cand", dataset_display_name="candidates")
    linker = Linker([left, right], settings, log_level=None)
    predictions = linker.inference.predict(warning_mode="never")
    return _best_pairs(con, predictions.physical_name, linker, accepted)


def _levels(evidence: Mapping[int, str], wanted: str) -> str:
    """SQL list of the gamma values whose evidence is `wanted`."""
    return ", ".join(str(g) for g, e in evidence.items() if e == wanted) or "NULL"


def _best_pairs(
    con: duckdb.DuckDBPyConnection, predictions: str, linker: Any, accepted: Mapping[int, int]
) -> list[LinkResult]:
    evidence = linkage_model.evidence_by_gamma(linker._settings_obj)
    gamma_names = list(evidence)
    side = _fetch(con, f"SELECT source_dataset_l FROM {predictions} LIMIT 1")
    ref_side, cand_side = ("l", "r") if not side or side[0][0] == "reference" else ("r", "l")
    gammas = ", ".join(f"b.gamma_{name}" for name in gamma_names)
    # Name levels that may carry a match (MATCH_THRESHOLD and a name that does not disagree).
    name_ok = [g for g, e in evidence["name"].items() if e in ("agree", "partial")]
    name_ok_sql = ", ".join(str(g) for g in name_ok) or "NULL"
    nik_agree_sql, kk_agree_sql = (_levels(evidence[f], "agree") for f in ("nik", "kk"))
    # For a NIK-confirmed candidate only its confirmed pair counts. For the others, pairs
    # whose names do not disagree come first (a NIK typo can land on a neighbour born the
    # same day, who then outscores the true person on NIK alone), then the highest
    # probability, ties to the earlier reference row so that runs are repeatable.
    rows = _fetch(
        con,
        f"""
        WITH pairs AS (
            SELECT p.unique_id_{cand_side} AS cu, p.unique_id_{ref_side} AS ru,
                   p.match_probability AS prob,
                   (p.gamma_name IN ({name_ok_sql})
                    OR (p.gamma_nik IN ({nik_agree_sql}) AND p.gamma_kk IN ({kk_agree_sql})))
                       AS name_ok,
                   p.*
            FROM {predictions} AS p
            LEFT JOIN nik_accepted AS a ON a.cand_uid = p.unique_id_{cand_side}
            WHERE a.cand_uid IS NULL OR a.ref_uid = p.unique_id_{ref_side}
        ),
        best AS (
            SELECT * FROM pairs
            QUALIFY row_number() OVER (
                PARTITION BY cu
                ORDER BY (name_ok AND prob >= {MATCH_THRESHOLD}) DESC, prob DESC, ru
            ) = 1
        )
        SELECT c.record_id, r.record_id, b.prob, c.unique_id, b.ru, {gammas}
        FROM cand AS c
        LEFT JOIN best AS b ON b.cu = c.unique_id
        LEFT JOIN ref_small AS r ON r.unique_id = b.ru
        ORDER BY c.unique_id
        """,
    )
    return _results(rows, evidence, accepted, gamma_names)
