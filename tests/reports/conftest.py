"""A programme year with proposals at every stage in two regions, made through the services
where they exist (targets, approval) and directly where the test needs a verdict."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.allocation.conftest import BPN, SMD, eligible, eligible_group, set_targets


def proposal(py, region, verifier, verdict, **kw):
    """A proposal with the given verdict (eligible, ineligible, review) or none ("")."""
    from berdaya.verification.models import Verification

    p = eligible(py, region, verifier, **kw)
    if verdict != "eligible":
        if verdict:
            Verification.objects.filter(proposal=p).update(
                verdict=verdict, computed_verdict=verdict, reasons=["NOT_IN_REGISTER"]
            )
        else:
            Verification.objects.filter(proposal=p).delete()
    return p


@pytest.fixture(autouse=True)
def english_messages():
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


@pytest.fixture
def stocked(users, wrse, kube):
    """WRSE 2025: Samarinda 6 eligible (3 approved by ranking), 2 ineligible, 1 to review,
    1 not verified, 1 eligible but withdrawn; Balikpapan 2 eligible (both approved), 1
    ineligible. KUBE 2025: Samarinda 2 eligible groups (1 approved), Balikpapan 1 group."""
    from berdaya.allocation.services import allocation_approve
    from berdaya.intake.models import Proposal

    verifier = users["verifier"]
    set_targets(users["admin"], wrse, {SMD: 3, BPN: 4}, units=10)
    set_targets(users["admin"], kube, {SMD: 1, BPN: 2})
    for _ in range(6):
        proposal(wrse, SMD, verifier, "eligible")
    for _ in range(2):
        proposal(wrse, SMD, verifier, "ineligible")
    proposal(wrse, SMD, verifier, "review")
    proposal(wrse, SMD, verifier, "")
    gone = proposal(wrse, SMD, verifier, "eligible")
    Proposal.objects.filter(pk=gone.pk).update(status="withdrawn")
    for _ in range(2):
        proposal(wrse, BPN, verifier, "eligible")
    proposal(wrse, BPN, verifier, "ineligible")
    eligible_group(kube, SMD, verifier, "KUBE MAJU")
    eligible_group(kube, SMD, verifier, "KUBE JAYA")
    eligible_group(kube, BPN, verifier, "KUBE SEJAHTERA")
    allocation_approve(actor=users["admin"], program_year=wrse, region=SMD)
    allocation_approve(actor=users["admin"], program_year=wrse, region=BPN)
    allocation_approve(actor=users["admin"], program_year=kube, region=SMD)
    return {"wrse": wrse, "kube": kube}


@pytest.fixture
def built_in_stages(monkeypatch):
    """Only the stages counted by reports itself: as if no later app recorded training,
    handovers or visits (whatever apps this tree has)."""
    from berdaya.reports import stages

    built_in = {k: v for k, v in stages._registered.items() if k in stages.BUILT_IN}
    if not built_in:
        stages.stages()
        built_in = {k: v for k, v in stages._registered.items() if k in stages.BUILT_IN}
    monkeypatch.setattr(stages, "_registered", dict(built_in))
    monkeypatch.setattr(stages, "_outcomes", [])
    monkeypatch.setattr(stages, "_discovered", True)
    return stages
