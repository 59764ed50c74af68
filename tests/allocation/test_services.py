"""Approving within quota and budget: ranking order, all-or-nothing, separation of duties,
cancelling, the counters and the audit trail."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from berdaya.allocation.models import Allocation
from berdaya.allocation.ranking import ranking
from berdaya.allocation.services import allocation_approve, allocation_cancel, recount
from berdaya.core.models import AuditChange, AuditEvent
from berdaya.programs.models import BudgetEnvelope, ProgramTarget, RegionQuota
from tests.allocation.conftest import BPN, SMD, eligible, eligible_group, set_targets


def test_approves_the_top_of_the_ranking_within_the_quota_the_rest_wait_in_order(users, wrse):
    set_targets(users["admin"], wrse, {SMD: 3})
    poorest = eligible(wrse, SMD, users["verifier"], name="DESIL SATU", decile=1)
    poor_extreme = eligible(
        wrse, SMD, users["verifier"], name="EKSTREM", decile=3, extreme_poverty=True
    )
    others = [eligible(wrse, SMD, users["verifier"], decile=4) for _ in range(4)]
    result = allocation_approve(actor=users["admin"], program_year=wrse, region=SMD)
    assert result.approved == 3 and result.value == 15_000_000 and result.reserves == 3
    approved = list(Allocation.objects.filter(status="approved").order_by("rank"))
    # Decile 3 on the extreme-poverty list (31.1 + 20 points) before decile 1 alone (40).
    assert [a.proposal_id for a in approved[:2]] == [poor_extreme.pk, poorest.pk]
    assert approved[2].proposal_id in {p.pk for p in others}
    assert [a.rank for a in approved] == [1, 2, 3]
    # The quota is used: the next approval is refused, whatever is chosen.
    with pytest.raises(ValidationError, match="quota"):
        allocation_approve(actor=users["admin"], program_year=wrse, region=SMD)
    reserves, _waiting = ranking(wrse, SMD, start=4)
    assert [u.rank for u in reserves] == [4, 5, 6]
    assert RegionQuota.objects.get(program_year=wrse, region_id=SMD).approved_units == 3
    assert recount(wrse, SMD) == {"units": 3, "value": 15_000_000}
    assert BudgetEnvelope.objects.get().committed == 15_000_000
    assert ProgramTarget.objects.get(program_year=wrse).committed == 15_000_000


def test_a_choice_past_the_quota_is_refused_whole(users, wrse):
    set_targets(users["admin"], wrse, {SMD: 2})
    ps = [eligible(wrse, SMD, users["verifier"]) for _ in range(3)]
    units, _w = ranking(wrse, SMD)
    with pytest.raises(ValidationError, match="Only 2 units"):
        allocation_approve(
            actor=users["admin"], program_year=wrse, region=SMD, keys=[u.key for u in units]
        )
    assert not Allocation.objects.exists()
    assert RegionQuota.objects.get(region_id=SMD).approved_units == 0
    allocation_approve(
        actor=users["admin"], program_year=wrse, region=SMD, keys=[u.key for u in units[:2]]
    )
    assert Allocation.objects.count() == 2 and len(ps) == 3


def test_the_budget_stops_approvals_even_with_quota_left(users, wrse, kube):
    # One envelope for both programmes: Rp30 million. WRSE takes 4 x 5 million first.
    set_targets(users["admin"], wrse, {SMD: 10}, amount=30_000_000)
    set_targets(users["admin"], kube, {SMD: 5})
    for _ in range(4):
        eligible(wrse, SMD, users["verifier"])
    assert allocation_approve(actor=users["admin"], program_year=wrse, region=SMD).approved == 4
    eligible_group(kube, SMD, users["verifier"], "KUBE MAJU")
    with pytest.raises(ValidationError, match="budget"):
        allocation_approve(actor=users["admin"], program_year=kube, region=SMD)
    env = BudgetEnvelope.objects.get()
    assert env.committed == 20_000_000 and env.remaining == 10_000_000
    # Two more WRSE fit (10 million), the third does not.
    for _ in range(3):
        eligible(wrse, SMD, users["verifier"])
    assert allocation_approve(actor=users["admin"], program_year=wrse, region=SMD).approved == 2
    assert BudgetEnvelope.objects.get().committed == 30_000_000


def test_an_amount_set_aside_for_a_programme_caps_it(users, wrse):
    set_targets(users["admin"], wrse, {SMD: 10}, budget=10_000_000)
    for _ in range(5):
        eligible(wrse, SMD, users["verifier"])
    assert allocation_approve(actor=users["admin"], program_year=wrse, region=SMD).approved == 2


def test_the_verifier_does_not_approve_what_they_verified(users, wrse):
    set_targets(users["admin"], wrse, {SMD: 5})
    eligible(wrse, SMD, users["admin"], name="DIVERIFIKASI ADMIN")
    with pytest.raises(ValidationError, match="another officer"):
        allocation_approve(actor=users["admin"], program_year=wrse, region=SMD)
    assert not Allocation.objects.exists()


def test_roles_and_regions(users, wrse):
    set_targets(users["admin"], wrse, {SMD: 5, BPN: 5})
    eligible(wrse, BPN, users["verifier"])
    for role in ("verifier", "head", "viewer", "op_smd"):
        with pytest.raises(PermissionDenied):
            allocation_approve(actor=users[role], program_year=wrse, region=BPN)


def test_out_of_order_needs_a_reason_and_the_audit_keeps_it(users, wrse):
    set_targets(users["admin"], wrse, {SMD: 5})
    first = eligible(wrse, SMD, users["verifier"], decile=1)
    second = eligible(wrse, SMD, users["verifier"], decile=3)
    with pytest.raises(ValidationError, match="reason"):
        allocation_approve(
            actor=users["admin"], program_year=wrse, region=SMD, keys=[f"p{second.pk}"]
        )
    allocation_approve(
        actor=users["admin"],
        program_year=wrse,
        region=SMD,
        keys=[f"p{second.pk}"],
        reason="Korban banjir Januari, rekomendasi camat",
    )
    event = AuditEvent.objects.get(action="allocation.approve")
    assert event.note.startswith("Korban banjir") and event.region_code == SMD
    change = AuditChange.objects.get(event=event)
    assert change.after["unit"] == f"p{second.pk}" and change.after["rank"] == 2
    assert first.pk not in Allocation.objects.values_list("proposal_id", flat=True)


def test_bulk_approval_is_one_event_with_a_change_table(users, wrse):
    set_targets(users["admin"], wrse, {SMD: 40})
    for _ in range(30):
        eligible(wrse, SMD, users["verifier"])
    before = AuditEvent.objects.count()
    allocation_approve(actor=users["admin"], program_year=wrse, region=SMD)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.get(action="allocation.approve")
    assert event.changes.count() == 30 and event.after["units"] == 30


def test_cancel_before_the_decree_gives_units_and_money_back(users, wrse):
    set_targets(users["admin"], wrse, {SMD: 2})
    for _ in range(3):
        eligible(wrse, SMD, users["verifier"])
    allocation_approve(actor=users["admin"], program_year=wrse, region=SMD)
    a = Allocation.objects.filter(status="approved").first()
    with pytest.raises(ValidationError, match="reason"):
        allocation_cancel(
            actor=users["admin"], program_year=wrse, region=SMD, allocation_ids=[a.pk], reason="x"
        )
    allocation_cancel(
        actor=users["admin"],
        program_year=wrse,
        region=SMD,
        allocation_ids=[a.pk],
        reason="Pindah domisili ke luar provinsi",
    )
    assert RegionQuota.objects.get(region_id=SMD).approved_units == 1
    assert BudgetEnvelope.objects.get().committed == 5_000_000
    assert recount(wrse, SMD) == {"units": 1, "value": 5_000_000}
    # The freed place goes to the next in the ranking (the cancelled one is eligible again).
    assert allocation_approve(actor=users["admin"], program_year=wrse, region=SMD).approved == 1
