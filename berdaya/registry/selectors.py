"""Reads of people and households, always through the region scope of the one asking."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from rapidfuzz import fuzz

from berdaya.accounts.scope import get_scoped_or_404, scoped
from berdaya.linkage.names import normalize_name
from berdaya.registry.models import Household, Person

SEARCH_MIN_SCORE = 70  # rapidfuzz 0-100 on normalised names; below this a hit is noise
SQLITE_CANDIDATES = 4000


def people_visible(user: Any) -> QuerySet[Person]:
    return scoped(Person.objects.select_related("village", "regency"), user)


def person_get(user: Any, person_id: int) -> Person:
    return get_scoped_or_404(
        Person.objects.select_related("village", "regency", "household"), user, pk=person_id
    )


def household_get(user: Any, household_id: int) -> Household:
    return get_scoped_or_404(
        Household.objects.select_related("village", "regency"), user, pk=household_id
    )


def household_members(household: Household) -> QuerySet[Person]:
    return household.members.select_related("village").order_by("birth_date")


def person_list(
    user: Any,
    *,
    q: str = "",
    regency: str = "",
    village: str = "",
    sex: str = "",
    decile: int | None = None,
) -> QuerySet[Person] | list[Person]:
    """The people the user may see, filtered; a name query returns a ranked list."""
    qs = people_visible(user)
    if regency:
        qs = qs.filter(regency_id=regency)
    if village:
        qs = qs.filter(village_id=village)
    if sex:
        qs = qs.filter(sex=sex)
    if decile:
        qs = qs.filter(decile=decile)
    q = (q or "").strip()
    if not q:
        return qs.order_by("name_norm", "pk")
    digits = q.replace(" ", "")
    if digits.isdigit():
        # A NIK or KK, whole or its beginning: an indexed prefix match.
        if len(digits) < 4:
            return qs.none()
        return qs.filter(Q(nik__startswith=digits) | Q(kk__startswith=digits)).order_by("nik")
    return name_search(qs, q)


def name_search(qs: QuerySet[Person], q: str, limit: int = 200) -> list[Person]:
    """Names that match despite spelling: trigram index on PostgreSQL, a scan on SQLite.

    The first candidates by name are scored and the best `limit` of them returned. Both paths
    score the candidates the same way, so the order is the same on both databases.
    """
    norm = normalize_name(q)
    if not norm:
        return []
    if connection.vendor == "postgresql":
        # The matching spellings among the distinct names (registry_person_name, kept by
        # triggers), then their people through the name_norm index: the same people as
        # matching every person's name, without rechecking thousands of namesakes.
        spellings = RawSQL(
            "SELECT name_norm FROM registry_person_name WHERE name_norm %%> %s", [norm]
        )
        matches, cap = qs.filter(name_norm__in=spellings), limit * 5
    else:
        matches, cap = qs.filter(_sqlite_trigram_filter(norm)), SQLITE_CANDIDATES
    # Scored on the normalised name alone (once per spelling); only the people shown are read
    # whole.
    candidates = matches.order_by("name", "pk").values_list("pk", "name_norm")[:cap]
    scores: dict[str, float] = {}
    scored = []
    for pk, name_norm in candidates:
        if name_norm not in scores:
            scores[name_norm] = _score(norm, name_norm)
        if scores[name_norm] >= SEARCH_MIN_SCORE:
            scored.append((-round(scores[name_norm]), name_norm, pk))
    best = sorted(scored)[:limit]
    people = qs.order_by().in_bulk([pk for _s, _n, pk in best])
    found = []
    for score, _name_norm, pk in best:
        if pk in people:  # not removed in between
            people[pk].search_score = -score
            found.append(people[pk])
    return found


def _score(query: str, name: str) -> float:
    # Partial token matching: "SITI AMINAH" finds "SITI AMINAH BINTI H SALEH" too.
    return max(fuzz.token_set_ratio(query, name), fuzz.partial_ratio(query, name) - 5)


def _sqlite_trigram_filter(norm: str) -> Q:
    """Any of a spread of the query's trigrams: a typo spoils a few, not all of them."""
    grams = []
    for token in norm.split():
        if len(token) < 3:
            continue
        grams.extend(token[i : i + 3] for i in range(len(token) - 2))
    if not grams:
        return Q(name_norm__startswith=norm)
    step = max(1, len(grams) // 8)
    q = Q()
    for gram in grams[::step]:
        q |= Q(name_norm__contains=gram)
    return q
