"""Numbers in Indonesian words ("terbilang"), as decrees and receipts write their totals.

`terbilang(6_500_000_000)` -> "enam miliar lima ratus juta". Official usage: "seratus",
"seribu", "sebelas", "sepuluh" for one hundred, one thousand, eleven and ten, but "satu juta",
"satu miliar" for the larger scales.
"""

from __future__ import annotations

_ONES = [
    "",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
]
_SCALES = [(10**12, "triliun"), (10**9, "miliar"), (10**6, "juta")]


def _below_thousand(n: int) -> list[str]:
    words: list[str] = []
    if n >= 200:
        words += [_ONES[n // 100], "ratus"]
    elif n >= 100:
        words.append("seratus")
    n %= 100
    if n < 12:
        if n:
            words.append(_ONES[n])
    elif n < 20:
        words += [_ONES[n - 10], "belas"]
    else:
        words += [_ONES[n // 10], "puluh"]
        if n % 10:
            words.append(_ONES[n % 10])
    return words


def _words(n: int) -> list[str]:
    words: list[str] = []
    for size, name in _SCALES:
        if n >= size:
            words += [*_words(n // size), name]
            n %= size
    if n >= 2000:
        words += [*_below_thousand(n // 1000), "ribu"]
    elif n >= 1000:
        words.append("seribu")
    return words + _below_thousand(n % 1000)


def terbilang(n: int) -> str:
    """A whole number in Indonesian words; negative numbers start with "minus".

    Past the triliun the scale repeats ("seribu triliun"), as banks write it.
    """
    n = int(n)
    if n == 0:
        return "nol"
    if n < 0:
        return "minus " + terbilang(-n)
    return " ".join(_words(n))


def rupiah_in_words(amount: int) -> str:
    """`5_000_000` -> "Lima juta rupiah" (capitalised, as written under a total)."""
    text = f"{terbilang(amount)} rupiah"
    return text[0].upper() + text[1:]
