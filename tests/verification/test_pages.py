"""The proposal pages: review beside the register, comments, documents, the operator's news."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from berdaya.core.audit import audit_record
from berdaya.core.models import AuditEvent
from berdaya.intake.models import ProposalComment
from berdaya.programs.services import program_year_for
from berdaya.registry.models import RegisterImport
from berdaya.verification.services import verify
from tests.verification.test_verify import PEOPLE, load_register, propose


def setup(users, tmp_path):
    load_register(users, tmp_path, PEOPLE)
    py, _ = program_year_for(actor=users["admin"], program="WRSE", year=2025)
    return py, propose(users, py, PEOPLE[4])


def test_review_page_shows_register_beside_proposal_with_masked_nik(client, users, tmp_path):
    py, p = setup(users, tmp_path)
    verify(actor=users["verifier"], program_year=py)
    client.force_login(users["head"])
    page = client.get(f"/usulan/{p.uid}/").content.decode()
    assert "DESIL_ABOVE_LIMIT" in page and "comparison" in page
    assert p.nik not in page and p.masked_nik in page
    assert "override-form" not in page  # the head of office reads, never sets verdicts
    assert not AuditEvent.objects.filter(action="proposal.view_full").exists()
    client.force_login(users["verifier"])
    page = client.get(f"/usulan/{p.uid}/").content.decode()
    assert "override-form" in page and p.nik in page
    # Opening a full record is logged.
    event = AuditEvent.objects.get(action="proposal.view_full")
    assert event.actor == users["verifier"] and event.object_id == str(p.pk)


def test_comment_thread_and_documents(client, users, tmp_path):
    py, p = setup(users, tmp_path)
    client.force_login(users["verifier"])
    client.post(f"/usulan/{p.uid}/komentar/", {"text": "Mohon lampirkan KK terbaru."})
    client.force_login(users["op_smd"])
    client.post(f"/usulan/{p.uid}/komentar/", {"text": "Sudah kami lampirkan."})
    client.post(
        f"/usulan/{p.uid}/dokumen/",
        {"kind": "kk", "file": SimpleUploadedFile("kk.pdf", b"%PDF-1.4 kartu keluarga")},
    )
    page = client.get(f"/usulan/{p.uid}/").content.decode()
    assert "Mohon lampirkan" in page and "Sudah kami lampirkan" in page and "kk.pdf" in page
    assert ProposalComment.objects.count() == 2
    client.force_login(users["op_bpn"])
    assert client.get(f"/usulan/{p.uid}/").status_code == 404
    assert client.post(f"/usulan/{p.uid}/komentar/", {"text": "x"}).status_code == 404


def test_operator_sees_what_changed_since_the_last_sign_in(client, users, tmp_path):
    py, p = setup(users, tmp_path)
    # An earlier sign-in, then verification and a comment from the province.
    audit_record(actor=users["op_smd"], action="login", obj=users["op_smd"])
    verify(actor=users["verifier"], program_year=py)
    ProposalComment.objects.create(proposal=p, author=users["verifier"], text="Cek desil")
    client.post("/masuk/", {"username": "op.smd", "password": "uji-Berdaya-2025!"})
    page = client.get("/").content.decode()
    assert "changes-card" in page
    assert "1 usulan telah diverifikasi" in page and "Cek desil" in page


# Transactional: the import reports progress on its own connection, outside the request's
# transaction, as it does in production.
@pytest.mark.django_db(transaction=True)
def test_register_page_loads_an_extract_in_the_background(client, users, tmp_path):
    client.force_login(users["admin"])
    data = (
        "ID,NIK,NAMA,TGL_LAHIR,JENIS_KELAMIN,KODE_WILAYAH\n"
        f"R1,{PEOPLE[0]['NIK']},SITI,1985-03-12,P,64.72.01.1001\n"
        "R2,6472015203850009,ANI,31-02-1990,P,64.72.01.1001\n"
    )
    response = client.post("/dtks/muat/", {"file": SimpleUploadedFile("dtks.csv", data.encode())})
    assert response.status_code == 302
    run = RegisterImport.objects.get()
    assert run.status == "done" and run.inserted == 1 and run.rows_refused == 1
    page = client.get(response["Location"]).content.decode()
    assert "import-counts" in page
    report = client.get(f"/dtks/muat/{run.pk}/ditolak/")
    assert "TGL_LAHIR" in report.content.decode("utf-8-sig")
    client.force_login(users["verifier"])
    assert client.get("/dtks/muat/").status_code == 403


def test_verify_button_runs_in_the_background(client, users, tmp_path):
    py, p = setup(users, tmp_path)
    client.force_login(users["verifier"])
    response = client.post("/usulan/verifikasi/", {"py": py.pk})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "run-counts" in page
    export = client.get(f"/usulan/?py={py.pk}&format=xlsx")
    import openpyxl

    ws = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert ws["H2"].value == "ineligible" and ws["I2"].value == "DESIL_ABOVE_LIMIT"


def test_register_search_is_scoped_and_masked(client, users, tmp_path):
    load_register(users, tmp_path, PEOPLE)
    client.force_login(users["op_smd"])
    page = client.get("/dtks/?q=masitah").content.decode()
    assert "MASITAH" not in page  # she lives in Balikpapan
    page = client.get("/dtks/?q=siti aminah").content.decode()
    assert "SITI AMINAH" in page and PEOPLE[0]["NIK"] not in page
    page = client.get(f"/dtks/?q={PEOPLE[0]['NIK'][:8]}").content.decode()
    assert "SITI AMINAH" in page
    client.force_login(users["verifier"])
    assert "MASITAH" in client.get("/dtks/?q=masitah").content.decode()
    client.force_login(users["head"])
    assert client.get("/dtks/?q=siti").status_code == 403


def test_person_page_lists_the_persons_proposals(client, users, tmp_path, person_factory):
    py, p = setup(users, tmp_path)
    person = person_factory(nik=p.nik, name="Jubaidah")
    client.force_login(users["op_smd"])
    page = client.get(f"/orang/{person.pk}/").content.decode()
    assert "person-proposals" in page and str(p.uid) in page
