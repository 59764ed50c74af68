"""What distribution adds to the home page and to a person's page."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from berdaya.accounts.scope import scoped
from berdaya.distribution.models import Handover, Participant, TrainingSession


def person_panel(user: Any, person: Any) -> dict | None:
    if not user.has_capability("distribution.view"):
        return None
    handovers = list(
        scoped(Handover.objects.all(), user)
        .filter(
            Q(receiver_nik=person.nik)
            | Q(allocation__proposal__nik=person.nik)
            | Q(allocation__group__members__nik=person.nik)
        )
        .select_related("program_year__program")
        .distinct()
        .order_by("-handed_on", "-pk")[:20]
    )
    attendance = list(
        scoped(Participant.objects.filter(proposal__nik=person.nik), user)
        .select_related("session__program_year__program")
        .order_by("-session__starts_on")[:20]
    )
    if not handovers and not attendance:
        return None
    return {
        "template": "distribution/_person_panel.html",
        "handovers": handovers,
        "attendance": attendance,
    }


def home_card(user: Any) -> dict | None:
    """Sessions coming up and the latest handovers in the user's region."""
    if not user.has_capability("distribution.view"):
        return None
    today = timezone.localdate()
    sessions = list(
        scoped(TrainingSession.objects.filter(status=TrainingSession.Status.PLANNED), user)
        .filter(starts_on__gte=today)
        .select_related("program_year__program", "region")
        .order_by("starts_on")[:5]
    )
    recent = list(
        scoped(Handover.objects.filter(status=Handover.Status.RECORDED), user)
        .select_related("region")
        .order_by("-created_at")[:5]
    )
    if not sessions and not recent:
        return None
    return {"template": "distribution/_home_card.html", "sessions": sessions, "recent": recent}
