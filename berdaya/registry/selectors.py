"""Reads of people and households, always through the region scope of the one asking."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from rapidfuzz import fuzz

from berdaya.accounts.scope import get_scoped_or_404, scoped
from berdaya.core.counts import kept_sums
from berdaya.linkage.names import normalize_name
from berdaya.registry.models import Household, Person, PersonCount

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
) -> QuerySet[Person] | RankedPeople:
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


def people_count(user: Any, filters: dict[str, Any]) -> int | None:
    """How many people `person_list` gives for `filters` when nothing but a regency/city
    narrows it, read from the counts PostgreSQL keeps (`PersonCount`); None when those cannot
    answer (another filter, or SQLite), and the list is counted."""
    if connection.vendor != "postgresql" or any(v for k, v in filters.items() if k != "regency"):
        return None
    rows = scoped(PersonCount.objects.all(), user)
    if filters.get("regency"):
        rows = rows.filter(regency_code=filters["regency"])
    return sum(n for _code, n in kept_sums(rows, ["regency_code"]))


class RankedPeople(Sequence):
    """Search hits, best first. Only the people of the part asked for (a page of the list) are
    read whole, with their village and region, in one query."""

    def __init__(self, qs: QuerySet[Person], ranked: list[tuple[int, int]]):
        self.qs = qs.order_by()
        self.ranked = ranked  # (pk, score), in rank order

    def __len__(self) -> int:
        return len(self.ranked)

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return self._read(self.ranked[index])
        pk_score = self.ranked[index]  # IndexError as a list gives it
        found = self._read([pk_score])
        if not found:
            raise IndexError(index)
        return found[0]

    def __iter__(self) -> Iterator[Person]:
        return iter(self._read(self.ranked))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, tuple, RankedPeople)):
            return list(self) == list(other)
        return NotImplemented

    def _read(self, part: list[tuple[int, int]]) -> list[Person]:
        if not part:
            return []
        people = self.qs.in_bulk([pk for pk, _score in part])
        found = []
        for pk, score in part:
            if pk in people:  # not removed in between
                people[pk].search_score = score
                found.append(people[pk])
        return found


def name_search(qs: QuerySet[Person], q: str, limit: int = 200) -> RankedPeople:
    """Names that match despite spelling: trigram index on PostgreSQL, a scan on SQLite.

    The candidate spellings (distinct normalised names) are found and scored first, once each;
    then the people of the spellings that score well enough, best spelling first and in the
    order of their IDs within one, up to `limit`. Both databases score the same way, so the
    order is the same on both.
    """
    norm = normalize_name(q)
    if not norm:
        return RankedPeople(qs, [])
    if connection.vendor == "postgresql":
        # Among the distinct names (registry_person_name, kept complete by triggers), through
        # their trigram index: a few hundred spellings rather than thousands of namesakes.
        with connection.cursor() as cur:
            cur.execute("SELECT name_norm FROM registry_person_name WHERE name_norm %%> %s", [norm])
            spellings = [row[0] for row in cur.fetchall()]
    else:
        spellings = list(
            qs.filter(_sqlite_trigram_filter(norm))
            .order_by()
            .values_list("name_norm", flat=True)
            .distinct()[:SQLITE_CANDIDATES]
        )
    scored = sorted(
        (-round(score), name_norm)
        for name_norm in spellings
        if (score := _score(norm, name_norm)) >= SEARCH_MIN_SCORE
    )
    if not scored:
        return RankedPeople(qs, [])
    ranked_names = [name_norm for _score_, name_norm in scored]
    score_of = {name_norm: -score for score, name_norm in scored}
    return RankedPeople(
        qs, [(pk, score_of[name_norm]) for pk, name_norm in _people_of(qs, ranked_names, limit)]
    )


def _people_of(qs: QuerySet[Person], names: list[str], limit: int) -> list[tuple[int, str]]:
    """(pk, name_norm) of the people in `qs` with these names: the first name's first, by ID."""
    people = qs.order_by().values_list("id", "name_norm")
    if connection.vendor != "postgresql":
        rank = {name: i for i, name in enumerate(names)}
        found = people.filter(name_norm__in=names)
        return sorted(found, key=lambda row: (rank[row[1]], row[0]))[:limit]
    # Joined to the names in their order: PostgreSQL walks the names in that order through
    # the (name_norm, ...) index and stops after `limit` people (an incremental sort).
    sql, params = people.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(
            f"""SELECT p.id, p.name_norm FROM ({sql}) p
                JOIN unnest(%s::text[]) WITH ORDINALITY AS s(name_norm, rank)
                  ON p.name_norm = s.name_norm
                ORDER BY s.rank, p.id LIMIT %s""",
            [*params, names, limit],
        )
        return cur.fetchall()


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
