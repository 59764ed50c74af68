"""The public summary: open without sign-in, aggregates only, no cell under 5."""

from __future__ import annotations

import re

from berdaya.intake.models import Proposal, ProposalGroup
from berdaya.reports.public import public_summary
from tests.allocation.conftest import SMD, eligible


def numbers_shown(html: str) -> list[int]:
    out = []
    for table in re.findall(
        r'<table class="table table-sm align-middle public-table".*?</table>', html, re.S
    ):
        for td in re.findall(r'<td class="text-end[^"]*">(.*?)</td>', table, re.S):
            text = re.sub(r"<[^>]+>", "", td).strip()
            if text != "*":
                out.append(int(text.replace(".", "").replace(",", "")))
    return out


def test_public_page_needs_no_sign_in_and_shows_no_small_count(client, users, stocked):
    response = client.get("/publik/?tahun=2025")
    assert response.status_code == 200
    html = response.content.decode()
    shown = numbers_shown(html)
    assert shown, "the tables show something"
    assert not [n for n in shown if 0 < n < 5]
    assert 'class="hidden-cell">*<' in html
    # No personal data: neither names nor NIKs of anyone proposed.
    for p in Proposal.objects.all():
        assert p.name not in html and p.nik not in html and p.nik[:4] + "*" not in html
    assert "Cache-Control" not in response or "no-store" not in response["Cache-Control"]


def test_public_tables_follow_the_suppression(users, stocked):
    summary = public_summary(2025)
    assert summary.year == 2025
    by_key = {t.stage.key: t for t in summary.tables}
    assert {"proposed", "approved"} <= set(by_key)
    regions = [r.code for r in summary.regions]
    approved = by_key["approved"].published
    # Samarinda approved 3 WRSE: hidden, with its complements.
    smd, wrse = regions.index(SMD), [py.program.code for py in summary.program_years].index("WRSE")
    assert approved.cells[smd][wrse] is None
    # The money of a programme whose count is hidden is hidden too.
    money = {py.program.code: amount for py, amount in summary.money}
    assert approved.col_totals[wrse] is None or money["WRSE"] is not None


def test_published_counts_are_true(users, wrse, stocked):
    for _ in range(6):
        eligible(wrse, SMD, users["verifier"])
    summary = public_summary(2025)
    proposed = next(t for t in summary.tables if t.stage.key == "proposed").published
    regions = [r.code for r in summary.regions]
    programs = summary.program_years
    for i, region in enumerate(regions):
        for j, py in enumerate(programs):
            model = ProposalGroup if py.program.unit == "group" else Proposal
            true = model.objects.filter(
                program_year=py, region_id=region, status="proposed"
            ).count()
            assert proposed.cells[i][j] in (None, true)
            assert proposed.cells[i][j] is not None or 0 < true
    totals = [
        Proposal.objects.filter(program_year=py, status="proposed").count()
        if py.program.unit != "group"
        else ProposalGroup.objects.filter(program_year=py, status="proposed").count()
        for py in programs
    ]
    assert all(
        shown in (None, true) for shown, true in zip(proposed.col_totals, totals, strict=True)
    )
    assert proposed.total in (None, sum(totals))


def test_a_year_without_programmes_says_so(client, db):
    response = client.get("/publik/?tahun=1999")
    assert response.status_code == 200
