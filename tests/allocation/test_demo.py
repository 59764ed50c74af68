"""The demo sets seed 004's targets against the Rp6.5 billion APBD, approves and decrees."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.test import override_settings

from berdaya.allocation.models import Allocation, Decree
from berdaya.programs.models import BudgetEnvelope, ProgramTarget, RegionQuota
from berdaya.programs.targets import envelope_check


def test_demo_targets_budget_and_decrees(db, tmp_path):
    with override_settings(VAR_DIR=tmp_path):
        out = io.StringIO()
        call_command("demo", "--people", "3000", stdout=out)
        text = out.getvalue()
        for year in (2024, 2025):
            env = BudgetEnvelope.objects.get(fiscal_year=year, source="APBD")
            assert env.amount == 6_500_000_000
            check = envelope_check(env)
            assert check.cost == 6_500_000_000 and not check.warnings
        wrse = ProgramTarget.objects.get(
            program_year__program__code="WRSE", program_year__year=2025
        )
        kube = ProgramTarget.objects.get(
            program_year__program__code="KUBE", program_year__year=2025
        )
        assert (wrse.units, kube.units) == (500, 200)
        assert set(
            RegionQuota.objects.filter(program_year=wrse.program_year).values_list(
                "units", flat=True
            )
        ) == {50}
        assert set(
            RegionQuota.objects.filter(program_year=kube.program_year).values_list(
                "units", flat=True
            )
        ) == {20}
        approved = Allocation.objects.filter(status="approved").count()
        assert approved > 0
        for q in RegionQuota.objects.all():
            assert q.approved_units <= q.units
        issued = Decree.objects.get(
            status="issued", region_id="64.72", program_year=wrse.program_year
        )
        assert issued.region_id == "64.72" and issued.pdf_id and "signed" in text
        counts = (approved, Decree.objects.count(), BudgetEnvelope.objects.count())
        call_command("demo", "--people", "3000", stdout=io.StringIO())
        assert (
            Allocation.objects.filter(status="approved").count(),
            Decree.objects.count(),
            BudgetEnvelope.objects.count(),
        ) == counts
