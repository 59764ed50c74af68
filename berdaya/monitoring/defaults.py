"""The partner agencies of seed 001, known to a fresh database (staff edit and add more)."""

from __future__ import annotations

AGENCIES = [
    {
        "code": "DISPERINDAGKOP",
        "name": "Dinas Perindustrian, Perdagangan, Koperasi dan UKM Provinsi Kalimantan Timur",
        "short_name": "Disperindagkop dan UKM Kaltim",
        "sector": "trade",
        "services": ["product"],
    },
    {
        "code": "DISDIKBUD",
        "name": "Dinas Pendidikan dan Kebudayaan Provinsi Kalimantan Timur",
        "short_name": "Disdikbud Kaltim",
        "sector": "education",
        "services": ["scholarship"],
    },
    {
        "code": "DINKES",
        "name": "Dinas Kesehatan Provinsi Kalimantan Timur",
        "short_name": "Dinas Kesehatan",
        "sector": "health",
        "services": ["nutrition", "health"],
    },
    {
        "code": "DISNAKERTRANS",
        "name": "Dinas Tenaga Kerja dan Transmigrasi Provinsi Kalimantan Timur",
        "short_name": "Disnakertrans Kaltim",
        "sector": "manpower",
        "services": ["training"],
    },
    {
        "code": "PUPR",
        "name": (
            "Dinas Pekerjaan Umum, Penataan Ruang dan Perumahan Rakyat Provinsi Kalimantan Timur"
        ),
        "short_name": "Dinas PUPR-PERA Kaltim",
        "sector": "public_works",
        "services": ["housing"],
    },
]


def seed_agencies(model) -> int:
    """Create the seed agencies that are missing (by code); returns how many were made."""
    made = 0
    for spec in AGENCIES:
        _obj, created = model.objects.get_or_create(
            code=spec["code"], defaults={k: v for k, v in spec.items() if k != "code"}
        )
        made += created
    return made
