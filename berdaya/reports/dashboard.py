"""The home page's card: the latest year's programmes at a glance, linked to the dashboard."""

from __future__ import annotations

from typing import Any

from berdaya.reports.selectors import overview, program_years_of


def dashboard_card(user: Any) -> dict | None:
    if not user.has_capability("reports.view"):
        return None
    latest = program_years_of().first()
    if latest is None:
        return None
    from django.conf import settings

    from berdaya.reports.selectors import Figures, visible_regencies

    figs = Figures(
        [r.code for r in visible_regencies(user)],
        list(program_years_of(latest.year)),
        max_age=settings.REPORTS_CACHE_SECONDS,
    )
    rows = overview(user, latest.year, figs=figs)
    if not rows:
        return None
    return {"template": "reports/_home_card.html", "year": latest.year, "rows": rows}
