"""The decree as documents: a PDF to print, sign and post (ReportLab), and an XLSX list.

A decree is an official Indonesian document: it is written in Indonesian whatever the
language of the person downloading it. NIKs are printed masked. A draft carries a DRAFT mark
on every page; an issued decree carries its verification code (the hash of its list).
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
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

from berdaya.allocation.decrees import Sheet
from berdaya.allocation.models import Decree
from berdaya.allocation.terbilang import rupiah_in_words
from berdaya.core.exports import export_response
from berdaya.core.templatetags.berdaya import format_number, format_rupiah

OFFICE = "DINAS SOSIAL PROVINSI KALIMANTAN TIMUR"


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle(
        "body",
        parent=base["Normal"],
        fontName="Helvetica",
        fontSize=10,
        leading=13,
        alignment=TA_JUSTIFY,
    )
    return {
        "body": body,
        "center": ParagraphStyle("center", parent=body, alignment=TA_CENTER),
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=11,
            leading=14,
            alignment=TA_CENTER,
        ),
        "head": ParagraphStyle(
            "head",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=13,
            leading=16,
            alignment=TA_CENTER,
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5, alignment=0),
        "cellr": ParagraphStyle("cellr", parent=body, fontSize=8.5, leading=10.5, alignment=2),
        "small": ParagraphStyle(
            "small", parent=body, fontSize=8, leading=10, textColor=colors.HexColor("#444444")
        ),
        "sign": ParagraphStyle("sign", parent=body, alignment=0, leftIndent=8.5 * cm),
    }


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _unit_word(decree: Decree) -> str:
    unit = decree.program_year.program.unit
    if unit == "group":
        return _("groups")
    if unit == "institution":
        return _("institutions")
    return _("persons")


def _date(decree: Decree) -> str:
    return formats.date_format(decree.decree_date, "DATE_FORMAT") if decree.decree_date else "…"


def _signature(decree: Decree, st: dict) -> KeepTogether:
    issued = decree.status != Decree.Status.DRAFT
    parts = [
        _p(_("Issued at %(place)s") % {"place": decree.place}, st["sign"]),
        _p(_("on %(date)s") % {"date": _date(decree)}, st["sign"]),
        Spacer(1, 4),
        _p(_("HEAD OF THE SOCIAL AFFAIRS OFFICE OF EAST KALIMANTAN PROVINCE,"), st["sign"]),
        Spacer(1, 1.8 * cm),
        Paragraph(f"<b><u>{escape(decree.signatory_name or '……………………………')}</u></b>", st["sign"]),
    ]
    if issued and decree.issued_at:
        parts.append(
            _p(
                _("Signed in Berdaya on %(at)s WITA")
                % {
                    "at": formats.date_format(
                        timezone.localtime(decree.issued_at), "DATETIME_FORMAT"
                    )
                },
                st["small"],
            )
        )
    return KeepTogether(parts)


def _table(rows: list[list[Any]], widths: list[float], *, total_row: bool = False) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef3")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#888888")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if total_row:
        style += [("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 8.5), ("SPAN", (0, -1), (3, -1))]
    table.setStyle(TableStyle(style))
    return table


def _title_block(decree: Decree, st: dict) -> list:
    py = decree.program_year
    out = [
        _p(
            _("DECREE OF THE HEAD OF THE SOCIAL AFFAIRS OFFICE OF EAST KALIMANTAN PROVINCE"),
            st["title"],
        ),
        _p(_("NUMBER: %(number)s") % {"number": decree.number or "…"}, st["title"]),
        Spacer(1, 6),
        _p(_("ON"), st["title"]),
        Spacer(1, 6),
        _p(
            _("THE RECIPIENTS OF %(program)s ASSISTANCE FOR %(year)s IN %(region)s")
            % {
                "program": py.program.name.upper(),
                "year": py.year,
                "region": decree.region.name.upper(),
            },
            st["title"],
        ),
    ]
    if decree.previous_id:
        out += [Spacer(1, 4), _p(_("(REVISION %(n)s)") % {"n": decree.version - 1}, st["title"])]
    return out


def decree_pdf(decree: Decree, sheet: Sheet) -> bytes:
    """The decree as a PDF: decision text, signature block, then the annex with the numbered
    list, its totals in figures and words, and the ordered reserves."""
    with translation.override("id"):
        return _decree_pdf(decree, sheet)


def _decree_pdf(decree: Decree, sheet: Sheet) -> bytes:
    st = _styles()
    py = decree.program_year
    buf = io.BytesIO()
    draft = decree.status == Decree.Status.DRAFT
    code = (decree.content_hash or sheet.content_hash)[:16].upper()

    def page(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        footer = _("%(sk)s · page %(page)s") % {
            "sk": f"SK {py.program.code} {py.year} {decree.region_id} v{decree.version}",
            "page": doc.page,
        }
        canvas.drawString(2 * cm, 1.2 * cm, footer)
        canvas.drawRightString(
            A4[0] - 2 * cm, 1.2 * cm, _("Verification code: %(code)s") % {"code": code}
        )
        if draft:
            canvas.setFont("Helvetica-Bold", 70)
            canvas.setFillColor(colors.Color(0.85, 0.1, 0.1, alpha=0.15))
            canvas.translate(A4[0] / 2, A4[1] / 2)
            canvas.rotate(45)
            canvas.drawCentredString(0, 0, _("DRAFT"))
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.8 * cm,
        bottomMargin=2 * cm,
        title=f"SK {py.program.code} {py.year} {decree.region.name}",
        author=OFFICE,
        subject=_("Decree on the recipients of assistance"),
    )
    total = sheet.total
    words = rupiah_in_words(total)
    n = len(sheet.recipients)
    story: list = [
        _p("PEMERINTAH PROVINSI KALIMANTAN TIMUR", st["center"]),
        _p(OFFICE, st["head"]),
        Spacer(1, 4),
        Table(
            [[""]], colWidths=[17 * cm], style=[("LINEABOVE", (0, 0), (-1, 0), 1.2, colors.black)]
        ),
        Spacer(1, 6),
        *_title_block(decree, st),
        Spacer(1, 10),
        _p(_("HEAD OF THE SOCIAL AFFAIRS OFFICE OF EAST KALIMANTAN PROVINCE,"), st["center"]),
        Spacer(1, 8),
        _p(
            _(
                "Considering: that the proposals of %(region)s for %(program)s %(year)s have "
                "been verified against the national social welfare register and the programme's "
                "criteria, and ranked by the priority formula of the programme year, and that "
                "the recipients within the quota and the budget are to be fixed by a decree of "
                "the Head of Office;"
            )
            % {"region": decree.region.name, "program": py.program.name, "year": py.year},
            st["body"],
        ),
        Spacer(1, 8),
        _p(_("HAS DECIDED:"), st["title"]),
        Spacer(1, 6),
        _p(
            _(
                "FIRST: The recipients of %(program)s assistance for %(year)s in %(region)s are "
                "those listed in the annex to this decree: %(n)s %(unit)s, with a total value of "
                "%(total)s (%(words)s)."
            )
            % {
                "program": py.program.name,
                "year": py.year,
                "region": decree.region.name,
                "n": n,
                "unit": _unit_word(decree),
                "total": format_rupiah(total),
                "words": words,
            },
            st["body"],
        ),
        Spacer(1, 4),
    ]
    if py.program.in_kind:
        story += [
            _p(
                _(
                    "SECOND: The assistance is given in goods, not in cash, after the "
                    "technical training, and is handed over with a signed handover record."
                ),
                st["body"],
            ),
            Spacer(1, 4),
        ]
    story += [
        _p(
            _(
                "THIRD: The reserves listed in the annex, in their order, replace a recipient "
                "who cannot receive, through a revision of this decree."
            ),
            st["body"],
        ),
        Spacer(1, 4),
    ]
    if decree.previous_id and decree.revision_reason:
        story += [
            _p(
                _("This decree revises the decree of version %(v)s, for this reason: %(reason)s")
                % {"v": decree.version - 1, "reason": decree.revision_reason},
                st["body"],
            ),
            Spacer(1, 4),
        ]
    story += [
        _p(_("FOURTH: This decree takes effect on the day it is issued."), st["body"]),
        Spacer(1, 14),
        _signature(decree, st),
        PageBreak(),
        _p(
            _(
                "ANNEX TO THE DECREE OF THE HEAD OF THE SOCIAL AFFAIRS OFFICE OF EAST KALIMANTAN "
                "PROVINCE"
            ),
            st["title"],
        ),
        _p(
            _("NUMBER: %(number)s · DATE: %(date)s")
            % {"number": decree.number or "…", "date": _date(decree)},
            st["center"],
        ),
        Spacer(1, 8),
        _p(_("RECIPIENTS"), st["title"]),
        Spacer(1, 4),
    ]
    group = py.program.unit == "group"
    name_head = _("Group") if group else _("Name")
    rows: list[list[Any]] = [
        [
            _("No."),
            name_head,
            _("NIK") if not group else _("NIK of the chair"),
            _("Village"),
            _("Value (Rp)"),
        ]
    ]
    for line in sheet.recipients:
        name = _p(line.name, st["cell"])
        if line.detail:
            name = Paragraph(
                f"{escape(line.name)}<br/><font size=7>{escape(line.detail)}</font>", st["cell"]
            )
        rows.append(
            [
                str(line.number),
                name,
                line.nik_masked,
                _p(line.village_name or line.village_code, st["cell"]),
                _p(format_number(line.value), st["cellr"]),
            ]
        )
    rows.append(
        [
            _("TOTAL: %(n)s %(unit)s") % {"n": n, "unit": _unit_word(decree)},
            "",
            "",
            "",
            Paragraph(f"<b>{escape(format_number(total))}</b>", st["cellr"]),
        ]
    )
    story += [
        _table(rows, [1.0 * cm, 6.4 * cm, 3.4 * cm, 3.5 * cm, 2.7 * cm], total_row=True),
        Spacer(1, 4),
        _p(_("Total in figures: %(total)s") % {"total": format_rupiah(total)}, st["body"]),
        _p(_("In words: %(words)s") % {"words": words}, st["body"]),
    ]
    if sheet.reserves:
        rrows: list[list[Any]] = [[_("No."), name_head, _("NIK"), _("Village"), _("Score")]]
        for line in sheet.reserves:
            rrows.append(
                [
                    str(line.number),
                    _p(line.name, st["cell"]),
                    line.nik_masked,
                    _p(line.village_name or line.village_code, st["cell"]),
                    line.score,
                ]
            )
        story += [
            Spacer(1, 12),
            _p(_("RESERVES, IN ORDER"), st["title"]),
            Spacer(1, 4),
            _table(rrows, [1.0 * cm, 6.4 * cm, 3.4 * cm, 3.9 * cm, 2.3 * cm]),
        ]
    story += [Spacer(1, 16), _signature(decree, st)]
    doc.build(story, onFirstPage=page, onLaterPages=page)
    return buf.getvalue()


def decree_xlsx_response(*, user: Any, decree: Decree, sheet: Sheet):
    """The decree's list as XLSX, through the logged, formula-safe export helper."""
    with translation.override("id"):
        py = decree.program_year
        headers = [
            _("No."),
            _("Name"),
            _("NIK"),
            _("Detail"),
            _("Village code"),
            _("Village"),
            _("Value (Rp)"),
            _("Score"),
        ]
        rows: list[list[Any]] = []
        for line in sheet.recipients:
            rows.append(
                [
                    line.number,
                    line.name,
                    line.nik_masked,
                    line.detail,
                    line.village_code,
                    line.village_name,
                    line.value,
                    line.score,
                ]
            )
        rows.append([None, _("TOTAL"), None, None, None, None, sheet.total, None])
        rows.append(
            [None, _("In words"), None, rupiah_in_words(sheet.total), None, None, None, None]
        )
        if sheet.reserves:
            rows.append([None] * 8)
            rows.append([None, _("RESERVES, IN ORDER"), None, None, None, None, None, None])
            for line in sheet.reserves:
                rows.append(
                    [
                        line.number,
                        line.name,
                        line.nik_masked,
                        line.detail,
                        line.village_code,
                        line.village_name,
                        line.value,
                        line.score,
                    ]
                )
        name = f"SK-{py.program.code}-{py.year}-{decree.region_id}-v{decree.version}"
        return export_response(
            user=user,
            name=name,
            headers=headers,
            rows=rows,
            description=f"{decree} {decree.number}".strip(),
            filters={"decree": decree.pk, "version": decree.version, "status": decree.status},
        )
