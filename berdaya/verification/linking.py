"""Finding each proposal's person in the national register.

First an exact NIK pass in SQL, accepted only when the name agrees too (the engine's own
`names_agree`, so both passes judge names alike): a typo in a NIK's last
digits often lands on a real neighbour born the same day, of the same sex and district. The
rest go to the probabilistic linkage engine (berdaya.linkage) against the register rows that
share a birth date (also with day and month swapped) or a normalised name with them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import JaroWinkler

from berdaya.linkage.engine import names_agree
from berdaya.registry.models import RegisterRecord

NAME_AGREES = 0.90  # Jaro-Winkler on normalised names for the exact-NIK pass
CHUNK = 2000

REGISTER_VALUES = [
    "id",
    "source_id",
    "nik",
    "kk",
    "name",
    "name_norm",
    "birth_date",
    "sex",
    "village_code",
    "decile",
    "relation",
    "occupation",
    "life_status",
]


@dataclass
class Link:
    register_id: int | None
    method: str = ""
    score: float | None = None
    evidence: dict[str, str] = field(default_factory=dict)


def _chunks(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def name_similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    direct = JaroWinkler.similarity(a, b)
    # "SITI AMINAH" and "SITI AMINAH BINTI SALEH": compare the shorter with the other's start.
    ta, tb = a.split(), b.split()
    if len(ta) != len(tb):
        short, long_ = (ta, tb) if len(ta) < len(tb) else (tb, ta)
        direct = max(
            direct, JaroWinkler.similarity(" ".join(short), " ".join(long_[: len(short)])) - 0.02
        )
    return direct


def _evidence(p: Any, r: dict[str, Any]) -> dict[str, str]:
    def cmp(a: Any, b: Any) -> str:
        if a in (None, "") or b in (None, ""):
            return "missing"
        return "agree" if a == b else "disagree"

    sim = name_similarity(p.name_norm, r["name_norm"])
    birth = cmp(p.birth_date, r["birth_date"])
    if (
        birth == "disagree"
        and p.birth_date
        and r["birth_date"]
        and (
            p.birth_date.year == r["birth_date"].year
            and (p.birth_date.day, p.birth_date.month)
            == (r["birth_date"].month, r["birth_date"].day)
        )
    ):
        birth = "partial"
    village = cmp(p.village_code, r["village_code"])
    if village == "disagree" and p.village_code[:8] == (r["village_code"] or "")[:8]:
        village = "partial"
    return {
        "nik": cmp(p.nik, r["nik"]),
        "name": "agree" if sim >= 0.97 else "partial" if sim >= NAME_AGREES else "disagree",
        "birth_date": birth,
        "sex": cmp(p.sex, r["sex"]),
        "village": village,
        "kk": cmp(p.kk, r["kk"]),
    }


def exact_nik_pass(proposals: list[Any]) -> tuple[dict[int, Link], dict[int, dict]]:
    """Proposals whose NIK is in the register under the same name; and the register rows read."""
    by_nik: dict[str, list[dict[str, Any]]] = defaultdict(list)
    rows: dict[int, dict] = {}
    niks = sorted({p.nik for p in proposals if p.nik})
    for chunk in _chunks(niks):
        for r in RegisterRecord.objects.filter(nik__in=chunk, present=True).values(
            *REGISTER_VALUES
        ):
            by_nik[r["nik"]].append(r)
            rows[r["id"]] = r
    links: dict[int, Link] = {}
    for p in proposals:
        best, best_key = None, None
        for r in by_nik.get(p.nik, ()):
            if not names_agree(p.name_norm, r["name_norm"]):
                continue
            sim = name_similarity(p.name_norm, r["name_norm"])
            key = (sim, r["birth_date"] == p.birth_date, -r["id"])
            if best_key is None or key > best_key:
                best, best_key = r, key
        if best is not None:
            links[p.pk] = Link(best["id"], "nik_exact", round(best_key[0], 4), _evidence(p, best))
    return links, rows


def _swapped(d: dt.date) -> dt.date | None:
    try:
        return d.replace(month=d.day, day=d.month) if d.day <= 12 else None
    except ValueError:
        return None


def candidate_rows(proposals: list[Any]) -> dict[int, dict]:
    """Register rows sharing a birth date (or its swap) or a normalised name with a proposal."""
    dates: set[dt.date] = set()
    names: set[str] = set()
    for p in proposals:
        if p.birth_date:
            dates.add(p.birth_date)
            swapped = _swapped(p.birth_date)
            if swapped:
                dates.add(swapped)
        if p.name_norm:
            names.add(p.name_norm)
    rows: dict[int, dict] = {}
    for chunk in _chunks(sorted(dates)):
        for r in RegisterRecord.objects.filter(birth_date__in=chunk, present=True).values(
            *REGISTER_VALUES
        ):
            rows[r["id"]] = r
    for chunk in _chunks(sorted(names)):
        for r in RegisterRecord.objects.filter(name_norm__in=chunk, present=True).values(
            *REGISTER_VALUES
        ):
            rows[r["id"]] = r
    return rows


def _as_person_record(obj: Any, *, register: bool) -> dict[str, Any]:
    get = (lambda k: obj[k]) if register else (lambda k: getattr(obj, k))
    birth = get("birth_date")
    return {
        "ID": str(get("id") if register else obj.pk),
        "NIK": get("nik") or "",
        "NO_KK": get("kk") or "",
        "NAMA": get("name") or "",
        "TGL_LAHIR": birth.isoformat() if birth else "",
        "JENIS_KELAMIN": get("sex") or "",
        "KODE_WILAYAH": get("village_code") or "",
    }


def probabilistic_pass(proposals: list[Any], rows: dict[int, dict]) -> dict[int, Link]:
    """The linkage engine on the proposals the exact pass left, against their candidates."""
    if not proposals or not rows:
        return {}
    from berdaya.linkage.engine import link

    reference = [_as_person_record(r, register=True) for r in rows.values()]
    candidates = [_as_person_record(p, register=False) for p in proposals]
    results = link(reference, candidates)
    links: dict[int, Link] = {}
    for res in results:
        if res.decision != "match" or res.reference_id in (None, ""):
            continue
        links[int(res.candidate_id)] = Link(
            int(res.reference_id), "probabilistic", round(float(res.score), 4), dict(res.reasons)
        )
    return links


def link_proposals(proposals: list[Any]) -> tuple[dict[int, Link], dict[int, dict]]:
    """Each proposal's register person (absent when none); and every register row read."""
    links, rows = exact_nik_pass(proposals)
    rest = [p for p in proposals if p.pk not in links]
    if rest:
        cand = candidate_rows(rest)
        links.update(probabilistic_pass(rest, cand))
        rows.update(cand)
    return links, rows
