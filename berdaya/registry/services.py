"""Writes to the registry of people and households. Every write is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from berdaya.accounts.scope import require, require_region
from berdaya.core.audit import audit_record, changed, snapshot
from berdaya.linkage.names import normalize_name
from berdaya.regions.models import Region
from berdaya.registry.models import Household, LifeStatus, Person, Relation, Sex, Source
from berdaya.registry.nik import NikError, check_nik_against_row, parse_kk, parse_nik

PERSON_FIELDS = [
    "nik",
    "kk",
    "name",
    "birth_place",
    "birth_date",
    "sex",
    "address",
    "village",
    "relation",
    "occupation",
    "decile",
    "life_status",
    "disability",
    "extreme_poverty",
]


def _village(code: Any) -> Region:
    if isinstance(code, Region):
        village = code
    else:
        try:
            village = Region.objects.get(code=str(code), level=Region.Level.VILLAGE)
        except Region.DoesNotExist:
            raise ValidationError(
                {"village": _("Village code %(code)s is not known.") % {"code": code}}
            ) from None
    if village.level != Region.Level.VILLAGE:
        raise ValidationError({"village": _("Choose a village (desa/kelurahan).")})
    return village


def _village_in_scope(actor: Any, village: Region) -> None:
    """Region codes are public: a village outside the user's region is a field error, not 404."""
    if not actor.can_read_region(village.code):
        raise ValidationError(
            {
                "village": _("Village %(code)s is outside your region (%(region)s).")
                % {"code": village.code, "region": actor.region_scope or "-"}
            }
        )


def _validate_identity(fields: dict[str, Any]) -> list[str]:
    """Refuse what cannot be a person's identity; return warnings for what only looks odd."""
    errors: dict[str, str] = {}
    warnings: list[str] = []
    try:
        info = parse_nik(fields["nik"], birth_date_hint=fields.get("birth_date"))
    except NikError as exc:
        errors["nik"] = exc.message_id if _lang_id() else exc.message_en
        info = None
    if fields.get("kk"):
        try:
            parse_kk(fields["kk"])
        except NikError as exc:
            errors["kk"] = exc.message_id if _lang_id() else exc.message_en
    decile = fields.get("decile")
    if decile is not None and not 1 <= int(decile) <= 10:
        errors["decile"] = _("The welfare decile is a number from 1 to 10.")
    birth = fields.get("birth_date")
    if isinstance(birth, dt.date) and birth > dt.date.today():
        errors["birth_date"] = _("The date of birth is in the future.")
    if errors:
        raise ValidationError(errors)
    if info is not None:
        for flag in check_nik_against_row(info, birth_date=birth, sex=fields.get("sex")):
            warnings.append(flag.message_id if _lang_id() else flag.message_en)
    return warnings


def _lang_id() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "id").startswith("id")


def household_for(*, kk: str, village: Region, address: str = "") -> Household | None:
    if not kk:
        return None
    household, created = Household.objects.get_or_create(
        kk=kk,
        defaults={"village": village, "regency_id": village.code[:5], "address": address},
    )
    return household


@transaction.atomic
def person_create(*, actor: Any, source: str = Source.FORM, **fields: Any) -> tuple[Person, list]:
    """Add a person to the registry. Returns the person and the warnings to show."""
    require(actor, "registry.edit")
    village = _village(fields.pop("village"))
    _village_in_scope(actor, village)
    fields["nik"] = (fields.get("nik") or "").strip()
    warnings = _validate_identity(fields)
    if Person.objects.filter(nik=fields["nik"]).exists():
        raise ValidationError({"nik": _("A person with this NIK is already in the registry.")})
    person = Person(village=village, regency_id=village.code[:5], source=source, **fields)
    person.name_norm = normalize_name(person.name)
    person.household = household_for(kk=person.kk, village=village, address=person.address)
    person.full_clean()
    person.save()
    audit_record(
        actor=actor, action="person.create", obj=person, after=snapshot(person, PERSON_FIELDS)
    )
    return person, warnings


@transaction.atomic
def person_update(*, actor: Any, person: Person, **fields: Any) -> tuple[Person, list]:
    require(actor, "registry.edit")
    require_region(actor, person.village_id)
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = snapshot(person, PERSON_FIELDS)
    if "village" in fields:
        village = _village(fields.pop("village"))
        _village_in_scope(actor, village)
        person.village = village
        person.regency_id = village.code[:5]
    for name, value in fields.items():
        setattr(person, name, value)
    person.nik = person.nik.strip()
    warnings = _validate_identity({f: getattr(person, f) for f in PERSON_FIELDS if f != "village"})
    if Person.objects.filter(nik=person.nik).exclude(pk=person.pk).exists():
        raise ValidationError({"nik": _("A person with this NIK is already in the registry.")})
    person.name_norm = normalize_name(person.name)
    if person.kk and (person.household is None or person.household.kk != person.kk):
        person.household = household_for(
            kk=person.kk, village=person.village, address=person.address
        )
    person.full_clean()
    person.save()
    b, a = changed(before, snapshot(person, PERSON_FIELDS))
    if a:
        audit_record(actor=actor, action="person.update", obj=person, before=b, after=a)
    return person, warnings


@transaction.atomic
def person_reveal_nik(*, actor: Any, person: Person, reason: str = "") -> None:
    """Opening a full record is allowed to some roles and always logged."""
    require(actor, "nik.reveal")
    require_region(actor, person.village_id)
    audit_record(actor=actor, action="person.reveal", obj=person, note=reason[:500])


def _row_person(row: dict[str, Any], source: str) -> Person:
    village_code = row["KODE_WILAYAH"]
    decile = row.get("DESIL") or None
    return Person(
        nik=row["NIK"],
        kk=row.get("NO_KK", ""),
        name=row["NAMA"],
        name_norm=normalize_name(row["NAMA"]),
        birth_place=row.get("TEMPAT_LAHIR", ""),
        birth_date=dt.date.fromisoformat(row["TGL_LAHIR"]),
        sex=Sex.FEMALE if row["JENIS_KELAMIN"] == "P" else Sex.MALE,
        address=row.get("ALAMAT", ""),
        village_id=village_code,
        regency_id=village_code[:5],
        relation=row.get("HUBUNGAN_KELUARGA", "") or "",
        occupation=row.get("PEKERJAAN", ""),
        decile=int(decile) if decile else None,
        life_status=LifeStatus.DECEASED
        if row.get("STATUS_HIDUP") == "MENINGGAL"
        else LifeStatus.ALIVE,
        disability=row.get("DISABILITAS") == "Y",
        extreme_poverty=row.get("KEMISKINAN_EKSTREM") == "Y",
        source=source,
        source_ref=row.get("ID", ""),
    )


@transaction.atomic
def people_load(
    *, actor: Any, rows: Iterable[dict[str, Any]], source: str = Source.DEMO, note: str = ""
) -> int:
    """Bulk-load clean person rows (synthetic or already validated): set-based, one audit event.

    People whose NIK is already present are left as they are, so a second load adds nothing.
    """
    require(actor, "registry.edit")
    existing = set(Person.objects.values_list("nik", flat=True))
    known_kk = dict(Household.objects.values_list("kk", "pk"))
    people: list[Person] = []
    households: dict[str, Household] = {}
    for row in rows:
        if row["NIK"] in existing:
            continue
        existing.add(row["NIK"])
        person = _row_person(row, source)
        people.append(person)
        kk = person.kk
        if kk and kk not in known_kk and kk not in households:
            households[kk] = Household(
                kk=kk,
                village_id=person.village_id,
                regency_id=person.regency_id,
                address=person.address,
            )
        if person.relation == Relation.HEAD and kk in households:
            households[kk].village_id = person.village_id
    Household.objects.bulk_create(households.values(), batch_size=2000)
    known_kk.update(Household.objects.filter(kk__in=list(households)).values_list("kk", "pk"))
    for person in people:
        person.household_id = known_kk.get(person.kk)
    Person.objects.bulk_create(people, batch_size=2000)
    audit_record(
        actor=actor,
        action="people.load",
        object_type="registry.person",
        object_repr=_("%(n)s people loaded") % {"n": len(people)},
        after={"people": len(people), "households": len(households), "source": source},
        note=note,
    )
    return len(people)
