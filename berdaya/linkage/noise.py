"""Noisy copies of register people, as regency offices write them in proposals.

Used to train the shipped model (`berdaya linkage-train`), to test the engine and to
benchmark it. Deterministic: the same rows, seed and rates give the same candidates.

Each true candidate is a register row with independent errors, at rates that follow what
verification teams report: NIK typos (a digit, often in the serial, or two digits swapped),
the Indonesian spelling variants of names (Muhammad / M. / Moch., Siti / St., Nur / Noor, old
spelling dj / oe / tj / ch, doubled letters), name parts added ("binti Saleh", a title, a
degree) or dropped, day and month swapped, a year off by one, another village of the same
district, only the regency code, a missing or changed KK, sex written out or wrong.
Absent candidates are people who are not in the reference (from another register or held
out of it), with the same kinds of errors.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["NoiseRates", "make_candidates", "write_candidates"]

CANDIDATE_COLUMNS = (
    "ID",
    "NIK",
    "NO_KK",
    "NAMA",
    "TGL_LAHIR",
    "JENIS_KELAMIN",
    "KODE_WILAYAH",
)

# Written forms of common first names (the register's form -> what a clerk may write).
_FIRST_NAME_FORMS: dict[str, tuple[str, ...]] = {
    "MUHAMMAD": ("M.", "MUH.", "MOCH.", "MOH.", "MUHAMAD", "MOHAMMAD", "MOCHAMMAD"),
    "MUHAMAD": ("MUHAMMAD", "M.", "MOH."),
    "SITI": ("ST.", "SITTI"),
    "NUR": ("NOOR", "NOER", "NOR"),
    "NOOR": ("NUR",),
    "ABDUL": ("ABD.", "ABDOEL"),
    "AHMAD": ("ACHMAD", "AKHMAD"),
    "YUSUF": ("JUSUF", "YUSUP"),
}
# Modern spelling -> old (pre-1972) spelling, applied inside a name.
_OLD_SPELLING = (("U", "OE"), ("J", "DJ"), ("C", "TJ"), ("KH", "CH"), ("Y", "J"), ("SY", "SJ"))
_TITLES_M = ("H.", "DRS.", "IR.", "BPK.")
_TITLES_F = ("HJ.", "NY.", "IBU")
_DEGREES = (", S.PD", ", S.E.", ", A.MD.", " S.PD", ", S.SOS")
_FATHERS = ("SALEH", "AHMAD", "HASAN", "ABDULLAH", "MUHAMMAD", "RAHMAN", "IDRIS", "YUSUF", "ALI")


@dataclass(frozen=True)
class NoiseRates:
    """Probability of each error in one candidate (independent of each other)."""

    nik_digit: float = 0.10  # one digit changed (half of them in the 4-digit serial)
    nik_transpose: float = 0.04  # two neighbouring digits swapped
    nik_two_digits: float = 0.02  # two digits changed
    nik_missing: float = 0.01
    nik_other: float = 0.005  # another number altogether (a relative's NIK, a wrong card)
    name_variant: float = 0.25  # Indonesian spelling variant
    name_added: float = 0.06  # "BINTI SALEH", a title or a degree added
    name_dropped: float = 0.05  # the last name part left out
    name_typo: float = 0.03  # one letter wrong, missing or doubled
    date_swapped: float = 0.05  # day and month exchanged
    date_year: float = 0.02  # year off by one
    date_day: float = 0.02  # day off by one
    date_dmy: float = 0.25  # written DD-MM-YYYY instead of YYYY-MM-DD (not an error)
    sex_wrong: float = 0.01
    sex_long: float = 0.10  # LAKI-LAKI / PEREMPUAN (not an error)
    village_moved: float = 0.12  # another village of the same district
    village_regency_only: float = 0.05  # only the regency code (64.72)
    kk_missing: float = 0.15
    kk_changed: float = 0.08  # the family moved or split: a new KK number
    lower_case: float = 0.05  # name in mixed case (not an error)


@dataclass
class _Villages:
    by_district: dict[str, list[str]] = field(default_factory=dict)

    def add(self, code: str) -> None:
        if len(code) == 13:
            self.by_district.setdefault(code[:8], []).append(code)

    def freeze(self) -> None:
        for district, codes in self.by_district.items():
            self.by_district[district] = sorted(set(codes))


def _digit_typo(rng: random.Random, nik: str, count: int) -> str:
    digits = list(nik)
    for _ in range(count):
        # Clerks mistype the serial most: half of the typos land in the last four digits,
        # where the result is often a real neighbour born the same day.
        pos = (
            rng.randrange(len(digits) - 4, len(digits))
            if rng.random() < 0.5
            else rng.randrange(len(digits))
        )
        old = digits[pos]
        digits[pos] = rng.choice([d for d in "0123456789" if d != old])
    return "".join(digits)


def _transpose(rng: random.Random, nik: str) -> str:
    positions = [i for i in range(len(nik) - 1) if nik[i] != nik[i + 1]]
    if not positions:
        return _digit_typo(rng, nik, 1)
    i = rng.choice(positions)
    return nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :]


def _spelling_variant(rng: random.Random, name: str) -> str:
    tokens = name.split()
    first = tokens[0] if tokens else ""
    if first in _FIRST_NAME_FORMS and rng.random() < 0.7:
        tokens[0] = rng.choice(_FIRST_NAME_FORMS[first])
        return " ".join(tokens)
    for i, token in enumerate(tokens):
        if token in _FIRST_NAME_FORMS and i > 0 and token not in ("MUHAMMAD", "SITI"):
            tokens[i] = rng.choice(_FIRST_NAME_FORMS[token])
            return " ".join(tokens)
    if len(tokens) > 1 and rng.random() < 0.1:
        # Two parts written as one ("NUR AINI" / "NURAINI").
        i = rng.randrange(len(tokens) - 1)
        return " ".join(tokens[:i] + [tokens[i] + tokens[i + 1]] + tokens[i + 2 :])
    for prefix in ("NUR", "SRI", "ABDUL", "SYAM"):
        if len(tokens) == 1 and tokens[0].startswith(prefix) and len(tokens[0]) > len(prefix) + 2:
            if rng.random() < 0.5:
                return f"{prefix} {tokens[0][len(prefix) :]}"
    # Old spelling or a doubled/undoubled letter in one token.
    i = rng.randrange(len(tokens))
    token = tokens[i]
    choices = [(new, old) for new, old in _OLD_SPELLING if new in token]
    if choices and rng.random() < 0.6:
        new, old = rng.choice(choices)
        tokens[i] = token.replace(new, old, 1)
    else:
        doubled = [k for k in range(1, len(token)) if token[k] == token[k - 1]]
        if doubled:
            k = rng.choice(doubled)
            tokens[i] = token[:k] + token[k + 1 :]
        elif len(token) > 2:
            k = rng.randrange(1, len(token))
            if token[k] not in "AIUEO":
                tokens[i] = token[:k] + token[k] + token[k:]
    return " ".join(tokens)


def _name_added(rng: random.Random, name: str, female: bool) -> str:
    u = rng.random()
    if u < 0.5:
        return f"{name} {'BINTI' if female else 'BIN'} {rng.choice(_FATHERS)}"
    if u < 0.8:
        return f"{rng.choice(_TITLES_F if female else _TITLES_M)} {name}"
    return f"{name}{rng.choice(_DEGREES)}"


def _typo(rng: random.Random, name: str) -> str:
    positions = [i for i, c in enumerate(name) if c.isalpha()]
    if len(positions) < 4:
        return name
    i = rng.choice(positions[1:])
    u = rng.random()
    if u < 0.4:
        return name[:i] + rng.choice("AIUEONRSTKLMH") + name[i + 1 :]
    if u < 0.7:
        return name[:i] + name[i + 1 :]
    return name[:i] + name[i] + name[i:]


def _as_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _noisy(
    rng: random.Random, row: Mapping[str, str], rates: NoiseRates, villages: _Villages, cid: str
) -> dict[str, str]:
    nik = row.get("NIK", "") or ""
    if nik:
        u = rng.random()
        if u < rates.nik_digit:
            nik = _digit_typo(rng, nik, 1)
        elif u < rates.nik_digit + rates.nik_transpose:
            nik = _transpose(rng, nik)
        elif u < rates.nik_digit + rates.nik_transpose + rates.nik_two_digits:
            nik = _digit_typo(rng, nik, 2)
        elif u < rates.nik_digit + rates.nik_transpose + rates.nik_two_digits + rates.nik_missing:
            nik = ""
        elif (
            u
            < rates.nik_digit
            + rates.nik_transpose
            + rates.nik_two_digits
            + rates.nik_missing
            + rates.nik_other
        ):
            nik = nik[:4] + "".join(rng.choice("0123456789") for _ in range(len(nik) - 4))

    female = (row.get("JENIS_KELAMIN") or "").upper().startswith("P")
    name = row.get("NAMA", "") or ""
    if name:
        if rng.random() < rates.name_variant:
            name = _spelling_variant(rng, name)
        if rng.random() < rates.name_dropped and len(name.split()) > 1:
            name = " ".join(name.split()[:-1])
        if rng.random() < rates.name_added:
            name = _name_added(rng, name, female)
        if rng.random() < rates.name_typo:
            name = _typo(rng, name)
        if rng.random() < rates.lower_case:
            name = name.title()

    birth = row.get("TGL_LAHIR", "") or ""
    day = _as_date(birth)
    if day is not None:
        if rng.random() < rates.date_swapped and day.day <= 12 and day.day != day.month:
            day = day.replace(month=day.day, day=day.month)
        if rng.random() < rates.date_year:
            try:
                day = day.replace(year=day.year + rng.choice((-1, 1)))
            except ValueError:
                day = day.replace(year=day.year + 1, day=28)
        if rng.random() < rates.date_day:
            day = day + dt.timedelta(days=rng.choice((-1, 1)))
        birth = day.strftime("%d-%m-%Y") if rng.random() < rates.date_dmy else day.isoformat()

    sex = row.get("JENIS_KELAMIN", "") or ""
    if sex:
        if rng.random() < rates.sex_wrong:
            sex = "L" if female else "P"
        if rng.random() < rates.sex_long:
            sex = {"L": "LAKI-LAKI", "P": "PEREMPUAN"}.get(sex, sex)

    village = row.get("KODE_WILAYAH", "") or ""
    if village:
        u = rng.random()
        if u < rates.village_moved:
            others = [v for v in villages.by_district.get(village[:8], []) if v != village]
            if others:
                village = rng.choice(others)
        elif u < rates.village_moved + rates.village_regency_only:
            village = village[:5]

    kk = row.get("NO_KK", "") or ""
    u = rng.random()
    if u < rates.kk_missing:
        kk = ""
    elif u < rates.kk_missing + rates.kk_changed and kk:
        kk = (
            kk[:6]
            + f"{rng.randrange(1, 29):02d}{rng.randrange(1, 13):02d}{rng.randrange(15, 25):02d}"
        )
        kk += f"{rng.randrange(1, 30):04d}"

    return {
        "ID": cid,
        "NIK": nik,
        "NO_KK": kk,
        "NAMA": name,
        "TGL_LAHIR": birth,
        "JENIS_KELAMIN": sex,
        "KODE_WILAYAH": village,
    }


def make_candidates(
    present: Sequence[Mapping[str, str]],
    absent: Sequence[Mapping[str, str]] = (),
    *,
    seed: int = 0,
    rates: NoiseRates | None = None,
    village_pool: Iterable[str] = (),
    id_prefix: str = "C",
) -> tuple[list[dict[str, str]], dict[str, str | None]]:
    """Noisy candidates from `present` (in the reference) and `absent` (not in it), shuffled.

    Returns the candidate rows (CANDIDATE_COLUMNS) and the truth: candidate ID -> the
    reference ID it copies, or None for an absent person. `village_pool` lists village codes
    a moved person may land in (default: those of the given rows).
    """
    rates = rates or NoiseRates()
    rng = random.Random(seed)
    villages = _Villages()
    for code in village_pool:
        villages.add(code)
    for row in (*present, *absent):
        villages.add(row.get("KODE_WILAYAH", "") or "")
    villages.freeze()

    sources: list[tuple[Mapping[str, str], bool]] = [(r, True) for r in present]
    sources += [(r, False) for r in absent]
    rng.shuffle(sources)
    width = max(6, len(str(len(sources))))
    candidates: list[dict[str, str]] = []
    truth: dict[str, str | None] = {}
    for i, (row, is_present) in enumerate(sources, start=1):
        cid = f"{id_prefix}{i:0{width}d}"
        candidates.append(_noisy(rng, row, rates, villages, cid))
        truth[cid] = row["ID"] if is_present else None
    return candidates, truth


def write_candidates(
    path: str | Path, candidates: Sequence[Mapping[str, str]], truth: Mapping[str, str | None]
) -> None:
    """Write candidates as a person file and the truth beside it (`<stem>_truth.csv`)."""
    path = Path(path)
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=CANDIDATE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(candidates)
    with open(path.with_name(f"{path.stem}_truth.csv"), "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(("candidate_id", "reference_id"))
        for cid, rid in truth.items():
            writer.writerow((cid, rid or ""))
