"""The dashboards' figures, always within the region scope of the one asking.

Every figure is a count of units (persons, groups or institutions, as the programme's unit is)
per regency/city, from the stage functions of `berdaya.reports.stages`; money is whole rupiah.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Q, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.regions.codes import PROVINCE_CODE
from berdaya.regions.models import Region
from berdaya.reports.stages import BUILT_IN, Stage, outcome_functions, stages

_REGENCIES: tuple[float, list[Region]] | None = None
# Regions change only when the Kemendagri codes are loaded again: kept for a few minutes.
REGENCIES_TTL = 300.0


def regencies() -> list[Region]:
    """The current regencies/cities of the province, in code order (no counts: cheap)."""
    global _REGENCIES
    now = time.monotonic()
    if _REGENCIES is None or now - _REGENCIES[0] > REGENCIES_TTL or not _REGENCIES[1]:
        _REGENCIES = (
            now,
            list(
                Region.objects.filter(
                    parent_id=PROVINCE_CODE, level=Region.Level.REGENCY, historical=False
                ).order_by("code")
            ),
        )
    return list(_REGENCIES[1])


def visible_regencies(user: Any) -> list[Region]:
    return [r for r in regencies() if user.can_read_region(r.code)]


def region_for(user: Any, code: str | None) -> Region | None:
    """The regency/city a dashboard is narrowed to: a regional user's own, always; else the one
    asked for (404 when it is not a regency/city the user may read); else None (province)."""
    visible = visible_regencies(user)
    if user.region_scope is not None:
        if not visible:
            raise Http404
        if code and code != visible[0].code:
            raise Http404
        return visible[0]
    if not code:
        return None
    region = next((r for r in visible if r.code == code), None)
    if region is None:
        raise Http404
    return region


@dataclass
class Row:
    code: str
    name: str
    target: int
    figures: dict[str, int | None]
    links: dict[str, str | None]
    committed: int = 0
    realised: int = 0
    decree: Any = None
    target_link: str | None = None

    def cells(self, stage_list: list[Stage]) -> list[tuple[Stage, int | None, str | None]]:
        return [(s, self.figures.get(s.key), self.links.get(s.key)) for s in stage_list]

    @property
    def realised_percent(self) -> int:
        return round(100 * self.realised / self.committed) if self.committed else 0


@dataclass
class Dashboard:
    program_year: Any
    region: Region | None
    stages: list[Stage]
    rows: list[Row]
    total: Row
    target: Any = None  # ProgramTarget
    outcomes: list[dict] = field(default_factory=list)
    running: int = 0  # regions with at least one approval
    running_stage: str = "approved"

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.rows]

    def funnel(self) -> list[dict[str, Any]]:
        out = [
            {
                "key": "target",
                "name": _("Target (quota)"),
                "value": self.total.target,
                "link": self.total.target_link,
            }
        ]
        for s in self.stages:
            if s.available:
                out.append(
                    {
                        "key": s.key,
                        "name": str(s.label),
                        "value": self.total.figures.get(s.key) or 0,
                        "link": self.total.links.get(s.key),
                    }
                )
        return out

    def chart_data(self) -> dict[str, Any]:
        series = [
            {
                "key": "target",
                "name": _("Target (quota)"),
                "data": [r.target for r in self.rows],
                "links": [r.target_link for r in self.rows],
            }
        ]
        for s in self.stages:
            if s.available:
                series.append(
                    {
                        "key": s.key,
                        "name": str(s.label),
                        "data": [r.figures.get(s.key) or 0 for r in self.rows],
                        "links": [r.links.get(s.key) for r in self.rows],
                    }
                )
        return {
            "regions": [r.name for r in self.rows],
            "series": series,
            "funnel": self.funnel(),
            "budget": {
                "names": [_("Committed"), _("Realised")],
                "committed": [r.committed for r in self.rows],
                "realised": [r.realised for r in self.rows],
            },
        }


def _quotas(program_year: Any, codes: list[str]) -> dict[str, int]:
    from berdaya.programs.models import RegionQuota

    return dict(
        RegionQuota.objects.filter(program_year=program_year, region_id__in=codes).values_list(
            "region_id", "units"
        )
    )


def _decrees(program_year: Any, codes: list[str]) -> dict[str, Any]:
    from berdaya.allocation.models import Decree

    return {
        d.region_id: d
        for d in Decree.objects.filter(
            program_year=program_year, region_id__in=codes, status=Decree.Status.ISSUED
        )
    }


def _target_link(program_year: Any) -> str:
    from django.urls import reverse

    return reverse("targets:target", args=[program_year.program.code, program_year.year])


class Figures:
    """Counts per programme year, stage and region for one set of regions, made once a
    request: the dashboard and the year's overview share them.

    The built-in stages and the money come from three grouped queries for all the programme
    years asked about (proposals, groups, approvals), one pass over each table; a stage of a
    later app is asked per programme year, once."""

    def __init__(
        self,
        codes: list[str],
        program_years: list[Any],
        *,
        max_age: int = 0,
        refresh: bool = False,
    ):
        self.codes = list(codes)
        self._mine = set(self.codes)
        self.program_years = list(program_years)
        # Kept in the cache this many seconds (settings.REPORTS_CACHE_SECONDS on the pages).
        # A kept count is of every regency/city, shared by all readers: each reader is shown
        # only the regions in `codes`. Without keeping, only `codes` are counted.
        self.max_age = max_age
        self.count_codes = [r.code for r in regencies()] if max_age else self.codes
        self.refresh = refresh  # count now, and keep that count
        self.counted_at: dt.datetime | None = None
        self._built: dict[int, dict[str, dict[str, int]]] | None = None
        self._money: dict[int, dict[str, tuple[int, int]]] = {}
        self._memo: dict[Any, Any] = {}

    def _key(self, what: str, codes: list[str] | None = None) -> str:
        pys = ",".join(str(py.pk) for py in self.program_years)
        return f"reports:{what}:{pys}:{','.join(self.codes if codes is None else codes)}"

    def _only_mine(self, counts: dict[str, Any]) -> dict[str, Any]:
        return {code: n for code, n in counts.items() if code in self._mine}

    def _built_in(self) -> dict[int, dict[str, dict[str, int]]]:
        if self._built is not None:
            return self._built
        key = self._key("built", self.count_codes)
        if self.max_age and not self.refresh:
            kept = cache.get(key)
            if kept is not None:
                self._built, self._money, self.counted_at = kept
                return self._built
        self._built = self._count()
        self.counted_at = timezone.now()
        if self.max_age:
            cache.set(key, (self._built, self._money, self.counted_at), self.max_age)
        return self._built

    def _count(self) -> dict[int, dict[str, dict[str, int]]]:
        from django.db.models import Count

        from berdaya.allocation.models import Allocation
        from berdaya.intake.models import Proposal, ProposalGroup

        out: dict[int, dict[str, dict[str, int]]] = {
            py.pk: {"proposed": {}, "eligible": {}, "approved": {}} for py in self.program_years
        }
        for model, group in ((Proposal, False), (ProposalGroup, True)):
            pys = [py for py in self.program_years if (py.program.unit == "group") == group]
            if not pys:
                continue
            rows = (
                model.objects.filter(
                    program_year__in=pys, region_id__in=self.count_codes, status="proposed"
                )
                .values("program_year_id", "region_id")
                .annotate(n=Count("pk"), e=Count("pk", filter=Q(verification__verdict="eligible")))
                .values_list("program_year_id", "region_id", "n", "e")
            )
            for py_id, code, n, e in rows:
                out[py_id]["proposed"][code] = n
                out[py_id]["eligible"][code] = e
        rows = (
            Allocation.objects.filter(
                program_year__in=self.program_years,
                region_id__in=self.count_codes,
                status=Allocation.Status.APPROVED,
            )
            .values("program_year_id", "region_id")
            .annotate(n=Count("pk"), c=Sum("value"), r=Sum("realised_value"))
            .values_list("program_year_id", "region_id", "n", "c", "r")
        )
        for py_id, code, n, committed, realised in rows:
            out[py_id]["approved"][code] = n
            self._money.setdefault(py_id, {})[code] = (committed or 0, realised or 0)
        return out

    def _ours(self, program_year: Any, stage: Stage) -> bool:
        return (
            stage.key in BUILT_IN
            and stage.count is BUILT_IN[stage.key][0]
            and any(py.pk == program_year.pk for py in self.program_years)
        )

    def stage(self, program_year: Any, stage: Stage) -> dict[str, int]:
        """Units per region code of one available stage (a code missing: 0)."""
        if self._ours(program_year, stage):
            return self._only_mine(self._built_in()[program_year.pk][stage.key])
        key = (program_year.pk, stage.key)
        if key not in self._memo:
            cache_key = self._key(f"{stage.key}:{program_year.pk}", self.count_codes)
            counts = cache.get(cache_key) if self.max_age and not self.refresh else None
            if counts is None:
                counts = stage.count(program_year, self.count_codes) or {}
                if self.max_age:
                    cache.set(cache_key, counts, self.max_age)
            self._memo[key] = self._only_mine(counts)
        return self._memo[key]

    def kept(self, name: str, make: Any) -> Any:
        """`make()`, or what was kept of it for these regions and years (see max_age)."""
        if name in self._memo:
            return self._memo[name]
        key = self._key(name)
        found = cache.get(key) if self.max_age and not self.refresh else None
        if found is None:
            found = make()
            if self.max_age:
                cache.set(key, found, self.max_age)
        self._memo[name] = found
        return found

    def outcomes(self, program_year: Any) -> list[dict]:
        """What later apps report of monitoring (see berdaya.reports.stages, OUTCOMES)."""
        key = self._key(f"outcomes:{program_year.pk}")
        found = cache.get(key) if self.max_age and not self.refresh else None
        if found is None:
            found = []
            for fn in outcome_functions():
                found.extend(fn(program_year, self.codes) or [])
            if self.max_age:
                cache.set(key, found, self.max_age)
        return found

    def money(self, program_year: Any) -> dict[str, tuple[int, int]]:
        """Committed and realised rupiah per region code."""
        self._built_in()
        return self._only_mine(self._money.get(program_year.pk, {}))

    def all(self, program_year: Any) -> dict[str, dict[str, int]]:
        return {s.key: self.stage(program_year, s) for s in stages() if s.available}


def figures(program_year: Any, codes: list[str]) -> dict[str, dict[str, int]]:
    """Per available stage: units per region code (missing codes: 0)."""
    return Figures(codes, [program_year]).all(program_year)


def dashboard(
    user: Any, program_year: Any, region: Region | None = None, figs: Figures | None = None
) -> Dashboard:
    """The figures of one programme year for every region the user may read (or one).

    `figs`, when given, must count the same regions (those of `region`, else all the user's)."""
    from berdaya.programs.models import ProgramTarget

    regions = [region] if region is not None else visible_regencies(user)
    codes = [r.code for r in regions]
    figs = figs or Figures(codes, [program_year])
    stage_list = stages()
    counts = figs.all(program_year)
    quotas = figs.kept(f"quotas:{program_year.pk}", lambda: _quotas(program_year, codes))
    money = figs.money(program_year)
    decrees = figs.kept(f"decrees:{program_year.pk}", lambda: _decrees(program_year, codes))
    target_link = _target_link(program_year)
    rows = []
    for r in regions:
        committed, realised = money.get(r.code, (0, 0))
        rows.append(
            Row(
                code=r.code,
                name=r.name,
                target=quotas.get(r.code, 0),
                figures={
                    s.key: (counts[s.key].get(r.code, 0) if s.available else None)
                    for s in stage_list
                },
                links={
                    s.key: (s.link(program_year, r.code) if s.available and s.link else None)
                    for s in stage_list
                },
                committed=committed,
                realised=realised,
                decree=decrees.get(r.code),
                target_link=target_link,
            )
        )
    total = Row(
        code="",
        name=_("Total"),
        target=sum(r.target for r in rows),
        figures={
            s.key: (sum(r.figures[s.key] or 0 for r in rows) if s.available else None)
            for s in stage_list
        },
        links={
            s.key: (
                s.link(program_year, region.code if region else None)
                if s.available and s.link
                else None
            )
            for s in stage_list
        },
        committed=sum(r.committed for r in rows),
        realised=sum(r.realised for r in rows),
        target_link=target_link,
    )
    running_stage = "handed_over" if counts.get("handed_over") else "approved"
    running = sum(1 for r in rows if (r.figures.get(running_stage) or 0) > 0)
    outcomes = figs.outcomes(program_year)
    return Dashboard(
        program_year=program_year,
        region=region,
        stages=stage_list,
        rows=rows,
        total=total,
        target=figs.kept(
            f"target:{program_year.pk}",
            lambda: (
                ProgramTarget.objects.filter(program_year=program_year)
                .select_related("envelope")
                .first()
                or False
            ),
        )
        or None,
        outcomes=outcomes,
        running=running,
        running_stage=running_stage,
    )


@dataclass
class OverviewRow:
    program_year: Any
    target: int
    quota: int
    figures: dict[str, int | None]
    committed: int
    realised: int


def overview(
    user: Any, year: int, region: Region | None = None, figs: Figures | None = None
) -> list[OverviewRow]:
    """Every active programme of a year, in totals over the regions the user may read.

    The target is the programme's own for the whole province, else the sum of the quotas of
    the regions shown."""
    from berdaya.programs.models import ProgramTarget, RegionQuota

    codes = [region.code] if region else [r.code for r in visible_regencies(user)]
    province = region is None and user.region_scope is None
    if figs is None:
        figs = Figures(codes, list(program_years_of(year)))
    pys = figs.program_years
    targets = figs.kept(
        "targets",
        lambda: dict(
            ProgramTarget.objects.filter(program_year__in=pys).values_list(
                "program_year_id", "units"
            )
        ),
    )
    quotas = figs.kept(
        "quota_sums",
        lambda: dict(
            RegionQuota.objects.filter(program_year__in=pys, region_id__in=codes)
            .values("program_year_id")
            .annotate(n=Sum("units"))
            .values_list("program_year_id", "n")
        ),
    )
    stage_list = stages()
    out = []
    for py in pys:
        money = figs.money(py).values()
        out.append(
            OverviewRow(
                program_year=py,
                target=targets.get(py.pk, 0) if province else quotas.get(py.pk, 0),
                quota=quotas.get(py.pk, 0),
                figures={
                    s.key: (sum(figs.stage(py, s).values()) if s.available else None)
                    for s in stage_list
                },
                committed=sum(c for c, _r in money),
                realised=sum(r for _c, r in money),
            )
        )
    return out


def program_years_of(year: int | None = None):
    from berdaya.programs.models import ProgramYear

    qs = ProgramYear.objects.filter(program__active=True).select_related("program")
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "program__code")


def groups_list(user: Any, program_year: Any, *, region: str = "", verdict: str = ""):
    """The proposed groups of a group programme year the user may read (the group figures)."""
    from berdaya.accounts.scope import scoped
    from berdaya.intake.models import ProposalGroup

    qs = scoped(
        ProposalGroup.objects.filter(program_year=program_year, status="proposed").select_related(
            "region", "verification"
        ),
        user,
    )
    if region:
        qs = qs.filter(region_id=region)
    if verdict == "pending":
        qs = qs.filter(Q(verification__isnull=True) | Q(verification__verdict=""))
    elif verdict:
        qs = qs.filter(verification__verdict=verdict)
    return qs.order_by("region_id", "name", "pk")
