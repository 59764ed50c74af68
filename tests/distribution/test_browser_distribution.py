"""In Chromium on a phone-sized screen: a facilitator marks Bimtek attendance, records a
handover with a photo, downloads the BAST and reads it back; then, without signal, records
another handover that waits on the phone and is sent once the phone is back online."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image
from pypdf import PdfReader

from berdaya.distribution.models import Handover, Participant
from tests.conftest import sign_in
from tests.distribution.conftest import held_session

pytestmark = pytest.mark.browser


def jpeg(width=1800, height=1350) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buf, "JPEG")
    return buf.getvalue()


def wait_for(check, timeout=20.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.25)
    return False


def test_facilitator_on_a_phone_marks_attendance_and_hands_over(
    browser, live_server, users, wrse, packaged, tmp_path
):
    session = held_session(users, wrse, days_ago=0, title="Bimtek WRSE Sungai Pinang")
    context = browser.new_context(
        locale="id-ID",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        accept_downloads=True,
    )
    page = context.new_page()
    base = live_server.url
    sign_in(page, base, "fac.smd")
    page.goto(f"{base}/penyaluran/bimtek/{session.pk}/")
    people = list(session.participants.order_by("name"))
    for p in people[:2]:
        page.click(f"label[for=p{p.pk}-a]")
    page.click(f"label[for=p{people[2].pk}-x]")
    page.click("#save-attendance")
    # The page reloads once the server saved the marks. (The database is read only then: an
    # in-memory SQLite locks a table being written by the live server's thread.)
    page.wait_for_selector("#attended-count:text('2 / 3')")
    assert Participant.objects.filter(status="attended").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    # The first unit present receives its goods, with a photo taken on the phone.
    unit = next(p.allocation for p in people if p.allocation.rank == 1)
    if unit.pk not in {p.allocation_id for p in people[:2]}:
        unit = people[0].allocation
    page.goto(f"{base}/penyaluran/WRSE/2025/64.72/")
    page.click(f"#unit-{unit.pk} a.btn")
    page.fill("#place", "Balai Kelurahan Sungai Pinang Dalam")
    page.set_input_files("#photo", {"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": jpeg()})
    page.click("#save-handover")
    page.wait_for_url("**/penyaluran/serah-terima/*/")
    handover = Handover.objects.get()
    assert page.locator("#bast-number").inner_text() == handover.number
    # Resized in the browser before it was sent: at most 1600 px (the server's limit is 2000).
    with Image.open(handover.photo.file.open("rb")) as img:
        assert img.size == (1600, 1200)
    with page.expect_download() as info:
        page.click("#bast-pdf")
    path = tmp_path / "bast.pdf"
    info.value.save_as(path)
    text = "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)
    assert handover.number in text and handover.receiver_name in text
    assert "4.750.000" in text

    # Without signal: the second present unit's handover waits on the phone.
    second = next(p.allocation for p in people[:2] if p.allocation_id != unit.pk)
    page.goto(f"{base}/penyaluran/penerima/{second.pk}/serah-terima/")
    context.set_offline(True)
    page.fill("#place", "Posyandu RT 12")
    page.set_input_files(
        "#photo", {"name": "foto2.jpg", "mimeType": "image/jpeg", "buffer": jpeg(1200, 900)}
    )
    page.click("#save-handover")
    page.wait_for_selector("#offline-notice.alert-warning")
    assert page.locator("[data-offline-count]").first.inner_text() == "1"
    assert Handover.objects.count() == 1
    waiting = page.evaluate("window.berdayaOffline.all().then(r => r.length)")
    assert waiting == 1
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    # Sent, and taken off the phone's queue only once the server answered.
    assert wait_for(lambda: page.evaluate("window.berdayaOffline.all().then(r => r.length)") == 0)
    assert Handover.objects.count() == 2
    sent = Handover.objects.exclude(pk=handover.pk).get()
    assert sent.place == "Posyandu RT 12" and sent.captured_at is not None
    context.close()


def test_a_recipient_with_goods_cannot_be_removed_from_a_revised_decree(
    page, live_server, users, wrse, trained
):
    """The province starts a revision of the signed decree and tries to remove a recipient
    who has received goods: refused, naming the BAST; another recipient goes."""
    from django.urls import reverse

    from berdaya.allocation.models import Decree, DecreeChange
    from tests.distribution.conftest import record

    given, other = trained[0], trained[1]
    handover, _ = record(users, given)
    signed = Decree.objects.get(program_year=wrse, region_id=given.region_id, status="issued")
    base = live_server.url
    sign_in(page, base, "admin")
    page.goto(base + reverse("allocation:decree", args=[signed.pk]))
    page.fill("#revise-reason", "Penerima pindah domisili ke luar provinsi")
    page.click("#revise-form button[type=submit]")
    page.wait_for_selector("#recipients-table")
    draft = Decree.objects.get(previous=signed)
    assert page.url.endswith(reverse("allocation:decree", args=[draft.pk]))

    def remove(allocation) -> None:
        form = page.locator(f"#recipients-table form:has(input[value='{allocation.pk}'])")
        form.locator("input[name=note]").fill("Pindah ke luar provinsi menurut kelurahan")
        form.locator("button[type=submit]").click()
        page.wait_for_selector(".messages .alert")

    remove(given)
    alert = page.locator(".messages .alert").inner_text()
    assert "Barang sudah diserahkan kepada penerima ini" in alert
    assert handover.number in alert
    assert not DecreeChange.objects.filter(decree=draft, allocation=given).exists()
    # Still listed as kept, with its removal form.
    assert page.locator(f"#recipients-table input[value='{given.pk}']").count() == 1

    remove(other)
    assert "Perubahan telah disimpan." in page.locator(".messages .alert").inner_text()
    assert DecreeChange.objects.filter(decree=draft, allocation=other, action="remove").exists()
