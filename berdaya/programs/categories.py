"""The 26 social welfare categories (PPKS) of Permensos 8/2012, with Berdaya's default criteria.

Names are the regulation's own (Indonesian). The criteria are data: a province admin edits
them on the category page. Age bounds are inclusive completed years on the programme year's
reference date; `once_only` means a person receives planned assistance in this category once
in a lifetime (otherwise once a year).
"""

from __future__ import annotations

# (number, code, name, age_min, age_max, sex, once_only)
PPKS_CATEGORIES: list[tuple[int, str, str, int | None, int | None, str, bool]] = [
    (1, "ABT", "Anak Balita Terlantar", 0, 4, "", False),
    (2, "AT", "Anak Terlantar", 5, 17, "", False),
    (3, "ABH", "Anak yang Berhadapan dengan Hukum", 0, 17, "", False),
    (4, "AJ", "Anak Jalanan", 0, 17, "", False),
    (5, "ADK", "Anak dengan Kedisabilitasan", 0, 17, "", False),
    (
        6,
        "AKTK",
        "Anak yang Menjadi Korban Tindak Kekerasan atau Diperlakukan Salah",
        0,
        17,
        "",
        False,
    ),
    (7, "AMPK", "Anak yang Memerlukan Perlindungan Khusus", 0, 17, "", False),
    (8, "LUT", "Lanjut Usia Terlantar", 60, None, "", False),
    (9, "PD", "Penyandang Disabilitas", 18, None, "", False),
    (10, "TS", "Tuna Susila", 18, None, "", False),
    (11, "GEL", "Gelandangan", 18, None, "", False),
    (12, "PENG", "Pengemis", 18, None, "", False),
    (13, "PEMU", "Pemulung", 18, None, "", False),
    (14, "KMIN", "Kelompok Minoritas", None, None, "", False),
    (15, "BWBLP", "Bekas Warga Binaan Lembaga Pemasyarakatan", 18, None, "", False),
    (16, "ODHA", "Orang dengan HIV/AIDS", None, None, "", False),
    (17, "KPN", "Korban Penyalahgunaan NAPZA", None, None, "", False),
    (18, "KTRAF", "Korban Trafficking", None, None, "", False),
    (19, "KTK", "Korban Tindak Kekerasan", None, None, "", False),
    (20, "PMBS", "Pekerja Migran Bermasalah Sosial", 18, None, "", False),
    (21, "KBA", "Korban Bencana Alam", None, None, "", False),
    (22, "KBS", "Korban Bencana Sosial", None, None, "", False),
    (23, "PRSE", "Perempuan Rawan Sosial Ekonomi", 18, 59, "P", True),
    (24, "FM", "Fakir Miskin", None, None, "", False),
    (25, "KBSP", "Keluarga Bermasalah Sosial Psikologis", None, None, "", False),
    (26, "KAT", "Komunitas Adat Terpencil", None, None, "", False),
]

# The categories planned individual assistance (PPKS) serves by default: all of them.
PPKS_CODES = [c[1] for c in PPKS_CATEGORIES]
