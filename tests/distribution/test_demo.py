"""The demo shows Bimtek sessions, attendance, procurement and handovers in several regions."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.test import override_settings

from berdaya.allocation.models import Allocation
from berdaya.distribution.models import Handover, Participant, ProcurementBatch, TrainingSession
from berdaya.distribution.services import realised
from berdaya.programs.models import GoodsItem, GoodsPackage


def test_demo_distribution_in_several_regions(db, tmp_path):
    with override_settings(VAR_DIR=tmp_path):
        out = io.StringIO()
        call_command("demo", "--people", "3000", stdout=out)
        text = out.getvalue()
    assert "Demo distribution" in text
    assert GoodsItem.objects.count() >= 15 and GoodsPackage.objects.count() >= 3
    regions = set(Handover.objects.values_list("region_id", flat=True))
    assert len(regions) >= 3, text
    assert set(TrainingSession.objects.values_list("region_id", flat=True)) >= regions
    assert Participant.objects.filter(status="attended").exists()
    assert Handover.objects.filter(partial=True).exists()
    assert Handover.objects.filter(partial=False).exists()
    assert ProcurementBatch.objects.filter(status__in=["delivered", "partial"]).count() >= 3
    for h in Handover.objects.all()[:5]:
        assert h.photo_id and h.content_hash
    # Realised values agree with the handovers, region by region.
    for region in regions:
        py = Handover.objects.filter(region_id=region).first().program_year
        total = sum(
            Allocation.objects.filter(program_year=py, region_id=region).values_list(
                "realised_value", flat=True
            )
        )
        assert total == realised(py, region)
    counts = (Handover.objects.count(), TrainingSession.objects.count())
    with override_settings(VAR_DIR=tmp_path):
        call_command("demo", "--people", "3000", stdout=io.StringIO())
    assert (Handover.objects.count(), TrainingSession.objects.count()) == counts
