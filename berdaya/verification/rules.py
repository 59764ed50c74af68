"""The eligibility rules: which reason codes apply to one proposal, given what is known.

Plain functions over plain values, so that every rule is tested on its own. Criteria are
checked on the register's values when the person is linked, otherwise on the row's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from berdaya.registry.nik import NikError, check_nik_against_row, parse_nik

HEAD = "KEPALA KELUARGA"
DECEASED = "MENINGGAL"


@dataclass(frozen=True)
class Person:
    """The values the rules read, from the register or from the row."""

    nik: str
    birth_date: dt.date | None
    sex: str
    relation: str
    occupation: str
    village_code: str
    decile: int | None = None
    life_status: str = ""


@dataclass(frozen=True)
class Criteria:
    sex: str = ""
    age_min: int | None = None
    age_max: int | None = None
    reference_date: dt.date = dt.date(2025, 1, 1)
    max_decile: int | None = None
    head_of_family_required: bool = False
    excluded_occupations: tuple[str, ...] = ()

    @classmethod
    def of(cls, program_year: Any) -> Criteria:
        return cls(
            sex=program_year.sex or "",
            age_min=program_year.age_min,
            age_max=program_year.age_max,
            reference_date=program_year.reference_date,
            max_decile=program_year.max_decile,
            head_of_family_required=program_year.head_of_family_required,
            excluded_occupations=tuple(
                _occupation_key(o) for o in program_year.excluded_occupations or ()
            ),
        )


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years on `day` (someone born on 29 February turns a year older on 1 March)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _occupation_key(value: str) -> str:
    return " ".join((value or "").upper().replace(".", " ").split())


def occupation_excluded(occupation: str, excluded: tuple[str, ...]) -> bool:
    key = _occupation_key(occupation)
    if not key:
        return False
    return any(key == e or key.startswith(e + " ") or key.startswith(e + "/") for e in excluded)


def nik_reasons(row: Person) -> tuple[list[str], bool]:
    """Reasons from the NIK itself; the flag says whether the NIK is valid."""
    try:
        info = parse_nik(row.nik, birth_date_hint=row.birth_date)
    except NikError:
        return ["NIK_INVALID"], False
    out = []
    for flag in check_nik_against_row(info, birth_date=row.birth_date, sex=row.sex):
        out.append(flag.code)
    return out, True


def person_reasons(
    *,
    row: Person,
    register: Person | None,
    criteria: Criteria,
    proposing_region: str,
    already_received: bool,
    duplicate: bool,
) -> list[str]:
    """Every reason code that applies to one proposal, sorted."""
    reasons, nik_valid = nik_reasons(row)
    if register is None:
        reasons.append("NOT_IN_REGISTER")
    elif nik_valid and register.nik != row.nik:
        reasons.append("NIK_MISMATCH")
    who = register or row
    if register is not None:
        if register.decile is None:
            reasons.append("DESIL_UNKNOWN")
        elif criteria.max_decile is not None and register.decile > criteria.max_decile:
            reasons.append("DESIL_ABOVE_LIMIT")
        if register.life_status == DECEASED:
            reasons.append("DECEASED")
    if occupation_excluded(who.occupation, criteria.excluded_occupations):
        reasons.append("EXCLUDED_OCCUPATION")
    if criteria.sex and who.sex and who.sex != criteria.sex:
        reasons.append("SEX_NOT_ELIGIBLE")
    if who.birth_date and (criteria.age_min is not None or criteria.age_max is not None):
        age = age_on(who.birth_date, criteria.reference_date)
        if (criteria.age_min is not None and age < criteria.age_min) or (
            criteria.age_max is not None and age > criteria.age_max
        ):
            reasons.append("AGE_OUT_OF_RANGE")
    if criteria.head_of_family_required and (who.relation or "").upper() != HEAD:
        reasons.append("NOT_HEAD_OF_FAMILY")
    if already_received:
        reasons.append("ALREADY_RECEIVED")
    village = who.village_code or ""
    if village and not (village == proposing_region or village.startswith(proposing_region + ".")):
        reasons.append("OUTSIDE_REGION")
    if duplicate:
        reasons.append("DUPLICATE_IN_BATCH")
    return sorted(set(reasons))


@dataclass(frozen=True)
class Category:
    """A welfare category's criteria (PPKS): who fits it."""

    code: str
    age_min: int | None = None
    age_max: int | None = None
    sex: str = ""
    active: bool = True


def category_fits(who: Person, category: Category | None, reference_date: dt.date) -> bool:
    """Whether the person fits the category's criteria (unknown or inactive: does not fit)."""
    if category is None or not category.active:
        return False
    if category.sex and who.sex and who.sex != category.sex:
        return False
    if who.birth_date and (category.age_min is not None or category.age_max is not None):
        age = age_on(who.birth_date, reference_date)
        if category.age_min is not None and age < category.age_min:
            return False
        if category.age_max is not None and age > category.age_max:
            return False
    return True


def category_reasons(
    row: Person, register: Person | None, category: Category | None, reference_date: dt.date
) -> list[str]:
    """CATEGORY_NOT_ELIGIBLE when the person (the register's values when linked) does not fit."""
    return (
        []
        if category_fits(register or row, category, reference_date)
        else ["CATEGORY_NOT_ELIGIBLE"]
    )


@dataclass(frozen=True)
class InstitutionFacts:
    """An institution's values the rules read: the registry's when registered, else the row's."""

    grade: str
    accredited_on: dt.date | None
    village_code: str


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def accreditation_valid(facts: InstitutionFacts, validity: dict[str, int], on: dt.date) -> bool:
    """An accreditation is valid from its date for the years its grade allows (A 5, B 3, C 2)."""
    years = validity.get(facts.grade) if facts.grade else None
    if years is None or facts.accredited_on is None or facts.accredited_on > on:
        return False
    return on < add_years(facts.accredited_on, int(years))


def institution_reasons(
    *,
    row: InstitutionFacts,
    registered: InstitutionFacts | None,
    accreditation_required: bool,
    validity: dict[str, int],
    check_date: dt.date,
    proposing_region: str,
    already_received: bool,
    duplicate: bool,
) -> list[str]:
    """Every reason code that applies to an institution's proposal (LKS), sorted."""
    reasons = []
    if registered is None:
        reasons.append("LKS_NOT_REGISTERED")
    facts = registered or row
    if accreditation_required and not accreditation_valid(facts, validity, check_date):
        reasons.append("ACCREDITATION_EXPIRED")
    if already_received:
        reasons.append("ALREADY_RECEIVED")
    village = facts.village_code or ""
    if village and not (village == proposing_region or village.startswith(proposing_region + ".")):
        reasons.append("OUTSIDE_REGION")
    if duplicate:
        reasons.append("DUPLICATE_IN_BATCH")
    return sorted(reasons)
