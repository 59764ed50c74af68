"""A region's decree issued with recipients, goods in the catalogue, a package for each unit,
and a held Bimtek session: the ground every distribution test stands on."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tests.allocation import conftest as allocation
from tests.allocation.conftest import BPN, SMD, eligible, eligible_group, set_targets  # noqa: F401

# The allocation tests' fixtures, shared here.
english_messages = allocation.english_messages
wrse = allocation.wrse
kube = allocation.kube


def photo(name: str = "foto.jpg", size: tuple[int, int] = (64, 48)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, "orange").save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def issue_decree(users, py, region, number):
    from berdaya.allocation.decrees import decree_issue, decree_prepare, sheet_for
    from berdaya.allocation.services import allocation_approve

    allocation_approve(actor=users["admin"], program_year=py, region=region)
    decree = decree_prepare(
        actor=users["admin"],
        program_year=py,
        region=region,
        number=number,
        decree_date=timezone.localdate() - dt.timedelta(days=30),
    )
    return decree_issue(
        actor=users["head"], decree=decree, content_hash=sheet_for(decree).content_hash
    )


@pytest.fixture
def catalogue(users):
    from berdaya.programs.catalogue import goods_item_create
    from berdaya.programs.models import BusinessType

    warung, _ = BusinessType.objects.get_or_create(code="WARUNG", defaults={"name": "Warung"})
    admin = users["admin"]
    return {
        "etalase": goods_item_create(
            actor=admin,
            code="ETL-01",
            name="Etalase kaca",
            unit="unit",
            unit_price=1_500_000,
            business_types=[warung],
        ),
        "kulkas": goods_item_create(
            actor=admin,
            code="KLK-01",
            name="Lemari pendingin",
            unit="unit",
            unit_price=2_500_000,
            business_types=[warung],
        ),
        "beras": goods_item_create(
            actor=admin,
            code="BRS-05",
            name="Beras 5 kg",
            unit="karung",
            unit_price=75_000,
            business_types=[warung],
        ),
    }


@pytest.fixture
def warung(users, wrse, catalogue):
    """A grocery-stall package: Rp4,750,000 of the Rp5,000,000 a WRSE unit receives."""
    from berdaya.programs.catalogue import package_save

    return package_save(
        actor=users["admin"],
        program_year=wrse,
        name="Paket warung sembako",
        quantities={
            catalogue["etalase"].pk: 1,
            catalogue["kulkas"].pk: 1,
            catalogue["beras"].pk: 10,
        },
    )


@pytest.fixture
def decreed(users, wrse):
    """Three WRSE recipients of Samarinda in an issued decree, and two of Balikpapan."""
    from berdaya.allocation.models import Allocation

    set_targets(users["admin"], wrse, {SMD: 3, BPN: 2})
    for name in ("SITI AMINAH", "NURHAYATI", "RAHMAWATI"):
        eligible(wrse, SMD, users["verifier"], name=name)
    for name in ("JUBAIDAH", "MASITAH"):
        eligible(wrse, BPN, users["verifier"], name=name)
    issue_decree(users, wrse, SMD, "400.9/1/SK-WRSE/2025")
    issue_decree(users, wrse, BPN, "400.9/2/SK-WRSE/2025")
    return list(Allocation.objects.filter(program_year=wrse, region_id=SMD).order_by("rank"))


@pytest.fixture
def packaged(users, wrse, decreed, warung):
    from berdaya.distribution.services import unit_packages_assign

    unit_packages_assign(actor=users["admin"], program_year=wrse, region=SMD, package=warung)
    return decreed


def held_session(users, py, region=SMD, days_ago=1, invite=True, **over):
    from berdaya.distribution.services import session_create, session_invite

    actor = users["admin"]
    session = session_create(
        actor=actor,
        program_year=py,
        region=region,
        title=over.pop("title", "Bimtek WRSE Samarinda"),
        starts_on=timezone.localdate() - dt.timedelta(days=days_ago),
        place="Aula Dinsos Kota Samarinda",
        trainers="Dra. Hj. Rahmi (Dinsos Kaltim)",
        topics=["goods", "business", "finance"],
        **over,
    )
    if invite:
        session_invite(actor=actor, session=session)
    return session


@pytest.fixture
def trained(users, wrse, packaged):
    """Every Samarinda unit attended a session held yesterday."""
    from berdaya.distribution.services import attendance_mark

    session = held_session(users, wrse)
    attendance_mark(
        actor=users["facilitator"],
        session=session,
        marks={p.pk: "attended" for p in session.participants.all()},
    )
    return packaged


def record(users, allocation, actor=None, key=None, **over):
    from berdaya.distribution.models import UnitPackage
    from berdaya.distribution.services import handover_record

    quantities = over.pop("quantities", None)
    if quantities is None:
        package = UnitPackage.objects.get(allocation=allocation)
        quantities = {x.item_id: x.remaining for x in package.lines.all()}
    values = dict(
        actor=actor or users["facilitator"],
        allocation=allocation,
        client_key=key or uuid.uuid4(),
        handed_on=timezone.localdate(),
        place="Balai Kelurahan Sungai Pinang Dalam",
        quantities=quantities,
        photo=photo(),
    )
    values.update(over)
    return handover_record(**values)
