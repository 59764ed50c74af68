"""Reading NIK (national identity number) and KK (family card) numbers.

Pure Python on purpose: the synthetic-data generator, the linkage engine and `berdaya match`
use it without a database or Django settings.

A NIK is `PPKKCC DDMMYY SSSS`: province, regency and district where it was first issued
(not where the person lives now), the birth date with 40 added to the day for women, and a
serial. A KK number has the same region digits, the card's issue date and a serial.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from berdaya.regions.codes import all_regions, regency_codes

__all__ = [
    "Flag",
    "KkInfo",
    "NikError",
    "NikInfo",
    "check_nik_against_row",
    "make_nik",
    "mask_nik",
    "parse_kk",
    "parse_nik",
]

NIK_LENGTH = 16
FEMALE_DAY_OFFSET = 40
_DIGITS = frozenset("0123456789")

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class NikError(ValueError):
    """A NIK or KK number that cannot be valid; `str()` is the Indonesian message.

    `code` is one of: length, not_digits, unknown_regency, bad_date, zero_serial.
    """

    def __init__(self, code: str, message_id: str, message_en: str) -> None:
        # All three go to args so the exception survives pickling (task queue, multiprocessing).
        super().__init__(code, message_id, message_en)
        self.code = code
        self.message_id = message_id
        self.message_en = message_en

    def __str__(self) -> str:
        return self.message_id


@dataclass(frozen=True)
class NikInfo:
    nik: str
    province_code: str
    regency_code: str
    district_code: str
    regency_name: str
    historical: bool
    birth_date: dt.date
    sex: str
    serial: str


@dataclass(frozen=True)
class KkInfo:
    kk: str
    province_code: str
    regency_code: str
    district_code: str
    regency_name: str
    historical: bool
    issued: dt.date | None
    serial: str


@dataclass(frozen=True)
class Flag:
    """Something that looks wrong but is not a reason to reject (a NIK is not reissued)."""

    code: str
    message_id: str
    message_en: str


# --- shared checks ---------------------------------------------------------------------------


def _as_text(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _check_shape(value: str, label_id: str, label_en: str) -> None:
    if not value:
        raise NikError(
            "length",
            f"{label_id} kosong; harus 16 digit",
            f"{label_en} is empty; it must have 16 digits",
        )
    if len(value) != NIK_LENGTH:
        n = len(value)
        if all(c in _DIGITS for c in value):
            given_id, given_en = f"{n} digit", f"{n} {'was' if n == 1 else 'were'} given"
        else:
            # "19 digits" would mislead when some of them are spaces or letters.
            plural = "character was" if n == 1 else "characters were"
            given_id, given_en = f"{n} karakter", f"{n} {plural} given"
        raise NikError(
            "length",
            f"{label_id} harus 16 digit, yang diisi {given_id}",
            f"{label_en} must have 16 digits; {given_en}",
        )
    for pos, char in enumerate(value, start=1):
        # isdigit() would let Arabic-Indic or superscript digits through.
        if char not in _DIGITS:
            shown = repr(char)
            raise NikError(
                "not_digits",
                f"{label_id} mengandung karakter selain angka: {shown} pada posisi {pos}",
                f"{label_en} contains a character that is not a digit: {shown} at position {pos}",
            )


def _check_region(value: str, label_id: str, label_en: str) -> tuple[str, str, bool]:
    """Return (dotted regency code, regency name, historical) or raise."""
    undotted = value[:4]
    if undotted not in regency_codes():
        raise NikError(
            "unknown_regency",
            f"Kode kabupaten/kota {undotted} pada {label_id} tidak dikenal",
            f"Regency/city code {undotted} in the {label_en} is not known",
        )
    dotted = f"{value[:2]}.{value[2:4]}"
    row = all_regions().get(dotted)
    if row is None:  # pragma: no cover - regency_codes() is built from all_regions()
        return dotted, "", False
    return dotted, row.name, row.historical


def _check_serial(value: str, label_id: str, label_en: str) -> str:
    serial = value[12:]
    if serial == "0000":
        raise NikError(
            "zero_serial",
            f"Nomor urut {label_id} {serial} tidak sah",
            f"{label_en} serial number {serial} is not valid",
        )
    return serial


# --- NIK ---------------------------------------------------------------------------------------


def parse_nik(
    value: str,
    *,
    reference: dt.date | None = None,
    birth_date_hint: dt.date | None = None,
) -> NikInfo:
    """Parse and check a NIK; raise NikError saying exactly what is wrong.

    Checks, in order: 16 characters, digits only, a known regency (any in Indonesia, current
    or historical: a NIK keeps the code of where it was first issued), a possible birth date,
    a serial other than 0000. The district digits are returned but not checked, because
    districts get split and renumbered while old NIKs keep their code.

    The two-digit year is read for a living person: the century of `birth_date_hint` when its
    last two digits agree, else 20YY unless that is after `reference` (default today), else
    19YY.
    """
    nik = _as_text(value).strip()
    _check_shape(nik, "NIK", "NIK")
    regency_code, regency_name, historical = _check_region(nik, "NIK", "NIK")
    birth_date, sex = _nik_birth_date(nik, reference=reference, hint=birth_date_hint)
    serial = _check_serial(nik, "NIK", "NIK")
    return NikInfo(
        nik=nik,
        province_code=nik[:2],
        regency_code=regency_code,
        district_code=f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}",
        regency_name=regency_name,
        historical=historical,
        birth_date=birth_date,
        sex=sex,
        serial=serial,
    )


def _nik_birth_date(
    nik: str, *, reference: dt.date | None, hint: dt.date | None
) -> tuple[dt.date, str]:
    raw = nik[6:12]
    day_field, month, yy = int(raw[:2]), int(raw[2:4]), int(raw[4:6])

    def bad(reason_id: str, reason_en: str) -> NikError:
        return NikError(
            "bad_date",
            f"Tanggal lahir pada NIK ({raw}) tidak mungkin: {reason_id}",
            f"The birth date in the NIK ({raw}) is impossible: {reason_en}",
        )

    if 1 <= day_field <= 31:
        day, sex = day_field, "L"
    elif FEMALE_DAY_OFFSET + 1 <= day_field <= FEMALE_DAY_OFFSET + 31:
        day, sex = day_field - FEMALE_DAY_OFFSET, "P"
    else:
        raise bad(
            f"tanggal {raw[:2]} tidak sah (laki-laki 01-31, perempuan 41-71)",
            f"day {raw[:2]} is not valid (01-31 for men, 41-71 for women)",
        )
    if not 1 <= month <= 12:
        raise bad(f"bulan {raw[2:4]} tidak ada", f"there is no month {raw[2:4]}")

    women_id = f" (tanggal {raw[:2]} = {day} + 40, perempuan)" if sex == "P" else ""
    women_en = f" (day {raw[:2]} = {day} + 40, a woman)" if sex == "P" else ""
    month_id, month_en = MONTHS_ID[month - 1], MONTHS_EN[month - 1]
    # 2000 is a leap year, so this is the most days the month can ever have.
    if day > calendar.monthrange(2000, month)[1]:
        raise bad(
            f"{day} {month_id} tidak ada{women_id}",
            f"{month_en} {day} does not exist{women_en}",
        )

    ref = reference or dt.date.today()
    centuries: list[int] = []
    if isinstance(hint, dt.date) and hint.year % 100 == yy:
        centuries.append(hint.year - yy)
    centuries += [2000, 1900]
    for century in dict.fromkeys(centuries):
        try:
            candidate = dt.date(century + yy, month, day)
        except ValueError:
            continue  # 29 February outside a leap year: another century may have one
        if candidate <= ref:
            return candidate, sex

    year = 2000 + yy if 2000 + yy <= ref.year else 1900 + yy
    if month == 2 and day == 29 and not calendar.isleap(year):
        raise bad(
            f"29 Februari {year} tidak ada (bukan tahun kabisat){women_id}",
            f"February 29, {year} does not exist (not a leap year){women_en}",
        )
    raise bad(
        f"{day} {month_id} {year} belum terjadi pada {ref.isoformat()}",
        f"{month_en} {day}, {year} is after {ref.isoformat()}",
    )


def check_nik_against_row(
    info: NikInfo, *, birth_date: dt.date | None, sex: str | None
) -> list[Flag]:
    """Compare a parsed NIK with the birth date and sex written on the same row.

    A NIK is for life and is not reissued when a birth date is corrected, so a difference is
    flagged for review, never a rejection. Only day, month and the last two digits of the
    year can be compared. A missing or unrecognised value is not compared.
    """
    flags: list[Flag] = []
    if isinstance(birth_date, dt.date):
        nik_date = info.birth_date
        if (birth_date.day, birth_date.month, birth_date.year % 100) != (
            nik_date.day,
            nik_date.month,
            nik_date.year % 100,
        ):
            in_nik = f"{nik_date.day:02d}-{nik_date.month:02d}-{nik_date.year % 100:02d}"
            on_row = f"{birth_date.day:02d}-{birth_date.month:02d}-{birth_date.year:04d}"
            flags.append(
                Flag(
                    "NIK_BIRTHDATE_MISMATCH",
                    f"Tanggal lahir pada NIK ({in_nik}) berbeda dengan tanggal lahir yang "
                    f"diisi ({on_row})",
                    f"The birth date in the NIK ({in_nik}) differs from the recorded birth "
                    f"date ({on_row})",
                )
            )
    row_sex = _normalize_sex(sex)
    if row_sex is not None and row_sex != info.sex:
        names_id = {"L": "laki-laki", "P": "perempuan"}
        names_en = {"L": "male", "P": "female"}
        flags.append(
            Flag(
                "NIK_SEX_MISMATCH",
                f"Jenis kelamin pada NIK ({info.sex}, {names_id[info.sex]}) berbeda dengan "
                f"yang diisi ({row_sex}, {names_id[row_sex]})",
                f"The sex in the NIK ({info.sex}, {names_en[info.sex]}) differs from the "
                f"recorded sex ({row_sex}, {names_en[row_sex]})",
            )
        )
    return flags


def _normalize_sex(value: str | None) -> str | None:
    text = _as_text(value).strip().upper()
    if text in {"L", "LAKI-LAKI", "LAKI LAKI", "LAKI"}:
        return "L"
    if text in {"P", "PEREMPUAN", "WANITA"}:
        return "P"
    return None


def mask_nik(nik: str | None) -> str:
    """`6472011203840001` -> `6472********0001`; other lengths keep at most 2 + 2 characters.

    Same rule as `berdaya.core.masking.mask_nik`, kept here so Django-free code can mask too.
    """
    value = _as_text(nik).strip()
    if not value:
        return ""
    if len(value) == NIK_LENGTH:
        return value[:4] + "*" * 8 + value[-4:]
    if len(value) <= 4:
        # Keeping 2 + 2 of a 4-character value would show all of it.
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 4) + value[-2:]


def make_nik(district_code_undotted6: str, birth_date: dt.date, sex: str, serial: int) -> str:
    """Build a NIK: the inverse of `parse_nik` (synthetic data and tests).

    A serial of 0 is allowed so that generators can plant invalid NIKs on purpose.
    """
    district = district_code_undotted6.replace(".", "")
    if len(district) != 6 or not all(c in _DIGITS for c in district):
        raise ValueError(f"district code must be 6 digits, got {district_code_undotted6!r}")
    sex_code = _normalize_sex(sex)
    if sex_code is None:
        raise ValueError(f"sex must be 'L' or 'P', got {sex!r}")
    if not 0 <= serial <= 9999:
        raise ValueError(f"serial must be 0-9999, got {serial}")
    day = birth_date.day + (FEMALE_DAY_OFFSET if sex_code == "P" else 0)
    return f"{district}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


# --- KK ----------------------------------------------------------------------------------------


def parse_kk(value: str, *, reference: dt.date | None = None) -> KkInfo:
    """Parse and check a family card (KK) number; raise NikError when it cannot be valid.

    Checks 16 digits, a known regency (same set as the NIK) and a serial other than 0000. The
    issue date (digits 7-12) is returned when it is a real date and never rejected: KK numbers
    in the wild do not all follow the rule.
    """
    kk = _as_text(value).strip()
    _check_shape(kk, "Nomor KK", "KK number")
    regency_code, regency_name, historical = _check_region(kk, "nomor KK", "KK number")
    serial = _check_serial(kk, "KK", "KK")
    return KkInfo(
        kk=kk,
        province_code=kk[:2],
        regency_code=regency_code,
        district_code=f"{kk[:2]}.{kk[2:4]}.{kk[4:6]}",
        regency_name=regency_name,
        historical=historical,
        issued=_kk_issue_date(kk[6:12], reference or dt.date.today()),
        serial=serial,
    )


def _kk_issue_date(raw: str, reference: dt.date) -> dt.date | None:
    day, month, yy = int(raw[:2]), int(raw[2:4]), int(raw[4:6])
    for century in (2000, 1900):
        try:
            issued = dt.date(century + yy, month, day)
        except ValueError:
            continue
        if issued <= reference:
            return issued
    return None
