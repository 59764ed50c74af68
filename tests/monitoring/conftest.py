"""Units handed over through distribution's own services, ready to be monitored.

A unit is an approved proposal (or group) in an issued decree; its package and its handover
go through `unit_package_set` and `handover_record`, so the handover's post_save and the
catch-up both see what a real handover leaves behind.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from PIL import Image

from tests.allocation.conftest import eligible, eligible_group

SMD, BPN = "64.72", "64.71"
_rank = itertools.count(1)


def jpeg(name: str = "foto.jpg", color: str = "green") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


@pytest.fixture(autouse=True)
def english_messages():
    """Messages are matched in English here, whatever a page left active before."""
    with translation.override("en"):
        yield


def _decree(py, region):
    from berdaya.allocation.models import Decree

    decree = Decree.objects.filter(program_year=py, region_id=region, status="issued").first()
    if decree is None:
        decree = Decree.objects.create(
            program_year=py,
            region_id=region,
            status="issued",
            number=f"400.9/{region}/{py.pk}",
            issued_at=timezone.now(),
            signatory_name="Kepala Dinas",
        )
    return decree


def _item(code, name, price):
    from berdaya.programs.models import GoodsItem

    item, _created = GoodsItem.objects.get_or_create(
        code=code, defaults={"name": name, "unit": "unit", "unit_price": price}
    )
    return item


@pytest.fixture
def hand_over(users):
    """`hand_over(region=, days_ago=, program=, group=)` -> (allocation, handover)."""
    from berdaya.allocation.models import Allocation
    from berdaya.distribution.services import handover_record, unit_package_set
    from berdaya.programs.models import ProgramYear
    from berdaya.programs.services import program_year_for

    def make(
        region=SMD,
        days_ago=100,
        program="WRSE",
        year=2025,
        group=False,
        name=None,
        village=None,
        handed_on=None,
    ):
        admin = users["admin"]
        py = program_year_for(actor=admin, program=program, year=year)[0]
        if not py.handover_before_training:
            ProgramYear.objects.filter(pk=py.pk).update(handover_before_training=True)
            py.refresh_from_db()
        decree = _decree(py, region)
        kw = {"village": village} if village else {}
        if group:
            g, _people = eligible_group(
                py, region, users["verifier"], name or f"KUBE {next(_rank)}", **kw
            )
            unit = {"group": g}
            value = 20_000_000
        else:
            unit = {"proposal": eligible(py, region, users["verifier"], name=name, **kw)}
            value = 5_000_000
        allocation = Allocation.objects.create(
            program_year=py,
            region_id=region,
            rank=next(_rank),
            score=50,
            value=value,
            approved_by=admin,
            approved_at=timezone.now(),
            decree=decree,
            **unit,
        )
        sewing = _item("MJ-01", "Mesin jahit", 2_000_000)
        cloth = _item("KAIN-01", "Kain katun (gulung)", 500_000)
        unit_package_set(actor=admin, allocation=allocation, lines=[(sewing, 1), (cloth, 4)])
        officer = users["facilitator"] if region == SMD else admin
        handover, _created = handover_record(
            actor=officer,
            allocation=allocation,
            client_key=uuid.uuid4(),
            handed_on=handed_on or ago(days_ago),
            place="Balai kelurahan",
            quantities={sewing.pk: 1, cloth.pk: 4},
            photo=jpeg(),
        )
        return allocation, handover

    return make


@pytest.fixture
def scheduled(hand_over, users):
    """`scheduled(...)`: a unit handed over and scheduled by the catch-up -> MonitoredUnit."""
    from berdaya.monitoring.models import MonitoredUnit
    from berdaya.monitoring.scheduling import visits_schedule

    def make(**kw):
        allocation, _handover = hand_over(**kw)
        visits_schedule(actor=users["admin"])
        return MonitoredUnit.objects.get(allocation=allocation)

    return make


def record(visit, actor, **over):
    """Record a business visit with plausible values, overridable."""
    from berdaya.monitoring.visits import unit_goods, visit_record

    values = dict(
        client_key=uuid.uuid4(),
        visited_on=visit.due_on if visit.due_on <= timezone.localdate() else timezone.localdate(),
        business_status="running",
        baseline_revenue="600.000",
        revenue="1.500.000",
        profit="400000",
        workers="1",
        workers_poor="1",
        goods={str(x["item"]): x["quantity"] for x in unit_goods(visit.unit)},
        photos=[jpeg()],
    )
    values.update(over)
    return visit_record(actor=actor, visit=visit, **values)
