"""The same linkage on Splink's Spark backend, for registers larger than one machine.

`engine.link(..., backend="spark")` lands here. The reference, when it is a CSV path, is read
and prepared by Spark itself (names normalised once per distinct name, as with DuckDB); other
inputs and the candidates are prepared by DuckDB and handed over. Blocking, the NIK pass,
scoring with the shipped model and the choice of each candidate's best pair run as Spark SQL;
only one row per candidate comes back. pyspark 3.5 (the version Splink's similarity
functions are built for) and Java 17.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb
import sqlglot

from berdaya.linkage import model as linkage_model
from berdaya.linkage.engine import (
    MATCH_THRESHOLD,
    LinkResult,
    _levels,
    _prior,
    _results,
    names_agree,
)
from berdaya.linkage.names import normalize_name
from berdaya.linkage.prepare import (
    BASE_COLUMNS,
    DERIVED_COLUMNS,
    expr_on,
    load_features,
    read_header,
    resolve_columns,
)

__all__ = ["link_spark", "local_session"]


def local_session(threads: int = 2, memory_mb: int = 1024) -> Any:
    """A local SparkSession with Splink's similarity functions (jar) on the class path."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    return (
        SparkSession.builder.master(f"local[{int(threads)}]")
        .appName("berdaya-linkage")
        .config("spark.driver.memory", f"{int(memory_mb)}m")
        .config("spark.jars", similarity_jar_location())
        # Few partitions: a local session's work is small per stage, and each task costs.
        .config("spark.sql.shuffle.partitions", str(max(1, int(threads))))
        .config("spark.default.parallelism", str(max(1, int(threads))))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.legacy.timeParserPolicy", "CORRECTED")
        .config("spark.sql.ansi.enabled", "false")
        .getOrCreate()
    )


def _spark_sql(duckdb_sql: str) -> str:
    return sqlglot.transpile(duckdb_sql, read="duckdb", write="spark")[0]


def _derived_select(alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    parts = [f"{prefix}{c}" for c in BASE_COLUMNS]
    parts += [
        f"{_spark_sql(expr_on(expr, prefix))} AS {name}" for name, expr in DERIVED_COLUMNS.items()
    ]
    return ", ".join(parts)


def _digits(expr: str) -> str:
    return f"nullif(regexp_replace(coalesce({expr}, ''), '[^0-9]', ''), '')"


def _reference_from_csv(spark: Any, path: Path, view: str) -> int:
    """Read and prepare a reference CSV with Spark: a view of BASE_COLUMNS."""
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    con = duckdb.connect(":memory:")
    try:
        cols = resolve_columns(read_header(con, path), "reference")
    finally:
        con.close()
    raw = spark.read.csv(str(path), header=True, inferSchema=False)
    # A dense, order-keeping row number: row-N identifiers must be the file's row numbers.
    indexed = raw.rdd.zipWithIndex().map(lambda pair: (*pair[0], pair[1] + 1))
    schema = StructType(
        [StructField(c, StringType()) for c in raw.columns] + [StructField("__row", LongType())]
    )
    spark.createDataFrame(indexed, schema).createOrReplaceTempView(f"{view}__raw")

    def col(name: str) -> str:
        return f"trim(`{cols[name]}`)" if name in cols else "CAST(NULL AS STRING)"

    names = [
        r[0]
        for r in spark.sql(
            f"SELECT DISTINCT {col('NAMA')} AS n FROM {view}__raw WHERE {col('NAMA')} IS NOT NULL"
        ).collect()
    ]
    mapping = [(n, normalize_name(n) or None) for n in names]
    spark.createDataFrame(
        mapping or [("", None)], "raw_name string, name_norm string"
    ).createOrReplaceTempView(f"{view}__names")
    date = f"nullif({col('TGL_LAHIR')}, '')"
    formats = ("yyyy-MM-dd", "dd-MM-yyyy", "dd/MM/yyyy", "yyyy/MM/dd")
    parsed = "coalesce(" + ", ".join(f"to_date({date}, '{f}')" for f in formats) + ")"
    wilayah = _digits(col("KODE_WILAYAH"))
    kk = _digits(col("NO_KK"))
    spark.sql(
        f"""
        SELECT s.__row AS unique_id,
               coalesce(nullif({col("ID")}, ''), concat('row-', s.__row)) AS record_id,
               {_digits(col("NIK"))} AS nik,
               nm.name_norm,
               date_format({parsed}, 'yyyy-MM-dd') AS birth_date,
               CASE WHEN upper({col("JENIS_KELAMIN")}) IN
                         ('L', 'LK', 'LAKI-LAKI', 'LAKI LAKI', 'LAKI', 'PRIA', 'M') THEN 'L'
                    WHEN upper({col("JENIS_KELAMIN")}) IN
                         ('P', 'PR', 'PEREMPUAN', 'WANITA', 'F', 'W') THEN 'P' END AS sex,
               CASE WHEN length({wilayah}) = 10 THEN {wilayah} END AS village,
               CASE WHEN length({wilayah}) >= 6 THEN substr({wilayah}, 1, 6) END AS district,
               CASE WHEN length({wilayah}) >= 4 THEN substr({wilayah}, 1, 4) END AS regency,
               CASE WHEN {kk} IS NOT NULL AND {kk} <> repeat('0', length({kk})) THEN {kk} END
                   AS kk
        FROM {view}__raw AS s LEFT JOIN {view}__names AS nm ON nm.raw_name = {col("NAMA")}
        """
    ).createOrReplaceTempView(view)
    return int(spark.sql(f"SELECT count(*) FROM {view}").collect()[0][0])


def _from_duckdb(spark: Any, source: Any, view: str, what: str, derived: bool) -> int:
    """Prepare `source` with DuckDB and hand the rows to Spark as a view."""
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    con = duckdb.connect(":memory:")
    try:
        n = load_features(con, source, "t", what=what)
        rows = con.execute(f"SELECT {', '.join(BASE_COLUMNS)} FROM t ORDER BY unique_id").fetchall()
    finally:
        con.close()
    schema = StructType(
        [StructField("unique_id", LongType())]
        + [StructField(c, StringType()) for c in BASE_COLUMNS[1:]]
    )
    frame = spark.createDataFrame(rows, schema)
    frame.createOrReplaceTempView(f"{view}__base")
    select = _derived_select() if derived else ", ".join(BASE_COLUMNS)
    spark.sql(f"SELECT {select} FROM {view}__base").cache().createOrReplaceTempView(view)
    return n


def _key_expr(column: str, alias: str) -> str:
    if column in DERIVED_COLUMNS:
        return f"({_spark_sql(expr_on(DERIVED_COLUMNS[column], alias + '.'))})"
    return f"{alias}.{column}"


def link_spark(
    reference: Any,
    candidates: Any,
    *,
    model: dict[str, Any],
    spark: Any = None,
    threads: int = 2,
    memory_mb: int = 1024,
) -> list[LinkResult]:
    from splink import Linker, SparkAPI

    spark = spark or local_session(threads, memory_mb)
    if isinstance(reference, str | Path) and Path(reference).is_file():
        n_ref = _reference_from_csv(spark, Path(reference), "bl_ref")
    else:
        n_ref = _from_duckdb(spark, reference, "bl_ref", "reference", derived=False)
    _from_duckdb(spark, candidates, "bl_cand", "candidates", derived=True)

    # 1. Exact NIK, confirmed by the name (checked in Python: one row per NIK hit).
    hits = spark.sql(
        "SELECT c.unique_id, r.unique_id, c.name_norm, r.name_norm "
        "FROM bl_cand AS c JOIN bl_ref AS r ON c.nik = r.nik ORDER BY 1, 2"
    ).collect()
    accepted: dict[int, tuple[float, int]] = {}
    from rapidfuzz.distance import JaroWinkler

    for cu, ru, cname, rname in hits:
        if names_agree(cname, rname):
            similarity = JaroWinkler.similarity(cname, rname)
            if cu not in accepted or similarity > accepted[cu][0]:
                accepted[cu] = (similarity, ru)
    nik_accepted = {cu: ru for cu, (_, ru) in accepted.items()}
    spark.createDataFrame(
        sorted(nik_accepted.items()) or [(-1, -1)], "cand_uid long, ref_uid long"
    ).createOrReplaceTempView("bl_nik_accepted")
    spark.sql(
        "SELECT * FROM bl_cand WHERE unique_id NOT IN (SELECT cand_uid FROM bl_nik_accepted)"
    ).createOrReplaceTempView("bl_cand_rest")

    # 2. The reference people some blocking rule pairs with a remaining candidate.
    selects = []
    for keys in linkage_model.BLOCKING_KEYS:
        on = " AND ".join(f"{_key_expr(ref_col, 'r')} = c.{cand_col}" for ref_col, cand_col in keys)
        selects.append(f"SELECT r.unique_id FROM bl_ref AS r JOIN bl_cand_rest AS c ON {on}")
    selects.append("SELECT ref_uid FROM bl_nik_accepted")
    spark.sql(
        f"SELECT {_derived_select('r')} FROM bl_ref AS r "
        f"LEFT SEMI JOIN ({' UNION '.join(selects)}) AS k ON k.unique_id = r.unique_id"
    ).cache().createOrReplaceTempView("bl_ref_small")

    # 3. Score with the shipped model.
    settings = linkage_model.settings_for(model, probability_two_random_records_match=_prior(n_ref))
    partitions = int(spark.conf.get("spark.sql.shuffle.partitions", "2"))
    db_api = SparkAPI(
        spark_session=spark,
        break_lineage_method="persist",
        num_partitions_on_repartition=partitions,
    )
    left = db_api.register("bl_ref_small", dataset_display_name="reference")
    right = db_api.register("bl_cand", dataset_display_name="candidates")
    linker = Linker([left, right], settings, log_level=None)
    predictions = linker.inference.predict(warning_mode="never")
    return _best_pairs_spark(spark, predictions.physical_name, linker, nik_accepted)


def _best_pairs_spark(
    spark: Any, predictions: str, linker: Any, accepted: Mapping[int, int]
) -> list[LinkResult]:
    evidence = linkage_model.evidence_by_gamma(linker._settings_obj)
    gamma_names = list(evidence)
    first = spark.sql(f"SELECT source_dataset_l FROM {predictions} LIMIT 1").collect()
    ref_side, cand_side = ("l", "r") if not first or first[0][0] == "reference" else ("r", "l")
    gammas = ", ".join(f"b.gamma_{name}" for name in gamma_names)
    name_ok = [g for g, e in evidence["name"].items() if e in ("agree", "partial")]
    name_ok_sql = ", ".join(str(g) for g in name_ok) or "NULL"
    nik_agree, kk_agree = (_levels(evidence[f], "agree") for f in ("nik", "kk"))
    rows = spark.sql(
        f"""
        WITH pairs AS (
            SELECT p.unique_id_{cand_side} AS cu, p.unique_id_{ref_side} AS ru,
                   p.match_probability AS prob,
                   ((p.gamma_name IN ({name_ok_sql})
                     OR (p.gamma_nik IN ({nik_agree}) AND p.gamma_kk IN ({kk_agree})))
                    AND p.match_probability >= {MATCH_THRESHOLD}) AS eligible,
                   {", ".join(f"p.gamma_{n}" for n in gamma_names)}
            FROM {predictions} AS p
            LEFT JOIN bl_nik_accepted AS a ON a.cand_uid = p.unique_id_{cand_side}
            WHERE a.cand_uid IS NULL OR a.ref_uid = p.unique_id_{ref_side}
        ),
        ranked AS (
            SELECT *, row_number() OVER (
                PARTITION BY cu ORDER BY eligible DESC, prob DESC, ru) AS rank
            FROM pairs
        )
        SELECT c.record_id, r.record_id, b.prob, c.unique_id, b.ru, {gammas}
        FROM bl_cand AS c
        LEFT JOIN (SELECT * FROM ranked WHERE rank = 1) AS b ON b.cu = c.unique_id
        LEFT JOIN bl_ref_small AS r ON r.unique_id = b.ru
        ORDER BY c.unique_id
        """
    ).collect()
    return _results([tuple(row) for row in rows], evidence, accepted, gamma_names)
