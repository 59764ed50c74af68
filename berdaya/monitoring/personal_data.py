"""Visits, referrals, exhibitions and visit photos in a data-subject report (UU 27/2022)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from berdaya.core.models import StoredFile
from berdaya.core.personal_data import Section
from berdaya.monitoring import selectors
from berdaya.monitoring.models import ExhibitionParticipant, Visit
from berdaya.monitoring.panels import units_of_nik


def _visits(user: Any, nik: str):
    units = units_of_nik(user, nik).values_list("pk", flat=True)
    return Visit.objects.filter(unit_id__in=list(units), status=Visit.Status.DONE)


def visits_section(user: Any, nik: str) -> Section | None:
    if not user.has_capability("monitoring.view"):
        return None
    rows = [
        [
            str(v.unit.program_year),
            v.region_id,
            v.unit.name,
            v.month,
            v.visited_on,
            v.business_status,
            v.stop_reason,
            v.revenue,
            v.profit,
            v.workers,
            v.workers_poor,
            v.goods_held_percent,
            v.residents,
            ", ".join(v.improvements or []),
            _("yes") if v.independent else _("no"),
            v.notes,
            v.recorded_by.display_name if v.recorded_by_id else "",
        ]
        for v in _visits(user, nik).select_related("unit__program_year__program", "recorded_by")
    ]
    return Section(
        _("Follow-up visits"),
        [
            "PROGRAM",
            "WILAYAH",
            "PENERIMA",
            "BULAN_KE",
            "TANGGAL",
            "STATUS_USAHA",
            "ALASAN_BERHENTI",
            "OMZET",
            "LABA",
            "PEKERJA",
            "PEKERJA_MISKIN",
            "BARANG_DIPEGANG_PERSEN",
            "PENGHUNI",
            "PERBAIKAN",
            "MANDIRI",
            "CATATAN",
            "PENDAMPING",
        ],
        rows,
    )


def referrals_section(user: Any, nik: str) -> Section | None:
    qs = selectors.referrals_visible(user).filter(Q(subject_nik=nik) | Q(person__nik=nik))
    rows = [
        [
            r.created_at,
            r.region_id,
            r.agency.name,
            r.get_service_display(),
            r.subject_name,
            r.address,
            r.contact,
            r.reason,
            r.get_status_display(),
            r.get_outcome_display(),
            r.outcome_note,
            r.outcome_on,
        ]
        for r in qs
    ]
    return Section(
        _("Referrals to partner agencies"),
        [
            "DIKIRIM",
            "WILAYAH",
            "OPD_MITRA",
            "LAYANAN",
            "NAMA",
            "ALAMAT",
            "KONTAK",
            "ALASAN",
            "STATUS",
            "HASIL",
            "TINDAKAN",
            "TANGGAL_HASIL",
        ],
        rows,
    )


def exhibitions_section(user: Any, nik: str) -> Section | None:
    if not user.has_capability("monitoring.view"):
        return None
    units = list(units_of_nik(user, nik).values_list("pk", flat=True))
    rows = [
        [
            p.exhibition.name,
            p.exhibition.starts_on,
            p.exhibition.place,
            p.unit.name,
            "; ".join(f"{x.name} ({x.quantity_sold})" for x in p.products.all()),
            p.sales,
        ]
        for p in ExhibitionParticipant.objects.filter(unit_id__in=units)
        .select_related("exhibition", "unit")
        .prefetch_related("products")
    ]
    return Section(
        _("Exhibitions"), ["PAMERAN", "TANGGAL", "TEMPAT", "PESERTA", "PRODUK", "PENJUALAN"], rows
    )


def photos_section(user: Any, nik: str) -> Section | None:
    if not user.has_capability("monitoring.view"):
        return None
    ids = [str(pk) for pk in _visits(user, nik).values_list("pk", flat=True)]
    rows = [
        [f.kind, f.original_name, f.content_type, f.size, f.uploaded_at]
        for f in StoredFile.objects.filter(owner_type="monitoring.visit", owner_id__in=ids)
    ]
    return Section(
        _("Follow-up visit photos"), ["JENIS", "NAMA_BERKAS", "TIPE", "UKURAN", "DIUNGGAH"], rows
    )
