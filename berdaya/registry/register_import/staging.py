"""Staging: the checked blocks of a file become rows to store, block by block.

`stage` reads the file (`reading`), gives each row its ID and row hash, refuses repeated IDs
(the first row kept), counts what it saw, and hands each block to a writer (`encode` in the
reading thread, `send` in the caller's), recording progress after each. A thread reads while
the caller's thread sends, so reading and storing overlap: Arrow, DuckDB and the database
drivers let go of the GIL while they work.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import queue
import threading
from collections.abc import Iterator
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc
from django.utils.translation import gettext as _

from berdaya.registry.columns import FileFormatError, map_headers, open_sheet
from berdaya.registry.register_import import reading
from berdaya.registry.register_import.reading import Block, Refusal
from berdaya.registry.register_sql import DATA_COLUMNS

MAX_REPORTED = 10_000  # refused rows kept in the report; all are counted
DUCKDB_MEMORY = "96MB"  # the IDs and NIKs seen; past that DuckDB spills to disk
REQUIRED = ("NIK", "NAMA", "TGL_LAHIR", "JENIS_KELAMIN", "KODE_WILAYAH")


class Report:
    """Rows that could not be read: counted, and the first MAX_REPORTED kept as CSV text."""

    def __init__(self):
        self.count = 0
        self.buffer = io.StringIO()
        # CRLF, as CSV has it: a cell holding a lone CR is then quoted too.
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")
        self.writer.writerow(["baris", "kolom", "alasan", "isi_baris"])

    def add(self, refusals: list[Refusal]) -> None:
        for line, field, reason, cells in sorted(refusals, key=lambda r: r[0]):
            self.count += 1
            if self.count <= MAX_REPORTED:
                content = "|".join(str(c) for c in cells)[:500]
                self.writer.writerow([line, field, reason, content])

    def text(self) -> str:
        return self.buffer.getvalue() if self.count else ""


def refused_rows(run) -> Iterator[list[str]]:
    yield from csv.reader(io.StringIO(run.refused_report, newline=""))


class Store:
    """What staging knows of the rows so far: each block's missing IDs and row hashes
    (computed by DuckDB, in memory and capped), the IDs and NIKs seen so far. A row whose ID
    was already seen (earlier in the block or in an earlier one) is not staged and is handed
    back to be refused.

    While the IDs come in strictly increasing order (an extract sorted by its ID), no ID can
    repeat and they are only kept; the first block out of order puts them in a DuckDB table
    that each later block is checked against.
    """

    def __init__(self, tmpdir: str, region_filter: str):
        import duckdb

        self.region_filter = region_filter
        self.con = duckdb.connect(
            config={
                "memory_limit": DUCKDB_MEMORY,
                "threads": max(1, min(4, os.cpu_count() or 1)),
                "temp_directory": os.path.join(tmpdir, "spill"),
            }
        )
        self.kept: list[pa.Table] = []  # (source_id, nik) of the rows, while IDs are in order
        self.last_id: str | None = None  # the greatest ID so far, while they are in order
        self.ordered = True
        self.rows = 0
        self.invalid = 0
        self.regions: set[str] = set()
        self.duplicate_niks: list[str] = []
        self.duplicate_rows = 0  # rows whose NIK another row has too

    def _keys(self, table: pa.Table) -> pa.Table:
        """line, source_id and row_hash of each row, in the order of `table`."""
        flag = lambda c: f"CASE WHEN {c} THEN 'True' ELSE 'False' END"  # noqa: E731
        text = {
            "nik_valid": flag("nik_valid"),
            "birth_date": "birth_str",
            "decile": "coalesce(CAST(decile AS VARCHAR), 'None')",
            "disability": flag("disability"),
            "extreme_poverty": flag("extreme_poverty"),
        }
        # The same text as rows.row_hash() hashes, so Python and DuckDB agree on every row.
        hashed = ", ".join(text.get(c, c) for c in DATA_COLUMNS)
        self.con.register("incoming", table)
        keys = self.con.sql(
            f"""SELECT line,
                CASE WHEN source_id = ''
                     THEN 'H' || left(sha1(nik_full || '|' || birth_str || '|' || name_norm), 30)
                     ELSE source_id END AS source_id,
                md5(concat_ws(chr(31), {hashed})) AS row_hash
            FROM incoming"""
        ).to_arrow_table()
        self.con.unregister("incoming")
        return keys

    def _in_order(self, ids: pa.Array) -> bool:
        """Whether the block's IDs are strictly increasing and after all those seen."""
        if not self.ordered or not len(ids):
            return self.ordered
        first = ids[0].as_py()
        if self.last_id is not None and not first > self.last_id:
            return False
        return len(ids) == 1 or pc.all(pc.greater(ids[1:], ids[:-1])).as_py()

    def _to_table(self) -> None:
        """IDs stopped coming in order: from now on they are checked against a table."""
        self.ordered = False
        self.con.execute("CREATE TABLE seen (source_id VARCHAR, nik VARCHAR)")
        for part in self.kept:
            self.con.register("kept", part)
            self.con.execute("INSERT INTO seen SELECT source_id, nik FROM kept")
            self.con.unregister("kept")
        self.kept = []

    def _repeated(self, keys: pa.Table) -> list[tuple[int, str]]:
        ids = pa.table({"line": keys["line"], "source_id": keys["source_id"]})
        self.con.register("ids", ids)
        # The block is the small side of the join: DuckDB builds on it and scans `seen`.
        repeated = self.con.execute(
            """SELECT line, source_id FROM ids
               QUALIFY row_number() OVER (PARTITION BY source_id ORDER BY line) > 1
            UNION
            SELECT i.line, i.source_id FROM ids i JOIN seen s ON s.source_id = i.source_id
            ORDER BY line"""
        ).fetchall()
        self.con.unregister("ids")
        return repeated

    def add(self, table: pa.Table) -> tuple[list[tuple[int, str]], pa.Table]:
        """The block's rows as staged, and (line, ID) of those refused as repeated IDs."""
        if self.region_filter:
            table = table.filter(pc.equal(table["regency_code"], self.region_filter))
        if not table.num_rows:
            return [], table
        keys = self._keys(table)
        if not keys["line"].equals(table["line"]):  # DuckDB keeps the order; make sure
            keys = keys.sort_by("line")
            table = table.sort_by("line")
        ids = keys["source_id"].combine_chunks()
        repeated: list[tuple[int, str]] = []
        if self._in_order(ids):
            self.last_id = ids[-1].as_py()
        else:
            if self.ordered:
                self._to_table()
            repeated = self._repeated(keys)
        staged = table.select(["line", *DATA_COLUMNS])
        staged = staged.add_column(1, "source_id", ids)
        staged = staged.append_column("row_hash", keys["row_hash"])
        if repeated:
            lines = pa.array([r[0] for r in repeated], pa.int32())
            staged = staged.filter(pc.invert(pc.is_in(staged["line"], value_set=lines)))
        seen = staged.select(["source_id", "nik"])
        if self.ordered:
            self.kept.append(seen)
        else:
            self.con.register("kept", seen)
            self.con.execute("INSERT INTO seen SELECT source_id, nik FROM kept")
            self.con.unregister("kept")
        if staged.num_rows:
            self.rows += staged.num_rows
            self.invalid += staged.num_rows - pc.sum(staged["nik_valid"]).as_py()
            self.regions.update(pc.unique(staged["regency_code"]).to_pylist())
        return repeated, staged

    def finish(self) -> None:
        if self.ordered:
            self.con.register("seen", pa.concat_tables(self.kept) if self.kept else _EMPTY_SEEN)
        # Grouped by a hash of the NIK first (a number per row, not a string: a fraction of
        # the memory), then only the few NIKs whose hash repeats, by the NIK itself.
        dups = self.con.execute(
            """SELECT nik, COUNT(*) FROM seen
            WHERE hash(nik) IN (SELECT hash(nik) FROM seen GROUP BY 1 HAVING COUNT(*) > 1)
            GROUP BY nik HAVING COUNT(*) > 1"""
        ).fetchall()
        self.duplicate_niks = [nik for nik, _count in dups]
        self.duplicate_rows = sum(count for _nik, count in dups)
        self.close()

    def close(self) -> None:
        self.kept = []
        try:
            self.con.close()
        except Exception:  # noqa: BLE001 - already closed
            pass


_EMPTY_SEEN = pa.table({"source_id": pa.array([], pa.string()), "nik": pa.array([], pa.string())})


def _sha256(f: IO[bytes]) -> str:
    h = hashlib.sha256()
    for chunk in iter(lambda: f.read(1 << 20), b""):
        h.update(chunk)
    return h.hexdigest()


def _refuse_repeated(repeated, cells_of) -> list[Refusal]:
    return [
        (
            line,
            "ID",
            _("ID %(id)s appears more than once in the file; the first row was kept.")
            % {"id": source_id},
            cells_of(line),
        )
        for line, source_id in repeated
    ]


def stage(run, f: IO[bytes], store: Store, progress, write, writer) -> Store:
    """Read, check and stage the file: each block of staged rows goes to the database through
    `writer` (`encode` makes pieces of it, `send` stores each), and `write` records progress
    outside the merge transaction after each block.

    A thread reads, checks and encodes the file while this one sends the blocks to the
    database, so the two overlap. (A third thread, splitting the checks from the hashing, was
    measured slower on two cores.)
    """
    sheet = open_sheet(f, run.file_name)
    mapped, _unknown = map_headers(sheet.headers)
    missing = [c for c in REQUIRED if c not in mapped]
    if missing:
        raise FileFormatError(
            _("Required columns missing: %(cols)s. Found: %(found)s.")
            % {"cols": ", ".join(missing), "found": ", ".join(str(h) for h in sheet.headers)}
        )
    report = Report()
    if sheet.kind == "csv":
        f.seek(0)
        checked: Iterator[Block] = reading.csv_blocks(run, f, mapped)
    else:
        checked = reading.row_blocks(sheet.rows, mapped)

    def staged_blocks() -> Iterator[tuple[Any, dict[str, Any] | None]]:
        for table, refusals, cells_of, fields in checked:
            repeated, staged = store.add(table)
            report.add(refusals + _refuse_repeated(repeated, cells_of))
            if staged.num_rows:
                for piece in writer.encode(staged):
                    yield piece, None
            yield None, {"rows_read": store.rows, "rows_refused": report.count, **fields}

    try:
        for piece, fields in in_a_thread(staged_blocks()):
            if piece is not None:
                writer.send(piece)
            if fields is not None:
                write(run, **fields)
                if progress:
                    progress(run)
        if sheet.kind != "csv":
            with open(run.file_path, "rb") as again:
                run.sha256 = _sha256(again)
    except BaseException:
        store.close()
        raise
    store.finish()
    regions = [run.region_filter] if run.region_filter else sorted(store.regions)
    write(
        run,
        sha256=run.sha256,
        rows_read=store.rows,
        rows_refused=report.count,
        regions=regions,
        refused_report=report.text(),
    )
    return store


_END = object()


def in_a_thread(blocks: Iterator[Any], ahead: int = 2) -> Iterator[Any]:
    """The items of `blocks`, computed in a thread of their own, at most `ahead` in advance."""
    from django.utils import translation

    items: queue.Queue = queue.Queue(maxsize=ahead)
    stop = threading.Event()
    language = translation.get_language()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                items.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        translation.activate(language)  # refusal reasons in the caller's language
        try:
            for item in blocks:
                if not put(item):
                    return
            put(_END)
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
            put(exc)
        finally:
            close = getattr(blocks, "close", None)
            if close:
                close()  # a generator stops its own threads

    worker = threading.Thread(target=produce, name="register-reader", daemon=True)
    worker.start()
    try:
        while (item := items.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()
