"""A person's request to see their data: every record held, within the staff member's region."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from berdaya.core.models import AuditEvent
from berdaya.intake.services import proposal_comment, proposal_create
from berdaya.programs.models import PastRecipient
from berdaya.programs.services import program_year_for
from tests.conftest import SAMARINDA_VILLAGE


def test_the_report_gathers_every_record_and_is_logged(client, users, person_factory):
    siti = person_factory(village=SAMARINDA_VILLAGE, name="Siti Rahmah")
    py, _n = program_year_for(actor=users["admin"], program="WRSE", year=2025)
    p = proposal_create(
        actor=users["op_smd"],
        program_year=py,
        region="64.72",
        nik=siti.nik,
        name=siti.name,
        birth_date=siti.birth_date,
        sex="P",
        village_code=SAMARINDA_VILLAGE,
        relation="KEPALA KELUARGA",
    )
    proposal_comment(actor=users["verifier"], proposal=p, text='=HYPERLINK("x") periksa KK')
    PastRecipient.objects.create(
        program=py.program, year=2023, nik=siti.nik, name=siti.name, village_code=SAMARINDA_VILLAGE
    )
    client.force_login(users["op_smd"])
    form = {
        "nik": siti.nik,
        "requester": "Siti Rahmah",
        "reference": "PPID-2025-017",
        "identity_checked": "on",
    }
    page = client.post("/data-pribadi/", form).content.decode()
    assert 'id="report"' in page and "Siti Rahmah" in page
    response = client.post("/data-pribadi/", {**form, "download": "1"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheets = {ws.title: [[c.value for c in r] for r in ws.iter_rows()] for ws in book}
    by_header = {tuple(rows[0][:4]): rows for rows in sheets.values()}
    people = by_header[("NIK", "NO_KK", "NAMA", "TEMPAT_LAHIR")]
    assert people[1][0] == siti.nik and people[1][2] == "Siti Rahmah"
    assert by_header[("PROGRAM", "TAHUN", "KATEGORI", "NAMA")][1][:2] == ["WRSE", 2023]
    assert by_header[("PROGRAM", "WILAYAH_PENGUSUL", "ID", "NAMA")][1][1] == "64.72"
    comments = by_header[("PROGRAM", "WAKTU", "PENULIS", "KOMENTAR")]
    assert comments[1][3].startswith("'=")  # a formula is neutralised
    event = AuditEvent.objects.filter(action="personal_data.report").first()
    assert event.after["reference"] == "PPID-2025-017"
    assert siti.nik not in str(event.object_repr)  # masked in the trail


def test_another_region_sees_nothing_and_readers_cannot_ask(client, users, person_factory):
    siti = person_factory(village=SAMARINDA_VILLAGE, name="Siti Rahmah")
    client.force_login(users["op_bpn"])
    page = client.post(
        "/data-pribadi/",
        {"nik": siti.nik, "requester": "X", "reference": "1", "identity_checked": "on"},
    ).content.decode()
    assert "Siti Rahmah" not in page
    client.force_login(users["viewer"])
    assert client.get("/data-pribadi/").status_code == 403
    client.force_login(users["op_smd"])
    page = client.post("/data-pribadi/", {"nik": "123", "requester": "X", "reference": "1"})
    assert page.status_code == 200 and 'id="report"' not in page.content.decode()
