"""Reading person records and deriving the features the linkage compares.

Plain Python over DuckDB, no Django. Input may be a CSV path, a pyarrow table, a pandas
DataFrame, an iterable of dicts, or column names with an iterable of tuples (what a Django
`values_list` query gives). Whatever the source, it becomes a DuckDB table of text columns
and one SQL statement derives the features: the reference is never looped over in Python.
The only Python step per row is name normalization, and it runs once per *distinct* name
(a million-person register holds a few tens of thousands of distinct names).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from berdaya.linkage.names import normalize_name

__all__ = [
    "BASE_COLUMNS",
    "COLUMN_ALIASES",
    "DERIVED_COLUMNS",
    "FEATURE_COLUMNS",
    "derived_select",
    "expr_on",
    "REQUIRED_COLUMNS",
    "InputError",
    "Records",
    "load_features",
    "read_header",
    "resolve_columns",
]

# Canonical column -> accepted header spellings (compared upper-case, spaces and dashes as
# underscores, BOM stripped). The first spelling is the register's own.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "ID": ("ID", "ROW_ID", "NO_URUT", "UID"),
    "NIK": ("NIK", "NO_NIK", "NOMOR_NIK", "NIK_KTP", "NOMOR_INDUK_KEPENDUDUKAN"),
    "NO_KK": ("NO_KK", "KK", "NOKK", "NOMOR_KK", "NO_KARTU_KELUARGA"),
    "NAMA": ("NAMA", "NAMA_LENGKAP", "NAMA_PENERIMA", "NAME"),
    "TGL_LAHIR": ("TGL_LAHIR", "TANGGAL_LAHIR", "TGLLAHIR", "TGL_LHR", "BIRTH_DATE"),
    "JENIS_KELAMIN": ("JENIS_KELAMIN", "JK", "KELAMIN", "SEX"),
    "KODE_WILAYAH": ("KODE_WILAYAH", "KODE_DESA", "KODE_KELURAHAN", "KD_WILAYAH", "WILAYAH"),
}
# Without these a row cannot be linked at all; the others may be absent (treated as missing).
REQUIRED_COLUMNS = ("NIK", "NAMA", "TGL_LAHIR")

# The prepared columns, the same for both sides, as Splink sees them. BASE_COLUMNS are stored
# for the whole reference; DERIVED_COLUMNS are computed only for the rows that are compared.
BASE_COLUMNS = (
    "unique_id",  # 1-based position in the input: output keeps input order with it
    "record_id",  # the file's ID, else row-N
    "nik",  # digits only
    "name_norm",  # normalize_name(NAMA)
    "birth_date",  # ISO YYYY-MM-DD
    "sex",  # L or P
    "village",  # 10 digits
    "district",  # 6 digits (the dotted village code's first 8 characters)
    "regency",  # 4 digits
    "kk",  # digits only
)
# Column -> DuckDB SQL over BASE_COLUMNS (translated with sqlglot for Spark).
# The name without a patronymic ("AMINAH BINTI SALEH" -> "AMINAH"): proposals add or drop
# "bin"/"binti" and the father's name freely, so the fuzzy name levels compare the core.
_NAME_CORE = "regexp_replace(name_norm, ' (BIN|BINTI) .*$', '')"
DERIVED_COLUMNS: dict[str, str] = {
    "name_core": _NAME_CORE,
    "name_tokens": f"string_split({_NAME_CORE}, ' ')",
    "name_flat": f"replace({_NAME_CORE}, ' ', '')",
    "name_first": "split_part(name_norm, ' ', 1)",
    "birth_date_swapped": (
        "CASE WHEN substr(birth_date, 9, 2) <= '12' AND substr(birth_date, 9, 2) <> "
        "substr(birth_date, 6, 2) THEN substr(birth_date, 1, 5) || substr(birth_date, 9, 2) "
        "|| '-' || substr(birth_date, 6, 2) END"
    ),
    "birth_year": "CAST(substr(birth_date, 1, 4) AS INTEGER)",
    "birth_md": "substr(birth_date, 6, 5)",
    "nik_head": "CASE WHEN length(nik) >= 12 THEN substr(nik, 1, 12) END",
    "nik_tail": "CASE WHEN length(nik) >= 12 THEN substr(nik, 7) END",
}
FEATURE_COLUMNS = BASE_COLUMNS + tuple(DERIVED_COLUMNS)


def derived_select(alias: str = "") -> str:
    """SELECT list of every feature column from a table of BASE_COLUMNS."""
    prefix = f"{alias}." if alias else ""
    base = [f"{prefix}{c}" for c in BASE_COLUMNS]
    derived = [f"{expr_on(expr, prefix)} AS {name}" for name, expr in DERIVED_COLUMNS.items()]
    return ", ".join(base + derived)


def expr_on(expr: str, prefix: str) -> str:
    """`expr` with base column names qualified by `prefix` (e.g. `r.`)."""
    if not prefix:
        return expr
    return re.sub(
        r"\b(" + "|".join(BASE_COLUMNS) + r")\b(?!\s*\()", lambda m: prefix + m.group(1), expr
    )


class InputError(ValueError):
    """A person file or table that cannot be linked: the message says why."""


@dataclass(frozen=True)
class Records:
    """Rows as tuples with their column names, e.g. from a Django `values_list` query."""

    columns: Sequence[str]
    rows: Iterable[Sequence[Any]]


def _header_key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.replace("\ufeff", "").strip()).upper()


def resolve_columns(header: Sequence[str], what: str = "input") -> dict[str, str]:
    """Canonical name -> the header as written; InputError naming any required column missing."""
    by_key: dict[str, str] = {}
    for name in header:
        by_key.setdefault(_header_key(name), name)
    found: dict[str, str] = {}
    for canonical, aliases in COLUMN_ALIASES.items():
        for alias in aliases:
            if alias in by_key:
                found[canonical] = by_key[alias]
                break
    missing = [c for c in REQUIRED_COLUMNS if c not in found]
    if missing:
        raise InputError(
            f"{what}: missing column(s) {', '.join(missing)} "
            f"(found: {', '.join(header) or 'no header'})"
        )
    return found


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _csv_source(path: Path) -> str:
    # Every column as text: a NIK or KK must never become a number (leading zeros, 16 digits).
    literal = str(path).replace("'", "''")
    return f"read_csv('{literal}', header = true, all_varchar = true, auto_detect = true)"


def read_header(con: duckdb.DuckDBPyConnection, path: str | Path) -> list[str]:
    """The column names of a CSV file, as DuckDB's sniffer reads them."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        rel = con.sql(f"SELECT * FROM {_csv_source(path)} LIMIT 0")
    except duckdb.Error as exc:
        raise InputError(f"{path}: not a readable CSV file ({exc})") from exc
    return list(rel.columns)


def _records_to_arrow(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> pa.Table:
    """Tuples to an Arrow table of strings, in batches so a large query streams."""
    batches = []
    buffer: list[list[Any]] = [[] for _ in columns]
    size = 0

    def flush() -> None:
        nonlocal buffer, size
        arrays = [
            pa.array([None if v is None else str(v) for v in col], pa.string()) for col in buffer
        ]
        batches.append(pa.RecordBatch.from_arrays(arrays, names=list(columns)))
        buffer = [[] for _ in columns]
        size = 0

    for row in rows:
        for i, value in enumerate(row):
            buffer[i].append(value)
        size += 1
        if size >= 100_000:
            flush()
    if size or not batches:
        flush()
    return pa.Table.from_batches(batches)


def _dicts_to_arrow(rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    rows = list(rows)
    header: list[str] = []
    for row in rows:
        for key in row:
            if key not in header:
                header.append(key)
    return _records_to_arrow(header, ([row.get(k) for k in header] for row in rows))


def _register_source(
    con: duckdb.DuckDBPyConnection, source: Any, view: str, what: str
) -> tuple[str, list[str]]:
    """Make `source` queryable; return a FROM clause and its column names."""
    if isinstance(source, str | Path):
        header = read_header(con, source)
        return _csv_source(Path(source)), header
    if isinstance(source, Records):
        source = _records_to_arrow(source.columns, source.rows)
    elif isinstance(source, pa.Table):
        pass
    elif type(source).__module__.startswith("pandas"):
        pass  # DuckDB reads a pandas DataFrame directly
    elif isinstance(source, Iterable):
        source = _dicts_to_arrow(source)
    else:
        raise InputError(f"{what}: unsupported input type {type(source).__name__}")
    con.register(view, source)
    names = source.column_names if isinstance(source, pa.Table) else source.columns
    return view, [str(c) for c in names]


def _digits(expr: str) -> str:
    return f"nullif(regexp_replace(coalesce({expr}, ''), '[^0-9]', '', 'g'), '')"


def _features_sql(raw: str, cols: Mapping[str, str], names: str) -> str:
    def col(name: str) -> str:
        return f"trim(CAST({_quote(cols[name])} AS VARCHAR))" if name in cols else "NULL"

    wilayah = _digits(col("KODE_WILAYAH"))
    date_text = f"nullif({col('TGL_LAHIR')}, '')"
    formats = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d")
    parsed = "coalesce(" + ", ".join(f"try_strptime({date_text}, '{f}')" for f in formats) + ")"
    sex = f"upper({col('JENIS_KELAMIN')})"
    return f"""
    WITH src AS (
        SELECT rowid + 1 AS unique_id,
               {col("ID")} AS raw_id, {_digits(col("NIK"))} AS nik, {col("NAMA")} AS raw_name,
               CAST({parsed} AS DATE) AS bd, {sex} AS raw_sex, {wilayah} AS wilayah,
               {_digits(col("NO_KK"))} AS kk
        FROM {raw}
    )
    SELECT src.unique_id,
           coalesce(nullif(raw_id, ''), 'row-' || src.unique_id) AS record_id,
           nik,
           nm.name_norm,
           strftime(bd, '%Y-%m-%d') AS birth_date,
           CASE WHEN raw_sex IN ('L', 'LK', 'LAKI-LAKI', 'LAKI LAKI', 'LAKI', 'PRIA', 'M') THEN 'L'
                WHEN raw_sex IN ('P', 'PR', 'PEREMPUAN', 'WANITA', 'F', 'W') THEN 'P' END AS sex,
           CASE WHEN length(wilayah) = 10 THEN wilayah END AS village,
           CASE WHEN length(wilayah) >= 6 THEN left(wilayah, 6) END AS district,
           CASE WHEN length(wilayah) >= 4 THEN left(wilayah, 4) END AS regency,
           CASE WHEN kk IS NOT NULL AND kk <> repeat('0', length(kk)) THEN kk END AS kk
    FROM src LEFT JOIN {names} AS nm ON nm.raw_name = src.raw_name
    ORDER BY src.unique_id
    """


def load_features(
    con: duckdb.DuckDBPyConnection, source: Any, table: str, *, what: str = "input"
) -> int:
    """Create table `table` of BASE_COLUMNS from `source`; return its row count.

    Raises InputError for a missing file, an unreadable file or missing required columns.
    """
    from_clause, header = _register_source(con, source, f"{table}__source", what)
    cols = resolve_columns(header, what)
    raw = f"{table}__raw"
    # Materialise only the columns used, in input order (DuckDB keeps insertion order), so
    # the table's rowid is the row's position in the file.
    select = ", ".join(_quote(c) for c in cols.values())
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {raw} AS SELECT {select} FROM {from_clause}")
    except duckdb.Error as exc:
        raise InputError(f"{what}: cannot be read ({exc})") from exc
    names = f"{table}__names"
    distinct = con.sql(
        f"SELECT DISTINCT trim(CAST({_quote(cols['NAMA'])} AS VARCHAR)) AS n FROM {raw} "
        "WHERE n IS NOT NULL"
    ).fetchall()
    raw_names = [n for (n,) in distinct]
    normalized = [normalize_name(n) or None for n in raw_names]
    mapping = pa.table(
        {
            "raw_name": pa.array(raw_names, pa.string()),
            "name_norm": pa.array(normalized, pa.string()),
        }
    )
    con.register(f"{names}__arrow", mapping)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {names} AS SELECT * FROM {names}__arrow")
    con.unregister(f"{names}__arrow")
    con.execute(f"CREATE OR REPLACE TABLE {table} AS {_features_sql(raw, cols, names)}")
    for temp in (raw, names):
        con.execute(f"DROP TABLE IF EXISTS {temp}")
    if from_clause == f"{table}__source":
        con.unregister(from_clause)
    ((count,),) = con.execute(f"SELECT count(*) FROM {table}").fetchall()
    return int(count)
