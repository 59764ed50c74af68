"""Reading person files: headers with aliases, cell values, and rows as dictionaries.

Used by the register import and by proposal uploads, so that a column means the same thing in
both. Headers are matched case-insensitively; spaces, dots and dashes count as underscores.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

# Canonical column -> the headers seen in DTKS/DTSEN extracts and office spreadsheets.
ALIASES: dict[str, tuple[str, ...]] = {
    "ID": ("ID", "ID_DTKS", "ID_DTSEN", "IDARTBDT", "ID_ART", "NO", "NO_URUT", "ROW_ID"),
    "NIK": ("NIK", "NO_NIK", "NOMOR_NIK", "NOMOR_INDUK_KEPENDUDUKAN", "NIK_KTP"),
    "NO_KK": ("NO_KK", "NOKK", "KK", "NOMOR_KK", "NO_KARTU_KELUARGA", "NOMOR_KARTU_KELUARGA"),
    "NAMA": ("NAMA", "NAMA_LENGKAP", "NAMA_ART", "NAMA_PENERIMA", "NAMA_KPM"),
    "TEMPAT_LAHIR": ("TEMPAT_LAHIR", "TMP_LAHIR", "TMPT_LAHIR"),
    "TGL_LAHIR": ("TGL_LAHIR", "TANGGAL_LAHIR", "TGLLAHIR", "TGL_LHR"),
    "JENIS_KELAMIN": ("JENIS_KELAMIN", "JK", "KELAMIN", "SEX", "L_P", "JNS_KELAMIN"),
    "ALAMAT": ("ALAMAT", "ALAMAT_LENGKAP", "ALAMAT_KTP"),
    "KODE_WILAYAH": (
        "KODE_WILAYAH",
        "KODE_DESA",
        "KD_DESA",
        "KODE_KELURAHAN",
        "KDDESA",
        "KODE_DESA_KELURAHAN",
        "KODE_KAB",
        "KODE_KABUPATEN",
    ),
    "DESIL": ("DESIL", "DESIL_NASIONAL", "PERINGKAT_DESIL", "DESIL_KESEJAHTERAAN"),
    "HUBUNGAN_KELUARGA": (
        "HUBUNGAN_KELUARGA",
        "HUB_KELUARGA",
        "SHDK",
        "STATUS_HUBUNGAN",
        "HUBUNGAN_DENGAN_KEPALA_KELUARGA",
        "HUB_KRT",
    ),
    "PEKERJAAN": ("PEKERJAAN", "JENIS_PEKERJAAN", "PEKERJAAN_UTAMA"),
    "STATUS_HIDUP": ("STATUS_HIDUP", "KETERANGAN_HIDUP", "STATUS_KEHIDUPAN"),
    "DISABILITAS": ("DISABILITAS", "PENYANDANG_DISABILITAS", "STATUS_DISABILITAS"),
    "KEMISKINAN_EKSTREM": ("KEMISKINAN_EKSTREM", "P3KE", "MISKIN_EKSTREM", "PKE"),
    "TAHUN": ("TAHUN", "TAHUN_BANTUAN", "TAHUN_PENERIMAAN"),
    # Group and institution proposals (KUBE, LKS).
    "KELOMPOK": ("KELOMPOK", "NAMA_KELOMPOK"),
    "JABATAN": ("JABATAN", "JABATAN_KELOMPOK", "POSISI"),
    "JENIS_USAHA": ("JENIS_USAHA", "USAHA"),
    "NAMA_LEMBAGA": ("NAMA_LEMBAGA", "NAMA_LKS", "NAMA_PANTI", "LEMBAGA"),
    "NO_REGISTRASI": (
        "NO_REGISTRASI",
        "NOMOR_REGISTRASI",
        "NO_REG",
        "NO_TANDA_DAFTAR",
        "NOMOR_TANDA_DAFTAR",
        "TANDA_DAFTAR",
    ),
    "JENIS_LEMBAGA": ("JENIS_LEMBAGA", "JENIS_LKS", "JENIS_PANTI"),
    "AKREDITASI": ("AKREDITASI", "NILAI_AKREDITASI", "PERINGKAT_AKREDITASI"),
    "TGL_AKREDITASI": ("TGL_AKREDITASI", "TANGGAL_AKREDITASI", "TAHUN_AKREDITASI"),
    "KEBUTUHAN": ("KEBUTUHAN", "JENIS_KEBUTUHAN", "JENIS_BANTUAN", "USULAN_BANTUAN"),
    "NILAI": ("NILAI", "NILAI_BANTUAN", "BIAYA", "NOMINAL", "JUMLAH_RP", "ANGGARAN"),
    "TGL_REGISTRASI": ("TGL_REGISTRASI", "TANGGAL_REGISTRASI", "TGL_TANDA_DAFTAR"),
    "KAPASITAS": ("KAPASITAS", "DAYA_TAMPUNG"),
    "PENGHUNI": ("PENGHUNI", "JUMLAH_PENGHUNI", "JUMLAH_WARGA_BINAAN", "JUMLAH_ANAK_ASUH"),
    "PIMPINAN": ("PIMPINAN", "KETUA_LEMBAGA", "NAMA_PIMPINAN", "KEPALA_LEMBAGA"),
    "TELEPON": ("TELEPON", "NO_TELEPON", "NO_HP", "TELP", "HP"),
    # Planned individual assistance (PPKS): the social welfare category.
    "KATEGORI": ("KATEGORI", "KATEGORI_PPKS", "JENIS_PPKS", "PPKS"),
}
_LOOKUP = {alias: canonical for canonical, aliases in ALIASES.items() for alias in aliases}

SEX_VALUES = {
    "L": "L",
    "LAKI-LAKI": "L",
    "LAKI LAKI": "L",
    "LAKI": "L",
    "PRIA": "L",
    "1": "L",
    "P": "P",
    "PEREMPUAN": "P",
    "WANITA": "P",
    "2": "P",
}
RELATION_VALUES = {
    "KEPALA KELUARGA": "KEPALA KELUARGA",
    "KK": "KEPALA KELUARGA",
    "KRT": "KEPALA KELUARGA",
    "KEPALA RUMAH TANGGA": "KEPALA KELUARGA",
    "ISTRI": "ISTRI",
    "ISTERI": "ISTRI",
    "SUAMI": "SUAMI",
    "ANAK": "ANAK",
    "MENANTU": "MENANTU",
    "CUCU": "CUCU",
    "ORANG TUA": "ORANG TUA",
    "ORANGTUA": "ORANG TUA",
    "MERTUA": "MERTUA",
    "FAMILI LAIN": "FAMILI LAIN",
    "FAMILI": "FAMILI LAIN",
    "PEMBANTU": "PEMBANTU",
    "LAINNYA": "LAINNYA",
    "LAIN-LAIN": "LAINNYA",
}
YES = {"Y", "YA", "YES", "1", "TRUE", "BENAR"}
NO = {"N", "T", "TIDAK", "NO", "0", "FALSE", "", "-"}
LIFE_VALUES = {
    "HIDUP": "HIDUP",
    "MENINGGAL": "MENINGGAL",
    "MENINGGAL DUNIA": "MENINGGAL",
    "MATI": "MENINGGAL",
    "WAFAT": "MENINGGAL",
    "1": "HIDUP",
    "0": "MENINGGAL",
}
_SCIENTIFIC = re.compile(r"^\d(?:[.,]\d+)?[eE]\+?\d+$")
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y")


def header_key(raw: Any) -> str:
    text = str(raw or "").strip().lstrip("\ufeff").upper()
    return re.sub(r"[\s.\-/]+", "_", text).strip("_")


def map_headers(headers: list[Any]) -> tuple[list[str | None], list[str]]:
    """Canonical name per position (None: a column Berdaya does not use) and unknown headers."""
    mapped: list[str | None] = []
    unknown: list[str] = []
    seen: set[str] = set()
    for raw in headers:
        canonical = _LOOKUP.get(header_key(raw))
        if canonical in seen:
            canonical = None  # a repeated column: the first one counts
        if canonical:
            seen.add(canonical)
        elif str(raw or "").strip():
            unknown.append(str(raw))
        mapped.append(canonical)
    return mapped, unknown


class CellError(ValueError):
    """A cell that cannot be read; the message names what is wrong, in the user's language."""


def read_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def read_id_number(value: Any, label: str) -> str:
    """A NIK or KK as written. Numbers that Excel damaged are refused with how to fix it."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        raise CellError(
            _(
                "%(label)s was stored as a number (%(value)s), so Excel may have changed its last "
                "digits. Format the column as Text and type the number again."
            )
            % {"label": label, "value": value}
        )
    text = read_text(value).replace(" ", "")
    if _SCIENTIFIC.match(text) or (text.endswith(".0") and text[:-2].isdigit()):
        raise CellError(
            _(
                "%(label)s %(value)s was turned into a number by Excel. Format the column as Text "
                "and type the number again."
            )
            % {"label": label, "value": text}
        )
    return text.lstrip("'")


def read_date(value: Any, label: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = read_text(value)
    if not text:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError(
        _("%(label)s %(value)s is not a date: write YYYY-MM-DD or DD-MM-YYYY.")
        % {"label": label, "value": text}
    )


def read_choice(value: Any, table: dict[str, str], label: str) -> str:
    text = read_text(value).upper()
    if not text:
        return ""
    try:
        return table[text]
    except KeyError:
        allowed = ", ".join(sorted(set(table.values())))
        raise CellError(
            _("%(label)s %(value)s is not one of: %(allowed)s.")
            % {"label": label, "value": text, "allowed": allowed}
        ) from None


def read_amount(value: Any, label: str) -> int | None:
    """Whole rupiah: `15000000`, `15.000.000`, `Rp15.000.000` or `Rp 15.000.000,00`."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError(_("%(label)s is not an amount in rupiah.") % {"label": label})
    if isinstance(value, int | float):
        if value < 0 or (isinstance(value, float) and not value.is_integer()):
            raise CellError(
                _("%(label)s %(value)s is not a whole amount in rupiah.")
                % {"label": label, "value": value}
            )
        return int(value)
    text = read_text(value).upper().replace("RP", "").replace(" ", "")
    if not text:
        return None
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,0+)?", text) or re.fullmatch(r"\d+(,0+)?", text):
        return int(text.split(",")[0].replace(".", ""))
    if re.fullmatch(r"\d{1,3}(,\d{3})+", text):
        return int(text.replace(",", ""))
    raise CellError(
        _("%(label)s %(value)s is not an amount in rupiah: write 15000000 or Rp15.000.000.")
        % {"label": label, "value": read_text(value)}
    )


def read_flag(value: Any, label: str) -> bool:
    text = read_text(value).upper()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(_("%(label)s %(value)s is not Y or N.") % {"label": label, "value": text})


def read_decile(value: Any) -> int | None:
    text = read_text(value)
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= 10:
        raise CellError(_("DESIL %(value)s is not a number from 1 to 10.") % {"value": text})
    return int(text)


# ---------------------------------------------------------------------------------------------
# Files: CSV (comma, semicolon or tab; UTF-8 with or without BOM, else Windows-1252) and XLSX.


@dataclass
class Sheet:
    headers: list[Any]
    rows: Iterator[tuple[int, list[Any]]]  # (line number in the file, cells)
    kind: str  # csv | xlsx
    position: Any = None  # callable giving bytes read so far (CSV) for progress


class FileFormatError(ValueError):
    pass


# A cell longer than this is not a value anyone typed: the file is refused with its row.
MAX_CELL = 100_000
csv.field_size_limit(MAX_CELL)


def checked_rows(sheet: Sheet) -> Iterator[tuple[int, list[Any]]]:
    """The sheet's rows for an all-or-nothing service: a file that breaks while being read is
    refused with a ValidationError naming the row."""
    from django.core.exceptions import ValidationError

    try:
        yield from sheet.rows
    except FileFormatError as exc:
        raise ValidationError(str(exc)) from None


def _sniff_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def open_sheet(fileobj: IO[bytes], name: str = "") -> Sheet:
    """Open an uploaded or local file as rows, streaming; the format is read from its bytes."""
    head = fileobj.read(8)
    fileobj.seek(0)
    if not head:
        raise FileFormatError(_("The file is empty."))
    if head.startswith(b"PK\x03\x04"):
        return _open_xlsx(fileobj)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileFormatError(_("This is an old Excel file (.xls). Save it as .xlsx or CSV."))
    return _open_csv(fileobj)


def sniff_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) unless the sample's bytes say otherwise, then Windows-1252."""
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A cut multi-byte character at the end of the sample is still UTF-8.
        if exc.start < len(sample) - 4:
            return "cp1252"
    return "utf-8-sig"


def _open_csv(fileobj: IO[bytes]) -> Sheet:
    sample = fileobj.read(65536)
    fileobj.seek(0)
    encoding = sniff_encoding(sample)
    if b"\x00" in sample:
        raise FileFormatError(_("The file is not a text (CSV) or XLSX file."))
    reader_stream = codecs.getreader(encoding)(fileobj, errors="replace")
    first = reader_stream.readline()
    if not first.strip():
        raise FileFormatError(_("The first line (the column names) is empty."))
    delimiter = _sniff_delimiter(first)
    headers = next(csv.reader([first], delimiter=delimiter))

    def rows() -> Iterator[tuple[int, list[Any]]]:
        reader = csv.reader(reader_stream, delimiter=delimiter)
        line = 1
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise FileFormatError(
                    _(
                        "Row %(line)s cannot be read (%(err)s): a cell longer than %(limit)s "
                        "characters, or a quote that is not closed."
                    )
                    % {"line": line + 1, "err": exc, "limit": f"{MAX_CELL:,}"}
                ) from None
            line += 1
            if not any(cell.strip() for cell in record):
                continue
            yield line, record

    return Sheet(headers=headers, rows=rows(), kind="csv", position=fileobj.tell)


def _open_xlsx(fileobj: IO[bytes]) -> Sheet:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(fileobj)
        sheet = book.get_sheet_by_index(0)
        iterator = iter(sheet.iter_rows())
        headers = next(iterator, None)
    except (zipfile.BadZipFile, ValueError, OSError, Exception) as exc:  # calamine raises its own
        raise FileFormatError(_("The XLSX file cannot be read: %(err)s") % {"err": exc}) from exc
    if headers is None:
        raise FileFormatError(_("The sheet is empty."))

    def rows() -> Iterator[tuple[int, list[Any]]]:
        line = 1
        for record in iterator:
            line += 1
            cells = ["" if c is None else c for c in record]
            if not any(str(c).strip() for c in cells):
                continue
            yield line, cells

    return Sheet(headers=list(headers), rows=rows(), kind="xlsx")


def as_bytes_io(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)
