"""What allocation adds to a person's page: approvals and decrees for that NIK."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from berdaya.accounts.scope import scoped
from berdaya.allocation.models import Allocation


def allocations_panel(user: Any, person: Any) -> dict | None:
    if not user.has_capability("allocation.view"):
        return None
    allocations = list(
        scoped(Allocation.objects.all(), user)
        .filter(Q(proposal__nik=person.nik) | Q(group__members__nik=person.nik))
        .select_related("program_year__program", "region", "decree", "group")
        .distinct()
        .order_by("-program_year__year", "-approved_at")[:20]
    )
    if not allocations:
        return None
    return {"template": "allocation/_person_panel.html", "allocations": allocations}
