"""A phone that sends the same handover twice at the same moment (a retry racing the first
send) on PostgreSQL: one handover, counted once; handovers of one region numbered without
gaps or repeats when many are recorded at once."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection

from berdaya.allocation.models import Allocation
from berdaya.distribution.models import Handover
from berdaya.distribution.services import realised
from tests.distribution.conftest import SMD, record

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def together(jobs):
    results, barrier, lock = [], threading.Barrier(len(jobs)), threading.Lock()

    def run(job):
        try:
            barrier.wait()
            try:
                out = job()
            except Exception as exc:  # noqa: BLE001 - any failure is what we look for
                out = exc
            with lock:
                results.append(out)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(j,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_the_same_record_sent_twice_at_once_is_stored_once(users, wrse, trained):
    unit, key = trained[0], uuid.uuid4()
    results = together([lambda: record(users, unit, key=key) for _ in range(4)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(created for _h, created in results) == [False, False, False, True]
    assert Handover.objects.count() == 1
    unit.refresh_from_db()
    assert unit.realised_value == Handover.objects.get().value == realised(wrse, SMD)


def test_handovers_recorded_at_once_are_numbered_without_gaps(users, wrse, trained):
    results = together([lambda u=u: record(users, u) for u in trained])
    assert not [r for r in results if isinstance(r, Exception)], results
    seqs = sorted(Handover.objects.values_list("seq", flat=True))
    assert seqs == [1, 2, 3]
    total = sum(
        Allocation.objects.filter(program_year=wrse, region_id=SMD).values_list(
            "realised_value", flat=True
        )
    )
    assert total == realised(wrse, SMD) == 3 * 4_750_000
