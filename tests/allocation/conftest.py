"""Eligible proposals made directly (register row, proposal, current eligible verdict), and
targets and budgets set through the services."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone, translation

from berdaya.registry.nik import make_nik

SMD, BPN = "64.72", "64.71"
SMD_VILLAGE, BPN_VILLAGE = "64.72.01.1001", "64.71.01.1001"
_serial = itertools.count(5000)


def register_row(village, name, birth, sex="P", **over):
    from berdaya.registry.models import RegisterRecord

    i = next(_serial)
    nik = make_nik(village.replace(".", "")[:6], birth, sex, i)
    values = dict(
        source_id=f"A{i}",
        nik=nik,
        kk=over.pop("kk", f"64{i:014d}"),
        name=name,
        name_norm=name.lower(),
        birth_date=birth,
        sex=sex,
        village_code=village,
        regency_code=village[:5],
        decile=2,
        relation="KEPALA KELUARGA",
        life_status="HIDUP",
        row_hash=f"h{i}",
    )
    values.update(over)
    return RegisterRecord.objects.create(**values)


def eligible(
    py,
    region,
    verifier,
    *,
    name=None,
    village=None,
    decile=2,
    sex="P",
    birth=dt.date(1980, 5, 5),
    days_ago=10,
    need_value=None,
    group=None,
    role="",
    **register,
):
    """A proposal with a current eligible verdict, linked to its own register row."""
    from berdaya.intake.models import Proposal
    from berdaya.verification.models import Verification

    village = village or (SMD_VILLAGE if region == SMD else BPN_VILLAGE)
    i = next(_serial)
    name = name or f"PENERIMA {i}"
    record = register_row(village, name, birth, sex, decile=decile, **register)
    sent = timezone.now() - dt.timedelta(days=days_ago)
    p = Proposal.objects.create(
        program_year=py,
        region_id=region,
        key=f"k{i}",
        row_id=str(i),
        nik=record.nik,
        kk=record.kk,
        name=name,
        name_norm=name.lower(),
        birth_date=birth,
        sex=sex,
        village_code=village,
        relation=record.relation,
        data_hash=f"d{i}",
        submitted_at=sent,
        need_value=need_value,
        group=group,
        role=role,
    )
    Verification.objects.create(
        proposal=p,
        register_record=record,
        verdict="eligible",
        computed_verdict="eligible",
        stale=False,
        verified_at=timezone.now(),
        verified_by=verifier,
        version=1,
    )
    return p


def eligible_group(py, region, verifier, name, members=5, days_ago=10, **kw):
    from berdaya.intake.models import ProposalGroup
    from berdaya.verification.models import GroupVerification

    g = ProposalGroup.objects.create(
        program_year=py,
        region_id=region,
        key=name.upper(),
        name=name,
        submitted_at=timezone.now() - dt.timedelta(days=days_ago),
    )
    roles = ["KETUA", "SEKRETARIS", "BENDAHARA"] + ["ANGGOTA"] * (members - 3)
    people = [
        eligible(py, region, verifier, group=g, role=r, days_ago=days_ago, **kw) for r in roles
    ]
    GroupVerification.objects.create(
        group=g,
        verdict="eligible",
        computed_verdict="eligible",
        members=members,
        verified_at=timezone.now(),
        version=1,
    )
    return g, people


def set_targets(admin, py, quotas, *, amount=None, budget=None, units=None, year=None):
    """A target (the sum of the quotas), regional quotas and an APBD envelope."""
    from berdaya.programs.models import BudgetEnvelope
    from berdaya.programs.targets import envelope_create, target_save

    envelope = BudgetEnvelope.objects.filter(fiscal_year=year or py.year).first()
    if envelope is None:
        envelope = envelope_create(
            actor=admin,
            fiscal_year=year or py.year,
            source="APBD",
            name="APBD Kaltim",
            amount=amount or 6_500_000_000,
            notes="",
        )
    return target_save(
        actor=admin,
        program_year=py,
        units=units or sum(quotas.values()),
        envelope=envelope,
        budget=budget,
        quotas=quotas,
        deadline=dt.date(py.year, 9, 30),
    )


@pytest.fixture(autouse=True)
def english_messages():
    """Messages are matched in English here, whatever a page left active before."""
    with translation.override("en"):
        yield


@pytest.fixture
def wrse(users):
    from berdaya.programs.services import program_year_for

    return program_year_for(actor=users["admin"], program="WRSE", year=2025)[0]


@pytest.fixture
def kube(users):
    from berdaya.programs.services import program_year_for

    return program_year_for(actor=users["admin"], program="KUBE", year=2025)[0]
