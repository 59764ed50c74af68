"""The four programmes of the seeds, with the default criteria of DOMAIN.md and DESIGN.md."""

from __future__ import annotations

from berdaya.programs.categories import PPKS_CODES

# Years an LKS accreditation stays valid, by grade: A 5, B 3, C 2.
ACCREDITATION_VALIDITY = {"A": 5, "B": 3, "C": 2}

EXCLUDED_OCCUPATIONS = [
    "PEGAWAI NEGERI SIPIL",
    "PNS",
    "ASN",
    "TNI",
    "POLRI",
    "TNI/POLRI",
    "ANGGOTA TNI",
    "ANGGOTA POLRI",
    "KEPOLISIAN RI",
    "TENTARA NASIONAL INDONESIA",
]

SEED_PROGRAMS = [
    {
        "code": "WRSE",
        "name": "Bantuan usaha Wanita Rawan Sosial Ekonomi",
        "unit": "person",
        "value_per_unit": 5_000_000,
        "description": "Modal usaha dalam bentuk barang bagi perempuan rawan sosial ekonomi "
        "usia 18-59 tahun yang menjadi tulang punggung keluarga.",
        "defaults": {
            "value_per_unit": 5_000_000,
            "sex": "P",
            "age_min": 18,
            "age_max": 59,
            "max_decile": 4,
            "head_of_family_required": True,
            "excluded_occupations": EXCLUDED_OCCUPATIONS,
            "once_in_lifetime": True,
            "excluded_programs": [],
        },
    },
    {
        "code": "KUBE",
        "name": "Kelompok Usaha Bersama",
        "unit": "group",
        "value_per_unit": 20_000_000,
        "description": "Modal usaha kelompok dalam bentuk barang atau peralatan bagi 5-20 "
        "kepala keluarga miskin dari satu desa (Permensos 2/2019).",
        "defaults": {
            "value_per_unit": 20_000_000,
            "sex": "",
            "age_min": 18,
            "age_max": 60,
            "max_decile": 4,
            "head_of_family_required": True,
            "excluded_occupations": EXCLUDED_OCCUPATIONS,
            "once_in_lifetime": True,
            "excluded_programs": [],
            "group_min": 5,
            "group_max": 20,
        },
    },
    {
        "code": "LKS",
        "name": "Bantuan teknis Lembaga Kesejahteraan Sosial",
        "unit": "institution",
        "value_per_unit": 0,
        "description": "Bantuan operasional dan peningkatan mutu layanan bagi panti asuhan, "
        "panti wreda dan panti disabilitas.",
        "defaults": {
            "value_per_unit": 0,
            "accreditation_required": True,
            "accreditation_validity": dict(ACCREDITATION_VALIDITY),
        },
    },
    {
        "code": "PPKS",
        "name": "Bantuan terencana bagi PPKS",
        "unit": "person",
        "value_per_unit": 0,
        "description": "Bantuan terencana bagi penyandang disabilitas, lanjut usia, veteran "
        "dan janda veteran, gelandangan, dan anak terlantar di luar lembaga.",
        "defaults": {
            "value_per_unit": 0,
            "max_decile": 4,
            "excluded_occupations": EXCLUDED_OCCUPATIONS,
            "categories": list(PPKS_CODES),
        },
    },
]
