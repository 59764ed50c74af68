"""What monitoring adds to the home page and to a person's page."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from berdaya.accounts.roles import Role
from berdaya.monitoring import selectors
from berdaya.monitoring.models import Referral, Visit


def units_of_nik(user: Any, nik: str):
    """The monitored units a person belongs to (alone, or as a member of a group)."""
    return (
        selectors.units_visible(user)
        .filter(
            Q(nik=nik) | Q(allocation__proposal__nik=nik) | Q(allocation__group__members__nik=nik)
        )
        .distinct()
    )


def person_panel(user: Any, person: Any) -> dict | None:
    if not user.has_capability("monitoring.view"):
        return None
    units = list(units_of_nik(user, person.nik).order_by("-started_on")[:10])
    referrals = list(
        selectors.referrals_visible(user)
        .filter(Q(person=person) | Q(subject_nik=person.nik))
        .order_by("-created_at")[:10]
    )
    if not units and not referrals:
        return None
    latest = {}
    for v in Visit.objects.filter(unit__in=units, status=Visit.Status.DONE).order_by(
        "unit_id", "visited_on", "pk"
    ):
        latest[v.unit_id] = v
    for unit in units:
        unit.latest = latest.get(unit.pk)
    return {
        "template": "monitoring/_person_panel.html",
        "units": units,
        "referrals": referrals,
        "person": person,
        "can_refer": user.has_capability("referrals.create"),
    }


def home_card(user: Any) -> dict | None:
    """A facilitator's visits due and overdue; a region's; a partner agency's open referrals."""
    if user.role == Role.PARTNER:
        open_ = selectors.referrals_visible(user).filter(
            status__in=[Referral.Status.SENT, Referral.Status.ACCEPTED]
        )
        return {
            "template": "monitoring/_home_card_partner.html",
            "agency": selectors.agency_for_user(user),
            "waiting": open_.filter(status=Referral.Status.SENT).count(),
            "handling": open_.filter(status=Referral.Status.ACCEPTED).count(),
        }
    # The regions' own staff: the province reads the lists on the monitoring page.
    if user.role not in (Role.FACILITATOR, Role.OPERATOR) or not user.has_capability(
        "monitoring.view"
    ):
        return None
    mine = user.role == Role.FACILITATOR
    lists = selectors.visit_lists(user, mine=mine)
    if not lists["due"] and not lists["overdue"]:
        return None
    return {
        "template": "monitoring/_home_card.html",
        "mine": mine,
        "due": len(lists["due"]),
        "overdue": len(lists["overdue"]),
        "first": (lists["overdue"] + lists["due"])[:5],
    }
