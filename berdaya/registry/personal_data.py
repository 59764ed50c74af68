"""The registry's part of a data-subject report: the person, their family, the register rows."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from berdaya.accounts.scope import scoped
from berdaya.core.personal_data import Section
from berdaya.registry.models import Person, RegisterRecord


def person_section(user: Any, nik: str) -> Section | None:
    rows = []
    for p in scoped(Person.objects.filter(nik=nik).select_related("village"), user):
        rows.append(
            [
                p.nik,
                p.kk,
                p.name,
                p.birth_place,
                p.birth_date,
                p.sex,
                p.address,
                p.village_id,
                p.village.name,
                p.relation,
                p.occupation,
                p.decile,
                p.life_status,
                "Y" if p.disability else "N",
                "Y" if p.extreme_poverty else "N",
                p.source,
                p.created_at,
                p.updated_at,
            ]
        )
    return Section(
        _("People"),
        [
            "NIK",
            "NO_KK",
            "NAMA",
            "TEMPAT_LAHIR",
            "TGL_LAHIR",
            "JENIS_KELAMIN",
            "ALAMAT",
            "KODE_WILAYAH",
            "DESA",
            "HUBUNGAN_KELUARGA",
            "PEKERJAAN",
            "DESIL",
            "STATUS_HIDUP",
            "DISABILITAS",
            "KEMISKINAN_EKSTREM",
            "SUMBER",
            "DIBUAT",
            "DIUBAH",
        ],
        rows,
    )


def register_section(user: Any, nik: str) -> Section | None:
    rows = [
        [
            r.source_id,
            r.nik,
            r.kk,
            r.name,
            r.birth_place,
            r.birth_date,
            r.sex,
            r.address,
            r.village_code,
            r.decile,
            r.relation,
            r.occupation,
            r.life_status,
            "Y" if r.disability else "N",
            "Y" if r.extreme_poverty else "N",
            "Y" if r.present else "N",
        ]
        for r in scoped(RegisterRecord.objects.filter(nik=nik), user)
    ]
    return Section(
        _("National register (DTKS/DTSEN)"),
        [
            "ID",
            "NIK",
            "NO_KK",
            "NAMA",
            "TEMPAT_LAHIR",
            "TGL_LAHIR",
            "JENIS_KELAMIN",
            "ALAMAT",
            "KODE_WILAYAH",
            "DESIL",
            "HUBUNGAN_KELUARGA",
            "PEKERJAAN",
            "STATUS_HIDUP",
            "DISABILITAS",
            "KEMISKINAN_EKSTREM",
            "DI_EKSTRAK_TERAKHIR",
        ],
        rows,
    )
