"""Reads that depend on who asks: every one goes through the region scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from berdaya.accounts.scope import get_scoped_or_404, scoped
from berdaya.allocation.models import Allocation, Decree
from berdaya.distribution.models import (
    Handover,
    PackageStatus,
    Participant,
    ProcurementBatch,
    TrainingSession,
    UnitPackage,
)
from berdaya.distribution.units import UnitInfo, decreed, trained_ids, unit_infos
from berdaya.programs.models import ProgramTarget, ProgramYear
from berdaya.programs.targets import regencies
from berdaya.regions.models import Region

# Days before the distribution deadline from which a region not done is warned.
WARN_DAYS = 30


def visible_regions(user: Any) -> list[Region]:
    return [r for r in regencies() if user.can_read_region(r.code)]


def region_get(user: Any, code: str) -> Region:
    region = next((r for r in regencies() if r.code == code), None)
    if region is None or not user.can_read_region(region.code):
        raise Http404
    return region


def sessions_visible(user: Any) -> QuerySet[TrainingSession]:
    return scoped(TrainingSession.objects.all(), user).select_related(
        "program_year__program", "region"
    )


def session_get(user: Any, session_id: int) -> TrainingSession:
    return get_scoped_or_404(
        TrainingSession.objects.select_related("program_year__program", "region", "sheet"),
        user,
        pk=session_id,
    )


def allocation_get(user: Any, allocation_id: int) -> Allocation:
    """A unit the user may read; a unit not yet in an issued decree is still shown (with the
    reason it cannot receive), a cancelled one too."""
    return get_scoped_or_404(
        Allocation.objects.select_related("program_year__program", "region", "decree"),
        user,
        pk=allocation_id,
    )


def handovers_visible(user: Any) -> QuerySet[Handover]:
    return scoped(Handover.objects.all(), user).select_related(
        "program_year__program", "region", "photo"
    )


def handover_get(user: Any, handover_id: int) -> Handover:
    return get_scoped_or_404(
        Handover.objects.select_related(
            "program_year__program", "region", "photo", "allocation__decree", "officer"
        ),
        user,
        pk=handover_id,
    )


def procurement_visible(user: Any) -> QuerySet[ProcurementBatch]:
    return scoped(ProcurementBatch.objects.all(), user).select_related(
        "program_year__program", "region"
    )


def procurement_get(user: Any, batch_id: int) -> ProcurementBatch:
    return get_scoped_or_404(
        ProcurementBatch.objects.select_related("program_year__program", "region"),
        user,
        pk=batch_id,
    )


def distribution_years() -> list[ProgramYear]:
    """Programme years with an issued decree somewhere, newest first."""
    ids = Decree.objects.filter(status=Decree.Status.ISSUED).values("program_year_id")
    return list(
        ProgramYear.objects.filter(pk__in=ids)
        .select_related("program")
        .order_by("-year", "program__code")
    )


def current_year(request: Any) -> ProgramYear | None:
    years = distribution_years()
    wanted = request.GET.get("py")
    if wanted and wanted.isdigit():
        for py in years:
            if py.pk == int(wanted):
                return py
        found = ProgramYear.objects.select_related("program").filter(pk=int(wanted)).first()
        if found:
            return found
    return years[0] if years else None


@dataclass
class UnitRow:
    info: UnitInfo
    package: UnitPackage | None
    trained: bool
    invited: bool
    handovers: int

    @property
    def allocation(self) -> Allocation:
        return self.info.allocation

    @property
    def status(self) -> str:
        return self.package.status if self.package else PackageStatus.PENDING


def unit_rows(user: Any, program_year: ProgramYear, region: Region) -> list[UnitRow]:
    """The units of a region's decree in force, with package, training and handover state."""
    if not user.can_read_region(region.code):
        raise Http404
    allocations = list(
        decreed(Allocation.objects.filter(program_year=program_year, region=region))
        .select_related("program_year__program", "decree", "region")
        .order_by("rank", "pk")
    )
    ids = [a.pk for a in allocations]
    infos = unit_infos(allocations)
    packages = {
        p.allocation_id: p
        for p in UnitPackage.objects.filter(allocation_id__in=ids).prefetch_related("lines__item")
    }
    trained = trained_ids(ids)
    invited = set(
        Participant.objects.filter(allocation_id__in=ids)
        .exclude(session__status=TrainingSession.Status.CANCELLED)
        .values_list("allocation_id", flat=True)
    )
    handovers = dict(
        Handover.objects.filter(allocation_id__in=ids, status=Handover.Status.RECORDED)
        .values("allocation_id")
        .annotate(n=Count("pk"))
        .values_list("allocation_id", "n")
    )
    return [
        UnitRow(
            infos[a.pk],
            packages.get(a.pk),
            a.pk in trained,
            a.pk in invited,
            handovers.get(a.pk, 0),
        )
        for a in allocations
    ]


@dataclass
class ProgressRow:
    region: Region
    decree: Decree | None
    units: int
    invited: int
    trained: int
    partial: int
    complete: int
    decreed_value: int
    realised_value: int
    deadline: dt.date | None

    @property
    def trained_percent(self) -> int:
        return round(100 * self.trained / self.units) if self.units else 0

    @property
    def complete_percent(self) -> int:
        return round(100 * self.complete / self.units) if self.units else 0

    @property
    def realised_percent(self) -> int:
        return round(100 * self.realised_value / self.decreed_value) if self.decreed_value else 0

    @property
    def days_left(self) -> int | None:
        if self.deadline is None:
            return None
        return (self.deadline - timezone.localdate()).days

    @property
    def warning(self) -> str:
        """ "overdue": past the deadline and not all handed over; "soon": within WARN_DAYS."""
        if not self.units or self.complete >= self.units or self.days_left is None:
            return ""
        if self.days_left < 0:
            return "overdue"
        if self.days_left <= WARN_DAYS:
            return "soon"
        return ""


def progress(user: Any, program_year: ProgramYear) -> list[ProgressRow]:
    """Per region the user may read: units in the decree, trained, handed over, money."""
    regions = visible_regions(user)
    codes = [r.code for r in regions]
    decrees = {
        d.region_id: d
        for d in Decree.objects.filter(
            program_year=program_year, region_id__in=codes, status=Decree.Status.ISSUED
        )
    }
    units = decreed(Allocation.objects.filter(program_year=program_year, region_id__in=codes))
    per_region = {
        r["region_id"]: r
        for r in units.values("region_id").annotate(
            n=Count("pk"), value=Sum("value"), realised=Sum("realised_value")
        )
    }
    ids = list(units.values_list("pk", flat=True))
    region_of = dict(units.values_list("pk", "region_id"))
    trained: dict[str, int] = {}
    for pk in trained_ids(ids):
        trained[region_of[pk]] = trained.get(region_of[pk], 0) + 1
    invited: dict[str, int] = {}
    for pk in set(
        Participant.objects.filter(allocation_id__in=ids)
        .exclude(session__status=TrainingSession.Status.CANCELLED)
        .values_list("allocation_id", flat=True)
    ):
        invited[region_of[pk]] = invited.get(region_of[pk], 0) + 1
    status: dict[tuple[str, str], int] = {
        (r["region_id"], r["status"]): r["n"]
        for r in UnitPackage.objects.filter(allocation_id__in=ids)
        .values("region_id", "status")
        .annotate(n=Count("pk"))
    }
    target = ProgramTarget.objects.filter(program_year=program_year).first()
    deadline = target.deadline if target else None
    rows = []
    for r in regions:
        agg = per_region.get(r.code) or {}
        rows.append(
            ProgressRow(
                r,
                decrees.get(r.code),
                agg.get("n") or 0,
                invited.get(r.code, 0),
                trained.get(r.code, 0),
                status.get((r.code, PackageStatus.PARTIAL), 0),
                status.get((r.code, PackageStatus.COMPLETE), 0),
                agg.get("value") or 0,
                agg.get("realised") or 0,
                deadline,
            )
        )
    return rows


def progress_total(rows: list[ProgressRow]) -> ProgressRow:
    return ProgressRow(
        Region(code="", name=""),
        None,
        sum(r.units for r in rows),
        sum(r.invited for r in rows),
        sum(r.trained for r in rows),
        sum(r.partial for r in rows),
        sum(r.complete for r in rows),
        sum(r.decreed_value for r in rows),
        sum(r.realised_value for r in rows),
        rows[0].deadline if rows else None,
    )


def batch_handovers(
    user: Any, program_year: ProgramYear, region: Region, date_from: dt.date, date_to: dt.date
) -> list[Handover]:
    """The handovers of a region in a period: the content of a collective BAST."""
    if not user.can_read_region(region.code):
        raise Http404
    return list(
        Handover.objects.filter(
            program_year=program_year,
            region=region,
            handed_on__gte=date_from,
            handed_on__lte=date_to,
        )
        .select_related("program_year__program", "region")
        .prefetch_related("lines__item")
        .order_by("handed_on", "seq")
    )


def q_search(text: str) -> Q:
    text = (text or "").strip()
    if not text:
        return Q()
    return Q(receiver_name__icontains=text) | Q(number__icontains=text) | Q(place__icontains=text)
