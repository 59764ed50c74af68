"""Synthetic WRSE proposals with planted errors, their truth, and past recipients.

`generate_all` writes the synthetic register (`berdaya.registry.synth.generate_register`, whose
output it leaves byte for byte as it is) and, beside it, what a programme year of WRSE looks
like to verification: one proposal file per regency/city office, a list of past recipients,
and a truth file that says, row by row, who the true register person is and which reason codes
verification must give. Errors are planted by construction: each planted row is made from a
register person who meets every criterion but the planted one, so it carries exactly that code
(the few exceptions are listed in README.txt). The truth is then recomputed from the rows with
the rules below, and a row whose computed codes differ from the planted ones stops the run: the
truth file is never out of step with the files.

The rules are the WRSE defaults of DESIGN.md and DOMAIN.md: a woman, 18-59 in completed years
on 1 January of the programme year (bounds inclusive), decile 4 or lower, alive, not a civil
servant, soldier or police officer, head of the family (else review), never a WRSE recipient
before, living in the proposing regency, proposed once in the programme year. Criteria are
judged on the register's values when the person is in the register, otherwise on the row's.

People are picked while the register is generated (`generate_register(on_chunk=...)`), from the
numbers behind each chunk, so `--people 1000000` costs a fraction of a second more and the file
is never read back. Randomness comes from its own stream, seeded from the seed and the year:
the register does not change, and the same arguments give the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from berdaya.regions.codes import province_villages, regency_codes
from berdaya.registry import synth
from berdaya.registry.nik import NikError, check_nik_against_row, make_nik, parse_nik

__all__ = [
    "DEFAULT_PROPOSALS_PER_REGION",
    "DEFAULT_RECIPIENTS_PER_REGION",
    "DEFAULT_YEAR",
    "EXCLUDED_OCCUPATIONS",
    "PLANTED_CODES",
    "PROGRAM",
    "PROPOSALS_DIR",
    "PROPOSAL_COLUMNS",
    "REASON_EFFECTS",
    "RECIPIENTS_FILE",
    "RECIPIENT_COLUMNS",
    "REGENCIES",
    "TRUTH_COLUMNS",
    "TRUTH_FILE",
    "age_on",
    "default_errors_per_code",
    "files",
    "generate_all",
    "proposal_file",
    "reference_date",
    "register_vocabulary",
    "verdict_of",
]

PROGRAM = "WRSE"
DEFAULT_YEAR = 2025
DEFAULT_PROPOSALS_PER_REGION = 40
DEFAULT_RECIPIENTS_PER_REGION = 20

PROPOSALS_DIR = "proposals"
RECIPIENTS_FILE = f"recipients_{PROGRAM}.csv"
TRUTH_FILE = f"truth_{PROGRAM}.csv"

PROPOSAL_COLUMNS = (
    "ID",
    "NIK",
    "NO_KK",
    "NAMA",
    "TEMPAT_LAHIR",
    "TGL_LAHIR",
    "JENIS_KELAMIN",
    "ALAMAT",
    "KODE_WILAYAH",
    "HUBUNGAN_KELUARGA",
    "PEKERJAAN",
)
RECIPIENT_COLUMNS = ("ID", "NIK", "NAMA", "TGL_LAHIR", "JENIS_KELAMIN", "KODE_WILAYAH", "TAHUN")
TRUTH_COLUMNS = ("file", "proposal_id", "register_id", "expected_verdict", "expected_reasons")

# The 10 regencies/cities of East Kalimantan, in upload order.
REGENCIES = tuple(sorted(synth.REGENCY_WEIGHTS))

# WRSE defaults (DESIGN.md "Programmes").
SEX = "P"
AGE_MIN, AGE_MAX = 18, 59
MAX_DECILE = 4
HEAD = "KEPALA KELUARGA"
EXCLUDED_OCCUPATIONS = synth.EXCLUDED_OCCUPATIONS

# The person reason codes of DESIGN.md "Verdicts" that apply to WRSE, with their effect.
REASON_EFFECTS = {
    "AGE_OUT_OF_RANGE": "ineligible",
    "ALREADY_RECEIVED": "ineligible",
    "DECEASED": "ineligible",
    "DESIL_ABOVE_LIMIT": "ineligible",
    "DESIL_UNKNOWN": "review",
    "DUPLICATE_IN_BATCH": "ineligible",
    "EXCLUDED_OCCUPATION": "ineligible",
    "NIK_BIRTHDATE_MISMATCH": "review",
    "NIK_INVALID": "ineligible",
    "NIK_MISMATCH": "review",
    "NIK_SEX_MISMATCH": "review",
    "NOT_HEAD_OF_FAMILY": "review",
    "NOT_IN_REGISTER": "ineligible",
    "OUTSIDE_REGION": "ineligible",
    "SEX_NOT_ELIGIBLE": "ineligible",
}
PLANTED_CODES = tuple(sorted(REASON_EFFECTS))


def reference_date(year: int) -> dt.date:
    """The day on which ages are counted: 1 January of the programme year."""
    return dt.date(year, 1, 1)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years on `day` (a birthday on `day` counts)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def verdict_of(reasons: Iterable[str]) -> str:
    """The worst effect among `reasons` (ineligible, then review); eligible when none."""
    effects = {REASON_EFFECTS[r] for r in reasons}
    if "ineligible" in effects:
        return "ineligible"
    return "review" if effects else "eligible"


def proposal_file(regency: str) -> str:
    """Path of a regency office's proposal file, relative to the output directory."""
    return f"{PROPOSALS_DIR}/{PROGRAM}_{regency}.csv"


# Planted rows per code that a register of 20,000 people is sure to give.
MIN_PER_CODE = 3


def default_errors_per_code(proposals_per_region: int) -> int:
    """How many rows carry each planted code: about 5 for 40 proposals a region, 3 at least."""
    return max(MIN_PER_CODE, round(proposals_per_region / 8))


def files() -> list[str]:
    """The files `generate_all` writes besides the register's."""
    return [RECIPIENTS_FILE, *(proposal_file(r) for r in REGENCIES), TRUTH_FILE]


# --- what a register person is to WRSE --------------------------------------------------------

# One bit per criterion a register person fails, judged on the register's values.
B_SEX, B_AGE, B_DU, B_DA, B_DEAD, B_EXCL, B_HEAD = (1 << i for i in range(7))
BIT_CODES = {
    B_SEX: "SEX_NOT_ELIGIBLE",
    B_AGE: "AGE_OUT_OF_RANGE",
    B_DU: "DESIL_UNKNOWN",
    B_DA: "DESIL_ABOVE_LIMIT",
    B_DEAD: "DECEASED",
    B_EXCL: "EXCLUDED_OCCUPATION",
    B_HEAD: "NOT_HEAD_OF_FAMILY",
}
CODE_BITS = {code: bit for bit, code in BIT_CODES.items()}

# Pools of register people the planter draws from. Codes that a register person carries alone
# have a pool each (bits == that code's bit); `+HEAD` pools are wives with that code too, used
# only when a small register has too few of the first kind.
_SINGLE_POOLS = (
    "DESIL_UNKNOWN",
    "DESIL_ABOVE_LIMIT",
    "DECEASED",
    "EXCLUDED_OCCUPATION",
    "SEX_NOT_ELIGIBLE",
    "AGE_OUT_OF_RANGE",
    "NOT_HEAD_OF_FAMILY",
)
_FALLBACK_POOLS = ("DESIL_UNKNOWN", "DESIL_ABOVE_LIMIT", "DECEASED", "EXCLUDED_OCCUPATION")
# Age boundaries: ages change on a birthday within this many days of the reference date.
_EDGE_DAYS = 60
_OLD_AGE_POOL = (60, 64)  # women heads proposed although too old
_RECIPIENT_AGES = (21, 70)  # past recipients were adults when they received


class _Person:
    __slots__ = ("row", "regency", "bits", "birth", "age")

    def __init__(self, row: dict[str, str], regency: str, bits: int, ref: dt.date) -> None:
        self.row = row
        self.regency = regency
        self.bits = bits
        self.birth = dt.date.fromisoformat(row["TGL_LAHIR"])
        self.age = age_on(self.birth, ref)

    @property
    def id(self) -> str:
        return self.row["ID"]

    @property
    def nik(self) -> str:
        return self.row["NIK"]

    def codes(self) -> frozenset[str]:
        return frozenset(code for bit, code in BIT_CODES.items() if self.bits & bit)


class _Collector:
    """Called after each register chunk: keeps every NIK and KK, and people for the pools.

    Every test is a numpy expression over the chunk; only the lines of people kept in a pool
    are split. Pools are capped per regency, in register order, so their size, and the time
    spent, do not grow with the register.
    """

    def __init__(self, ref: dt.date, cap: int, recipient_cap: int) -> None:
        self.ref = ref
        self.cap = cap
        self.recipient_cap = recipient_cap
        self.niks: list[np.ndarray] = []
        self.kks: list[np.ndarray] = []
        self.pools: dict[str, dict[str, list[_Person]]] = defaultdict(lambda: defaultdict(list))
        self._tables: tuple[np.ndarray, np.ndarray] | None = None
        self._excluded = np.array(
            [synth.OCCUPATIONS.index(o) for o in sorted(EXCLUDED_OCCUPATIONS)], dtype=np.int64
        )

    def _age_tables(self, gen) -> tuple[np.ndarray, np.ndarray]:
        if self._tables is None:
            dates = np.datetime64(synth.DAY0.isoformat()) + np.arange(gen.days.count)
            months = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
            days = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
            self._tables = (np.asarray(gen.days.year, dtype=np.int64), months * 100 + days)
        return self._tables

    def _ages(self, gen, birth: np.ndarray, day: dt.date) -> np.ndarray:
        years, mmdd = self._age_tables(gen)
        return day.year - years[birth] - (mmdd[birth] > day.month * 100 + day.day)

    def __call__(self, lines: list[str], gen) -> None:
        c = gen.last_chunk
        self.niks.append(np.asarray(c["nik"], dtype=np.int64))
        self.kks.append(np.unique(c["kk"]))
        birth = c["birth"]
        ref = self.ref
        age = self._ages(gen, birth, ref)
        age_before = self._ages(gen, birth, ref - dt.timedelta(days=_EDGE_DAYS))
        age_after = self._ages(gen, birth, ref + dt.timedelta(days=_EDGE_DAYS))
        leap_day = self._age_tables(gen)[1][birth] == 229
        female = c["female"]
        relation = c["relation"]
        head = relation == synth.R_HEAD
        wife = relation == synth.R_WIFE
        child = relation == synth.R_CHILD
        decile = c["decile"]
        bits = (
            np.where(female, 0, B_SEX)
            | np.where((age < AGE_MIN) | (age > AGE_MAX), B_AGE, 0)
            | np.where(decile == 0, B_DU, 0)
            | np.where(decile > MAX_DECILE, B_DA, 0)
            | np.where(c["dead"], B_DEAD, 0)
            | np.where(np.isin(c["occupation"], self._excluded), B_EXCL, 0)
            | np.where(head, 0, B_HEAD)
        )
        wanted: list[tuple[str, np.ndarray, int]] = [("E", bits == 0, self.cap)]
        for code in _SINGLE_POOLS:
            mask = bits == CODE_BITS[code]
            if code == "AGE_OUT_OF_RANGE":
                mask &= (age >= _OLD_AGE_POOL[0]) & (age <= _OLD_AGE_POOL[1])
            elif code == "NOT_HEAD_OF_FAMILY":
                mask &= wife
            wanted.append((code, mask, self.cap))
        for code in _FALLBACK_POOLS:
            wanted.append((f"{code}+HEAD", (bits == CODE_BITS[code] | B_HEAD) & wife, self.cap))
        # The people nearest the age bounds, on either side, for the boundary rows.
        edge = 50
        wanted += [
            ("edge:59", (bits == 0) & (age == AGE_MAX) & (age_after == AGE_MAX + 1), edge),
            ("edge:60", (bits == B_AGE) & (age == AGE_MAX + 1) & (age_before == AGE_MAX), edge),
            (
                "edge:17",
                (bits == B_AGE | B_HEAD) & child & (age == AGE_MIN - 1) & (age_after == AGE_MIN),
                edge,
            ),
            (
                "edge:18",
                (bits == B_HEAD) & child & (age == AGE_MIN) & (age_before == AGE_MIN - 1),
                edge,
            ),
            (
                "recipient",
                female & head & (age >= _RECIPIENT_AGES[0]) & (age <= _RECIPIENT_AGES[1]),
                self.recipient_cap,
            ),
        ]
        regency_codes_ = gen.geo.regency_codes
        regency = c["regency"]
        parsed: dict[int, dict[str, str]] = {}
        for key, mask, cap in wanted:
            if key.startswith("edge:"):
                mask = mask & ~leap_day
            pool = self.pools[key]
            full = {r for r in REGENCIES if len(pool[r]) >= cap}
            if len(full) == len(REGENCIES):
                continue
            for i in np.flatnonzero(mask).tolist():
                r = regency_codes_[regency[i]]
                if r in full:
                    continue
                row = parsed.get(i)
                if row is None:
                    row = parsed[i] = dict(zip(synth.COLUMNS, lines[i].split(","), strict=True))
                pool[r].append(_Person(row, r, int(bits[i]), ref))
                if len(pool[r]) >= cap:
                    full.add(r)
                    if len(full) == len(REGENCIES):
                        break

    def sorted_niks(self) -> np.ndarray:
        return np.sort(np.concatenate(self.niks)) if self.niks else np.zeros(0, np.int64)

    def sorted_kks(self) -> np.ndarray:
        return np.unique(np.concatenate(self.kks)) if self.kks else np.zeros(0, np.int64)


# --- invented people (NOT_IN_REGISTER) --------------------------------------------------------

# Women's names of the province that the register generator never uses: an invented person's
# name is two of these words, so it cannot be any register person's name.
_INVENTED_FIRST = synth._words(
    """
    KURNIASIH, MEGAWATI, PONIRAH, SUGIYEM, RUSLIANA, HERNAWATI, YULIASTUTI, SUPIATI, JUMIRAH,
    SUMIYATI, KHOIRIYAH, SAINAH, TITIN, RATMI, SUMIRAH, WAGINAH, MUSLIMAH, SALAMAH, ROHAYA,
    ASMAH, NURLELA, HENI, YATI, MARYATI, SURTINI, KASMINI, RUSDIANA, ISTIQOMAH, MAWARNI,
    NORJANAH, HAMSINAR, SITTI RAMLAH, ANDARIA, LUSIANA, TRIANA, ERNI
    """
)
_INVENTED_SECOND = synth._words(
    """
    SUSANTI, ROHMAWATI, FITRIYAH, MUSTIKA, NURHASANAH, SAFRIDA, MARDIANA, ISMAWATI, YUSNIAR,
    ROSDIANA, KASTINI, WIDARTI, SUPRIYATIN, MUNAWARAH, HALIMATUS, SADIAH, RAMLAH, INDRAYANI,
    JUWARIAH, MARHAMAH DEWI, SULASMI, TUMIRAN, NGATINI, PURWATI
    """
)
_INVENTED_JOBS = (
    "MENGURUS RUMAH TANGGA",
    "PEDAGANG",
    "BURUH HARIAN LEPAS",
    "PETANI",
    "WIRASWASTA",
)


def register_vocabulary() -> frozenset[str]:
    """Every word the register generator can put in a name."""
    words: set[str] = {"ANDI", "DAYANG", "AJI", "AWANG", "HJ.", "H."}
    tables: list[Iterable[str]] = [synth.TORAJA_FAMILY, *synth.MODERN.values()]
    tables += [*synth.MODERN_SECOND.values(), *synth.CHRISTIAN_GIVEN.values()]
    for community in synth.NAMES.values():
        tables += list(community.values())
    for name, variants in synth.SPELLINGS.items():
        tables.append([name, *(v for v, _ in variants)])
    for table in tables:
        for name in table:
            words.update(name.split())
    return frozenset(words)


def _invented_names() -> tuple[tuple[str, ...], tuple[str, ...]]:
    vocabulary = register_vocabulary()

    def fresh(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(n for n in names if not set(n.split()) & vocabulary)

    return fresh(_INVENTED_FIRST), fresh(_INVENTED_SECOND)


class _Village:
    __slots__ = ("code", "name", "urban")

    def __init__(self, code: str, name: str) -> None:
        self.code = code
        self.name = synth._plain(name)
        self.urban = code[9] == "1"  # Kemendagri: kelurahan 1xxx, desa 2xxx

    def address(self, rng: random.Random) -> str:
        rt = rng.randint(1, 30 if self.urban else 12)
        if self.urban:
            street = rng.choice(synth.STREETS)
            return f"JL. {street} RT {rt:03d} KEL. {self.name}"
        return f"RT {rt:03d} DESA {self.name}"


def _villages() -> dict[str, list[_Village]]:
    by_regency: dict[str, list[_Village]] = defaultdict(list)
    for v in sorted(province_villages(), key=lambda v: v.code):
        if v.code[:5] in synth.REGENCY_WEIGHTS:
            by_regency[v.code[:5]].append(_Village(v.code, v.name))
    return by_regency


# --- rows -------------------------------------------------------------------------------------


class _Row:
    """A proposal row before it gets its ID: who proposes it, who it really is, what it is."""

    __slots__ = ("office", "fields", "person", "intended", "kind", "proposal_id", "reasons")

    def __init__(
        self,
        office: str,
        fields: dict[str, str],
        person: _Person | None,
        intended: Iterable[str],
        kind: str,
    ) -> None:
        self.office = office
        self.fields = fields
        self.person = person
        self.intended = frozenset(intended)
        self.kind = kind
        self.proposal_id = ""
        self.reasons: frozenset[str] = frozenset()


def _copy(person: _Person) -> dict[str, str]:
    return {c: person.row[c] for c in PROPOSAL_COLUMNS if c != "ID"}


def _dmy(iso: str) -> str:
    return f"{iso[8:10]}-{iso[5:7]}-{iso[:4]}"


def _read_date(text: str) -> dt.date:
    text = text.strip()
    if len(text) == 10 and text[2] == "-" and text[5] == "-":
        return dt.date(int(text[6:]), int(text[3:5]), int(text[:2]))
    return dt.date.fromisoformat(text)


_HARMLESS = ("title case", "lower case", "extra spaces", "DD-MM-YYYY", "undotted village")


def _harmless(fields: dict[str, str], kind: str) -> dict[str, str]:
    """A difference in writing that must not change anything (DESIGN.md "Files")."""
    out = dict(fields)
    if kind == "title case":
        out["NAMA"] = out["NAMA"].title()
    elif kind == "lower case":
        out["NAMA"] = out["NAMA"].lower()
    elif kind == "extra spaces":
        out["NAMA"] = "  ".join(out["NAMA"].split()) + " "
    elif kind == "DD-MM-YYYY":
        out["TGL_LAHIR"] = _dmy(out["TGL_LAHIR"])
    elif kind == "undotted village":
        out["KODE_WILAYAH"] = out["KODE_WILAYAH"].replace(".", "")
    return out


def _is_valid_nik(nik: str, ref: dt.date) -> bool:
    try:
        parse_nik(nik, reference=ref)
    except NikError:
        return False
    return True


def _unknown_regency_nik(nik: str) -> str:
    """The regency digits swapped (6472 -> 6427) when that is no regency, else 6499."""
    known = regency_codes()
    swapped = nik[:2] + nik[3] + nik[2] + nik[4:]
    if swapped != nik and swapped[:4] not in known:
        return swapped
    for code in range(99, 11, -1):
        if f"64{code}" not in known:
            return f"64{code}" + nik[4:]
    raise AssertionError("no unknown regency code under 64")  # pragma: no cover


def _broken_nik(nik: str, kind: str, variant: int, rng: random.Random) -> tuple[str, str]:
    """An invalid NIK made from a valid one, and a description of the damage."""
    female = int(nik[6:8]) > 40
    if kind == "length":
        pos = rng.randrange(16)
        return nik[:pos] + nik[pos + 1 :], "15 digits"
    if kind == "regency":
        broken = _unknown_regency_nik(nik)
        return broken, f"unknown regency {broken[:4]}"
    if kind == "date":
        choice = variant % 3
        if choice == 0:
            day = "72" if female else "32"
            return nik[:6] + day + nik[8:], f"birth day field {day}"
        if choice == 1:
            return nik[:8] + "13" + nik[10:], "birth month 13"
        day = "70" if female else "30"
        return nik[:6] + day + "02" + nik[10:], "30 February"
    return nik[:12] + "0000", "serial 0000"


def _holds(sorted_values: np.ndarray, value: int) -> bool:
    """Whether a sorted array of NIK or KK numbers holds `value`."""
    i = int(np.searchsorted(sorted_values, value))
    return i < len(sorted_values) and int(sorted_values[i]) == value


class _Planner:
    def __init__(
        self,
        collector: _Collector,
        *,
        seed: int,
        year: int,
        per_region: int,
        errors_per_code: int,
        recipients_per_region: int,
    ) -> None:
        self.rng = random.Random(f"berdaya synth proposals {PROGRAM} seed={seed} year={year}")
        self.year = year
        self.ref = reference_date(year)
        # NIKs are read as of the register's own date, the latest anyone can be born.
        self.nik_ref = max(self.ref, synth.REFERENCE_DATE)
        self.per_region = per_region
        self.k = errors_per_code
        self.recipients_per_region = recipients_per_region
        self.register_niks = collector.sorted_niks()
        self.register_kks = collector.sorted_kks()
        self.pools: dict[str, dict[str, list[_Person]]] = {}
        for key, by_regency in collector.pools.items():
            self.pools[key] = {}
            for r in REGENCIES:
                people = list(by_regency.get(r, ()))
                self.rng.shuffle(people)
                self.pools[key][r] = people
        for key in ("E", *_SINGLE_POOLS, *(f"{c}+HEAD" for c in _FALLBACK_POOLS)):
            self.pools.setdefault(key, {r: [] for r in REGENCIES})
        self.used: set[str] = set()
        self.used_niks: set[str] = set()
        self.used_kks: set[int] = set()
        self.errors: Counter[str] = Counter()
        self.weight = {r: max(1, min(per_region, len(self.pools["E"][r]))) for r in REGENCIES}
        self.rows: dict[str, list[_Row]] = {r: [] for r in REGENCIES}
        self.first_of: dict[str, list[_Person]] = {r: [] for r in REGENCIES}
        self.edge_clean: dict[str, list[_Person]] = {r: [] for r in REGENCIES}
        self.already: list[_Person] = []
        self.notes: Counter[str] = Counter()
        self.villages = _villages()
        self.first_names, self.second_names = _invented_names()

    # -- picking ------------------------------------------------------------------------------

    def _available(self, key: str, regency: str) -> int:
        pool = self.pools.get(key, {}).get(regency, [])
        while pool and pool[-1].id in self.used:
            pool.pop()
        return len(pool)

    def _take(self, key: str, regency: str) -> _Person:
        self._available(key, regency)
        person = self.pools[key][regency].pop()
        self.used.add(person.id)
        return person

    def _office(self, candidates: Iterable[str]) -> str | None:
        """The office with the fewest planted errors for its size (ties drawn at random)."""
        best, best_key = None, None
        for r in candidates:
            key = ((self.errors[r] + 1) / self.weight[r], self.rng.random())
            if best_key is None or key < best_key:
                best, best_key = r, key
        return best

    def _add(self, row: _Row, *, error: bool = True) -> None:
        self.rows[row.office].append(row)
        if error:
            self.errors[row.office] += 1
        self.notes[row.kind] += 1

    def _nearest(self, key: str, latest: bool) -> _Person | None:
        people = [p for r in REGENCIES for p in self.pools.get(key, {}).get(r, [])]
        people = [p for p in people if p.id not in self.used]
        if not people:
            return None
        if latest:
            return max(people, key=lambda p: (p.birth, p.id))
        return min(people, key=lambda p: (p.birth, p.id))

    # -- planting -----------------------------------------------------------------------------

    def plan(self) -> None:
        k = self.k
        # Age bounds: the person closest to each bound, on each side.
        clean_59 = self._nearest("edge:59", latest=False)  # turns 60 soonest after the date
        if clean_59 is not None:
            self.used.add(clean_59.id)
            self.edge_clean[clean_59.regency].append(clean_59)
        planted: Counter[str] = Counter()
        for key, latest, codes, kind in (
            ("edge:60", True, ("AGE_OUT_OF_RANGE",), "AGE_OUT_OF_RANGE: 60th birthday nearest"),
            (
                "edge:17",
                False,
                ("AGE_OUT_OF_RANGE", "NOT_HEAD_OF_FAMILY"),
                "AGE_OUT_OF_RANGE: 17, 18th birthday nearest after (a daughter)",
            ),
            ("edge:18", True, ("NOT_HEAD_OF_FAMILY",), "NOT_HEAD_OF_FAMILY: 18 on the day"),
        ):
            if planted[codes[0]] >= k:
                continue
            person = self._nearest(key, latest)
            if person is None:
                continue
            self.used.add(person.id)
            self._add(_Row(person.regency, _copy(person), person, codes, kind))
            planted[codes[0]] += 1

        # Register people who fail one criterion, proposed by their own office.
        for code in (
            "DECEASED",
            "EXCLUDED_OCCUPATION",
            "DESIL_UNKNOWN",
            "DESIL_ABOVE_LIMIT",
            "SEX_NOT_ELIGIBLE",
            "AGE_OUT_OF_RANGE",
            "NOT_HEAD_OF_FAMILY",
        ):
            for n in range(planted[code], k):
                keys = [code]
                if code in _FALLBACK_POOLS and n < MIN_PER_CODE:
                    # Too few people with this code alone: a wife with it reaches the minimum.
                    keys.append(f"{code}+HEAD")
                for key in keys:
                    office = self._office(r for r in REGENCIES if self._available(key, r))
                    if office is not None:
                        person = self._take(key, office)
                        kind = code if key == code else f"{code} (a wife: also NOT_HEAD_OF_FAMILY)"
                        self._add(_Row(office, _copy(person), person, person.codes(), kind))
                        break

        # Eligible women with something wrong on the row or in the past.
        def eligible_office() -> str | None:
            return self._office(r for r in REGENCIES if self._available("E", r) >= 2)

        for i in range(k):
            office = eligible_office()
            if office is None:
                break
            person = self._take("E", office)
            kind = ("length", "regency", "date", "serial")[i % 4]
            nik, what = _broken_nik(person.nik, kind, i // 4, self.rng)
            if _is_valid_nik(nik, self.nik_ref) or nik in self.used_niks:  # pragma: no cover
                raise AssertionError(f"planted NIK {nik} is not invalid or not new")
            self.used_niks.add(nik)
            fields = _copy(person) | {"NIK": nik}
            self._add(_Row(office, fields, person, ["NIK_INVALID"], f"NIK_INVALID: {what}"))

        for i in range(k):
            office = eligible_office()
            if office is None:
                break
            person = self._take("E", office)
            nik, what = self._typo(person.nik, transpose=i % 2 == 1)
            fields = _copy(person) | {"NIK": nik}
            self._add(_Row(office, fields, person, ["NIK_MISMATCH"], f"NIK_MISMATCH: {what}"))

        for i in range(k):
            office = eligible_office()
            if office is None:
                break
            person = self._take("E", office)
            birth, what = self._other_birth_date(person.birth, swap=i % 2 == 1)
            fields = _copy(person) | {"TGL_LAHIR": birth.isoformat()}
            kind = f"NIK_BIRTHDATE_MISMATCH: {what}"
            self._add(_Row(office, fields, person, ["NIK_BIRTHDATE_MISMATCH"], kind))

        for _ in range(k):
            office = eligible_office()
            if office is None:
                break
            person = self._take("E", office)
            fields = _copy(person) | {"JENIS_KELAMIN": "L"}
            self._add(_Row(office, fields, person, ["NIK_SEX_MISMATCH"], "NIK_SEX_MISMATCH"))

        for _ in range(k):
            office = eligible_office()
            if office is None:
                break
            person = self._take("E", office)
            self.already.append(person)
            kind = "ALREADY_RECEIVED"
            self._add(_Row(office, _copy(person), person, ["ALREADY_RECEIVED"], kind))

        for i in range(k):
            office = self._office(
                r
                for r in REGENCIES
                if any(self._available("E", b) >= 2 for b in REGENCIES if b != r)
            )
            if office is None:
                break
            home = self._richest(b for b in REGENCIES if b != office)
            person = self._take("E", home)
            fields, what = self._elsewhere(person, office, claimed=i % 2 == 1)
            self._add(_Row(office, fields, person, ["OUTSIDE_REGION"], f"OUTSIDE_REGION: {what}"))

        # The same person twice: in one file, or in two (the later office's file second).
        for i in range(k):
            if i % 2 == 0:
                office = eligible_office()
                if office is None:
                    break
                person = self._take("E", office)
                self.first_of[office].append(person)
                kind = "DUPLICATE_IN_BATCH: again in the same file"
                self._add(_Row(office, _copy(person), person, ["DUPLICATE_IN_BATCH"], kind))
            else:
                office = self._office(
                    r
                    for r in REGENCIES
                    if any(self._available("E", a) >= 2 for a in REGENCIES if a < r)
                )
                if office is None:
                    break
                home = self._richest(a for a in REGENCIES if a < office)
                person = self._take("E", home)
                self.first_of[home].append(person)
                fields, what = self._elsewhere(person, office, claimed=i % 4 == 3)
                codes = ("DUPLICATE_IN_BATCH", "OUTSIDE_REGION")
                kind = f"DUPLICATE_IN_BATCH: again by a later office ({what})"
                self._add(_Row(office, fields, person, codes, kind))

        for _ in range(k):
            office = self._office(REGENCIES)
            self._add(self._invented(office))

        # Clean rows fill each file up to its size.
        for r in REGENCIES:
            reserved = self.edge_clean[r] + self.first_of[r]
            n = max(len(reserved), self.per_region - self.errors[r])
            clean = list(reserved)
            while len(clean) < n and self._available("E", r):
                clean.append(self._take("E", r))
            for j, person in enumerate(clean):
                fields = _copy(person)
                kind = "clean"
                if person in self.edge_clean[r]:
                    kind = "clean: 60th birthday nearest after the reference date"
                elif j >= len(reserved) and self.rng.random() < 0.2:
                    variant = self.rng.choice(_HARMLESS)
                    fields = _harmless(fields, variant)
                    kind = f"clean, written differently: {variant}"
                self._add(_Row(r, fields, person, (), kind), error=False)

        self._order()

    def _richest(self, regencies: Iterable[str]) -> str:
        """The regency with the most eligible women left (ties drawn at random)."""
        return max(regencies, key=lambda r: (self._available("E", r), self.rng.random()))

    def _elsewhere(self, person: _Person, office: str, *, claimed: bool) -> tuple[dict, str]:
        """A person of another regency, as the office wrote them."""
        fields = _copy(person)
        if not claimed:
            return fields, "register village"
        # The office writes a village of its own (the register says otherwise).
        village = self.rng.choice(self.villages[office])
        fields["KODE_WILAYAH"] = village.code
        fields["ALAMAT"] = village.address(self.rng)
        return fields, "a village of the proposing regency written"

    def _typo(self, nik: str, *, transpose: bool) -> tuple[str, str]:
        """A valid NIK one slip away in the serial, that nobody in the register holds.

        Only the serial: a slip in the date digits would also change the birth date the NIK
        carries, adding NIK_BIRTHDATE_MISMATCH.
        """
        subs, swaps = [], []
        for p in range(12, 16):
            for d in "0123456789":
                if d != nik[p]:
                    subs.append(nik[:p] + d + nik[p + 1 :])
        for p in range(12, 15):
            if nik[p] != nik[p + 1]:
                swaps.append(nik[:p] + nik[p + 1] + nik[p] + nik[p + 2 :])

        def free(candidate: str) -> bool:
            if candidate[12:] == "0000" or candidate in self.used_niks:
                return False
            return not _holds(self.register_niks, int(candidate))

        for what, options in (("two digits swapped", swaps), ("one digit wrong", subs)):
            if what == "two digits swapped" and not transpose:
                continue
            options = [c for c in options if free(c)]
            if options:
                typo = self.rng.choice(options)
                self.used_niks.add(typo)
                return typo, what
        raise AssertionError(f"no free NIK near {nik}")  # pragma: no cover

    def _other_birth_date(self, birth: dt.date, *, swap: bool) -> tuple[dt.date, str]:
        if swap and birth.day <= 12 and birth.day != birth.month:
            return birth.replace(month=birth.day, day=birth.month), "day and month swapped"
        shift = self.rng.randint(1, 9)
        day = birth.day + shift if birth.day + shift <= 28 else birth.day - shift
        return birth.replace(day=day), "another day of the month"

    def _invented(self, office: str) -> _Row:
        """A woman who meets every criterion on paper but is not in the register."""
        rng = self.rng
        village = rng.choice(self.villages[office])
        district = village.code[:8].replace(".", "")
        age = rng.randint(22, 55)
        birth = dt.date(self.ref.year - age - 1, rng.randint(1, 12), rng.randint(1, 28))
        for attempt in range(10_000):
            serial = rng.randint(1, 60 if attempt < 100 else 9999)
            nik = make_nik(district, birth, "P", serial)
            if nik not in self.used_niks and not _holds(self.register_niks, int(nik)):
                break
        else:  # pragma: no cover
            raise AssertionError("no free NIK for an invented person")
        self.used_niks.add(nik)
        issued_from = max(birth + dt.timedelta(days=18 * 366), dt.date(2010, 1, 1))
        issued_to = min(self.ref, synth.REFERENCE_DATE) - dt.timedelta(days=30)
        span = max(1, (issued_to - issued_from).days)
        for _attempt in range(10_000):
            issued = issued_from + dt.timedelta(days=rng.randrange(span))
            kk = int(f"{district}{issued:%d%m%y}{rng.randint(1, 99):04d}")
            if kk not in self.used_kks and not _holds(self.register_kks, kk):
                break
        else:  # pragma: no cover
            raise AssertionError("no free KK number for an invented person")
        self.used_kks.add(kk)
        fields = {
            "NIK": nik,
            "NO_KK": str(kk),
            "NAMA": f"{rng.choice(self.first_names)} {rng.choice(self.second_names)}",
            "TEMPAT_LAHIR": synth.REGENCY_TOWNS[office],
            "TGL_LAHIR": birth.isoformat(),
            "JENIS_KELAMIN": "P",
            "ALAMAT": village.address(rng),
            "KODE_WILAYAH": village.code,
            "HUBUNGAN_KELUARGA": HEAD,
            "PEKERJAAN": rng.choice(_INVENTED_JOBS),
        }
        return _Row(office, fields, None, ["NOT_IN_REGISTER"], "NOT_IN_REGISTER: invented")

    def _order(self) -> None:
        """Shuffle each file; a person's first row in a file comes before their second."""
        for r in REGENCIES:
            rows = self.rows[r]
            self.rng.shuffle(rows)
            first: dict[str, int] = {}
            for i, row in enumerate(rows):
                if row.person is None:
                    continue
                j = first.get(row.person.id)
                if j is None:
                    first[row.person.id] = i
                elif "DUPLICATE_IN_BATCH" in rows[j].intended:
                    rows[i], rows[j] = rows[j], rows[i]
            for n, row in enumerate(rows, start=1):
                row.proposal_id = f"{r}-{n:04d}"

    # -- past recipients ----------------------------------------------------------------------

    def recipients(self) -> list[dict[str, str]]:
        """Past WRSE recipients: the planted ones and others nobody proposes this year."""
        rng = self.rng
        years = list(range(self.year - 3, self.year))
        chosen = [(p, rng.choice(years)) for p in self.already]
        for r in REGENCIES:
            n = 0
            for person in self.pools.get("recipient", {}).get(r, []):
                if n >= self.recipients_per_region:
                    break
                if person.id in self.used:
                    continue
                self.used.add(person.id)
                chosen.append((person, rng.choice(years)))
                n += 1
        chosen.sort(key=lambda pt: (pt[1], pt[0].row["KODE_WILAYAH"], pt[0].nik))
        out = []
        counter: Counter[int] = Counter()
        for person, year in chosen:
            counter[year] += 1
            row = {c: person.row[c] for c in RECIPIENT_COLUMNS if c not in ("ID", "TAHUN")}
            out.append({"ID": f"{PROGRAM}-{year}-{counter[year]:04d}", **row, "TAHUN": str(year)})
        return out


# --- the rules, once more, to write the truth ---------------------------------------------------


def _judge(rows: list[_Row], recipient_niks: set[str], ref: dt.date, nik_ref: dt.date) -> None:
    """Give each row (in upload order) the reason codes verification must find."""
    seen: set[str] = set()
    for row in rows:
        f = row.fields
        reasons: set[str] = set()
        birth_on_row = _read_date(f["TGL_LAHIR"])
        try:
            info = parse_nik(f["NIK"], reference=nik_ref, birth_date_hint=birth_on_row)
        except NikError:
            info = None
        person = row.person
        if info is None:
            # An invalid NIK gets NIK_INVALID only: it is compared with nothing.
            reasons.add("NIK_INVALID")
        else:
            flags = check_nik_against_row(info, birth_date=birth_on_row, sex=f["JENIS_KELAMIN"])
            reasons.update(flag.code for flag in flags)
            if person is None:
                reasons.add("NOT_IN_REGISTER")
            elif f["NIK"] != person.nik:
                reasons.add("NIK_MISMATCH")
        if person is not None:
            values = person.row
            sex, birth = values["JENIS_KELAMIN"], person.birth
            if values["DESIL"] == "":
                reasons.add("DESIL_UNKNOWN")
            elif int(values["DESIL"]) > MAX_DECILE:
                reasons.add("DESIL_ABOVE_LIMIT")
            if values["STATUS_HIDUP"] == "MENINGGAL":
                reasons.add("DECEASED")
            if person.nik in recipient_niks:
                reasons.add("ALREADY_RECEIVED")
            key = person.id
        else:
            # Not in the register: decile and life status cannot be judged; the row's own
            # values are.
            values = f
            sex, birth = f["JENIS_KELAMIN"], birth_on_row
            if f["NIK"] in recipient_niks:
                reasons.add("ALREADY_RECEIVED")
            key = f"NIK {f['NIK']}"
        if sex != SEX:
            reasons.add("SEX_NOT_ELIGIBLE")
        if not AGE_MIN <= age_on(birth, ref) <= AGE_MAX:
            reasons.add("AGE_OUT_OF_RANGE")
        if values["HUBUNGAN_KELUARGA"] != HEAD:
            reasons.add("NOT_HEAD_OF_FAMILY")
        if values["PEKERJAAN"] in EXCLUDED_OCCUPATIONS:
            reasons.add("EXCLUDED_OCCUPATION")
        village = values["KODE_WILAYAH"].replace(".", "")
        if f"{village[:2]}.{village[2:4]}" != row.office:
            reasons.add("OUTSIDE_REGION")
        if key in seen:
            reasons.add("DUPLICATE_IN_BATCH")
        seen.add(key)
        row.reasons = frozenset(reasons)


# --- files --------------------------------------------------------------------------------------


def _write_csv(path: Path, columns: Iterable[str], rows: Iterable[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


README_SECTION = """\

{title}
{underline}

Generated with the register by `berdaya synth --people {people} --seed {seed} --year {year}
--proposals-per-region {per_region}`. They are what verification of WRSE {year} receives; the
truth file says what it must find.

Files
-----
{recipients:<26}Past WRSE recipients ({first_year}-{last_year}), all in the register:
                          ID,NIK,NAMA,TGL_LAHIR,JENIS_KELAMIN,KODE_WILAYAH,TAHUN.
                          Import it before verifying, for ALREADY_RECEIVED.
proposals/WRSE_<code>.csv One file per regency/city office (64.01 ... 64.74), proposed by that
                          office for its own region, in the person-file columns
                          ID,NIK,NO_KK,NAMA,TEMPAT_LAHIR,TGL_LAHIR,JENIS_KELAMIN,ALAMAT,
                          KODE_WILAYAH,HUBUNGAN_KELUARGA,PEKERJAAN. IDs are <code>-0001...,
                          unique within the file (and across files). KODE_WILAYAH is the
                          village as the office wrote it. Upload the files in code order
                          (64.01 first): DUPLICATE_IN_BATCH goes to the later upload.
{truth:<26}One row per proposal row, in upload order:
                          file,proposal_id,register_id,expected_verdict,expected_reasons.
                          register_id is the register ID of the true person (empty when the
                          person is not in the register); expected_verdict is eligible,
                          ineligible or review; expected_reasons are the reason codes,
                          alphabetical, joined by ';' (empty for eligible).

Rules (the WRSE defaults of DESIGN.md)
--------------------------------------
Programme year {year}; ages in completed years on {reference} (bounds inclusive).
A woman (P), 18-59, decile 1-4, alive, not PEGAWAI NEGERI SIPIL / TNI / POLRI, head of the
family (KEPALA KELUARGA; else NOT_HEAD_OF_FAMILY, a review), never a WRSE recipient before,
living (register village) in the proposing regency, proposed once this year. Criteria are
judged on the register's values when the person is in the register (birth date, sex, decile,
status, occupation, family relation, village), otherwise on the row's. The verdict is the
worst effect among the codes (ineligible, then review); eligible means no code.
- An invalid NIK (not 16 digits, unknown regency, impossible birth date, serial 0000) gets
  NIK_INVALID only: never NIK_MISMATCH (which is for a valid NIK that differs from the
  register's), NIK_BIRTHDATE_MISMATCH, NIK_SEX_MISMATCH or NOT_IN_REGISTER. Each planted
  invalid NIK belongs to a register person (register_id) who meets every other criterion and
  is found by name, birth date, village and KK.
- A person not in the register gets NOT_IN_REGISTER; decile and life status are not judged
  for them. The planted ones are invented women with valid NIKs and KK numbers nobody in the
  register holds, named with words no register name uses, meeting every criterion on paper.
- NIK_MISMATCH rows carry the register NIK with one wrong digit or two swapped digits in the
  serial (the last 4 digits): still a valid NIK, held by nobody in the register, with the same
  birth date and sex, so no other code.
- NIK_BIRTHDATE_MISMATCH rows carry another birth date than the NIK and the register (another
  day, or day and month swapped); NIK_SEX_MISMATCH rows say L for a woman.
- OUTSIDE_REGION rows propose a woman of another regency: half with her register village,
  half with a village of the proposing regency written in (the register's village counts).
- DUPLICATE_IN_BATCH: the same register person again later in the same file, or in the file
  of a later office (then also OUTSIDE_REGION). The first row is clean.
- Age bounds: the woman head whose 60th birthday comes first after the reference date is a
  clean row; the one whose 60th birthday is nearest on or before it is AGE_OUT_OF_RANGE. The
  daughter who turns 18 nearest on or before it gets NOT_HEAD_OF_FAMILY only, the one who turns
  18 soonest after it AGE_OUT_OF_RANGE and NOT_HEAD_OF_FAMILY (no woman head is under 20).
- Some clean rows are written differently, which must change nothing: name in title or lower
  case or with extra spaces, birth date DD-MM-YYYY, village code without dots.
- Every other planted row carries exactly its one code, and a code is planted fewer times
  than asked when the register has too few women heads who fail only that criterion. When
  there are fewer than 3 for DECEASED, EXCLUDED_OCCUPATION or a DESIL code, wives with that
  code (then also NOT_HEAD_OF_FAMILY) make up the 3.

This run
--------
{summary}
"""


def _summary_lines(summary: dict) -> str:
    lines = []
    for key, value in summary.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}: {v}" for k, v in value.items())
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        lines.append(f"{key:22s}{value}")
    return "\n".join(lines)


def generate_all(
    people: int,
    seed: int,
    out_dir: Path,
    year: int = DEFAULT_YEAR,
    proposals_per_region: int = DEFAULT_PROPOSALS_PER_REGION,
    *,
    errors_per_code: int | None = None,
    recipients_per_region: int = DEFAULT_RECIPIENTS_PER_REGION,
    progress: Callable[[int, int], None] | None = None,
    kube_groups_per_region: int | None = None,
    kube_errors_per_code: int | None = None,
    kube_group_sizes: tuple[int, int] | None = None,
    kube_past_groups_per_region: int | None = None,
    ppks_errors_per_code: int | None = None,
    lks_errors_per_code: int | None = None,
) -> dict:
    """Write the register and the WRSE, KUBE, PPKS and LKS files into `out_dir`; return a summary.

    `register.csv` (and the first part of README.txt) is exactly what `generate_register`
    writes for `people` and `seed`. `errors_per_code` rows carry each reason code (default
    `default_errors_per_code(proposals_per_region)`); the other rows are clean, up to
    `proposals_per_region` a file where the register has enough eligible women (a small
    region's file is shorter). `recipients_per_region` past recipients per regency are listed
    besides the planted ALREADY_RECEIVED ones. The `kube_*` parameters go to
    `berdaya.registry.synth_groups.generate` (None: its defaults); they change nothing in the
    register or the WRSE files. PPKS files (`berdaya.registry.synth_ppks`) have
    `proposals_per_region` rows a file too, `ppks_errors_per_code` planted rows a code (None:
    as WRSE); the LKS files (`berdaya.registry.synth_lks`) `lks_errors_per_code` (None: its
    default). Neither changes the other files.
    """
    # Imported here: synth_groups, synth_ppks and synth_lks build on this module.
    from berdaya.registry import synth_groups, synth_lks, synth_ppks

    kube_options = {
        "groups_per_region": kube_groups_per_region,
        "errors_per_code": kube_errors_per_code,
        "group_sizes": kube_group_sizes,
        "past_groups_per_region": kube_past_groups_per_region,
    }
    if proposals_per_region < 1:
        raise ValueError("proposals_per_region must be at least 1")
    if not 1900 < year < 2100:
        raise ValueError("year must be a year such as 2025")
    k = (
        default_errors_per_code(proposals_per_region)
        if errors_per_code is None
        else errors_per_code
    )
    ppks_k = k if ppks_errors_per_code is None else ppks_errors_per_code
    if k < 0 or recipients_per_region < 0 or ppks_k < 0 or (lks_errors_per_code or 0) < 0:
        raise ValueError("counts cannot be negative")
    synth_groups.check_parameters(**kube_options)
    out_dir = Path(out_dir)
    ref = reference_date(year)
    cap = 4 * proposals_per_region + 12 * k + 40
    collector = _Collector(ref, cap, max(40, 2 * recipients_per_region))
    kube_collector = synth_groups.make_collector(ref)
    ppks_collector = synth_ppks.make_collector(ref, proposals_per_region, ppks_k)

    def on_chunk(lines: list[str], gen) -> None:
        collector(lines, gen)
        kube_collector(lines, gen)
        ppks_collector(lines, gen)

    summary = synth.generate_register(people, seed, out_dir, progress=progress, on_chunk=on_chunk)

    planner = _Planner(
        collector,
        seed=seed,
        year=year,
        per_region=proposals_per_region,
        errors_per_code=k,
        recipients_per_region=recipients_per_region,
    )
    planner.plan()
    recipients = planner.recipients()
    rows = [row for r in REGENCIES for row in planner.rows[r]]
    # Past recipients are register people, known by their NIK.
    _judge(rows, {r["NIK"] for r in recipients}, ref, planner.nik_ref)
    for row in rows:
        if row.reasons != row.intended:  # pragma: no cover - a bug in the planter
            raise AssertionError(
                f"{row.proposal_id} ({row.kind}): planted {sorted(row.intended)}, "
                f"the rules give {sorted(row.reasons)}"
            )

    _write_csv(out_dir / RECIPIENTS_FILE, RECIPIENT_COLUMNS, recipients)
    for r in REGENCIES:
        _write_csv(
            out_dir / proposal_file(r),
            PROPOSAL_COLUMNS,
            ({"ID": row.proposal_id, **row.fields} for row in planner.rows[r]),
        )
    _write_csv(
        out_dir / TRUTH_FILE,
        TRUTH_COLUMNS,
        (
            {
                "file": proposal_file(row.office),
                "proposal_id": row.proposal_id,
                "register_id": row.person.id if row.person is not None else "",
                "expected_verdict": verdict_of(row.reasons),
                "expected_reasons": ";".join(sorted(row.reasons)),
            }
            for row in rows
        ),
    )

    by_code = Counter(code for row in rows for code in row.reasons)
    verdicts = Counter(verdict_of(row.reasons) for row in rows)
    proposals = {
        "program": PROGRAM,
        "year": year,
        "reference_date": ref.isoformat(),
        "proposals": len(rows),
        "by_verdict": {v: verdicts[v] for v in ("eligible", "review", "ineligible")},
        "by_reason": {code: by_code[code] for code in PLANTED_CODES},
        "by_file": {proposal_file(r): len(planner.rows[r]) for r in REGENCIES},
        "past_recipients": len(recipients),
        "planted": dict(sorted(planner.notes.items())),
        "files": files(),
    }
    title = f"{PROGRAM} proposals, programme year {year}"
    readme = README_SECTION.format(
        title=title,
        underline="=" * len(title),
        year=year,
        people=people,
        seed=seed,
        per_region=proposals_per_region,
        recipients=RECIPIENTS_FILE,
        truth=TRUTH_FILE,
        first_year=year - 3,
        last_year=year - 1,
        reference=ref.isoformat(),
        summary=_summary_lines(proposals),
    )
    with open(out_dir / synth.README_FILE, "a", encoding="utf-8", newline="\n") as f:
        f.write(readme)
    kube = synth_groups.generate(
        kube_collector,
        out_dir,
        people=people,
        seed=seed,
        year=year,
        register_niks=planner.register_niks,
        register_kks=planner.register_kks,
        used_niks=planner.used_niks,
        used_kks=planner.used_kks,
        **kube_options,
    )
    ppks = synth_ppks.generate(
        ppks_collector,
        out_dir,
        seed=seed,
        year=year,
        per_region=proposals_per_region,
        errors_per_code=ppks_k,
        register_niks=planner.register_niks,
        register_kks=planner.register_kks,
        used_niks=planner.used_niks,
        used_kks=planner.used_kks,
    )
    lks = synth_lks.generate(out_dir, seed=seed, year=year, errors_per_code=lks_errors_per_code)
    summary = dict(summary)
    summary["files"] = [
        *summary["files"],
        *files(),
        *synth_groups.files(),
        *synth_ppks.files(),
        *synth_lks.files(),
    ]
    summary["wrse"] = proposals
    summary["kube"] = kube
    summary["ppks"] = ppks
    summary["lks"] = lks
    return summary
