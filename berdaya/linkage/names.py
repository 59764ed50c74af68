"""Name normalization for matching Indonesian names across registers.

Pure Python (no Django): `berdaya match` and the synthetic-data generator use it too.

The same person is written many ways: with or without the Haji title or a degree, with
`M.` or `Moch.` for Muhammad, in the pre-1972 spelling (`Soekarno`, `Tjahjo`) or the modern
one, with doubled letters or not. `normalize_name` maps all of these to one form. It is
deterministic and idempotent, so a stored normalized name can be normalized again safely.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["canonical_token", "name_tokens", "normalize_name"]

# Removed without leaving a gap: "Ma'ruf" and "Maruf" are the same name.
_APOSTROPHES = "'\u2019\u2018`\u00b4\u02bc\u02bb\u02b9\u2032"
_DROP_APOSTROPHES = str.maketrans("", "", _APOSTROPHES)

# Latin letters that NFKD does not decompose into a base letter.
_SPECIAL_LETTERS = str.maketrans(
    {
        "\u00f8": "o",
        "\u00d8": "O",
        "\u00e6": "ae",
        "\u00c6": "AE",
        "\u0153": "oe",
        "\u0152": "OE",
        "\u00df": "ss",
        "\u0111": "d",
        "\u0110": "D",
        "\u0142": "l",
        "\u0141": "L",
        "\u0131": "i",
        "\u00f0": "d",
        "\u00d0": "D",
        "\u00fe": "th",
        "\u00de": "TH",
    }
)

_KEPT = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,.")

# Honorifics and titles written before a name (compared after canonical spelling).
_LEADING_TITLES = (
    "H",
    "HJ",
    "HJH",
    "HAJI",
    "HAJJAH",
    "HAJAH",
    "IR",
    "DR",
    "DRS",
    "DRA",
    "DRG",
    "PROF",
    "NS",
    "ALM",
    "ALMH",
    "ALMARHUM",
    "ALMARHUMAH",
    "BPK",
    "BAPAK",
    "IBU",
    "NY",
    "NYONYA",
    "TN",
    "TUAN",
    "SDR",
    "SDRI",
)

# Academic degrees, written without dots. Any of these is dropped when it follows a comma or
# is written with an inner dot (`S.Pd`), where it cannot be part of a name.
_DEGREES = frozenset(
    {
        "SPD",
        "SPDI",
        "SPDSD",
        "PD",
        "SE",
        "SEI",
        "SH",
        "SHI",
        "SKOM",
        "SSOS",
        "SAG",
        "SKEP",
        "SKEPNS",
        "SKM",
        "SSI",
        "SPSI",
        "SFARM",
        "SIP",
        "SHUT",
        "SP",
        "ST",
        "STP",
        "SKED",
        "SS",
        "SIKOM",
        "SAK",
        "SST",
        "SSTP",
        "SPT",
        "STR",
        "MPD",
        "MPDI",
        "MSI",
        "MM",
        "MH",
        "MKES",
        "MAG",
        "MSC",
        "MA",
        "MT",
        "MKOM",
        "MAP",
        "MBA",
        "MHUM",
        "MKN",
        "MSOS",
        "AMD",
        "AMDKEP",
        "AMDKEB",
        "AMDFARM",
        "AMK",
        "AMA",
        "AMAPD",
        "BA",
        "BSC",
        "PHD",
        "LC",
        "SPA",
        "SPOG",
        "SPPD",
        "NS",
    }
)

# Degrees dropped from the end of a name even when written plainly (`Budi Santoso SPd`).
# Only forms that are never a name part: not `MA`, `BA`, and none that collapse to one letter
# (`MM` -> `M` is also an initial).
_TRAILING_DEGREES = (
    "SPD",
    "SPDI",
    "SE",
    "SH",
    "SHI",
    "SKOM",
    "SSOS",
    "SAG",
    "SKEP",
    "SKM",
    "SPSI",
    "SFARM",
    "SIP",
    "SKED",
    "ST",
    "SP",
    "STP",
    "SST",
    "MPD",
    "MSI",
    "MH",
    "MKES",
    "MAG",
    "MSC",
    "MT",
    "MKOM",
    "MBA",
    "MHUM",
    "AMD",
    "AMDKEP",
    "AMK",
    "PHD",
    "LC",
)

# Spelling variants of whole tokens, wherever they stand: canonical -> variants.
_VARIANTS: dict[str, tuple[str, ...]] = {
    "MUHAMMAD": (
        "MUHAMMAD",
        "MUHAMAD",
        "MOHAMMAD",
        "MOHAMAD",
        "MOCHAMMAD",
        "MOCHAMAD",
        "MUCHAMMAD",
        "MUCHAMAD",
        "MOHAMMED",
        "MOHAMED",
        "MUHAMMED",
        "MUHAMED",
    ),
    "SITI": ("SITI", "SITTI"),
    "NUR": ("NUR", "NOOR", "NOER", "NOR", "NURR"),
    "ABDUL": ("ABDUL", "ABD", "ABDOEL"),
    "AHMAD": ("AHMAD", "ACHMAD", "AKHMAD", "AHMED"),
    "YUSUF": ("YUSUF", "JUSUF", "YUSUP", "JOESOEF"),
}

# Abbreviations that mean a name only as the first token (`M. Yusuf`, `St. Aminah`).
_FIRST_TOKEN: dict[str, tuple[str, ...]] = {
    "MUHAMMAD": ("M", "MOCH", "MOH", "MOHD", "MUH", "MUHD", "MHD"),
    "SITI": ("ST", "STI"),
}

# Old (pre-1972, Dutch-based) spelling shows in these letter pairs; only such a token has
# its remaining `J` read as the modern `Y` (`Tjahjo` -> `CAHYO`, but modern `Joko` stays).
_OLD_MARKER = re.compile(r"DJ|TJ|SJ|OE")
_OLD_J = re.compile(r"(?<![DTS])J")
_DOUBLE = re.compile(r"([A-Z])\1+")
_DOTTED_ABBREVIATION = re.compile(r"(?:[A-Z]{1,3}\.)+[A-Z]{0,2}")
_SEPARATORS = re.compile(r"[\s.]+")
_SPACED_DEGREE_HEAD = re.compile(r"[A-Z]{1,2}\.")


@lru_cache(maxsize=65536)
def _spell(token: str) -> str:
    """Old spelling to modern and doubled letters to single, until nothing changes.

    Each rewrite shortens the token or removes a `C` or `J`, so the loop ends; running it to
    a fixed point is what makes the whole normalization idempotent.
    """
    previous = None
    while token != previous:
        previous = token
        if _OLD_MARKER.search(token):
            token = _OLD_J.sub("Y", token)
        token = (
            token.replace("DJ", "J")
            .replace("TJ", "C")
            .replace("SJ", "SY")
            .replace("OE", "U")
            .replace("CH", "KH")
        )
        token = _DOUBLE.sub(r"\1", token)
    return token


def _build_map(groups: dict[str, tuple[str, ...]]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for canonical, variants in groups.items():
        for variant in variants:
            key = _spell(variant)
            if mapping.setdefault(key, canonical) != canonical:
                raise AssertionError(f"name variant {variant} maps to two names")
    return mapping


_VARIANT_MAP = _build_map(_VARIANTS)
_FIRST_TOKEN_MAP = _build_map(_FIRST_TOKEN)


@lru_cache(maxsize=65536)
def canonical_token(token: str) -> str:
    """One upper-case token (A-Z, 0-9) in its canonical spelling; idempotent."""
    spelled = _spell(token)
    return _VARIANT_MAP.get(spelled, spelled)


_TITLES_C = frozenset(canonical_token(t) for t in _LEADING_TITLES)
_TRAILING_C = frozenset(canonical_token(t) for t in _TRAILING_DEGREES)

# Guard the invariants idempotence depends on: canonical names map to themselves, first-token
# abbreviations are never in the variant map (their meaning depends on position), and no
# canonical name is a title or a degree.
assert all(canonical_token(c) == c for c in _VARIANTS)
assert all(canonical_token(c) == c for c in _FIRST_TOKEN)
assert not set(_FIRST_TOKEN_MAP) & set(_VARIANT_MAP)
assert not (set(_VARIANTS) | set(_FIRST_TOKEN)) & (_TITLES_C | _TRAILING_C)


# Plain ASCII, upper-cased: each character kept or made a space, in one translate.
_ASCII_KEPT = str.maketrans({chr(i): chr(i) if chr(i) in _KEPT else " " for i in range(128)})


def _clean_characters(name: str) -> str:
    """Upper-case A-Z, digits, commas and dots; every other character becomes a space."""
    text = name.translate(_DROP_APOSTROPHES)
    if text.isascii():
        # Most names: NFKD and the special letters leave ASCII as it is.
        return text.upper().translate(_ASCII_KEPT)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.translate(_SPECIAL_LETTERS).upper()
    return "".join(c if c in _KEPT else " " for c in text)


def _is_degree_token(token: str) -> bool:
    return token.replace(".", "") in _DEGREES or (
        "." in token and _DOTTED_ABBREVIATION.fullmatch(token) is not None
    )


def _is_degree_segment(segment: str) -> bool:
    """Whether the text after a comma is academic degrees (`S.Pd`, `S. Pd`, `M.M.`)."""
    tokens = segment.split()
    if not tokens:
        return True
    if "".join(tokens).replace(".", "") in _DEGREES:
        return True
    return all(_is_degree_token(t) for t in tokens)


def _raw_tokens(text: str) -> list[str]:
    main, *after_commas = text.split(",")
    # Text after a comma is usually degrees; anything else (`SANTOSO, BUDI`) stays in.
    kept = [main] + [s for s in after_commas if not _is_degree_segment(s)]
    words = []
    for word in " ".join(kept).split():
        # A degree with an inner dot (`S.Pd`) is never a name; `M.Yusuf` is not in the list.
        if "." in word.strip(".") and word.replace(".", "") in _DEGREES:
            continue
        words.append(word)
    # A degree split by a space after its dot (`Siti Aminah S. Pd`).
    while (
        len(words) > 2
        and _SPACED_DEGREE_HEAD.fullmatch(words[-2])
        and (words[-2] + words[-1]).replace(".", "") in _DEGREES
    ):
        del words[-2:]
    return [t for t in _SEPARATORS.split(" ".join(words)) if t]


def name_tokens(name: str) -> list[str]:
    """The tokens of the normalized name, in order."""
    tokens = [canonical_token(t) for t in _raw_tokens(_clean_characters(name or ""))]
    start = 0
    while start < len(tokens) and tokens[start] in _TITLES_C:
        start += 1
    # A "name" made only of titles is kept as written rather than emptied.
    core = tokens[start:] or tokens
    if not core:
        return []
    # The first token is settled before trailing degrees go, and is never dropped itself:
    # `ST` alone is Siti, `Budi ST` is a Bachelor of Engineering.
    core[0] = _FIRST_TOKEN_MAP.get(core[0], core[0])
    end = len(core)
    while end > 1 and core[end - 1] in _TRAILING_C:
        end -= 1
    return core[:end]


def normalize_name(name: str) -> str:
    """Normalize an Indonesian name for matching.

    Upper-case without accents or punctuation (apostrophes vanish, other marks separate
    words); leading honorifics (H., Hj., Dr., Ir., ...) and trailing degrees (S.Pd, A.Md., and
    anything degree-like after a comma) dropped; common variants canonical (MUHAMMAD, SITI,
    NUR, ABDUL, ...); old spelling modernized (DJ->J, TJ->C, SJ->SY, OE->U, CH->KH, old J->Y);
    doubled letters single. `normalize_name(normalize_name(x)) == normalize_name(x)`.
    """
    return " ".join(name_tokens(name))
