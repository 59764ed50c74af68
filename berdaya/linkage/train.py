"""Train the linkage model once, on a register and noisy copies of its people.

`berdaya linkage-train --register FILE` calls `train`. From the register it holds out a
sample of people (they become candidates that are *not* in the reference), draws noisy
copies (`noise.py`) of other people, then estimates the Splink model the standard way:
u probabilities by random sampling of the reference, m probabilities by expectation
maximisation over a few blocking rules. No labels are used for the fit; the known truth of
the generated candidates is used only to report precision and recall at the thresholds.
The result is a Splink model JSON, committed under `berdaya/linkage/model/`.
"""

from __future__ import annotations

import json
import logging
import os
import random
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from berdaya.linkage import model as linkage_model
from berdaya.linkage.engine import _configure_duckdb, link
from berdaya.linkage.noise import make_candidates
from berdaya.linkage.prepare import InputError, derived_select, load_features, read_header

__all__ = ["evaluate", "train"]


def _sql_string(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _sample_rows(
    con: duckdb.DuckDBPyConnection, register: Path, n: int, seed: int
) -> list[dict[str, str]]:
    rel = con.sql(
        f"SELECT * FROM read_csv({_sql_string(register)}, header = true, all_varchar = true) "
        f"USING SAMPLE reservoir({int(n)} ROWS) REPEATABLE ({int(seed)})"
    )
    columns = [c.replace("\ufeff", "").strip().upper() for c in rel.columns]
    rows = [dict(zip(columns, (v or "" for v in row), strict=True)) for row in rel.fetchall()]
    rows.sort(key=lambda r: r.get("ID", ""))
    return rows


def evaluate(results: list[Any], truth: dict[str, str | None]) -> dict[str, float | int]:
    """Precision, recall and F1 of the `match` decisions against the truth."""
    tp = fp = 0
    for r in results:
        if r.decision != "match":
            continue
        if truth.get(r.candidate_id) == r.reference_id:
            tp += 1
        else:
            fp += 1
    positives = sum(1 for v in truth.values() if v)
    fn = positives - tp
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / positives if positives else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}


def train(
    register: str | Path,
    out_dir: str | Path | None = None,
    *,
    candidates: int = 20_000,
    absent_share: float = 0.1,
    seed: int = 2025,
    threads: int = 2,
    memory_mb: int = 2048,
    log: Callable[[str], None] = print,
) -> Path:
    """Fit the model on `register` (a person CSV); write and return the model JSON path."""
    register = Path(register)
    out_dir = Path(out_dir) if out_dir else linkage_model.MODEL_PATH.parent
    out_dir.mkdir(parents=True, exist_ok=True)
    out_path = out_dir / linkage_model.MODEL_PATH.name
    from splink import DuckDBAPI, Linker

    with tempfile.TemporaryDirectory(prefix="berdaya-linkage-train-") as temp_dir:
        con = duckdb.connect(":memory:")
        _configure_duckdb(con, threads, memory_mb, os.path.join(temp_dir, "spill"))
        header = read_header(con, register)
        if "ID" not in {h.replace("\ufeff", "").strip().upper() for h in header}:
            raise InputError(f"{register}: training needs an ID column")
        n_absent = int(round(candidates * absent_share))
        sample = _sample_rows(con, register, candidates, seed)
        random.Random(seed).shuffle(sample)
        absent, present = sample[:n_absent], sample[n_absent:]
        villages = [
            v
            for (v,) in con.execute(
                f"SELECT DISTINCT KODE_WILAYAH FROM read_csv({_sql_string(register)}, "
                "header = true, all_varchar = true) ORDER BY 1"
            ).fetchall()
            if v
        ]
        cands, truth = make_candidates(present, absent, seed=seed, village_pool=villages)
        held_out = {r["ID"] for r in absent}
        log(f"{len(present)} noisy copies of register people, {len(absent)} people held out")

        # The reference: the register without the held-out people.
        load_features(con, register, "ref_all", what="register")
        con.execute("CREATE TABLE held_out (record_id VARCHAR)")
        con.executemany("INSERT INTO held_out VALUES (?)", [(i,) for i in sorted(held_out)])
        con.execute(
            f"CREATE TABLE ref AS SELECT {derived_select()} FROM ref_all "
            "WHERE record_id NOT IN (SELECT record_id FROM held_out)"
        )
        con.execute("DROP TABLE ref_all")
        load_features(con, cands, "cand_base", what="candidates")
        con.execute(f"CREATE TABLE cand AS SELECT {derived_select()} FROM cand_base")
        n_ref = int(con.execute("SELECT count(*) FROM ref").fetchall()[0][0])

        settings = linkage_model.settings_creator(
            probability_two_random_records_match=(1 - absent_share) / n_ref
        )
        db_api = DuckDBAPI(con)
        left = db_api.register("ref", dataset_display_name="reference")
        right = db_api.register("cand", dataset_display_name="candidates")
        linker = Linker([left, right], settings, log_level=logging.WARNING)
        linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=seed)
        for rule in linkage_model.TRAINING_BLOCKING_RULES:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
        linker.misc.save_model_to_json(str(out_path), overwrite=True)
        con.close()
        out_path.write_text(
            json.dumps(linkage_model.neutralise(json.loads(out_path.read_text("utf-8"))), indent=2),
            encoding="utf-8",
        )

        # Report: the engine with the new model on the same candidates.
        ref_csv = Path(temp_dir) / "reference.csv"
        _write_reference(register, held_out, ref_csv, threads, memory_mb)
        results = link(ref_csv, cands, threads=threads, memory_mb=memory_mb, model_path=out_path)
        scores = evaluate(results, truth)
        log(
            "on the training candidates: precision {precision:.4f}, recall {recall:.4f}, "
            "F1 {f1:.4f} ({tp} right links, {fp} wrong, {fn} missed)".format(**scores)
        )
    _annotate(out_path, register, candidates, absent_share, seed, scores)
    return out_path


def _write_reference(
    register: Path, held_out: set[str], out: Path, threads: int, memory_mb: int
) -> None:
    con = duckdb.connect(":memory:")
    con.execute(f"SET threads = {threads}; SET memory_limit = '{memory_mb}MB'")
    con.execute("CREATE TABLE held_out (id VARCHAR)")
    con.executemany("INSERT INTO held_out VALUES (?)", [(i,) for i in sorted(held_out)])
    con.execute(
        f"COPY (SELECT * FROM read_csv({_sql_string(register)}, header = true, all_varchar = true) "
        f"WHERE ID NOT IN (SELECT id FROM held_out)) TO {_sql_string(out)} (HEADER, DELIMITER ',')"
    )
    con.close()


def _annotate(
    path: Path, register: Path, candidates: int, absent_share: float, seed: int, scores: dict
) -> None:
    """Record how the model was trained inside its JSON (Splink ignores unknown keys)."""
    data = linkage_model.neutralise(json.loads(path.read_text(encoding="utf-8")))
    data["berdaya_training"] = {
        "register": register.name,
        "candidates": candidates,
        "absent_share": absent_share,
        "seed": seed,
        "training_blocking_rules": [
            r.get_blocking_rule("duckdb").blocking_rule_sql
            for r in linkage_model.TRAINING_BLOCKING_RULES
        ],
        "f1_on_training_candidates": round(scores["f1"], 5),
        "precision": round(scores["precision"], 5),
        "recall": round(scores["recall"], 5),
    }
    path.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
