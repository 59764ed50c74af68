"""Synthetic KUBE group proposals with planted errors, their truth, and past recipients.

`berdaya.registry.synth_proposals.generate_all` calls this after the WRSE files: a KUBE
programme year as verification receives it. Each regency/city office proposes joint business
groups (KUBE) in one file, one row per member, with the group columns of DESIGN.md "Files"
(`KELOMPOK`, `JABATAN`, `JENIS_USAHA`). Errors are planted by construction, like the WRSE ones:
a planted group is made of register heads of family of one village who meet every criterion,
with one member (or the group itself) made to fail exactly the planted rule. The truth is then
recomputed from the rows and the register values with the rules below; a member or group whose
computed codes differ from the planted ones stops the run.

The rules are the KUBE defaults of DESIGN.md: per member, any sex, 18-60 in completed years on
1 January of the programme year (bounds inclusive), decile 4 or lower, alive, not a civil
servant, soldier or police officer, head of the family (else review), never a KUBE member
before, living in the proposing regency; per group, 5-20 proposed member rows
(`GROUP_SIZE`), one register village (`GROUP_VILLAGES`), nobody proposed in an earlier group
this year (`MEMBER_IN_OTHER_GROUP`: the later member row, ineligible, and its group, review).
The same person twice in one group: the later row is `DUPLICATE_IN_BATCH`.

People are collected while the register is written (`generate_register(on_chunk=...)`), heads
of family per village and people who fail one criterion per regency, each pool capped, so a
register of a million people costs a fraction of a second more. Randomness comes from a stream
of its own: the register and the WRSE files are the same with or without this module.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from berdaya.registry import synth
from berdaya.registry import synth_proposals as sp
from berdaya.registry.nik import NikError, check_nik_against_row, parse_nik

__all__ = [
    "DEFAULT_GROUPS_PER_REGION",
    "DEFAULT_GROUP_SIZES",
    "DEFAULT_PAST_GROUPS_PER_REGION",
    "GROUP_CODES",
    "GROUP_EFFECTS",
    "MEMBER_CODES",
    "MEMBER_EFFECTS",
    "PROGRAM",
    "PROPOSAL_COLUMNS",
    "RECIPIENTS_FILE",
    "ROLES",
    "TRUTH_COLUMNS",
    "TRUTH_FILE",
    "check_parameters",
    "default_errors_per_code",
    "files",
    "generate",
    "group_verdict",
    "make_collector",
    "member_verdict",
    "proposal_file",
]

PROGRAM = "KUBE"
DEFAULT_GROUPS_PER_REGION = 8
DEFAULT_GROUP_SIZES = (5, 10)
DEFAULT_PAST_GROUPS_PER_REGION = 2

RECIPIENTS_FILE = f"recipients_{PROGRAM}.csv"
TRUTH_FILE = f"truth_{PROGRAM}.csv"
PROPOSAL_COLUMNS = (*sp.PROPOSAL_COLUMNS, "KELOMPOK", "JABATAN", "JENIS_USAHA")
RECIPIENT_COLUMNS = sp.RECIPIENT_COLUMNS
TRUTH_COLUMNS = (
    *sp.TRUTH_COLUMNS,
    "group",
    "expected_group_verdict",
    "expected_group_reasons",
)
REGENCIES = sp.REGENCIES
ROLES = ("KETUA", "SEKRETARIS", "BENDAHARA", "ANGGOTA")

# KUBE defaults (DESIGN.md "Programmes"): any sex, 18-60, decile 4 or lower, head of family.
AGE_MIN, AGE_MAX = 18, 60
MAX_DECILE = sp.MAX_DECILE
HEAD = sp.HEAD
EXCLUDED_OCCUPATIONS = sp.EXCLUDED_OCCUPATIONS
SIZE_MIN, SIZE_MAX = 5, 20  # proposed member rows a group may have

# Member reason codes (the WRSE person codes but the sex rule, and one group code that also
# marks the member) and group reason codes, with their effects (DESIGN.md "Verdicts").
MEMBER_EFFECTS = {
    **{code: effect for code, effect in sp.REASON_EFFECTS.items() if code != "SEX_NOT_ELIGIBLE"},
    "MEMBER_IN_OTHER_GROUP": "ineligible",
}
GROUP_EFFECTS = {
    "GROUP_SIZE": "ineligible",
    "GROUP_VILLAGES": "ineligible",
    "MEMBER_IN_OTHER_GROUP": "review",
}
MEMBER_CODES = tuple(sorted(MEMBER_EFFECTS))
GROUP_CODES = tuple(sorted(GROUP_EFFECTS))


def member_verdict(reasons: Iterable[str]) -> str:
    """The worst effect among a member's reasons (ineligible, then review); eligible if none."""
    effects = {MEMBER_EFFECTS[r] for r in reasons}
    if "ineligible" in effects:
        return "ineligible"
    return "review" if effects else "eligible"


def group_verdict(reasons: Iterable[str], member_verdicts: Iterable[str]) -> str:
    """The worst effect among the group's reasons; at least review with a member not eligible."""
    effects = {GROUP_EFFECTS[r] for r in reasons}
    if "ineligible" in effects:
        return "ineligible"
    if effects or any(v != "eligible" for v in member_verdicts):
        return "review"
    return "eligible"


def proposal_file(regency: str) -> str:
    """Path of a regency office's KUBE proposal file, relative to the output directory."""
    return f"{sp.PROPOSALS_DIR}/{PROGRAM}_{regency}.csv"


def files() -> list[str]:
    """The KUBE files `generate` writes."""
    return [RECIPIENTS_FILE, *(proposal_file(r) for r in REGENCIES), TRUTH_FILE]


def default_errors_per_code(groups_per_region: int) -> int:
    """Planted groups per code: 3 for 8 groups a region, like WRSE's rows (a region / 8)."""
    return sp.default_errors_per_code(groups_per_region)


def check_parameters(
    groups_per_region: int | None = None,
    errors_per_code: int | None = None,
    group_sizes: tuple[int, int] | None = None,
    past_groups_per_region: int | None = None,
) -> dict:
    """The parameters of `generate`, None replaced by the default; ValueError if unusable."""
    if groups_per_region is None:
        groups_per_region = DEFAULT_GROUPS_PER_REGION
    if groups_per_region < 1:
        raise ValueError("KUBE groups per region must be at least 1")
    if errors_per_code is None:
        errors_per_code = default_errors_per_code(groups_per_region)
    if errors_per_code < 0:
        raise ValueError("KUBE errors per code cannot be negative")
    if past_groups_per_region is None:
        past_groups_per_region = DEFAULT_PAST_GROUPS_PER_REGION
    if past_groups_per_region < 0:
        raise ValueError("KUBE past groups per region cannot be negative")
    low, high = DEFAULT_GROUP_SIZES if group_sizes is None else group_sizes
    if not SIZE_MIN <= low <= high <= SIZE_MAX:
        raise ValueError(f"KUBE group sizes must lie within {SIZE_MIN}-{SIZE_MAX}, low <= high")
    return {
        "groups_per_region": groups_per_region,
        "errors_per_code": errors_per_code,
        "group_sizes": (low, high),
        "past_groups_per_region": past_groups_per_region,
    }


# --- what a register person is to KUBE --------------------------------------------------------

B_AGE, B_DU, B_DA, B_DEAD, B_EXCL, B_HEAD = (1 << i for i in range(6))
BIT_CODES = {
    B_AGE: "AGE_OUT_OF_RANGE",
    B_DU: "DESIL_UNKNOWN",
    B_DA: "DESIL_ABOVE_LIMIT",
    B_DEAD: "DECEASED",
    B_EXCL: "EXCLUDED_OCCUPATION",
    B_HEAD: "NOT_HEAD_OF_FAMILY",
}
CODE_BITS = {code: bit for bit, code in BIT_CODES.items()}
# Register people who fail one criterion alone, proposed as a member of a group of their
# village; checked in this order.
_REGISTER_CODES = (
    "DECEASED",
    "DESIL_UNKNOWN",
    "EXCLUDED_OCCUPATION",
    "DESIL_ABOVE_LIMIT",
    "AGE_OUT_OF_RANGE",
    "NOT_HEAD_OF_FAMILY",
)
# Kinds of planted groups (member codes, DUPLICATE_IN_BATCH, the three group codes).
_PLANTED_KINDS = 17
_OLD_AGES = (AGE_MAX + 1, AGE_MAX + 5)  # heads proposed although too old
_EDGE_DAYS = 60  # ages change on a birthday within this many days of the reference date
_PAST_MEMBER_AGE = 22  # past members were adults when their group was funded
# Heads of family kept per village: enough for a group of 21 and several more.
VILLAGE_CAP = 45
POOL_CAP = 60  # people per regency failing one criterion, and per age edge


class _Collector(sp._Collector):
    """Called after each register chunk, beside the WRSE collector (whose age tables it uses).

    Keeps, in register order, up to VILLAGE_CAP heads of family per village who meet every
    KUBE criterion, and up to POOL_CAP people per regency for each single failed criterion and
    each age edge. Only the lines of candidates are split, only the village field of most.
    """

    def __init__(self, ref: dt.date) -> None:
        super().__init__(ref, POOL_CAP, 0)
        self.clean: dict[str, list[sp._Person]] = defaultdict(list)

    def __call__(self, lines: list[str], gen) -> None:
        c = gen.last_chunk
        ref = self.ref
        birth = c["birth"]
        age = self._ages(gen, birth, ref)
        decile = c["decile"]
        bits = (
            np.where((age < AGE_MIN) | (age > AGE_MAX), B_AGE, 0)
            | np.where(decile == 0, B_DU, 0)
            | np.where(decile > MAX_DECILE, B_DA, 0)
            | np.where(c["dead"], B_DEAD, 0)
            | np.where(np.isin(c["occupation"], self._excluded), B_EXCL, 0)
            | np.where(c["relation"] == synth.R_HEAD, 0, B_HEAD)
        )
        clean = self.clean
        cap = VILLAGE_CAP
        for i in np.flatnonzero(bits == 0).tolist():
            line = lines[i]
            village = line.split(",", 9)[8]
            pool = clean[village]
            if len(pool) < cap:
                row = dict(zip(synth.COLUMNS, line.split(","), strict=True))
                pool.append(sp._Person(row, village[:5], 0, ref))

        age_before = self._ages(gen, birth, ref - dt.timedelta(days=_EDGE_DAYS))
        age_after = self._ages(gen, birth, ref + dt.timedelta(days=_EDGE_DAYS))
        leap_day = self._age_tables(gen)[1][birth] == 229
        wanted = [(code, bits == CODE_BITS[code]) for code in _REGISTER_CODES]
        wanted[_REGISTER_CODES.index("AGE_OUT_OF_RANGE")] = (
            "AGE_OUT_OF_RANGE",
            (bits == B_AGE) & (age >= _OLD_AGES[0]) & (age <= _OLD_AGES[1]),
        )
        wanted += [
            # Turns 61 within the days after the reference date: clean.
            ("edge:60", (bits == 0) & (age == AGE_MAX) & (age_after > AGE_MAX) & ~leap_day),
            # Turned 61 within the days before: too old.
            (
                "edge:61",
                (bits == B_AGE) & (age == AGE_MAX + 1) & (age_before == AGE_MAX) & ~leap_day,
            ),
        ]
        regency_codes_ = gen.geo.regency_codes
        regency = c["regency"]
        for key, mask in wanted:
            pool = self.pools[key]
            full = {r for r in REGENCIES if len(pool[r]) >= self.cap}
            if len(full) == len(REGENCIES):
                continue
            for i in np.flatnonzero(mask).tolist():
                r = regency_codes_[regency[i]]
                if r in full:
                    continue
                row = dict(zip(synth.COLUMNS, lines[i].split(","), strict=True))
                pool[r].append(sp._Person(row, r, int(bits[i]), ref))
                if len(pool[r]) >= self.cap:
                    full.add(r)
                    if len(full) == len(REGENCIES):
                        break


def make_collector(ref: dt.date) -> Callable[[list[str], object], None]:
    """The `on_chunk` callback that gathers KUBE candidates; pass it to `generate`."""
    return _Collector(ref)


# --- groups -------------------------------------------------------------------------------------

# Names of KUBE groups as offices write them: "KUBE <name>", sometimes with the village.
GROUP_NAMES = (
    "Maju Bersama",
    "Sumber Rezeki",
    "Karya Mandiri",
    "Harapan Baru",
    "Mekar Sari",
    "Usaha Bersama",
    "Bina Usaha",
    "Tunas Harapan",
    "Makmur Jaya",
    "Sinar Harapan",
    "Mitra Usaha",
    "Mandiri Sejahtera",
    "Tekad Bersama",
    "Rukun Makmur",
    "Berkah Bersama",
    "Sepakat",
    "Gotong Royong",
    "Setia Kawan",
    "Karya Bersama",
    "Amanah",
    "Barokah",
    "Sejahtera Bersama",
    "Cahaya Baru",
    "Melati",
    "Anggrek Hitam",
    "Pesut Mahakam",
    "Etam Bersatu",
    "Bunga Tanjung",
    "Sri Rejeki",
    "Lestari",
    "Al Ikhlas",
    "Bersatu Jaya",
    "Damai Sejahtera",
    "Srikandi",
    "Harapan Kita",
    "Kembang Jaya",
    "Mufakat",
    "Rezeki Bersama",
    "Permata",
    "Lancar Jaya",
    "Sido Makmur",
    "Tepian Jaya",
)
# Business types, by where the group lives.
_USAHA_URBAN = (
    "WARUNG SEMBAKO",
    "MENJAHIT",
    "KUE DAN JAJANAN",
    "KATERING",
    "BENGKEL MOTOR",
    "LAUNDRY",
    "CUCI MOTOR",
    "SABLON DAN PERCETAKAN",
)
_USAHA_RURAL = (
    "WARUNG SEMBAKO",
    "PERTANIAN/KEBUN SAYUR",
    "PETERNAKAN AYAM",
    "TERNAK KAMBING",
    "BUDIDAYA IKAN AIR TAWAR",
    "KUE DAN JAJANAN",
    "MENJAHIT",
    "BENGKEL MOTOR",
)
_USAHA_COAST = ("PERIKANAN/NELAYAN", "PENGOLAHAN IKAN ASIN", "AMPLANG", "BUDIDAYA RUMPUT LAUT")
_USAHA_DAYAK = ("KERAJINAN MANIK-MANIK DAYAK", "ANYAMAN ROTAN")
_DAYAK_REGENCIES = frozenset({"64.02", "64.03", "64.07", "64.08", "64.11"})
_USAHA_LOCAL = {"64.72": ("TENUN SARUNG SAMARINDA", "AMPLANG"), "64.71": ("AMPLANG",)}


class _Group:
    __slots__ = ("office", "village", "name", "usaha", "rows", "kind", "intended", "reasons")

    def __init__(self, office: str, village: str, kind: str, intended: Iterable[str]) -> None:
        self.office = office
        self.village = village
        self.name = ""
        self.usaha = ""
        self.rows: list[sp._Row] = []
        self.kind = kind
        self.intended = frozenset(intended)
        self.reasons: frozenset[str] = frozenset()

    @property
    def clean(self) -> bool:
        return not self.intended and not any(row.intended for row in self.rows)


def _title(name: str) -> str:
    """LOA DURI ILIR -> Loa Duri Ilir, SANGA-SANGA -> Sanga-Sanga."""
    return " ".join("-".join(p.capitalize() for p in word.split("-")) for word in name.split())


class _Planner(sp._Planner):
    """Plans every group of every file. Shares the WRSE planner's NIK and identity helpers
    (`_typo`, `_other_birth_date`, `_invented`, `_office`); its own pools are per village."""

    def __init__(
        self,
        collector: _Collector,
        *,
        seed: int,
        year: int,
        groups_per_region: int,
        errors_per_code: int,
        group_sizes: tuple[int, int],
        past_groups_per_region: int,
        register_niks: np.ndarray,
        register_kks: np.ndarray,
        used_niks: Iterable[str] = (),
        used_kks: Iterable[int] = (),
    ) -> None:
        self.rng = random.Random(f"berdaya synth proposals {PROGRAM} seed={seed} year={year}")
        self.year = year
        self.ref = sp.reference_date(year)
        self.nik_ref = max(self.ref, synth.REFERENCE_DATE)
        self.per_region = groups_per_region
        self.k = errors_per_code
        self.sizes = group_sizes
        self.past_per_region = past_groups_per_region
        self.register_niks = register_niks
        self.register_kks = register_kks
        # Numbers the WRSE part invented are not reused for another person.
        self.used_niks: set[str] = set(used_niks)
        self.used_kks: set[int] = set(used_kks)
        self.villages = sp._villages()
        self.village_of = {v.code: v for vs in self.villages.values() for v in vs}
        self.first_names, self.second_names = sp._invented_names()
        rng = self.rng

        # Heads of family who meet every criterion, per village, in random order.
        self.clean: dict[str, list[sp._Person]] = {}
        for code in sorted(collector.clean):
            people = list(collector.clean[code])
            rng.shuffle(people)
            self.clean[code] = people
        self.clean_ids = {p.id for people in self.clean.values() for p in people}
        self.avail = {code: len(people) for code, people in self.clean.items()}
        self.villages_in = {r: [v for v in self.clean if v[:5] == r] for r in REGENCIES}
        self.pools: dict[str, dict[str, list[sp._Person]]] = {}
        for key in (*_REGISTER_CODES, "edge:60", "edge:61"):
            self.pools[key] = {}
            for r in REGENCIES:
                people = list(collector.pools.get(key, {}).get(r, ()))
                rng.shuffle(people)
                self.pools[key][r] = people

        self.used: set[str] = set()
        self.errors: Counter[str] = Counter()
        # Error groups go to offices in proportion to the groups their villages can make.
        self.weight = {
            r: max(1, sum(self.avail[v] // 6 for v in self.villages_in[r])) for r in REGENCIES
        }
        # A small register: planted groups take about half the room at most, one a code at least.
        room = sum(n // 7 for n in self.avail.values())
        self.k = min(self.k, max(1, room // (2 * _PLANTED_KINDS)))
        self.groups: dict[str, list[_Group]] = {r: [] for r in REGENCIES}
        self.names: dict[str, set[str]] = {r: set() for r in REGENCIES}
        self.pairs: list[tuple[_Group, _Group]] = []
        self.past: list[tuple[list[sp._Person], int]] = []
        self.notes: Counter[str] = Counter()

    # -- picking ------------------------------------------------------------------------------

    def _use(self, person: sp._Person) -> None:
        if person.id in self.used:  # pragma: no cover - a bug in the planner
            raise AssertionError(f"{person.id} used twice")
        self.used.add(person.id)
        if person.id in self.clean_ids:
            self.avail[person.row["KODE_WILAYAH"]] -= 1

    def _take_clean(
        self,
        village: str,
        n: int,
        *,
        skip: Callable[[sp._Person], bool] | None = None,
    ) -> list[sp._Person]:
        """Up to `n` unused heads of `village` (those `skip` rejects stay for later)."""
        pool = self.clean.get(village, [])
        out: list[sp._Person] = []
        kept: list[sp._Person] = []
        while pool and len(out) < n:
            person = pool.pop()
            if person.id in self.used:
                continue
            if skip is not None and skip(person):
                kept.append(person)
                continue
            self._use(person)
            out.append(person)
        pool.extend(reversed(kept))
        return out

    def _max_avail(self, regency: str) -> int:
        return max((self.avail[v] for v in self.villages_in[regency]), default=0)

    def _village(self, regency: str, need: int) -> str | None:
        """A random village of `regency` with at least `need` heads left."""
        options = [v for v in self.villages_in[regency] if self.avail[v] >= need]
        return self.rng.choice(options) if options else None

    def _size(self) -> int:
        return self.rng.randint(*self.sizes)

    def _offices(self, need: int) -> list[str]:
        return [r for r in REGENCIES if self._max_avail(r) >= need]

    # -- groups -------------------------------------------------------------------------------

    def _row(self, office: str, person: sp._Person) -> sp._Row:
        """A clean member row, written as in the register or, now and then, differently."""
        fields = sp._copy(person)
        kind = "clean"
        if self.rng.random() < 0.1:
            variant = self.rng.choice(sp._HARMLESS)
            fields = sp._harmless(fields, variant)
            kind = f"clean, written differently: {variant}"
        return sp._Row(office, fields, person, (), kind)

    def _name(self, office: str, village: str) -> str:
        rng = self.rng
        taken = self.names[office]
        place = _title(self.village_of[village].name) if village in self.village_of else ""
        base = f"KUBE {rng.choice(GROUP_NAMES)}"
        options = [base, f"{base} {place}"] if place else [base]
        if rng.random() < 0.35:
            options.reverse()
        for name in options:
            if name not in taken:
                break
        else:
            n = 2
            while f"{options[0]} {n}" in taken:
                n += 1
            name = f"{options[0]} {n}"
        taken.add(name)
        return name

    def _usaha(self, office: str, village: str) -> str:
        v = self.village_of.get(village)
        kinds = list(_USAHA_URBAN if v is not None and v.urban else _USAHA_RURAL)
        if office in synth.COASTAL:
            kinds += _USAHA_COAST
        if office in _DAYAK_REGENCIES and (v is None or not v.urban):
            kinds += _USAHA_DAYAK
        kinds += _USAHA_LOCAL.get(office, ())
        return self.rng.choice(kinds)

    def _group(
        self,
        office: str,
        village: str,
        rows: list[sp._Row],
        kind: str,
        codes: Iterable[str] = (),
        *,
        again: Iterable[sp._Row] = (),
    ) -> _Group:
        """A group of distinct people `rows` (board drawn at random), then `again` rows."""
        group = _Group(office, village, kind, codes)
        group.name = self._name(office, village)
        group.usaha = self._usaha(office, village)
        rows = list(rows)
        self.rng.shuffle(rows)
        board, members = rows[:3], rows[3:]
        for role, row in zip(ROLES, board, strict=False):
            row.fields["JABATAN"] = role
        for row in [*members, *again]:
            row.fields["JABATAN"] = "ANGGOTA"
        group.rows = [*board, *members, *again]
        for row in group.rows:
            row.fields["KELOMPOK"] = group.name
            row.fields["JENIS_USAHA"] = group.usaha
        self.groups[office].append(group)
        if not group.clean:
            self.errors[office] += 1
        self.notes[kind] += 1
        return group

    def _clean_group(self, office: str, village: str, size: int, kind: str = "clean") -> _Group:
        people = self._take_clean(village, size)
        return self._group(office, village, [self._row(office, p) for p in people], kind)

    # -- planting -----------------------------------------------------------------------------

    def plan(self) -> None:
        k = self.k
        self._plant_group_size(k)
        self._plant_register_codes(k)
        self._plant_row_codes(k)
        self._plant_outside_region(k)
        self._plant_duplicates(k)
        self._plant_group_villages(k)
        self._plant_other_group(k)
        self._plant_clean()
        self._plant_past()
        self._order()

    def _plant_group_size(self, k: int) -> None:
        for i in range(k):
            size = SIZE_MAX + 1 if i % 2 == 1 and self._offices(SIZE_MAX + 1) else SIZE_MIN - 1
            office = self._office(self._offices(size))
            if office is None:
                return
            village = self._village(office, size)
            people = self._take_clean(village, size)
            rows = [self._row(office, p) for p in people]
            self._group(office, village, rows, f"GROUP_SIZE: {size} members", ["GROUP_SIZE"])

    def _hostable(
        self, key: str, regency: str, relations: Iterable[str] | None = None
    ) -> sp._Person | None:
        """A person of pool `key` in `regency` whose village has room for a group around them
        (with one of `relations` to their head of family, when given)."""
        for person in reversed(self.pools[key][regency]):
            village = person.row["KODE_WILAYAH"]
            if person.id in self.used or self.avail.get(village, 0) < SIZE_MIN:
                continue
            if relations is None or person.row["HUBUNGAN_KELUARGA"] in relations:
                return person
        return None

    def _around(self, office: str, person: sp._Person, codes: Iterable[str], kind: str) -> None:
        """A group of `person`'s village with `person` as the member carrying `codes`."""
        village = person.row["KODE_WILAYAH"]
        self._use(person)
        kk = person.row["NO_KK"]
        others = self._take_clean(
            village, self._size() - 1, skip=lambda p: p.row["NO_KK"] == kk
        )  # never their own head of family beside them
        error = sp._Row(office, sp._copy(person), person, codes, kind)
        rows = [error, *(self._row(office, p) for p in others)]
        if len(rows) < SIZE_MIN:  # pragma: no cover - `_hostable` leaves room
            raise AssertionError(f"no room around {person.id}")
        self._group(office, village, rows, kind)

    def _plant_register_codes(self, k: int) -> None:
        planted: Counter[str] = Counter()
        # The age bound: the head whose 61st birthday is nearest on or before the date.
        edge = [p for r in REGENCIES if (p := self._hostable_edge("edge:61", r, latest=True))]
        if edge and k:
            person = max(edge, key=lambda p: (p.birth, p.id))
            kind = "AGE_OUT_OF_RANGE: 61st birthday nearest before the reference date"
            self._around(person.regency, person, ["AGE_OUT_OF_RANGE"], kind)
            planted["AGE_OUT_OF_RANGE"] += 1
        for code in _REGISTER_CODES:
            for n in range(planted[code], k):
                # Not the head: a spouse (the main earner, perhaps) or a child, in turn.
                relations = None
                if code == "NOT_HEAD_OF_FAMILY":
                    relations = ("ISTRI", "SUAMI") if n % 2 == 0 else ("ANAK",)
                    if not any(self._hostable(code, r, relations) for r in REGENCIES):
                        relations = None
                office = self._office(r for r in REGENCIES if self._hostable(code, r, relations))
                if office is None:
                    break
                person = self._hostable(code, office, relations)
                kind = code
                if code == "NOT_HEAD_OF_FAMILY":
                    kind = f"{code}: {person.row['HUBUNGAN_KELUARGA']}"
                self._around(office, person, [code], kind)

    def _hostable_edge(self, key: str, regency: str, *, latest: bool) -> sp._Person | None:
        """The person of pool `key` nearest the age bound, in a village with room to spare."""
        people = [
            p
            for p in self.pools[key][regency]
            if p.id not in self.used and self.avail.get(p.row["KODE_WILAYAH"], 0) > self.sizes[0]
        ]
        if not people:
            return None
        if latest:
            return max(people, key=lambda p: (p.birth, p.id))
        return min(people, key=lambda p: (p.birth, p.id))

    def _plain_group(
        self, need: int = SIZE_MIN, *, less: int = 0, spare: int = 0
    ) -> tuple[str, str, list[sp._Person]] | None:
        """Office, village and clean heads (`less` fewer than a group) for a planted group,
        leaving `spare` heads in the village."""
        office = self._office(self._offices(need + spare))
        if office is None:
            return None
        village = self._village(office, need + spare)
        n = min(self._size() - less, self.avail[village] - spare, SIZE_MAX - 1)
        return office, village, self._take_clean(village, n)

    def _plant_row_codes(self, k: int) -> None:
        rng = self.rng
        for code in (
            "NIK_INVALID",
            "NIK_MISMATCH",
            "NIK_BIRTHDATE_MISMATCH",
            "NIK_SEX_MISMATCH",
            "ALREADY_RECEIVED",
            "NOT_IN_REGISTER",
        ):
            for i in range(k):
                if code == "NOT_IN_REGISTER":
                    found = self._plain_group(SIZE_MIN - 1, less=1)
                elif code == "ALREADY_RECEIVED":
                    # Room for the past group too, where a village has it.
                    found = self._plain_group(spare=SIZE_MIN - 1) or self._plain_group()
                else:
                    found = self._plain_group()
                if found is None:
                    break
                office, village, people = found
                if code == "NOT_IN_REGISTER":
                    rows = [self._row(office, p) for p in people]
                    rows.append(self._invented_in(office, village))
                    self._group(office, village, rows, rows[-1].kind)
                    continue
                rows = [self._row(office, p) for p in people]
                if code == "ALREADY_RECEIVED":
                    adults = [j for j, p in enumerate(people) if p.age >= _PAST_MEMBER_AGE]
                    j = rng.choice(adults or list(range(len(people))))
                else:
                    j = rng.randrange(len(people))
                person = people[j]
                fields = sp._copy(person)  # written as in the register but the planted change
                if code == "NIK_INVALID":
                    damage = ("length", "regency", "date", "serial")[i % 4]
                    nik, what = sp._broken_nik(person.nik, damage, i // 4, rng)
                    if sp._is_valid_nik(nik, self.nik_ref) or nik in self.used_niks:
                        raise AssertionError(f"planted NIK {nik} is not invalid or not new")
                    self.used_niks.add(nik)
                    fields["NIK"] = nik
                elif code == "NIK_MISMATCH":
                    fields["NIK"], what = self._typo(person.nik, transpose=i % 2 == 1)
                elif code == "NIK_BIRTHDATE_MISMATCH":
                    birth, what = self._other_birth_date(person.birth, swap=i % 2 == 1)
                    fields["TGL_LAHIR"] = birth.isoformat()
                elif code == "NIK_SEX_MISMATCH":
                    fields["JENIS_KELAMIN"] = "L" if person.row["JENIS_KELAMIN"] == "P" else "P"
                    what = f"{person.row['JENIS_KELAMIN']} written {fields['JENIS_KELAMIN']}"
                else:
                    what = self._past_group_of(person, village)
                kind = f"{code}: {what}"
                rows[j] = sp._Row(office, fields, person, [code], kind)
                self._group(office, village, rows, kind)

    def _invented_in(self, office: str, village: str) -> sp._Row:
        """A person not in the register, living in `village` (the WRSE planter's invention)."""
        villages = self.villages
        self.villages = {office: [self.village_of[village]]}
        try:
            return self._invented(office)
        finally:
            self.villages = villages

    def _past_group_of(self, person: sp._Person, village: str) -> str:
        """A group funded in an earlier year with `person` and heads of the same village."""
        mates = self._take_clean(
            village,
            self.rng.randint(SIZE_MIN, 9) - 1,
            skip=lambda p: p.age < _PAST_MEMBER_AGE,
        )
        year = self.rng.randrange(self.year - 3, self.year)
        self.past.append(([person, *mates], year))
        return f"member of a group funded in {year}"

    def _plant_outside_region(self, k: int) -> None:
        for i in range(k):
            offices = [
                r
                for r in self._offices(SIZE_MIN - 1)
                if any(self._max_avail(b) >= 1 for b in REGENCIES if b != r)
            ]
            office = self._office(offices)
            if office is None:
                return
            village = self._village(office, SIZE_MIN - 1)
            home = max(
                (b for b in REGENCIES if b != office),
                key=lambda b: (self._max_avail(b), self.rng.random()),
            )
            (person,) = self._take_clean(self._village(home, 1), 1)
            people = self._take_clean(village, min(self._size() - 1, self.avail[village]))
            fields = sp._copy(person)
            what = "register village"
            if i % 2 == 1:  # the office writes a village of its own
                fields["KODE_WILAYAH"] = village
                fields["ALAMAT"] = self.village_of[village].address(self.rng)
                what = "the group's village written"
            kind = f"OUTSIDE_REGION: a head of {person.regency} ({what})"
            rows = [sp._Row(office, fields, person, ["OUTSIDE_REGION"], kind)]
            rows += [self._row(office, p) for p in people]
            self._group(office, village, rows, kind, ["GROUP_VILLAGES"])

    def _plant_duplicates(self, k: int) -> None:
        for _ in range(k):
            # Five different people at least, so the group is not too small either way.
            found = self._plain_group(SIZE_MIN)
            if found is None:
                return
            office, village, people = found
            rows = [self._row(office, p) for p in people]
            person = self.rng.choice(people)
            kind = "DUPLICATE_IN_BATCH: the same person twice in the group"
            again = sp._Row(office, sp._copy(person), person, ["DUPLICATE_IN_BATCH"], kind)
            self._group(office, village, rows, kind, again=[again])

    def _village_pairs(self, regency: str) -> list[tuple[str, str]]:
        """(village with room for a group, another village of its district with a head)."""
        villages = self.villages_in[regency]
        pairs = []
        for v in villages:
            if self.avail[v] >= SIZE_MIN - 1:
                pairs += [(v, w) for w in villages if w != v and w[:8] == v[:8] and self.avail[w]]
        return pairs

    def _plant_group_villages(self, k: int) -> None:
        for _ in range(k):
            office = self._office(r for r in REGENCIES if self._village_pairs(r))
            if office is None:
                return
            village, other = self.rng.choice(self._village_pairs(office))
            people = self._take_clean(village, min(self._size() - 1, self.avail[village]))
            (stranger,) = self._take_clean(other, 1)
            kind = "GROUP_VILLAGES: a member from another village of the district"
            rows = [self._row(office, p) for p in [*people, stranger]]
            self._group(office, village, rows, kind, ["GROUP_VILLAGES"])

    def _plant_other_group(self, k: int) -> None:
        rng = self.rng
        code = "MEMBER_IN_OTHER_GROUP"
        for i in range(k):
            low = self.sizes[0]  # the first group is a clean one
            if i % 2 == 0:  # both groups in one village and one file
                office = self._office(self._offices(low + SIZE_MIN - 1))
                if office is None:
                    continue
                first_office = office
                first_village = village = self._village(office, low + SIZE_MIN - 1)
                size = min(self._size(), self.avail[village] - (SIZE_MIN - 1))
                how = "in an earlier group of the same file"
            else:  # the first group in an earlier office's file
                offices = [
                    r
                    for r in self._offices(SIZE_MIN - 1)
                    if any(self._max_avail(a) >= low for a in REGENCIES if a < r)
                ]
                office = self._office(offices)
                if office is None:
                    continue
                first_office = max(
                    (a for a in REGENCIES if a < office),
                    key=lambda a: (self._max_avail(a), rng.random()),
                )
                first_village = self._village(first_office, low)
                village = self._village(office, SIZE_MIN - 1)
                size = min(self._size(), self.avail[first_village])
                how = f"in an earlier group of {first_office}"
            first = self._clean_group(
                first_office, first_village, size, "clean: first group of a member proposed again"
            )
            row = rng.choice(first.rows)
            person = row.person
            people = self._take_clean(village, min(self._size() - 1, self.avail[village]))
            codes, group_codes = [code], [code]
            if first_office != office:
                codes.append("OUTSIDE_REGION")
                group_codes.append("GROUP_VILLAGES")
            kind = f"{code}: {how}"
            again = sp._Row(office, sp._copy(person), person, codes, kind)
            rows = [again, *(self._row(office, p) for p in people)]
            self.pairs.append((first, self._group(office, village, rows, kind, group_codes)))

    def _plant_clean(self) -> None:
        # The age bound: the head whose 61st birthday comes first after the date is clean.
        edge = [p for r in REGENCIES if (p := self._hostable_edge("edge:60", r, latest=False))]
        if edge:
            person = min(edge, key=lambda p: (p.birth, p.id))
            village = person.row["KODE_WILAYAH"]
            self._use(person)
            others = self._take_clean(village, self._size() - 1)
            rows = [self._row(person.regency, p) for p in [person, *others]]
            self._group(person.regency, village, rows, "clean: 61st birthday soonest after")
        clean = Counter(g.office for r in REGENCIES for g in self.groups[r] if g.clean)
        low = self.sizes[0]
        for r in REGENCIES:
            while clean[r] < self.per_region and self._max_avail(r) >= low:
                self._clean_sized(r)
                clean[r] += 1
        # Clean groups outnumber the planted ones: the regions with most room make up the rest.
        planted = sum(1 for r in REGENCIES for g in self.groups[r] if not g.clean)
        while sum(clean.values()) <= planted:
            roomy = [r for r in REGENCIES if self._max_avail(r) >= low]
            if not roomy:
                break
            r = max(roomy, key=lambda r: (self._max_avail(r), r))
            self._clean_sized(r)
            clean[r] += 1

    def _clean_sized(self, regency: str) -> None:
        size = self._size()
        village = self._village(regency, size)
        if village is None:
            village = max(self.villages_in[regency], key=lambda v: (self.avail[v], v))
            size = self.avail[village]
        self._clean_group(regency, village, size)

    def _plant_past(self) -> None:
        """Groups funded in earlier years, nobody of whom is proposed this year."""
        for r in REGENCIES:
            for _ in range(self.past_per_region):
                village = self._village(r, SIZE_MIN)
                if village is None:
                    break
                people = self._take_clean(
                    village, self._size(), skip=lambda p: p.age < _PAST_MEMBER_AGE
                )
                if people:
                    self.past.append((people, self.rng.randrange(self.year - 3, self.year)))

    def _order(self) -> None:
        """Shuffle the groups of each file (a first group before its second); give row IDs."""
        for r in REGENCIES:
            self.rng.shuffle(self.groups[r])
        for first, second in self.pairs:
            if first.office == second.office:
                groups = self.groups[first.office]
                i, j = groups.index(first), groups.index(second)
                if i > j:
                    groups[i], groups[j] = groups[j], groups[i]
        for r in REGENCIES:
            n = 0
            for group in self.groups[r]:
                for row in group.rows:
                    n += 1
                    row.proposal_id = f"{r}-K{n:04d}"

    # -- past recipients ----------------------------------------------------------------------

    def recipients(self) -> list[dict[str, str]]:
        """Members of groups funded in the three years before, in the WRSE recipients' format."""
        chosen = [(p, year) for people, year in self.past for p in people]
        chosen.sort(key=lambda pt: (pt[1], pt[0].row["KODE_WILAYAH"], pt[0].nik))
        out = []
        counter: Counter[int] = Counter()
        for person, year in chosen:
            counter[year] += 1
            row = {c: person.row[c] for c in RECIPIENT_COLUMNS if c not in ("ID", "TAHUN")}
            out.append({"ID": f"{PROGRAM}-{year}-{counter[year]:04d}", **row, "TAHUN": str(year)})
        return out


# --- the rules, once more, to write the truth ---------------------------------------------------


def _dotted_regency(village: str) -> str:
    digits = village.replace(".", "")
    return f"{digits[:2]}.{digits[2:4]}"


def _judge(groups: list[_Group], recipient_niks: set[str], ref: dt.date, nik_ref: dt.date) -> None:
    """Give each member row and each group (in upload order) the codes verification must find."""
    seen: dict[str, _Group] = {}
    for group in groups:
        villages: set[str] = set()
        group_reasons: set[str] = set()
        for row in group.rows:
            f = row.fields
            reasons: set[str] = set()
            birth_on_row = sp._read_date(f["TGL_LAHIR"])
            try:
                info = parse_nik(f["NIK"], reference=nik_ref, birth_date_hint=birth_on_row)
            except NikError:
                info = None
            person = row.person
            if info is None:
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
                birth = person.birth
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
                values = f
                birth = birth_on_row
                if f["NIK"] in recipient_niks:
                    reasons.add("ALREADY_RECEIVED")
                key = f"NIK {f['NIK']}"
            if not AGE_MIN <= sp.age_on(birth, ref) <= AGE_MAX:
                reasons.add("AGE_OUT_OF_RANGE")
            if values["HUBUNGAN_KELUARGA"] != HEAD:
                reasons.add("NOT_HEAD_OF_FAMILY")
            if values["PEKERJAAN"] in EXCLUDED_OCCUPATIONS:
                reasons.add("EXCLUDED_OCCUPATION")
            village = values["KODE_WILAYAH"].replace(".", "")
            villages.add(village)
            if _dotted_regency(village) != row.office:
                reasons.add("OUTSIDE_REGION")
            earlier = seen.get(key)
            if earlier is group:
                reasons.add("DUPLICATE_IN_BATCH")
            elif earlier is not None:
                reasons.add("MEMBER_IN_OTHER_GROUP")
                group_reasons.add("MEMBER_IN_OTHER_GROUP")
            seen.setdefault(key, group)
            row.reasons = frozenset(reasons)
        if not SIZE_MIN <= len(group.rows) <= SIZE_MAX:
            group_reasons.add("GROUP_SIZE")
        if len(villages) > 1:
            group_reasons.add("GROUP_VILLAGES")
        group.reasons = frozenset(group_reasons)


# --- files --------------------------------------------------------------------------------------

README_SECTION = """\

{title}
{underline}

Generated with the register and the WRSE files, with {groups_per_region} clean groups a
regency/city where its villages allow and {errors_per_code} planted groups a code. They are what
verification of KUBE {year} receives; the truth file says what it must find.

Files
-----
{recipients:<26}Members of KUBE groups funded in {first_year}-{last_year}, all in the
                          register, a group's members from one village with one TAHUN:
                          ID,NIK,NAMA,TGL_LAHIR,JENIS_KELAMIN,KODE_WILAYAH,TAHUN.
                          Import it before verifying, for ALREADY_RECEIVED.
proposals/KUBE_<code>.csv One file per regency/city office (64.01 ... 64.74), one row per
                          member, in the person-file columns and the group columns
                          ID,NIK,NO_KK,NAMA,TEMPAT_LAHIR,TGL_LAHIR,JENIS_KELAMIN,ALAMAT,
                          KODE_WILAYAH,HUBUNGAN_KELUARGA,PEKERJAAN,KELOMPOK,JABATAN,JENIS_USAHA.
                          IDs are <code>-K0001..., unique within the file (and across files).
                          KELOMPOK is the group's name, its key within the file; a group's
                          rows are consecutive, KETUA, SEKRETARIS, BENDAHARA first (exactly
                          one each), then ANGGOTA; JENIS_USAHA is the same on every row of a
                          group. A small region's file has fewer groups, or none. Upload the
                          files in code order (64.01 first), for MEMBER_IN_OTHER_GROUP.
{truth:<26}One row per member row, in upload order:
                          file,proposal_id,register_id,expected_verdict,expected_reasons,
                          group,expected_group_verdict,expected_group_reasons.
                          register_id is the register ID of the true person (empty when the
                          person is not in the register); group is the KELOMPOK value; the
                          group columns repeat on every row of the group. Verdicts are
                          eligible, ineligible or review; reasons are alphabetical, joined by
                          ';' (empty when there is none).

Rules (the KUBE defaults of DESIGN.md)
--------------------------------------
Programme year {year}; ages in completed years on {reference} (bounds inclusive).
Each member: any sex, 18-60, decile 1-4, alive, not PEGAWAI NEGERI SIPIL / TNI / POLRI, head
of the family (KEPALA KELUARGA; else NOT_HEAD_OF_FAMILY, a review), never a member of a KUBE
group funded before (ALREADY_RECEIVED), living (register village) in the proposing regency.
Criteria are judged on the register's values when the person is in the register, otherwise on
the row's; the member codes and their effects are those of WRSE, without SEX_NOT_ELIGIBLE.
Each group: 5-20 proposed member rows, every row counted (GROUP_SIZE, ineligible); every
member in one village, the register's village when the person is in the register, else the
row's (GROUP_VILLAGES, ineligible). A person proposed in an earlier group of this programme
year (earlier by upload order, then row order) gets MEMBER_IN_OTHER_GROUP (ineligible) on the
later row, and the later group gets MEMBER_IN_OTHER_GROUP as a group reason (review). The same
person twice in one group: the later row gets DUPLICATE_IN_BATCH (ineligible). The group
verdict is the worst effect of its group reasons; a group with a member who is not eligible is
at least review; a group with no reasons and every member eligible is eligible.

What is planted
---------------
- Every group but those below is clean: heads of family of one village who meet every
  criterion, the board drawn at random. Some clean rows are written differently (name case
  or spaces, DD-MM-YYYY, village code without dots), which must change nothing.
- One member with one code, the others clean: NIK_INVALID, NIK_MISMATCH,
  NIK_BIRTHDATE_MISMATCH, NIK_SEX_MISMATCH (the other sex written), NOT_IN_REGISTER (an
  invented woman of the group's village), DESIL_UNKNOWN, DESIL_ABOVE_LIMIT, DECEASED,
  EXCLUDED_OCCUPATION, AGE_OUT_OF_RANGE (a head of 61-65; one is the head whose 61st
  birthday is nearest on or before the reference date, and the head whose 61st birthday comes
  soonest after it is in a clean group), NOT_HEAD_OF_FAMILY (a wife or husband, or a child,
  never beside their own head of family), ALREADY_RECEIVED (a member of a past group of the
  same village), as the WRSE README above describes each. These groups have no group reason
  and are review.
- OUTSIDE_REGION: a clean head of another regency joins the group (half with their register
  village written, half with the group's); their register village differs, so the group is
  also GROUP_VILLAGES (ineligible).
- DUPLICATE_IN_BATCH: a member again at the end of the group, as ANGGOTA; the group has 6
  rows or more, so it is not GROUP_SIZE whether rows or people are counted.
- GROUP_SIZE: clean groups of 4 members, and of 21 where a village has enough heads.
- GROUP_VILLAGES: a clean head of another village of the same district joins the group.
- MEMBER_IN_OTHER_GROUP: a member of a clean group proposed again in a later group of the same
  village and file, or in a group of a later office's file (then also OUTSIDE_REGION on the
  row and GROUP_VILLAGES on the group, which is ineligible).
- A code is planted fewer times than asked when the register has too few people for it in
  villages with room for a group, and on a small register, where planted groups would take
  more than about half the room (once a code at least; the errors come first).

This run
--------
{summary}
"""


def generate(
    collector: Callable[[list[str], object], None],
    out_dir: Path,
    *,
    people: int,
    seed: int,
    year: int,
    register_niks: np.ndarray,
    register_kks: np.ndarray,
    used_niks: Iterable[str] = (),
    used_kks: Iterable[int] = (),
    groups_per_region: int | None = None,
    errors_per_code: int | None = None,
    group_sizes: tuple[int, int] | None = None,
    past_groups_per_region: int | None = None,
) -> dict:
    """Write the KUBE files into `out_dir` (the register is written); return a summary.

    `collector` is what `make_collector` gave, after the register's chunks went through it.
    `groups_per_region` clean groups go in each file where the villages allow (more in the
    large regions if clean groups would not outnumber the planted ones), besides
    `errors_per_code` planted groups for each code, `group_sizes` members each (low, high
    within 5-20). `past_groups_per_region` funded groups of earlier years per region are
    listed with the planted past members. None stands for the default (`check_parameters`).
    """
    if not isinstance(collector, _Collector):
        raise TypeError("collector must come from make_collector")
    options = check_parameters(
        groups_per_region, errors_per_code, group_sizes, past_groups_per_region
    )
    groups_per_region = options["groups_per_region"]
    k = options["errors_per_code"]
    out_dir = Path(out_dir)
    planner = _Planner(
        collector,
        seed=seed,
        year=year,
        groups_per_region=groups_per_region,
        errors_per_code=k,
        group_sizes=options["group_sizes"],
        past_groups_per_region=options["past_groups_per_region"],
        register_niks=register_niks,
        register_kks=register_kks,
        used_niks=used_niks,
        used_kks=used_kks,
    )
    planner.plan()
    recipients = planner.recipients()
    groups = [g for r in REGENCIES for g in planner.groups[r]]
    _judge(groups, {r["NIK"] for r in recipients}, planner.ref, planner.nik_ref)
    for group in groups:
        for row in group.rows:
            if row.reasons != row.intended:  # pragma: no cover - a bug in the planner
                raise AssertionError(
                    f"{row.proposal_id} ({row.kind}): planted {sorted(row.intended)}, "
                    f"the rules give {sorted(row.reasons)}"
                )
        if group.reasons != group.intended:  # pragma: no cover - a bug in the planner
            raise AssertionError(
                f"{group.office} {group.name} ({group.kind}): planted {sorted(group.intended)}, "
                f"the rules give {sorted(group.reasons)}"
            )

    sp._write_csv(out_dir / RECIPIENTS_FILE, RECIPIENT_COLUMNS, recipients)
    for r in REGENCIES:
        sp._write_csv(
            out_dir / proposal_file(r),
            PROPOSAL_COLUMNS,
            (
                {"ID": row.proposal_id, **row.fields}
                for group in planner.groups[r]
                for row in group.rows
            ),
        )
    truth = []
    for group in groups:
        verdicts = [member_verdict(row.reasons) for row in group.rows]
        g_verdict = group_verdict(group.reasons, verdicts)
        g_reasons = ";".join(sorted(group.reasons))
        for row, verdict in zip(group.rows, verdicts, strict=True):
            truth.append(
                {
                    "file": proposal_file(row.office),
                    "proposal_id": row.proposal_id,
                    "register_id": row.person.id if row.person is not None else "",
                    "expected_verdict": verdict,
                    "expected_reasons": ";".join(sorted(row.reasons)),
                    "group": group.name,
                    "expected_group_verdict": g_verdict,
                    "expected_group_reasons": g_reasons,
                }
            )
    sp._write_csv(out_dir / TRUTH_FILE, TRUTH_COLUMNS, truth)

    rows = [row for g in groups for row in g.rows]
    by_code = Counter(code for row in rows for code in row.reasons)
    by_group_code = Counter(code for g in groups for code in g.reasons)
    groups_with = Counter(code for g in groups for code in {c for r in g.rows for c in r.reasons})
    verdicts = Counter(t["expected_verdict"] for t in truth)
    group_verdicts = Counter(
        group_verdict(g.reasons, (member_verdict(r.reasons) for r in g.rows)) for g in groups
    )
    order = ("eligible", "review", "ineligible")
    result = {
        "program": PROGRAM,
        "year": year,
        "reference_date": planner.ref.isoformat(),
        "groups": len(groups),
        "planted_per_code": planner.k,
        "members": len(rows),
        "by_group_verdict": {v: group_verdicts[v] for v in order},
        "by_group_reason": {code: by_group_code[code] for code in GROUP_CODES},
        "groups_with_member": {code: groups_with[code] for code in MEMBER_CODES},
        "by_verdict": {v: verdicts[v] for v in order},
        "by_reason": {code: by_code[code] for code in MEMBER_CODES},
        "by_file": {
            proposal_file(r): f"{len(planner.groups[r])} groups, "
            f"{sum(len(g.rows) for g in planner.groups[r])} rows"
            for r in REGENCIES
        },
        "past_recipients": len(recipients),
        "planted": dict(sorted(planner.notes.items())),
        "files": files(),
    }
    title = f"{PROGRAM} group proposals, programme year {year}"
    readme = README_SECTION.format(
        title=title,
        underline="=" * len(title),
        year=year,
        groups_per_region=groups_per_region,
        errors_per_code=planner.k,
        recipients=RECIPIENTS_FILE,
        truth=TRUTH_FILE,
        first_year=year - 3,
        last_year=year - 1,
        reference=planner.ref.isoformat(),
        summary=sp._summary_lines(result),
    )
    with open(out_dir / synth.README_FILE, "a", encoding="utf-8", newline="\n") as f:
        f.write(readme)
    return result
