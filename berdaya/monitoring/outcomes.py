"""The outcome figures of monitoring: plain functions the pages, the dashboards (reports) and
anyone else call with the region codes the user may read. Nothing here checks who asks: the
caller passes the scope (`Filters.regions`), as reports' stage counters do.

- Survival of businesses: the Kaplan-Meier estimate (lifelines) of the time from the goods
  received (first handover) to the first visit that finds the business stopped. A business
  still running at its last visit is censored there; a unit never visited adds nothing.
  Time is in calendar months.
- Revenue before and after: the monthly revenue declared before the assistance (asked at the
  first visit) against the latest visit's (0 for a business found stopped).
- Jobs created: workers employed at each business's latest visit, and how many of them come
  from poor families.
- Independent (mandiri): units whose latest visit found the family no longer needs assistance,
  counted as units and as families (a KUBE group is as many families as members).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet, Sum

from berdaya.monitoring.models import (
    BusinessStatus,
    ExhibitionParticipant,
    FormKind,
    MonitoredUnit,
    UnitStatus,
    Visit,
)
from berdaya.monitoring.scheduling import months_between

MILESTONES = (3, 6, 12, 24)


@dataclass
class Filters:
    program: str = ""  # programme code
    year: int | None = None  # programme year
    regions: list[str] | None = None  # None: the whole province
    business_type: str = ""
    program_year_id: int | None = None

    def as_query(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.program:
            out["program"] = self.program
        if self.year:
            out["year"] = self.year
        if self.regions is not None and len(self.regions) == 1:
            out["region"] = self.regions[0]
        if self.business_type:
            out["business_type"] = self.business_type
        return out


def units_for(filters: Filters) -> QuerySet[MonitoredUnit]:
    # A unit whose every handover was voided received nothing: it is no outcome.
    qs = MonitoredUnit.objects.exclude(closed_because="no_handover")
    if filters.program:
        qs = qs.filter(program_year__program__code=filters.program)
    if filters.year:
        qs = qs.filter(program_year__year=filters.year)
    if filters.program_year_id:
        qs = qs.filter(program_year_id=filters.program_year_id)
    if filters.regions is not None:
        qs = qs.filter(region_id__in=filters.regions)
    if filters.business_type:
        if filters.business_type == "-":
            qs = qs.filter(business_type="")
        else:
            qs = qs.filter(business_type=filters.business_type)
    return qs


# --- Kaplan-Meier ------------------------------------------------------------------------------


@dataclass
class Survival:
    n: int = 0
    events: int = 0
    points: list[dict[str, float]] = field(default_factory=list)  # t, s, lo, hi (a step curve)
    median: float | None = None  # months; None while more than half still run
    at: dict[int, float | None] = field(default_factory=dict)  # survival at 3, 6, 12, 24 months

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "events": self.events,
            "points": self.points,
            "median": self.median,
            "at": {str(k): v for k, v in self.at.items()},
        }


def kaplan_meier(durations: list[float], events: list[bool]) -> Survival:
    """The Kaplan-Meier estimate of survival, with its 95% confidence band (lifelines)."""
    if not durations:
        return Survival(at={m: None for m in MILESTONES})
    # Imported here: lifelines brings pandas and scipy, which most requests never need.
    from lifelines import KaplanMeierFitter

    kmf = KaplanMeierFitter()
    kmf.fit(durations, event_observed=[bool(e) for e in events])
    sf = kmf.survival_function_.iloc[:, 0]
    ci = kmf.confidence_interval_survival_function_
    points = []
    for t, s in sf.items():
        lo, hi = ci.loc[t].iloc[0], ci.loc[t].iloc[1]
        points.append(
            {
                "t": round(float(t), 4),
                "s": round(float(s), 6),
                "lo": round(float(lo), 6) if not math.isnan(lo) else None,
                "hi": round(float(hi), 6) if not math.isnan(hi) else None,
            }
        )
    median = float(kmf.median_survival_time_)
    last = max(durations)
    at = {m: round(float(kmf.predict(m)), 6) if m <= last else None for m in MILESTONES}
    return Survival(
        n=len(durations),
        events=int(sum(bool(e) for e in events)),
        points=points,
        median=None if math.isinf(median) else round(median, 2),
        at=at,
    )


# --- Per unit: what its visits found -----------------------------------------------------------


@dataclass
class UnitFacts:
    unit: MonitoredUnit
    visits: list[Visit]

    @property
    def latest(self) -> Visit | None:
        return self.visits[-1] if self.visits else None

    @property
    def first_stop(self) -> Visit | None:
        return next((v for v in self.visits if v.business_status == BusinessStatus.STOPPED), None)

    def survival_observation(self) -> tuple[float, bool] | None:
        if self.unit.form_kind != FormKind.BUSINESS:
            return None
        seen = [v for v in self.visits if v.business_status]
        if not seen:
            return None
        stop = self.first_stop
        end = stop or seen[-1]
        return max(0.0, months_between(self.unit.started_on, end.visited_on)), stop is not None


def facts(units: QuerySet[MonitoredUnit] | Iterable[MonitoredUnit]) -> list[UnitFacts]:
    units = list(units)
    by_unit: dict[int, list[Visit]] = defaultdict(list)
    ids = [u.pk for u in units]
    for i in range(0, len(ids), 2000):
        for v in Visit.objects.filter(
            unit_id__in=ids[i : i + 2000], status=Visit.Status.DONE
        ).order_by("unit_id", "visited_on", "month", "pk"):
            by_unit[v.unit_id].append(v)
    return [UnitFacts(u, by_unit.get(u.pk, [])) for u in units]


def survival(rows: list[UnitFacts]) -> Survival:
    observed = [o for o in (r.survival_observation() for r in rows) if o is not None]
    return kaplan_meier([o[0] for o in observed], [o[1] for o in observed])


def _median(values: list[int]) -> int | None:
    return round(statistics.median(values)) if values else None


def _mean(values: list[int]) -> int | None:
    return round(sum(values) / len(values)) if values else None


def revenue(rows: list[UnitFacts]) -> dict[str, Any]:
    pairs = []
    for r in rows:
        if r.unit.form_kind != FormKind.BUSINESS or r.unit.baseline_revenue is None:
            continue
        latest = next((v for v in reversed(r.visits) if v.revenue is not None), None)
        if latest is not None:
            pairs.append((r.unit.baseline_revenue, latest.revenue))
    before = [p[0] for p in pairs]
    after = [p[1] for p in pairs]
    out = {
        "n": len(pairs),
        "before_median": _median(before),
        "after_median": _median(after),
        "before_mean": _mean(before),
        "after_mean": _mean(after),
        "higher": sum(1 for b, a in pairs if a > b),
    }
    if out["before_median"]:
        out["change_percent"] = round(
            100 * (out["after_median"] - out["before_median"]) / out["before_median"], 1
        )
    else:
        out["change_percent"] = None
    return out


def jobs(rows: list[UnitFacts]) -> dict[str, int]:
    workers = poor = employing = 0
    for r in rows:
        latest = next((v for v in reversed(r.visits) if v.workers is not None), None)
        if latest is None:
            continue
        workers += latest.workers or 0
        poor += latest.workers_poor or 0
        employing += 1 if latest.workers else 0
    return {"workers": workers, "workers_poor": poor, "businesses": employing}


def independent(rows: list[UnitFacts]) -> dict[str, int]:
    units = [r.unit for r in rows if r.unit.status == UnitStatus.INDEPENDENT]
    return {"units": len(units), "families": sum(u.families for u in units)}


def status_mix(rows: list[UnitFacts]) -> dict[str, int]:
    """Each business by what its latest visit found ("none": not visited yet)."""
    mix: Counter = Counter({s: 0 for s in BusinessStatus.values} | {"none": 0})
    for r in rows:
        if r.unit.form_kind != FormKind.BUSINESS:
            continue
        latest = next((v for v in reversed(r.visits) if v.business_status), None)
        mix[latest.business_status if latest else "none"] += 1
    return dict(mix)


def stop_reasons(rows: list[UnitFacts]) -> dict[str, int]:
    """Why the businesses that stopped stopped (the first visit that found them stopped)."""
    reasons: Counter = Counter()
    for r in rows:
        stop = r.first_stop
        if stop is not None:
            reasons[stop.stop_reason or "other"] += 1
    return dict(reasons.most_common())


def exhibitions(units: QuerySet[MonitoredUnit]) -> dict[str, int]:
    qs = ExhibitionParticipant.objects.filter(unit__in=units)
    return {
        "events": qs.values("exhibition").distinct().count(),
        "participants": qs.values("unit").distinct().count(),
        "sales": qs.aggregate(s=Sum("sales"))["s"] or 0,
    }


def visits_done(rows: list[UnitFacts]) -> int:
    return sum(len(r.visits) for r in rows)


# --- Everything for a page, and the breakdowns ---------------------------------------------


def breakdown(rows: list[UnitFacts], key: str) -> list[dict[str, Any]]:
    """The figures per region, business type or programme year."""
    groups: dict[str, list[UnitFacts]] = defaultdict(list)
    for r in rows:
        if key == "region":
            k = r.unit.region_id
        elif key == "business_type":
            k = r.unit.business_type or ""
        else:
            k = str(r.unit.program_year_id)
        groups[k].append(r)
    out = []
    for k, members in sorted(groups.items()):
        surv = survival(members)
        rev = revenue(members)
        out.append(
            {
                "key": k,
                "units": len(members),
                "visited": sum(1 for m in members if m.visits),
                "survival_12": surv.at.get(12),
                "observed": surv.n,
                "stopped": surv.events,
                "before_median": rev["before_median"],
                "after_median": rev["after_median"],
                "jobs": jobs(members)["workers"],
                "jobs_poor": jobs(members)["workers_poor"],
                "independent": independent(members)["units"],
            }
        )
    return out


def summary(filters: Filters, *, with_breakdowns: bool = True) -> dict[str, Any]:
    units = units_for(filters).select_related("program_year__program")
    rows = facts(units)
    out = {
        "units": len(rows),
        "visited": sum(1 for r in rows if r.visits),
        "visits": visits_done(rows),
        "survival": survival(rows),
        "revenue": revenue(rows),
        "jobs": jobs(rows),
        "independent": independent(rows),
        "status_mix": status_mix(rows),
        "stop_reasons": stop_reasons(rows),
        "exhibitions": exhibitions(units_for(filters)),
    }
    if with_breakdowns:
        out["by_region"] = breakdown(rows, "region")
        out["by_business_type"] = breakdown(rows, "business_type")
    return out


# --- For the dashboards (reports) -------------------------------------------------------------


def count_monitored(program_year: Any, region_codes: list[str]) -> dict[str, int]:
    """Units of a programme year with at least one recorded visit, per regency/city."""
    rows = (
        MonitoredUnit.objects.filter(
            program_year=program_year,
            region_id__in=region_codes,
            visits__status=Visit.Status.DONE,
        )
        .values_list("region_id", "pk")
        .distinct()
    )
    counts: Counter = Counter(region for region, _pk in rows)
    return dict(counts)


def dashboard_outcomes(program_year: Any, region_codes: list[str]) -> list[dict[str, Any]]:
    """The outcome figures reports shows under its stages: label, count, link."""
    from django.urls import reverse
    from django.utils.http import urlencode
    from django.utils.translation import gettext as _

    filters = Filters(program_year_id=program_year.pk, regions=list(region_codes))
    s = summary(filters, with_breakdowns=False)
    query = {"program": program_year.program.code, "year": program_year.year}
    if len(region_codes) == 1:
        query["region"] = region_codes[0]
    link = reverse("monitoring:outcomes") + "?" + urlencode(query)
    mix = s["status_mix"]
    return [
        {"label": _("Businesses growing"), "count": mix.get("growing", 0), "link": link},
        {"label": _("Businesses stopped"), "count": mix.get("stopped", 0), "link": link},
        {"label": _("Independent (mandiri)"), "count": s["independent"]["units"], "link": link},
        {"label": _("Jobs created"), "count": s["jobs"]["workers"], "link": link},
    ]
