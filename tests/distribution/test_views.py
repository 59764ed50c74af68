"""The pages and the offline sync endpoint: JSON answers for the queue, a record sent twice
stored once, the BAST PDFs (per handover, per batch) and the attendance sheet read back, and
progress per region with its deadline warning."""

from __future__ import annotations

import datetime as dt
import io
import uuid

from django.utils import timezone
from pypdf import PdfReader

from berdaya.distribution.models import Handover, Participant
from berdaya.programs.models import ProgramTarget
from tests.distribution.conftest import SMD, held_session, photo, record


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def post_handover(client, unit, key, **over):
    data = {
        "client_key": str(key),
        "handed_on": timezone.localdate().isoformat(),
        "place": "Balai Kelurahan",
        "captured_at": (timezone.now() - dt.timedelta(hours=3)).isoformat(),
        "photo": photo(),
    }
    for line in unit.package.lines.all():
        data[f"qty_{line.item_id}"] = str(line.remaining)
    data.update(over)
    return client.post(
        f"/penyaluran/penerima/{unit.pk}/serah-terima/", data, HTTP_ACCEPT="application/json"
    )


def test_the_offline_queue_sending_twice_creates_nothing_twice(client, users, trained):
    client.force_login(users["facilitator"])
    unit, key = trained[0], uuid.uuid4()
    first = post_handover(client, unit, key)
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["status"] == "created" and body["number"] == "BAST/WRSE/2025/64.72/0001"
    again = post_handover(client, unit, key)
    assert again.status_code == 200 and again.json()["status"] == "exists"
    assert again.json()["url"] == body["url"]
    assert Handover.objects.count() == 1
    h = Handover.objects.get()
    assert h.captured_at is not None and h.captured_at < h.created_at
    unit.refresh_from_db()
    assert unit.realised_value == h.value
    # Refused records answer 422 with the reasons, and nothing is stored.
    refused = post_handover(client, trained[1], uuid.uuid4(), photo="")
    assert refused.status_code == 422
    assert "Foto" in " ".join(refused.json()["errors"])  # the user's language
    assert Handover.objects.count() == 1


def test_the_handover_form_without_javascript(client, users, trained):
    client.force_login(users["facilitator"])
    unit = trained[0]
    page = client.get(f"/penyaluran/penerima/{unit.pk}/serah-terima/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-offline="handover"' in html and 'name="client_key"' in html
    assert "Etalase kaca" in html
    key = uuid.uuid4()
    data = {
        "client_key": str(key),
        "handed_on": timezone.localdate().isoformat(),
        "place": "Aula",
        "photo": photo(),
    }
    data.update({f"qty_{x.item_id}": "1" for x in unit.package.lines.all()})
    response = client.post(f"/penyaluran/penerima/{unit.pk}/serah-terima/", data)
    h = Handover.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{h.pk}/")
    assert h.partial  # one sack of rice of ten
    detail = client.get(response["Location"]).content.decode()
    assert h.number in detail and "bast-partial" in detail


def test_bast_pdf_per_beneficiary_and_per_batch(client, users, wrse, trained):
    h1, _ = record(users, trained[0], witness_name="Lurah Sungai Pinang Dalam")
    h2, _ = record(
        users, trained[1], quantities={trained[1].package.lines.order_by("pk").first().item_id: 1}
    )
    client.force_login(users["facilitator"])
    response = client.get(f"/penyaluran/serah-terima/{h1.pk}/bast.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response.streaming_content))
    for expected in (
        h1.number,
        "SITI AMINAH",
        h1.receiver_nik[:4] + "********",
        "Etalase kaca",
        "Lemari pendingin",
        "Beras 5 kg",
        "4.750.000",
        "1.500.000",
        "Lurah Sungai Pinang Dalam",
        users["facilitator"].display_name,
        "400.9/1/SK-WRSE/2025",
        h1.content_hash[:16].upper(),
    ):
        assert expected in text, expected
    assert h1.receiver_nik not in text  # printed masked
    batch = client.get(
        f"/penyaluran/WRSE/2025/{SMD}/bast.pdf", {"date": timezone.localdate().isoformat()}
    )
    assert batch.status_code == 200
    text = pdf_text(b"".join(batch.streaming_content))
    for expected in (h1.number, h2.number, "SITI AMINAH", "NURHAYATI", "6.250.000"):
        assert expected in text, expected
    # Another region's batch, and another region's BAST: not there.
    assert client.get("/penyaluran/WRSE/2025/64.71/bast.pdf").status_code == 404
    from berdaya.core.models import AuditEvent

    assert (
        AuditEvent.objects.filter(action="export", object_type="distribution.handover").count() == 1
    )


def test_attendance_page_sheet_pdf_and_json_marks(client, users, wrse, packaged):
    session = held_session(users, wrse)
    client.force_login(users["facilitator"])
    page = client.get(f"/penyaluran/bimtek/{session.pk}/").content.decode()
    assert 'data-offline="attendance"' in page and "SITI AMINAH" in page
    marks = {f"p_{p.pk}": "attended" for p in session.participants.all()}
    response = client.post(
        f"/penyaluran/bimtek/{session.pk}/hadir/", marks, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200 and response.json()["changed"] == 3
    again = client.post(
        f"/penyaluran/bimtek/{session.pk}/hadir/", marks, HTTP_ACCEPT="application/json"
    )
    assert again.json()["changed"] == 0
    assert Participant.objects.filter(status="attended").count() == 3
    pdf = client.get(f"/penyaluran/bimtek/{session.pk}/daftar-hadir.pdf")
    text = pdf_text(b"".join(pdf.streaming_content))
    for expected in (
        "SITI AMINAH",
        "NURHAYATI",
        "RAHMAWATI",
        "Aula Dinsos Kota Samarinda",
        "Dra. Hj. Rahmi",
    ):
        assert expected in text, expected
    # The signed sheet goes to private storage with the session.
    response = client.post(
        f"/penyaluran/bimtek/{session.pk}/lembar/",
        {"file": photo("daftar-hadir.jpg", (1200, 1600))},
    )
    session.refresh_from_db()
    assert response.status_code == 302 and session.sheet.content_type == "image/jpeg"
    assert session.sheet.region_code == SMD


def test_progress_per_region_with_deadline_warning(client, users, wrse, trained):
    record(users, trained[0])
    record(
        users, trained[1], quantities={trained[1].package.lines.order_by("pk").first().item_id: 1}
    )
    ProgramTarget.objects.filter(program_year=wrse).update(
        deadline=timezone.localdate() + dt.timedelta(days=10)
    )
    client.force_login(users["admin"])
    page = client.get("/penyaluran/", {"py": wrse.pk})
    rows = {r.region.code: r for r in page.context["rows"]}
    smd = rows[SMD]
    assert (smd.units, smd.trained, smd.partial, smd.complete) == (3, 3, 1, 1)
    assert smd.warning == "soon" and smd.realised_value == 4_750_000 + 1_500_000
    assert rows["64.71"].units == 2 and rows["64.71"].trained == 0
    ProgramTarget.objects.filter(program_year=wrse).update(
        deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    page = client.get("/penyaluran/", {"py": wrse.pk})
    assert {r.region.code: r.warning for r in page.context["rows"]}[SMD] == "overdue"
    assert "table-danger" in page.content.decode()
    # A facilitator sees only their region.
    client.force_login(users["facilitator"])
    page = client.get("/penyaluran/", {"py": wrse.pk})
    assert [r.region.code for r in page.context["rows"]] == [SMD]
    units = client.get(f"/penyaluran/WRSE/2025/{SMD}/").content.decode()
    assert "SITI AMINAH" in units and "data-offline-url" in units


def test_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert "/static/berdaya/offline.js" in body and "__VERSION__" not in body
    assert "cdn" not in body.lower()


def test_catalogue_pages(client, users, wrse, catalogue, warung):
    client.force_login(users["facilitator"])
    assert "Etalase kaca" in client.get("/program/katalog/").content.decode()
    page = client.get("/program/katalog/paket/").content.decode()
    assert "Paket warung sembako" in page and "250.000" in page  # left of Rp5,000,000
    assert client.post("/program/katalog/barang/baru/", {}).status_code == 403
    client.force_login(users["admin"])
    response = client.post(
        "/program/katalog/barang/baru/",
        {
            "code": "MJT-01",
            "name": "Mesin jahit portable",
            "unit": "unit",
            "unit_price": "1750000",
            "active": "on",
        },
    )
    assert response.status_code == 302
    response = client.post(
        "/program/katalog/paket/baru/",
        {
            "program_year": wrse.pk,
            "name": "Terlalu banyak",
            "active": "on",
            f"qty_{catalogue['kulkas'].pk}": "3",
        },
    )
    assert response.status_code == 200
    assert "melebihi nilai per satuan" in response.content.decode()
