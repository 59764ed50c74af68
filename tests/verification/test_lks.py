"""LKS institutions: the register of institutions, proposals by file and form, their rules."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from berdaya.core.models import AuditChange, AuditEvent
from berdaya.intake.models import Proposal
from berdaya.intake.services import proposal_create, proposals_upload
from berdaya.programs.models import PastRecipient
from berdaya.programs.services import program_year_for, program_year_update
from berdaya.registry.institutions import (
    institution_create,
    institution_set_status,
    institution_update,
    institutions_import,
)
from berdaya.registry.models import Institution
from berdaya.verification.models import Verification
from berdaya.verification.rules import InstitutionFacts, accreditation_valid, add_years
from berdaya.verification.services import accreditation_check_date, verify
from tests.conftest import BALIKPAPAN_VILLAGE, SAMARINDA_VILLAGE

VALIDITY = {"A": 5, "B": 3, "C": 2}
HEADER = (
    "ID,NAMA_LEMBAGA,NO_REGISTRASI,JENIS_LEMBAGA,AKREDITASI,TGL_AKREDITASI,ALAMAT,"
    "KODE_WILAYAH,KEBUTUHAN,NILAI\n"
)


def test_accreditation_is_valid_for_its_grade_years_from_its_date():
    on = dt.date(2025, 12, 31)
    a = InstitutionFacts("A", dt.date(2021, 1, 1), "")
    assert accreditation_valid(a, VALIDITY, on)  # until 2026-01-01
    assert not accreditation_valid(InstitutionFacts("A", dt.date(2020, 12, 31), ""), VALIDITY, on)
    assert accreditation_valid(InstitutionFacts("B", dt.date(2023, 1, 1), ""), VALIDITY, on)
    assert not accreditation_valid(InstitutionFacts("B", dt.date(2022, 12, 31), ""), VALIDITY, on)
    assert accreditation_valid(InstitutionFacts("C", dt.date(2024, 1, 1), ""), VALIDITY, on)
    assert not accreditation_valid(InstitutionFacts("C", dt.date(2023, 12, 31), ""), VALIDITY, on)
    # No grade, no date, or a date after the day: not valid.
    assert not accreditation_valid(InstitutionFacts("", None, ""), VALIDITY, on)
    assert not accreditation_valid(InstitutionFacts("A", None, ""), VALIDITY, on)
    assert not accreditation_valid(InstitutionFacts("A", dt.date(2026, 1, 5), ""), VALIDITY, on)
    # A grade the programme year does not list is not valid either.
    assert not accreditation_valid(a, {"B": 3}, on)
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)


def test_check_date_is_today_within_the_programme_year(users):
    past, _n = program_year_for(actor=users["admin"], program="LKS", year=2020)
    assert accreditation_check_date(past) == dt.date(2020, 12, 31)
    future, _n = program_year_for(actor=users["admin"], program="LKS", year=2099)
    assert accreditation_check_date(future) == dt.date(2099, 1, 1)


@pytest.fixture
def lks(users):
    """Three institutions in Samarinda and one in Balikpapan, and LKS 2025."""
    made = {
        "asuhan": institution_create(
            actor=users["op_smd"],
            name="Panti Asuhan Al-Ikhlas",
            kind="ANAK",
            registration_number="463/112/DINSOS/2021",
            accreditation="B",
            accreditation_date=dt.date(2024, 3, 1),
            village=SAMARINDA_VILLAGE,
            capacity=40,
            residents=35,
            head_name="Hj. Maryam",
        ),
        "wreda": institution_create(
            actor=users["op_smd"],
            name="Panti Wreda Kasih",
            kind="LANSIA",
            registration_number="463/200/DINSOS/2019",
            accreditation="C",
            accreditation_date=dt.date(2020, 6, 1),
            village=SAMARINDA_VILLAGE,
        ),
        "cabut": institution_create(
            actor=users["op_smd"],
            name="LKS Harapan",
            kind="DISABILITAS",
            registration_number="463/300/DINSOS/2018",
            accreditation="A",
            accreditation_date=dt.date(2023, 1, 10),
            village=SAMARINDA_VILLAGE,
        ),
        "bpn": institution_create(
            actor=users["op_bpn"],
            name="Panti Asuhan Bunda",
            kind="ANAK",
            registration_number="463/77/DINSOS-BPN/2022",
            accreditation="A",
            accreditation_date=dt.date(2022, 8, 1),
            village=BALIKPAPAN_VILLAGE,
        ),
    }
    institution_set_status(
        actor=users["op_smd"],
        institution=made["cabut"],
        status="revoked",
        reason="Izin operasional dicabut 2024",
    )
    py, _n = program_year_for(actor=users["admin"], program="LKS", year=2025)
    return made, py


def _upload(users, py, rows: list[str], region="64.72"):
    actor = users["op_smd"] if region == "64.72" else users["op_bpn"]
    data = (HEADER + "".join(r + "\n" for r in rows)).encode()
    return proposals_upload(
        actor=actor, program_year=py, region=region, upload=SimpleUploadedFile("lks.csv", data)
    )


def _verdicts(py):
    return {
        v.proposal.row_id: (v.verdict, v.reasons, v.institution_id)
        for v in Verification.objects.filter(proposal__program_year=py).select_related("proposal")
    }


def test_lks_proposals_get_each_code(users, lks):
    made, py = lks
    PastRecipient.objects.create(
        program=py.program,
        year=2025,
        nik="463/200/DINSOS/2019".replace(" ", "").upper(),
        name="Panti Wreda Kasih",
    )
    result = _upload(
        users,
        py,
        [
            "1,Panti Asuhan Al-Ikhlas,463/112/DINSOS/2021,ANAK,B,2024-03-01,Jl. A,64.72.01.1001,"
            "Peralatan dapur,25000000",
            "2,Panti Wreda Kasih,463/200/dinsos/2019,LANSIA,C,2020-06-01,Jl. B,64.72.01.1001,"
            "Kasur,Rp10.000.000",
            "3,LKS Harapan,463/300/DINSOS/2018,DISABILITAS,A,2023-01-10,Jl. C,64.72.01.1001,"
            "Kursi roda,15.000.000",
            "4,Panti Tanpa Daftar,999/1/X/2024,ANAK,A,2024-01-01,Jl. D,64.72.01.1001,Buku,5000000",
            "5,Panti Asuhan Bunda,463/77/DINSOS-BPN/2022,ANAK,A,2022-08-01,Jl. E,64.72.01.1001,"
            "Lemari,8000000",
            "6,Panti Asuhan Al-Ikhlas,463 / 112 / DINSOS / 2021,ANAK,B,2024-03-01,Jl. A,"
            "64.72.01.1001,Tempat tidur,12000000",
        ],
    )
    assert result.saved and result.batch.rows_new == 6
    p1 = Proposal.objects.get(program_year=py, row_id="1")
    assert (p1.nik, p1.birth_date, p1.need_value, p1.institution_kind) == (
        "",
        None,
        25_000_000,
        "ANAK",
    )
    verify(actor=users["verifier"], program_year=py)
    got = _verdicts(py)
    assert got["1"] == ("eligible", [], made["asuhan"].pk)
    # Accreditation C of June 2020 ran out in June 2022; received LKS in 2025 already.
    assert got["2"][:2] == ("ineligible", ["ACCREDITATION_EXPIRED", "ALREADY_RECEIVED"])
    assert got["3"][:2] == ("ineligible", ["LKS_NOT_REGISTERED"])  # revoked
    assert got["3"][2] is None
    # Not registered: the row's own accreditation (A of 2024) is read, and is valid.
    assert got["4"][:2] == ("ineligible", ["LKS_NOT_REGISTERED"])
    assert got["5"][:2] == ("ineligible", ["OUTSIDE_REGION"])
    # The same registration number written with spaces is the same institution, later.
    assert got["6"][:2] == ("ineligible", ["DUPLICATE_IN_BATCH"])


def test_accreditation_can_be_left_out_per_programme_year(users, lks):
    made, py = lks
    _upload(
        users,
        py,
        [
            "2,Panti Wreda Kasih,463/200/DINSOS/2019,LANSIA,C,2020-06-01,Jl. B,"
            "64.72.01.1001,Kasur,10000000"
        ],
    )
    verify(actor=users["verifier"], program_year=py)
    assert _verdicts(py)["2"][1] == ["ACCREDITATION_EXPIRED"]
    py = program_year_update(actor=users["admin"], program_year=py, accreditation_required=False)
    verify(actor=users["verifier"], program_year=py)
    assert _verdicts(py)["2"][:2] == ("eligible", [])
    # And with C valid for 6 years instead of 2, it is valid again when required.
    py = program_year_update(
        actor=users["admin"],
        program_year=py,
        accreditation_required=True,
        accreditation_validity={"A": 5, "B": 3, "C": 6},
    )
    verify(actor=users["verifier"], program_year=py)
    assert _verdicts(py)["2"][:2] == ("eligible", [])


def test_registering_or_revoking_an_institution_verifies_its_proposals_again(users, lks):
    made, py = lks
    _upload(
        users,
        py,
        ["4,Panti Baru,463/999/DINSOS/2025,ANAK,A,2025-01-02,Jl. D,64.72.01.1001,Buku,5000000"],
    )
    verify(actor=users["verifier"], program_year=py)
    assert _verdicts(py)["4"][1] == ["LKS_NOT_REGISTERED"]
    inst = institution_create(
        actor=users["op_smd"],
        name="Panti Baru",
        kind="ANAK",
        registration_number="463/999/DINSOS/2025",
        accreditation="A",
        accreditation_date=dt.date(2025, 1, 2),
        village=SAMARINDA_VILLAGE,
    )
    assert Verification.objects.get(proposal__row_id="4").stale
    verify(actor=users["verifier"], program_year=py)
    assert _verdicts(py)["4"] == ("eligible", [], inst.pk)
    institution_update(actor=users["op_smd"], institution=inst, accreditation="")
    verify(actor=users["verifier"], program_year=py)
    assert _verdicts(py)["4"][1] == ["ACCREDITATION_EXPIRED"]


def test_unreadable_lks_rows_are_refused_with_row_and_column(users, lks):
    _made, py = lks
    result = _upload(
        users,
        py,
        [
            "1,,463/1/X/2021,ANAK,B,2024-03-01,Jl. A,64.72.01.1001,Kasur,1000000",
            "2,Panti Dua,463/2/X/2021,PANTI,B,2024-03-01,Jl. A,64.72.01.1001,Kasur,1000000",
            "3,Panti Tiga,463/3/X/2021,ANAK,D,2024-03-01,Jl. A,64.72.01.1001,Kasur,1000000",
            "4,Panti Empat,463/4/X/2021,ANAK,B,,Jl. A,64.72.01.1001,Kasur,1000000",
            "5,Panti Lima,463/5/X/2021,ANAK,B,2024-03-01,Jl. A,64.72.01.1001,,satu juta",
            "6,Panti Enam,463/6/X/2021,ANAK,B,2024-03-01,Jl. A,64.72.01.1001,Kasur,0",
            "7,Panti Tujuh,,ANAK,,,Jl. A,64.72.01.1001,Kasur,1000000",
        ],
    )
    assert not result.saved
    assert Proposal.objects.filter(program_year=py).count() == 0
    errors = {(e["row"], e["field"]) for e in result.batch.errors}
    assert errors == {
        (2, "NAMA_LEMBAGA"),
        (3, "JENIS_LEMBAGA"),
        (4, "AKREDITASI"),
        (5, "TGL_AKREDITASI"),
        (6, "KEBUTUHAN"),
        (6, "NILAI"),
        (7, "NILAI"),
    }
    # Row 8 (no registration number) is readable: verification will say LKS_NOT_REGISTERED.
    assert result.batch.rows_refused == 6


def test_a_file_without_institution_columns_is_refused(users, lks):
    _made, py = lks
    data = b"NIK,NAMA,TGL_LAHIR,JENIS_KELAMIN,KODE_WILAYAH\n6472015708880003,X,1988-08-17,P,64.72\n"
    result = proposals_upload(
        actor=users["op_smd"],
        program_year=py,
        region="64.72",
        upload=SimpleUploadedFile("wrong.csv", data),
    )
    assert "NAMA_LEMBAGA" in result.batch.file_error and "NILAI" in result.batch.file_error


def test_lks_proposal_by_form(users, lks):
    made, py = lks
    p = proposal_create(
        actor=users["op_smd"],
        program_year=py,
        region="64.72",
        name="Panti Asuhan Al-Ikhlas",
        registration_number="463/112/DINSOS/2021",
        institution_kind="ANAK",
        accreditation="B",
        accreditation_date=dt.date(2024, 3, 1),
        village_code=SAMARINDA_VILLAGE,
        need="Mesin cuci",
        need_value=7_500_000,
    )
    assert p.row_id == "form" and p.need_value == 7_500_000
    with pytest.raises(ValidationError) as exc:
        proposal_create(
            actor=users["op_smd"],
            program_year=py,
            region="64.72",
            name="Panti X",
            institution_kind="ANAK",
            village_code=SAMARINDA_VILLAGE,
            need="",
            need_value=None,
        )
    assert set(exc.value.message_dict) == {"need", "need_value"}
    verify(actor=users["verifier"], program_year=py)
    assert Verification.objects.get(proposal=p).institution_id == made["asuhan"].pk


def test_institution_register_by_file_is_all_or_nothing_and_idempotent(users, regions):
    good = (
        "NAMA_LEMBAGA,NO_REGISTRASI,JENIS_LEMBAGA,AKREDITASI,TGL_AKREDITASI,KODE_WILAYAH,"
        "KAPASITAS,PENGHUNI,PIMPINAN\n"
        "Panti Satu,463/1/DINSOS/2020,PANTI ASUHAN,A,2022-01-01,64.72.01.1001,30,25,Ibu A\n"
        "Panti Dua,463/2/DINSOS/2020,LANSIA,,,64.72.01.1001,,,\n"
    )
    bad = good + "Panti Tiga,463/3/DINSOS/2020,SEKOLAH,Z,2022-01-01,64.71.01.1001,x,,\n"
    with pytest.raises(ValidationError) as exc:
        institutions_import(
            actor=users["op_smd"], fileobj=io.BytesIO(bad.encode()), file_name="lks.csv"
        )
    text = " ".join(exc.value.messages)
    assert "row 4" in text or "baris 4" in text
    assert Institution.objects.count() == 0
    counts = institutions_import(
        actor=users["op_smd"], fileobj=io.BytesIO(good.encode()), file_name="lks.csv"
    )
    assert counts == {"new": 2, "corrected": 0, "same": 0}
    again = institutions_import(
        actor=users["op_smd"], fileobj=io.BytesIO(good.encode()), file_name="lks.csv"
    )
    assert again == {"new": 0, "corrected": 0, "same": 2}
    one = Institution.objects.get(registration_key="463/1/DINSOS/2020")
    assert (one.kind, one.capacity, one.residents, one.regency_id) == ("ANAK", 30, 25, "64.72")
    event = AuditEvent.objects.filter(action="institutions.import").order_by("id").first()
    assert AuditChange.objects.filter(event=event).count() == 2
    # Balikpapan's operator may not load institutions into Samarinda's villages.
    with pytest.raises(ValidationError):
        institutions_import(
            actor=users["op_bpn"], fileobj=io.BytesIO(good.encode()), file_name="lks.csv"
        )


def test_import_institutions_command(users, tmp_path, regions):
    path = tmp_path / "lks.csv"
    path.write_text(
        "NAMA_LEMBAGA,NO_REGISTRASI,JENIS_LEMBAGA,KODE_WILAYAH\n"
        "Panti Satu,463/1/DINSOS/2020,ANAK,64.72.01.1001\n",
        "utf-8",
    )
    out = io.StringIO()
    call_command("import-institutions", str(path), stdout=out)
    assert "1 new" in out.getvalue()
    path.write_text(
        "NAMA_LEMBAGA,NO_REGISTRASI,JENIS_LEMBAGA,KODE_WILAYAH\n"
        "Panti Satu,463/1/DINSOS/2020,ANAK,99.99.99.9999\n",
        "utf-8",
    )
    with pytest.raises(SystemExit) as exc:
        call_command("import-institutions", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert exc.value.code == 1


def test_operator_registers_only_in_own_region(users, regions):
    with pytest.raises(ValidationError) as exc:
        institution_create(
            actor=users["op_smd"],
            name="Panti X",
            kind="ANAK",
            registration_number="1/2/3",
            village=BALIKPAPAN_VILLAGE,
        )
    assert "village" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        institution_create(
            actor=users["verifier"],
            name="Panti X",
            kind="ANAK",
            registration_number="1/2/3",
            village=SAMARINDA_VILLAGE,
        )


def test_institution_pages(client, users, lks):
    made, _py = lks
    client.force_login(users["op_smd"])
    page = client.get("/lks/").content.decode()
    assert "Panti Asuhan Al-Ikhlas" in page and "Panti Asuhan Bunda" not in page
    assert client.get(f"/lks/{made['bpn'].uid}/").status_code == 404
    response = client.post(
        "/lks/baru/",
        {
            "name": "Panti Sosial Bina Netra",
            "kind": "DISABILITAS",
            "registration_number": "463/500/DINSOS/2024",
            "village": SAMARINDA_VILLAGE,
            "accreditation": "B",
            "accreditation_date": "2024-02-02",
        },
    )
    inst = Institution.objects.get(registration_key="463/500/DINSOS/2024")
    assert response.status_code == 302 and response["Location"] == f"/lks/{inst.uid}/"
    # A bad field comes back on the form, in Indonesian, and saves nothing.
    response = client.post(
        "/lks/baru/", {"name": "X", "kind": "ANAK", "registration_number": "", "village": "64.72"}
    )
    assert response.status_code == 200
    assert Institution.objects.count() == 5
    response = client.post(
        f"/lks/{inst.uid}/status/", {"status": "revoked", "reason": "Tidak aktif sejak 2024"}
    )
    inst.refresh_from_db()
    assert inst.status == "revoked"
    detail = client.get(f"/lks/{inst.uid}/").content.decode()
    assert "institution.status" in detail
