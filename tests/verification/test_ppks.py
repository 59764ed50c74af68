"""Planned individual assistance (PPKS): categories as data, their criteria, need per proposal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from berdaya.intake.models import Proposal
from berdaya.intake.services import proposal_create, proposals_upload
from berdaya.programs.categories import PPKS_CATEGORIES
from berdaya.programs.models import PastRecipient, WelfareCategory
from berdaya.programs.services import category_update, program_year_for, program_year_update
from berdaya.verification.models import Verification
from berdaya.verification.rules import Category, Person, category_fits
from berdaya.verification.services import verify
from tests.verification.test_verify import load_register, reg_row

REF = dt.date(2025, 1, 1)
OLD = reg_row(11, "H. ABDUL RAHMAN", dt.date(1950, 4, 2), sex="L")
YOUNG = reg_row(12, "SUPRIADI", dt.date(1980, 9, 9), sex="L")
CHILD = reg_row(13, "AHMAD FAUZI", dt.date(2012, 1, 20), sex="L", HUBUNGAN_KELUARGA="ANAK")
WOMAN = reg_row(14, "SITI NURJANAH", dt.date(1986, 6, 6))
RICH = reg_row(15, "HARTONO", dt.date(1948, 3, 3), sex="L", DESIL="8")
ADULT = reg_row(16, "RUSDIANSYAH", dt.date(1975, 5, 5), sex="L")


def person(birth, sex="L"):
    return Person(nik="", birth_date=birth, sex=sex, relation="", occupation="", village_code="")


def test_the_26_categories_are_data_after_migrate(regions):
    assert WelfareCategory.objects.count() == 26 == len(PPKS_CATEGORIES)
    lut = WelfareCategory.objects.get(code="LUT")
    assert (lut.number, lut.age_min, lut.age_max) == (8, 60, None)
    assert WelfareCategory.objects.get(code="PRSE").sex == "P"


def test_category_criteria_are_inclusive_completed_years():
    lut = Category("LUT", age_min=60)
    assert category_fits(person(dt.date(1965, 1, 1)), lut, REF)  # 60 on the day
    assert not category_fits(person(dt.date(1965, 1, 2)), lut, REF)
    child = Category("AT", age_min=5, age_max=17)
    assert category_fits(person(dt.date(2007, 1, 2)), child, REF)  # 17
    assert not category_fits(person(dt.date(2007, 1, 1)), child, REF)  # 18
    prse = Category("PRSE", age_min=18, age_max=59, sex="P")
    assert not category_fits(person(dt.date(1990, 1, 1), "L"), prse, REF)
    assert category_fits(person(dt.date(1990, 1, 1), "P"), prse, REF)
    assert not category_fits(person(dt.date(1990, 1, 1)), None, REF)
    assert not category_fits(person(dt.date(1990, 1, 1)), Category("X", active=False), REF)


@pytest.fixture
def ppks(users, tmp_path):
    load_register(users, tmp_path, [OLD, YOUNG, CHILD, WOMAN, RICH, ADULT])
    return program_year_for(actor=users["admin"], program="PPKS", year=2025)[0]


HEADER = (
    "ID,NIK,NAMA,TGL_LAHIR,JENIS_KELAMIN,KODE_WILAYAH,HUBUNGAN_KELUARGA,KATEGORI,KEBUTUHAN,NILAI\n"
)


def row(i, p, category, need="Kursi roda", value="2500000"):
    return (
        f"{i},{p['NIK']},{p['NAMA']},{p['TGL_LAHIR']},{p['JENIS_KELAMIN']},"
        f"{p['KODE_WILAYAH']},{p['HUBUNGAN_KELUARGA']},{category},{need},{value}\n"
    )


def upload(users, py, rows):
    return proposals_upload(
        actor=users["op_smd"],
        program_year=py,
        region="64.72",
        upload=SimpleUploadedFile("ppks.csv", (HEADER + rows).encode()),
    )


def verdicts(py):
    return {
        v.proposal.row_id: (v.verdict, v.reasons)
        for v in Verification.objects.filter(proposal__program_year=py).select_related("proposal")
    }


def test_ppks_proposals_are_checked_against_their_category_and_the_register(users, ppks):
    PastRecipient.objects.create(
        program=ppks.program, year=2024, nik=WOMAN["NIK"], name=WOMAN["NAMA"], category="PRSE"
    )
    PastRecipient.objects.create(
        program=ppks.program, year=2024, nik=OLD["NIK"], name=OLD["NAMA"], category="LUT"
    )
    result = upload(
        users,
        ppks,
        "".join(
            [
                row(1, OLD, "LUT", "Sembako", "1.500.000"),  # fine: LUT once a year, last year's ok
                row(2, YOUNG, "LUT"),  # 44 years old: not elderly
                row(3, CHILD, "AT", "Perlengkapan sekolah", "Rp750.000"),  # 12: a child
                row(4, ADULT, "ADK"),  # a child category for an adult
                row(
                    5, WOMAN, "PRSE", "Modal usaha", "5000000"
                ),  # PRSE once in a lifetime: received
                row(6, RICH, "LUT"),  # decile 8
                row(7, WOMAN, "PD", "Alat bantu dengar", "3000000"),  # same woman again this year
            ]
        ),
    )
    assert result.saved, result.batch.errors
    p1 = Proposal.objects.get(program_year=ppks, row_id="1")
    assert (p1.category, p1.need, p1.need_value) == ("LUT", "Sembako", 1_500_000)
    verify(actor=users["verifier"], program_year=ppks)
    got = verdicts(ppks)
    assert got["1"] == ("eligible", [])
    assert got["2"] == ("ineligible", ["CATEGORY_NOT_ELIGIBLE"])
    assert got["3"] == ("eligible", [])
    assert got["4"] == ("ineligible", ["CATEGORY_NOT_ELIGIBLE"])
    assert got["5"] == ("ineligible", ["ALREADY_RECEIVED"])
    assert got["6"] == ("ineligible", ["DESIL_ABOVE_LIMIT"])
    assert got["7"] == ("ineligible", ["DUPLICATE_IN_BATCH"])


def test_same_year_same_category_is_already_received(users, ppks):
    PastRecipient.objects.create(
        program=ppks.program, year=2025, nik=OLD["NIK"], name=OLD["NAMA"], category="LUT"
    )
    upload(users, ppks, row(1, OLD, "LUT"))
    verify(actor=users["verifier"], program_year=ppks)
    assert verdicts(ppks)["1"] == ("ineligible", ["ALREADY_RECEIVED"])


def test_unknown_category_or_missing_need_is_refused_at_upload(users, ppks):
    result = upload(
        users,
        ppks,
        "".join(
            [
                row(1, OLD, "LANSIA"),
                row(2, OLD, ""),
                row(3, OLD, "LUT", need="", value=""),
                row(4, OLD, "lut", value="-100"),
            ]
        ),
    )
    assert not result.saved
    assert Proposal.objects.filter(program_year=ppks).count() == 0
    assert {(e["row"], e["field"]) for e in result.batch.errors} == {
        (2, "KATEGORI"),
        (3, "KATEGORI"),
        (4, "KEBUTUHAN"),
        (4, "NILAI"),
        (5, "NILAI"),
    }
    # The message names the allowed codes.
    first = next(e for e in result.batch.errors if e["row"] == 2)
    assert "LUT" in first["message"] and "LANSIA" in first["message"]


def test_changing_a_category_criterion_reverifies_its_proposals(users, ppks):
    upload(users, ppks, row(2, YOUNG, "LUT"))
    verify(actor=users["verifier"], program_year=ppks)
    assert verdicts(ppks)["2"][1] == ["CATEGORY_NOT_ELIGIBLE"]
    lut = WelfareCategory.objects.get(code="LUT")
    category_update(actor=users["admin"], category=lut, age_min=40)
    assert Verification.objects.get(proposal__row_id="2").stale
    verify(actor=users["verifier"], program_year=ppks)
    assert verdicts(ppks)["2"] == ("eligible", [])
    with pytest.raises(ValidationError):
        category_update(actor=users["admin"], category=lut, age_min=70, age_max=65)
    with pytest.raises(PermissionDenied):
        category_update(actor=users["op_smd"], category=lut, age_min=10)


def test_a_programme_year_limited_to_some_categories(users, ppks):
    ppks = program_year_update(actor=users["admin"], program_year=ppks, categories=["LUT", "PD"])
    result = upload(users, ppks, row(1, CHILD, "AT"))
    assert not result.saved and result.batch.errors[0]["field"] == "KATEGORI"
    with pytest.raises(ValidationError) as exc:
        program_year_update(actor=users["admin"], program_year=ppks, categories=["XYZ"])
    assert "categories" in exc.value.message_dict


def test_ppks_by_form(users, ppks):
    p = proposal_create(
        actor=users["op_smd"],
        program_year=ppks,
        region="64.72",
        nik=OLD["NIK"],
        name=OLD["NAMA"],
        birth_date=dt.date(1950, 4, 2),
        sex="L",
        village_code=OLD["KODE_WILAYAH"],
        category="LUT",
        need="Kacamata",
        need_value=400_000,
    )
    assert p.category == "LUT"
    with pytest.raises(ValidationError) as exc:
        proposal_create(
            actor=users["op_smd"],
            program_year=ppks,
            region="64.72",
            nik=OLD["NIK"],
            name=OLD["NAMA"],
            birth_date=dt.date(1950, 4, 2),
            sex="L",
            village_code=OLD["KODE_WILAYAH"],
            category="",
            need="Kacamata",
            need_value=400_000,
        )
    assert "category" in exc.value.message_dict


def test_new_proposal_page_asks_the_programme_year_first(client, users, ppks):
    client.force_login(users["op_smd"])
    page = client.get("/usulan/baru/?py=").content.decode()
    assert 'name="py"' in page and "KATEGORI" not in page
    page = client.get(f"/usulan/baru/?py={ppks.pk}").content.decode()
    assert 'name="category"' in page and 'name="need_value"' in page
    response = client.post(
        "/usulan/baru/",
        {
            "py": ppks.pk,
            "region": "64.72",
            "nik": OLD["NIK"],
            "name": OLD["NAMA"],
            "birth_date": "1950-04-02",
            "sex": "L",
            "village_code": OLD["KODE_WILAYAH"],
            "category": "LUT",
            "need": "Tongkat",
            "need_value": "150000",
        },
    )
    p = Proposal.objects.get(program_year=ppks)
    assert response.status_code == 302 and p.need_value == 150_000
    detail = client.get(f"/usulan/{p.uid}/").content.decode()
    assert "Lanjut Usia Terlantar" in detail and "Rp150.000" in detail


def test_assistance_in_another_category_this_year_does_not_count(users, ppks):
    PastRecipient.objects.create(
        program=ppks.program, year=2025, nik=OLD["NIK"], name=OLD["NAMA"], category="FM"
    )
    upload(users, ppks, row(1, OLD, "LUT"))
    verify(actor=users["verifier"], program_year=ppks)
    assert verdicts(ppks)["1"] == ("eligible", [])
