"""Reads that depend on who asks. Region staff read their regency/city (the scope, applied
by berdaya.accounts.scope); a partner agency's users read only the referrals sent to their
agency, and nothing else of monitoring. Not yours and not there give the same 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from berdaya.accounts.roles import Role
from berdaya.accounts.scope import get_scoped_or_404, scoped
from berdaya.monitoring.models import (
    Exhibition,
    ExhibitionParticipant,
    MonitoredUnit,
    MonitoringPlan,
    PartnerAgency,
    Referral,
    Visit,
)

# How far ahead the list of coming visits looks.
UPCOMING_DAYS = 45


# --- Units and visits ----------------------------------------------------------------------


def units_visible(user: Any) -> QuerySet[MonitoredUnit]:
    return scoped(MonitoredUnit.objects.all(), user).select_related(
        "program_year__program", "region", "facilitator"
    )


def unit_get(user: Any, unit_id: int) -> MonitoredUnit:
    return get_scoped_or_404(
        MonitoredUnit.objects.select_related(
            "program_year__program", "region", "facilitator", "allocation"
        ),
        user,
        pk=unit_id,
    )


def visits_visible(user: Any) -> QuerySet[Visit]:
    return scoped(Visit.objects.all(), user).select_related(
        "unit__program_year__program", "unit__facilitator", "region", "recorded_by"
    )


def visit_get(user: Any, visit_id: int) -> Visit:
    return get_scoped_or_404(
        Visit.objects.select_related(
            "unit__program_year__program", "unit__facilitator", "unit__region", "recorded_by"
        ),
        user,
        pk=visit_id,
    )


def windows() -> dict[int, int]:
    """Each programme's window (days around a due date) by programme id; default 14."""
    from berdaya.monitoring.models import DEFAULT_WINDOW_DAYS

    plans = dict(MonitoringPlan.objects.values_list("program_id", "window_days"))
    return _Default(plans, DEFAULT_WINDOW_DAYS)


class _Default(dict):
    def __init__(self, values: dict, default: int) -> None:
        super().__init__(values)
        self.default = default

    def __missing__(self, key: Any) -> int:
        return self.default


@dataclass
class VisitState:
    key: str  # due | overdue | upcoming
    opens_on: dt.date
    late_after: dt.date


def visit_state(visit: Visit, window: int, today: dt.date | None = None) -> VisitState:
    today = today or timezone.localdate()
    opens = visit.due_on - dt.timedelta(days=window)
    late = visit.due_on + dt.timedelta(days=window)
    if today > late:
        key = "overdue"
    elif today >= opens:
        key = "due"
    else:
        key = "upcoming"
    return VisitState(key, opens, late)


def visit_lists(
    user: Any,
    *,
    mine: bool = False,
    program_year: Any = None,
    region: str = "",
    q: str = "",
    today: dt.date | None = None,
) -> dict[str, list[Visit]]:
    """Scheduled visits in the user's scope: overdue, due now, and coming soon.

    `mine`: a facilitator's own units and the units of their region nobody follows yet.
    """
    today = today or timezone.localdate()
    qs = visits_visible(user).filter(
        status=Visit.Status.SCHEDULED, due_on__lte=today + dt.timedelta(days=UPCOMING_DAYS + 90)
    )
    if mine:
        qs = qs.filter(Q(unit__facilitator=user) | Q(unit__facilitator__isnull=True))
    if program_year is not None:
        qs = qs.filter(unit__program_year=program_year)
    if region:
        qs = qs.filter(region_id=region)
    if q:
        qs = qs.filter(unit__name__icontains=q.strip())
    win = windows()
    out: dict[str, list[Visit]] = {"overdue": [], "due": [], "upcoming": []}
    for visit in qs.order_by("due_on", "pk"):
        state = visit_state(visit, win[visit.unit.program_year.program_id], today)
        if state.key == "upcoming" and state.opens_on > today + dt.timedelta(days=UPCOMING_DAYS):
            continue
        visit.state = state
        out[state.key].append(visit)
    return out


# --- Partner agencies and referrals ----------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def agency_for_user(user: Any) -> PartnerAgency | None:
    """The agency a partner user belongs to: the one its `agency` names (name, short name or
    code, ignoring case and spacing). None for staff and for a name no agency has."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.PARTNER:
        return None
    wanted = _norm(user.agency)
    if not wanted:
        return None
    for agency in PartnerAgency.objects.all():
        if wanted in (_norm(agency.name), _norm(agency.short_name), _norm(agency.code)):
            return agency
    return None


def referrals_visible(user: Any) -> QuerySet[Referral]:
    """A partner agency's users: only what was sent to their agency (any region). Staff: their
    region. Anyone else: nothing."""
    qs = Referral.objects.select_related("agency", "region", "created_by")
    if not user.is_authenticated or not user.has_capability("referrals.view"):
        return qs.none()
    if user.role == Role.PARTNER:
        agency = agency_for_user(user)
        return qs.filter(agency=agency) if agency else qs.none()
    return scoped(qs, user)


def referral_get(user: Any, uid: Any) -> Referral:
    try:
        return referrals_visible(user).get(uid=uid)
    except (Referral.DoesNotExist, ValueError):
        raise Http404 from None


def agencies_active() -> QuerySet[PartnerAgency]:
    return PartnerAgency.objects.filter(active=True)


# --- Exhibitions ---------------------------------------------------------------------------


def exhibitions_visible(user: Any) -> QuerySet[Exhibition]:
    """Province exhibitions are open to every office; a regency/city's own to that region."""
    qs = Exhibition.objects.select_related("region")
    scope = user.region_scope if user.is_authenticated else ""
    if scope is None:
        return qs
    if not scope:
        return qs.none()
    return qs.filter(Q(region__isnull=True) | Q(region_id=scope))


def exhibition_get(user: Any, exhibition_id: int) -> Exhibition:
    try:
        return exhibitions_visible(user).get(pk=exhibition_id)
    except Exhibition.DoesNotExist:
        raise Http404 from None


def participants_visible(user: Any, exhibition: Exhibition) -> QuerySet[ExhibitionParticipant]:
    """The participants of an exhibition the user may read: those of their own region."""
    return scoped(exhibition.participants.all(), user).select_related(
        "unit__program_year__program", "region"
    )


def participant_get(user: Any, participant_id: int) -> ExhibitionParticipant:
    participant = get_scoped_or_404(
        ExhibitionParticipant.objects.select_related("exhibition", "unit", "region"),
        user,
        pk=participant_id,
    )
    # The exhibition must be visible too (a region's participant at another region's event
    # cannot exist, but the rule is stated once here).
    exhibition_get(user, participant.exhibition_id)
    return participant
