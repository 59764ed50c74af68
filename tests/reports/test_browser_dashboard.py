"""In Chromium: the head of office reads the dashboard, drills down to a list, exports the
table and the report; an operator reads their region's dashboard on a phone."""

from __future__ import annotations

import io

import openpyxl
import pytest
from pypdf import PdfReader

from berdaya.intake.models import Proposal
from tests.conftest import sign_in

pytestmark = pytest.mark.browser


def watch_console(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def test_read_the_dashboard_drill_down_and_export(page, live_server, users, stocked):
    base = live_server.url
    py = stocked["wrse"]
    problems = watch_console(page)
    sign_in(page, base, "head")
    page.click("#nav a[href='/dasbor/']")
    page.goto(f"{base}/dasbor/?py={py.pk}")
    assert page.locator("html").get_attribute("lang") == "id"
    # The charts are drawn (canvas), from the JSON the page carries.
    for chart in ("#chart-regions", "#chart-funnel", "#chart-budget", "#chart-poverty"):
        page.wait_for_selector(f"{chart}[data-ready='1'] canvas")
    eligible = Proposal.objects.filter(
        program_year=py, region_id="64.72", status="proposed", verification__verdict="eligible"
    ).count()
    cell = page.locator("tr[data-region='64.72'] td[data-stage='eligible'] a")
    assert cell.inner_text() == str(eligible)
    # Drill down: the figure opens the proposals of Samarinda with that verdict.
    cell.click()
    page.wait_for_url("**/usulan/**verdict=eligible**")
    # The list shows a withdrawn proposal too, marked; the figure counts those still proposed.
    rows = page.locator("#proposal-table tbody tr")
    withdrawn = rows.filter(has_text="ditarik").count() + rows.filter(has_text="withdrawn").count()
    assert rows.count() - withdrawn == eligible
    page.go_back()
    # Export the table, and the head of office's report.
    with page.expect_download() as info:
        page.click("#export-xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(open(info.value.path(), "rb").read())).active
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True)}
    assert rows["64.72"][4] == eligible
    with page.expect_download() as info:
        page.click("#report-pdf")
    text = "".join(p.extract_text() for p in PdfReader(info.value.path()).pages)
    assert "WRSE 2025" in text
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert not problems, problems


def test_an_operator_reads_the_region_on_a_phone(browser, live_server, users, stocked):
    context = browser.new_context(
        locale="id-ID", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    problems = watch_console(page)
    base = live_server.url
    sign_in(page, base, "op.smd")
    page.goto(f"{base}/dasbor/?py={stocked['wrse'].pk}")
    page.wait_for_selector("#chart-regions[data-ready='1'] canvas")
    assert page.locator("#region-table tbody tr").count() == 1
    assert "Balikpapan" not in page.locator("main").inner_text()
    # Nothing wider than the phone but the tables' own scroll boxes.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert not problems, problems
    context.close()


def test_the_public_page_without_signing_in(page, live_server, users, stocked):
    problems = watch_console(page)
    page.goto(f"{live_server.url}/publik/?tahun=2025")
    assert page.url.endswith("/publik/?tahun=2025")
    page.wait_for_selector("#chart-poverty[data-ready='1'] canvas")
    for text in page.locator(".public-table td.text-end").all_inner_texts():
        text = text.strip()
        assert text == "*" or int(text.replace(".", "")) == 0 or int(text.replace(".", "")) >= 5
    assert not problems, problems
