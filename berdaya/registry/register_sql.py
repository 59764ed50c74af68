"""The SQL side of a register import: indexes, the staging table, moving rows in, the merge.

The rows arrive read and checked, a block of Arrow columns at a time (`register_import`), and
reach the database the fastest way each one offers. PostgreSQL: one COPY, inside the merge
transaction, as the file is read: a first load straight into the empty register (its
secondary indexes and unique constraint dropped and built once at the end, its constant
columns as temporary defaults, ids given from the sequence), a refresh into a temporary
staging table. SQLite: multi-row INSERTs in short transactions while the file is read; a first
load into a table of the register's own shape beside it, which then takes the register's place
in one transaction (the empty register dropped, the loaded table renamed, the indexes built);
a refresh into a temporary staging table, then the merge. The merge of a refresh is set-based
SQL: one join of the file with the register, then updates in place, leavers marked, new rows
inserted, duplicate NIK flags recomputed for the NIKs touched.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
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


def REGISTER_INDEXES(vendor: str) -> dict[str, str]:  # noqa: N802 (a constant per vendor)
    """Every index verification reads the register by (the unique `source_id` is the table's).

    Linking is by exact NIK, birth date (and sex), normalised name, KK and village. On SQLite
    also by regency and `present`, for the region-scoped register lookup. PostgreSQL goes
    without that one: each index is a sort of the whole register after a first load (about a
    second for a million rows, and a low-cardinality key sorts slowest), and the lookup by name
    within a region reads the table in parallel in about the time the index saved it (both
    measured on a million rows: 0.13 s with the index, 0.2-0.27 s without). No trigram index
    here: fuzzy name search is for the people Berdaya serves (`registry_person`), and a GIN
    index would double a first load.
    """
    regency = (
        {
            "registry_register_regency": (
                f"CREATE INDEX IF NOT EXISTS registry_register_regency ON {TABLE} "
                "(regency_code, present)"
            )
        }
        if vendor == "sqlite"
        else {}
    )
    return regency | {
        "registry_register_nik": (
            f"CREATE INDEX IF NOT EXISTS registry_register_nik ON {TABLE} (nik)"
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

    The server parses and stores a block while Python reads the next one. The block goes in
    COPY's text format (tab-separated, unquoted), which the server reads with a fifth less
    work than CSV. Values are read with their whitespace collapsed, so they hold no tab or line
    break; each block is checked for them (and for backslashes) and escaped only when it has
    some. With `first_id`, the rows get ids from it on, in order.

    With `cluster`, the rows of each block are written in that column's order. The index
    builds that follow a first load then sort runs that are partly in order already: with
    the villages' order, the region and village indexes and those of NIK and KK (whose first
    digits are the region's) cost about a quarter less of the server's time.
    """

    def __init__(
        self,
        cursor: Any,
        table: str,
        columns: list[str],
        first_id: int | None = None,
        cluster: str | None = None,
    ):
        import pyarrow.csv as pacsv

        self.columns = columns
        self.next_id = first_id
        self.cluster = cluster
        self.options = pacsv.WriteOptions(
            include_header=False, batch_size=8192, delimiter="\t", quoting_style="none"
        )
        self.write_csv = pacsv.write_csv
        self._copy_cm = cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN")

    def __enter__(self) -> CopyWriter:
        self.copy = self._copy_cm.__enter__()
        return self

    def __exit__(self, *exc: Any) -> Any:
        return self._copy_cm.__exit__(*exc)

    def encode(self, table: pa.Table) -> list[bytes]:
        """The block as COPY data, one piece (called in order: ids are given as rows come)."""
        n = table.num_rows
        if self.cluster:
            table = table.sort_by(self.cluster)
        arrays = []
        for col in self.columns:
            if col == "id":
                arrays.append(pa.array(np.arange(self.next_id, self.next_id + n, dtype=np.int64)))
                self.next_id += n
            else:
                arrays.append(table.column(col))
        try:
            # Arrow's writer is the fastest, but refuses a value with a double quote in it.
            data = self._written(arrays)
        except pa.ArrowInvalid:
            data = _joined(arrays)
        # A tab between columns, a newline after each row and a backslash in each NULL (\N),
        # no other: nothing to escape.
        tabs, lines = n * (len(arrays) - 1), n
        nulls = sum(values.null_count for values in arrays)
        octets = np.frombuffer(data, dtype=np.uint8)  # counted by NumPy: a third of the time
        if (
            np.count_nonzero(octets == ord("\t")) != tabs
            or np.count_nonzero(octets == ord("\n")) != lines
            or np.count_nonzero(octets == ord("\r"))
            or np.count_nonzero(octets == ord("\\")) != nulls
        ):
            data = _joined([_escaped(values) for values in arrays])
        return [data]

    def _written(self, arrays: list) -> bytes:
        buffer = io.BytesIO()
        table = pa.Table.from_arrays([_null_marked(a) for a in arrays], names=self.columns)
        self.write_csv(table, buffer, write_options=self.options)
        return buffer.getvalue()

    def send(self, data: bytes) -> None:
        self.copy.write(data)


def _null_marked(values: Any) -> Any:
    """NULL as COPY's text format writes it (the column then as text)."""
    if not values.null_count:
        return values
    return pc.fill_null(pc.cast(values, pa.string()), "\\N")


def _joined(arrays: list) -> bytes:
    """COPY's text format made by joining the columns: what Arrow's writer would give, for any
    value (it refuses some)."""
    texts = []
    for values in arrays:
        if not pa.types.is_string(values.type):
            values = pc.cast(values, pa.string())
        texts.append(_null_marked(values))
    texts[-1] = pc.binary_join_element_wise(texts[-1], pa.scalar("\n"), "")
    rows = pc.binary_join_element_wise(*texts, "\t")
    if isinstance(rows, pa.ChunkedArray):
        rows = rows.combine_chunks()
    offsets = np.frombuffer(
        rows.buffers()[1], dtype=np.int32, count=len(rows) + 1, offset=4 * rows.offset
    )
    return rows.buffers()[2].slice(offsets[0], offsets[-1] - offsets[0]).to_pybytes()


_COPY_ESCAPES = [("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")]


def _escaped(values: Any) -> Any:
    """A text column with backslash, tab and line breaks escaped as COPY's text format has
    them (the backslash first)."""
    if pa.types.is_string(values.type):
        for char, escape in _COPY_ESCAPES:
            values = pc.replace_substring(values, char, escape)
    return values


class SqliteRows:
    """SQLite: rows go into `into` with executemany, many rows per INSERT statement.

    `encode` (in the reading thread) turns a block into Python values a few thousand rows at
    a time, through NumPy object arrays (cheaper than row tuples); `send` (in the caller's)
    only binds and inserts them, so the two threads share the work, and only a few pieces
    wait in memory as Python objects. Fifty rows per statement spare SQLite and the sqlite3
    module most of their per-statement work.
    """

    ROWS_PER_INSERT = 50
    ROWS_PER_PIECE = 5_000

    def __init__(
        self, cursor: Any, into: str, columns: list[str], constants: dict[str, Any] | None = None
    ):
        self.cursor = cursor
        self.columns = columns
        # Values every row has alike are written into the statement, not bound per row.
        constants = constants or {}
        literals = [_sqlite_literal(value) for value in constants.values()]
        one = "(" + ", ".join(["%s"] * len(columns) + literals) + ")"
        head = f"INSERT INTO {into} ({', '.join([*columns, *constants])}) VALUES "
        self.sql_many = head + ", ".join([one] * self.ROWS_PER_INSERT)
        self.sql_one = head + one

    def encode(self, table: pa.Table) -> Iterator[tuple[list, list]]:
        """The block as pieces of statement parameters (made as they are taken)."""
        for start in range(0, table.num_rows, self.ROWS_PER_PIECE):
            yield self._piece(table.slice(start, self.ROWS_PER_PIECE))

    def _piece(self, table: pa.Table) -> tuple[list, list]:
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
        many = values[:whole].reshape(-1, self.ROWS_PER_INSERT * len(self.columns))
        return many.tolist(), values[whole:].tolist()

    def send(self, piece: tuple[list, list]) -> None:
        many, rest = piece
        if many:
            self.cursor.executemany(self.sql_many, many)
        if rest:
            self.cursor.executemany(self.sql_one, rest)


def _sqlite_literal(value: Any) -> str:
    """A constant as SQLite stores it (as Django would bind it), written into a statement."""
    if isinstance(value, bool) or value is None:
        return {True: "1", False: "0", None: "NULL"}[value]
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        value = connection.ops.adapt_datetimefield_value(value)
    return "'" + str(value).replace("'", "''").replace("%", "%%") + "'"


def first_load_constants(run_id: int, now: dt.datetime) -> dict[str, Any]:
    """The columns every row of a first load has alike."""
    return {
        "nik_duplicate": False,  # set for the few duplicated NIKs at the end
        "present": True,
        "first_import_id": run_id,
        "last_import_id": run_id,
        "changed_at": now,
    }


def first_load_begin(cursor: Any, run_id: int, now: dt.datetime) -> int:
    """PostgreSQL: ready the empty register for a first load in this transaction.

    Its secondary indexes and the unique index on the ID go (built again at the end, once),
    and the columns every row has alike become column defaults for the time of the load, so
    COPY does not parse them a million times. Returns the first id of the rows (the sequence
    is moved past them at the end), so COPY does not call the sequence per row.
    """
    for name in REGISTER_INDEXES(connection.vendor):
        cursor.execute(f"DROP INDEX IF EXISTS {name}")
    cursor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT {UNIQUE_ID}")
    defaults = ", ".join(
        f"ALTER COLUMN {col} SET DEFAULT {_pg_literal(cursor, value)}"
        for col, value in first_load_constants(run_id, now).items()
    )
    cursor.execute(f"ALTER TABLE {TABLE} {defaults}")
    cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{TABLE}', 'id'))")
    return cursor.fetchone()[0]


def _pg_literal(cursor: Any, value: Any) -> str:
    """A constant as SQL (DDL takes no parameters); psycopg quotes it."""
    from psycopg.sql import Literal

    return Literal(value).as_string(cursor.connection)


# --- SQLite: a first load into a table beside the register ------------------------------------
# SQLite has one writer, so a first load cannot hold a transaction open while the file is read
# (progress could not be written meanwhile). The rows go, in short transactions, into a table
# of the register's own shape that nothing else reads; one last transaction puts it in the
# register's place. No row is written twice, and until that transaction commits the register
# is as it was; a load that failed or was killed leaves only that table, dropped by the next
# import (`load_tables`, `load_table_drop`).

LOAD_TABLE = "register_load_"  # + the import's id


def load_table_create(cursor: Any, run_id: int) -> str:
    """SQLite: an empty table shaped exactly like the register (the register's own CREATE
    statement, renamed), its ids continuing the register's. Returns its name."""
    name = f"{LOAD_TABLE}{run_id}"
    cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [TABLE])
    sql = cursor.fetchone()[0]
    head = re.match(rf'\s*CREATE TABLE\s+(["`]?){TABLE}\1\s*\(', sql, re.IGNORECASE)
    if head is None:
        raise RuntimeError(f"unexpected schema of {TABLE}: {sql[:80]}")
    load_table_drop(cursor, name)
    cursor.execute(f'CREATE TABLE "{name}" (' + sql[head.end() :])
    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [TABLE])
    row = cursor.fetchone()
    if row and row[0]:
        cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [name, row[0]])
    return name


def load_tables(cursor: Any) -> list[tuple[str, int]]:
    """SQLite: the load tables there are, with the import each belongs to."""
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE %s",
        [LOAD_TABLE + "%"],
    )
    found = []
    for (name,) in cursor.fetchall():
        suffix = name[len(LOAD_TABLE) :]
        if name.startswith(LOAD_TABLE) and suffix.isdigit():
            found.append((name, int(suffix)))
    return found


def load_table_drop(cursor: Any, name: str) -> None:
    cursor.execute(f'DROP TABLE IF EXISTS "{name}"')
    cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [name])


def load_table_swap(cursor: Any, name: str) -> bool:
    """SQLite, in the transaction that ends a first load: the loaded table becomes the register.

    Only while the register is still empty (else False, and nothing changed): the empty
    register is dropped (its foreign keys, which SQLite resolves by name, then point to the
    new one) and the loaded table renamed in its place; `first_load_end` builds the indexes.
    """
    cursor.execute(f"SELECT 1 FROM {TABLE} LIMIT 1")
    if cursor.fetchone():
        return False
    # Indexes and triggers someone else gave the register go with it: made again below.
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE tbl_name = %s AND type IN ('index', 'trigger') "
        "AND sql IS NOT NULL",
        [TABLE],
    )
    others = [sql for index, sql in cursor.fetchall() if index not in REGISTER_INDEXES("sqlite")]
    cursor.execute("PRAGMA legacy_alter_table")
    legacy = cursor.fetchone()[0]
    # As Django's own table rebuilds do: no rewriting of references in other tables' schema.
    cursor.execute("PRAGMA legacy_alter_table = ON")
    try:
        cursor.execute(f'DROP TABLE "{TABLE}"')
        cursor.execute(f'ALTER TABLE "{name}" RENAME TO "{TABLE}"')
    finally:
        cursor.execute(f"PRAGMA legacy_alter_table = {'ON' if legacy else 'OFF'}")
    for sql in others:
        cursor.execute(sql)
    return True


def first_load_end(cursor: Any, duplicate_niks: list[str]) -> None:
    """Build the indexes once, then flag the NIKs the file has more than once."""
    pg = connection.vendor == "postgresql"
    if pg:
        constant = first_load_constants(0, None)
        cols = ", ".join(f"ALTER COLUMN {col} DROP DEFAULT" for col in constant)
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
    """The staging table (of a refresh; on SQLite of a first load too), temporary: in no WAL,
    seen by no other session, dropped at commit on PostgreSQL."""
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
    # Temporary tables of an earlier import on this connection: SQLite leaves them to the
    # next import; PostgreSQL drops them at commit, unless a test or a caller ran two merges
    # in one outer transaction.
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
    if pg:
        for name in (STAGE, "register_match", "register_touched"):
            cursor.execute(f"DROP TABLE pg_temp.{name}")
    # SQLite keeps them until the connection closes or the next import drops them.
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
