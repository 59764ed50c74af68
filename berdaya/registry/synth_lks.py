"""Synthetic LKS institutions, their proposals with planted errors, the truth, past recipients.

`berdaya.registry.synth_proposals.generate_all` calls this after the WRSE and KUBE files: the
register of social welfare institutions (LKS) of the 10 regencies/cities, and a programme year
of LKS technical assistance as verification receives it. Each office proposes institutions of
its region in one file, in the institution columns of DESIGN.md "Files", with the need and
what it costs. Errors are planted by construction: a planted row names an institution that
meets every rule but the planted one. The truth is then recomputed from the rows, the register
and the recipients with the rules below; a row whose computed codes differ from the planted
ones stops the run.

The rules are the LKS defaults of DESIGN.md: the registration number (upper case, without
spaces) is in the register (`LKS_NOT_REGISTERED`); the accreditation, the register's when the
institution is registered, else the row's, is valid on 31 December of the programme year: from
its date for 5, 3 or 2 years by grade A, B or C, the last day excluded
(`ACCREDITATION_EXPIRED`, also for no accreditation); not assisted by LKS earlier in the same
year (`ALREADY_RECEIVED`); the institution's village (the register's when registered) in the
proposing regency (`OUTSIDE_REGION`); the same institution not proposed earlier this programme
year (`DUPLICATE_IN_BATCH`). Any code makes the proposal ineligible.

Nothing is read from the person register: the institutions are invented, from the seed and
the year alone, with a random stream of their own.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from berdaya.registry import synth
from berdaya.registry import synth_proposals as sp

__all__ = [
    "CHECK_MONTH_DAY",
    "DEFAULT_ERRORS_PER_CODE",
    "INSTITUTIONS_FILE",
    "INSTITUTION_COLUMNS",
    "KINDS",
    "PLANTED_CODES",
    "PROGRAM",
    "PROPOSAL_COLUMNS",
    "RECIPIENTS_FILE",
    "RECIPIENT_COLUMNS",
    "TRUTH_COLUMNS",
    "TRUTH_FILE",
    "VALIDITY",
    "check_date",
    "files",
    "generate",
    "proposal_file",
    "registration_key",
    "write_checked",
]

PROGRAM = "LKS"
DEFAULT_ERRORS_PER_CODE = 4
INSTITUTIONS_PER_REGION = (8, 15)

INSTITUTIONS_FILE = "institutions.csv"
RECIPIENTS_FILE = f"recipients_{PROGRAM}.csv"
TRUTH_FILE = f"truth_{PROGRAM}.csv"

INSTITUTION_COLUMNS = (
    "NAMA_LEMBAGA",
    "JENIS_LEMBAGA",
    "NO_REGISTRASI",
    "TGL_REGISTRASI",
    "AKREDITASI",
    "TGL_AKREDITASI",
    "ALAMAT",
    "KODE_WILAYAH",
    "KAPASITAS",
    "PENGHUNI",
    "PIMPINAN",
    "TELEPON",
)
PROPOSAL_COLUMNS = (
    "ID",
    "NAMA_LEMBAGA",
    "NO_REGISTRASI",
    "JENIS_LEMBAGA",
    "AKREDITASI",
    "TGL_AKREDITASI",
    "ALAMAT",
    "KODE_WILAYAH",
    "KEBUTUHAN",
    "NILAI",
)
RECIPIENT_COLUMNS = ("ID", "NO_REGISTRASI", "NAMA_LEMBAGA", "KODE_WILAYAH", "TAHUN")
TRUTH_COLUMNS = sp.TRUTH_COLUMNS
REGENCIES = sp.REGENCIES

# Years an accreditation stays valid, by grade (DESIGN.md, LKS defaults).
VALIDITY = {"A": 5, "B": 3, "C": 2}
# Accreditations are checked on the last day of the programme year (a past year's check date).
CHECK_MONTH_DAY = (12, 31)
PLANTED_CODES = (
    "ACCREDITATION_EXPIRED",
    "ALREADY_RECEIVED",
    "DUPLICATE_IN_BATCH",
    "LKS_NOT_REGISTERED",
    "OUTSIDE_REGION",
)
KINDS = ("ANAK", "LANSIA", "DISABILITAS", "LAINNYA")
NILAI_MIN, NILAI_MAX = 5_000_000, 75_000_000


def check_date(year: int) -> dt.date:
    """The day an accreditation must be valid on: 31 December of the programme year."""
    return dt.date(year, *CHECK_MONTH_DAY)


def registration_key(number: str) -> str:
    """A registration number as it is compared: upper case, without any space."""
    return "".join(number.split()).upper()


def proposal_file(regency: str) -> str:
    """Path of a regency office's LKS proposal file, relative to the output directory."""
    return f"{sp.PROPOSALS_DIR}/{PROGRAM}_{regency}.csv"


def files() -> list[str]:
    """The LKS files `generate` writes."""
    return [
        INSTITUTIONS_FILE,
        RECIPIENTS_FILE,
        *(proposal_file(r) for r in REGENCIES),
        TRUTH_FILE,
    ]


# --- names, numbers and needs -------------------------------------------------------------------

# How an office abbreviates itself in the registration numbers it issues.
OFFICE_ABBREVIATIONS = {
    "64.01": "PSR",
    "64.02": "KUKAR",
    "64.03": "BRU",
    "64.07": "KUBAR",
    "64.08": "KUTIM",
    "64.09": "PPU",
    "64.11": "MAHULU",
    "64.71": "BPP",
    "64.72": "SMD",
    "64.74": "BTG",
}
AREA_CODES = {
    "64.01": "0543",
    "64.02": "0541",
    "64.03": "0554",
    "64.07": "0545",
    "64.08": "0549",
    "64.09": "0542",
    "64.11": "0545",
    "64.71": "0542",
    "64.72": "0541",
    "64.74": "0548",
}
KIND_WEIGHTS = {"ANAK": 50, "LANSIA": 20, "DISABILITAS": 18, "LAINNYA": 12}

_ISLAMIC = (
    "Al-Ikhlas",
    "Nurul Iman",
    "Darul Aitam",
    "Al-Amin",
    "Nurul Huda",
    "Al-Hidayah",
    "Darussalam",
    "Aisyiyah",
    "Muhammadiyah",
    "Hidayatullah",
    "Al-Kautsar",
    "Ar-Rahman",
    "Baiturrahim",
    "Miftahul Jannah",
    "Nurul Falah",
    "Al-Muhajirin",
    "Babussalam",
    "Al-Hikmah",
)
_CHRISTIAN = (
    "Kasih Bunda",
    "Bethesda",
    "Imanuel",
    "Santa Maria",
    "Gembala Baik",
    "Kasih Karunia",
    "Eben Haezer",
)
_PLAIN = (
    "Tunas Harapan",
    "Bina Insani",
    "Mutiara Hati",
    "Harapan Bangsa",
    "Budi Mulia",
    "Cahaya Bunda",
    "Kasih Ibu",
    "Budi Sejahtera",
    "Usia Indah",
    "Marga Rahayu",
    "Bahagia",
    "Harapan Mulia",
    "Bina Karya",
    "Cahaya Hati",
    "Pelita Kasih",
    "Insan Mandiri",
    "Peduli Kasih",
    "Lentera",
    "Pelangi",
    "Sahabat",
)
# Name prefixes by type; whether a Muslim, Christian or plain name goes with them.
PREFIXES = {
    "ANAK": (
        ("Panti Asuhan", "any"),
        ("LKSA", "any"),
        ("Panti Asuhan Yatim Piatu", "islamic"),
        ("Yayasan Panti Asuhan Kristen", "christian"),
    ),
    "LANSIA": (
        ("Panti Sosial Tresna Werdha", "plain"),
        ("Panti Wreda", "any"),
        ("LKS Lanjut Usia", "plain"),
    ),
    "DISABILITAS": (
        ("Panti Sosial Bina Daksa", "plain"),
        ("Panti Sosial Bina Netra", "plain"),
        ("Panti Sosial Bina Grahita", "plain"),
        ("LKS Penyandang Disabilitas", "plain"),
    ),
    "LAINNYA": (
        ("Rumah Singgah", "plain"),
        ("Yayasan Rehabilitasi Korban NAPZA", "plain"),
        ("Rumah Perlindungan Sosial", "plain"),
        ("Yayasan Kesejahteraan Sosial", "any"),
    ),
}
_HEADS_MUSLIM = (
    "DRS. H. ABDUL RAHMAN",
    "HJ. SITI NURHAYATI, S.PD",
    "H. SYAMSUL BAHRI",
    "USTADZ MUHAMMAD ARSYAD",
    "HJ. NORHAYATI, S.SOS",
    "H. ANDI FIRMANSYAH",
    "DAYANG NORMAH",
    "H. MISRANSYAH, S.AG",
    "RAHMAWATI, S.KEP",
    "H. AHMAD FAUZI",
)
_HEADS_CHRISTIAN = (
    "PDT. YOHANES LIMBONG",
    "SR. MARIA GORETTI",
    "MARTHEN PAYUNG, S.TH",
    "DEBORA LUSI, S.SOS",
    "FRANSISKUS LEJU",
)
# What an institution asks for, by type, and about what it costs (whole rupiah).
NEEDS = {
    "ANAK": (
        ("PERLENGKAPAN TIDUR ANAK ASUH (KASUR, BANTAL, SELIMUT)", 15_000_000),
        ("PERALATAN DAPUR DAN MAKAN", 12_500_000),
        ("PERLENGKAPAN SEKOLAH ANAK ASUH", 10_000_000),
        ("REHABILITASI KAMAR MANDI DAN SANITASI", 45_000_000),
        ("MESIN CUCI DAN PERALATAN KEBERSIHAN", 8_500_000),
        ("KOMPUTER DAN PRINTER UNTUK BELAJAR", 18_000_000),
        ("PERMAKANAN ANAK ASUH 6 BULAN", 60_000_000),
    ),
    "LANSIA": (
        ("KURSI RODA DAN ALAT BANTU JALAN", 17_500_000),
        ("TEMPAT TIDUR PERAWATAN (HOSPITAL BED)", 32_000_000),
        ("PERMAKANAN LANSIA 6 BULAN", 70_000_000),
        ("REHABILITASI RUANG PERAWATAN", 55_000_000),
        ("PERLENGKAPAN MANDI DAN POPOK DEWASA", 9_500_000),
    ),
    "DISABILITAS": (
        ("ALAT BANTU DENGAR", 21_000_000),
        ("KURSI RODA ADAPTIF", 25_000_000),
        ("PERALATAN TERAPI FISIK", 38_000_000),
        ("MESIN JAHIT UNTUK PELATIHAN KETERAMPILAN", 14_000_000),
        ("ALAT TULIS BRAILLE DAN TONGKAT PUTIH", 11_500_000),
    ),
    "LAINNYA": (
        ("PERALATAN PELATIHAN KETERAMPILAN", 20_000_000),
        ("PERLENGKAPAN RUMAH SINGGAH", 16_000_000),
        ("REHABILITASI ATAP DAN PLAFON", 48_000_000),
        ("KENDARAAN RODA TIGA OPERASIONAL", 35_000_000),
    ),
}


def _add_years(day: dt.date, years: int) -> dt.date:
    if day.month == 2 and day.day == 29:
        day = day - dt.timedelta(days=1)  # the anniversary of 29 February is 28 February
    return dt.date(day.year + years, day.month, day.day)


def _valid_on(grade: str, accredited: dt.date | None, on: dt.date) -> bool:
    """Whether an accreditation of `grade` given on `accredited` holds on `on`."""
    if grade not in VALIDITY or accredited is None or accredited > on:
        return False
    return on < _add_years(accredited, VALIDITY[grade])


def _day(text: str) -> dt.date | None:
    return sp._read_date(text) if text.strip() else None


def _regency_of(village: str) -> str:
    digits = village.replace(".", "")
    return f"{digits[:2]}.{digits[2:4]}"


# --- institutions and rows ----------------------------------------------------------------------


class _Institution:
    """One institution of the register, or one that is not registered (`registered` False)."""

    __slots__ = ("fields", "regency", "registered", "role")

    def __init__(self, fields: dict[str, str], regency: str, *, registered: bool = True) -> None:
        self.fields = fields
        self.regency = regency
        self.registered = registered
        self.role = ""

    @property
    def number(self) -> str:
        return self.fields["NO_REGISTRASI"]


class _Row:
    __slots__ = ("office", "fields", "institution", "intended", "kind", "proposal_id", "reasons")

    def __init__(
        self,
        office: str,
        fields: dict[str, str],
        institution: _Institution | None,
        intended: Iterable[str],
        kind: str,
    ) -> None:
        self.office = office
        self.fields = fields
        self.institution = institution  # the true registered institution, if any
        self.intended = frozenset(intended)
        self.kind = kind
        self.proposal_id = ""
        self.reasons: frozenset[str] = frozenset()


def _random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))


class _Planner:
    def __init__(self, *, seed: int, year: int, errors_per_code: int) -> None:
        self.rng = random.Random(f"berdaya synth {PROGRAM} seed={seed} year={year}")
        self.year = year
        self.k = errors_per_code
        self.check = check_date(year)
        # Dates on the files are never after the middle of the programme year.
        self.latest = dt.date(year, 6, 30)
        self.villages = sp._villages()
        self.serials: Counter[tuple[str, int]] = Counter()
        self.names: set[str] = set()
        self.institutions: dict[str, list[_Institution]] = {r: [] for r in REGENCIES}
        self.keys: set[str] = set()
        self.rows: dict[str, list[_Row]] = {r: [] for r in REGENCIES}
        self.recipients: list[tuple[_Institution, int, str]] = []
        self.notes: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.sizes = {r: INSTITUTIONS_PER_REGION[0] for r in REGENCIES}
        self.firsts: dict[str, list[tuple[_Institution, dict]]] = {r: [] for r in REGENCIES}

    # -- making institutions --------------------------------------------------------------------

    def _number(self, regency: str, registered_on: dt.date) -> str:
        """A registration number of the office, not yet given to anyone (nor planted)."""
        year = registered_on.year
        # The national classification of 2023 replaced 463 (social welfare) by 400.9.4.
        code = "400.9.4" if year >= 2023 else "463"
        while True:
            self.serials[(regency, year)] += 1
            serial = 100 + 7 * self.serials[(regency, year)] + self.rng.randint(0, 6)
            number = f"{code}/{serial:03d}/DINSOS-{OFFICE_ABBREVIATIONS[regency]}/{year}"
            if registration_key(number) not in self.keys:
                self.keys.add(registration_key(number))
                return number

    def _name(self, kind: str, village: sp._Village) -> tuple[str, str]:
        rng = self.rng
        prefix, style = rng.choice(PREFIXES[kind])
        if style == "any":
            style = rng.choices(("islamic", "christian", "plain"), (55, 15, 30))[0]
        words = {"islamic": _ISLAMIC, "christian": _CHRISTIAN, "plain": _PLAIN}[style]
        name = f"{prefix} {rng.choice(words)}"
        if name in self.names:
            name = f"{name} {village.name.title()}"
        n = 2
        base = name
        while name in self.names:
            name, n = f"{base} {n}", n + 1
        self.names.add(name)
        return name, style

    def _accreditation(self, state: str, grade: str = "") -> tuple[str, str]:
        """A grade and its date: valid on the check date, expired, or none."""
        rng, y = self.rng, self.year
        if state == "none":
            return "", ""
        grade = grade or rng.choices(("A", "B", "C"), (25, 45, 30))[0]
        years = VALIDITY[grade]
        if state == "valid":
            day = _random_day(rng, dt.date(y - years + 1, 1, 1), self.latest)
        else:
            day = _random_day(rng, dt.date(y - years - 4, 1, 1), dt.date(y - years, 12, 30))
        return grade, day.isoformat()

    def institution(
        self, regency: str, state: str, *, grade: str = "", registered: bool = True
    ) -> _Institution:
        rng = self.rng
        kind = rng.choices(KINDS, [KIND_WEIGHTS[k] for k in KINDS])[0]
        village = rng.choice(self.villages[regency])
        name, style = self._name(kind, village)
        grade, accredited = self._accreditation(state, grade)
        last = dt.date.fromisoformat(accredited) if accredited else self.latest
        registered_on = _random_day(
            rng, dt.date(2008, 1, 1), min(last, dt.date(self.year - 1, 12, 31))
        )
        low, high = {"ANAK": (30, 100), "LANSIA": (20, 60)}.get(kind, (15, 50))
        capacity = rng.randint(low, high) // 5 * 5
        heads = _HEADS_CHRISTIAN if style == "christian" else _HEADS_MUSLIM
        if rng.random() < 0.6:
            phone = f"{AREA_CODES[regency]}-{rng.randint(200000, 799999)}"
        else:
            phone = f"0812{rng.randint(50000000, 59999999)}"
        fields = {
            "NAMA_LEMBAGA": name,
            "JENIS_LEMBAGA": kind,
            "NO_REGISTRASI": self._number(regency, registered_on) if registered else "",
            "TGL_REGISTRASI": registered_on.isoformat() if registered else "",
            "AKREDITASI": grade,
            "TGL_AKREDITASI": accredited,
            "ALAMAT": village.address(rng),
            "KODE_WILAYAH": village.code,
            "KAPASITAS": str(capacity),
            "PENGHUNI": str(max(1, round(capacity * rng.uniform(0.5, 1.1)))),
            "PIMPINAN": rng.choice(heads),
            "TELEPON": phone,
        }
        inst = _Institution(fields, regency, registered=registered)
        if registered:
            self.institutions[regency].append(inst)
        return inst

    # -- rows ------------------------------------------------------------------------------------

    def _need(self, kind: str) -> tuple[str, str]:
        need, base = self.rng.choice(NEEDS[kind])
        value = round(base * self.rng.uniform(0.85, 1.15), -5)
        return need, str(int(min(NILAI_MAX, max(NILAI_MIN, value))))

    def _fields(self, inst: _Institution) -> dict[str, str]:
        f = inst.fields
        need, value = self._need(f["JENIS_LEMBAGA"])
        out = {c: f[c] for c in PROPOSAL_COLUMNS if c in f}
        return out | {"KEBUTUHAN": need, "NILAI": value}

    def _add(self, office: str, inst: _Institution | None, fields: dict, codes, kind: str) -> None:
        true = inst if inst is not None and inst.registered else None
        self.rows[office].append(_Row(office, fields, true, codes, kind))
        self.notes[kind] += 1
        if codes:
            self.errors[office] += 1

    def _office(self, candidates: Iterable[str] = REGENCIES) -> str:
        """The office with the fewest planted rows for its size (ties drawn at random)."""
        return min(
            candidates, key=lambda r: ((self.errors[r] + 1) / self.sizes[r], self.rng.random())
        )

    # -- the plan --------------------------------------------------------------------------------

    def plan(self) -> None:
        rng, k, y = self.rng, self.k, self.year
        weights = synth.REGENCY_WEIGHTS
        top = max(weights.values())
        low, high = INSTITUTIONS_PER_REGION
        # Planted institutions first (each office takes its turn), then clean ones to the size.
        self.sizes = sizes = {
            r: min(
                high, max(low, low + round((high - low) * weights[r] / top) + rng.randint(-1, 1))
            )
            for r in REGENCIES
        }

        # ACCREDITATION_EXPIRED: one of each kind, then again, k at least.
        expired_kinds = (
            "no accreditation",
            "A past its 5 years",
            "B past its 3 years",
            "C past its 2 years",
            "B given on 31 December 3 years before: expires on the check date",
            "the row shows a new accreditation the register does not have",
        )
        for i in range(max(k, len(expired_kinds))):
            what = expired_kinds[i % len(expired_kinds)]
            office = self._office()
            state = "none" if what == "no accreditation" else "expired"
            inst = self.institution(
                office, state, grade=what[0] if what[:2] in ("A ", "B ", "C ") else ""
            )
            if what.startswith("B given"):
                self._accredit(inst, "B", dt.date(y - 3, 12, 31))
            fields = self._fields(inst)
            if what.startswith("the row"):
                fields |= {"AKREDITASI": "A", "TGL_AKREDITASI": dt.date(y - 1, 3, 15).isoformat()}
            inst.role = "expired"
            kind = f"ACCREDITATION_EXPIRED: {what}"
            self._add(office, inst, fields, ["ACCREDITATION_EXPIRED"], kind)

        # LKS_NOT_REGISTERED: a number the register does not hold, valid on the row otherwise.
        for i in range(k):
            what = (
                "a typo in a registered number",
                "the notary's deed number",
                "no number",
                "a number the register does not hold",
            )[i % 4]
            office = self._office()
            if what.startswith("a typo"):
                inst = self.institution(office, "valid")
                inst.role = "typo"
                fields = self._fields(inst) | {"NO_REGISTRASI": self._typo(inst.number)}
            else:
                inst = self.institution(office, "valid", registered=False)
                fields = self._fields(inst)
                if what.startswith("the notary"):
                    deed = (
                        f"AHU-{rng.randint(1, 99999):07d}.AH.01.04.TAHUN {rng.randint(2012, y - 1)}"
                    )
                    fields["NO_REGISTRASI"] = deed
                elif what.startswith("a number"):
                    number = self._number(office, dt.date(y - 1, 5, 2))
                    fields["NO_REGISTRASI"] = number  # issued, but never entered in the register
            self._add(office, inst, fields, ["LKS_NOT_REGISTERED"], f"LKS_NOT_REGISTERED: {what}")

        # ALREADY_RECEIVED: assisted by LKS earlier this programme year.
        for i in range(k):
            office = self._office()
            inst = self.institution(office, "valid")
            inst.role = "received"
            written = inst.number if i % 2 == 0 else inst.number.lower().replace("/", " / ")
            self.recipients.append((inst, y, written))
            kind = "ALREADY_RECEIVED: assisted earlier this year" + (
                "" if i % 2 == 0 else " (the list writes the number in lower case with spaces)"
            )
            self._add(office, inst, self._fields(inst), ["ALREADY_RECEIVED"], kind)

        # OUTSIDE_REGION: another regency's institution (whose office does not propose it).
        for i in range(k):
            office = self._office()
            home = rng.choice([r for r in REGENCIES if r != office])
            inst = self.institution(home, "valid")
            inst.role = "elsewhere"
            fields = self._fields(inst)
            what = "its register village written"
            if i % 2 == 1:
                village = rng.choice(self.villages[office])
                fields |= {"KODE_WILAYAH": village.code, "ALAMAT": village.address(rng)}
                what = "a village of the proposing regency written"
            self._add(office, inst, fields, ["OUTSIDE_REGION"], f"OUTSIDE_REGION: {home}, {what}")

        # DUPLICATE_IN_BATCH: the same institution again, in its file or a later office's.
        for i in range(k):
            if i % 2 == 0:
                office = self._office()
                inst = self.institution(office, "valid")
                inst.role = "twice"
                first = self._fields(inst)
                self.firsts[office].append((inst, first))
                fields = self._fields(inst)
                while fields["KEBUTUHAN"] == first["KEBUTUHAN"]:
                    fields = self._fields(inst)
                number = inst.number.lower() if i % 4 == 0 else " / ".join(inst.number.split("/"))
                fields["NO_REGISTRASI"] = number
                self._add(
                    office,
                    inst,
                    fields,
                    ["DUPLICATE_IN_BATCH"],
                    "DUPLICATE_IN_BATCH: again in the same file, another need, the number "
                    "written differently",
                )
            else:
                office = self._office(REGENCIES[1:])
                home = rng.choice([r for r in REGENCIES if r < office])
                inst = self.institution(home, "valid")
                inst.role = "twice"
                self.firsts[home].append((inst, self._fields(inst)))
                self._add(
                    office,
                    inst,
                    self._fields(inst),
                    ["DUPLICATE_IN_BATCH", "OUTSIDE_REGION"],
                    f"DUPLICATE_IN_BATCH: proposed by {home} first",
                )

        # Clean rows: accreditations whose last valid day is the check date, then the others.
        for grade in ("A", "B", "C"):
            office = rng.choice(REGENCIES)
            inst = self.institution(office, "valid")
            day = dt.date(y - VALIDITY[grade] + 1, 1, 1)
            self._accredit(inst, grade, day)
            inst.role = "clean"
            kind = f"clean: {grade} given on {day}, valid to the check date"
            self._add(office, inst, self._fields(inst), [], kind)
        for r in REGENCIES:
            while len(self.institutions[r]) < sizes[r]:
                inst = self.institution(
                    r, "valid" if rng.random() < 0.75 else rng.choice(("expired", "none"))
                )
                # Most valid institutions propose; the others are in the register only.
                if inst.fields["AKREDITASI"] and self._valid(inst) and rng.random() < 0.8:
                    inst.role = "clean"
                    fields, what = self._written_differently(self._fields(inst))
                    self._add(r, inst, fields, [], what)
                else:
                    inst.role = "idle"
        for r in REGENCIES:
            for inst, fields in self.firsts[r]:
                self._add(
                    r, inst, fields, [], "clean: first proposal of an institution proposed again"
                )
        self._past()
        self._order()

    @staticmethod
    def _accredit(inst: _Institution, grade: str, day: dt.date) -> None:
        inst.fields["AKREDITASI"], inst.fields["TGL_AKREDITASI"] = grade, day.isoformat()
        inst.fields["TGL_REGISTRASI"] = min(inst.fields["TGL_REGISTRASI"], day.isoformat())

    def _valid(self, inst: _Institution) -> bool:
        f = inst.fields
        return _valid_on(f["AKREDITASI"], _day(f["TGL_AKREDITASI"]), self.check)

    def _typo(self, number: str) -> str:
        """The serial with two digits swapped, or one digit wrong, held by no institution."""
        head, serial, tail = number.split("/", 2)
        options = [serial[1] + serial[0] + serial[2:], serial[0] + serial[2] + serial[1]]
        options += [serial[:2] + d for d in "0123456789" if d != serial[2]]
        for option in options:
            typo = f"{head}/{option}/{tail}"
            if option != serial and registration_key(typo) not in self.keys:
                self.keys.add(registration_key(typo))
                return typo
        raise AssertionError(f"no free number near {number}")  # pragma: no cover

    def _written_differently(self, fields: dict[str, str]) -> tuple[dict[str, str], str]:
        """Most clean rows as the register has them; some written in a way that changes
        nothing."""
        rng = self.rng
        if rng.random() >= 0.3:
            return fields, "clean"
        what = rng.choice(
            (
                "number in lower case",
                "name in upper case",
                "accreditation left empty (the register has it)",
                "older accreditation on the row (the register's counts)",
                "TGL_AKREDITASI DD-MM-YYYY",
                "undotted village",
            )
        )
        out = dict(fields)
        if what == "number in lower case":
            out["NO_REGISTRASI"] = out["NO_REGISTRASI"].lower()
        elif what == "name in upper case":
            out["NAMA_LEMBAGA"] = out["NAMA_LEMBAGA"].upper()
        elif what.startswith("accreditation left"):
            out["AKREDITASI"] = out["TGL_AKREDITASI"] = ""
        elif what.startswith("older"):
            out["AKREDITASI"], out["TGL_AKREDITASI"] = "C", dt.date(self.year - 6, 8, 1).isoformat()
        elif what == "TGL_AKREDITASI DD-MM-YYYY":
            out["TGL_AKREDITASI"] = sp._dmy(out["TGL_AKREDITASI"])
        else:
            out["KODE_WILAYAH"] = out["KODE_WILAYAH"].replace(".", "")
        return out, f"clean, written differently: {what}"

    def _past(self) -> None:
        """Assistance of earlier years (which does not count) and of idle institutions."""
        rng, y = self.rng, self.year
        clean = [i for r in REGENCIES for i in self.institutions[r] if i.role == "clean"]
        idle = [i for r in REGENCIES for i in self.institutions[r] if i.role == "idle"]
        for inst in rng.sample(clean, min(len(clean), max(3, len(clean) // 6))):
            self.recipients.append((inst, rng.randint(y - 3, y - 1), inst.number))
        for inst in rng.sample(idle, min(len(idle), max(2, len(idle) // 3))):
            self.recipients.append((inst, rng.randint(y - 3, y), inst.number))

    def _order(self) -> None:
        """Shuffle each file; an institution's first row in a file comes before its second."""
        for r in REGENCIES:
            rows = self.rows[r]
            self.rng.shuffle(rows)
            first: dict[str, int] = {}
            for i, row in enumerate(rows):
                if row.institution is None or row.institution.role != "twice":
                    continue
                j = first.setdefault(row.institution.number, i)
                if j != i and "DUPLICATE_IN_BATCH" in rows[j].intended:
                    rows[i], rows[j] = rows[j], rows[i]
            for n, row in enumerate(rows, start=1):
                row.proposal_id = f"{r}-L{n:04d}"

    def recipient_rows(self) -> list[dict[str, str]]:
        rows = sorted(self.recipients, key=lambda t: (t[1], t[0].fields["KODE_WILAYAH"], t[2]))
        out, counter = [], Counter()
        for inst, year, written in rows:
            counter[year] += 1
            out.append(
                {
                    "ID": f"{PROGRAM}-{year}-{counter[year]:03d}",
                    "NO_REGISTRASI": written,
                    "NAMA_LEMBAGA": inst.fields["NAMA_LEMBAGA"],
                    "KODE_WILAYAH": inst.fields["KODE_WILAYAH"],
                    "TAHUN": str(year),
                }
            )
        return out


# --- the rules, once more, to write the truth ---------------------------------------------------


def _judge(
    rows: list[_Row],
    register: list[dict[str, str]],
    recipients: list[dict[str, str]],
    year: int,
) -> None:
    """Give each row (in upload order) the reason codes verification must find."""
    on = check_date(year)
    by_key = {registration_key(r["NO_REGISTRASI"]): r for r in register}
    assisted = {registration_key(r["NO_REGISTRASI"]) for r in recipients if int(r["TAHUN"]) == year}
    proposed: set[object] = set()
    for row in rows:
        f = row.fields
        key = registration_key(f["NO_REGISTRASI"])
        known = by_key.get(key) if key else None
        facts = known if known is not None else f
        reasons = set()
        if known is None:
            reasons.add("LKS_NOT_REGISTERED")
        if not _valid_on(facts["AKREDITASI"], _day(facts["TGL_AKREDITASI"]), on):
            reasons.add("ACCREDITATION_EXPIRED")
        if key in assisted:
            reasons.add("ALREADY_RECEIVED")
        if _regency_of(facts["KODE_WILAYAH"]) != row.office:
            reasons.add("OUTSIDE_REGION")
        # Without a number an institution is known by its name and village.
        same = key or (" ".join(f["NAMA_LEMBAGA"].upper().split()), f["KODE_WILAYAH"])
        if same in proposed:
            reasons.add("DUPLICATE_IN_BATCH")
        proposed.add(same)
        row.reasons = frozenset(reasons)


# --- files --------------------------------------------------------------------------------------

README_SECTION = """\

{title}
{underline}

Generated by `berdaya synth --seed {seed} --year {year}` from the seed and the year
alone: {per_region} institutions a regency/city, {errors_per_code} planted rows a code (one
of each kind at least). They are what verification of LKS {year} receives; the truth file
says what it must find.

Files
-----
{institutions:<26}The register of social welfare institutions, one row each:
                          NAMA_LEMBAGA,JENIS_LEMBAGA,NO_REGISTRASI,TGL_REGISTRASI,AKREDITASI,
                          TGL_AKREDITASI,ALAMAT,KODE_WILAYAH,KAPASITAS,PENGHUNI,PIMPINAN,
                          TELEPON. Load it before verifying (the institution register import).
                          No registration is revoked: the file has no status column.
{recipients:<26}Institutions assisted by LKS in {first_year}-{year}:
                          ID,NO_REGISTRASI,NAMA_LEMBAGA,KODE_WILAYAH,TAHUN. Import it before
                          verifying; only TAHUN {year} counts for ALREADY_RECEIVED.
proposals/LKS_<code>.csv  One file per regency/city office (64.01 ... 64.74), in the
                          institution columns ID,NAMA_LEMBAGA,NO_REGISTRASI,JENIS_LEMBAGA,
                          AKREDITASI,TGL_AKREDITASI,ALAMAT,KODE_WILAYAH,KEBUTUHAN,NILAI (the
                          need and its cost in whole rupiah, 5,000,000-75,000,000). IDs are
                          <code>-L0001..., unique across files. Upload the files in code order
                          (64.01 first): DUPLICATE_IN_BATCH goes to the later upload.
{truth:<26}One row per proposal row, in upload order:
                          file,proposal_id,register_id,expected_verdict,expected_reasons.
                          register_id is the registration number of the true institution in
                          the register (empty when it is not registered); the verdict is
                          eligible (no code) or ineligible; reasons are alphabetical, joined
                          by ';'.

Rules (the LKS defaults of DESIGN.md)
-------------------------------------
Programme year {year}; accreditations are checked on {check} (today's date clamped to the
programme year: use a past year). A registration number is compared upper case, without
spaces. LKS_NOT_REGISTERED: no institution of the register has the number (an empty number
included). ACCREDITATION_EXPIRED: the accreditation (the register's when the institution is
registered, else the row's) is missing or not valid on the check date: valid from its date
for 5 years (A), 3 (B) or 2 (C), the anniversary itself no longer valid. ALREADY_RECEIVED: on
the recipients list with TAHUN {year}. OUTSIDE_REGION: the institution's village (the
register's when registered, else the row's) is outside the proposing regency.
DUPLICATE_IN_BATCH: the same registration number (without a number: the same name and
village) proposed earlier this programme year, by upload order, then row order. Every code
makes the proposal ineligible.

What is planted
---------------
- Clean rows name registered institutions of the office with a valid accreditation; some are
  written differently (number in lower case, name in upper case, accreditation left empty or
  older on the row, TGL_AKREDITASI DD-MM-YYYY, village code without dots), which must change
  nothing. Three clean rows sit on the accreditation bounds: A given on 1 January 4 years
  before the programme year, B 2 years before, C the year before (the check date is their last
  valid day). Some clean institutions were assisted in an earlier year, which does not count.
- ACCREDITATION_EXPIRED: no accreditation; A, B or C past its years; B given on 31 December
  3 years before the programme year (its third anniversary is the check date: no longer
  valid); a row that shows a new A accreditation the register does not have (the register's
  expired one counts).
- LKS_NOT_REGISTERED: a registered institution's number with two digits swapped or one wrong
  (register_id is the true institution); the notary's deed number (AHU-...) written instead;
  no number; a number of the right shape the register does not hold. Accreditation and
  village on the row are valid.
- ALREADY_RECEIVED: on the recipients list this year, half written in lower case with spaces.
- OUTSIDE_REGION: an institution of another regency, half with a village of the proposing
  regency written (the register's counts).
- DUPLICATE_IN_BATCH: the same institution again in the same file with another need, its
  number written differently; or proposed by a later office (then also OUTSIDE_REGION).

This run
--------
{summary}
"""


def write_checked(
    out_dir: Path,
    rows_by_office: dict[str, list[Any]],
    *,
    proposal_file: Callable[[str], str],
    columns: Iterable[str],
    truth_file: str,
    register_id: Callable[[Any], str],
    verdict: Callable[[frozenset[str]], str],
) -> None:
    """Write a programme's proposal files and its truth, once every row's computed codes are
    the planted ones (else a bug in the planner stops the run: the truth is never out of step).
    Rows have `office`, `fields`, `proposal_id`, `intended`, `reasons` and `kind`."""
    rows = [row for r in REGENCIES for row in rows_by_office[r]]
    for row in rows:
        if row.reasons != row.intended:  # pragma: no cover - a bug in the planner
            raise AssertionError(
                f"{row.proposal_id} ({row.kind}): planted {sorted(row.intended)}, "
                f"the rules give {sorted(row.reasons)}"
            )
    for r in REGENCIES:
        sp._write_csv(
            out_dir / proposal_file(r),
            columns,
            ({"ID": row.proposal_id, **row.fields} for row in rows_by_office[r]),
        )
    sp._write_csv(
        out_dir / truth_file,
        TRUTH_COLUMNS,
        (
            {
                "file": proposal_file(row.office),
                "proposal_id": row.proposal_id,
                "register_id": register_id(row),
                "expected_verdict": verdict(row.reasons),
                "expected_reasons": ";".join(sorted(row.reasons)),
            }
            for row in rows
        ),
    )


def generate(
    out_dir: Path,
    *,
    seed: int,
    year: int,
    errors_per_code: int | None = None,
) -> dict:
    """Write the LKS files into `out_dir`; return a summary.

    `errors_per_code` rows carry each code (default DEFAULT_ERRORS_PER_CODE; ACCREDITATION_
    EXPIRED one of each of its six kinds at least); every office has 8-15 institutions.
    """
    k = DEFAULT_ERRORS_PER_CODE if errors_per_code is None else errors_per_code
    if k < 0:
        raise ValueError("errors_per_code cannot be negative")
    out_dir = Path(out_dir)
    planner = _Planner(seed=seed, year=year, errors_per_code=k)
    planner.plan()
    register = [i.fields for r in REGENCIES for i in planner.institutions[r]]
    recipients = planner.recipient_rows()
    rows = [row for r in REGENCIES for row in planner.rows[r]]
    _judge(rows, register, recipients, year)
    sp._write_csv(out_dir / INSTITUTIONS_FILE, INSTITUTION_COLUMNS, register)
    sp._write_csv(out_dir / RECIPIENTS_FILE, RECIPIENT_COLUMNS, recipients)
    write_checked(
        out_dir,
        planner.rows,
        proposal_file=proposal_file,
        columns=PROPOSAL_COLUMNS,
        truth_file=TRUTH_FILE,
        register_id=lambda row: row.institution.number if row.institution else "",
        verdict=lambda reasons: "ineligible" if reasons else "eligible",
    )

    by_code = Counter(code for row in rows for code in row.reasons)
    result = {
        "program": PROGRAM,
        "year": year,
        "check_date": check_date(year).isoformat(),
        "institutions": len(register),
        "proposals": len(rows),
        "by_verdict": {
            "eligible": sum(1 for row in rows if not row.reasons),
            "ineligible": sum(1 for row in rows if row.reasons),
        },
        "by_reason": {code: by_code[code] for code in PLANTED_CODES},
        "by_file": {proposal_file(r): len(planner.rows[r]) for r in REGENCIES},
        "per_region": {r: len(planner.institutions[r]) for r in REGENCIES},
        "past_recipients": len(recipients),
        "planted": dict(sorted(planner.notes.items())),
        "files": files(),
    }
    title = f"{PROGRAM} institution proposals, programme year {year}"
    readme = README_SECTION.format(
        title=title,
        underline="=" * len(title),
        seed=seed,
        year=year,
        per_region="{}-{}".format(*INSTITUTIONS_PER_REGION),
        errors_per_code=k,
        institutions=INSTITUTIONS_FILE,
        recipients=RECIPIENTS_FILE,
        truth=TRUTH_FILE,
        first_year=year - 3,
        check=check_date(year).isoformat(),
        summary=sp._summary_lines(result),
    )
    with open(out_dir / synth.README_FILE, "a", encoding="utf-8", newline="\n") as f:
        f.write(readme)
    return result
