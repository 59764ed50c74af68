"""What Berdaya holds about one person, gathered for a data-subject request (UU 27/2022).

A person may ask to see the data held about them; staff answer with this report. Each app
that keeps personal data registers a source: `fn(user, nik) -> (title, headers, rows)` or None,
reading only what the user's region scope allows. Apps register in their `ready()`, so a stage
added later (decrees, handovers, visits) is in the report without touching this module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass
class Section:
    title: str
    headers: Sequence[str]
    rows: list[Sequence[Any]]


_SOURCES: list[Callable[[Any, str], Section | None]] = []


def register_source(fn: Callable[[Any, str], Section | None]) -> None:
    if fn not in _SOURCES:
        _SOURCES.append(fn)


def collect(user: Any, nik: str) -> list[Section]:
    """Every section with rows about this NIK that the user may read."""
    out = []
    for fn in _SOURCES:
        section = fn(user, nik)
        if section is not None and section.rows:
            out.append(section)
    return out
