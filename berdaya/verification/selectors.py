"""Reads of verdicts: the per-region counts behind the proposals page."""

from __future__ import annotations

from typing import Any, NamedTuple

from django.db.models import Count, QuerySet

from berdaya.intake.models import Proposal
from berdaya.regions.models import Region
from berdaya.verification.reasons import Verdict

VERDICTS = frozenset(Verdict.values)


class VerdictCount(NamedTuple):
    region_id: str
    status: str
    verdict: str | None  # None: no verification yet
    stale: bool | None  # None: no verification yet
    n: int


def verdict_counts(proposals: QuerySet[Proposal]) -> list[VerdictCount]:
    """The proposals counted by region, status, verdict and staleness, in one grouped query.

    The page's summary table and its list's count are both read from these few rows: counting
    the list again would walk the same join of proposals and verifications a second time, and
    a count per verdict with FILTER clauses costs the database more than one plain count per
    group. `proposals` is already scoped to the reader and filtered to the programme year.
    """
    rows = (
        proposals.order_by()
        .values_list("region_id", "status", "verification__verdict", "verification__stale")
        .annotate(n=Count("pk"))
    )
    return [VerdictCount(*row) for row in rows]


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
