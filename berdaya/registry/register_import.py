"""Loading and refreshing the national register (DTKS/DTSEN) from an extract.

Reading. A CSV is read by Arrow's CSV reader in blocks of a few megabytes and checked column
by column. The rules for a row are written once, in `parse_register_row` and the cell readers
it calls: the column-wise reader applies those same readers once per distinct value of a
column (registers repeat birth dates, villages, occupations and names a great deal), takes
plain digits and plain ASCII text as they are, checks NIKs with vectorised arithmetic that the
tests hold equal to `parse_nik`, and hands every row it does not accept to
`parse_register_row` itself, which decides and says why. XLSX files are read row by row.
DuckDB, in memory and capped, computes missing IDs and row hashes and finds repeated IDs.

Merging, in one transaction (`register_sql`). A first load goes straight into the empty
register, its secondary indexes dropped and built once at the end; a refresh goes through a
temporary staging table and set-based SQL that updates rows in place, marks the rows of the
file's regions that left the extract and inserts new ones. One audit event names the import;
the per-row changes go to the audit change table. On PostgreSQL the blocks stream into the
transaction through COPY as they are read (the server stores one while Python reads the
next), and progress is written through a second connection; on SQLite, which has one writer,
the blocks go to the temporary staging table in short transactions of their own, with the
progress between them, and the merge follows. Either way the page shows progress while the
file is read, and memory stays bounded: a few blocks in memory at a time.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import os
import queue
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection, connections, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.core.audit import audit_record
from berdaya.linkage.names import normalize_name
from berdaya.regions.codes import normalize_code, regency_codes
from berdaya.registry import register_sql
from berdaya.registry.columns import (
    LIFE_VALUES,
    RELATION_VALUES,
    SEX_VALUES,
    CellError,
    FileFormatError,
    _sniff_delimiter,
    map_headers,
    open_sheet,
    read_choice,
    read_date,
    read_decile,
    read_flag,
    read_id_number,
    read_text,
)
from berdaya.registry.models import RegisterImport, RegisterRecord
from berdaya.registry.nik import NikError, parse_nik
from berdaya.registry.register_sql import DATA_COLUMNS, TRACKED  # noqa: F401 (public names)

BLOCK_BYTES = 4 << 20  # CSV read per block: about 25,000 register rows
READ_AHEAD = 2  # blocks Arrow may read ahead of the one being checked
XLSX_BATCH = 20_000
MAX_REPORTED = 10_000  # refused rows kept in the report; all are counted
DUCKDB_MEMORY = "96MB"  # the IDs and NIKs seen; past that DuckDB spills to disk
_CACHE_LIMIT = 300_000  # distinct values remembered per column
REQUIRED = ("NIK", "NAMA", "TGL_LAHIR", "JENIS_KELAMIN", "KODE_WILAYAH")

# Sent after a merge commits, with the ids of register records whose data changed (updated or
# left): verification re-checks the open proposals linked to them.
register_changed = Signal()

_norm_cache: dict[str, str] = {}


def _name_norm(name: str) -> str:
    # Registers repeat names a great deal; the cache is bounded so memory stays flat.
    value = _norm_cache.get(name)
    if value is None:
        value = normalize_name(name)
        if len(_norm_cache) < 200_000:
            _norm_cache[name] = value
    return value


class RowRefused(ValueError):
    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field = field
        self.reason = reason


# --- One row: the rules ---------------------------------------------------------------------
# Each reader takes the raw cell (None when the file has no such column) and returns what is
# stored, or raises RowRefused naming the field. The column-wise reader calls these same
# functions, so a rule changed here changes both.


def _cell(field: str, fn: Callable[..., Any], *args: Any) -> Any:
    try:
        return fn(*args)
    except CellError as exc:
        raise RowRefused(field, str(exc)) from None


def read_nik_cell(value: Any) -> str:
    nik = _cell("NIK", read_id_number, value, "NIK")
    if not nik:
        raise RowRefused("NIK", _("NIK is empty."))
    return nik


def read_name_cell(value: Any) -> tuple[str, str]:
    """The name as stored and its normalised form."""
    name = read_text(value)
    if not name:
        raise RowRefused("NAMA", _("NAMA is empty."))
    return name[:150], _name_norm(name)[:150]


def read_birth_cell(value: Any) -> dt.date | None:
    return _cell("TGL_LAHIR", read_date, value, "TGL_LAHIR")


def read_sex_cell(value: Any) -> str:
    return _cell("JENIS_KELAMIN", read_choice, value, SEX_VALUES, "JENIS_KELAMIN")


def read_region_cell(value: Any) -> str:
    raw_code = read_text(value)
    code = normalize_code(raw_code)
    if not code or len(code) < 5:
        raise RowRefused(
            "KODE_WILAYAH",
            _("KODE_WILAYAH %(value)s is not a region code.") % {"value": raw_code or "-"},
        )
    return code


def read_decile_cell(value: Any) -> int | None:
    return _cell("DESIL", read_decile, value)


def read_relation_cell(value: Any) -> str:
    relation_raw = read_text(value).upper()
    return RELATION_VALUES.get(relation_raw, relation_raw)[:30]


def read_life_cell(value: Any) -> str:
    life_raw = read_text(value).upper()
    life = LIFE_VALUES.get(life_raw, "HIDUP" if not life_raw else None)
    if life is None:
        raise RowRefused(
            "STATUS_HIDUP",
            _("STATUS_HIDUP %(value)s is not HIDUP or MENINGGAL.") % {"value": life_raw},
        )
    return life


def read_disability_cell(value: Any) -> bool:
    return _cell("DISABILITAS", read_flag, value, "DISABILITAS")


def read_extreme_cell(value: Any) -> bool:
    return _cell("KEMISKINAN_EKSTREM", read_flag, value, "KEMISKINAN_EKSTREM")


def read_kk_cell(value: Any) -> str:
    return _cell("NO_KK", read_id_number, value, "NO_KK")


def read_place_cell(value: Any) -> str:
    return read_text(value)[:100]


def read_address_cell(value: Any) -> str:
    return read_text(value)[:255]


def read_occupation_cell(value: Any) -> str:
    return read_text(value).upper()[:80]


def read_id_cell(value: Any) -> str:
    return read_text(value)[:64]


def nik_is_valid(nik: str, birth: dt.date | None) -> bool:
    try:
        parse_nik(nik, birth_date_hint=birth)
    except NikError:
        return False
    return True


def key_source_id(nik: str, birth: dt.date | None, name_norm: str) -> str:
    # Without the extract's ID a row is known by who it is.
    key = f"{nik}|{birth}|{name_norm}"
    return "H" + hashlib.sha1(key.encode()).hexdigest()[:30]


def row_hash(row: dict[str, Any]) -> str:
    return hashlib.md5(
        "\x1f".join(str(row[c]) for c in DATA_COLUMNS).encode(), usedforsecurity=False
    ).hexdigest()


def parse_register_row(cells: dict[str, Any]) -> dict[str, Any]:
    """A register row as stored, or RowRefused naming the field when it cannot be read."""
    nik = read_nik_cell(cells.get("NIK"))
    name, name_norm = read_name_cell(cells.get("NAMA"))
    birth = read_birth_cell(cells.get("TGL_LAHIR"))
    sex = read_sex_cell(cells.get("JENIS_KELAMIN"))
    code = read_region_cell(cells.get("KODE_WILAYAH"))
    decile = read_decile_cell(cells.get("DESIL"))
    relation = read_relation_cell(cells.get("HUBUNGAN_KELUARGA"))
    life = read_life_cell(cells.get("STATUS_HIDUP"))
    disability = read_disability_cell(cells.get("DISABILITAS"))
    extreme = read_extreme_cell(cells.get("KEMISKINAN_EKSTREM"))
    kk = read_kk_cell(cells.get("NO_KK"))
    row = {
        "nik": nik[:32],
        "nik_valid": nik_is_valid(nik, birth),
        "kk": kk[:32],
        "name": name,
        "name_norm": name_norm,
        "birth_place": read_place_cell(cells.get("TEMPAT_LAHIR")),
        "birth_date": birth,
        "sex": sex,
        "address": read_address_cell(cells.get("ALAMAT")),
        "village_code": code,
        "regency_code": code[:5],
        "decile": decile,
        "relation": relation,
        "occupation": read_occupation_cell(cells.get("PEKERJAAN")),
        "life_status": life,
        "disability": disability,
        "extreme_poverty": extreme,
    }
    row["source_id"] = read_id_cell(cells.get("ID")) or key_source_id(nik, birth, name_norm)
    row["row_hash"] = row_hash(row)
    return row


# --- Services ---------------------------------------------------------------------------------


def register_import_create(
    *, actor: Any, path: str, file_name: str = "", region: str = ""
) -> RegisterImport:
    """Record an import about to run (the page queues it; the command runs it at once)."""
    from berdaya.accounts.scope import require

    require(actor, "register.import")
    region_code = ""
    if region:
        region_code = normalize_code(region) or ""
        if len(region_code) != 5:
            raise CellError(
                _("--region %(value)s is not a regency/city code such as 64.72.")
                % {"value": region}
            )
    return RegisterImport.objects.create(
        file_name=file_name or os.path.basename(path),
        file_path=str(path),
        total_bytes=os.path.getsize(path),
        region_filter=region_code,
        started_by=actor if getattr(actor, "pk", None) else None,
    )


def register_import_run(
    import_id: int, progress: Callable[[RegisterImport], None] | None = None
) -> RegisterImport:
    """Run a recorded import: stage, merge, report. Safe to run again after a crash."""
    run = RegisterImport.objects.get(pk=import_id)
    tmpdir = tempfile.mkdtemp(prefix="berdaya-register-")
    try:
        _set(run, status=RegisterImport.Status.STAGING)
        with open(run.file_path, "rb") as f:
            if connection.vendor == "postgresql":
                changed_ids = _load_streaming(run, f, tmpdir, progress)
            else:
                changed_ids = _load_staged(run, f, tmpdir, progress)
        _set(
            run,
            status=RegisterImport.Status.DONE,
            finished_at=timezone.now(),
            read_bytes=run.total_bytes,
        )
    except (FileFormatError, CellError, OSError) as exc:
        _set(run, status=RegisterImport.Status.FAILED, error=str(exc), finished_at=timezone.now())
        return run
    except BaseException as exc:
        _set(
            run,
            status=RegisterImport.Status.FAILED,
            error=repr(exc)[:2000],
            finished_at=timezone.now(),
        )
        raise
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    if changed_ids:
        responses = register_changed.send(
            sender=RegisterRecord, import_run=run, record_ids=changed_ids
        )
        reverified = sum(r for _fn, r in responses if isinstance(r, int))
        _set(run, reverified=reverified)
    if progress:
        progress(run)
    return run


def _set(run: RegisterImport, **fields: Any) -> None:
    """Progress is written outside the merge transaction, so pages can show it meanwhile."""
    for k, v in fields.items():
        setattr(run, k, v)
    RegisterImport.objects.filter(pk=run.pk).update(**fields)


class _SideWriter:
    """Progress written through a connection of its own, in autocommit, while the merge
    transaction is open on the main one (PostgreSQL loads the file inside it). It must write
    before the merge transaction touches the import's row, or it would wait for its lock."""

    def __init__(self):
        main = connections[connection.alias]
        self.conn = main.__class__(main.settings_dict, alias=main.alias)
        self.table = RegisterImport._meta.db_table

    def __call__(self, run: RegisterImport, **fields: Any) -> None:
        conn = self.conn
        sets, values = [], []
        for name, value in fields.items():
            setattr(run, name, value)
            field = RegisterImport._meta.get_field(name)
            sets.append(f"{conn.ops.quote_name(field.column)} = %s")
            values.append(field.get_db_prep_save(value, connection=conn))
        with conn.cursor() as c:
            c.execute(f"UPDATE {self.table} SET {', '.join(sets)} WHERE id = %s", [*values, run.pk])

    def close(self) -> None:
        self.conn.close()


# --- Staging ------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _read_birth_iso(value: Any) -> dt.date | None:
    """read_birth_cell, without strptime for a plain ISO date (what strptime would return)."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date(int(value[:4]), int(value[5:7]), int(value[8:10]))
        except ValueError:
            pass
    return read_birth_cell(value)


# (column, reader, Arrow types of what it returns) for the columns read once per distinct value.
_MAPPED: list[tuple[str, Callable[[Any], Any], tuple[pa.DataType, ...]]] = [
    ("NAMA", read_name_cell, (pa.string(), pa.string())),
    ("TGL_LAHIR", _read_birth_iso, (pa.date32(), pa.string())),
    ("JENIS_KELAMIN", read_sex_cell, (pa.string(),)),
    ("KODE_WILAYAH", read_region_cell, (pa.string(), pa.string())),
    ("DESIL", read_decile_cell, (pa.int16(),)),
    ("HUBUNGAN_KELUARGA", read_relation_cell, (pa.string(),)),
    ("STATUS_HIDUP", read_life_cell, (pa.string(),)),
    ("DISABILITAS", read_disability_cell, (pa.bool_(),)),
    ("KEMISKINAN_EKSTREM", read_extreme_cell, (pa.bool_(),)),
    ("PEKERJAAN", read_occupation_cell, (pa.string(),)),
    ("TEMPAT_LAHIR", read_place_cell, (pa.string(),)),
]
# Columns of unique values, taken as they are when they match the pattern (read_text and
# read_id_number leave such a value unchanged), else read per value like the others.
_PLAIN_TOKEN = r"^[!-~]+$"  # printable ASCII without spaces
_PLAIN_TEXT = r"^[!-~]+(?: [!-~]+)*$"  # ... words separated by one space
_PLAIN_DIGITS = "digits"  # ASCII digits only (ascii_is_decimal: faster than a pattern)
_PLAIN: list[tuple[str, Callable[[Any], Any], str, int]] = [
    ("NIK", read_nik_cell, _PLAIN_DIGITS, 0),
    ("NO_KK", read_kk_cell, _PLAIN_DIGITS, 32),
    ("ID", read_id_cell, _PLAIN_TOKEN, 64),
    ("ALAMAT", read_address_cell, _PLAIN_TEXT, 255),
]
# Readers return the stored value; these give the extra outputs some columns have.
_OUTPUTS: dict[str, Callable[[Any], tuple]] = {
    "TGL_LAHIR": lambda d: (d, str(d)),
    "KODE_WILAYAH": lambda code: (code, code[:5]),
}
STAGED_SCHEMA = pa.schema(
    [
        ("line", pa.int32()),
        ("source_id", pa.string()),
        ("nik_full", pa.string()),
        ("nik", pa.string()),
        ("nik_valid", pa.bool_()),
        ("kk", pa.string()),
        ("name", pa.string()),
        ("name_norm", pa.string()),
        ("birth_place", pa.string()),
        ("birth_date", pa.date32()),
        ("birth_str", pa.string()),
        ("sex", pa.string()),
        ("address", pa.string()),
        ("village_code", pa.string()),
        ("regency_code", pa.string()),
        ("decile", pa.int16()),
        ("relation", pa.string()),
        ("occupation", pa.string()),
        ("life_status", pa.string()),
        ("disability", pa.bool_()),
        ("extreme_poverty", pa.bool_()),
    ]
)


class _ColumnReader:
    """A cell reader applied once per distinct value of a column, remembering the answers.

    The values already answered are an Arrow array: a block looks its cells up there in one
    vectorised step, and only values never seen before reach Python.
    """

    def __init__(self, fn: Callable[[Any], Any], types: tuple[pa.DataType, ...], outputs=None):
        self.fn = fn
        self.types = types
        self.outputs = outputs or (lambda v: (v,) if len(types) == 1 else v)
        self._reset()

    def _reset(self) -> None:
        self.keys: list[Any] = []
        self.answers: list[list[Any]] = [[] for _ in self.types]
        self.oks: list[bool] = []
        self.arrays: tuple[pa.Array, list[pa.Array], pa.Array] | None = None

    def answer(self, value: Any) -> tuple | None:
        try:
            return self.outputs(self.fn(value))
        except RowRefused:
            return None  # the row is read by parse_register_row, which says why

    def constant(self, n: int) -> tuple[list[pa.Array], pa.Array]:
        """The column is not in the file: every row has what an absent cell gives."""
        result = self.answer(None)
        ok = pa.array(np.full(n, result is not None))
        values = result or (None,) * len(self.types)
        return [pa.array([v] * n, t) for v, t in zip(values, self.types, strict=True)], ok

    def _learn(self, values: list[Any]) -> None:
        if len(self.keys) + len(values) > _CACHE_LIMIT:
            self._reset()
        for value in values:
            result = self.answer(value)
            self.keys.append(value)
            self.oks.append(result is not None)
            for i, out in enumerate(self.answers):
                out.append(None if result is None else result[i])
        self.arrays = None

    def _index(self, column: pa.Array) -> pa.Array:
        if self.arrays is None:
            self.arrays = (
                pa.array(self.keys, pa.string()),
                [pa.array(a, t) for a, t in zip(self.answers, self.types, strict=True)],
                pa.array(self.oks, pa.bool_()),
            )
        return pc.index_in(column, value_set=self.arrays[0])

    def apply(self, column: pa.Array) -> tuple[list[pa.Array], pa.Array]:
        index = self._index(column)
        if index.null_count:
            new = pc.unique(column.filter(pc.is_null(index)))
            self._learn(new.to_pylist())
            index = self._index(column)
            if index.null_count:  # the cache was full and started again with this block
                self._learn(pc.unique(column.filter(pc.is_null(index))).to_pylist())
                index = self._index(column)
        _keys, outs, ok = self.arrays
        return [pc.take(o, index) for o in outs], pc.take(ok, index)

    def apply_plain(self, column: pa.Array, pattern: str, width: int) -> tuple[pa.Array, pa.Array]:
        """Values matching `pattern` are kept (cut to `width`); the others are read one by one."""
        if pattern == _PLAIN_DIGITS:
            plain = pc.ascii_is_decimal(column)
        else:
            plain = pc.match_substring_regex(column, pattern)
        # Cut only when some value is longer (bytes are at least as many as characters).
        cut = width and pc.max(pc.binary_length(column)).as_py() > width
        values = pc.utf8_slice_codeunits(column, 0, width) if cut else column
        if pc.all(plain).as_py():
            return values, plain
        other = pc.invert(plain)
        (read,), ok = self.apply(column.filter(other))
        if width:
            read = pc.utf8_slice_codeunits(read, 0, width)
        values = pc.replace_with_mask(values, other, read)
        return values, pc.replace_with_mask(plain, other, ok)


class _NikCheck:
    """`parse_nik`'s verdict, column-wise (tests check the two agree on generated NIKs).

    A NIK is valid when it has 16 digits, a known regency in its first four, a serial other
    than 0000 in its last four, and a possible birth date in digits 7-12: day 01-31 (41-71 for
    women), month 01-12, the day within the month in some year, and a year, among the row's
    birth year (when its last two digits agree), 20YY and 19YY, where that date exists and is
    not after today.
    """

    # Days of each month in a leap year (index 0 unused): the most the month can ever have.
    _MAX_DAYS = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])

    def __init__(self):
        self.regencies = np.array(sorted(int(code) for code in regency_codes()), dtype=np.int64)
        today = dt.date.today()
        self.today = (today.year, today.month, today.day)

    def _exists_by_today(self, year, month, day):
        leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
        days = np.where(month == 2, np.where(leap, 29, 28), self._MAX_DAYS[month])
        ty, tm, td = self.today
        by_today = (year < ty) | ((year == ty) & ((month < tm) | ((month == tm) & (day <= td))))
        return (day <= days) & by_today

    def apply(self, nik: pa.Array, birth: pa.Array) -> pa.Array:
        shape = pc.and_(pc.ascii_is_decimal(nik), pc.equal(pc.binary_length(nik), 16))
        shape = pc.fill_null(shape, False).to_numpy(zero_copy_only=False)
        # Sixteen ASCII digits a row: the digits as a NumPy matrix, without a string slice.
        fixed = pc.cast(pc.if_else(shape, nik, "0000000000000000"), pa.binary(16))
        digit = np.frombuffer(
            fixed.buffers()[1], dtype=np.uint8, count=16 * len(fixed), offset=16 * fixed.offset
        ).reshape(-1, 16).astype(np.int64) - ord("0")

        def number(start: int, width: int = 2) -> np.ndarray:
            out = np.zeros(len(digit), dtype=np.int64)
            for i in range(start, start + width):
                out = out * 10 + digit[:, i]
            return out

        day_field, month, yy = number(6), number(8), number(10)
        male = (day_field >= 1) & (day_field <= 31)
        female = (day_field >= 41) & (day_field <= 71)
        day = np.where(female, day_field - 40, day_field)
        month_ok = (month >= 1) & (month <= 12)
        month = np.where(month_ok, month, 1)
        date_ok = (male | female) & month_ok & (day <= self._MAX_DAYS[month])
        hint = pc.fill_null(pc.year(birth), -1).to_numpy(zero_copy_only=False)
        by_hint = (hint >= 0) & (hint % 100 == yy) & self._exists_by_today(hint, month, day)
        date_ok &= (
            by_hint
            | self._exists_by_today(2000 + yy, month, day)
            | self._exists_by_today(1900 + yy, month, day)
        )
        known = np.isin(number(0, 4), self.regencies)
        serial = number(12, 4) != 0
        return pa.array(shape & known & serial & date_ok)


class _Report:
    """Rows that could not be read: counted, and the first MAX_REPORTED kept as CSV text."""

    def __init__(self):
        self.count = 0
        self.buffer = io.StringIO()
        # CRLF, as CSV has it: a cell holding a lone CR is then quoted too.
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")
        self.writer.writerow(["baris", "kolom", "alasan", "isi_baris"])

    def add(self, refusals: list[tuple[int, str, str, list[Any]]]) -> None:
        for line, field, reason, cells in sorted(refusals, key=lambda r: r[0]):
            self.count += 1
            if self.count <= MAX_REPORTED:
                content = "|".join(str(c) for c in cells)[:500]
                self.writer.writerow([line, field, reason, content])

    def text(self) -> str:
        return self.buffer.getvalue() if self.count else ""


class _Store:
    """What staging knows of the rows so far, with DuckDB (in memory, capped) for the work
    that needs every row: each block's missing IDs and row hashes, and the IDs and NIKs seen
    so far. A row whose ID was already seen (earlier in the block or in an earlier one) is
    not staged and is handed back to be refused.
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
        self.con.execute("CREATE TABLE seen (source_id VARCHAR, nik VARCHAR)")
        self.rows = 0
        self.invalid = 0
        self.regions: set[str] = set()
        self.duplicate_niks: list[str] = []

    def add(self, table: pa.Table) -> tuple[list[tuple[int, str]], pa.Table]:
        """The block's rows as staged, and (line, ID) of those refused as repeated IDs."""
        if self.region_filter:
            table = table.filter(pc.equal(table["regency_code"], self.region_filter))
        if not table.num_rows:
            return [], table
        con = self.con
        flag = lambda c: f"CASE WHEN {c} THEN 'True' ELSE 'False' END"  # noqa: E731
        text = {
            "nik_valid": flag("nik_valid"),
            "birth_date": "birth_str",
            "decile": "coalesce(CAST(decile AS VARCHAR), 'None')",
            "disability": flag("disability"),
            "extreme_poverty": flag("extreme_poverty"),
        }
        # The same text as row_hash() hashes, so Python and DuckDB agree on every row.
        hashed = ", ".join(text.get(c, c) for c in DATA_COLUMNS)
        con.register("incoming", table)
        keys = con.sql(
            f"""SELECT line,
                CASE WHEN source_id = ''
                     THEN 'H' || left(sha1(nik_full || '|' || birth_str || '|' || name_norm), 30)
                     ELSE source_id END AS source_id,
                md5(concat_ws(chr(31), {hashed})) AS row_hash
            FROM incoming"""
        ).to_arrow_table()
        con.unregister("incoming")
        if not keys["line"].equals(table["line"]):  # DuckDB keeps the order; make sure
            keys = keys.sort_by("line")
            table = table.sort_by("line")
        ids = pa.table({"line": keys["line"], "source_id": keys["source_id"]})
        con.register("ids", ids)
        # The block is the small side of the join: DuckDB builds on it and scans `seen`.
        repeated = con.execute(
            """SELECT line, source_id FROM ids
               QUALIFY row_number() OVER (PARTITION BY source_id ORDER BY line) > 1
            UNION
            SELECT i.line, i.source_id FROM ids i JOIN seen s ON s.source_id = i.source_id
            ORDER BY line"""
        ).fetchall()
        con.unregister("ids")
        staged = table.select(["line", *DATA_COLUMNS])
        staged = staged.add_column(1, "source_id", keys["source_id"])
        staged = staged.append_column("row_hash", keys["row_hash"])
        if repeated:
            lines = pa.array([r[0] for r in repeated], pa.int32())
            staged = staged.filter(pc.invert(pc.is_in(staged["line"], value_set=lines)))
        con.register("kept", staged.select(["source_id", "nik"]))
        con.execute("INSERT INTO seen SELECT source_id, nik FROM kept")
        con.unregister("kept")
        if staged.num_rows:
            self.rows += staged.num_rows
            self.invalid += staged.num_rows - pc.sum(staged["nik_valid"]).as_py()
            self.regions.update(pc.unique(staged["regency_code"]).to_pylist())
        return repeated, staged

    def finish(self) -> None:
        dups = self.con.execute("SELECT nik FROM seen GROUP BY nik HAVING COUNT(*) > 1")
        self.duplicate_niks = [r[0] for r in dups.fetchall()]
        self.con.close()

    def close(self) -> None:
        try:
            self.con.close()
        except Exception:  # noqa: BLE001 - already closed
            pass


class _Utf8Stream(io.RawIOBase):
    """The file's text re-encoded as UTF-8 for Arrow, decoded exactly as Python reads it
    (UTF-8 with or without BOM, else Windows-1252; undecodable bytes replaced). Counts the
    bytes read for progress and hashes them for the import's SHA-256.

    Arrow's streaming reader reads ahead in a thread of its own, up to 32 blocks, which would
    hold much of a large file in memory; `allow` lets it run only a few blocks ahead of the
    blocks taken (a timeout keeps an odd file, with a row longer than that, from stalling).
    """

    def __init__(self, raw: IO[bytes], encoding: str, ahead: int):
        self.raw = raw
        self.decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self.pending = memoryview(b"")
        self.done = False
        self.position = 0  # bytes of the file read
        self.given = 0  # bytes handed to Arrow
        self.allowed = ahead
        self.ahead = ahead
        self.sha256 = hashlib.sha256()
        self.turn = threading.Condition()

    def readable(self) -> bool:
        return True

    def taken(self, blocks: int) -> None:
        with self.turn:
            self.allowed = self.ahead + blocks * BLOCK_BYTES
            self.turn.notify_all()

    def readinto(self, buffer: Any) -> int:
        with self.turn:
            self.turn.wait_for(lambda: self.given < self.allowed, timeout=0.5)
        while not self.pending and not self.done:
            chunk = self.raw.read(1 << 20)
            self.position += len(chunk)
            self.sha256.update(chunk)
            text = self.decoder.decode(chunk, final=not chunk)
            self.done = not chunk
            self.pending = memoryview(text.encode("utf-8"))
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        self.given += n
        return n


def _csv_dialect(f: IO[bytes]) -> tuple[str, str]:
    """Encoding and delimiter, decided as `columns.open_sheet` decides them."""
    sample = f.read(65536)
    f.seek(0)
    encoding = "utf-8-sig"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:
            encoding = "cp1252"
    first = codecs.getreader(encoding)(io.BytesIO(sample), errors="replace").readline()
    f.seek(0)
    return encoding, _sniff_delimiter(first)


def _stage(run: RegisterImport, f: IO[bytes], store: _Store, progress, write, writer) -> _Store:
    """Read, check and stage the file: each block of staged rows goes to the database through
    `writer` (`encode`, then `send`), and `write` records progress outside the merge
    transaction after each block.

    A thread reads, checks and encodes the file while this one sends the blocks to the
    database, so the two overlap: Arrow, DuckDB and the database drivers let go of the GIL
    while they work.
    """
    sheet = open_sheet(f, run.file_name)
    mapped, _unknown = map_headers(sheet.headers)
    missing = [c for c in REQUIRED if c not in mapped]
    if missing:
        raise FileFormatError(
            _("Required columns missing: %(cols)s. Found: %(found)s.")
            % {"cols": ", ".join(missing), "found": ", ".join(str(h) for h in sheet.headers)}
        )
    report = _Report()
    if sheet.kind == "csv":
        f.seek(0)
        blocks = _csv_blocks(run, f, mapped, store, report)
    else:
        blocks = _row_blocks(sheet.rows, mapped, store, report)
    encoded = (
        (writer.encode(staged) if staged.num_rows else None, fields) for staged, fields in blocks
    )
    try:
        for data, fields in _in_a_thread(encoded):
            if data is not None:
                writer.send(data)
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


def _in_a_thread(blocks: Iterator[Any], ahead: int = 2) -> Iterator[Any]:
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


def _sha256(f: IO[bytes]) -> str:
    h = hashlib.sha256()
    for chunk in iter(lambda: f.read(1 << 20), b""):
        h.update(chunk)
    return h.hexdigest()


def _refuse_repeated(repeated, cells_of) -> list[tuple[int, str, str, list[Any]]]:
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


def _rows_table(rows: list[tuple[int, dict[str, Any]]]) -> pa.Table:
    """Rows read by parse_register_row, in the shape of the column-wise reader's blocks."""
    records = []
    for line, row in rows:
        record = dict(row)
        record["line"] = line
        record["nik_full"] = row["nik"]
        record["birth_str"] = str(row["birth_date"])
        records.append(record)
    return pa.Table.from_pylist(records, schema=STAGED_SCHEMA)


def _row_blocks(rows, mapped, store, report) -> Iterator[tuple[pa.Table, dict[str, Any]]]:
    """XLSX (and any rows given one by one): parse_register_row for each."""
    parsed: list[tuple[int, dict[str, Any]]] = []
    raw: dict[int, list[Any]] = {}
    refusals: list[tuple[int, str, str, list[Any]]] = []

    def flush() -> tuple[pa.Table, dict[str, Any]]:
        repeated, staged = store.add(_rows_table(parsed))
        report.add(refusals + _refuse_repeated(repeated, raw.__getitem__))
        parsed.clear()
        raw.clear()
        refusals.clear()
        return staged, {"rows_read": store.rows, "rows_refused": report.count}

    for line, cells in rows:
        record = {name: cells[i] for i, name in enumerate(mapped) if name and i < len(cells)}
        try:
            row = parse_register_row(record)
        except RowRefused as exc:
            refusals.append((line, exc.field, exc.reason, cells))
            continue
        parsed.append((line, row))
        raw[line] = cells
        if len(parsed) >= XLSX_BATCH:
            yield flush()
    yield flush()


def _csv_blocks(run, f, mapped, store, report) -> Iterator[tuple[pa.Table, dict[str, Any]]]:
    import pyarrow.csv as pacsv

    encoding, delimiter = _csv_dialect(f)
    stream = _Utf8Stream(f, encoding, ahead=READ_AHEAD * BLOCK_BYTES)
    width = len(mapped)
    names = [f"c{i}" for i in range(width)]
    structural: list[tuple[int, str]] = []

    def invalid_row(row) -> str:
        structural.append((row.number, row.text))
        return "skip"

    reader = pacsv.open_csv(
        io.BufferedReader(stream, 1 << 20),
        read_options=pacsv.ReadOptions(
            use_threads=False,  # in order, and the skipped rows carry their numbers
            block_size=BLOCK_BYTES,
            skip_rows=1,
            column_names=names,
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter,
            newlines_in_values=True,
            ignore_empty_lines=False,
            invalid_row_handler=invalid_row,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    reading = _BlockReader(mapped)
    next_line = 2
    skipped: set[int] = set()
    for taken, batch in enumerate(reader, start=1):
        stream.taken(taken)
        # Line numbers as Python's csv module counts them: records, the header being 1.
        for number, _text in structural:
            skipped.add(number)
        n = batch.num_rows
        if skipped:
            lines = []
            while len(lines) < n:
                if next_line not in skipped:
                    lines.append(next_line)
                next_line += 1
            lines_arr = np.array(lines, dtype=np.int64)
        else:
            lines_arr = np.arange(next_line, next_line + n, dtype=np.int64)
            next_line += n
        refusals = [_refuse_structural(num, text, delimiter, width) for num, text in structural]
        structural.clear()
        table, refused, cells_of = reading.read(batch, lines_arr)
        repeated, staged = store.add(table)
        report.add(
            [r for r in refusals if r is not None] + refused + _refuse_repeated(repeated, cells_of)
        )
        fields = {"rows_read": store.rows, "rows_refused": report.count}
        yield staged, {**fields, "read_bytes": stream.position}
    # Rows skipped after the last block (a bad last line).
    report.add(
        [r for r in (_refuse_structural(n, t, delimiter, width) for n, t in structural) if r]
    )
    run.sha256 = stream.sha256.hexdigest()


def _refuse_structural(number: int, text: str, delimiter: str, width: int):
    cells = next(csv.reader([text], delimiter=delimiter), [])
    if not any(cell.strip() for cell in cells):
        return None  # a blank line
    return (
        number,
        "-",
        _("The row has %(n)s fields; the header has %(m)s.") % {"n": len(cells), "m": width},
        cells,
    )


class _BlockReader:
    """Reads a block of CSV rows (all cells as text) column by column."""

    def __init__(self, mapped: list[str | None]):
        self.position = {name: i for i, name in enumerate(mapped) if name}
        self.mapped = mapped
        self.readers = {
            name: _ColumnReader(fn, types, _OUTPUTS.get(name)) for name, fn, types in _MAPPED
        }
        self.plain = {name: _ColumnReader(fn, (pa.string(),)) for name, fn, _p, _w in _PLAIN}
        self.nik = _NikCheck()

    def read(self, batch: pa.RecordBatch, lines: np.ndarray):
        n = batch.num_rows
        columns = batch.columns

        def cells_of(line: int) -> list[Any]:
            i = int(np.searchsorted(lines, line))
            return [c[i].as_py() for c in columns]

        if not n:
            return _rows_table([]), [], cells_of
        col = {name: columns[i] for name, i in self.position.items()}
        ok = pa.array(np.ones(n, dtype=bool))
        out: dict[str, pa.Array] = {}
        for name, _fn, pattern, width in _PLAIN:
            reader = self.plain[name]
            if name in col:
                values, good = reader.apply_plain(col[name], pattern, width)
            else:
                (values,), good = reader.constant(n)
            out[name] = values
            ok = pc.and_(ok, good)
        for name, _fn, _types in _MAPPED:
            reader = self.readers[name]
            outs, good = reader.apply(col[name]) if name in col else reader.constant(n)
            out[name] = outs
            ok = pc.and_(ok, pc.fill_null(good, False))
        ok = pc.fill_null(ok, False)

        # Every row not read column-wise (a blank one included: its NIK is empty) is read by
        # parse_register_row, which decides and says why.
        suspect = np.flatnonzero(np.logical_not(ok.to_numpy(zero_copy_only=False)))
        refused: list[tuple[int, str, str, list[Any]]] = []
        slow_rows: list[tuple[int, dict[str, Any]]] = []
        keep = np.ones(n, dtype=bool)
        if len(suspect):
            keep[suspect] = False
            rows = batch.take(pa.array(suspect)).to_pylist()
            for idx, row_cells in zip(suspect, rows, strict=True):
                cells = [row_cells[f"c{i}"] for i in range(len(self.mapped))]
                line = int(lines[idx])
                if not any(cell.strip() for cell in cells):
                    continue
                record = {name: cells[i] for i, name in enumerate(self.mapped) if name}
                try:
                    slow_rows.append((line, parse_register_row(record)))
                except RowRefused as exc:
                    refused.append((line, exc.field, exc.reason, cells))

        nik_full = out["NIK"]
        name, name_norm = out["NAMA"]
        birth, birth_str = out["TGL_LAHIR"]
        village, regency = out["KODE_WILAYAH"]
        table = pa.Table.from_arrays(
            [
                pa.array(lines, pa.int32()),
                out["ID"],
                nik_full,
                pc.utf8_slice_codeunits(nik_full, 0, 32),
                self.nik.apply(nik_full, birth),
                out["NO_KK"],
                name,
                name_norm,
                out["TEMPAT_LAHIR"][0],
                birth,
                birth_str,
                out["JENIS_KELAMIN"][0],
                out["ALAMAT"],
                village,
                regency,
                out["DESIL"][0],
                out["HUBUNGAN_KELUARGA"][0],
                out["PEKERJAAN"][0],
                out["STATUS_HIDUP"][0],
                out["DISABILITAS"][0],
                out["KEMISKINAN_EKSTREM"][0],
            ],
            schema=STAGED_SCHEMA,
        )
        if len(suspect):
            table = table.filter(pa.array(keep))
            if slow_rows:
                table = pa.concat_tables([table, _rows_table(slow_rows)]).sort_by("line")
        return table, refused, cells_of


# --- Merge ----------------------------------------------------------------------------------


def _audit_event(run: RegisterImport):
    return audit_record(
        actor=run.started_by,
        actor_username=run.started_by.username if run.started_by else "",
        action="register.import",
        object_type="registry.registerimport",
        object_id=str(run.pk),
        object_repr=run.file_name,
        note=_("Register extract %(file)s") % {"file": run.file_name},
    )


def _load_staged(run: RegisterImport, f: IO[bytes], tmpdir: str, progress) -> list[int]:
    """SQLite: stage the file in a temporary table, block by block, each in a short
    transaction with the progress written after it; then merge it in one transaction.

    SQLite has one writer at a time, so the merge cannot stay open while the file is read; a
    temporary table lives in the connection's own database, apart from the main file.
    """

    class Writer(register_sql.SqliteRows):
        def send(self, encoded) -> None:
            with transaction.atomic():
                super().send(encoded)

    with connection.cursor() as c:
        register_sql.stage_begin(c)
        writer = Writer(c, register_sql.STAGE, register_sql.STAGE_COLUMNS)
        store = _stage(run, f, _Store(tmpdir, run.region_filter), progress, _set, writer)
    _set(run, status=RegisterImport.Status.MERGING)
    if progress:
        progress(run)
    return _merge_staged(run, store)


@transaction.atomic
def _merge_staged(run: RegisterImport, store: _Store) -> list[int]:
    now = timezone.now()
    first_load = not RegisterRecord.objects.exists()
    event = _audit_event(run)
    with connection.cursor() as c:
        if first_load:
            register_sql.first_load_begin(c, run.pk, now)
            register_sql.first_load_from_stage(c, run.pk, now)
        return _merge_end(c, run, store, event, first_load, now)


@transaction.atomic
def _load_streaming(run: RegisterImport, f: IO[bytes], tmpdir: str, progress) -> list[int]:
    """PostgreSQL: read the file straight into the merge transaction through COPY.

    A first load copies into the register itself, a refresh into the staging table; the
    server stores one block while Python reads the next. Progress goes through a connection
    of its own, so pages see it while this transaction is open.
    """
    now = timezone.now()
    first_load = not RegisterRecord.objects.exists()
    side = _SideWriter()
    try:
        with connection.cursor() as c:
            if first_load:
                ids = register_sql.first_load_begin(c, run.pk, now)
                columns, target = register_sql.FIRST_LOAD_COLUMNS, register_sql.TABLE
            else:
                register_sql.stage_begin(c)
                ids = None
                columns, target = register_sql.STAGE_COLUMNS, register_sql.STAGE
            with register_sql.CopyWriter(c, target, columns, first_id=ids) as writer:
                store = _Store(tmpdir, run.region_filter)
                _stage(run, f, store, progress, side, writer)
            side(run, status=RegisterImport.Status.MERGING)
            if progress:
                progress(run)
            event = _audit_event(run)
            return _merge_end(c, run, store, event, first_load, now)
    finally:
        side.close()


def _merge_end(c, run: RegisterImport, store: _Store, event, first_load: bool, now) -> list[int]:
    """Finish the merge (the rows are in the register or the staging table) and record it."""
    changed_ids: list[int] = []
    if first_load:
        register_sql.first_load_end(c, store.duplicate_niks)
        inserted, updated, left, returned = store.rows, 0, 0, 0
    else:
        result = register_sql.refresh(
            c, run_id=run.pk, event_id=event.pk, regions=list(run.regions), now=now
        )
        inserted, updated = result["inserted"], result["updated"]
        left, returned = result["left"], result["returned"]
        changed_ids = result["changed_ids"]
    duplicates = register_sql.duplicates_of_run(c, run.pk)
    invalid = store.invalid
    unchanged = run.rows_read - inserted - updated - returned
    summary = {
        "rows_read": run.rows_read,
        "rows_refused": run.rows_refused,
        "inserted": inserted,
        "updated": updated,
        "unchanged": unchanged,
        "left": left,
        "returned": returned,
        "invalid_nik": invalid,
        "duplicate_nik": duplicates,
        "regions": run.regions,
        "first_load": first_load,
    }
    event.after = summary
    event.region_code = run.region_filter
    event.save(update_fields=["after", "region_code"])
    _set(
        run,
        inserted=inserted,
        updated=updated,
        unchanged=unchanged,
        left=left,
        returned=returned,
        invalid_nik=invalid,
        duplicate_nik=duplicates,
        audit_event=event,
    )
    return changed_ids


def refused_rows(run: RegisterImport) -> Iterator[list[str]]:
    yield from csv.reader(io.StringIO(run.refused_report, newline=""))
