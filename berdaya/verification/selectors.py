"""Reads of verdicts: the per-region counts behind the proposals page."""

from __future__ import annotations

from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Count, QuerySet

from berdaya.accounts.scope import scoped
from berdaya.core.counts import fold, kept_sums
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


COUNT_KEYS = ["region_code", "status", "verdict", "stale"]


def _kept_counts(user: Any, program_year: Any, region: str) -> list[VerdictCount]:
    rows = scoped(ProposalCount.objects.filter(program_year_id=program_year.pk), user)
    if region:
        rows = rows.filter(region_code=region)
    sums = kept_sums(rows, COUNT_KEYS, program_year_id=program_year.pk)
    return [VerdictCount(*row) for row in sums]


def compact_counts(program_year_id: int) -> int:
    """Fold a programme year's change rows into one row per group; returns the rows left."""
    return fold(ProposalCount, COUNT_KEYS, program_year_id=program_year_id)


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
