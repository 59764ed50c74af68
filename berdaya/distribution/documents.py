"""Printable documents of distribution: the BAST of one handover, the collective BAST of a
region's handovers in a period, and the Bimtek attendance sheet.

Official Indonesian documents, so written in Indonesian whatever the reader's language (the
decree does the same, and its PDF helpers are reused). NIKs are printed masked. A BAST carries
its verification code (the hash of its content) and, once voided, a VOID mark on every page.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table

from berdaya.allocation.documents import OFFICE, _p, _styles, _table
from berdaya.allocation.terbilang import rupiah_in_words
from berdaya.core.masking import mask_nik
from berdaya.core.templatetags.berdaya import format_number, format_rupiah
from berdaya.distribution.models import Handover, TrainingSession, UnitPackage


def _date(value: Any) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else "…"


def _letterhead(st: dict, width: float) -> list:
    return [
        _p("PEMERINTAH PROVINSI KALIMANTAN TIMUR", st["center"]),
        _p(OFFICE, st["head"]),
        Spacer(1, 4),
        Table([[""]], colWidths=[width], style=[("LINEABOVE", (0, 0), (-1, 0), 1.2, colors.black)]),
        Spacer(1, 6),
    ]


def _pager(label: str, code: str, void: bool, size: tuple[float, float]) -> Callable:
    def page(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(
            2 * cm, 1.2 * cm, _("%(sk)s · page %(page)s") % {"sk": label, "page": doc.page}
        )
        if code:
            canvas.drawRightString(
                size[0] - 2 * cm, 1.2 * cm, _("Verification code: %(code)s") % {"code": code}
            )
        if void:
            canvas.setFont("Helvetica-Bold", 70)
            canvas.setFillColor(colors.Color(0.85, 0.1, 0.1, alpha=0.2))
            canvas.translate(size[0] / 2, size[1] / 2)
            canvas.rotate(45)
            canvas.drawCentredString(0, 0, _("VOID"))
        canvas.restoreState()

    return page


def _signatures(
    st: dict, left: tuple[str, str, str], right: tuple[str, str, str], width: float
) -> Table:
    """Two signature blocks side by side: (heading, name, line under the name)."""

    def block(heading: str, name: str, under: str) -> list:
        return [
            _p(heading, st["center"]),
            Spacer(1, 1.8 * cm),
            Paragraph(f"<b><u>{escape(name or '……………………………')}</u></b>", st["center"]),
            _p(under, st["center"]),
        ]

    table = Table([[block(*left), block(*right)]], colWidths=[width / 2, width / 2])
    table.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP")])
    return table


def _item_rows(st: dict, lines: list[tuple[str, str, int, int]]) -> tuple[list, int]:
    rows: list[list[Any]] = [
        [_("No."), _("Goods"), _("Quantity"), _("Unit"), _("Unit price (Rp)"), _("Value (Rp)")]
    ]
    total = 0
    for i, (name, unit, qty, price) in enumerate(lines, start=1):
        total += qty * price
        rows.append(
            [
                str(i),
                _p(name, st["cell"]),
                _p(format_number(qty), st["cellr"]),
                unit,
                _p(format_number(price), st["cellr"]),
                _p(format_number(qty * price), st["cellr"]),
            ]
        )
    rows.append(
        [
            _("TOTAL"),
            "",
            "",
            "",
            "",
            Paragraph(f"<b>{escape(format_number(total))}</b>", st["cellr"]),
        ]
    )
    return rows, total


def _photo(handover: Handover) -> Image | None:
    if not handover.photo_id:
        return None
    try:
        data = handover.photo.file.open("rb").read()
        handover.photo.file.close()
        from reportlab.lib.utils import ImageReader

        reader = ImageReader(io.BytesIO(data))
        w, h = reader.getSize()
        width = 7 * cm
        return Image(io.BytesIO(data), width=width, height=width * h / w)
    except (OSError, ValueError):
        return None


def bast_pdf(handover: Handover) -> bytes:
    """The BAST of one handover: the parties, the goods with quantities and values in rupiah,
    what of the package is left when partial, the photo, and the signature blocks."""
    with translation.override("id"):
        return _bast_pdf(handover)


def _bast_pdf(h: Handover) -> bytes:
    st = _styles()
    py = h.program_year
    buf = io.BytesIO()
    width = 17 * cm
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.8 * cm,
        bottomMargin=2 * cm,
        title=h.number,
        author=OFFICE,
        subject=_("Handover record of goods (BAST)"),
    )
    decree = h.allocation.decree
    if h.receiver_role:
        role = (
            _("%(role)s of the group %(group)s")
            % {"role": h.receiver_role, "group": h.allocation.group.name}
            if h.allocation.group_id
            else h.receiver_role
        )
    else:
        role = _("beneficiary")
    story: list = [
        *_letterhead(st, width),
        _p(_("HANDOVER RECORD OF ASSISTANCE GOODS"), st["title"]),
        _p(_("(BERITA ACARA SERAH TERIMA)"), st["title"]),
        _p(_("NUMBER: %(number)s") % {"number": h.number}, st["title"]),
        Spacer(1, 10),
        _p(
            _("On %(date)s, at %(place)s, we the undersigned:")
            % {"date": _date(h.handed_on), "place": h.place},
            st["body"],
        ),
        Spacer(1, 4),
        _p(
            _(
                "1. %(name)s, %(title)s, on behalf of the Social Affairs Office of East Kalimantan "
                "Province, hereinafter the FIRST PARTY;"
            )
            % {"name": h.officer_name, "title": h.officer_title or _("officer")},
            st["body"],
        ),
        _p(
            _("2. %(name)s, NIK %(nik)s, as %(role)s, hereinafter the SECOND PARTY.")
            % {"name": h.receiver_name, "nik": mask_nik(h.receiver_nik) or "-", "role": role},
            st["body"],
        ),
        Spacer(1, 4),
        _p(
            _(
                "The FIRST PARTY hands over to the SECOND PARTY, and the SECOND PARTY receives in "
                "good condition, goods of the %(program)s %(year)s assistance under decree "
                "%(decree)s, as follows:"
            )
            % {
                "program": py.program.name,
                "year": py.year,
                "decree": (decree.number if decree else "") or "-",
            },
            st["body"],
        ),
        Spacer(1, 6),
    ]
    lines = [
        (x.item.name, x.item.unit, x.quantity, x.unit_price) for x in h.lines.select_related("item")
    ]
    rows, total = _item_rows(st, lines)
    table = _table(rows, [1.0 * cm, 6.6 * cm, 1.8 * cm, 1.6 * cm, 3.0 * cm, 3.0 * cm])
    table.setStyle([("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 8.5), ("SPAN", (0, -1), (4, -1))])
    story += [
        table,
        Spacer(1, 4),
        _p(
            _("Total value: %(total)s (%(words)s)")
            % {"total": format_rupiah(total), "words": rupiah_in_words(total)},
            st["body"],
        ),
        Spacer(1, 4),
    ]
    package = UnitPackage.objects.filter(allocation_id=h.allocation_id).first()
    if h.partial:
        story.append(
            _p(_("This is a partial handover: the rest of the package follows."), st["body"])
        )
    if package is not None:
        left = [x for x in package.lines.select_related("item") if x.remaining > 0]
        if left and not h.voided:
            story.append(
                _p(
                    _("Still to be handed over (as of printing): %(items)s")
                    % {
                        "items": "; ".join(
                            f"{x.remaining} {x.item.unit} {x.item.name}" for x in left
                        )
                    },
                    st["small"],
                )
            )
    story.append(
        _p(
            _(
                "The goods are assistance for the SECOND PARTY's business: they are not to be sold "
                "or handed to anyone else."
            ),
            st["body"],
        )
    )
    if h.latitude is not None:
        story.append(
            _p(
                _("Position: %(lat)s, %(lon)s") % {"lat": h.latitude, "lon": h.longitude},
                st["small"],
            )
        )
    if h.voided:
        story.append(_p(_("VOID: %(reason)s") % {"reason": h.void_reason}, st["body"]))
    story += [
        Spacer(1, 14),
        KeepTogether(
            [
                _p(
                    _("Made at %(place)s on %(date)s")
                    % {"place": h.place, "date": _date(h.handed_on)},
                    st["body"],
                ),
                Spacer(1, 6),
                _signatures(
                    st,
                    (_("SECOND PARTY (receives)"), h.receiver_name, role),
                    (_("FIRST PARTY (hands over)"), h.officer_name, h.officer_title),
                    width,
                ),
            ]
        ),
    ]
    if h.witness_name:
        story += [
            Spacer(1, 8),
            KeepTogether(
                [
                    _p(_("Witnessed by"), st["center"]),
                    Spacer(1, 1.5 * cm),
                    Paragraph(f"<b><u>{escape(h.witness_name)}</u></b>", st["center"]),
                ]
            ),
        ]
    photo = _photo(h)
    if photo is not None:
        story += [Spacer(1, 10), _p(_("Photo of the handover"), st["small"]), photo]
    story += [
        Spacer(1, 6),
        _p(
            _("Recorded in Berdaya on %(at)s WITA")
            % {"at": formats.date_format(timezone.localtime(h.created_at), "DATETIME_FORMAT")},
            st["small"],
        ),
    ]
    page = _pager(h.number, h.content_hash[:16].upper(), h.voided, A4)
    doc.build(story, onFirstPage=page, onLaterPages=page)
    return buf.getvalue()


def batch_bast_pdf(
    program_year: Any, region: Any, handovers: list[Handover], period: str, officer: str = ""
) -> bytes:
    """The collective BAST of a region's handovers in a period: one line per handover with its
    goods and value and a place for each receiver's signature; void ones listed apart."""
    with translation.override("id"):
        return _batch_pdf(program_year, region, handovers, period, officer)


def _batch_pdf(py: Any, region: Any, handovers: list[Handover], period: str, officer: str) -> bytes:
    st = _styles()
    size = landscape(A4)
    width = size[0] - 4 * cm
    buf = io.BytesIO()
    label = f"BAST {py.program.code} {py.year} {region.code} {period}"
    doc = SimpleDocTemplate(
        buf,
        pagesize=size,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.5 * cm,
        bottomMargin=2 * cm,
        title=label,
        author=OFFICE,
        subject=_("Collective handover record of goods (BAST)"),
    )
    valid = [h for h in handovers if not h.voided]
    void = [h for h in handovers if h.voided]
    total = sum(h.value for h in valid)
    story: list = [
        *_letterhead(st, width),
        _p(_("COLLECTIVE HANDOVER RECORD OF ASSISTANCE GOODS"), st["title"]),
        _p(
            _("%(program)s %(year)s · %(region)s · %(period)s")
            % {
                "program": py.program.name,
                "year": py.year,
                "region": region.name,
                "period": period,
            },
            st["title"],
        ),
        Spacer(1, 8),
        _p(
            _(
                "The goods below were handed over by the Social Affairs Office of East Kalimantan "
                "Province to the beneficiaries of the decree, each handover under its own BAST "
                "number:"
            ),
            st["body"],
        ),
        Spacer(1, 6),
    ]
    rows: list[list[Any]] = [
        [
            _("No."),
            _("BAST number"),
            _("Date"),
            _("Receiver"),
            _("NIK"),
            _("Goods"),
            _("Value (Rp)"),
            _("Signature"),
        ]
    ]
    for i, h in enumerate(valid, start=1):
        goods = "; ".join(f"{x.quantity} {x.item.unit} {x.item.name}" for x in h.lines.all())
        name = h.receiver_name + (f" ({h.receiver_role})" if h.receiver_role else "")
        if h.partial:
            name += " · " + _("partial")
        rows.append(
            [
                str(i),
                h.number,
                _date(h.handed_on),
                _p(name, st["cell"]),
                mask_nik(h.receiver_nik),
                _p(goods, st["cell"]),
                _p(format_number(h.value), st["cellr"]),
                f"{i}. ………",
            ]
        )
    rows.append(
        [
            _("TOTAL: %(n)s handovers") % {"n": len(valid)},
            "",
            "",
            "",
            "",
            "",
            Paragraph(f"<b>{escape(format_number(total))}</b>", st["cellr"]),
            "",
        ]
    )
    story += [
        _table(
            rows,
            [
                1.0 * cm,
                5.2 * cm,
                2.2 * cm,
                4.4 * cm,
                3.2 * cm,
                6.0 * cm,
                2.6 * cm,
                width - 24.6 * cm,
            ],
            total_row=True,
        ),
        Spacer(1, 4),
        _p(
            _("Total value: %(total)s (%(words)s)")
            % {"total": format_rupiah(total), "words": rupiah_in_words(total)},
            st["body"],
        ),
    ]
    if void:
        story += [
            Spacer(1, 6),
            _p(
                _("Voided, not counted: %(list)s")
                % {"list": "; ".join(f"{h.number} ({h.void_reason})" for h in void)},
                st["small"],
            ),
        ]
    story += [
        Spacer(1, 14),
        KeepTogether(
            [
                _signatures(
                    st,
                    (
                        _("Known by, Head of the Social Affairs Office of %(region)s")
                        % {"region": region.name},
                        "",
                        "",
                    ),
                    (_("Officer handing over"), officer, ""),
                    width,
                )
            ]
        ),
    ]
    code = ""
    if valid:
        import hashlib

        code = hashlib.sha256("|".join(h.content_hash for h in valid).encode()).hexdigest()[:16]
    page = _pager(label, code.upper(), False, size)
    doc.build(story, onFirstPage=page, onLaterPages=page)
    return buf.getvalue()


def attendance_pdf(session: TrainingSession) -> bytes:
    """The attendance sheet to print, sign at the session and upload back."""
    with translation.override("id"):
        return _attendance_pdf(session)


def _attendance_pdf(s: TrainingSession) -> bytes:
    st = _styles()
    width = 17 * cm
    buf = io.BytesIO()
    py = s.program_year
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.8 * cm,
        bottomMargin=2 * cm,
        title=f"Daftar hadir {s.title}",
        author=OFFICE,
    )
    dates = _date(s.starts_on) + (f" – {_date(s.ends_on)}" if s.ends_on else "")
    story: list = [
        *_letterhead(st, width),
        _p(_("ATTENDANCE LIST"), st["title"]),
        _p(
            _("TECHNICAL TRAINING (BIMTEK) %(program)s %(year)s")
            % {"program": py.program.name.upper(), "year": py.year},
            st["title"],
        ),
        Spacer(1, 8),
        Table(
            [
                [_("Session"), s.title],
                [_("Date"), dates],
                [_("Place"), s.place],
                [_("Regency/city"), s.region.name],
                [_("Topics"), _p(", ".join(s.topic_labels()), st["cell"])],
                [_("Trainers"), _p(s.trainers, st["cell"])],
            ],
            colWidths=[3.5 * cm, width - 3.5 * cm],
            style=[
                ("FONT", (0, 0), (0, -1), "Helvetica-Bold", 9),
                ("FONT", (1, 0), (1, -1), "Helvetica", 9),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ],
        ),
        Spacer(1, 8),
    ]
    rows: list[list[Any]] = [[_("No."), _("Name"), _("NIK"), _("Group / role"), _("Signature"), ""]]
    participants = list(
        s.participants.select_related("proposal", "allocation__group").order_by("name", "pk")
    )
    for i, p in enumerate(participants, start=1):
        group = ""
        if p.allocation.group_id:
            group = f"{p.allocation.group.name} · {p.role}".strip(" ·")
        sign = [f"{i}. ………", ""] if i % 2 else ["", f"{i}. ………"]
        rows.append(
            [str(i), _p(p.name, st["cell"]), mask_nik(p.proposal.nik), _p(group, st["cell"]), *sign]
        )
    for i in range(len(participants) + 1, len(participants) + 4):
        rows.append([str(i), "", "", "", *([f"{i}. ………", ""] if i % 2 else ["", f"{i}. ………"])])
    table = _table(rows, [1.0 * cm, 5.0 * cm, 3.2 * cm, 3.4 * cm, 2.2 * cm, 2.2 * cm])
    table.setStyle(
        [
            ("SPAN", (4, 0), (5, 0)),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white]),
            ("TOPPADDING", (0, 1), (-1, -1), 7),
            ("BOTTOMPADDING", (0, 1), (-1, -1), 7),
        ]
    )
    story += [
        table,
        Spacer(1, 16),
        KeepTogether(
            [
                _signatures(
                    st,
                    (_("Trainer"), (s.trainers or "").splitlines()[0] if s.trainers else "", ""),
                    (_("Committee"), "", ""),
                    width,
                )
            ]
        ),
    ]
    page = _pager(f"Bimtek {py.program.code} {py.year} {s.region_id} {s.starts_on}", "", False, A4)
    doc.build(story, onFirstPage=page, onLaterPages=page)
    return buf.getvalue()
