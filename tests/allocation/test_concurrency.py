"""Many clerks approving at once on PostgreSQL: exactly the quota, exactly the budget.

Each thread has its own database connection (Django's connections are per thread) and its own
transactions; they start together at a barrier.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from berdaya.allocation.models import Allocation
from berdaya.allocation.services import allocation_approve, recount
from berdaya.programs.models import BudgetEnvelope, ProgramTarget, RegionQuota
from tests.allocation.conftest import BPN, SMD, eligible, set_targets

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def hammer(jobs: list, threads: int) -> Counter:
    """Run jobs (callables) from `threads` threads started together; count the outcomes."""
    outcome: Counter = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(threads)
    chunks = [jobs[i::threads] for i in range(threads)]

    def worker(chunk):
        try:
            barrier.wait()
            for job in chunk:
                try:
                    result = job()
                    key = "approved"
                    n = result.approved
                except ValidationError:
                    key, n = "refused", 1
                except Exception as exc:  # noqa: BLE001 - any other failure is the bug we test
                    key, n = f"error: {type(exc).__name__}: {exc}", 1
                with lock:
                    outcome[key] += n
        finally:
            connection.close()

    ts = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return outcome


def test_concurrent_approvals_take_exactly_the_quota(users, wrse, capsys):
    set_targets(users["admin"], wrse, {SMD: 20})
    people = [eligible(wrse, SMD, users["verifier"]) for _ in range(60)]
    admin = users["admin"]
    jobs = [
        (
            lambda key=f"p{p.pk}": allocation_approve(
                actor=admin,
                program_year=wrse,
                region=SMD,
                keys=[key],
                reason="Uji serentak: persetujuan satu per satu",
            )
        )
        for p in people
    ]
    # Some clerks press "approve the top of the ranking" at the same moment.
    jobs += [
        lambda: allocation_approve(actor=admin, program_year=wrse, region=SMD, limit=3)
        for _ in range(10)
    ]
    outcome = hammer(jobs, threads=24)
    errors = [k for k in outcome if k.startswith("error")]
    with capsys.disabled():
        print(
            f"\nconcurrency (quota): {len(jobs)} approval attempts from 24 threads, quota 20: "
            f"{outcome['approved']} units approved, {outcome['refused']} attempts refused, "
            f"{len(errors)} errors"
        )
    assert not errors, errors
    assert outcome["approved"] == 20
    assert Allocation.objects.filter(status="approved").count() == 20
    q = RegionQuota.objects.get(region_id=SMD)
    assert (q.approved_units, q.committed) == (20, 100_000_000)
    assert recount(wrse, SMD) == {"units": 20, "value": 100_000_000}
    assert BudgetEnvelope.objects.get().committed == 100_000_000
    assert ProgramTarget.objects.get(program_year=wrse).committed == 100_000_000


def test_concurrent_approvals_in_two_regions_take_exactly_the_budget(users, wrse, capsys):
    # Quotas of 25 + 25 units, but money for 30 (Rp150 million at Rp5 million each).
    set_targets(users["admin"], wrse, {SMD: 25, BPN: 25}, amount=150_000_000)
    admin = users["admin"]
    jobs = []
    for region in (SMD, BPN):
        for _ in range(30):
            p = eligible(wrse, region, users["verifier"])
            jobs.append(
                lambda key=f"p{p.pk}", region=region: allocation_approve(
                    actor=admin,
                    program_year=wrse,
                    region=region,
                    keys=[key],
                    reason="Uji serentak: persetujuan satu per satu",
                )
            )
    outcome = hammer(jobs, threads=20)
    errors = [k for k in outcome if k.startswith("error")]
    with capsys.disabled():
        print(
            f"\nconcurrency (budget): {len(jobs)} attempts from 20 threads in 2 regions, "
            f"budget for 30: {outcome['approved']} approved, {outcome['refused']} refused, "
            f"{len(errors)} errors"
        )
    assert not errors, errors
    assert outcome["approved"] == 30
    env = BudgetEnvelope.objects.get()
    assert env.committed == 150_000_000 == env.amount
    truth = recount(wrse, SMD)["units"] + recount(wrse, BPN)["units"]
    assert truth == 30
    assert sum(RegionQuota.objects.values_list("approved_units", flat=True)) == 30


def test_a_thousand_attempts_over_fifty_connections_take_exactly_a_quota_of_100(
    users, wrse, capsys
):
    """The figure of the reliability issue: 1,000 approval attempts, 50 connections at once,
    a quota of 100: exactly 100 approved, the counters equal to the rows."""
    set_targets(users["admin"], wrse, {SMD: 100})
    admin = users["admin"]
    people = [eligible(wrse, SMD, users["verifier"]) for _ in range(1000)]
    jobs = [
        (
            lambda key=f"p{p.pk}": allocation_approve(
                actor=admin,
                program_year=wrse,
                region=SMD,
                keys=[key],
                reason="Uji serentak: seribu persetujuan",
            )
        )
        for p in people
    ]
    outcome = hammer(jobs, threads=50)
    errors = [k for k in outcome if k.startswith("error")]
    with capsys.disabled():
        print(
            f"\nconcurrency (1,000 over 50 connections): {len(jobs)} attempts, quota 100: "
            f"{outcome['approved']} approved, {outcome['refused']} refused, {len(errors)} errors"
        )
    assert not errors, errors
    assert outcome["approved"] == 100 and outcome["refused"] == 900
    assert Allocation.objects.filter(status="approved").count() == 100
    assert RegionQuota.objects.get(region_id=SMD).approved_units == 100
    assert recount(wrse, SMD)["units"] == 100
