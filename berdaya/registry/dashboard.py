from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from berdaya.registry.models import LifeStatus
from berdaya.registry.selectors import people_visible


def registry_card(user: Any) -> dict | None:
    """People and households the user can see, per regency/city."""
    if not user.has_capability("registry.view"):
        return None
    rows = list(
        people_visible(user)
        .values("regency_id", "regency__name")
        .annotate(
            people=Count("id"),
            households=Count("household", distinct=True),
            women_heads=Count("id", filter=Q(relation="KEPALA KELUARGA", sex="P")),
            deceased=Count("id", filter=Q(life_status=LifeStatus.DECEASED)),
            extreme=Count("id", filter=Q(extreme_poverty=True)),
        )
        .order_by("regency_id")
    )
    totals = {
        k: sum(r[k] for r in rows)
        for k in ("people", "households", "women_heads", "deceased", "extreme")
    }
    return {"template": "registry/_home_card.html", "rows": rows, "totals": totals}
