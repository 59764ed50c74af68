"""The head of office's report: one PDF per year with every programme's figures (ReportLab).

Landscape A4: the year's programmes in totals, then per programme the table per regency/city
with a bar chart, the budget envelopes, and the poverty indicators against the target. In the
reader's language; figures within the reader's region scope; no personal data.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from berdaya.core.audit import audit_record
from berdaya.core.templatetags.berdaya import format_number, format_rupiah
from berdaya.reports import indicators
from berdaya.reports.selectors import dashboard, overview, program_years_of
from berdaya.reports.stages import stages

PALETTE = ["#9aa5b1", "#3b82c4", "#2e9d6a", "#1f6f4a", "#d99a2b", "#b5562d", "#7a4fa3"]


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle(
        "body", parent=base["Normal"], fontName="Helvetica", fontSize=9, leading=12
    )
    return {
        "body": body,
        "title": ParagraphStyle(
            "title", parent=body, fontName="Helvetica-Bold", fontSize=15, leading=19
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=11.5,
            leading=15,
            spaceBefore=8,
            spaceAfter=4,
        ),
        "small": ParagraphStyle(
            "small", parent=body, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#444444")
        ),
    }


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _n(value: Any) -> str:
    return "—" if value is None else format_number(value)


def _table(rows: list[list[Any]], *, total: bool = True, first_width: float = 4.2 * cm) -> Table:
    columns = len(rows[0])
    rest = (landscape(A4)[0] - 3 * cm - first_width) / max(1, columns - 1)
    table = Table(rows, colWidths=[first_width] + [rest] * (columns - 1), repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 7.5),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef3")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if total:
        style += [
            ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 8),
            ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f3f5f7")),
        ]
    table.setStyle(TableStyle(style))
    return table


def _wrap_header(text: Any) -> Paragraph:
    return Paragraph(
        escape(str(text)), ParagraphStyle("th", fontName="Helvetica-Bold", fontSize=7.5, leading=9)
    )


def _chart(board: Any) -> Drawing:
    """Target and each available stage per region, as horizontal bars."""
    series = [("target", _("Target (quota)"), [r.target for r in board.rows])]
    series += [
        (s.key, str(s.label), [r.figures.get(s.key) or 0 for r in board.rows])
        for s in board.stages
        if s.available
    ]
    # A bar of 5-7 points each, the whole chart within a landscape page's frame.
    height = 30 + 6 * len(board.rows) * max(1, len(series))
    drawing = Drawing(24 * cm, min(13 * cm, max(6 * cm, height)))
    chart = HorizontalBarChart()
    chart.x, chart.y = 5.2 * cm, 0.6 * cm
    chart.width, chart.height = 14 * cm, drawing.height - 1.2 * cm
    # ReportLab draws the first category at the bottom: reversed, the table's order reads down.
    chart.data = [list(reversed(values)) for _k, _label, values in series]
    chart.categoryAxis.categoryNames = [r.name for r in reversed(board.rows)]
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = lambda v: format_number(int(v))
    chart.barSpacing = 0.5
    chart.groupSpacing = 4
    for i in range(len(series)):
        chart.bars[i].fillColor = colors.HexColor(PALETTE[i % len(PALETTE)])
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 19.8 * cm, drawing.height - 0.6 * cm
    legend.fontSize = 7.5
    legend.alignment = "right"
    legend.colorNamePairs = [
        (colors.HexColor(PALETTE[i % len(PALETTE)]), label)
        for i, (_k, label, _v) in enumerate(series)
    ]
    drawing.add(legend)
    return drawing


def head_report_pdf(user: Any, year: int, region: Any = None) -> bytes:
    st = _styles()
    buf = io.BytesIO()
    scope = (
        region.name
        if region
        else (_("Province of East Kalimantan") if user.region_scope is None else "")
    )
    doc = SimpleDocTemplate(
        buf,
        pagesize=landscape(A4),
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.3 * cm,
        bottomMargin=1.3 * cm,
        title=_("Social assistance report %(year)s") % {"year": year},
        author="Berdaya",
    )
    now = timezone.localtime()
    story: list[Any] = [
        _p(_("SOCIAL AFFAIRS OFFICE OF EAST KALIMANTAN PROVINCE"), st["small"]),
        _p(_("Social assistance report %(year)s") % {"year": year}, st["title"]),
        _p(
            _("%(scope)s · prepared %(when)s WITA for %(user)s")
            % {
                "scope": scope,
                "when": formats.date_format(now, "DATETIME_FORMAT"),
                "user": user.display_name,
            },
            st["small"],
        ),
        Spacer(1, 8),
    ]
    rows = overview(user, year, region)
    if not rows:
        story.append(_p(_("No programme has been set up for this year."), st["body"]))
    else:
        stage_list = stages()
        story.append(_p(_("Programmes in %(year)s") % {"year": year}, st["h2"]))
        head = [_wrap_header(_("Programme")), _wrap_header(_("Target"))]
        head += [_wrap_header(s.label) for s in stage_list]
        head += [_wrap_header(_("Committed")), _wrap_header(_("Realised"))]
        table = [head]
        for row in rows:
            table.append(
                [
                    f"{row.program_year.program.code} — {row.program_year.program.name}"[:48],
                    _n(row.target),
                ]
                + [_n(row.figures.get(s.key)) for s in stage_list]
                + [format_rupiah(row.committed), format_rupiah(row.realised)]
            )
        story.append(_table(table, total=False, first_width=6 * cm))
        story.append(Spacer(1, 4))
        story.append(
            _p(
                _(
                    "Units are persons, groups or institutions as each programme "
                    "counts them; a dash (—) means that stage is not recorded in "
                    "Berdaya yet."
                ),
                st["small"],
            )
        )
        for row in rows:
            board = dashboard(user, row.program_year, region)
            py = row.program_year
            block = [_p(f"{py.program.code} {py.year} — {py.program.name}", st["h2"])]
            target = board.target
            if target is not None:
                block.append(
                    _p(
                        _("Programme target: %(units)s units; budget drawn on: %(envelope)s.")
                        % {
                            "units": format_number(target.units),
                            "envelope": str(target.envelope) if target.envelope else "—",
                        },
                        st["body"],
                    )
                )
            head = [_wrap_header(_("Region")), _wrap_header(_("Target (quota)"))]
            head += [_wrap_header(s.label) for s in board.stages]
            head += [
                _wrap_header(_("Committed")),
                _wrap_header(_("Realised")),
                _wrap_header(_("Decree (SK)")),
            ]
            table = [head]
            for r in [*board.rows, board.total]:
                table.append(
                    [str(r.name), _n(r.target)]
                    + [_n(r.figures.get(s.key)) for s in board.stages]
                    + [
                        format_rupiah(r.committed),
                        format_rupiah(r.realised),
                        (r.decree.number if r.decree else "")[:24],
                    ]
                )
            block.append(_table(table))
            story.append(KeepTogether(block))
            if len(board.rows) > 1:
                story.append(Spacer(1, 6))
                story.append(_chart(board))
    story += _budget(year, st)
    story += _poverty(user, region, st)
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buf.getvalue()


def _budget(year: int, st: dict) -> list:
    from berdaya.programs.models import BudgetEnvelope

    envelopes = list(BudgetEnvelope.objects.filter(fiscal_year=year).order_by("source", "name"))
    if not envelopes:
        return []
    table = [
        [
            _wrap_header(_("Budget envelope")),
            _wrap_header(_("Source")),
            _wrap_header(_("Ceiling")),
            _wrap_header(_("Committed")),
            _wrap_header(_("Remaining")),
        ]
    ]
    for e in envelopes:
        table.append(
            [
                e.name[:40],
                e.source,
                format_rupiah(e.amount),
                format_rupiah(e.committed),
                format_rupiah(e.remaining),
            ]
        )
    return [
        _p(_("Budget %(year)s") % {"year": year}, st["h2"]),
        _table(table, total=False, first_width=7 * cm),
    ]


def _poverty(user: Any, region: Any, st: dict) -> list:
    codes = [region.code] if region else None
    data = indicators.series(codes)
    target_year, target_rate = indicators.province_target()
    out = [
        PageBreak(),
        _p(_("Poverty rate (%)"), st["h2"]),
        _p(
            _("Provincial target: %(rate)s%% by %(year)s.")
            % {"rate": formats.number_format(target_rate, 2), "year": target_year},
            st["body"],
        ),
    ]
    if not data["series"]:
        out.append(_p(_("No official poverty figures have been entered yet."), st["body"]))
        return out
    years = data["years"][-8:]
    offset = len(data["years"]) - len(years)
    table = [[_wrap_header(_("Region"))] + [_wrap_header(y) for y in years]]
    for s in data["series"]:
        values = s["data"][offset:]
        table.append(
            [s["name"]] + ["—" if v is None else formats.number_format(v, 2) for v in values]
        )
    out.append(_table(table, total=False, first_width=6 * cm))
    return out


def _footer(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 7)
    canvas.setFillColor(colors.HexColor("#666666"))
    canvas.drawString(1.5 * cm, 0.7 * cm, "Berdaya · Dinas Sosial Provinsi Kalimantan Timur")
    canvas.drawRightString(landscape(A4)[0] - 1.5 * cm, 0.7 * cm, _("Page %(n)s") % {"n": doc.page})
    canvas.restoreState()


def head_report_response(*, user: Any, year: int, region: Any = None) -> HttpResponse:
    """The PDF, logged as an export like every other download of figures."""
    data = head_report_pdf(user, year, region)
    name = f"laporan-{year}" + (f"-{region.code}" if region else "")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{name}-{stamp}.pdf"
    audit_record(
        actor=user,
        action="export",
        object_type="export",
        object_id=name,
        object_repr=filename,
        region_code=getattr(user, "region_id", "") or "",
        after={"format": "pdf", "filters": {"year": year, "region": region.code if region else ""}},
        note="head of office report",
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def report_years() -> list[int]:
    return sorted({py.year for py in program_years_of()}, reverse=True)
