import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from berdaya.core.models import AuditEvent
from berdaya.programs.models import PastRecipient, Program, ProgramYear
from berdaya.programs.services import (
    program_create,
    program_year_copy,
    program_year_for,
    program_year_update,
    recipients_import,
)


def test_a_fresh_database_knows_the_four_seed_programmes(db):
    assert set(Program.objects.values_list("code", flat=True)) >= {"WRSE", "KUBE", "LKS", "PPKS"}
    wrse = Program.objects.get(code="WRSE")
    assert wrse.value_per_unit == 5_000_000 and wrse.unit == "person"
    assert Program.objects.get(code="KUBE").value_per_unit == 20_000_000


def test_a_year_used_first_is_created_from_defaults_with_a_notice(users):
    py, notice = program_year_for(actor=users["admin"], program="WRSE", year=2026)
    assert notice and "WRSE 2026" in notice
    assert (py.sex, py.age_min, py.age_max, py.max_decile) == ("P", 18, 59, 4)
    assert py.head_of_family_required and py.once_in_lifetime
    assert "TNI" in py.excluded_occupations
    again, notice2 = program_year_for(actor=users["admin"], program="wrse", year=2026)
    assert again.pk == py.pk and notice2 is None
    kube, _ = program_year_for(actor=users["admin"], program="KUBE", year=2026)
    assert (kube.group_min, kube.group_max, kube.age_max, kube.sex) == (5, 20, 60, "")


def test_copy_from_the_year_before(users):
    py, _ = program_year_for(actor=users["admin"], program="WRSE", year=2024)
    program_year_update(actor=users["admin"], program_year=py, max_decile=3, age_max=55)
    copy = program_year_copy(actor=users["admin"], program=py.program, year=2025)
    assert (copy.max_decile, copy.age_max) == (3, 55)
    with pytest.raises(ValidationError):
        program_year_copy(actor=users["admin"], program=py.program, year=2025)


def test_criteria_are_validated_and_only_admins_change_them(users):
    py, _ = program_year_for(actor=users["admin"], program="WRSE", year=2025)
    with pytest.raises(ValidationError) as exc:
        program_year_update(actor=users["admin"], program_year=py, age_min=60, age_max=18)
    assert "age_max" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        program_year_update(actor=users["verifier"], program_year=py, max_decile=5)
    program_year_update(actor=users["admin"], program_year=py, max_decile=5)
    event = AuditEvent.objects.get(action="programyear.update")
    assert event.before == {"max_decile": 4} and event.after == {"max_decile": 5}


def test_the_2025_merged_scheme_is_data(users):
    uep = program_create(
        actor=users["admin"],
        code="uep",
        name="Usaha Ekonomi Produktif",
        unit="person",
        value_per_unit=5_000_000,
        defaults={"age_min": 18, "age_max": 59, "max_decile": 4},
    )
    py, notice = program_year_for(actor=users["admin"], program="UEP", year=2025)
    assert uep.code == "UEP" and py.sex == "" and py.value_per_unit == 5_000_000
    with pytest.raises(ValidationError):
        program_create(actor=users["admin"], code="UEP", name="again", unit="person")


def test_past_recipients_all_or_nothing_and_idempotent(users):
    wrse = Program.objects.get(code="WRSE")
    good = b"NIK,NAMA,TAHUN\n6472015203850001,Siti,2023\n6472015203850002,Ani,2022\n"
    result = recipients_import(
        actor=users["admin"], program=wrse, year=2023, fileobj=io.BytesIO(good)
    )
    assert result == {"rows": 2, "added": 2}
    assert PastRecipient.objects.get(nik="6472015203850002").year == 2022
    again = recipients_import(
        actor=users["admin"], program=wrse, year=2023, fileobj=io.BytesIO(good)
    )
    assert again["added"] == 0
    bad = b"NIK,NAMA,TAHUN\n6472015203850003,Ina,2023\n,Kosong,2023\n6.4E+15,X,dua\n"
    with pytest.raises(ValidationError) as exc:
        recipients_import(actor=users["admin"], program=wrse, year=2023, fileobj=io.BytesIO(bad))
    assert len(exc.value.messages) == 2
    assert PastRecipient.objects.count() == 2


def test_programme_pages(client, users):
    client.force_login(users["admin"])
    response = client.post(
        "/program/baru/",
        {
            "code": "UEP",
            "name": "Usaha Ekonomi Produktif",
            "unit": "person",
            "value_per_unit": "5000000",
            "in_kind": "on",
            "active": "on",
        },
    )
    assert response.status_code == 302
    response = client.post("/program/UEP/tahun/", {"year": "2025"})
    assert response.status_code == 302 and response["Location"] == "/program/UEP/2025/"
    page = client.get("/program/UEP/2025/").content.decode()
    assert "criteria-form" in page
    response = client.post(
        "/program/UEP/2025/",
        {
            "value_per_unit": "5000000",
            "sex": "",
            "age_min": "18",
            "age_max": "59",
            "age_reference_month": "1",
            "age_reference_day": "1",
            "max_decile": "4",
            "excluded_occupations": "PNS\nTNI\nPOLRI",
            "excluded_programs": "KUBE, WRSE",
        },
    )
    assert response.status_code == 302
    py = ProgramYear.objects.get(program__code="UEP", year=2025)
    assert py.excluded_occupations == ["PNS", "TNI", "POLRI"]
    assert py.excluded_programs == ["KUBE", "WRSE"]
    upload = SimpleUploadedFile("l.csv", b"NIK,NAMA\n6472015203850001,Siti\n")
    client.post("/program/UEP/penerima-lalu/", {"year": "2024", "file": upload})
    assert PastRecipient.objects.filter(program__code="UEP", year=2024).count() == 1
    client.force_login(users["op_smd"])
    assert client.get("/program/UEP/2025/").status_code == 200  # readable by regions
    assert client.post("/program/UEP/2025/", {"max_decile": "9"}).status_code == 403


def test_year_pages_show_the_settings_of_their_unit(client, users):
    client.force_login(users["admin"])
    program_year_for(actor=users["admin"], program="LKS", year=2025)
    program_year_for(actor=users["admin"], program="PPKS", year=2025)
    lks = client.get("/program/LKS/2025/").content.decode()
    assert 'name="accreditation_required"' in lks and 'name="validity_c"' in lks
    assert 'name="age_min"' not in lks and 'name="categories"' not in lks
    ppks = client.get("/program/PPKS/2025/").content.decode()
    assert ppks.count('name="categories"') == 26 and 'name="validity_a"' not in ppks
    response = client.post(
        "/program/LKS/2025/",
        {
            "value_per_unit": "0",
            "accreditation_required": "on",
            "validity_a": "5",
            "validity_b": "4",
            "validity_c": "2",
        },
    )
    assert response.status_code == 302
    py = ProgramYear.objects.get(program__code="LKS", year=2025)
    assert py.accreditation_validity == {"A": 5, "B": 4, "C": 2} and py.accreditation_required
    response = client.post(
        "/program/PPKS/2025/",
        {
            "value_per_unit": "0",
            "age_reference_month": "1",
            "age_reference_day": "1",
            "max_decile": "4",
            "categories": ["LUT", "PD"],
        },
    )
    assert response.status_code == 302
    assert ProgramYear.objects.get(program__code="PPKS", year=2025).categories == ["LUT", "PD"]
    # The category pages: everyone reads, the province admin edits (audited).
    assert "Lanjut Usia Terlantar" in client.get("/program/kategori-ppks/").content.decode()
    response = client.post(
        "/program/kategori-ppks/LUT/",
        {"name": "Lanjut Usia Terlantar", "age_min": "65", "active": "on"},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="category.update").exists()
    client.force_login(users["op_smd"])
    assert client.get("/program/kategori-ppks/").status_code == 200
    assert client.post("/program/kategori-ppks/LUT/", {"age_min": "1"}).status_code == 403
