"""In Chromium: the province ranks and approves within a quota (and is refused past it), opens
the decree, the head of office signs it, the PDF is downloaded and read back."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.allocation.conftest import SMD, eligible, set_targets
from tests.conftest import sign_in

pytestmark = pytest.mark.browser


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_rank_approve_within_quota_sign_and_download(page, live_server, users, wrse):
    set_targets(users["admin"], wrse, {SMD: 2})
    names = ["SITI AMINAH", "NURHAYATI", "RAHMAWATI"]
    people = [
        eligible(wrse, SMD, users["verifier"], name=n, decile=d + 1) for d, n in enumerate(names)
    ]
    base = live_server.url
    sign_in(page, base, "admin")
    page.goto(f"{base}/penetapan/")
    page.click("#region-table a:text('Kota Samarinda')")
    rows = page.locator("#ranking-table tbody tr")
    assert rows.count() == 3
    assert "SITI AMINAH" in rows.nth(0).inner_text()  # decile 1 first
    # Past the quota: all three chosen is refused, nothing approved.
    for p in people:
        page.check(f"#unit-p{p.pk}")
    page.click("#approve-selected")
    assert page.locator(".alert-danger").count() == 1
    assert page.locator("#approved-units").inner_text() == "0"
    # Within the quota: the top two.
    page.check(f"#unit-p{people[0].pk}")
    page.check(f"#unit-p{people[1].pk}")
    page.click("#approve-selected")
    assert page.locator("#approved-units").inner_text() == "2"
    assert page.locator("#quota-left").inner_text() == "0"
    approved = page.locator("#approved-table").inner_text()
    assert "SITI AMINAH" in approved and "NURHAYATI" in approved
    # The one left is a reserve; approving the top of the ranking now is refused.
    page.click("#approve-ranking")
    assert page.locator(".alert-danger").count() == 1
    assert page.locator("#approved-units").inner_text() == "2"
    page.click("#prepare-decree")
    page.fill("#id_number", "400.9/301/DINSOS/2025")
    page.click("#decree-form button[type=submit]")
    assert page.locator("#decree-number").inner_text() == "400.9/301/DINSOS/2025"
    decree_url = page.url
    page.click("#user-menu")
    page.click("#sign-out")

    sign_in(page, base, "head")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(decree_url)
    assert fits_the_phone(page)
    page.check("#sign-confirm")
    page.click("#sign-decree")
    assert page.locator("#decree-status").get_attribute("class").find("text-bg-success") >= 0
    with page.expect_download() as download:
        page.click("#decree-pdf")
    with open(download.value.path(), "rb") as f:
        data = f.read()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "SITI AMINAH" in text and "NURHAYATI" in text
    assert "RAHMAWATI" in text  # as the first reserve
    assert "400.9/301/DINSOS/2025" in text
    assert "Rp10.000.000" in text and "Sepuluh juta rupiah" in text
    page.goto(f"{base}/penetapan/WRSE/2025/64.72/")
    assert fits_the_phone(page)
    assert page.locator("#decree-state").count() == 1
    assert page.locator("#approve-form input[name=unit]").count() == 0
