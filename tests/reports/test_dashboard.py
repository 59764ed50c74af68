"""The dashboards' figures against counts made here, independently, with the ORM; the region
scope; drill-down links; later stages plugging in; the XLSX export."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.db.models import Sum

from berdaya.allocation.models import Allocation
from berdaya.core.models import AuditEvent
from berdaya.intake.models import Proposal, ProposalGroup
from berdaya.programs.models import RegionQuota
from berdaya.reports.selectors import dashboard, overview
from tests.allocation.conftest import BPN, SMD


def expected(py, region):
    """Counted here without the reports code: what each figure must be."""
    group = py.program.unit == "group"
    units = (ProposalGroup if group else Proposal).objects.filter(program_year=py, region_id=region)
    allocations = Allocation.objects.filter(program_year=py, region_id=region, status="approved")
    quota = RegionQuota.objects.filter(program_year=py, region_id=region).first()
    return {
        "target": quota.units if quota else 0,
        "proposed": units.exclude(status="withdrawn").count(),
        "eligible": units.exclude(status="withdrawn")
        .filter(verification__verdict="eligible")
        .count(),
        "approved": allocations.count(),
        "committed": allocations.aggregate(v=Sum("value"))["v"] or 0,
    }


def cell(html: str, region: str, stage: str) -> str:
    row = re.search(rf'<tr data-region="{re.escape(region)}"[^>]*>(.*?)</tr>', html, re.S).group(1)
    td = re.search(rf'<td class="text-end" data-stage="{stage}">(.*?)</td>', row, re.S).group(1)
    return re.sub(r"<[^>]+>", "", td).strip()


@pytest.mark.parametrize("program", ["wrse", "kube"])
def test_figures_equal_independent_counts(users, stocked, program, built_in_stages):
    py = stocked[program]
    board = dashboard(users["head"], py)
    assert [r.code for r in board.rows][:1] == ["64.01"] and len(board.rows) == 10
    rows = {r.code: r for r in board.rows}
    for region in (SMD, BPN, "64.01"):
        want = expected(py, region)
        row = rows[region]
        assert row.target == want["target"], region
        assert row.figures["proposed"] == want["proposed"], region
        assert row.figures["eligible"] == want["eligible"], region
        assert row.figures["approved"] == want["approved"], region
        assert row.committed == want["committed"], region
    # Stages no app records yet are unknown, not zero.
    assert row.figures["trained"] is None and row.figures["handed_over"] is None
    assert (
        board.total.figures["approved"]
        == Allocation.objects.filter(program_year=py, status="approved").count()
    )
    assert board.running == len(
        {a.region_id for a in Allocation.objects.filter(program_year=py, status="approved")}
    )


def test_the_numbers_of_the_fixture_are_what_it_says(users, stocked):
    """A check on the check: the fixture's own story, in numbers."""
    smd = expected(stocked["wrse"], SMD)
    assert smd == {
        "target": 3,
        "proposed": 10,
        "eligible": 6,
        "approved": 3,
        "committed": 15_000_000,
    }
    assert expected(stocked["kube"], SMD)["approved"] == 1


def test_the_page_shows_the_figures_and_links_to_the_lists(client, users, stocked, built_in_stages):
    py = stocked["wrse"]
    client.force_login(users["head"])
    html = client.get(f"/dasbor/?py={py.pk}").content.decode()
    want = expected(py, SMD)
    for stage in ("proposed", "eligible", "approved"):
        assert cell(html, SMD, stage) == str(want[stage])
    total_eligible = Proposal.objects.filter(
        program_year=py, status="proposed", verification__verdict="eligible"
    ).count()
    assert cell(html, "total", "eligible") == str(total_eligible)
    assert cell(html, SMD, "trained") == "—"
    # The figures open their lists: the proposals filtered by region and verdict, and the
    # region's ranking page with its approved units.
    assert f'href="/usulan/?py={py.pk}&amp;region=64.72&amp;verdict=eligible"' in html
    assert 'href="/penetapan/WRSE/2025/64.72/"' in html
    listing = client.get(f"/usulan/?py={py.pk}&region=64.72&verdict=eligible").content.decode()
    summary = re.search(r'id="verdict-summary".*?</table>', listing, re.S).group(0)
    assert f">{want['eligible']}</a>" in summary
    # The chart data rides in a JSON script tag, never an inline script.
    assert 'id="dashboard-data" type="application/json"' in html
    assert "<script>" not in html


def test_group_figures_open_the_group_list(client, users, stocked):
    py = stocked["kube"]
    client.force_login(users["head"])
    html = client.get(f"/dasbor/?py={py.pk}").content.decode()
    assert cell(html, SMD, "eligible") == "2"
    assert f'href="/dasbor/kelompok/?py={py.pk}&amp;region=64.72&amp;verdict=eligible"' in html
    listing = client.get(f"/dasbor/kelompok/?py={py.pk}&region=64.72&verdict=eligible")
    page = listing.content.decode()
    assert "KUBE MAJU" in page and "KUBE JAYA" in page and "KUBE SEJAHTERA" not in page


def test_a_regency_user_sees_only_its_region(client, users, stocked):
    py = stocked["wrse"]
    board = dashboard(users["op_smd"], py)
    assert [r.code for r in board.rows] == [SMD]
    assert board.total.figures["proposed"] == expected(py, SMD)["proposed"]
    client.force_login(users["op_smd"])
    html = client.get(f"/dasbor/?py={py.pk}").content.decode()
    assert 'data-region="64.71"' not in html and "Balikpapan" not in html
    assert client.get(f"/dasbor/?py={py.pk}&region=64.71").status_code == 404
    assert client.get(f"/dasbor/?py={py.pk}&region=64.72").status_code == 200
    # The overview of the year sums the region only; its target is the region's quota.
    rows = {o.program_year.program.code: o for o in overview(users["op_smd"], 2025)}
    assert rows["WRSE"].target == 3 and rows["WRSE"].figures["approved"] == 3


def test_a_province_user_narrows_to_one_region(client, users, stocked):
    py = stocked["wrse"]
    client.force_login(users["viewer"])
    html = client.get(f"/dasbor/?py={py.pk}&region=64.71").content.decode()
    assert cell(html, BPN, "approved") == str(expected(py, BPN)["approved"])
    assert 'data-region="64.72"' not in html
    assert client.get(f"/dasbor/?py={py.pk}&region=99.99").status_code == 404


def test_a_later_stage_plugs_in(users, stocked, built_in_stages):
    py = stocked["wrse"]
    calls = []

    def trained(program_year, codes):
        calls.append(sorted(codes))
        return {SMD: 2}

    assert dashboard(users["op_smd"], py).rows[0].figures["trained"] is None
    built_in_stages.register_stage("trained", trained, lambda p, r: f"/bimtek/?region={r}")
    board = dashboard(users["op_smd"], py)
    assert board.rows[0].figures["trained"] == 2
    assert board.rows[0].links["trained"] == "/bimtek/?region=64.72"
    # A counter is only ever asked about the regions the user may read.
    assert calls == [[SMD]]
    assert [f["key"] for f in board.funnel()] == [
        "target",
        "proposed",
        "eligible",
        "approved",
        "trained",
    ]


def test_the_export_is_the_table_and_is_logged(client, users, stocked, built_in_stages):
    py = stocked["wrse"]
    client.force_login(users["head"])
    response = client.get(f"/dasbor/?py={py.pk}&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    by_region = {r[0]: dict(zip(header, r, strict=False)) for r in rows[1:]}
    want = expected(py, SMD)
    assert by_region[SMD]["DIUSULKAN"] == want["proposed"]
    assert by_region[SMD]["LAYAK"] == want["eligible"]
    assert by_region[SMD]["DISETUJUI"] == want["approved"]
    assert by_region[SMD]["TERIKAT_RP"] == want["committed"]
    assert by_region[SMD]["DILATIH"] is None
    assert len(rows) == 1 + 10 + 1  # header, ten regions, total
    event = AuditEvent.objects.filter(action="export").latest("at")
    assert event.actor == users["head"] and event.after["rows"] == 11


def test_roles_without_reports_cannot_open_the_dashboard(client, users, stocked):
    client.force_login(users["partner"])
    assert client.get("/dasbor/").status_code == 403
    client.logout()
    assert client.get("/dasbor/").status_code == 302


def test_home_card_shows_the_year(client, users, stocked):
    client.force_login(users["head"])
    html = client.get("/").content.decode()
    assert 'id="dashboard-card"' in html and "/dasbor/?py=" in html


def test_the_group_list_keeps_to_the_region_and_exports(client, users, stocked):
    py = stocked["kube"]
    client.force_login(users["op_smd"])
    page = client.get(f"/dasbor/kelompok/?py={py.pk}").content.decode()
    assert "KUBE MAJU" in page and "KUBE SEJAHTERA" not in page
    assert client.get(f"/dasbor/kelompok/?py={py.pk}&region=64.71").status_code == 404
    response = client.get(f"/dasbor/kelompok/?py={py.pk}&format=xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert sorted(r[1] for r in rows[1:]) == ["KUBE JAYA", "KUBE MAJU"]
    assert AuditEvent.objects.filter(action="export", object_id="kelompok-KUBE-2025").exists()
    # A person programme has no group list.
    assert client.get(f"/dasbor/kelompok/?py={stocked['wrse'].pk}").status_code == 404


def test_the_page_keeps_a_count_for_a_while_and_counts_again_on_request(
    client, users, stocked, settings
):
    from tests.reports.conftest import proposal

    settings.REPORTS_CACHE_SECONDS = 60
    from django.core.cache import cache

    cache.clear()
    py = stocked["wrse"]
    client.force_login(users["head"])
    first = client.get(f"/dasbor/?py={py.pk}").content.decode()
    assert 'id="counted-at"' in first
    before = cell(first, SMD, "proposed")
    proposal(py, SMD, users["verifier"], "eligible")
    # Shared by everyone who reads the same regions, until it is counted again.
    client.force_login(users["viewer"])
    assert cell(client.get(f"/dasbor/?py={py.pk}").content.decode(), SMD, "proposed") == before
    again = client.get(f"/dasbor/?py={py.pk}&segar=1").content.decode()
    assert cell(again, SMD, "proposed") == str(int(before) + 1)
    # ... and the new count is the one kept.
    assert cell(client.get(f"/dasbor/?py={py.pk}").content.decode(), SMD, "proposed") == str(
        int(before) + 1
    )
    # A regency user's count is their own region's, never a province count.
    client.force_login(users["op_smd"])
    mine = client.get(f"/dasbor/?py={py.pk}").content.decode()
    assert 'data-region="64.71"' not in mine
    assert cell(mine, SMD, "proposed") == str(expected(py, SMD)["proposed"])
    cache.clear()
