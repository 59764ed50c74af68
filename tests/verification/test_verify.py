"""Verification runs on a small register: links, duplicates, re-verification, overrides."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from berdaya.core.models import AuditChange, AuditEvent
from berdaya.intake.models import Proposal
from berdaya.intake.services import proposal_create, proposal_update, proposal_withdraw
from berdaya.programs.services import program_year_for
from berdaya.registry.nik import make_nik
from berdaya.registry.register_import import register_import_create, register_import_run
from berdaya.verification.models import Verification
from berdaya.verification.services import verification_override, verify

SMD, BPN = "64.72.01.1001", "64.71.01.1001"
HEADER = [
    "ID",
    "NIK",
    "NO_KK",
    "NAMA",
    "TGL_LAHIR",
    "JENIS_KELAMIN",
    "KODE_WILAYAH",
    "DESIL",
    "HUBUNGAN_KELUARGA",
    "PEKERJAAN",
    "STATUS_HIDUP",
]


def reg_row(i, name, birth, village=SMD, sex="P", **over):
    row = {
        "ID": f"R{i}",
        "NIK": make_nik(village.replace(".", "")[:6], birth, sex, i),
        "NO_KK": "",
        "NAMA": name,
        "TGL_LAHIR": birth.isoformat(),
        "JENIS_KELAMIN": sex,
        "KODE_WILAYAH": village,
        "DESIL": "2",
        "HUBUNGAN_KELUARGA": "KEPALA KELUARGA",
        "PEKERJAAN": "PEDAGANG",
        "STATUS_HIDUP": "HIDUP",
    }
    row.update(over)
    return row


PEOPLE = [
    reg_row(1, "SITI AMINAH", dt.date(1985, 3, 12)),
    reg_row(2, "NURHAYATI", dt.date(1979, 11, 2)),
    reg_row(3, "RAHMAWATI BINTI SALEH", dt.date(1990, 5, 23)),
    reg_row(4, "MASITAH", dt.date(1975, 2, 14), village=BPN),
    reg_row(5, "JUBAIDAH", dt.date(1970, 7, 7), DESIL="6"),
]


def load_register(users, tmp_path, rows):
    path = tmp_path / f"reg{len(list(tmp_path.iterdir()))}.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=HEADER)
        w.writeheader()
        w.writerows(rows)
    run = register_import_create(actor=users["admin"], path=str(path))
    return register_import_run(run.pk)


@pytest.fixture
def py(users, tmp_path):
    load_register(users, tmp_path, PEOPLE)
    return program_year_for(actor=users["admin"], program="WRSE", year=2025)[0]


def propose(users, py, person, region="64.72", **over):
    data = dict(
        nik=person["NIK"],
        name=person["NAMA"],
        birth_date=dt.date.fromisoformat(person["TGL_LAHIR"]),
        sex=person["JENIS_KELAMIN"],
        village_code=person["KODE_WILAYAH"],
        relation="KEPALA KELUARGA",
    )
    data.update(over)
    actor = users["op_smd"] if region == "64.72" else users["op_bpn"]
    return proposal_create(actor=actor, program_year=py, region=region, **data)


def verdict(p):
    v = Verification.objects.get(proposal=p)
    return v.verdict, v.reasons


def test_nik_typo_name_variant_and_swapped_date_still_find_the_person(users, py):
    siti, nur, rahma = PEOPLE[0], PEOPLE[1], PEOPLE[2]
    typo = propose(users, py, siti, nik=siti["NIK"][:-1] + "9")
    variant = propose(users, py, nur, name="Nur Hayati")
    swapped = propose(users, py, rahma, birth_date=dt.date(1990, 5, 23).replace(day=5, month=5))
    verify(actor=users["verifier"], program_year=py)
    assert verdict(typo) == ("review", ["NIK_MISMATCH"])
    assert Verification.objects.get(proposal=typo).register_record.source_id == "R1"
    assert verdict(variant)[0] == "eligible"
    v = Verification.objects.get(proposal=swapped)
    assert v.register_record is not None and v.register_record.source_id == "R3"


def test_a_neighbours_nik_with_another_name_is_not_accepted(users, py):
    # Siti's NIK with Nurhayati's name: the NIK exists, but it is someone else.
    p = propose(users, py, PEOPLE[1], nik=PEOPLE[0]["NIK"])
    verify(actor=users["verifier"], program_year=py)
    v = Verification.objects.get(proposal=p)
    assert v.register_record is None or v.register_record.source_id == "R2"
    assert v.link_method != "nik_exact"


def test_duplicates_across_regions_and_withdrawal(users, py):
    first = propose(users, py, PEOPLE[0])
    second = propose(users, py, PEOPLE[0], region="64.71")
    verify(actor=users["verifier"], program_year=py)
    assert verdict(first) == ("eligible", [])
    assert verdict(second) == ("ineligible", ["DUPLICATE_IN_BATCH", "OUTSIDE_REGION"])
    proposal_withdraw(actor=users["op_smd"], proposal=first, reason="Pindah ke Balikpapan")
    verify(actor=users["verifier"], program_year=py)
    assert verdict(second) == ("ineligible", ["OUTSIDE_REGION"])


def test_only_new_or_changed_proposals_are_verified_again(users, py):
    a = propose(users, py, PEOPLE[0])
    b = propose(users, py, PEOPLE[4])
    run = verify(actor=users["verifier"], program_year=py)
    assert run.total == 2 and verdict(b) == ("ineligible", ["DESIL_ABOVE_LIMIT"])
    assert verify(actor=users["verifier"], program_year=py).total == 0
    proposal_update(actor=users["op_smd"], proposal=a, relation="ISTRI")
    run = verify(actor=users["verifier"], program_year=py)
    assert run.total == 1
    # The register still says head of family: criteria read the register's values.
    assert verdict(a) == ("eligible", [])
    change = AuditChange.objects.filter(change="verdict").first()
    assert change is not None and change.event.action == "verification.run"


def test_a_register_refresh_reverifies_linked_proposals(users, py, tmp_path):
    p = propose(users, py, PEOPLE[0])
    verify(actor=users["verifier"], program_year=py)
    assert verdict(p) == ("eligible", [])
    died = [dict(r) for r in PEOPLE]
    died[0]["STATUS_HIDUP"] = "MENINGGAL"
    run = load_register(users, tmp_path, died)
    assert run.reverified == 1
    assert verdict(p) == ("ineligible", ["DECEASED"])


def test_override_keeps_the_computed_verdict_and_two_verifiers_cannot_both_win(users, py):
    p = propose(users, py, PEOPLE[4])
    verify(actor=users["verifier"], program_year=py)
    v = Verification.objects.get(proposal=p)
    seen = v.version
    verification_override(
        actor=users["verifier"],
        verification=v,
        verdict="eligible",
        reason="Desil dari pemutakhiran DTSEN Maret belum masuk",
        expected_version=seen,
    )
    with pytest.raises(ValidationError):
        verification_override(
            actor=users["admin"],
            verification=v,
            verdict="ineligible",
            reason="Saya juga mengubahnya pada saat yang sama",
            expected_version=seen,
        )
    v.refresh_from_db()
    assert (v.verdict, v.computed_verdict, v.overridden) == ("eligible", "ineligible", True)
    event = AuditEvent.objects.get(action="verification.override")
    assert event.actor == users["verifier"] and "DTSEN" in event.note
    with pytest.raises(ValidationError):
        verification_override(
            actor=users["verifier"], verification=v, verdict="review", reason="pendek"
        )
    # A later run keeps the override.
    proposal_update(actor=users["op_smd"], proposal=p, address="RT 3")
    verify(actor=users["verifier"], program_year=py)
    v.refresh_from_db()
    assert v.verdict == "eligible" and v.overridden


def test_operator_cannot_verify_or_override(users, py):
    from django.core.exceptions import PermissionDenied

    p = propose(users, py, PEOPLE[0])
    with pytest.raises(PermissionDenied):
        verify(actor=users["op_smd"], program_year=py)
    verify(actor=users["verifier"], program_year=py)
    with pytest.raises(PermissionDenied):
        verification_override(
            actor=users["op_smd"],
            verification=Verification.objects.get(proposal=p),
            verdict="eligible",
            reason="tolong diloloskan saja",
        )


def test_export_verdicts_format(users, py, tmp_path):
    propose(users, py, PEOPLE[0])
    propose(users, py, PEOPLE[3], region="64.71")
    Proposal.objects.update(row_id="form")
    verify(actor=users["verifier"], program_year=py)
    out = tmp_path / "v.csv"
    call_command(
        "export-verdicts",
        "--program",
        "WRSE",
        "--year",
        "2025",
        "--out",
        str(out),
        stdout=io.StringIO(),
    )
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == (
        "proposal_id,nik,register_nik,verdict,reasons,region,uid,overridden"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["region"] for r in rows] == ["64.71", "64.72"]
    assert rows[1]["verdict"] == "eligible" and rows[1]["register_nik"] == PEOPLE[0]["NIK"]
    call_command(
        "export-verdicts",
        "--program",
        "WRSE",
        "--year",
        "2025",
        "--out",
        str(out),
        "--user",
        "op.bpn",
        stdout=io.StringIO(),
    )
    assert [r["region"] for r in csv.DictReader(open(out, encoding="utf-8"))] == ["64.71"]
    call_command(
        "export-verdicts",
        "--program",
        "WRSE",
        "--year",
        "2025",
        "--out",
        str(out),
        "--user",
        "viewer",
        stdout=io.StringIO(),
    )
    rows = list(csv.DictReader(open(out, encoding="utf-8")))
    assert len(rows) == 2 and all("*" in r["nik"] for r in rows)


def test_the_2025_merged_scheme_verifies_men_and_women(users, tmp_path):
    """UEP (KUBE and WRSE merged in 2025) is set up as data and verified without code."""
    from berdaya.programs.services import program_create

    man = reg_row(40, "SAPRUDIN", dt.date(1981, 6, 1), sex="L")
    load_register(users, tmp_path, [*PEOPLE, man])
    program_create(
        actor=users["admin"],
        code="UEP",
        name="Usaha Ekonomi Produktif",
        unit="person",
        value_per_unit=5_000_000,
        defaults={
            "age_min": 18,
            "age_max": 59,
            "max_decile": 4,
            "head_of_family_required": True,
            "once_in_lifetime": True,
            "excluded_occupations": ["PNS", "TNI", "POLRI"],
            "excluded_programs": ["WRSE", "KUBE"],
        },
    )
    py, notice = program_year_for(actor=users["admin"], program="UEP", year=2025)
    assert notice and py.value_per_unit == 5_000_000 and py.sex == ""
    woman = propose(users, py, PEOPLE[0])
    him = propose(users, py, man)
    old = propose(users, py, PEOPLE[4])
    verify(actor=users["verifier"], program_year=py)
    assert verdict(woman) == ("eligible", [])
    assert verdict(him) == ("eligible", [])
    assert verdict(old) == ("ineligible", ["DESIL_ABOVE_LIMIT"])
