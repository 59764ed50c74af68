"""Handovers, attendance and handover photos in a data-subject report (UU 27/2022)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from berdaya.accounts.scope import scoped
from berdaya.core.models import StoredFile
from berdaya.core.personal_data import Section
from berdaya.distribution.models import Handover, Participant


def _handovers(user: Any, nik: str):
    return (
        scoped(Handover.objects.all(), user)
        .filter(
            Q(receiver_nik=nik)
            | Q(allocation__proposal__nik=nik)
            | Q(allocation__group__members__nik=nik)
        )
        .distinct()
    )


def handovers_section(user: Any, nik: str) -> Section | None:
    rows = []
    for h in (
        _handovers(user, nik)
        .select_related("program_year__program")
        .prefetch_related("lines__item")
    ):
        items = "; ".join(f"{x.quantity} {x.item.unit} {x.item.name}" for x in h.lines.all())
        rows.append(
            [
                str(h.program_year),
                h.region_id,
                h.number,
                h.handed_on,
                h.place,
                h.receiver_name,
                h.receiver_role,
                items,
                h.value,
                _("partial") if h.partial else _("complete"),
                h.latitude,
                h.longitude,
                h.officer_name,
                h.status,
                h.void_reason,
            ]
        )
    return Section(
        _("Handovers of goods (BAST)"),
        [
            "PROGRAM",
            "WILAYAH",
            "NOMOR_BAST",
            "TANGGAL",
            "TEMPAT",
            "PENERIMA",
            "SEBAGAI",
            "BARANG",
            "NILAI",
            "SIFAT",
            "LINTANG",
            "BUJUR",
            "PETUGAS",
            "STATUS",
            "ALASAN_BATAL",
        ],
        rows,
    )


def attendance_section(user: Any, nik: str) -> Section | None:
    rows = [
        [
            str(p.session.program_year),
            p.session.region_id,
            p.session.title,
            p.session.starts_on,
            p.session.place,
            p.status,
            p.via,
            p.marked_at,
        ]
        for p in scoped(Participant.objects.filter(proposal__nik=nik), user).select_related(
            "session__program_year__program"
        )
    ]
    return Section(
        _("Training (Bimtek) attendance"),
        ["PROGRAM", "WILAYAH", "SESI", "TANGGAL", "TEMPAT", "KEHADIRAN", "DICATAT", "WAKTU"],
        rows,
    )


def photos_section(user: Any, nik: str) -> Section | None:
    ids = [str(pk) for pk in _handovers(user, nik).values_list("pk", flat=True)]
    rows = [
        [f.kind, f.original_name, f.content_type, f.size, f.uploaded_at]
        for f in StoredFile.objects.filter(owner_type="distribution.handover", owner_id__in=ids)
    ]
    return Section(
        _("Handover photos"), ["JENIS", "NAMA_BERKAS", "TIPE", "UKURAN", "DIUNGGAH"], rows
    )
