"""Reading an extract, checked, in blocks of Arrow columns.

A CSV is read by Arrow's CSV reader in blocks of a few megabytes and checked column by column
with the cell readers of `rows`: once per distinct value of a column (registers repeat birth
dates, villages, occupations and names a great deal), plain digits and plain ASCII text taken
as they are, NIKs checked with vectorised arithmetic that the tests hold equal to `parse_nik`.
Every row the column-wise reader does not accept goes to `parse_register_row` itself, which
decides and says why. XLSX files are read row by row with `parse_register_row`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.utils.translation import gettext as _

from berdaya.regions.codes import regency_codes
from berdaya.registry.columns import _sniff_delimiter, sniff_encoding
from berdaya.registry.register_import.rows import (
    RowRefused,
    parse_register_row,
    read_address_cell,
    read_birth_cell,
    read_decile_cell,
    read_disability_cell,
    read_extreme_cell,
    read_id_cell,
    read_kk_cell,
    read_life_cell,
    read_name_cell,
    read_nik_cell,
    read_occupation_cell,
    read_place_cell,
    read_region_cell,
    read_relation_cell,
    read_sex_cell,
)

BLOCK_BYTES = 4 << 20  # CSV checked per block: about 25,000 register rows
READ_BYTES = 1 << 20  # CSV read by Arrow at a time (it reads up to 32 of these ahead)
XLSX_BATCH = 20_000
_CACHE_LIMIT = 300_000  # distinct values remembered per column

# A block of checked rows, as the staging reads them: the values as stored, plus the line in
# the file, the NIK before it is cut to the column's width and the birth date as text (for the
# IDs and hashes of `staging`).
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

# (line, field, reason, the row's cells) of a row that cannot be read.
Refusal = tuple[int, str, str, list[Any]]
# A checked block: its rows, those refused, the cells of a line of it, progress fields.
Block = tuple[pa.Table, list[Refusal], Callable[[int], list[Any]] | None, dict[str, Any]]


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
# Columns of unique values, taken as they are when plain (read_text and read_id_number leave
# such a value unchanged), else read per value like the others. Plain: a TOKEN is printable
# ASCII without spaces; TEXT is words of those separated by single spaces; DIGITS are ASCII.
_TOKEN, _TEXT, _DIGITS = "token", "text", "digits"
_PLAIN: list[tuple[str, Callable[[Any], Any], str, int]] = [
    ("NIK", read_nik_cell, _DIGITS, 0),
    ("NO_KK", read_kk_cell, _DIGITS, 32),
    ("ID", read_id_cell, _TOKEN, 64),
    ("ALAMAT", read_address_cell, _TEXT, 255),
]
# Readers return the stored value; these give the extra outputs some columns have.
_OUTPUTS: dict[str, Callable[[Any], tuple]] = {
    "TGL_LAHIR": lambda d: (d, str(d)),
    "KODE_WILAYAH": lambda code: (code, code[:5]),
}


def _is_plain(column: pa.Array, kind: str) -> pa.Array:
    """Whether each value is plain `kind` (false for an empty one). A token is checked with
    simple kernels, faster than a pattern; text needs the pattern."""
    if kind == _DIGITS:
        return pc.ascii_is_decimal(column)
    if kind == _TEXT:
        return pc.match_substring_regex(column, r"^[!-~]+(?: [!-~]+)*$")
    plain = pc.and_(pc.ascii_is_printable(column), pc.greater(pc.binary_length(column), 0))
    return pc.and_not(plain, pc.match_substring(column, " "))


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
        self.keys = pa.array([], pa.string())
        self.outs = [pa.array([], t) for t in self.types]
        self.oks = pa.array([], pa.bool_())

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

    def _learn(self, new: pa.Array) -> None:
        answers = [self.answer(v) for v in new.to_pylist()]
        outs = [
            pa.array([None if a is None else a[i] for a in answers], t)
            for i, t in enumerate(self.types)
        ]
        self.keys = pa.concat_arrays([self.keys, new])
        self.outs = [pa.concat_arrays(pair) for pair in zip(self.outs, outs, strict=True)]
        self.oks = pa.concat_arrays([self.oks, pa.array([a is not None for a in answers])])

    def apply(self, column: pa.Array) -> tuple[list[pa.Array], pa.Array]:
        index = pc.index_in(column, value_set=self.keys)
        if index.null_count:
            new = pc.unique(column.filter(pc.is_null(index)))
            if len(self.keys) + len(new) > _CACHE_LIMIT:
                self._reset()
                index = pa.nulls(len(column), pa.int32())
                new = pc.unique(column)
            # The new values go after those known: look the block up among them only.
            offset = pa.scalar(len(self.keys), pa.int32())
            self._learn(new)
            index = pc.coalesce(index, pc.add(pc.index_in(column, value_set=new), offset))
        return [pc.take(o, index) for o in self.outs], pc.take(self.oks, index)

    def apply_plain(self, column: pa.Array, kind: str, width: int) -> tuple[pa.Array, pa.Array]:
        """Plain values are kept (cut to `width`); the others are read one by one."""
        plain = _is_plain(column, kind)
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


def rows_table(rows: list[tuple[int, dict[str, Any]]]) -> pa.Table:
    """Rows read by parse_register_row, in the shape of the column-wise reader's blocks."""
    records = []
    for line, row in rows:
        record = dict(row)
        record["line"] = line
        record["nik_full"] = row["nik"]
        record["birth_str"] = str(row["birth_date"])
        records.append(record)
    return pa.Table.from_pylist(records, schema=STAGED_SCHEMA)


def row_blocks(rows, mapped) -> Iterator[Block]:
    """XLSX (and any rows given one by one): parse_register_row for each."""
    parsed: list[tuple[int, dict[str, Any]]] = []
    raw: dict[int, list[Any]] = {}
    refusals: list[Refusal] = []
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
            yield rows_table(parsed), refusals, raw.__getitem__, {}
            parsed, raw, refusals = [], {}, []
    yield rows_table(parsed), refusals, raw.__getitem__, {}


class Utf8Stream(io.RawIOBase):
    """The file's text re-encoded as UTF-8 for Arrow, decoded exactly as Python reads it
    (UTF-8 with or without BOM, else Windows-1252; undecodable bytes replaced). Counts the
    bytes read for progress and hashes them for the import's SHA-256.

    Plain ASCII is the same in all three and passes as it is, without decoding. Arrow calls
    `readinto` from an I/O thread of its own; nothing here ever waits for the other side,
    so nothing can be left waiting. `stop` makes the file end early, so that thread stops
    once the reading is given up.
    """

    def __init__(self, raw: IO[bytes], encoding: str):
        self.raw = raw
        self.decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self.pending = memoryview(b"")
        self.done = False
        self.position = 0  # bytes of the file read
        self.stopped = False
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def stop(self) -> None:
        self.stopped = True

    def readinto(self, buffer: Any) -> int:
        if self.stopped:
            return 0
        while not self.pending and not self.done:
            first = self.position == 0  # through the decoder: it takes the BOM away
            chunk = self.raw.read(1 << 20)
            self.position += len(chunk)
            self.sha256.update(chunk)
            if chunk and not first and chunk.isascii() and not self.decoder.getstate()[0]:
                self.pending = memoryview(chunk)
                continue
            text = self.decoder.decode(chunk, final=not chunk)
            self.done = not chunk
            self.pending = memoryview(text.encode("utf-8"))
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n


def csv_dialect(f: IO[bytes]) -> tuple[str, str]:
    """Encoding and delimiter, decided as `columns.open_sheet` decides them."""
    sample = f.read(65536)
    f.seek(0)
    encoding = sniff_encoding(sample)
    first = codecs.getreader(encoding)(io.BytesIO(sample), errors="replace").readline()
    f.seek(0)
    return encoding, _sniff_delimiter(first)


def csv_blocks(run, f: IO[bytes], mapped: list[str | None]) -> Iterator[Block]:
    """Checked blocks of a CSV: rows read, rows refused, the cells of a line, progress.

    Sets `run.sha256` when the file has been read to its end.
    """
    import pyarrow.csv as pacsv

    encoding, delimiter = csv_dialect(f)
    stream = Utf8Stream(f, encoding)
    width = len(mapped)
    names = [f"c{i}" for i in range(width)]
    structural: list[tuple[int, str]] = []

    def invalid_row(row) -> str:
        structural.append((row.number, row.text))
        return "skip"

    reading = _BlockReader(mapped)
    next_line = 2
    skipped: set[int] = set()
    checked = 0  # bytes of text in the rows checked so far, about
    reader = pacsv.open_csv(
        io.BufferedReader(stream, 1 << 20),
        read_options=pacsv.ReadOptions(
            use_threads=False,  # in order, and the skipped rows carry their numbers
            block_size=min(READ_BYTES, BLOCK_BYTES),
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
            check_utf8=False,  # Utf8Stream gives nothing else
        ),
    )
    try:
        for batch in _gathered(reader):
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
            refusals = [_refuse_structural(num, t, delimiter, width) for num, t in structural]
            structural.clear()
            table, refused, cells_of = reading.read(batch, lines_arr)
            refused += [r for r in refusals if r is not None]
            checked += _text_bytes(batch)
            yield table, refused, cells_of, {"read_bytes": min(checked, stream.position)}
        run.sha256 = stream.sha256.hexdigest()
        # Rows skipped after the last block (a bad last line).
        refused = [
            r for r in (_refuse_structural(n, t, delimiter, width) for n, t in structural) if r
        ]
        yield rows_table([]), refused, None, {"read_bytes": stream.position}
    finally:
        stream.stop()


def _gathered(reader) -> Iterator[pa.RecordBatch]:
    """Arrow's batches, gathered into blocks of about BLOCK_BYTES to check.

    Arrow reads ahead in its I/O thread, at most 32 reads of `block_size` (its background
    generator's queue); reads of READ_BYTES keep that within 32 MB, and the checks still
    get blocks large enough to be cheap.
    """
    batches: list[pa.RecordBatch] = []
    size = 0
    for batch in reader:
        batches.append(batch)
        size += batch.nbytes
        if size >= BLOCK_BYTES:
            yield pa.concat_batches(batches)
            batches, size = [], 0
    if batches:
        yield pa.concat_batches(batches)


def _text_bytes(batch: pa.RecordBatch) -> int:
    """The bytes the batch's rows took in the file, about: their text, delimiters and ends."""
    text = sum(pc.sum(pc.binary_length(c)).as_py() or 0 for c in batch.columns)
    return text + batch.num_rows * batch.num_columns


def _refuse_structural(number: int, text: str, delimiter: str, width: int) -> Refusal | None:
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
        self.plain = {name: _ColumnReader(fn, (pa.string(),)) for name, fn, _k, _w in _PLAIN}
        self.nik = _NikCheck()

    def read(self, batch: pa.RecordBatch, lines: np.ndarray):
        n = batch.num_rows
        columns = batch.columns

        def cells_of(line: int) -> list[Any]:
            i = int(np.searchsorted(lines, line))
            return [c[i].as_py() for c in columns]

        if not n:
            return rows_table([]), [], cells_of
        col = {name: columns[i] for name, i in self.position.items()}
        ok = np.ones(n, dtype=bool)
        out: dict[str, Any] = {}
        for name, _fn, kind, width in _PLAIN:
            reader = self.plain[name]
            if name in col:
                values, good = reader.apply_plain(col[name], kind, width)
            else:
                (values,), good = reader.constant(n)
            out[name] = values
            ok &= pc.fill_null(good, False).to_numpy(zero_copy_only=False)
        for name, _fn, _types in _MAPPED:
            reader = self.readers[name]
            outs, good = reader.apply(col[name]) if name in col else reader.constant(n)
            out[name] = outs
            ok &= pc.fill_null(good, False).to_numpy(zero_copy_only=False)

        # Every row not read column-wise (a blank one included: its NIK is empty) is read by
        # parse_register_row, which decides and says why.
        suspect = np.flatnonzero(~ok)
        refused: list[Refusal] = []
        slow_rows: list[tuple[int, dict[str, Any]]] = []
        if len(suspect):
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
            table = table.filter(pa.array(ok))
            if slow_rows:
                table = pa.concat_tables([table, rows_table(slow_rows)]).sort_by("line")
        return table, refused, cells_of
