"""A synthetic social-welfare register (DTKS/DTSEN-like) for East Kalimantan.

`generate_register` writes `register.csv` in the person-file columns of DESIGN.md and a
`README.txt`, and returns a summary of what it wrote. The output is made to look and behave
like a real provincial extract so that imports, verification and linkage can be exercised and
benchmarked on it: families share a KK number, NIKs embed the district of first issue and the
birth date (day + 40 for women), some people carry NIKs from other provinces or from the
pre-2012 North Kalimantan regencies, and the shares of the dead, the excluded occupations,
disabilities and extreme poverty are roughly those of a poverty register.

Plain Python and numpy, no Django: the management command, tests and benchmarks call it
directly. Only the seed drives randomness, so a seed gives byte-identical files. Numbers are
drawn with numpy per chunk of families; only the text assembly is a Python loop, and each
chunk is written before the next is drawn, so memory does not grow with the register.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

from berdaya.regions.codes import all_regions, province_villages

COLUMNS = (
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
)
REGISTER_FILE = "register.csv"
README_FILE = "README.txt"
FILES = (REGISTER_FILE, README_FILE)

# A fixed "as of" date, never today's: the same seed must give the same bytes on any day.
REFERENCE_DATE = dt.date(2025, 6, 30)
# Birth days are counted from here. The oldest person is below 99, so every birth date lies
# in a window shorter than 100 years and the two-digit year of the NIK is never ambiguous.
DAY0 = dt.date(1926, 7, 1)
MAX_AGE = 98
# KK numbers in the register were (re)issued from the e-KTP era on.
KK_FIRST_ISSUE = dt.date(2008, 1, 1)

FAMILIES_PER_CHUNK = 20_000

# --- geography -----------------------------------------------------------------------------

# Relative population of each regency/city (roughly the 2020 census), so the cities and Kutai
# Kartanegara dominate and Mahakam Ulu is small.
REGENCY_WEIGHTS = {
    "64.01": 0.29,  # Paser
    "64.02": 0.74,  # Kutai Kartanegara
    "64.03": 0.27,  # Berau
    "64.07": 0.17,  # Kutai Barat
    "64.08": 0.43,  # Kutai Timur
    "64.09": 0.18,  # Penajam Paser Utara
    "64.11": 0.035,  # Mahakam Ulu
    "64.71": 0.69,  # Balikpapan
    "64.72": 0.83,  # Samarinda
    "64.74": 0.18,  # Bontang
}
# The town people of a regency name as their birthplace.
REGENCY_TOWNS = {
    "64.01": "TANAH GROGOT",
    "64.02": "TENGGARONG",
    "64.03": "TANJUNG REDEB",
    "64.07": "SENDAWAR",
    "64.08": "SANGATTA",
    "64.09": "PENAJAM",
    "64.11": "UJOH BILANG",
    "64.71": "BALIKPAPAN",
    "64.72": "SAMARINDA",
    "64.74": "BONTANG",
}
CITIES = frozenset({"64.71", "64.72", "64.74"})
# Where a sea coast or the Mahakam delta makes fishing a common livelihood.
COASTAL = frozenset({"64.01", "64.02", "64.03", "64.08", "64.09", "64.74"})
# Pre-2012 East Kalimantan regencies, now North Kalimantan (65): NIKs issued there before the
# split still carry these codes. The data has no districts under them, so 01-10 are used.
HISTORICAL_TOWNS = {
    "64.04": "TANJUNG SELOR",
    "64.05": "MALINAU",
    "64.06": "NUNUKAN",
    "64.10": "TIDENG PALE",
    "64.73": "TARAKAN",
}

# --- communities ---------------------------------------------------------------------------

BANJAR, BUGIS, KUTAI, JAWA, TORAJA, DAYAK_HULU, DAYAK_DARAT = range(7)
COMMUNITY_NAMES = ("banjar", "bugis", "kutai", "jawa", "toraja", "dayak_hulu", "dayak_darat")
# dayak_hulu: the upriver Kenyah, Bahau and Kayan; dayak_darat: the Benuaq, Tunjung, Bentian.

# Share of each community among households of a regency (order of COMMUNITY_NAMES).
COMMUNITY_MIX = {
    "64.01": (0.25, 0.20, 0.30, 0.22, 0.00, 0.00, 0.03),
    "64.02": (0.20, 0.17, 0.32, 0.20, 0.02, 0.02, 0.07),
    "64.03": (0.10, 0.30, 0.25, 0.20, 0.03, 0.12, 0.00),
    "64.07": (0.08, 0.05, 0.10, 0.15, 0.02, 0.15, 0.45),
    "64.08": (0.10, 0.30, 0.20, 0.25, 0.05, 0.10, 0.00),
    "64.09": (0.15, 0.25, 0.20, 0.35, 0.03, 0.00, 0.02),
    "64.11": (0.00, 0.03, 0.04, 0.03, 0.00, 0.85, 0.05),
    "64.71": (0.20, 0.25, 0.04, 0.35, 0.08, 0.02, 0.06),
    "64.72": (0.32, 0.22, 0.10, 0.25, 0.04, 0.03, 0.04),
    "64.74": (0.15, 0.35, 0.12, 0.28, 0.06, 0.02, 0.02),
}
# Probability that a household of the community is Christian (the rest are Muslim).
CHRISTIAN_SHARE = (0.01, 0.01, 0.01, 0.06, 0.90, 0.85, 0.75)
# Probability that a household came from outside the province within living memory; the
# Kutai and Dayak are at home here.
MIGRANT_SHARE = (0.15, 0.20, 0.0, 0.23, 0.28, 0.0, 0.0)
# Probability that a household uses a noble title (Bugis Andi, Kutai Aji/Awang/Dayang).
NOBLE_SHARE = (0.0, 0.06, 0.05, 0.0, 0.0, 0.0, 0.0)

# Places of origin of migrants: (regency code, birthplace as written, weight).
ORIGINS = {
    JAWA: (
        ("35.78", "SURABAYA", 3),
        ("35.07", "MALANG", 3),
        ("35.09", "JEMBER", 2),
        ("35.10", "BANYUWANGI", 2),
        ("35.24", "LAMONGAN", 2),
        ("35.22", "BOJONEGORO", 1),
        ("35.06", "KEDIRI", 2),
        ("35.04", "TULUNGAGUNG", 1),
        ("35.05", "BLITAR", 2),
        ("35.02", "PONOROGO", 1),
        ("35.01", "PACITAN", 1),
        ("33.74", "SEMARANG", 2),
        ("33.72", "SURAKARTA", 1),
        ("33.12", "WONOGIRI", 2),
        ("33.10", "KLATEN", 1),
        ("33.01", "CILACAP", 1),
        ("33.02", "BANYUMAS", 1),
        ("33.05", "KEBUMEN", 1),
        ("33.18", "PATI", 1),
        ("33.16", "BLORA", 1),
        ("33.14", "SRAGEN", 1),
        ("34.03", "GUNUNGKIDUL", 1),
        ("34.71", "YOGYAKARTA", 1),
    ),
    BUGIS: (
        ("73.71", "MAKASSAR", 4),
        ("73.08", "BONE", 4),
        ("73.13", "WAJO", 4),
        ("73.14", "SIDRAP", 2),
        ("73.12", "SOPPENG", 2),
        ("73.15", "PINRANG", 2),
        ("73.72", "PAREPARE", 2),
        ("73.02", "BULUKUMBA", 1),
        ("73.07", "SINJAI", 1),
        ("73.11", "BARRU", 1),
        ("73.06", "GOWA", 1),
        ("73.04", "JENEPONTO", 1),
        ("73.16", "ENREKANG", 1),
        ("76.04", "POLEWALI", 1),
    ),
    BANJAR: (
        ("63.71", "BANJARMASIN", 4),
        ("63.03", "MARTAPURA", 2),
        ("63.06", "KANDANGAN", 2),
        ("63.07", "BARABAI", 2),
        ("63.08", "AMUNTAI", 2),
        ("63.05", "RANTAU", 1),
        ("63.09", "TANJUNG", 1),
        ("63.01", "PELAIHARI", 1),
        ("63.02", "KOTABARU", 1),
    ),
    TORAJA: (
        ("73.18", "MAKALE", 3),
        ("73.26", "RANTEPAO", 3),
        ("73.73", "PALOPO", 1),
        ("73.71", "MAKASSAR", 1),
    ),
}

# --- names ---------------------------------------------------------------------------------
# Given names as the register writes them (upper case). Each community has male and female
# first names and second names; some names are already two words, as they are in life.

_M, _F = 0, 1


def _words(text: str) -> tuple[str, ...]:
    """A comma-separated list written across lines, as a tuple (names may hold spaces)."""
    return tuple(" ".join(w.split()) for w in text.split(",") if w.strip())


NAMES: dict[int, dict[str, tuple[str, ...]]] = {
    BANJAR: {
        "m1": _words(
            """
            MUHAMMAD, AHMAD, ABDUL, SYAHRANI, RUSDIANSYAH, JUMRI, ASMUNI, SYAMSUDIN, BASRI, MASRANI,
            SAPRUDIN, RAHMADI, AHMADI, ARBAIN, JAILANI, SAHRUL, IRWANSYAH, ABDURRAHMAN, FAHRIANSYAH,
            HAIRUL, NORHADI, MAHLAN, ZAINUDDIN, ARIFIN, SARKANI, JUHRANI, HAMDANI, MUKHLIS, RIDUAN,
            SURIANSYAH, YUSRAN, HASBULLAH, ANWAR, KHAIRIL, NORDIN, ILMI
            """
        ),
        "m2": _words(
            """
            RIDUAN, SYAHRANI, ARSYAD, NOOR, FADILLAH, RIFANI, HIDAYAT, RAHMAN, HAMID, LATIF,
            SYARIFUDDIN, ANSHARI, KHAIRULLAH, JAMALUDDIN, FAUZI, ANWAR, HASAN, ZAINI, ASPIANNOR,
            RAHMADI
            """
        ),
        "f1": _words(
            """
            NOOR, SITI, RAHMAH, MASITAH, JUBAIDAH, SARIAH, ARBAYAH, HALIMAH, SALMAH, NORHAYATI,
            MARIANI, FITRIANI, RUSMINAH, HERLINA, MURNI, NORLIANA, MAHMUDAH, RABIAH, HAMIDAH,
            SAUDAH, JAMILAH, ASIAH, MASLIANI, RUSNAWATI, NURHAYATI, ZALEHA, FAHRIAH, MAISARAH,
            ERNAWATI, SYARIFAH, LAILA, MASRIAH
            """
        ),
        "f2": _words(
            """
            AINI, HASANAH, JANNAH, LATIFAH, AMINAH, HIDAYAH, RAHMAH, FAUZIAH, ZAHRA, KHADIJAH,
            MAULIDA, RAHMAWATI, HAYATI, ARIANI, SAFITRI
            """
        ),
    },
    BUGIS: {
        "m1": _words(
            """
            MUHAMMAD, BASO, BACO, SAMSUDDIN, AMIRUDDIN, SYAMSUL, HASANUDDIN, JUMALI, MUSTARI,
            ARIFUDDIN, NURDIN, SUDIRMAN, HAMZAH, ABDUL, IDRIS, SYAHRIR, MUHLIS, ASRI, KAHAR, MAKMUR,
            NASIR, RUSLI, SAHARUDDIN, ZAINAL, MUHAMMAD ALI, SALAM, BAHAR, SYARIFUDDIN, HAERUDDIN,
            JUFRI, KAMARUDDIN, RAMLI, SUARDI, BURHANUDDIN, ILHAM, HASAN, RUSTAN, AMRAN, SAFRUDDIN
            """
        ),
        "m2": _words(
            """
            ABIDIN, BAHRI, DG. NGALLE, DG. RANI, DG. SIJAYA, DG. MAGGA, LATIF, ARSYAD, SAID, HAMID,
            LAMBOGO, TAHIR, MADE, SALEH, YUNUS, RAHMAN, SYAM, BASRI, HAKIM, MALLA
            """
        ),
        "f1": _words(
            """
            SITTI, HASNAH, NURHAEDA, HADIJAH, RAHMATIA, SUHARTINI, MASNIAH, HASNIATI, MARHAMAH,
            NURHAYATI, SUMARNI, RAHMAWATI, MASNAWATI, HAERANI, NURLINA, SANIA, NURMIATI, BECCE,
            HASMAWATI, MARLINA, NURAENI, SUKMAWATI, HAMSIAH, KASMAWATI, HASTUTI, JUMRIATI,
            NURJANNAH, SYAMSIAH, MURNIATI, HAJIRAH, ST., NUR
            """
        ),
        "f2": _words(
            """
            AMINAH, HAWA, RAHMA, FATIMAH, SALMA, NAISYAH, JUMRAH, BAYA, HALIJAH, NURBAYA, ASIA,
            RAHMATIAH, HASNAH, DAHLIA, SAMSIAH
            """
        ),
    },
    KUTAI: {
        "m1": _words(
            """
            SYAHRIL, SUPRIANSYAH, JAINUDIN, HASYIM, ABDUL, SARIPUDIN, ASMAR, IDRUS, MASRAN, SAMSUL,
            ARDIANSYAH, HERMANSYAH, JUMADI, DARMANSYAH, ALIANSYAH, MUHAMMAD, RUSLAN, SYAHRUDIN,
            MARSUKI, JUHANSYAH, HAMDANSYAH, ZULKIFLI, ISKANDAR, RAMLAN, SUDARMAN, BURHAN, YUSUF,
            KASIM, ADRIANSYAH, ROSIHAN, BUSRA, SALEHUDDIN, MUKRAN, ABDUL GANI
            """
        ),
        "m2": _words(
            """
            RAHIM, SYAH, GANI, MAJID, ARIFIN, HAMSAH, EFENDI, JAMAL, RAMADHAN, SYAHRANI, IDRIS,
            BAHRUN, KADIR, HANAFI, ASMUNI
            """
        ),
        "f1": _words(
            """
            SITI, ROSMINI, HAMIDAH, FATIMAH, ZAINAB, MASNAH, JUMIATI, SAMSIAH, NURHAYATI, RABIATUL,
            JAMILAH, NORMALASARI, ROSLINA, MARLIANA, ASNAWATI, HERAWATI, SALMIAH, ROSNAH, AIDAH,
            HAYATI, KAMSIAH, MASYITAH, SYAHRIAH, JULIANTI, NURBAITI, SARIAH, ERLINA, NUR
            """
        ),
        "f2": _words(
            """
            ADAWIYAH, AMINAH, ROHANI, SALEHA, AISYAH, MAHMUDAH, KHADIJAH, HAFSAH, SAKDIAH, ZUBAIDAH,
            RUKIAH, HASANAH
            """
        ),
    },
    JAWA: {
        "m1": _words(
            """
            SUTRISNO, SUPARMAN, SUGIYANTO, SLAMET, WAHYUDI, SUPRIYADI, SUYATNO, SUKARDI, TRI, AGUS,
            BAMBANG, JOKO, HADI, SUMARDI, MULYONO, WIDODO, PURWANTO, SISWANTO, SUGENG, TUKIMAN,
            PAIMAN, PAIJO, KATENO, SUWARNO, SUNARTO, EKO, DWI, ARIF, SUPARDJO, SUMARNO, GIYONO,
            SARIMAN, SUPRIHADI, TEGUH, SURYADI, MUHAMMAD, AHMAD, MUJIONO, KASIMAN, SUGIARTO,
            WAGIMAN, RUDI, HERU
            """
        ),
        "m2": _words(
            """
            SANTOSO, PRASETYO, SUPRAPTO, WAHYUDI, CAHYONO, BUDIMAN, SUTEJO, SALIM, SUSANTO,
            HARIYANTO, SETIAWAN, NUGROHO, PURNOMO, RIYANTO, KUSNADI, SAPUTRO, WIBOWO, HIDAYAT,
            SUBAGYO, WALUYO
            """
        ),
        "f1": _words(
            """
            SRI, SITI, SUMIATI, SUPARMI, SUWARNI, TUMINAH, SUKINEM, PAINEM, ENDANG, WARSINI,
            SUNARSIH, SUPRIHATIN, NUR, ANIK, DWI, TRI, KASIYEM, MARSINAH, SUWANTI, YULIANI, SUMARNI,
            WAGIYEM, SUYATMI, TUKINI, RUSMIATI, SUGIARTI, SULASTRI, WIWIK, SUTINAH, PARTINI,
            SAMINAH, SURATMI, MUJIATI, SRI REJEKI, KARTINI
            """
        ),
        "f2": _words(
            """
            WAHYUNI, AMINAH, ROMLAH, SUSILOWATI, MULYANI, HIDAYAH, WULANDARI, LESTARI, RAHAYU,
            KHOTIJAH, HANDAYANI, PURWANTI, SETYOWATI, ASTUTI, WIDAYATI, NINGSIH, SURYANI, SUPRAPTI
            """
        ),
    },
    TORAJA: {
        "m1": _words(
            """
            YOHANIS, DANIEL, MARTHEN, PAULUS, PETRUS, SAMUEL, YAKOB, SIMON, ANDARIAS, MARKUS, YUSUF,
            RONALD, FRANS, ELIAS, LUKAS, YOHANES, MATIUS, AGUSTINUS, DAVID, STEFANUS, NIKOLAS,
            OKTOVIANUS, ALFRIDS, SEPRIANUS, HERMAN, TIMOTIUS, DOMINGGUS, MIKAEL
            """
        ),
        "m2": (),
        "f1": _words(
            """
            MARIA, YULIANA, MARTHA, AGUSTINA, DORKAS, NAOMI, RUTH, ESTER, LINCE, YOHANA, OKTAVIANA,
            DEBORA, SELFIANA, MERI, SARLOTA, MARSELINA, HERLINA, YUSTINA, DAMARIS, FRANSISKA, RAHEL,
            LIDIA, ELISABETH, SUSANA
            """
        ),
        "f2": (),
    },
    DAYAK_HULU: {
        "m1": _words(
            """
            YOHANES, PETRUS, ANTONIUS, YOSEF, STEFANUS, MARKUS, YULIUS, BONIFASIUS, FRANSISKUS,
            IGNASIUS, PAULUS, LUKAS, DOMINIKUS, MATEUS, ANDREAS, BENEDIKTUS, HENDRIKUS, KRISTOFORUS,
            VALENTINUS, YAKOBUS
            """
        ),
        "m2": _words(
            """
            LAHANG, AJANG, NGAU, JALUNG, USAT, LAWING, UBING, IRANG, HUVANG, BAYA, HANG, LIRUNG,
            BIT, HIBAU, LUHAT, JAU, APUI, BALAN, LUNG, DING, ASANG, IBAU, NYAPAT, SIGAU, HUAT, ANYE,
            LEDJIE, BELARE, TINGANG, ULOK, UJANG, KULE
            """
        ),
        "f1": _words(
            """
            MARIA, THERESIA, ANASTASIA, KATARINA, MAGDALENA, VERONIKA, AGNES, ROSALIA, YULIANA,
            ELISABETH, MONIKA, SESILIA, SKOLASTIKA, BERTA, FLORA, HELENA, MARTINA, REGINA
            """
        ),
        "f2": _words(
            """
            UBUNG, BUNGA, ULAU, DAU, IPUY, LENJAU, ANYIE, LAING, HUNYANG, USUN, TIPUNG, BUAN, ULUN,
            IRANG, LUHUNG, HUDOQ, ADAU, ENGGAN, LIDANG, MERING
            """
        ),
    },
    DAYAK_DARAT: {
        "m1": _words(
            """
            YUSTINUS, SILVANUS, KORNELIUS, ALEKSANDER, MARTINUS, ARKADIUS, VIKTOR, KRISTIANUS,
            BERNADUS, HIRONIMUS, SILPANUS, YOHANES, PETRUS, ANTONIUS, AMBROSIUS, LAURENTIUS,
            YULIANUS, MARSELINUS, NATALIS, SEBASTIANUS
            """
        ),
        "m2": _words(
            """
            NYOMPA, BILUNG, LAWAI, JURUNG, MEOK, IYAU, UJAN, ARUNG, BELAWING, SINUNG, ASOI, IYUS,
            DIMAN, LUDI, LANGAU, BOLET, JAWIQ, NYAHU, RIDUS, ENTEN, SAHOQ, JUNUT, BEDUR, LEMPUNG
            """
        ),
        "f1": _words(
            """
            SUSANA, YOSEFINA, MARGARETA, REGINA, PAULINA, VIKTORIA, FLORENTINA, KRISTINA, LUSIA,
            HENDRIKA, MARIA, ROSALINA, KATARINA, AGATA, BERNADETA, SISILIA, ANGELA, DOROTEA
            """
        ),
        "f2": _words(
            """
            UMAI, INAH, ENCA, DELIMA, BIAH, UNGKU, ITAH, NYAWIT, LIAH, ERAI, SUNGAI, IDAH, NOMI,
            JULIAH, DAHIQ, LIAQ
            """
        ),
    },
}
# First words that are rarely a whole name.
NEEDS_SECOND = frozenset(
    _words(
        """
        ABDUL, AGUS, AHMAD, ANIK, ARIF, BAMBANG, DWI, EKO, ENDANG, HADI, JOKO, MUHAMMAD, NOOR, NUR,
        RABIATUL, SITI, SITTI, SRI, ST., SYAMSUL, TRI, WIWIK, ZAINAL
        """
    )
)
# Toraja households carry a family name, which the head and most children also bear.
TORAJA_FAMILY = _words(
    """
    RANTE, PASULU, TANDIRERUNG, PALINGGI, SAMPE, PAKIDING, SARUNGALLO, PARURA, TANGDILINTIN, BUA,
    PATANDUK, RANTELINGGI, TODING, PAYUNG, LAYUK, TANGKE, PAONGANAN, SAMPE ALLO, LINGGI, KARRANG,
    PALAYUKAN, TANDIARRANG, PAKABU, SOMBOLINGGI, RUMPA, TAPPI, BUNGIN
    """
)
# Names given to children born from the mid-1990s on, across communities.
MODERN = {
    (False, _M): _words(
        """
        MUHAMMAD RIZKY, AHMAD FAUZAN, DIMAS, RAFFI, FAJAR, RIDHO, ALIF, AKBAR, FAHRI, ILHAM, RISKI,
        ANDIKA, BAGAS, DAFFA, GILANG, RAIHAN, ZAKY, ARYA, FIKRI, HABIBI, NAUFAL, REZA, YOGA,
        ABDUL AZIS, MUHAMMAD ALFARIZI, ARDI, MUHAMMAD FADLI, AHMAD ZAKI, RAFA, HAIKAL, FARHAN,
        IQBAL, RIZAL, FIRMAN, ADITYA, AGUNG, BAYU, DENI, ERWIN, HENDRA, IRFAN, JULIAN, KURNIA,
        LUTFI, MAHENDRA, NANDA, OKTA, RENDI, SYAHRUL, TAUFIK, WAHYU, YUDHA, ZULFIKAR, ALDI,
        MUHAMMAD IKHSAN, MUHAMMAD ARIF, SATRIA, RIFKI
        """
    ),
    (False, _F): _words(
        """
        NUR AISYAH, SITI NURHALIZA, AULIA, NABILA, ZASKIA, SALSABILA, PUTRI, INDAH, AYU, RISKA,
        NADIA, AMELIA, FITRI, KHAIRUNNISA, AZZAHRA, NAYLA, DINDA, AISYAH, ANISA, WULAN, NURUL,
        RAHMA, SILVIA, SITI RAHMAH, NUR HALIZA, ANGGUN, CINDY, DEWI, DIAN, ELSA, FARAH, HANI,
        INTAN, JUWITA, KARTIKA, LINDA, MAYA, MELATI, NOVI, PUSPITA, RATNA, SARI, TIARA, VIRA,
        WINDA, YUNITA, ZAHRA, ALYA, CAHAYA, DELA, FEBRIANI, HASNA, ISNAINI, MUTIARA, RANI, SELVI
        """
    ),
    (True, _M): _words(
        """
        KEVIN, MICHAEL, CHRISTIAN, GABRIEL, FELIX, JONATAN, RIVALDO, YOSUA, REINHARD, EDWARD,
        FERDINAN, GIOVANI, NATANAEL, ADRIAN, ALVIN, BRYAN, DAVID, ELIA, FRANKY, GILBERT, HANSEN,
        IMANUEL, JOSHUA, KRISTOFER, LEONARDO, MARVEL, NIKO, OKTAVIANUS, PATRIK, RIKARDO,
        SAMUEL, TIMOTI, VIKTOR, WILIAM, YEHEZKIEL, ARNOLD
        """
    ),
    (True, _F): _words(
        """
        GRACE, JESSICA, ANGELINA, NATALIA, CHELSEA, MIKHA, VANESSA, CLARA, OLIVIA, PRISKILA,
        VALENTINA, SHERLY, YOHANA, EUNIKE, AGNES, BEATRIKS, CELINE, DEVI, EKLESIA, FEBI,
        GLORIA, HERLIN, IVANA, JENIFER, KRISTIN, LISA, MARSELA, NOVITA, PATRISIA, REGINA,
        STEFANI, TRISNA, VERONIKA, YUNI
        """
    ),
}
MODERN_SECOND = {
    _M: _words(
        """
        PRATAMA, SAPUTRA, RAMADHAN, HIDAYAT, FIRMANSYAH, MAULANA, KURNIAWAN, NUGRAHA, SETIAWAN,
        WIJAYA, PERDANA, ALFARIZI, SYAHPUTRA, ANUGRAH, ARDIANSYAH, FAUZI, HAKIM, ISKANDAR,
        JUNAEDI, KHAIRUL, MUBAROK, NURDIANSYAH, PRASETYA, RAHMAN, SAPUTRO, SETIADI, WIBISONO,
        ADI PUTRA, DWI PUTRA, AL FARIZ, ARKAN, FADILLAH, HERMAWAN, SANJAYA, YUSUF, ZAKARIA
        """
    ),
    _F: _words(
        """
        PUTRI, RAMADHANI, SAFITRI, LESTARI, AULIA, NABILA, KHAIRUNNISA, AZZAHRA, PRATIWI, WULANDARI,
        ANGGRAINI, OKTAVIANI, MAHARANI, NOVITASARI, AMALIA, FEBRIANTI, HANDAYANI, KUSUMA,
        MAULIDA, NURHALIZA, PERMATASARI, RAHMADANI, SARI, UTAMI, YULIANTI, ZAHRANI, AYU LESTARI,
        DEWI SARTIKA, NUR FADILAH, SEPTIANI, APRILIANI, AGUSTINA, DAMAYANTI, FITRIANI
        """
    ),
}
# Christian given names for the few Christian households of mostly Muslim communities.
CHRISTIAN_GIVEN = {
    _M: ("YOHANES", "PETRUS", "PAULUS", "YOSEF", "MARKUS", "ANTONIUS", "STEFANUS", "SIMON"),
    _F: ("MARIA", "MAGDALENA", "ELISABETH", "KATARINA", "YULIANA", "AGUSTINA", "THERESIA"),
}
# Spellings of the same name that registers hold side by side: (variant, weight).
SPELLINGS = {
    "MUHAMMAD": (("MUHAMMAD", 60), ("MUHAMAD", 15), ("M.", 12), ("MOHAMMAD", 8), ("MOH.", 5)),
    "AHMAD": (("AHMAD", 80), ("ACHMAD", 15), ("AHMAT", 5)),
    "ABDUL": (("ABDUL", 85), ("ABD.", 15)),
    "SITI": (("SITI", 82), ("SITTI", 10), ("ST.", 8)),
    "SITTI": (("SITTI", 70), ("SITI", 22), ("ST.", 8)),
    "NUR": (("NUR", 70), ("NOOR", 18), ("NOR", 12)),
    "NOOR": (("NOOR", 70), ("NOR", 18), ("NUR", 12)),
    "YOHANES": (("YOHANES", 70), ("YOHANIS", 18), ("JOHANES", 12)),
    "YOHANIS": (("YOHANIS", 70), ("YOHANES", 20), ("JOHANIS", 10)),
    "SUPARDJO": (("SUPARDJO", 50), ("SUPARJO", 50)),
    "SYAMSUL": (("SYAMSUL", 75), ("SAMSUL", 25)),
    "SYAHRANI": (("SYAHRANI", 75), ("SAHRANI", 25)),
    "SAMSUDDIN": (("SAMSUDDIN", 60), ("SAMSUDIN", 30), ("SYAMSUDDIN", 10)),
    "ZAINUDDIN": (("ZAINUDDIN", 65), ("ZAINUDIN", 35)),
    "HADIJAH": (("HADIJAH", 60), ("HATIJAH", 25), ("KHADIJAH", 15)),
    "FATIMAH": (("FATIMAH", 75), ("PATIMAH", 25)),
    "YUSUF": (("YUSUF", 80), ("YUSUP", 20)),
    "ARIFIN": (("ARIFIN", 80), ("ARIPIN", 20)),
    "SARIPUDIN": (("SARIPUDIN", 60), ("SYARIFUDIN", 25), ("SARIFUDIN", 15)),
    "RAHMAWATI": (("RAHMAWATI", 85), ("RACHMAWATI", 15)),
}

# --- households and people -----------------------------------------------------------------

RELATIONS = (
    "KEPALA KELUARGA",
    "ISTRI",
    "SUAMI",
    "ANAK",
    "CUCU",
    "ORANG TUA",
    "MERTUA",
    "FAMILI LAIN",
)
R_HEAD, R_WIFE, R_HUSBAND, R_CHILD, R_GRANDCHILD, R_PARENT, R_PARENT_IN_LAW, R_OTHER = range(8)

OCCUPATIONS = (
    "BELUM/TIDAK BEKERJA",
    "PELAJAR/MAHASISWA",
    "MENGURUS RUMAH TANGGA",
    "PETANI",
    "NELAYAN",
    "PEDAGANG",
    "BURUH HARIAN LEPAS",
    "WIRASWASTA",
    "KARYAWAN SWASTA",
    "PEGAWAI NEGERI SIPIL",
    "TNI",
    "POLRI",
)
EXCLUDED_OCCUPATIONS = frozenset({"PEGAWAI NEGERI SIPIL", "TNI", "POLRI"})

# Occupation weights by profile, in the order of OCCUPATIONS. The last three columns are the
# exclusion flags a poverty register should not contain but does (about 2% of people).
_OCCUPATION_PROFILES = {
    "toddler": (100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    "school": (6, 91, 0, 1, 0, 0, 2, 0, 0, 0, 0, 0),
    "young_m": (28, 22, 0, 8, 3, 5, 18, 5, 11, 0, 0, 0),
    "young_f": (30, 25, 15, 3, 0, 6, 7, 4, 10, 0, 0, 0),
    "man_city": (6, 0, 0, 3, 3, 14, 34, 17, 19, 4, 1.5, 1.5),
    "man_coast": (5, 0, 0, 30, 18, 8, 22, 8, 6, 3, 1.2, 1.2),
    "man_inland": (5, 0, 0, 52, 4, 6, 17, 7, 6, 3, 1.2, 1.2),
    "woman_city": (4, 0, 62, 1, 0, 12, 7, 6, 6, 3.5, 0, 0),
    "woman_rural": (3, 0, 55, 22, 1, 7, 6, 3, 1.5, 3, 0, 0),
    "woman_head": (6, 0, 18, 16, 1, 23, 20, 10, 5, 2, 0, 0),
    "old_m": (50, 0, 0, 30, 4, 7, 6, 3, 0, 0, 0, 0),
    "old_f": (50, 0, 35, 8, 0, 7, 0, 0, 0, 0, 0, 0),
}
_PROFILE_NAMES = tuple(_OCCUPATION_PROFILES)
_PROFILE = {name: i for i, name in enumerate(_PROFILE_NAMES)}

# Welfare deciles of households: a poverty register is mostly deciles 1-4.
DECILE_WEIGHTS = (22, 20, 17, 13, 9, 7, 5, 3, 2, 2)
DECILE_UNKNOWN_SHARE = 0.02
# Chance that a household is on the extreme-poverty (P3KE) list, by decile (index 0: unknown).
EXTREME_BY_DECILE = (0.03, 0.24, 0.12, 0.05, 0.02, 0.005, 0.005, 0.005, 0.005, 0.005, 0.005)
WOMAN_HEAD_SHARE = 0.13
HISTORICAL_NIK_SHARE = 0.01  # of people aged 30 and over born in the province

# Head ages in five-year bands from 20 (men; women heads, mostly widows, are older).
_HEAD_AGE_BANDS_M = (4, 8, 11, 12, 12, 11, 10, 9, 8, 6, 5, 4)
_HEAD_AGE_BANDS_F = (1, 2, 4, 6, 8, 10, 12, 13, 13, 12, 10, 9)

STREETS = _words(
    """
    PANGERAN ANTASARI, JENDERAL SUDIRMAN, AHMAD YANI, PAHLAWAN, KADRIE OENING, IR. H. JUANDA, SLAMET
    RIYADI, CENDANA, GATOT SUBROTO, WAHID HASYIM, PRAMUKA, DR. SOETOMO, KH. MAS MANSYUR, P.
    SURYANATA, SIRADJ SALMAN, LAMBUNG MANGKURAT, MERDEKA, LETJEN SUPRAPTO, MULAWARMAN, AJI IMBUT,
    SULTAN HASANUDDIN, CIPTO MANGUNKUSUMO, MT. HARYONO, SOEKARNO HATTA, MARSMA R. ISWAHYUDI, MAYJEN
    SUTOYO, GUNUNG MALANG, PELITA, DAMAI, KESEHATAN, PERJUANGAN, KARANG ASAM, SENTOSA, BHAYANGKARA,
    AW. SYAHRANIE, ABUL HASAN, DIPONEGORO, IMAM BONJOL, KS. TUBUN, PADAT KARYA, TRIKORA, SEPINGGAN,
    MANGGAR, PROKLAMASI, RAPAK INDAH, LOA BAKUNG, BUNG TOMO, TANJUNG PURA
    """
)
RURAL_STREETS = _words(
    """
    POROS, POROS DESA, KEBUN, TRANS, PENDIDIKAN, MASJID, GEREJA, SIMPANG TIGA, LINGKAR, SUNGAI,
    PASAR, BALAI DESA, PERTANIAN, TAMBAK
    """
)
ROMAN = ("I", "II", "III", "IV", "V", "VI")


def _cumulative(weights) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    c = np.cumsum(p / p.sum())
    c[-1] = 1.0
    return c


def _draw(cum: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Categorical draws: row-wise when `cum` is 2-D (one distribution per draw)."""
    if cum.ndim == 1:
        return np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1)
    return np.minimum((u[:, None] >= cum).sum(axis=1), cum.shape[1] - 1)


def _spelling_table() -> dict[str, tuple[tuple[str, ...], tuple[float, ...]]]:
    table = {}
    for name, variants in SPELLINGS.items():
        total = sum(w for _, w in variants)
        acc, cum = 0.0, []
        for _, w in variants:
            acc += w / total
            cum.append(acc)
        table[name] = (tuple(v for v, _ in variants), tuple(cum))
    return table


def _respell(name: str, u: float, table) -> str:
    """Replace the first word of `name` by one of its spellings, as clerks write it."""
    first, _, rest = name.partition(" ")
    entry = table.get(first)
    if entry is None:
        return name
    variants, cum = entry
    k = 0
    while k < len(cum) - 1 and u >= cum[k]:
        k += 1
    return f"{variants[k]} {rest}" if rest else variants[k]


def _plain(name: str) -> str:
    return " ".join(name.upper().replace(",", " ").replace('"', "").split())


class _Geography:
    """Villages, districts and the weights used to place households, built once per run."""

    def __init__(self) -> None:
        regions = all_regions()
        villages = sorted(
            (v for v in province_villages() if v.code[:5] in REGENCY_WEIGHTS),
            key=lambda r: r.code,
        )
        self.village_codes = [v.code for v in villages]
        # Lines are written without CSV quoting, so no text field may hold a comma or quote.
        self.village_names = [_plain(v.name) for v in villages]
        # Kemendagri numbers urban kelurahan 1xxx and rural desa 2xxx.
        self.village_urban = np.array([v.code[9] == "1" for v in villages])
        district_codes = sorted({v.code[:8] for v in villages})
        district_index = {c: i for i, c in enumerate(district_codes)}
        self.village_district = np.array([district_index[v.code[:8]] for v in villages])
        regency_codes = sorted(REGENCY_WEIGHTS)
        regency_index = {c: i for i, c in enumerate(regency_codes)}
        self.regency_codes = regency_codes
        self.village_regency = np.array([regency_index[v.code[:5]] for v in villages])
        self.district_codes = district_codes
        self.district_names = [_plain(regions[c].name) for c in district_codes]
        self.district_regency = [c[:5] for c in district_codes]

        # Village sizes are a property of the province, not of the seed: a fixed generator
        # keeps the geography the same for every seed. Kelurahan are denser than desa.
        size_rng = np.random.default_rng(20240101)
        size = np.where(self.village_urban, 2.5, 1.0) * size_rng.lognormal(0, 0.6, len(villages))
        weight = np.empty(len(villages))
        for code, i in regency_index.items():
            mask = self.village_regency == i
            weight[mask] = REGENCY_WEIGHTS[code] * size[mask] / size[mask].sum()
        self.village_cum = _cumulative(weight)
        self.community_cum = np.array([_cumulative(COMMUNITY_MIX[c]) for c in regency_codes])
        self.regency_is_city = np.array([c in CITIES for c in regency_codes])
        self.regency_is_coastal = np.array([c in COASTAL for c in regency_codes])

        # NIK issuing districts: those of the province, then the historical ones (01-10 under
        # each pre-2012 regency). Serial counters are kept per district, birth day and sex.
        self.nik_district_numbers = [int(c.replace(".", "")) for c in district_codes]
        self.historical_base = len(self.nik_district_numbers)
        self.historical_towns = []
        for code, town in HISTORICAL_TOWNS.items():
            for d in range(1, 11):
                self.nik_district_numbers.append(int(code.replace(".", "")) * 100 + d)
                self.historical_towns.append(town)
        self.nik_district_numbers_arr = np.array(self.nik_district_numbers, dtype=np.int64)

        # Origins of migrants, by community: real districts of each origin regency.
        by_regency: dict[str, list[str]] = {}
        for r in regions.values():
            if r.level == "district":
                by_regency.setdefault(r.parent, []).append(r.code)
        self.origins = {}
        for community, rows in ORIGINS.items():
            towns = [t for _, t, _ in rows]
            districts = [
                [int(c.replace(".", "")) for c in sorted(by_regency[code])] for code, _, _ in rows
            ]
            self.origins[community] = (towns, districts, _cumulative([w for *_, w in rows]))


class _Days:
    """Lookup tables from a day number (days since DAY0) to its written forms."""

    def __init__(self) -> None:
        n = (REFERENCE_DATE - DAY0).days + 1
        dates = np.datetime64(DAY0.isoformat()) + np.arange(n)
        self.iso = dates.astype(str).tolist()
        years = dates.astype("datetime64[Y]").astype(int) + 1970
        months = dates.astype("datetime64[M]").astype(int) % 12 + 1
        days = (dates - dates.astype("datetime64[M]")).astype(int) + 1
        self.year = years
        self.ddmmyy = (days * 10000 + months * 100 + years % 100).astype(np.int64)
        self.count = n


def _serials(keys: np.ndarray, counter: np.ndarray) -> np.ndarray:
    """Next free serials (1, 2, ...) for each key, in input order, updating `counter`.

    Equal keys within the batch get consecutive serials, so a NIK or KK number is never
    issued twice whatever the chunk boundaries.
    """
    n = len(keys)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    run_start = np.zeros(n, dtype=np.int64)
    run_start[starts] = starts
    rank = np.arange(n) - np.maximum.accumulate(run_start)
    serial_sorted = counter[sorted_keys].astype(np.int64) + rank + 1
    if serial_sorted.max() > 9999:
        raise ValueError("more than 9999 identity numbers for one region and date")
    counter[sorted_keys[starts]] += np.diff(np.r_[starts, n]).astype(counter.dtype)
    serial = np.empty(n, dtype=np.int64)
    serial[order] = serial_sorted
    return serial


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.geo = _Geography()
        self.days = _Days()
        self.ref_day = self.days.count - 1
        self.kk_day0 = (KK_FIRST_ISSUE - DAY0).days
        geo = self.geo
        # uint16 counters sized by district x day x sex: fixed memory whatever the register
        # size (about 25 MB, touched sparsely).
        self.nik_counter = np.zeros(
            len(geo.nik_district_numbers) * self.days.count * 2, dtype=np.uint16
        )
        self.kk_counter = np.zeros(
            len(geo.district_codes) * (self.days.count - self.kk_day0), dtype=np.uint16
        )
        # Migrants' NIKs come from hundreds of districts across Indonesia; they are a small
        # share, so a dict of used prefixes is cheaper than a dense counter for them.
        self.outside_counter: dict[int, int] = {}
        self.spellings = _spelling_table()
        self.head_age_cum = {
            _M: _cumulative(_HEAD_AGE_BANDS_M),
            _F: _cumulative(_HEAD_AGE_BANDS_F),
        }
        self.profile_cum = np.array([_cumulative(p) for p in _OCCUPATION_PROFILES.values()])
        self.decile_cum = _cumulative(DECILE_WEIGHTS)
        self.next_id = 1
        self.stats: Counter[str] = Counter()
        self.by_regency: Counter[str] = Counter()
        self.by_decile: Counter[str] = Counter()
        self.last_chunk: dict[str, np.ndarray] = {}

    # -- households ---------------------------------------------------------------------

    def _families(self, n: int) -> dict[str, np.ndarray]:
        rng, geo = self.rng, self.geo
        village = _draw(geo.village_cum, rng.random(n))
        regency = geo.village_regency[village]
        community = _draw(geo.community_cum[regency], rng.random(n))
        # One spouse in five comes from another community of the same place.
        spouse_community = np.where(
            rng.random(n) < 0.2, _draw(geo.community_cum[regency], rng.random(n)), community
        )
        christian = rng.random(n) < np.asarray(CHRISTIAN_SHARE)[community]
        noble = rng.random(n) < np.asarray(NOBLE_SHARE)[community]
        migrant = rng.random(n) < np.asarray(MIGRANT_SHARE)[community]

        head_female = rng.random(n) < WOMAN_HEAD_SHARE
        band_m = _draw(self.head_age_cum[_M], rng.random(n))
        band_f = _draw(self.head_age_cum[_F], rng.random(n))
        band = np.where(head_female, band_f, band_m)
        head_age = np.minimum(20 + band * 5 + rng.integers(0, 5, n), 80)

        # Most men heads live with a wife; a few women heads (not widows) list a husband.
        p_spouse = np.where(head_female, 0.10, np.where(head_age >= 65, 0.78, 0.93))
        has_spouse = rng.random(n) < p_spouse
        gap = np.rint(rng.normal(4, 4, n)).astype(np.int64)
        spouse_age = np.where(head_female, head_age + np.abs(gap), head_age - gap)
        spouse_age = np.clip(spouse_age, 18, MAX_AGE)
        mother_age = np.where(head_female, head_age, np.where(has_spouse, spouse_age, head_age - 4))
        # Children still in the household: how many depends on the mother's age, and their
        # ages lie between her 17th and 45th year and at most 30.
        lam = np.interp(
            mother_age,
            [17, 22, 27, 32, 37, 42, 47, 52, 57, 62, 70],
            [0.4, 1.0, 1.6, 2.1, 2.4, 2.5, 2.3, 1.8, 1.2, 0.7, 0.4],
        )
        child_lo = np.maximum(0, mother_age - 45)
        child_hi = np.minimum(30, mother_age - 17)
        n_child = np.where(child_hi >= child_lo, np.minimum(rng.poisson(lam), 7), 0)
        n_grand = np.where((head_age >= 45) & (rng.random(n) < 0.15), 1 + (rng.random(n) < 0.35), 0)
        has_parent = rng.random(n) < np.where(head_age <= 55, 0.08, 0.02)
        parent_age = np.minimum(head_age + rng.integers(20, 33, n), MAX_AGE)
        has_other = rng.random(n) < 0.04

        decile = _draw(self.decile_cum, rng.random(n)) + 1
        decile = np.where(rng.random(n) < DECILE_UNKNOWN_SHARE, 0, decile)
        extreme = rng.random(n) < np.asarray(EXTREME_BY_DECILE)[decile]
        # Years since a migrant household arrived: children older than that were born away.
        arrived = np.minimum(rng.integers(0, 36, n), head_age - 15)
        origin = np.zeros(n, dtype=np.int64)
        for c, (_towns, _districts, cum) in geo.origins.items():
            mask = migrant & (community == c)
            origin[mask] = _draw(cum, rng.random(int(mask.sum())))
        return {
            "village": village,
            "regency": regency,
            "community": community,
            "spouse_community": spouse_community,
            "christian": christian,
            "noble": noble,
            "migrant": migrant,
            "origin": origin,
            "arrived": arrived,
            "origin_u": rng.random(n),
            "head_female": head_female,
            "head_age": head_age,
            "has_spouse": has_spouse,
            "spouse_age": spouse_age,
            "n_child": n_child,
            "child_lo": child_lo,
            "child_hi": child_hi,
            "n_grand": n_grand,
            "has_parent": has_parent,
            "parent_age": parent_age,
            "has_other": has_other,
            "decile": decile,
            "extreme": extreme,
            "rt_max": np.where(geo.village_urban[village], 45, 15),
        }

    def _members(self, fam: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        rng = self.rng
        n = len(fam["village"])
        idx = np.arange(n)
        parts = []  # (family, rank, relation, female, age)

        parts.append((idx, 0, np.full(n, R_HEAD), fam["head_female"], fam["head_age"]))
        s = idx[fam["has_spouse"]]
        parts.append(
            (
                s,
                1,
                np.where(fam["head_female"][s], R_HUSBAND, R_WIFE),
                ~fam["head_female"][s],
                fam["spouse_age"][s],
            )
        )
        c = np.repeat(idx, fam["n_child"])
        lo, hi = fam["child_lo"][c], fam["child_hi"][c]
        child_age = lo + (rng.random(len(c)) * (hi - lo + 1)).astype(np.int64)
        parts.append((c, 2, np.full(len(c), R_CHILD), rng.random(len(c)) < 0.49, child_age))
        g = np.repeat(idx, fam["n_grand"])
        parts.append(
            (
                g,
                3,
                np.full(len(g), R_GRANDCHILD),
                rng.random(len(g)) < 0.49,
                rng.integers(0, 11, len(g)),
            )
        )
        p = idx[fam["has_parent"]]
        parts.append(
            (
                p,
                4,
                np.where(rng.random(len(p)) < 0.6, R_PARENT, R_PARENT_IN_LAW),
                rng.random(len(p)) < 0.7,  # mostly widowed mothers move in with a child
                fam["parent_age"][p],
            )
        )
        o = idx[fam["has_other"]]
        parts.append(
            (o, 5, np.full(len(o), R_OTHER), rng.random(len(o)) < 0.5, rng.integers(5, 41, len(o)))
        )

        family = np.concatenate([x[0] for x in parts])
        rank = np.concatenate([np.full(len(x[0]), x[1]) for x in parts])
        relation = np.concatenate([x[2] for x in parts]).astype(np.int64)
        female = np.concatenate([x[3] for x in parts]).astype(bool)
        age = np.concatenate([x[4] for x in parts]).astype(np.int64)
        # Card order: head, spouse, children oldest first, grandchildren, then others.
        order = np.lexsort((-age, rank, family))
        return {
            "family": family[order],
            "relation": relation[order],
            "female": female[order],
            "age": age[order],
        }

    # -- one chunk ----------------------------------------------------------------------

    def chunk(self, n_families: int, limit: int) -> list[str]:
        rng, geo, days = self.rng, self.geo, self.days
        fam = self._families(n_families)
        mem = self._members(fam)
        if len(mem["family"]) > limit:
            # The last chunk stops at the requested size; a cut family keeps its head.
            mem = {k: v[:limit] for k, v in mem.items()}
        m = len(mem["family"])
        f = mem["family"]
        age, female, relation = mem["age"], mem["female"], mem["relation"]
        regency = fam["regency"][f]

        # Birth day: `age` completed years on the reference date.
        birth = self.ref_day - (age * 365.2425).astype(np.int64) - rng.integers(0, 365, m)
        birth = np.maximum(birth, 0)

        # Where the NIK was first issued: the home district for most people; the origin for
        # migrants born away; a pre-2012 North Kalimantan regency for a few older people.
        migrant = fam["migrant"][f]
        born_away = migrant & (
            ((relation == R_HEAD) & (rng.random(m) < 0.95))
            | (
                ((relation == R_WIFE) | (relation == R_HUSBAND))
                & (fam["spouse_community"][f] == fam["community"][f])
                & (rng.random(m) < 0.8)
            )
            | (((relation == R_PARENT) | (relation == R_PARENT_IN_LAW)) & (rng.random(m) < 0.95))
            | ((relation == R_OTHER) & (rng.random(m) < 0.6))
            | ((relation == R_CHILD) & (age > fam["arrived"][f]))
        )
        historical = ~born_away & (age >= 30) & (rng.random(m) < HISTORICAL_NIK_SHARE)
        nik_district = geo.village_district[fam["village"][f]].astype(np.int64)
        hist_pick = geo.historical_base + rng.integers(0, len(geo.historical_towns), m)
        nik_district = np.where(historical, hist_pick, nik_district)

        sex = female.astype(np.int64)
        ddmmyy = days.ddmmyy[birth] + sex * 400000
        keys = (nik_district * days.count + birth) * 2 + sex
        serial = np.zeros(m, dtype=np.int64)
        local = ~born_away
        serial[local] = _serials(keys[local], self.nik_counter)
        nik = geo.nik_district_numbers_arr[nik_district] * 10**10 + ddmmyy * 10**4
        # Migrants: a real district of the origin regency, serials from the sparse counter.
        away_idx = np.flatnonzero(born_away)
        origin = fam["origin"][f]
        community = fam["community"][f]
        # One origin district per family: relatives who came together share it.
        u_away = fam["origin_u"][f][away_idx].tolist()
        away_town = {}
        for j, i in enumerate(away_idx.tolist()):
            towns, districts, _ = geo.origins[int(community[i])]
            o = int(origin[i])
            options = districts[o]
            prefix = options[int(u_away[j] * len(options))] * 10**6 + int(ddmmyy[i])
            used = self.outside_counter.get(prefix, 0) + 1
            if used > 9999:
                raise ValueError("more than 9999 identity numbers for one region and date")
            self.outside_counter[prefix] = used
            nik[i] = prefix * 10**4 + used
            away_town[i] = towns[o]
        nik = nik + serial

        # KK: the family's district, an issue date after its youngest member's birth, and a
        # serial; one number per family.
        fam_ids, first = np.unique(f, return_index=True)
        youngest = np.maximum.reduceat(birth, first)
        issue_lo = np.maximum(youngest + 1, self.kk_day0)
        issue = issue_lo + (rng.random(len(fam_ids)) * (self.ref_day - issue_lo + 1)).astype(
            np.int64
        )
        issue = np.minimum(issue, self.ref_day)
        kk_district = geo.village_district[fam["village"][fam_ids]].astype(np.int64)
        kk_keys = kk_district * (days.count - self.kk_day0) + (issue - self.kk_day0)
        kk_serial = _serials(kk_keys, self.kk_counter)
        kk_of_family = np.zeros(n_families, dtype=np.int64)
        kk_of_family[fam_ids] = (
            np.asarray(geo.nik_district_numbers_arr[kk_district]) * 10**10
            + days.ddmmyy[issue] * 10**4
            + kk_serial
        )

        # Occupation by age, sex, role and the kind of place.
        is_city = geo.regency_is_city[regency]
        is_coast = geo.regency_is_coastal[regency]
        adult = (age >= 23) & (age < 65)
        man_profile = np.where(
            is_city,
            _PROFILE["man_city"],
            np.where(is_coast, _PROFILE["man_coast"], _PROFILE["man_inland"]),
        )
        woman_profile = np.where(
            relation == R_HEAD,
            _PROFILE["woman_head"],
            np.where(is_city, _PROFILE["woman_city"], _PROFILE["woman_rural"]),
        )
        profile = np.select(
            [
                age < 5,
                age < 18,
                (age < 23) & ~female,
                age < 23,
                adult & ~female,
                adult,
                ~female,
            ],
            [
                _PROFILE["toddler"],
                _PROFILE["school"],
                _PROFILE["young_m"],
                _PROFILE["young_f"],
                man_profile,
                woman_profile,
                _PROFILE["old_m"],
            ],
            _PROFILE["old_f"],
        )
        occupation = _draw(self.profile_cum[profile], rng.random(m))

        p_dead = np.select(
            [age < 5, age < 45, age < 60, age < 70], [0.005, 0.007, 0.022, 0.05], 0.11
        )
        dead = rng.random(m) < p_dead
        p_disabled = np.select([age < 18, age < 60, age < 75], [0.012, 0.022, 0.07], 0.15)
        disabled = rng.random(m) < p_disabled

        # Birthplace of people born here: the regency town, sometimes the district itself
        # (village births), sometimes the provincial hospitals of Samarinda or Balikpapan.
        u_place = rng.random(m)
        # Six uniforms per person drive the name: first name, second name or not, second
        # name, spelling, title, modern name or not.
        u_name = rng.random((m, 6)).tolist()
        rt = (1 + rng.random(len(fam_ids)) * fam["rt_max"][fam_ids]).astype(np.int64)
        u_addr = rng.random((len(fam_ids), 4)).tolist()

        addresses = {}
        for j, fid in enumerate(fam_ids.tolist()):
            addresses[fid] = self._address(int(fam["village"][fid]), int(rt[j]), u_addr[j])

        lines = []
        stats = self.stats
        community_l = community.tolist()
        spouse_comm_l = fam["spouse_community"][f].tolist()
        christian_l = fam["christian"][f].tolist()
        noble_l = fam["noble"][f].tolist()
        f_l = f.tolist()
        rel_l = relation.tolist()
        female_l = female.tolist()
        birth_l = birth.tolist()
        nik_l = nik.tolist()
        kk_l = kk_of_family.tolist()
        village_l = fam["village"].tolist()
        decile_l = fam["decile"].tolist()
        extreme_l = fam["extreme"].tolist()
        occ_l = occupation.tolist()
        dead_l = dead.tolist()
        dis_l = disabled.tolist()
        hist_l = historical.tolist()
        nik_district_l = nik_district.tolist()
        u_place_l = u_place.tolist()
        age_l = age.tolist()
        iso, years = days.iso, days.year.tolist()
        village_codes = geo.village_codes
        surname = ""
        for i in range(m):
            fid = f_l[i]
            rel = rel_l[i]
            fem = female_l[i]
            b = birth_l[i]
            comm = spouse_comm_l[i] if rel in (R_WIFE, R_HUSBAND) else community_l[i]
            name, token = self._name(
                comm,
                fem,
                christian_l[i],
                noble_l[i] and rel in (R_HEAD, R_CHILD, R_GRANDCHILD),
                years[b],
                age_l[i],
                surname if rel in (R_CHILD, R_GRANDCHILD) else "",
                u_name[i],
            )
            if rel == R_HEAD:
                surname = token
            if i in away_town:
                place = away_town[i]
            elif hist_l[i]:
                place = geo.historical_towns[nik_district_l[i] - geo.historical_base]
            else:
                place = self._birthplace(nik_district_l[i], u_place_l[i])
            decile = decile_l[fid]
            lines.append(
                f"R{self.next_id:07d},{nik_l[i]},{kk_l[fid]},{name},{place},{iso[b]},"
                f"{'P' if fem else 'L'},{addresses[fid]},{village_codes[village_l[fid]]},"
                f"{decile or ''},{RELATIONS[rel]},{OCCUPATIONS[occ_l[i]]},"
                f"{'MENINGGAL' if dead_l[i] else 'HIDUP'},{'Y' if dis_l[i] else 'N'},"
                f"{'Y' if extreme_l[fid] else 'N'}"
            )
            self.next_id += 1

        for code, count in zip(
            geo.regency_codes, np.bincount(regency, minlength=len(geo.regency_codes)), strict=True
        ):
            self.by_regency[code] += int(count)
        for d, count in enumerate(np.bincount(fam["decile"][f], minlength=11).tolist()):
            self.by_decile[str(d) if d else ""] += count
        excluded = [OCCUPATIONS.index(o) for o in sorted(EXCLUDED_OCCUPATIONS)]
        stats["excluded_occupation"] += int(np.isin(occupation, excluded).sum())
        stats["people"] += m
        stats["families"] += len(fam_ids)
        stats["woman_headed_families"] += int(fam["head_female"][fam_ids].sum())
        stats["deceased"] += int(dead.sum())
        stats["outside_province_born"] += int(born_away.sum())
        stats["historical_region_nik"] += int(historical.sum())
        stats["disability"] += int(disabled.sum())
        stats["extreme_poverty"] += int(fam["extreme"][f].sum())
        stats["decile_unknown"] += int((fam["decile"][f] == 0).sum())
        # The numbers behind the lines, one entry per line, for `generate_register(on_chunk=)`
        # (the proposal generator picks its people from them without reading the file back).
        # Only references to arrays already drawn: no random number is drawn here.
        self.last_chunk = {
            "nik": nik,
            "kk": kk_of_family[f],
            "female": female,
            "relation": relation,
            "birth": birth,
            "regency": regency,
            "decile": fam["decile"][f],
            "dead": dead,
            "occupation": occupation,
        }
        return lines

    def _birthplace(self, district: int, u: float) -> str:
        geo = self.geo
        regency = geo.district_regency[district]
        if regency in CITIES or u < 0.62:
            return REGENCY_TOWNS[regency]
        if u < 0.90:
            return geo.district_names[district]
        return "SAMARINDA" if u < 0.96 else "BALIKPAPAN"

    def _name(self, comm, female, christian, noble, year, age, surname, u) -> tuple[str, str]:
        """A full name and the token the head passes on to children (Toraja, Dayak)."""
        sex = _F if female else _M
        table = NAMES[comm]
        key1, key2 = ("f1", "f2") if female else ("m1", "m2")
        u1, u2, u3, u4, u5, u6 = u
        if comm in (TORAJA, DAYAK_HULU, DAYAK_DARAT):
            if year >= 1995 and u6 < 0.4:
                given = MODERN[(True, sex)]
            else:
                given = table[key1]
            first = given[int(u1 * len(given))]
            if comm == TORAJA:
                family = TORAJA_FAMILY
            else:
                family = table["m2"] if not female else table["f2"]
            own = family[int(u3 * len(family))]
            # Children usually carry the head's family name (Toraja) or the father's name.
            token = surname if surname and u2 < (0.75 if comm == TORAJA else 0.5) else own
            name = f"{first} {token}" if u5 < 0.93 or surname else first
            return _respell(name, u4, self.spellings), own
        if christian:
            first = CHRISTIAN_GIVEN[sex][int(u1 * len(CHRISTIAN_GIVEN[sex]))]
            second = table[key1][int(u3 * len(table[key1]))]
            return _respell(f"{first} {second}", u4, self.spellings), ""
        if year >= 1995 and u6 < 0.55:
            firsts = MODERN[(False, sex)]
            first = firsts[int(u1 * len(firsts))]
            second = MODERN_SECOND[sex][int(u3 * len(MODERN_SECOND[sex]))]
            # Children of the last generations almost always get two names or more.
            if u2 < 0.9 and not first.endswith(second):
                name = f"{first} {second}"
            else:
                name = first
        else:
            firsts = table[key1]
            first = firsts[int(u1 * len(firsts))]
            seconds = table[key2]
            # Some first words ("SITI", "NUR", "MUHAMMAD"...) are rarely used alone.
            if first in NEEDS_SECOND or u2 < 0.45:
                second = seconds[int(u3 * len(seconds))]
                if second == first:
                    second = seconds[(int(u3 * len(seconds)) + 1) % len(seconds)]
                name = f"{first} {second}"
            else:
                name = first
        name = _respell(name, u4, self.spellings)
        if noble:
            if comm == BUGIS:
                name = f"ANDI {name}"
            elif comm == KUTAI:
                name = f"{'DAYANG' if female else ('AJI' if u5 < 0.5 else 'AWANG')} {name}"
        elif age >= 45 and u5 < 0.03:
            name = f"{'HJ.' if female else 'H.'} {name}"
        return name, ""

    def _address(self, village: int, rt: int, u) -> str:
        geo = self.geo
        name = geo.village_names[village]
        u1, u2, u3, u4 = u
        if geo.village_urban[village]:
            street = STREETS[int(u1 * len(STREETS))]
            if u2 < 0.45:
                where = f"JL. {street}"
            elif u2 < 0.75:
                where = f"JL. {street} GG. {1 + int(u3 * 12)}"
            elif u2 < 0.93:
                where = f"JL. {street} NO. {1 + int(u3 * 120)}"
            else:
                where = f"PERUM {street} BLOK {'ABCDEFG'[int(u3 * 7)]} NO. {1 + int(u4 * 40)}"
            return f"{where} RT {rt:03d} KEL. {name}"
        if u2 < 0.5:
            return f"DUSUN {ROMAN[int(u1 * len(ROMAN))]} RT {rt:03d} DESA {name}"
        if u2 < 0.75:
            return f"RT {rt:03d} DESA {name}"
        street = RURAL_STREETS[int(u1 * len(RURAL_STREETS))]
        return f"JL. {street} RT {rt:03d} DESA {name}"


README_TEXT = """\
Berdaya synthetic register
==========================

Generated by `berdaya synth --people {people} --seed {seed}`. Every person, number and
address here is invented; any likeness to a real person is chance. The same seed and size
always give the same files, byte for byte.

Files
-----
register.csv  The reference register (a DTKS/DTSEN-like extract) of East Kalimantan, one
              row per person, UTF-8, comma-separated, with a header row.
README.txt    This description.

Columns of register.csv
-----------------------
ID                  row identifier in this file (R0000001, ...)
NIK                 16 digits: issuing district (6), birth date DDMMYY with day + 40 for
                    women (6), serial (4)
NO_KK               16 digits: family's district (6), issue date DDMMYY (6), serial (4);
                    shared by the members of a family
NAMA                full name, upper case, as a register writes it
TEMPAT_LAHIR        birthplace
TGL_LAHIR           birth date, YYYY-MM-DD
JENIS_KELAMIN       L (male) or P (female)
ALAMAT              street or hamlet, RT, and village
KODE_WILAYAH        village code, dotted (64.72.01.1001)
DESIL               welfare decile 1-10 of the family, empty when unknown
HUBUNGAN_KELUARGA   KEPALA KELUARGA, ISTRI, SUAMI, ANAK, CUCU, ORANG TUA, MERTUA, FAMILI LAIN
PEKERJAAN           occupation
STATUS_HIDUP        HIDUP or MENINGGAL
DISABILITAS         Y or N
KEMISKINAN_EKSTREM  Y or N: the family is on the extreme-poverty (P3KE) list

What is in it, on purpose
-------------------------
- Families: one KEPALA KELUARGA each, ordered head, spouse, children (oldest first),
  grandchildren, parents, others. About 13% of families are headed by a woman.
- Names of the province's communities (Banjar, Bugis/Makassar, Kutai, Javanese, Toraja,
  Dayak Kenyah/Bahau and Benuaq/Tunjung), with the spelling variants registers hold
  (MUHAMMAD / MUHAMAD / M., SITI / SITTI / ST., NUR / NOOR ...).
- NIKs are valid and unique. Most carry the district of the village where the person lives;
  people born outside the province carry a real district of their place of origin (Java,
  South Sulawesi, South Kalimantan); some older people carry a pre-2012 North Kalimantan
  code (64.04, 64.05, 64.06, 64.10, 64.73; districts 01-10), which are valid.
- Deciles are mostly 1-4 and shared by a family; about 2% unknown.
- Flags a verification must catch: deceased people (about 1.5%), excluded occupations
  (PEGAWAI NEGERI SIPIL, TNI, POLRI; about 2%).
- Ages are completed years on the reference date {reference}.

This run
--------
{summary}
"""


def generate_register(
    people: int,
    seed: int,
    out_dir: Path,
    *,
    progress: Callable[[int, int], None] | None = None,
    on_chunk: Callable[[list[str], _Generator], None] | None = None,
) -> dict:
    """Write `register.csv` and `README.txt` into `out_dir`; return a summary of the run.

    `progress(done, total)` is called after each chunk of families is written.
    `on_chunk(lines, generator)` too, with the chunk's lines (without newlines) and the
    generator, whose `last_chunk` holds the numbers behind them (see `_Generator.chunk`); it
    must not draw from `generator.rng`, so the file stays the same with or without it.
    """
    if people < 1:
        raise ValueError("people must be at least 1")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    gen = _Generator(seed)
    done = 0
    with open(out_dir / REGISTER_FILE, "w", encoding="utf-8", newline="\n") as out:
        out.write(",".join(COLUMNS) + "\n")
        while done < people:
            lines = gen.chunk(FAMILIES_PER_CHUNK, people - done)
            out.write("\n".join(lines))
            out.write("\n")
            done += len(lines)
            if on_chunk is not None:
                on_chunk(lines, gen)
            if progress is not None:
                progress(done, people)

    stats = gen.stats
    summary = {
        "people": stats["people"],
        "families": stats["families"],
        "woman_headed_families": stats["woman_headed_families"],
        "deceased": stats["deceased"],
        "outside_province_born": stats["outside_province_born"],
        "historical_region_nik": stats["historical_region_nik"],
        "excluded_occupation": stats["excluded_occupation"],
        "disability": stats["disability"],
        "extreme_poverty": stats["extreme_poverty"],
        "decile_unknown": stats["decile_unknown"],
        "by_regency": dict(sorted(gen.by_regency.items())),
        "by_decile": {
            k or "unknown": gen.by_decile[k]
            for k in sorted(gen.by_decile, key=lambda d: int(d or 0))
        },
        "seed": seed,
        "reference_date": REFERENCE_DATE.isoformat(),
        "files": list(FILES),
    }
    lines = []
    for key, value in summary.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}: {v}" for k, v in value.items())
        elif isinstance(value, list):
            value = ", ".join(value)
        lines.append(f"{key:22s}{value}")
    readme = README_TEXT.format(
        people=people, seed=seed, reference=REFERENCE_DATE.isoformat(), summary="\n".join(lines)
    )
    (out_dir / README_FILE).write_text(readme, encoding="utf-8", newline="\n")
    return summary
