"""Two phones sending one visit at the same moment, on PostgreSQL: with one key (a retry) the
visit is saved once; with two keys (two facilitators) exactly one wins."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from berdaya.core.models import AuditEvent, StoredFile
from berdaya.monitoring.models import Visit
from tests.monitoring.conftest import record

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(n: int, send) -> dict:
    outcome, lock = {"created": 0, "exists": 0, "refused": 0, "errors": []}, threading.Lock()
    barrier = threading.Barrier(n)

    def phone(i: int) -> None:
        try:
            barrier.wait()
            _visit, created = send(i)
            with lock:
                outcome["created" if created else "exists"] += 1
        except ValidationError:
            with lock:
                outcome["refused"] += 1
        except Exception as exc:  # noqa: BLE001 - any other failure is the test's finding
            with lock:
                outcome["errors"].append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=phone, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcome


def test_one_visit_sent_many_times_at_once_is_saved_once(scheduled, users):
    unit = scheduled(days_ago=95)
    visit = unit.visits.get(month=3)
    key = uuid.uuid4()
    outcome = _race(8, lambda i: record(visit, users["facilitator"], client_key=key))
    assert not outcome["errors"], outcome["errors"]
    assert (outcome["created"], outcome["exists"], outcome["refused"]) == (1, 7, 0)
    assert AuditEvent.objects.filter(action="visit.record").count() == 1
    assert StoredFile.objects.filter(owner_type="monitoring.visit").count() == 1


def test_two_facilitators_one_visit_one_wins(scheduled, users):
    unit = scheduled(days_ago=95)
    visit = unit.visits.get(month=3)
    outcome = _race(6, lambda i: record(visit, users["facilitator"], revenue=str(1_000_000 + i)))
    assert not outcome["errors"], outcome["errors"]
    assert (outcome["created"], outcome["refused"]) == (1, 5)
    assert Visit.objects.get(pk=visit.pk).status == "done"
