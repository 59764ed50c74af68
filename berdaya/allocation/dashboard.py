"""The allocation card of the home page: quotas used, decrees to sign, objections open."""

from __future__ import annotations

from typing import Any

from django.db.models import Sum

from berdaya.accounts.scope import scoped
from berdaya.allocation.models import Decree, Objection
from berdaya.programs.models import RegionQuota


def allocation_card(user: Any) -> dict | None:
    if not user.has_capability("allocation.view"):
        return None
    quotas = list(
        scoped(RegionQuota.objects.filter(program_year__program__active=True), user)
        .values("program_year_id", "program_year__program__code", "program_year__year")
        .annotate(units=Sum("units"), approved=Sum("approved_units"), committed=Sum("committed"))
        .order_by("-program_year__year", "program_year__program__code")[:6]
    )
    to_sign = []
    if user.has_capability("decree.sign"):
        to_sign = list(
            scoped(Decree.objects.filter(status=Decree.Status.DRAFT), user)
            .exclude(number="")
            .select_related("program_year__program", "region")
            .order_by("prepared_at")[:10]
        )
    open_objections = scoped(
        Objection.objects.filter(
            status__in=[Objection.Status.RECEIVED, Objection.Status.IN_REVIEW]
        ),
        user,
    ).count()
    if not quotas and not to_sign and not open_objections:
        return None
    return {
        "template": "allocation/_home_card.html",
        "quotas": quotas,
        "to_sign": to_sign,
        "open_objections": open_objections,
    }
