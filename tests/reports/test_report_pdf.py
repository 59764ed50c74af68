"""The head of office's PDF: read back with pypdf, figures as the dashboard has them."""

from __future__ import annotations

import io

from pypdf import PdfReader

from berdaya.core.models import AuditEvent
from berdaya.reports.indicators import indicator_save
from berdaya.reports.selectors import dashboard


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_report_has_every_programme_and_the_figures(client, users, stocked):
    indicator_save(actor=users["admin"], region="64", year=2024, rate="5.78", source="BPS")
    client.force_login(users["head"])
    response = client.get("/dasbor/laporan/?tahun=2025")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="laporan-2025-')
    text = text_of(response.content)
    # Every programme year of 2025 (the fixture sets up two).
    for code in ("WRSE", "KUBE"):
        assert f"{code} 2025" in text
    assert "Kota Samarinda" in text and "Kota Balikpapan" in text
    board = dashboard(users["head"], stocked["wrse"])
    smd = next(r for r in board.rows if r.code == "64.72")
    # The Samarinda row of WRSE (one cell a line): target, proposed, eligible, approved.
    cells = [smd.target, smd.figures["proposed"], smd.figures["eligible"], smd.figures["approved"]]
    assert "\n".join(["Kota Samarinda", *map(str, cells)]) in text
    assert "5,78" in text or "5.78" in text
    event = AuditEvent.objects.get(action="export", object_id="laporan-2025")
    assert event.actor == users["head"] and event.after["format"] == "pdf"


def test_a_regency_report_has_only_its_region(client, users, stocked):
    client.force_login(users["op_smd"])
    text = text_of(client.get("/dasbor/laporan/?tahun=2025").content)
    assert "Kota Samarinda" in text and "Kota Balikpapan" not in text


def test_unknown_years_and_regions_are_404(client, users, stocked):
    client.force_login(users["head"])
    assert client.get("/dasbor/laporan/?tahun=1999").status_code == 404
    assert client.get("/dasbor/laporan/?tahun=abc").status_code == 404
    client.force_login(users["op_smd"])
    assert client.get("/dasbor/laporan/?tahun=2025&region=64.71").status_code == 404
