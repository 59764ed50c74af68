"""The SQL side of a register import: indexes, the staging table, moving rows in, the merge.

The rows arrive already read and checked, staged in Arrow (`register_import._Store`). They
reach the database the fastest way each one offers: COPY on PostgreSQL, `executemany` on
SQLite. A first load into an empty register goes straight into the register table, with its
secondary indexes dropped and built once at the end; a refresh stages the rows in a temporary
table and merges them with set-based SQL. Everything here runs inside the merge transaction.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection

TABLE = "registry_registerrecord"
STAGE = "register_stage"
AUDIT_CHANGE = "core_auditchange"

# The columns a register row takes from the file, in this order everywhere: staging table,
# register, and the `row_hash` (a refresh compares hashes to find changed rows).
DATA_COLUMNS = [
    "nik",
    "nik_valid",
    "kk",
    "name",
    "name_norm",
    "birth_place",
    "birth_date",
    "sex",
    "address",
    "village_code",
    "regency_code",
    "decile",
    "relation",
    "occupation",
    "life_status",
    "disability",
    "extreme_poverty",
]
# Before and after of these go to the change table of a refresh.
TRACKED = [
    "nik",
    "name",
    "birth_date",
    "sex",
    "village_code",
    "decile",
    "relation",
    "occupation",
    "life_status",
    "kk",
]
_SQLITE_BATCH = 20_000


def REGISTER_INDEXES(vendor: str) -> dict[str, str]:  # noqa: N802 (a constant per vendor)
    """Every index verification reads the register by (the unique `source_id` is the table's).

    Linking is by exact NIK, birth date (and sex), normalised name and KK; region scope and
    refreshes by regency and `present`. No trigram index here: fuzzy name search is for the
    people Berdaya serves (`registry_person`), and a GIN index would double a first load.
    """
    return {
        "registry_register_nik": (
            f"CREATE INDEX IF NOT EXISTS registry_register_nik ON {TABLE} (nik)"
        ),
        "registry_register_regency": (
            f"CREATE INDEX IF NOT EXISTS registry_register_regency ON {TABLE} "
            "(regency_code, present)"
        ),
        "registry_register_birth": (
            f"CREATE INDEX IF NOT EXISTS registry_register_birth ON {TABLE} (birth_date, sex)"
        ),
        "registry_register_name": (
            f"CREATE INDEX IF NOT EXISTS registry_register_name ON {TABLE} (name_norm)"
        ),
        "registry_register_kk": f"CREATE INDEX IF NOT EXISTS registry_register_kk ON {TABLE} (kk)",
        "registry_register_village": (
            f"CREATE INDEX IF NOT EXISTS registry_register_village ON {TABLE} (village_code)"
        ),
    }


STAGE_COLUMNS = ["line", "source_id", *DATA_COLUMNS, "row_hash"]
FIRST_LOAD_COLUMNS = ["id", "source_id", *DATA_COLUMNS, "row_hash"]
UNIQUE_ID = "registry_register_source_id"  # the constraint on source_id (models.py)


class CopyWriter:
    """PostgreSQL: rows go into `table` through one COPY, block by block, as they are read.

    The server parses and stores a block while Python reads the next one. Arrow writes the
    CSV in C++; empty strings are quoted and NULLs left empty, so COPY tells them apart. With
    `first_id`, the rows get ids from it on, in order.
    """

    def __init__(self, cursor: Any, table: str, columns: list[str], first_id: int | None = None):
        import pyarrow.csv as pacsv

        self.columns = columns
        self.next_id = first_id
        self.options = pacsv.WriteOptions(include_header=False, batch_size=8192)
        self.write_csv = pacsv.write_csv
        self._copy_cm = cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT csv)")

    def __enter__(self) -> CopyWriter:
        self.copy = self._copy_cm.__enter__()
        return self

    def __exit__(self, *exc: Any) -> Any:
        return self._copy_cm.__exit__(*exc)

    def encode(self, table: pa.Table) -> bytes:
        """The block as COPY data (called in order: ids are given as rows come)."""
        n = table.num_rows
        arrays = []
        for col in self.columns:
            if col == "id":
                arrays.append(pa.array(np.arange(self.next_id, self.next_id + n, dtype=np.int64)))
                self.next_id += n
            else:
                arrays.append(table.column(col))
        buffer = io.BytesIO()
        part = pa.Table.from_arrays(arrays, names=self.columns)
        self.write_csv(part, buffer, write_options=self.options)
        return buffer.getvalue()

    def send(self, data: bytes) -> None:
        self.copy.write(data)


class SqliteRows:
    """SQLite: rows go into `into` with executemany, many rows per INSERT statement.

    `encode` turns a block into parameter lists (Arrow to Python objects, through NumPy
    object arrays, which is cheaper than row tuples); `send` inserts them. Fifty rows per
    statement spare SQLite and the sqlite3 module most of their per-statement work.
    """

    ROWS_PER_INSERT = 50

    def __init__(self, cursor: Any, into: str, columns: list[str]):
        self.cursor = cursor
        self.columns = columns
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        head = f"INSERT INTO {into} ({', '.join(columns)}) VALUES "
        self.sql_many = head + ", ".join([one] * self.ROWS_PER_INSERT)
        self.sql_one = head + one

    def encode(self, table: pa.Table) -> tuple[list[list[Any]], list[list[Any]]]:
        n = table.num_rows
        values = np.empty((n, len(self.columns)), dtype=object)
        for i, col in enumerate(self.columns):
            column = table.column(col)
            if pa.types.is_date(column.type):
                column = pc.cast(column, pa.string())  # as Django stores dates in SQLite
            if pa.types.is_string(column.type):
                values[:, i] = column.to_numpy(zero_copy_only=False)  # None for NULL
            else:
                values[:, i] = column.to_pylist()  # Python ints and bools, None for NULL
        whole = n - n % self.ROWS_PER_INSERT
        many = values[:whole].reshape(-1, self.ROWS_PER_INSERT * len(self.columns)).tolist()
        return many, values[whole:].tolist()

    def send(self, encoded: tuple[list[list[Any]], list[list[Any]]]) -> None:
        many, rest = encoded
        if many:
            self.cursor.executemany(self.sql_many, many)
        if rest:
            self.cursor.executemany(self.sql_one, rest)


def _constants(run_id: int, now: dt.datetime) -> dict[str, Any]:
    """The columns every row of a first load has alike."""
    return {
        "nik_duplicate": False,  # set for the few duplicated NIKs at the end
        "present": True,
        "first_import_id": run_id,
        "last_import_id": run_id,
        "changed_at": now,
    }


def first_load_begin(cursor: Any, run_id: int, now: dt.datetime) -> int | None:
    """Ready the empty register for a first load: drop its secondary indexes.

    On PostgreSQL also the unique index on the ID (built again at the end, from rows in ID
    order), and the columns every row has alike become column defaults for the time of the
    load, so COPY does not parse them a million times. Returns the first id of the rows (the
    sequence is moved past them at the end), so COPY does not call the sequence per row.
    """
    for name in REGISTER_INDEXES(connection.vendor):
        cursor.execute(f"DROP INDEX IF EXISTS {name}")
    if connection.vendor != "postgresql":
        return None
    cursor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT {UNIQUE_ID}")
    defaults = ", ".join(
        f"ALTER COLUMN {col} SET DEFAULT {_pg_literal(cursor, value)}"
        for col, value in _constants(run_id, now).items()
    )
    cursor.execute(f"ALTER TABLE {TABLE} {defaults}")
    cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{TABLE}', 'id'))")
    return cursor.fetchone()[0]


def _pg_literal(cursor: Any, value: Any) -> str:
    """A constant as SQL (DDL takes no parameters); psycopg quotes it."""
    from psycopg.sql import Literal

    return Literal(value).as_string(cursor.connection)


def first_load_from_stage(cursor: Any, run_id: int, now: dt.datetime) -> int:
    """SQLite: the staged rows into the empty register in one statement.

    One INSERT ... SELECT costs less than a million single-row inserts into a table with a
    primary key sequence and a unique index to keep.
    """
    constants = _constants(run_id, now)
    marks = ", ".join(["%s"] * len(constants))
    cursor.execute(
        f"""INSERT INTO {TABLE} (source_id, {", ".join(DATA_COLUMNS)}, row_hash,
                                 {", ".join(constants)})
        SELECT source_id, {", ".join(DATA_COLUMNS)}, row_hash, {marks} FROM {STAGE}
        ORDER BY line""",
        list(constants.values()),
    )
    inserted = cursor.rowcount
    cursor.execute(f"DROP TABLE temp.{STAGE}")
    return inserted


def first_load_end(cursor: Any, duplicate_niks: list[str]) -> None:
    """Build the indexes once, then flag the NIKs the file has more than once."""
    pg = connection.vendor == "postgresql"
    if pg:
        cols = ", ".join(f"ALTER COLUMN {col} DROP DEFAULT" for col in _constants(0, None))
        cursor.execute(f"ALTER TABLE {TABLE} {cols}")
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), MAX(id)) FROM {TABLE} "
            "HAVING MAX(id) IS NOT NULL"
        )
        # The sorts of the index builds run in the server; give them room.
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {UNIQUE_ID} UNIQUE (source_id)")
    else:
        # SQLite sorts for an index build with helper threads only when asked.
        cursor.execute("PRAGMA threads = 2")
    for sql in REGISTER_INDEXES(connection.vendor).values():
        cursor.execute(sql)
    if not pg:
        cursor.execute("PRAGMA threads = 0")
    if duplicate_niks:
        # Every row is present after a first load, so these are exactly the duplicates: an
        # UPDATE of their rows through the NIK index, not of the whole table.
        _drop_temp(cursor)
        cursor.execute(
            "CREATE TEMPORARY TABLE register_touched (nik varchar)"
            + (" ON COMMIT DROP" if pg else "")
        )
        cursor.executemany(
            "INSERT INTO register_touched (nik) VALUES (%s)", [(n,) for n in duplicate_niks]
        )
        cursor.execute(
            f"UPDATE {TABLE} SET nik_duplicate = %s "
            "WHERE nik IN (SELECT nik FROM register_touched)",
            [True],
        )
        _drop_temp(cursor)


def stage_begin(cursor: Any) -> None:
    """The staging table of a refresh, temporary: no WAL, no clean-up, dropped at commit."""
    _drop_temp(cursor)
    types = {
        "nik_valid": "boolean",
        "birth_date": "date",
        "decile": "smallint",
        "disability": "boolean",
        "extreme_poverty": "boolean",
    }
    cols = ", ".join(f"{c} {types.get(c, 'varchar')}" for c in DATA_COLUMNS)
    if connection.vendor == "postgresql":
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGE} (line integer, source_id varchar, {cols}, "
            "row_hash varchar) ON COMMIT DROP"
        )
    else:
        # The line is the rowid: the merge finds a staged row by it without another index.
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGE} (line integer PRIMARY KEY, source_id varchar, "
            f"{cols}, row_hash varchar)"
        )


def _drop_temp(cursor: Any) -> None:
    # Temporary tables of an earlier merge in the same session (PostgreSQL drops them at
    # commit, but a test or a caller may run two merges in one outer transaction).
    schema = "pg_temp" if connection.vendor == "postgresql" else "temp"
    for name in (STAGE, "register_match", "register_touched"):
        cursor.execute(f"DROP TABLE IF EXISTS {schema}.{name}")


def _json_pairs(prefix: str) -> str:
    fn = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    inner = ", ".join(f"'{c}', {prefix}.{c}" for c in TRACKED)
    return f"{fn}({inner})"


def refresh(
    cursor: Any,
    *,
    run_id: int,
    event_id: int,
    regions: list[str],
    now: dt.datetime,
) -> dict[str, Any]:
    """Merge the staging table into a register that has rows: update, mark leavers, insert.

    Returns the counts and the ids of records whose data changed (updated or left).
    """
    vendor = connection.vendor
    pg = vendor == "postgresql"
    temp = "TEMPORARY"
    on_commit = " ON COMMIT DROP" if pg else ""
    if pg:
        cursor.execute(f"ANALYZE {STAGE}")
    # One join of the file with the register: which staged row is which record, and whether
    # it changed or came back.
    if pg:
        cursor.execute(
            f"""CREATE {temp} TABLE register_match{on_commit} AS
            SELECT r.id, s.line, s.row_hash <> r.row_hash AS differs, r.present AS was_present
            FROM {STAGE} s JOIN {TABLE} r ON r.source_id = s.source_id"""
        )
        cursor.execute("ANALYZE register_match")
    else:
        cursor.execute(
            f"""CREATE {temp} TABLE register_match (id integer PRIMARY KEY, line integer,
                differs boolean, was_present boolean)"""
        )
        cursor.execute(
            f"""INSERT INTO register_match (id, line, differs, was_present)
            SELECT r.id, s.line, s.row_hash <> r.row_hash, r.present
            FROM {STAGE} s JOIN {TABLE} r ON r.source_id = s.source_id"""
        )
    # NIKs whose duplicate flag may change: those of every row inserted, changed, left or back
    # (a changed row's old NIK too). Only their rows are recomputed.
    cursor.execute(f"CREATE {temp} TABLE register_touched (nik varchar){on_commit}")

    cursor.execute(
        f"""INSERT INTO {AUDIT_CHANGE} (event_id, object_id, change, before, after)
        SELECT %s, CAST(r.id AS VARCHAR(64)), 'updated', {_json_pairs("r")}, {_json_pairs("s")}
        FROM register_match m JOIN {TABLE} r ON r.id = m.id JOIN {STAGE} s ON s.line = m.line
        WHERE m.differs""",
        [event_id],
    )
    updated = cursor.rowcount
    cursor.execute(
        f"""INSERT INTO register_touched (nik)
        SELECT r.nik FROM register_match m JOIN {TABLE} r ON r.id = m.id
        WHERE m.differs OR NOT m.was_present
        UNION SELECT s.nik FROM register_match m JOIN {STAGE} s ON s.line = m.line
        WHERE m.differs OR NOT m.was_present"""
    )
    data = [*DATA_COLUMNS, "row_hash"]
    if pg:
        sets = ", ".join(f"{col} = s.{col}" for col in data)
        cursor.execute(
            f"""UPDATE {TABLE} SET {sets}, present = %s, last_import_id = %s, changed_at = %s
            FROM register_match m JOIN {STAGE} s ON s.line = m.line
            WHERE {TABLE}.id = m.id AND (m.differs OR NOT m.was_present)""",
            [True, run_id, now],
        )
    else:
        # SQLite plans a join UPDATE by scanning the register; this form visits only the rows
        # that change, by rowid.
        cursor.execute(
            f"""UPDATE {TABLE} SET ({", ".join(data)}) = (
                SELECT {", ".join(f"s.{col}" for col in data)} FROM register_match m
                JOIN {STAGE} s ON s.line = m.line WHERE m.id = {TABLE}.id),
                present = %s, last_import_id = %s, changed_at = %s
            WHERE id IN (SELECT id FROM register_match WHERE differs OR NOT was_present)""",
            [True, run_id, now],
        )
    returned = max(0, cursor.rowcount - updated)

    left = 0
    if regions:
        marks = ", ".join(["%s"] * len(regions))
        leavers = f"""{TABLE}.present = %s AND {TABLE}.regency_code IN ({marks})
            AND NOT EXISTS (SELECT 1 FROM register_match m WHERE m.id = {TABLE}.id)"""
        cursor.execute(
            f"""INSERT INTO {AUDIT_CHANGE} (event_id, object_id, change, before, after)
            SELECT %s, CAST(id AS VARCHAR(64)), 'left', NULL, NULL FROM {TABLE}
            WHERE {leavers}""",
            [event_id, True, *regions],
        )
        left = cursor.rowcount
        if left:
            cursor.execute(
                f"INSERT INTO register_touched (nik) SELECT nik FROM {TABLE} WHERE {leavers}",
                [True, *regions],
            )
            cursor.execute(
                f"""UPDATE {TABLE} SET present = %s, changed_at = %s, last_import_id = %s
                WHERE {leavers}""",
                [False, now, run_id, True, *regions],
            )
    cursor.execute(
        f"""SELECT CAST(object_id AS BIGINT) FROM {AUDIT_CHANGE}
        WHERE event_id = %s AND change IN ('updated', 'left')""",
        [event_id],
    )
    changed_ids = [row[0] for row in cursor.fetchall()]

    cols = ", ".join(DATA_COLUMNS)
    scols = ", ".join(f"s.{col}" for col in DATA_COLUMNS)
    new_rows = "NOT EXISTS (SELECT 1 FROM register_match m WHERE m.line = s.line)"
    if not pg:
        cursor.execute("CREATE INDEX temp.register_match_line ON register_match (line)")
    cursor.execute(
        f"""INSERT INTO {TABLE} (source_id, {cols}, row_hash, nik_duplicate, present,
                                 first_import_id, last_import_id, changed_at)
        SELECT s.source_id, {scols}, s.row_hash, %s, %s, %s, %s, %s FROM {STAGE} s
        WHERE {new_rows} ORDER BY s.line""",
        [False, True, run_id, run_id, now],
    )
    inserted = cursor.rowcount
    if inserted:
        cursor.execute(
            f"""INSERT INTO {AUDIT_CHANGE} (event_id, object_id, change, before, after)
            SELECT %s, CAST(id AS VARCHAR(64)), 'created', NULL, NULL FROM {TABLE}
            WHERE first_import_id = %s""",
            [event_id, run_id],
        )
        cursor.execute(
            f"INSERT INTO register_touched (nik) SELECT s.nik FROM {STAGE} s WHERE {new_rows}"
        )
    # A NIK is a duplicate when two present rows carry it; a row that left keeps the flag of
    # its NIK among the present ones.
    cursor.execute(
        f"""UPDATE {TABLE} SET nik_duplicate = (nik IN (
                SELECT r.nik FROM {TABLE} r WHERE r.present = %s
                  AND r.nik IN (SELECT nik FROM register_touched)
                GROUP BY r.nik HAVING COUNT(*) > 1))
        WHERE nik IN (SELECT nik FROM register_touched)""",
        [True],
    )
    for name in (STAGE, "register_match", "register_touched"):
        cursor.execute(f"DROP TABLE {'pg_temp' if pg else 'temp'}.{name}")
    return {
        "updated": updated,
        "returned": returned,
        "left": left,
        "inserted": inserted,
        "changed_ids": changed_ids,
    }


def duplicates_of_run(cursor: Any, run_id: int) -> int:
    cursor.execute(
        f"SELECT COUNT(*) FROM {TABLE} WHERE nik_duplicate = %s AND last_import_id = %s",
        [True, run_id],
    )
    return cursor.fetchone()[0]
