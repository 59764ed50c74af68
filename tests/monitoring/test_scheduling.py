"""Visits are scheduled after each handover: by the post_save receiver and by the catch-up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from berdaya.core.models import AuditEvent
from berdaya.monitoring.models import MonitoredUnit, UnitStatus, Visit
from berdaya.monitoring.scheduling import (
    add_months,
    months_between,
    plan_save,
    visits_schedule,
)
from tests.monitoring.conftest import BPN, SMD


def test_add_months_keeps_the_day_or_takes_the_last_of_the_month():
    assert add_months(dt.date(2025, 1, 15), 3) == dt.date(2025, 4, 15)
    assert add_months(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 11, 30), 24) == dt.date(2026, 11, 30)
    assert months_between(dt.date(2025, 1, 15), dt.date(2025, 4, 15)) == 3
    assert months_between(dt.date(2025, 1, 15), dt.date(2026, 1, 15)) == 12
    assert 2.9 < months_between(dt.date(2025, 1, 15), dt.date(2025, 4, 12)) < 3


def test_handover_schedules_visits_after_commit(
    hand_over, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        allocation, handover = hand_over(days_ago=40)
    unit = MonitoredUnit.objects.get(allocation=allocation)
    assert unit.started_on == handover.handed_on
    assert unit.facilitator == users["facilitator"]  # the only facilitator of Samarinda
    assert unit.business_type == "" and unit.kind == "person" and unit.families == 1
    visits = list(unit.visits.order_by("month"))
    assert [v.month for v in visits] == [3, 6, 12, 24]
    assert [v.due_on for v in visits] == [add_months(handover.handed_on, m) for m in (3, 6, 12, 24)]
    assert {v.status for v in visits} == {Visit.Status.SCHEDULED}
    assert AuditEvent.objects.filter(action="monitoring.start", object_id=str(unit.pk)).count() == 1


def test_without_signals_the_catch_up_schedules_and_is_idempotent(hand_over, users):
    # The test transaction never commits, so the receiver's on_commit never runs: the
    # catch-up alone must do the work.
    allocation, handover = hand_over(days_ago=400)
    other, _h = hand_over(region=BPN, days_ago=10)
    assert not MonitoredUnit.objects.exists()
    result = visits_schedule(actor=users["admin"])
    assert (result.started, result.visits) == (2, 8)
    unit = MonitoredUnit.objects.get(allocation=allocation)
    # Balikpapan has no facilitator: the unit waits unassigned.
    assert MonitoredUnit.objects.get(allocation=other).facilitator is None
    events = AuditEvent.objects.count()
    again = visits_schedule(actor=users["admin"])
    assert (again.started, again.changed, again.visits) == (0, 0, 0)
    assert AuditEvent.objects.count() == events
    assert unit.visits.count() == 4


def test_catch_up_stays_in_the_actors_region(hand_over, users):
    hand_over(region=SMD)
    hand_over(region=BPN)
    result = visits_schedule(actor=users["op_smd"])
    assert result.started == 1
    assert set(MonitoredUnit.objects.values_list("region_id", flat=True)) == {SMD}
    with pytest.raises(PermissionDenied):
        visits_schedule(actor=users["facilitator"])  # may record visits, not schedule


def test_months_come_from_the_programme_plan(hand_over, users):
    from berdaya.programs.models import Program

    plan_save(actor=users["admin"], program=Program.objects.get(code="WRSE"), months="1, 6, 18")
    allocation, handover = hand_over(days_ago=10)
    visits_schedule(actor=users["admin"])
    unit = MonitoredUnit.objects.get(allocation=allocation)
    assert sorted(unit.visits.values_list("month", flat=True)) == [1, 6, 18]
    # A new plan cancels what is no longer planned and adds what is.
    plan_save(actor=users["admin"], program=Program.objects.get(code="WRSE"), months=[6, 12])
    status = dict(unit.visits.values_list("month", "status"))
    assert status == {1: "cancelled", 6: "scheduled", 12: "scheduled", 18: "cancelled"}
    with pytest.raises(ValidationError) as exc:
        plan_save(actor=users["admin"], program=Program.objects.get(code="WRSE"), months="3, x")
    assert "Visit months" in str(exc.value)


def test_voiding_the_handover_cancels_and_a_new_one_restores(hand_over, users):
    from berdaya.distribution.services import handover_void

    allocation, handover = hand_over(days_ago=30)
    visits_schedule(actor=users["admin"])
    handover_void(actor=users["admin"], handover=handover, reason="Salah penerima, dicatat ulang")
    visits_schedule(actor=users["admin"])
    unit = MonitoredUnit.objects.get(allocation=allocation)
    assert unit.status == UnitStatus.CLOSED and unit.closed_because == "no_handover"
    assert set(unit.visits.values_list("status", flat=True)) == {"cancelled"}


def test_facilitator_added_later_gets_the_waiting_units(hand_over, users):
    from tests.conftest import _make_user

    allocation, _h = hand_over(region=BPN)
    visits_schedule(actor=users["admin"])
    assert MonitoredUnit.objects.get(allocation=allocation).facilitator is None
    fac = _make_user("fac.bpn", "facilitator", BPN)
    visits_schedule(actor=users["admin"])
    assert MonitoredUnit.objects.get(allocation=allocation).facilitator == fac


def test_due_and_overdue_lists(scheduled, users):
    from berdaya.monitoring.selectors import visit_lists

    fresh = scheduled(days_ago=85)  # 3-month visit due in about 5 days: due
    late = scheduled(days_ago=150)  # 3-month visit 2 months ago: overdue
    scheduled(days_ago=5)  # nothing due yet
    lists = visit_lists(users["facilitator"])
    assert [v.unit_id for v in lists["due"]] == [fresh.pk]
    assert [v.unit_id for v in lists["overdue"]] == [late.pk]
    assert all(v.month == 3 for v in lists["due"] + lists["overdue"])
    # The other region's facilitator-less office sees nothing of Samarinda.
    assert visit_lists(users["op_bpn"])["overdue"] == []


def test_schedule_visits_command(hand_over, users):
    import io

    from django.core.management import call_command

    hand_over(days_ago=30)
    out = io.StringIO()
    call_command("schedule-visits", stdout=out)
    assert "1 started" in out.getvalue() and "4 visits scheduled" in out.getvalue()
    out = io.StringIO()
    call_command("schedule-visits", "--program", "WRSE", "--region", "64.72", stdout=out)
    assert "0 started, 0 repaired" in out.getvalue()
    event = AuditEvent.objects.filter(action="monitoring.schedule").latest("pk")
    assert event.actor_username == "sistem" and event.changes.count() == 1


def test_voiding_alone_reschedules_after_commit(
    hand_over, users, django_capture_on_commit_callbacks
):
    from berdaya.distribution.services import handover_void

    with django_capture_on_commit_callbacks(execute=True):
        allocation, handover = hand_over(days_ago=30)
    unit = MonitoredUnit.objects.get(allocation=allocation)
    assert unit.status == UnitStatus.MONITORED
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        handover_void(actor=users["admin"], handover=handover, reason="Salah penerima, diulang")
    assert callbacks
    unit.refresh_from_db()
    assert unit.status == UnitStatus.CLOSED and unit.closed_because == "no_handover"
