"""Reads that depend on who asks: every one goes through the region scope."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from berdaya.accounts.scope import get_scoped_or_404, scoped
from berdaya.allocation.models import Allocation, Decree, Objection
from berdaya.allocation.ranking import COMPONENTS, Unit, ranking, weights_for
from berdaya.allocation.services import Room, room_for
from berdaya.programs.models import ProgramYear, RegionQuota
from berdaya.programs.targets import regencies
from berdaya.regions.models import Region


def program_year_get(code: str, year: int) -> ProgramYear:
    try:
        return ProgramYear.objects.select_related("program").get(program__code=code, year=year)
    except ProgramYear.DoesNotExist:
        raise Http404 from None


def region_get(user: Any, code: str) -> Region:
    """A regency/city of the province the user may read; else 404 (not yours = not there)."""
    region = next((r for r in regencies() if r.code == code), None)
    if region is None or not user.can_read_region(region.code):
        raise Http404
    return region


def visible_regions(user: Any) -> list[Region]:
    return [r for r in regencies() if user.can_read_region(r.code)]


@dataclass
class RegionRow:
    region: Region
    quota: RegionQuota | None
    eligible: int
    waiting: int
    decree: Decree | None
    draft: Decree | None


def region_rows(user: Any, program_year: ProgramYear) -> list[RegionRow]:
    """Per region the user may read: quota, approved, eligible waiting, decree state."""
    from berdaya.intake.models import Proposal, ProposalGroup

    regions = visible_regions(user)
    codes = [r.code for r in regions]
    quotas = {
        q.region_id: q
        for q in RegionQuota.objects.filter(program_year=program_year, region_id__in=codes)
    }
    approved = set(
        Allocation.objects.filter(
            program_year=program_year, status=Allocation.Status.APPROVED
        ).values_list("proposal_id", "group_id")
    )
    approved_p = {p for p, _g in approved if p}
    approved_g = {g for _p, g in approved if g}
    if program_year.program.unit == "group":
        counts = dict(
            ProposalGroup.objects.filter(
                program_year=program_year,
                status="proposed",
                verification__verdict="eligible",
                region_id__in=codes,
            )
            .exclude(pk__in=approved_g)
            .values("region_id")
            .annotate(n=Count("id"))
            .values_list("region_id", "n")
        )
        waiting: dict[str, int] = {}
    else:
        qs = Proposal.objects.filter(
            program_year=program_year, status="proposed", region_id__in=codes
        )
        counts = dict(
            qs.filter(verification__verdict="eligible", verification__stale=False)
            .exclude(pk__in=approved_p)
            .values("region_id")
            .annotate(n=Count("id"))
            .values_list("region_id", "n")
        )
        waiting = dict(
            qs.filter(Q(verification__isnull=True) | Q(verification__stale=True))
            .values("region_id")
            .annotate(n=Count("id"))
            .values_list("region_id", "n")
        )
    decrees: dict[str, dict[str, Decree]] = {}
    for d in Decree.objects.filter(
        program_year=program_year,
        region_id__in=codes,
        status__in=[Decree.Status.ISSUED, Decree.Status.DRAFT],
    ):
        decrees.setdefault(d.region_id, {})[d.status] = d
    return [
        RegionRow(
            r,
            quotas.get(r.code),
            counts.get(r.code, 0),
            waiting.get(r.code, 0),
            decrees.get(r.code, {}).get("issued"),
            decrees.get(r.code, {}).get("draft"),
        )
        for r in regions
    ]


@dataclass
class RankedRow:
    """A line of the ranking page: an approved unit (as approved) or one that may be."""

    key: str
    rank: int
    name: str
    nik_masked: str
    village_code: str
    value: int
    score: Decimal
    points: list[tuple[str, float, float]]  # component, value 0-1, points
    allocation: Allocation | None = None
    unit: Unit | None = None
    reserve: int = 0  # place on the reserve list, when the quota is full
    stale: bool = False  # approved, but withdrawn or no longer eligible since


def _points(
    components: dict[str, float], weights: dict[str, int]
) -> list[tuple[str, float, float]]:
    total = sum(max(0, w) for w in weights.values()) or 1
    return [
        (
            k,
            float(components.get(k, 0)),
            round(100 * max(0, weights.get(k, 0)) * float(components.get(k, 0)) / total, 2),
        )
        for k in COMPONENTS
    ]


def _no_longer_eligible(allocations: list[Allocation]) -> set[str]:
    """Approved units withdrawn or not eligible (or to be checked again) since approval."""
    from berdaya.intake.models import Proposal, ProposalGroup

    changed = ~Q(verification__verdict="eligible")
    pids = [a.proposal_id for a in allocations if a.proposal_id]
    gids = [a.group_id for a in allocations if a.group_id]
    out = {
        f"p{pk}"
        for pk in Proposal.objects.filter(pk__in=pids)
        .filter(changed | Q(verification__stale=True) | Q(status=Proposal.Status.WITHDRAWN))
        .values_list("pk", flat=True)
    }
    out |= {
        f"g{pk}"
        for pk in ProposalGroup.objects.filter(pk__in=gids)
        .filter(changed | Q(status=ProposalGroup.Status.WITHDRAWN))
        .values_list("pk", flat=True)
    }
    return out


@dataclass
class RankingPage:
    program_year: ProgramYear
    region: Region
    room: Room
    weights: dict[str, int]
    approved: list[RankedRow]
    candidates: list[RankedRow]
    waiting: dict[str, int]
    decree: Decree | None
    draft: Decree | None


def ranking_page(user: Any, program_year: ProgramYear, region: Region) -> RankingPage:
    from berdaya.intake.models import Proposal, ProposalGroup

    if not user.can_read_region(region.code):
        raise Http404
    weights = weights_for(program_year)
    room = room_for(program_year, region.code)
    allocations = list(
        Allocation.objects.filter(
            program_year=program_year, region=region, status=Allocation.Status.APPROVED
        ).order_by("rank", "pk")
    )
    names = {}
    if allocations:
        if program_year.program.unit == "group":
            names = {
                f"g{g['id']}": (g["name"], "", "")
                for g in ProposalGroup.objects.filter(
                    pk__in=[a.group_id for a in allocations]
                ).values("id", "name")
            }
        else:
            from berdaya.core.masking import mask_nik

            names = {
                f"p{p['id']}": (
                    p["name"],
                    mask_nik(p["nik"]) or p["registration_number"],
                    p["village_code"],
                )
                for p in Proposal.objects.filter(
                    pk__in=[a.proposal_id for a in allocations]
                ).values("id", "name", "nik", "registration_number", "village_code")
            }
    gone = _no_longer_eligible(allocations)
    approved = []
    for a in allocations:
        name, nik, village = names.get(a.unit_key, ("", "", ""))
        approved.append(
            RankedRow(
                a.unit_key,
                a.rank,
                name,
                nik,
                village,
                a.value,
                a.score,
                _points(a.components, weights),
                allocation=a,
                stale=a.unit_key in gone,
            )
        )
    units, waiting = ranking(program_year, region.code, start=len(allocations) + 1, weights=weights)
    candidates = []
    money = room.money or 0
    places = room.units
    reserve = 0
    for u in units:
        # In rank order: those that still fit the quota and the budget come next; from the
        # first that does not, everyone is a reserve, numbered in order.
        if not reserve and places > 0 and (u.value or 0) <= money:
            places -= 1
            money -= u.value or 0
            place = 0
        else:
            reserve += 1
            place = reserve
        candidates.append(
            RankedRow(
                u.key,
                u.rank,
                u.name,
                u.masked_nik,
                u.village_code,
                u.value or 0,
                u.score,
                _points(u.components, weights),
                unit=u,
                reserve=place,
            )
        )
    decrees = {
        d.status: d
        for d in Decree.objects.filter(
            program_year=program_year,
            region=region,
            status__in=[Decree.Status.ISSUED, Decree.Status.DRAFT],
        )
    }
    return RankingPage(
        program_year,
        region,
        room,
        weights,
        approved,
        candidates,
        waiting,
        decrees.get("issued"),
        decrees.get("draft"),
    )


def decrees_visible(user: Any) -> QuerySet[Decree]:
    return scoped(
        Decree.objects.select_related("program_year__program", "region", "issued_by"), user
    )


def decree_get(user: Any, decree_id: int) -> Decree:
    return get_scoped_or_404(
        Decree.objects.select_related(
            "program_year__program", "region", "previous", "issued_by", "prepared_by", "pdf"
        ),
        user,
        pk=decree_id,
    )


def objections_visible(user: Any) -> QuerySet[Objection]:
    return scoped(
        Objection.objects.select_related(
            "decree__program_year__program", "region", "recorded_by", "answered_by"
        ),
        user,
    )


def objection_get(user: Any, objection_id: int) -> Objection:
    return get_scoped_or_404(
        Objection.objects.select_related(
            "decree__program_year__program",
            "region",
            "entry",
            "proposal",
            "revision",
            "recorded_by",
            "answered_by",
            "reviewer",
        ),
        user,
        pk=objection_id,
    )


@dataclass
class BudgetRow:
    program_year: ProgramYear
    region: Region
    quota: int
    approved: int
    committed: int
    decreed: int
    realised: int


def budget_rows(user: Any, year: int) -> list[BudgetRow]:
    """Committed, fixed in an issued decree and realised, per region and programme."""
    regions = {r.code: r for r in visible_regions(user)}
    quotas = RegionQuota.objects.filter(
        program_year__year=year, region_id__in=list(regions)
    ).select_related("program_year__program")
    sums = {
        (r["program_year_id"], r["region_id"]): r
        for r in Allocation.objects.filter(
            program_year__year=year, status=Allocation.Status.APPROVED, region_id__in=list(regions)
        )
        .values("program_year_id", "region_id")
        .annotate(
            decreed=Sum("value", filter=Q(decree__status=Decree.Status.ISSUED)),
            realised=Sum("realised_value"),
        )
    }
    rows = []
    for q in quotas.order_by("program_year__program__code", "region_id"):
        s = sums.get((q.program_year_id, q.region_id), {})
        rows.append(
            BudgetRow(
                q.program_year,
                regions[q.region_id],
                q.units,
                q.approved_units,
                q.committed,
                s.get("decreed") or 0,
                s.get("realised") or 0,
            )
        )
    return rows
