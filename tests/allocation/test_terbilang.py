"""Totals in Indonesian words, as the decree writes them."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from berdaya.allocation.terbilang import rupiah_in_words, terbilang

UNITS = {
    "nol": 0,
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
    "sepuluh": 10,
    "sebelas": 11,
    "seratus": 100,
    "seribu": 1000,
}
SCALES = {"ribu": 10**3, "juta": 10**6, "miliar": 10**9, "triliun": 10**12}


def parse(text: str) -> int:
    """Read the words back (an independent reader, for the round trip)."""
    total, group, current = 0, 0, 0
    for word in text.split():
        if word in UNITS:
            value = UNITS[word]
            if value == 1000:
                group += 1000
            else:
                current += value
        elif word == "belas":
            current += 10
        elif word == "puluh":
            current = (current % 10) * 10 + current - current % 10
        elif word == "ratus":
            current *= 100
        elif word in SCALES:
            scale = SCALES[word]
            value = (group + current) * scale
            if scale == 10**12 and total:
                # "seribu triliun": the scale repeats past the triliun
                value = (total + group + current) * scale
                total = 0
            total, group, current = total + value, 0, 0
        else:
            raise ValueError(word)
    return total + group + current


def test_known_amounts():
    assert terbilang(0) == "nol"
    assert terbilang(11) == "sebelas"
    assert terbilang(115) == "seratus lima belas"
    assert terbilang(1_000) == "seribu"
    assert terbilang(1_500_000) == "satu juta lima ratus ribu"
    assert terbilang(5_000_000) == "lima juta"
    assert terbilang(20_000_000) == "dua puluh juta"
    assert terbilang(6_500_000_000) == "enam miliar lima ratus juta"
    assert terbilang(11_000_000_000) == "sebelas miliar"
    assert terbilang(-2_000) == "minus dua ribu"
    assert rupiah_in_words(2_500_000_000) == "Dua miliar lima ratus juta rupiah"


@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_words_read_back_to_the_number(n):
    words = terbilang(n)
    assert parse(words) == n
    # One hundred, one thousand (as a whole group) and eleven have their own words.
    assert "satu ratus" not in words and "satu belas" not in words
    assert not re.search(r"(^|juta |miliar |triliun )satu ribu", words)
