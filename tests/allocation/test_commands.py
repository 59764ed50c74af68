"""berdaya allocate: the page's "approve by ranking", from the command line, as a user."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from berdaya.allocation.models import Allocation
from berdaya.core.models import AuditEvent
from tests.allocation.conftest import BPN, SMD, eligible, set_targets


def test_allocate_approves_each_region_within_its_quota(users, wrse):
    set_targets(users["admin"], wrse, {SMD: 2, BPN: 1})
    for region in (SMD, SMD, SMD, BPN, BPN):
        eligible(wrse, region, users["verifier"])
    out = io.StringIO()
    call_command("allocate", "--program", "WRSE", "--year", "2025", "--user", "admin", stdout=out)
    text = out.getvalue()
    assert "64.72 Kota Samarinda: 2 approved" in text and "1 reserves" in text
    assert "64.71 Kota Balikpapan: 1 approved" in text
    assert "3 approved, Rp15,000,000" in text
    assert Allocation.objects.count() == 3
    assert (
        AuditEvent.objects.filter(action="allocation.approve", actor_username="admin").count() == 2
    )


def test_allocate_as_a_user_without_the_right_is_refused(users, wrse):
    set_targets(users["admin"], wrse, {SMD: 2})
    eligible(wrse, SMD, users["verifier"])
    with pytest.raises(SystemExit) as exc:
        call_command(
            "allocate",
            "--program",
            "WRSE",
            "--year",
            "2025",
            "--region",
            "64.72",
            "--user",
            "op.smd",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert exc.value.code == 1
    assert not Allocation.objects.exists()
