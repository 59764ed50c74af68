"""The demo's visit histories come from a real past cohort, made through the services."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.test import override_settings

from berdaya.distribution.models import Handover
from berdaya.monitoring import outcomes
from berdaya.monitoring.models import Exhibition, MonitoredUnit, Referral, Visit


def test_demo_visit_histories_are_true_to_the_data(db, tmp_path):
    with override_settings(VAR_DIR=tmp_path):
        out = io.StringIO()
        call_command("demo", "--people", "3000", stdout=out)
        text = out.getvalue()
        assert "Demo visit histories" in text
        past = Handover.objects.filter(program_year__year=2024, status="recorded")
        assert past.exists()
        # Every handover is followed, from the date of its unit's first handover.
        for unit in MonitoredUnit.objects.select_related("allocation"):
            first = min(h.handed_on for h in unit.allocation.handovers.filter(status="recorded"))
            assert unit.started_on == first
        done = Visit.objects.filter(status="done")
        assert done.exists()
        for v in done.select_related("unit"):
            assert v.unit.started_on <= v.visited_on
        s = outcomes.summary(outcomes.Filters())
        assert s["survival"].n <= s["visited"]
        assert s["survival"].n > 0 and s["revenue"]["n"] > 0
        counts = (
            Visit.objects.filter(status="done").count(),
            Referral.objects.count(),
            Exhibition.objects.count(),
            MonitoredUnit.objects.count(),
        )
        call_command("demo", "--people", "3000", stdout=io.StringIO())
        assert (
            Visit.objects.filter(status="done").count(),
            Referral.objects.count(),
            Exhibition.objects.count(),
            MonitoredUnit.objects.count(),
        ) == counts
