"""The pages: lists, the visit form as the offline queue posts it, outcomes, plans."""

from __future__ import annotations

import json
import uuid

from django.utils import timezone

from berdaya.monitoring.models import Visit
from berdaya.monitoring.visits import unit_goods
from tests.monitoring.conftest import BPN, jpeg


def _post(unit, visit, **over):
    data = {
        "client_key": str(uuid.uuid4()),
        "visited_on": timezone.localdate().isoformat(),
        "business_status": "growing",
        "baseline_revenue": "750.000",
        "revenue": "2.000.000",
        "profit": "600.000",
        "workers": "2",
        "workers_poor": "1",
        "notes": "Warung ramai menjelang sekolah.",
        "captured_at": timezone.now().isoformat(),
        "photos": [jpeg("1.jpg"), jpeg("2.jpg", "blue")],
    }
    for g in unit_goods(unit):
        data[f"goods_{g['item']}"] = str(g["quantity"])
    data.update(over)
    return data


def test_visit_form_as_the_offline_queue_sends_it(client, users, scheduled):
    unit = scheduled(days_ago=92)
    visit = unit.visits.get(month=3)
    client.force_login(users["facilitator"])
    form = client.get(f"/pemantauan/kunjungan/{visit.pk}/catat/")
    assert form.status_code == 200
    text = form.content.decode()
    assert "data-visit-offline" in text and 'name="client_key"' in text
    assert "Mesin jahit" in text and 'name="baseline_revenue"' in text
    data = _post(unit, visit)
    answer = client.post(
        f"/pemantauan/kunjungan/{visit.pk}/catat/", data, HTTP_ACCEPT="application/json"
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["url"] == f"/pemantauan/penerima/{unit.pk}/"
    # The same record again (the phone never heard the answer): 200, saved once.
    data["photos"] = [jpeg("1.jpg")]
    again = client.post(
        f"/pemantauan/kunjungan/{visit.pk}/catat/", data, HTTP_ACCEPT="application/json"
    )
    assert again.status_code == 200 and again.json()["status"] == "exists"
    visit.refresh_from_db()
    assert visit.status == Visit.Status.DONE and visit.captured_at is not None
    assert visit.revenue == 2_000_000


def test_refusals_come_back_per_field(client, users, scheduled):
    unit = scheduled(days_ago=92)
    visit = unit.visits.get(month=3)
    client.force_login(users["facilitator"])
    data = _post(unit, visit, revenue="dua juta", workers_poor="5", photos=[])
    answer = client.post(
        f"/pemantauan/kunjungan/{visit.pk}/catat/", data, HTTP_ACCEPT="application/json"
    )
    assert answer.status_code == 422
    body = answer.json()
    assert set(body["fields"]) == {"revenue", "workers_poor", "photos"}
    assert any("Omzet per bulan" in e for e in body["errors"])  # in Indonesian
    # Without JavaScript: the form again, with the messages under the fields.
    page = client.post(f"/pemantauan/kunjungan/{visit.pk}/catat/", data)
    assert page.status_code == 422
    assert "Tenaga kerja dari keluarga miskin (5)" in page.content.decode()


def test_lists_and_pages_by_role(client, users, scheduled):
    due = scheduled(days_ago=88)
    other = scheduled(region=BPN, days_ago=150)
    client.force_login(users["facilitator"])
    index = client.get("/pemantauan/").content.decode()
    assert due.name in index and other.name not in index
    assert client.get(f"/pemantauan/penerima/{other.pk}/").status_code == 404
    assert client.get(f"/pemantauan/penerima/{due.pk}/").status_code == 200
    for url in (
        "/pemantauan/penerima/",
        "/pemantauan/hasil/",
        "/pemantauan/rencana/",
        "/pemantauan/rujukan/",
        "/pemantauan/pameran/",
        "/pemantauan/mitra/",
        "/pemantauan/luring/",
        "/",
    ):
        assert client.get(url).status_code == 200, url
    sw = client.get("/pemantauan/sw.js")
    assert sw.status_code == 200 and b"berdaya-visits-static-" in sw.content
    client.force_login(users["viewer"])
    assert client.get("/pemantauan/").status_code == 200
    visit = due.visits.get(month=3)
    assert client.get(f"/pemantauan/kunjungan/{visit.pk}/catat/").status_code == 403
    assert client.post("/pemantauan/jadwal/").status_code == 403


def test_outcome_page_carries_the_chart_data(client, users, scheduled):
    unit = scheduled(days_ago=92)
    client.force_login(users["head"])
    page = client.get("/pemantauan/hasil/?program=WRSE").content.decode()
    start = page.index('id="outcomes-data"')
    raw = page[page.index(">", start) + 1 : page.index("</script>", start)]
    data = json.loads(raw)
    assert data["survival"]["n"] == 0
    assert {s["key"] for s in data["status_mix"]} >= {"running", "stopped", "none"}
    from tests.monitoring.conftest import record

    record(unit.visits.get(month=3), users["facilitator"])
    page = client.get("/pemantauan/hasil/?program=WRSE").content.decode()
    raw = page[page.index(">", page.index('id="outcomes-data"')) + 1 :]
    data = json.loads(raw[: raw.index("</script>")])
    assert data["survival"]["n"] == 1 and data["survival"]["points"][0]["s"] == 1.0
    assert "script-src" not in page  # no inline script: the data is JSON, drawn by a file


def test_plan_page_for_the_province_only(client, users):
    client.force_login(users["op_smd"])
    assert client.get("/pemantauan/rencana/WRSE/").status_code == 403
    client.force_login(users["admin"])
    response = client.post(
        "/pemantauan/rencana/WRSE/",
        {"months": "3, 6, 12, 24, 36", "window_days": "21", "form_kind": "business"},
    )
    assert response.status_code == 302
    response = client.post(
        "/pemantauan/rencana/WRSE/",
        {"months": "3, enam", "window_days": "21", "form_kind": "business"},
    )
    assert "Bulan kunjungan" in response.content.decode()
