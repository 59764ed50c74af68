"""Reads of verdicts: the per-region counts behind the proposals page."""

from __future__ import annotations

from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Count, QuerySet, Sum

from berdaya.accounts.scope import scoped
from berdaya.intake.models import Proposal
from berdaya.regions.models import Region
from berdaya.verification.models import ProposalCount
from berdaya.verification.reasons import Verdict

VERDICTS = frozenset(Verdict.values)


class VerdictCount(NamedTuple):
    region_id: str
    status: str
    verdict: str | None  # None: no verification yet
    stale: bool | None  # None: no verification yet
    n: int


def verdict_counts(user: Any, program_year: Any, region: str = "") -> list[VerdictCount]:
    """The reader's proposals of a programme year (of one region if given), counted by region,
    status, verdict and staleness: a few rows, from which the page's summary table and its
    list's count are both read.

    PostgreSQL keeps these counts as they change (`ProposalCount`); SQLite counts them with one
    grouped join of the proposals and their verifications.
    """
    if connection.vendor == "postgresql":
        return _kept_counts(user, program_year, region)
    proposals = scoped(Proposal.objects.filter(program_year=program_year), user)
    if region:
        proposals = proposals.filter(region_id=region)
    return joined_counts(proposals)


def joined_counts(proposals: QuerySet[Proposal]) -> list[VerdictCount]:
    """`proposals` counted by region, status, verdict and staleness, in one grouped query (a
    count per verdict with FILTER clauses costs the database more than one count per group)."""
    rows = (
        proposals.order_by()
        .values_list("region_id", "status", "verification__verdict", "verification__stale")
        .annotate(n=Count("pk"))
    )
    return [VerdictCount(*row) for row in rows]


# Change rows a programme year may gather, beyond twice its groups, before a reader folds them.
LOOSE_ROWS = 200


def _kept_counts(user: Any, program_year: Any, region: str) -> list[VerdictCount]:
    rows = scoped(ProposalCount.objects.filter(program_year_id=program_year.pk), user)
    if region:
        rows = rows.filter(region_code=region)
    groups = list(
        rows.order_by()
        .values_list("region_code", "status", "verdict", "stale")
        .annotate(n=Sum("n"), rows=Count("pk"))
    )
    if sum(g[-1] for g in groups) > 2 * len(groups) + LOOSE_ROWS:
        compact_counts(program_year.pk)
    return [VerdictCount(*g[:-1]) for g in groups if g[-2]]


def compact_counts(program_year_id: int) -> int:
    """Fold a programme year's change rows into one row per group; returns the rows left.

    The rows are deleted and their sums written back in one transaction; a row a trigger
    adds meanwhile is not among those deleted and stays, and a row two readers both try to
    fold is deleted (and so summed) by one of them only.
    """
    sums: dict[tuple, int] = {}
    with transaction.atomic(), connection.cursor() as c:
        table = ProposalCount._meta.db_table
        c.execute(
            f"DELETE FROM {table} WHERE program_year_id = %s "
            "RETURNING region_code, status, verdict, stale, n",
            [program_year_id],
        )
        for *key, n in c.fetchall():
            sums[tuple(key)] = sums.get(tuple(key), 0) + n
        ProposalCount.objects.bulk_create(
            ProposalCount(
                program_year_id=program_year_id,
                region_code=region,
                status=status,
                verdict=verdict,
                stale=stale,
                n=n,
            )
            for (region, status, verdict, stale), n in sums.items()
            if n
        )
    return sum(1 for n in sums.values() if n)


def _pending(count: VerdictCount) -> bool:
    return count.stale is None or count.stale


def verdict_summary(counts: list[VerdictCount]) -> list[dict[str, Any]]:
    """Per region, of the proposals still proposed: all, each verdict, not yet verified."""
    rows: dict[str, dict[str, Any]] = {}
    for c in counts:
        if c.status != Proposal.Status.PROPOSED:
            continue
        row = rows.setdefault(
            c.region_id,
            {"region_id": c.region_id, "total": 0, "pending": 0} | dict.fromkeys(VERDICTS, 0),
        )
        row["total"] += c.n
        if c.verdict in VERDICTS:
            row[c.verdict] += c.n
        if _pending(c):
            row["pending"] += c.n
    # The names of a handful of regions, rather than a join of every counted row to regions.
    names = dict(Region.objects.filter(code__in=rows).values_list("code", "name"))
    return [rows[code] | {"region__name": names.get(code, code)} for code in sorted(rows)]


def verdict_list_count(counts: list[VerdictCount], *, region: str, verdict: str) -> int | None:
    """How many proposals the list shows for a region and verdict filter, read from `counts`
    (any status, as the list shows withdrawn ones too); None when the filter is one the
    counts cannot answer."""
    if verdict == "pending":
        matches = [c for c in counts if _pending(c)]
    elif not verdict:
        matches = counts
    elif verdict in VERDICTS:
        matches = [c for c in counts if c.verdict == verdict]
    else:
        return None
    return sum(c.n for c in matches if not region or c.region_id == region)
