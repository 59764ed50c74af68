"""Name normalization for matching: plain pytest, no database."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from berdaya.linkage.names import canonical_token, name_tokens, normalize_name


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # Old (pre-1972) and modern spelling.
        ("Soekarno", "Sukarno"),
        ("Djoko", "Joko"),
        ("Tjahjo", "Cahyo"),
        ("Tjahjono", "Cahyono"),
        ("Djojo", "Joyo"),
        ("Sjahrir", "Syahrir"),
        ("Chairul", "Khairul"),
        ("Sjamsoeddin", "Syamsuddin"),
        ("Djaja", "Jaya"),
        # Variants of common names.
        ("Muhammad Yusuf", "Muhamad Yusuf"),
        ("Mohammad Yusuf", "Muhammad Yusuf"),
        ("Mohamad Yusuf", "Muhammad Yusuf"),
        ("Mochammad Yusuf", "Muhammad Yusuf"),
        ("Moch. Yusuf", "Muhammad Yusuf"),
        ("Moh. Yusuf", "Muhammad Yusuf"),
        ("Muh. Yusuf", "Muhammad Yusuf"),
        ("M. Yusuf", "Muhammad Yusuf"),
        ("M Yusuf", "Muhammad Yusuf"),
        ("Siti Aminah", "St. Aminah"),
        ("Siti Aminah", "Sti Aminah"),
        ("Sitti Aminah", "Siti Aminah"),
        ("Noor Aini", "Nur Aini"),
        ("Noer Aini", "Nur Aini"),
        ("Abd. Rahman", "Abdul Rahman"),
        ("Abdullah", "Abdulah"),
        ("Achmad Yani", "Ahmad Yani"),
        # Titles, honorifics and degrees.
        ("H. Ahmad Yani", "Ahmad Yani"),
        ("Hj. Siti Aminah", "Siti Aminah"),
        ("Hajjah Siti Aminah", "Siti Aminah"),
        ("Haji Ahmad Yani", "Ahmad Yani"),
        ("Ir. Budi Santoso", "Budi Santoso"),
        ("Dr. Budi Santoso", "Budi Santoso"),
        ("Drs. H. Budi Santoso", "Budi Santoso"),
        ("Budi Santoso, S.Pd", "Budi Santoso"),
        ("Budi Santoso, S.E., M.M.", "Budi Santoso"),
        ("Budi Santoso, A.Md.", "Budi Santoso"),
        ("Budi Santoso S.Pd", "Budi Santoso"),
        ("Budi Santoso, SE", "Budi Santoso"),
        ("Budi Santoso SE", "Budi Santoso"),
        ("Siti Aminah S. Pd", "Siti Aminah"),
        ("Dr.Ir.H.Budi Santoso, M.Si", "Budi Santoso"),
        # Case, accents, punctuation, spacing.
        ("Ma'ruf", "Maruf"),
        ("Ma\u2019ruf", "MARUF"),
        ("  budi   santoso ", "BUDI SANTOSO"),
        ("Andr\u00e9", "Andre"),
        ("Nur-Aini", "Nur Aini"),
    ],
)
def test_variants_normalize_alike(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Soekarno", "SUKARNO"),
        ("Tjahjono", "CAHYONO"),
        ("Djojo", "JOYO"),
        ("Djoko Widodo", "JOKO WIDODO"),
        ("M. Yusuf", "MUHAMMAD YUSUF"),
        ("Mochamad Yusuf", "MUHAMMAD YUSUF"),
        ("St. Aminah", "SITI AMINAH"),
        ("Noer Aini", "NUR AINI"),
        ("Abd Rahman", "ABDUL RAHMAN"),
        ("Hj. Siti Nurhaliza, S.Pd., M.Pd.", "SITI NURHALIZA"),
        ("Ma'ruf Amin", "MARUF AMIN"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_expected_output(name: str, expected: str) -> None:
    assert normalize_name(name) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Budi Santoso", "Budi Susanto"),
        ("Siti Aminah", "Siti Aminah Lubis"),
        ("Joko", "Yoko"),
        ("Ahmad Yusuf", "Muhammad Yusuf"),
    ],
)
def test_different_names_stay_different(a: str, b: str) -> None:
    assert normalize_name(a) != normalize_name(b)


def test_abbreviations_mean_a_name_only_in_first_place() -> None:
    # "M" later in a name is an initial, not Muhammad.
    assert normalize_name("Ahmad M") == "AHMAD M"
    assert normalize_name("Yusuf M. Ali") == "YUSUF M ALI"


def test_santoso_comma_budi_keeps_both_names() -> None:
    assert normalize_name("Santoso, Budi") == "SANTOSO BUDI"


def test_only_titles_are_kept_rather_than_emptied() -> None:
    assert normalize_name("Haji") == "HAJI"


def test_name_tokens() -> None:
    assert name_tokens("H. M. Yusuf, S.Pd") == ["MUHAMMAD", "YUSUF"]
    assert name_tokens("") == []


def test_canonical_token() -> None:
    assert canonical_token("MOHAMMAD") == "MUHAMMAD"
    assert canonical_token("SOEKARNO") == "SUKARNO"


# --- properties --------------------------------------------------------------------------------

_PIECES = [
    "Muhammad",
    "M.",
    "Moch",
    "St.",
    "Siti",
    "Noor",
    "Abd.",
    "H.",
    "Hj.",
    "Hajjah",
    "Dr.",
    "Ir.",
    "S.Pd",
    "A.Md.",
    "SE",
    "ST",
    "Djoko",
    "Tjahjo",
    "Soekarno",
    "Sjahrir",
    "Chairul",
    "Abdullah",
    "Ma'ruf",
    "Haji",
    ",",
    ".",
    "-",
    "oe",
    "dj",
    "tj",
    "sj",
    "ch",
    "j",
    "jj",
]
name_like = st.lists(
    st.one_of(st.sampled_from(_PIECES), st.text(alphabet="abcdjoehstAEIOUJ .,'", max_size=6)),
    max_size=8,
).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(st.one_of(name_like, st.text(max_size=40)))
def test_idempotent(name: str) -> None:
    once = normalize_name(name)
    assert normalize_name(once) == once


@settings(max_examples=200, deadline=None)
@given(st.one_of(name_like, st.text(max_size=40)))
def test_output_shape_and_determinism(name: str) -> None:
    once = normalize_name(name)
    assert once == normalize_name(name)
    assert once == once.strip()
    assert "  " not in once
    assert all(c == " " or c.isascii() and (c.isupper() or c.isdigit()) for c in once)
    assert name_tokens(name) == once.split()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ABCDEFGHIJKLMNOPRSTUWY", min_size=1, max_size=12))
def test_canonical_token_idempotent(token: str) -> None:
    assert canonical_token(canonical_token(token)) == canonical_token(token)


@settings(max_examples=100, deadline=None)
@given(name_like)
def test_case_does_not_matter(name: str) -> None:
    assert normalize_name(name.lower()) == normalize_name(name.upper())
