"""The rules for one register row, written once.

Each reader takes the raw cell (None when the file has no such column) and returns what is
stored, or raises RowRefused naming the field. The column-wise reader (`reading`) calls these
same functions, once per distinct value of a column, so a rule changed here changes both.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from berdaya.linkage.names import normalize_name
from berdaya.regions.codes import normalize_code
from berdaya.registry.columns import (
    LIFE_VALUES,
    RELATION_VALUES,
    SEX_VALUES,
    CellError,
    read_choice,
    read_date,
    read_decile,
    read_flag,
    read_id_number,
    read_text,
)
from berdaya.registry.nik import NikError, parse_nik
from berdaya.registry.register_sql import DATA_COLUMNS

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
