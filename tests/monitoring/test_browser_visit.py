"""In Chromium, on a phone-sized screen: a facilitator records a follow-up visit (once refused
with the field named, once kept on the phone without signal and sent when back online) and
the outcome chart's data changes."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from tests.conftest import sign_in

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "locale": "id-ID",
}


def _jpeg(color="green") -> dict:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buf, "JPEG")
    return {"name": "usaha.jpg", "mimeType": "image/jpeg", "buffer": buf.getvalue()}


def chart_state(page) -> dict:
    """The data the page carries and what the status chart actually draws."""
    data = json.loads(page.locator("#outcomes-data").text_content())
    page.wait_for_selector("#chart-status[data-ready]", state="attached")
    drawn = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('chart-status'))"
        ".getOption().series[0].data.map(function (d) { return d.value; })"
    )
    survival = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('chart-survival'))"
        ".getOption().series[2].data.length"
    )
    return {"data": data, "status_bars": drawn, "survival_points": survival}


def fill_visit(page, *, workers="2", poor="1"):
    page.click("label[for=status-growing]")
    page.fill("#baseline_revenue", "650.000")
    page.fill("#revenue", "1.800.000")
    page.fill("#profit", "550.000")
    page.fill("#workers", workers)
    page.fill("#workers_poor", poor)
    page.set_input_files("#photos", files=[_jpeg(), _jpeg("orange")])


def test_facilitator_records_a_visit_on_a_phone(browser, live_server, users, hand_over):
    from berdaya.monitoring.models import MonitoredUnit, Visit

    # Handed over three months ago through distribution's own service: on a live server the
    # transaction commits, so the post_save receiver schedules the visits by itself.
    allocation, _handover = hand_over(days_ago=92, name="SITI MURNI")
    unit = MonitoredUnit.objects.get(allocation=allocation)
    second, _h = hand_over(days_ago=95, name="WATI LESTARI")
    other = MonitoredUnit.objects.get(allocation=second)
    assert unit.facilitator.username == "fac.smd"

    context = browser.new_context(**PHONE)
    page = context.new_page()
    base = live_server.url
    sign_in(page, base, "fac.smd")
    page.goto(f"{base}/pemantauan/hasil/?program=WRSE")
    before = chart_state(page)
    assert before["data"]["survival"]["n"] == 0
    mix = {s["key"]: s["value"] for s in before["data"]["status_mix"]}
    assert mix["none"] == 2 and mix["growing"] == 0

    # The due list leads to the form.
    page.goto(f"{base}/pemantauan/")
    row = page.locator(f".visit-row[data-unit='{unit.pk}']")
    row.locator(".record-visit").click()
    page.wait_for_selector("#visit-form")
    # Refused once: more workers from poor families than workers, named under the field.
    fill_visit(page, workers="1", poor="3")
    page.click("#save-visit")
    error = page.locator("[data-field=workers_poor] .visit-field-error")
    error.wait_for()
    assert "(3)" in error.inner_text()
    assert Visit.objects.get(unit=unit, month=3).status == "scheduled"
    # Corrected and saved: the unit's page shows it recorded.
    page.fill("#workers", "2")
    page.fill("#workers_poor", "1")
    page.set_input_files("#photos", files=[_jpeg(), _jpeg("orange")])
    page.click("#save-visit")
    page.wait_for_url(f"{base}/pemantauan/penerima/{unit.pk}/")
    assert page.locator("#unit-visits tr[data-status=done]").count() == 1
    visit = Visit.objects.get(unit=unit, month=3)
    assert (visit.status, visit.business_status, visit.revenue) == ("done", "growing", 1_800_000)

    page.goto(f"{base}/pemantauan/hasil/?program=WRSE")
    after = chart_state(page)
    assert after["data"]["survival"]["n"] == 1
    mix = {s["key"]: s["value"] for s in after["data"]["status_mix"]}
    assert mix["growing"] == 1 and mix["none"] == 1
    assert after["status_bars"] != before["status_bars"]
    assert after["survival_points"] > before["survival_points"]

    # Without signal: the second visit is kept on the phone, then sent once back online.
    page.goto(f"{base}/pemantauan/kunjungan/{other.visits.get(month=3).pk}/catat/")
    fill_visit(page)
    context.set_offline(True)
    page.click("#save-visit")
    page.wait_for_selector("#visit-notice.alert-warning")
    assert page.evaluate("() => window.berdayaVisits.all().then(r => r.length)") == 1
    assert Visit.objects.get(unit=other, month=3).status == "scheduled"
    context.set_offline(False)
    for _attempt in range(50):  # the "online" event starts the sending too
        page.evaluate("() => window.berdayaVisits.flush()")
        if page.evaluate("() => window.berdayaVisits.all().then(r => r.length)") == 0:
            break
        page.wait_for_timeout(200)
    saved = Visit.objects.get(unit=other, month=3)
    assert saved.status == "done" and saved.captured_at is not None
    page.goto(f"{base}/pemantauan/hasil/?program=WRSE")
    final = chart_state(page)
    assert {s["key"]: s["value"] for s in final["data"]["status_mix"]}["growing"] == 2
    context.close()
