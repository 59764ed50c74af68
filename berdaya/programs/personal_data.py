"""The programmes' part of a data-subject report: the past-recipient lists naming the person."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from berdaya.core.personal_data import Section
from berdaya.programs.models import PastRecipient


def recipients_section(user: Any, nik: str) -> Section | None:
    qs = PastRecipient.objects.filter(nik=nik).select_related("program")
    scope = user.region_scope
    if scope is not None:
        qs = qs.filter(village_code__startswith=scope) if scope else qs.none()
    rows = [
        [r.program.code, r.year, r.category, r.name, r.birth_date, r.sex, r.village_code, r.source]
        for r in qs.order_by("year")
    ]
    return Section(
        _("Past recipients"),
        [
            "PROGRAM",
            "TAHUN",
            "KATEGORI",
            "NAMA",
            "TGL_LAHIR",
            "JENIS_KELAMIN",
            "KODE_WILAYAH",
            "SUMBER",
        ],
        rows,
    )
