"""Monitoring's part of the dashboards (found by berdaya.reports.stages, see its docstring):
the "monitored" stage (units with a recorded follow-up visit) and the outcome figures."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode

from berdaya.monitoring.outcomes import count_monitored, dashboard_outcomes


def link_monitored(program_year: Any, region: str | None) -> str:
    query = {"program": program_year.program.code, "year": program_year.year}
    if region:
        query["region"] = region
    return reverse("monitoring:outcomes") + "?" + urlencode(query)


STAGES = {"monitored": {"count": count_monitored, "link": link_monitored}}
OUTCOMES = dashboard_outcomes
