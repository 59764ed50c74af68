"""Synthetic PPKS proposals (planned individual assistance) with planted errors and their truth.

`berdaya.registry.synth_proposals.generate_all` calls this beside the WRSE and KUBE files: a
programme year of planned assistance for people in a social welfare category (PPKS,
Permensos 8/2012) as verification receives it. Each regency/city office proposes register
people of its region, one row each, in the person-file columns with the category (`KATEGORI`),
the need (`KEBUTUHAN`) and what it costs (`NILAI`, whole rupiah): an elderly person as LUT
with a food package, a disabled adult as PD with a wheelchair, a child as AT with school
things. Errors are planted by construction, like the WRSE ones, with the WRSE planner's NIK
and identity helpers; the truth is then recomputed from the rows with the rules below, and a
row whose computed codes differ from the planted ones stops the run.

The rules are the PPKS defaults of DESIGN.md: no sex, age or head-of-family criterion of the
programme's own, decile 4 or lower, alive, not a civil servant, soldier or police officer,
living in the proposing regency, proposed once in the programme year (`DUPLICATE_IN_BATCH`,
whatever the category), the NIK checks of WRSE; the person (the register's values when in the
register) fits the category (`CATEGORY_NOT_ELIGIBLE`: age in completed years on 1 January of
the programme year, bounds inclusive, and sex); not assisted in the same category this year,
nor ever before in a once-only category (PRSE) (`ALREADY_RECEIVED`).

People are collected while the register is written (`generate_register(on_chunk=...)`), in
pools capped per regency, so a large register costs a fraction of a second more. Randomness
comes from a stream of its own: the register and the other files do not change.
"""

from __future__ import annotations

import datetime as dt
import random
import textwrap
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from berdaya.registry import synth
from berdaya.registry import synth_proposals as sp
from berdaya.registry.synth_lks import write_checked

__all__ = [
    "CATEGORIES",
    "DEFAULT_RECIPIENTS_PER_REGION",
    "NEEDS",
    "PLANTED_CODES",
    "PROGRAM",
    "PROPOSAL_COLUMNS",
    "REASON_EFFECTS",
    "RECIPIENTS_FILE",
    "RECIPIENT_COLUMNS",
    "TRUTH_COLUMNS",
    "TRUTH_FILE",
    "category_fits",
    "files",
    "generate",
    "make_collector",
    "proposal_file",
    "verdict_of",
]

PROGRAM = "PPKS"
DEFAULT_RECIPIENTS_PER_REGION = 8

RECIPIENTS_FILE = f"recipients_{PROGRAM}.csv"
TRUTH_FILE = f"truth_{PROGRAM}.csv"
PROPOSAL_COLUMNS = (*sp.PROPOSAL_COLUMNS, "KATEGORI", "KEBUTUHAN", "NILAI")
RECIPIENT_COLUMNS = (
    "ID",
    "NIK",
    "NAMA",
    "TGL_LAHIR",
    "JENIS_KELAMIN",
    "KODE_WILAYAH",
    "KATEGORI",
    "TAHUN",
)
TRUTH_COLUMNS = sp.TRUTH_COLUMNS
REGENCIES = sp.REGENCIES

# The categories these files use, with the criteria of Permensos 8/2012 as Berdaya's defaults
# set them: (lowest age, highest age, sex, once in a lifetime). Ages are completed years on the
# reference date, bounds inclusive; None is no bound, "" any sex.
CATEGORIES: dict[str, tuple[int | None, int | None, str, bool]] = {
    "ABT": (0, 4, "", False),  # Anak Balita Terlantar
    "AT": (5, 17, "", False),  # Anak Terlantar
    "AJ": (0, 17, "", False),  # Anak Jalanan
    "ADK": (0, 17, "", False),  # Anak dengan Kedisabilitasan
    "AMPK": (0, 17, "", False),  # Anak yang Memerlukan Perlindungan Khusus
    "LUT": (60, None, "", False),  # Lanjut Usia Terlantar
    "PD": (18, None, "", False),  # Penyandang Disabilitas
    "PEMU": (18, None, "", False),  # Pemulung
    "PMBS": (18, None, "", False),  # Pekerja Migran Bermasalah Sosial
    "KBA": (None, None, "", False),  # Korban Bencana Alam
    "FM": (None, None, "", False),  # Fakir Miskin
    "KAT": (None, None, "", False),  # Komunitas Adat Terpencil
    "PRSE": (18, 59, "P", True),  # Perempuan Rawan Sosial Ekonomi
}
# What an office asks for, by category, at the province's unit prices (whole rupiah).
NEEDS: dict[str, tuple[tuple[str, int], ...]] = {
    "ABT": (("PAKET NUTRISI DAN SUSU BALITA", 1_500_000), ("PERLENGKAPAN BAYI", 1_000_000)),
    "AT": (("PERLENGKAPAN SEKOLAH", 1_000_000), ("SERAGAM DAN TAS SEKOLAH", 750_000)),
    "AJ": (("PERLENGKAPAN SEKOLAH", 1_000_000), ("PAKET KEBUTUHAN DASAR ANAK", 1_200_000)),
    "ADK": (
        ("KURSI RODA ANAK", 2_750_000),
        ("ALAT BANTU DENGAR", 3_500_000),
        ("KRUK", 600_000),
    ),
    "AMPK": (("PAKET KEBUTUHAN DASAR ANAK", 1_200_000),),
    "LUT": (
        ("PAKET SEMBAKO", 600_000),
        ("PERMAKANAN LANSIA 3 BULAN", 1_800_000),
        ("KURSI RODA", 2_500_000),
        ("ALAT BANTU JALAN (WALKER)", 850_000),
        ("KASUR DAN PERLENGKAPAN TIDUR", 1_250_000),
    ),
    "PD": (
        ("KURSI RODA", 2_500_000),
        ("ALAT BANTU DENGAR", 3_500_000),
        ("KAKI PALSU", 7_500_000),
        ("TONGKAT PUTIH", 350_000),
        ("KRUK", 600_000),
    ),
    "PEMU": (("GEROBAK SAMPAH", 2_000_000), ("PAKET SEMBAKO", 600_000)),
    "PMBS": (("BANTUAN PEMULANGAN DAN SEMBAKO", 1_500_000),),
    "KBA": (
        ("PAKET SEMBAKO", 600_000),
        ("KASUR DAN SELIMUT", 750_000),
        ("PERALATAN DAPUR", 900_000),
    ),
    "FM": (
        ("PAKET SEMBAKO", 600_000),
        ("RUJUKAN BEDAH RUMAH (RUTILAHU)", 20_000_000),
        ("PERALATAN DAPUR", 900_000),
    ),
    "KAT": (("PAKET SEMBAKO", 600_000), ("PERALATAN PERTANIAN", 1_500_000)),
    "PRSE": (("PERALATAN USAHA WARUNG", 3_000_000), ("MESIN JAHIT", 2_800_000)),
}
_CITIES = frozenset({"64.71", "64.72", "64.74"})  # street children and scavengers
_INTERIOR = frozenset({"64.02", "64.07", "64.08", "64.11"})  # remote indigenous communities

# The person codes of WRSE without its own criteria (sex, age, head of family), and the
# category code; all with their DESIGN.md effects.
_WRSE_ONLY = frozenset({"SEX_NOT_ELIGIBLE", "AGE_OUT_OF_RANGE", "NOT_HEAD_OF_FAMILY"})
REASON_EFFECTS = {
    **{code: effect for code, effect in sp.REASON_EFFECTS.items() if code not in _WRSE_ONLY},
    "CATEGORY_NOT_ELIGIBLE": "ineligible",
}
PLANTED_CODES = tuple(sorted(REASON_EFFECTS))


def verdict_of(reasons: Iterable[str]) -> str:
    """The worst effect among `reasons` (ineligible, then review); eligible when none."""
    effects = {REASON_EFFECTS[r] for r in reasons}
    if "ineligible" in effects:
        return "ineligible"
    return "review" if effects else "eligible"


def category_fits(category: str, sex: str, age: int) -> bool:
    """Whether a person of `sex` and `age` (on the reference date) fits the category."""
    low, high, wanted, _once = CATEGORIES[category]
    if wanted and sex != wanted:
        return False
    return (low is None or age >= low) and (high is None or age <= high)


def proposal_file(regency: str) -> str:
    """Path of a regency office's PPKS proposal file, relative to the output directory."""
    return f"{sp.PROPOSALS_DIR}/{PROGRAM}_{regency}.csv"


def files() -> list[str]:
    """The PPKS files `generate` writes."""
    return [RECIPIENTS_FILE, *(proposal_file(r) for r in REGENCIES), TRUTH_FILE]


# --- who the register holds -----------------------------------------------------------------

# Pools: people who meet every programme criterion, by age band (E0 under 5, E5 5-17, E18
# 18-59, E60 60 and over) or with a disability (D, any age); people who fail one register
# criterion (aged 18 or more); and the people nearest the bounds of LUT (60) and of the
# children's categories (18).
_BANDS = (("E0", 0, 4), ("E5", 5, 17), ("E18", 18, 59), ("E60", 60, 200))
_REGISTER_CODES = ("DESIL_UNKNOWN", "DESIL_ABOVE_LIMIT", "DECEASED", "EXCLUDED_OCCUPATION")
_DISABLED_COLUMN = -3  # DISABILITAS is the last but one field: ...,Y,N


class _Collector(sp._Collector):
    """Called after each register chunk; keeps up to `caps[key]` people per regency a pool."""

    def __init__(self, ref: dt.date, caps: dict[str, int]) -> None:
        super().__init__(ref, 0, 0)
        self.caps = caps

    def __call__(self, lines: list[str], gen) -> None:
        c = gen.last_chunk
        ref = self.ref
        birth = c["birth"]
        age = self._ages(gen, birth, ref)
        bits = (
            np.where(c["decile"] == 0, sp.B_DU, 0)
            | np.where(c["decile"] > sp.MAX_DECILE, sp.B_DA, 0)
            | np.where(c["dead"], sp.B_DEAD, 0)
            | np.where(np.isin(c["occupation"], self._excluded), sp.B_EXCL, 0)
        )
        disabled = np.fromiter(
            (line[_DISABLED_COLUMN] == "Y" for line in lines), dtype=bool, count=len(lines)
        )
        ok = bits == 0
        before = self._ages(gen, birth, ref - dt.timedelta(days=sp._EDGE_DAYS))
        after = self._ages(gen, birth, ref + dt.timedelta(days=sp._EDGE_DAYS))
        edge = ok & ~disabled & (self._age_tables(gen)[1][birth] != 229)
        masks = {key: ok & ~disabled & (age >= lo) & (age <= hi) for key, lo, hi in _BANDS}
        # Born by the reference date: a baby born later in the year fits no category yet.
        masks["D"] = ok & disabled & (age >= 0)
        for code in _REGISTER_CODES:
            masks[code] = (bits == sp.CODE_BITS[code]) & (age >= 18)
        masks["edge:60"] = edge & (age == 60) & (before == 59)
        masks["edge:59"] = edge & (age == 59) & (after == 60)
        masks["edge:17"] = edge & (age == 17) & (after == 18)
        masks["edge:18"] = edge & (age == 18) & (before == 17)

        codes = gen.geo.regency_codes
        regency = c["regency"]
        parsed: dict[int, dict[str, str]] = {}
        for key, mask in masks.items():
            pools = self.pools[key]
            room = {r: self.caps[key] - len(pools[r]) for r in REGENCIES}
            if max(room.values()) <= 0:
                continue
            chosen = np.flatnonzero(mask)
            # People of each regency in register order, as many as its pool has room for.
            for r_index in np.unique(regency[chosen]).tolist():
                r = codes[r_index]
                if room.get(r, 0) <= 0:
                    continue
                for i in chosen[regency[chosen] == r_index][: room[r]].tolist():
                    row = parsed.get(i)
                    if row is None:
                        row = parsed[i] = dict(zip(synth.COLUMNS, lines[i].split(","), strict=True))
                    pools[r].append(sp._Person(row, r, int(bits[i]), ref))


def make_collector(ref: dt.date, per_region: int, errors_per_code: int) -> _Collector:
    """The `on_chunk` callback that gathers PPKS candidates; pass it to `generate`."""
    k = errors_per_code
    caps = {
        "E0": per_region // 3 + k + 10,
        "E5": per_region // 3 + 2 * k + 10,
        "E18": 2 * per_region + 12 * k + 40,
        "E60": per_region + 6 * k + 20,
        "D": per_region // 2 + 2 * k + 10,
        **{code: 2 * k + 10 for code in _REGISTER_CODES},
        **{key: 20 for key in ("edge:60", "edge:59", "edge:17", "edge:18")},
    }
    return _Collector(ref, caps)


# --- the plan ---------------------------------------------------------------------------------


def _is_head(person: sp._Person) -> bool:
    return person.row["HUBUNGAN_KELUARGA"] == sp.HEAD


class _Planner(sp._Planner):
    """Plans every row of every file with the WRSE planner's helpers (`_typo`,
    `_other_birth_date`, `_invented`, `_elsewhere`, `_office`, `_order`); its pools are the
    PPKS collector's."""

    def __init__(
        self,
        collector: _Collector,
        *,
        seed: int,
        year: int,
        per_region: int,
        errors_per_code: int,
        recipients_per_region: int,
        register_niks: np.ndarray,
        register_kks: np.ndarray,
        used_niks: Iterable[str] = (),
        used_kks: Iterable[int] = (),
    ) -> None:
        self.rng = random.Random(f"berdaya synth proposals {PROGRAM} seed={seed} year={year}")
        self.year = year
        self.ref = sp.reference_date(year)
        self.nik_ref = max(self.ref, synth.REFERENCE_DATE)
        self.per_region = per_region
        self.k = errors_per_code
        self.recipients_per_region = recipients_per_region
        self.register_niks = register_niks
        self.register_kks = register_kks
        self.pools = {}
        for key in sorted(collector.caps):
            self.pools[key] = {}
            for r in REGENCIES:
                people = list(collector.pools.get(key, {}).get(r, ()))
                self.rng.shuffle(people)
                self.pools[key][r] = people
        self.used = set()
        self.used_niks = set(used_niks)
        self.used_kks = set(used_kks)
        self.errors = Counter()
        self.weight = {
            r: max(1, min(per_region, len(self.pools["E18"][r]) + len(self.pools["E60"][r])))
            for r in REGENCIES
        }
        self.rows = {r: [] for r in REGENCIES}
        self.notes = Counter()
        self.villages = sp._villages()
        self.first_names, self.second_names = sp._invented_names()
        # (person, year, category) of the recipients list; the rows the spec calls clean
        # although the person was assisted this year in another category.
        self.past: list[tuple[sp._Person, int, str]] = []
        self.other_category: list[sp._Row] = []

    # -- picking ------------------------------------------------------------------------------

    def _find(self, key: str, regency: str, pred: Callable[[sp._Person], bool] | None) -> int:
        """The index of the last person of the pool who is free (and fits `pred`), or -1."""
        pool = self.pools.get(key, {}).get(regency, [])
        for i in range(len(pool) - 1, -1, -1):
            if pool[i].id not in self.used and (pred is None or pred(pool[i])):
                return i
        return -1

    def _pick(
        self,
        key: str,
        pred: Callable[[sp._Person], bool] | None = None,
        *,
        office: str | None = None,
    ) -> tuple[str, sp._Person] | None:
        """A free person of a pool, in `office`'s regency or the office with the fewest
        planted rows for its size."""
        if office is None:
            office = self._office(r for r in REGENCIES if self._find(key, r, pred) >= 0)
            if office is None:
                return None
        i = self._find(key, office, pred)
        if i < 0:
            return None
        person = self.pools[key][office].pop(i)
        self.used.add(person.id)
        return office, person

    def _category(self, person: sp._Person) -> str:
        """A category the person fits, as an office would choose it."""
        rng = self.rng
        age, female = person.age, person.row["JENIS_KELAMIN"] == "P"
        disabled = person.row["DISABILITAS"] == "Y"
        if age < 5:
            return "ADK" if disabled else rng.choice(("ABT", "ABT", "AMPK"))
        if age < 18:
            if disabled:
                return "ADK"
            return rng.choice(
                ("AT", "AT", "AT", "AMPK", "AJ" if person.regency in _CITIES else "AT")
            )
        if disabled:
            return "PD" if age < 60 or rng.random() < 0.6 else "LUT"
        if age >= 60:
            return "LUT" if rng.random() < 0.85 else "FM"
        options = ["FM", "FM", "KBA"]
        if female:
            options += ["PRSE", "PRSE", "PRSE"]
        elif person.regency in _CITIES:
            options += ["PEMU"]
        if person.regency in _INTERIOR:
            options += ["KAT"]
        if rng.random() < 0.03:
            return "PMBS"
        return rng.choice(options)

    def _row(
        self,
        office: str,
        person: sp._Person | None,
        *,
        fields: dict[str, str] | None = None,
        category: str = "",
        codes: Iterable[str] = (),
        kind: str,
        error: bool = True,
    ) -> sp._Row:
        """Add a row proposing `person` (None: not in the register, `fields` and `category`
        given), as the register has them unless `fields` says otherwise, with a category
        they fit unless `category` says otherwise, and a need of that category."""
        if person is not None:
            fields = sp._copy(person) if fields is None else fields
            category = category or self._category(person)
        if fields is None or not category:
            raise ValueError("a row of someone not in the register needs fields and a category")
        need, value = self.rng.choice(NEEDS[category])
        fields = fields | {"KATEGORI": category, "KEBUTUHAN": need, "NILAI": str(value)}
        row = sp._Row(office, fields, person, codes, kind)
        self._add(row, error=error)
        return row

    # -- planting -----------------------------------------------------------------------------

    def plan(self) -> None:
        k, y = self.k, self.year
        self._plant_categories(k)

        # Register people who fail one criterion, in a category they fit.
        for code in _REGISTER_CODES:
            for _ in range(k):
                picked = self._pick(code)
                if picked is None:
                    break
                office, person = picked
                self._row(office, person, codes=[code], kind=code)

        # Heads of family who meet every criterion, with something wrong on the row.
        for code, damage in (
            ("NIK_INVALID", self._broken),
            ("NIK_MISMATCH", self._slip),
            ("NIK_BIRTHDATE_MISMATCH", self._birth_written),
            ("NIK_SEX_MISMATCH", self._sex_written),
        ):
            for i in range(k):
                # Half the sex slips are women's (most heads of family are men).
                picked = self._head(women=code == "NIK_SEX_MISMATCH" and i % 2 == 1)
                if picked is None:
                    break
                office, person = picked
                changes, note = damage(person, i)
                category = self._category(person)
                if code == "NIK_SEX_MISMATCH" and category == "PRSE":
                    category = "FM"  # judged on the register's sex, but nobody would write it
                fields = sp._copy(person) | changes
                kind = f"{code}: {note}"
                self._row(office, person, fields=fields, category=category, codes=[code], kind=kind)

        for _ in range(k):
            office = self._office(REGENCIES)
            invented = self._invented(office)
            category = self.rng.choice(("PRSE", "FM"))
            self._row(
                office,
                None,
                fields=invented.fields,
                category=category,
                codes=["NOT_IN_REGISTER"],
                kind=invented.kind,
            )

        # ALREADY_RECEIVED: the same category this year, or PRSE (once only) in an earlier year.
        for i in range(k):
            if i % 2 == 0:
                picked = self._pick(self.rng.choice(("E18", "E60")))
                if picked is None:
                    break
                office, person = picked
                category = self._category(person)
                self.past.append((person, y, category))
                kind = f"ALREADY_RECEIVED: {category} earlier this year"
            else:
                picked = self._pick("E18", lambda p: p.row["JENIS_KELAMIN"] == "P" and p.age >= 22)
                if picked is None:
                    break
                office, person = picked
                category = "PRSE"
                self.past.append((person, y - 1 - i % 3, category))
                kind = "ALREADY_RECEIVED: PRSE (once only) in an earlier year"
            self._row(office, person, category=category, codes=["ALREADY_RECEIVED"], kind=kind)

        # OUTSIDE_REGION: a person of another regency, with their register village written or
        # a village of the proposing office.
        for i in range(k):
            office = self._office(REGENCIES)
            home = max(
                (r for r in REGENCIES if r != office),
                key=lambda r: (
                    self._find("E60", r, None) >= 0,
                    len(self.pools["E60"][r]),
                    self.rng.random(),
                ),
            )
            picked = self._pick("E60", office=home) or self._pick("E18", office=home)
            if picked is None:
                break
            _home, person = picked
            fields, note = self._elsewhere(person, office, claimed=i % 2 == 1)
            self._row(
                office,
                person,
                fields=fields,
                codes=["OUTSIDE_REGION"],
                kind=f"OUTSIDE_REGION: {note}",
            )

        self._plant_duplicates(k)
        self._plant_clean()
        self._order()
        for r in REGENCIES:
            for row in self.rows[r]:
                row.proposal_id = row.proposal_id.replace("-", "-P", 1)

    def _head(self, *, women: bool = False) -> tuple[str, sp._Person] | None:
        """A head of family of 18 or more who meets every criterion (a woman if asked)."""

        def fits(p: sp._Person) -> bool:
            return _is_head(p) and (not women or p.row["JENIS_KELAMIN"] == "P")

        first, second = self.rng.sample(("E18", "E60"), 2)
        return (
            self._pick(first, fits) or self._pick(second, fits) or (self._head() if women else None)
        )

    def _broken(self, person: sp._Person, i: int) -> tuple[dict[str, str], str]:
        what = ("length", "regency", "date", "serial")[i % 4]
        nik, note = sp._broken_nik(person.nik, what, i // 4, self.rng)
        if sp._is_valid_nik(nik, self.nik_ref) or nik in self.used_niks:  # pragma: no cover
            raise AssertionError(f"planted NIK {nik} is not invalid or not new")
        self.used_niks.add(nik)
        return {"NIK": nik}, note

    def _slip(self, person: sp._Person, i: int) -> tuple[dict[str, str], str]:
        nik, note = self._typo(person.nik, transpose=i % 2 == 1)
        return {"NIK": nik}, note

    def _birth_written(self, person: sp._Person, i: int) -> tuple[dict[str, str], str]:
        birth, note = self._other_birth_date(person.birth, swap=i % 2 == 1)
        return {"TGL_LAHIR": birth.isoformat()}, note

    def _sex_written(self, person: sp._Person, i: int) -> tuple[dict[str, str], str]:
        sex = person.row["JENIS_KELAMIN"]
        other = "L" if sex == "P" else "P"
        return {"JENIS_KELAMIN": other}, f"{sex} written {other}"

    def _plant_categories(self, k: int) -> None:
        """CATEGORY_NOT_ELIGIBLE, one of each kind at least; the clean rows at the bounds."""
        if k == 0:
            return
        female = lambda p: p.row["JENIS_KELAMIN"] == "P"  # noqa: E731
        kinds: list[tuple[str, str, Callable | None, str]] = [
            ("E18", "LUT", lambda p: 45 <= p.age <= 55, "LUT (60+) for a person of 45-55"),
            ("E18", "AT", lambda p: 20 <= p.age <= 45, "AT (a child's category) for an adult"),
            ("E18", "PRSE", lambda p: not female(p), "PRSE (women) for a man"),
            ("E60", "PRSE", female, "PRSE (18-59) for a woman of 60 or more"),
            ("E5", "ABT", lambda p: p.age >= 6, "ABT (under 5) for a school child"),
            ("D", "PD", lambda p: p.age < 18, "PD (18+) for a disabled child (ADK)"),
        ]
        planted = 0
        for key, latest, category, note in (
            ("edge:59", False, "LUT", "LUT: 60th birthday soonest after the reference date"),
            ("edge:18", True, "AT", "AT: 18th birthday nearest on or before the reference date"),
        ):
            person = self._nearest(key, latest)
            if person is not None:
                self.used.add(person.id)
                self._row(
                    person.regency,
                    person,
                    category=category,
                    codes=["CATEGORY_NOT_ELIGIBLE"],
                    kind=f"CATEGORY_NOT_ELIGIBLE: {note}",
                )
                planted += 1
        for key, latest, category, note in (
            ("edge:60", True, "LUT", "LUT: 60th birthday nearest on or before the reference date"),
            ("edge:17", False, "AT", "AT: 18th birthday soonest after the reference date"),
        ):
            person = self._nearest(key, latest)
            if person is not None:
                self.used.add(person.id)
                self._row(
                    person.regency, person, category=category, kind=f"clean: {note}", error=False
                )
        i = 0
        while planted < max(k, len(kinds) + 2) and i < 4 * len(kinds) * k:
            key, category, pred, note = kinds[i % len(kinds)]
            i += 1
            picked = self._pick(key, pred)
            if picked is None:
                continue
            office, person = picked
            self._row(
                office,
                person,
                category=category,
                codes=["CATEGORY_NOT_ELIGIBLE"],
                kind=f"CATEGORY_NOT_ELIGIBLE: {note}",
            )
            planted += 1

    def _plant_duplicates(self, k: int) -> None:
        """The same person again: in the same file (also in another category), or in the file
        of a later office (then also OUTSIDE_REGION). The first row is clean."""
        for i in range(k):
            if i % 2 == 0:
                picked = self._pick("E60") or self._pick("E18")
                if picked is None:
                    break
                office, person = picked
                first = self._row(
                    office, person, kind="clean: first row of a person proposed again", error=False
                )
                # Half the time in another category the person fits as well (FM fits anyone).
                category = first.fields["KATEGORI"]
                if i % 4 == 0:
                    category = "KBA" if category == "FM" else "FM"
                note = "again in the same file" + (
                    ", in another category" if category != first.fields["KATEGORI"] else ""
                )
                self._row(
                    office,
                    person,
                    category=category,
                    codes=["DUPLICATE_IN_BATCH"],
                    kind=f"DUPLICATE_IN_BATCH: {note}",
                )
            else:
                office = self._office(
                    r
                    for r in REGENCIES
                    if any(self._find("E60", a, None) >= 0 for a in REGENCIES if a < r)
                )
                if office is None:
                    break
                home = max(
                    (a for a in REGENCIES if a < office),
                    key=lambda a: (len(self.pools["E60"][a]), self.rng.random()),
                )
                picked = self._pick("E60", office=home)
                if picked is None:
                    break
                _home, person = picked
                first = self._row(
                    home, person, kind="clean: first row of a person proposed again", error=False
                )
                fields, note = self._elsewhere(person, office, claimed=i % 4 == 3)
                self._row(
                    office,
                    person,
                    fields=fields,
                    category=first.fields["KATEGORI"],
                    codes=["DUPLICATE_IN_BATCH", "OUTSIDE_REGION"],
                    kind=f"DUPLICATE_IN_BATCH: again by a later office ({note})",
                )

    def _plant_clean(self) -> None:
        """Clean rows up to each file's size: elderly, disabled people, children and adults in
        the categories they fit; some assisted before in a way that does not count, some
        written differently."""
        rng, y = self.rng, self.year
        mix = (("E60", 35), ("D", 18), ("E5", 14), ("E0", 6), ("E18", 27))
        keys = [key for key, _w in mix]
        weights = [w for _key, w in mix]
        # Assisted this year in another category: clean by the rule (the same category only).
        for _ in range(max(2, self.k // 2)):
            picked = self._pick("E60")
            if picked is None:
                break
            office, person = picked
            self.past.append((person, y, "FM"))
            row = self._row(
                office,
                person,
                category="LUT",
                error=False,
                kind="clean: assisted this year as FM, now proposed as LUT",
            )
            self.other_category.append(row)
        for _ in range(max(2, self.k // 2)):
            picked = self._pick("E60", lambda p: p.age >= 64)
            if picked is None:
                break
            office, person = picked
            self.past.append((person, rng.randint(y - 3, y - 1), "LUT"))
            self._row(
                office,
                person,
                category="LUT",
                error=False,
                kind="clean: LUT in an earlier year (not once only)",
            )
        for r in REGENCIES:
            n = self.per_region - len(self.rows[r])
            for _ in range(n):
                key = rng.choices(keys, weights)[0]
                picked = self._pick(key, office=r)
                for other in keys:
                    if picked is not None:
                        break
                    picked = self._pick(other, office=r)
                if picked is None:
                    break
                _office, person = picked
                fields = sp._copy(person)
                kind = "clean"
                if rng.random() < 0.2:
                    variant = rng.choice((*sp._HARMLESS, "category in lower case"))
                    if variant != "category in lower case":
                        fields = sp._harmless(fields, variant)
                    kind = f"clean, written differently: {variant}"
                row = self._row(r, person, fields=fields, kind=kind, error=False)
                if kind.endswith("category in lower case"):
                    row.fields["KATEGORI"] = row.fields["KATEGORI"].lower()

    # -- past recipients ----------------------------------------------------------------------

    def recipients(self) -> list[dict[str, str]]:
        """PPKS recipients of this year and the three before: the planted ones and people
        nobody proposes this year."""
        rng, y = self.rng, self.year
        chosen = list(self.past)
        for r in REGENCIES:
            for _ in range(self.recipients_per_region):
                picked = self._pick(rng.choice(("E60", "D", "E18")), office=r)
                if picked is None:
                    break
                person = picked[1]
                category = self._category(person)
                # Nobody received PRSE (once only) before being old enough.
                chosen.append((person, rng.randint(y - 3, y), category))
        chosen.sort(key=lambda t: (t[1], t[0].row["KODE_WILAYAH"], t[0].nik, t[2]))
        out = []
        counter: Counter[int] = Counter()
        for person, year, category in chosen:
            counter[year] += 1
            row = {c: person.row[c] for c in RECIPIENT_COLUMNS if c in person.row and c != "ID"}
            out.append(
                {
                    "ID": f"{PROGRAM}-{year}-{counter[year]:04d}",
                    **row,
                    "KATEGORI": category,
                    "TAHUN": str(year),
                }
            )
        return out


# --- the rules, once more, to write the truth -------------------------------------------------


def _judge(
    rows: list[sp._Row],
    recipients: list[dict[str, str]],
    ref: dt.date,
    nik_ref: dt.date,
    year: int,
) -> None:
    """Give each row (in upload order) the reason codes verification must find.

    The NIK, register, region and duplicate codes are WRSE's (`synth_proposals._judge`, given
    no past recipients), less WRSE's own criteria; then the category and the assistance of
    the past, which are PPKS's.
    """
    sp._judge(rows, set(), ref, nik_ref)
    assisted: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in recipients:
        assisted[(r["NIK"], r["KATEGORI"])].append(int(r["TAHUN"]))
    for row in rows:
        f = row.fields
        category = f["KATEGORI"].upper()
        person = row.person
        if person is not None:
            niks, sex, birth = {f["NIK"], person.nik}, person.row["JENIS_KELAMIN"], person.birth
        else:
            niks, sex, birth = {f["NIK"]}, f["JENIS_KELAMIN"], sp._read_date(f["TGL_LAHIR"])
        reasons = set(row.reasons) - _WRSE_ONLY
        once = CATEGORIES[category][3]
        years = [t for nik in niks for t in assisted.get((nik, category), ())]
        if any(t == year or (once and t < year) for t in years):
            reasons.add("ALREADY_RECEIVED")
        if not category_fits(category, sex, sp.age_on(birth, ref)):
            reasons.add("CATEGORY_NOT_ELIGIBLE")
        row.reasons = frozenset(reasons)


# --- files --------------------------------------------------------------------------------------

README_SECTION = """\

{title}
{underline}

Generated with the register and the WRSE files: up to {per_region} proposals a file,
{errors_per_code} planted rows a code (CATEGORY_NOT_ELIGIBLE one of each kind at least).
They are what verification of PPKS {year} receives; the truth file says what it must find.

Files
-----
{recipients:<26}PPKS recipients of {first_year}-{year}, all in the register:
                          ID,NIK,NAMA,TGL_LAHIR,JENIS_KELAMIN,KODE_WILAYAH,KATEGORI,TAHUN.
                          Import it before verifying, for ALREADY_RECEIVED.
proposals/PPKS_<code>.csv One file per regency/city office (64.01 ... 64.74), in the
                          person-file columns and KATEGORI,KEBUTUHAN,NILAI (the category code,
                          the need, its cost in whole rupiah). IDs are <code>-P0001...,
                          unique across files. Upload the files in code order (64.01 first):
                          DUPLICATE_IN_BATCH goes to the later upload.
{truth:<26}One row per proposal row, in upload order:
                          file,proposal_id,register_id,expected_verdict,expected_reasons,
                          as in truth_WRSE.csv.

Rules (the PPKS defaults of DESIGN.md)
--------------------------------------
Programme year {year}; ages in completed years on {reference} (bounds inclusive). No sex,
age or head-of-family criterion of the programme; decile 1-4, alive, not PEGAWAI NEGERI SIPIL
/ TNI / POLRI, living (register village) in the proposing regency, proposed once this year
whatever the category (DUPLICATE_IN_BATCH), and the NIK checks, exactly as for WRSE (see the
WRSE rules above). CATEGORY_NOT_ELIGIBLE: the person (the register's birth date and sex when
in the register, else the row's) does not fit the category:
{criteria}.
ALREADY_RECEIVED: on the recipients list with the same NIK and the same KATEGORI in {year},
or in an earlier year for a once-only category (PRSE). Assistance in another category, or in
an earlier year in a category that is not once only, does not count.

What is planted
---------------
- Clean rows: elderly people as LUT (some FM), people with a disability (DISABILITAS Y) as PD
  (children ADK), children as ABT, AT, AMPK or AJ (cities), adults as FM, KBA, PRSE (women),
  PEMU (cities), KAT (inland regencies) or PMBS, each with a need of the category at its unit
  price (a wheelchair Rp2,500,000, a food package Rp600,000, a referral for home repair
  Rp20,000,000...). Some are written differently (name case or spaces, DD-MM-YYYY, village
  code without dots, KATEGORI in lower case), which must change nothing. Clean too: LUT for
  the person whose 60th birthday is nearest on or before the reference date, AT for the child
  whose 18th birthday comes soonest after it, LUT for people assisted as LUT in an earlier
  year, and LUT for people assisted as FM this year (another category).
- CATEGORY_NOT_ELIGIBLE: LUT for someone of 45-55, AT for an adult, PRSE for a man, PRSE for
  a woman of 60 or more, ABT for a school child, PD for a disabled child (whose category is
  ADK); LUT for the person whose 60th birthday comes soonest after the reference date; AT for
  the one who turned 18 nearest on or before it.
- DESIL_UNKNOWN, DESIL_ABOVE_LIMIT, DECEASED, EXCLUDED_OCCUPATION: adults who fail that
  criterion only, in a category they fit.
- NIK_INVALID, NIK_MISMATCH, NIK_BIRTHDATE_MISMATCH, NIK_SEX_MISMATCH, NOT_IN_REGISTER,
  OUTSIDE_REGION: made as for WRSE, from heads of family of 18 or more (men and women);
  NOT_IN_REGISTER rows are invented women proposed as PRSE or FM.
- ALREADY_RECEIVED: the same category earlier this year, or PRSE in an earlier year.
- DUPLICATE_IN_BATCH: the same person again later in the same file (half of them in another
  category), or in a later office's file (then also OUTSIDE_REGION). The first row is clean.

This run
--------
{summary}
"""


def _criteria_text() -> str:
    parts = []
    for code, (low, high, sex, once) in CATEGORIES.items():
        bounds = (
            f"{low}-{high}"
            if low is not None and high is not None
            else f"{low}+"
            if low is not None
            else "any age"
        )
        parts.append(
            f"{code} {bounds}" + (" women" if sex == "P" else "") + (" once" if once else "")
        )
    return textwrap.fill(", ".join(parts), width=95)


def generate(
    collector: _Collector,
    out_dir: Path,
    *,
    seed: int,
    year: int,
    per_region: int,
    errors_per_code: int,
    register_niks: np.ndarray,
    register_kks: np.ndarray,
    used_niks: Iterable[str] = (),
    used_kks: Iterable[int] = (),
    recipients_per_region: int = DEFAULT_RECIPIENTS_PER_REGION,
) -> dict:
    """Write the PPKS files into `out_dir` (the register is written); return a summary.

    `collector` is what `make_collector` gave, after the register's chunks went through it.
    """
    if not isinstance(collector, _Collector):
        raise TypeError("collector must come from make_collector")
    out_dir = Path(out_dir)
    planner = _Planner(
        collector,
        seed=seed,
        year=year,
        per_region=per_region,
        errors_per_code=errors_per_code,
        recipients_per_region=recipients_per_region,
        register_niks=register_niks,
        register_kks=register_kks,
        used_niks=used_niks,
        used_kks=used_kks,
    )
    planner.plan()
    recipients = planner.recipients()
    rows = [row for r in REGENCIES for row in planner.rows[r]]
    _judge(rows, recipients, planner.ref, planner.nik_ref, year)
    sp._write_csv(out_dir / RECIPIENTS_FILE, RECIPIENT_COLUMNS, recipients)
    write_checked(
        out_dir,
        planner.rows,
        proposal_file=proposal_file,
        columns=PROPOSAL_COLUMNS,
        truth_file=TRUTH_FILE,
        register_id=lambda row: row.person.id if row.person is not None else "",
        verdict=verdict_of,
    )

    by_code = Counter(code for row in rows for code in row.reasons)
    verdicts = Counter(verdict_of(row.reasons) for row in rows)
    result = {
        "program": PROGRAM,
        "year": year,
        "reference_date": planner.ref.isoformat(),
        "proposals": len(rows),
        "by_verdict": {v: verdicts[v] for v in ("eligible", "review", "ineligible")},
        "by_reason": {code: by_code[code] for code in PLANTED_CODES},
        "by_category": dict(
            sorted(Counter(row.fields["KATEGORI"].upper() for row in rows).items())
        ),
        "by_file": {proposal_file(r): len(planner.rows[r]) for r in REGENCIES},
        "past_recipients": len(recipients),
        "other_category_rows": [row.proposal_id for row in planner.other_category],
        "planted": dict(sorted(planner.notes.items())),
        "files": files(),
    }
    title = f"{PROGRAM} proposals (planned individual assistance), programme year {year}"
    readme = README_SECTION.format(
        title=title,
        underline="=" * len(title),
        year=year,
        per_region=per_region,
        errors_per_code=errors_per_code,
        recipients=RECIPIENTS_FILE,
        truth=TRUTH_FILE,
        first_year=year - 3,
        reference=planner.ref.isoformat(),
        criteria=_criteria_text(),
        summary=sp._summary_lines(result),
    )
    with open(out_dir / synth.README_FILE, "a", encoding="utf-8", newline="\n") as f:
        f.write(readme)
    return result
