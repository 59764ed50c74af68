"""Targets, regional quotas and budget envelopes: checked against each other, never below what
is already approved, moved between regions with a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from berdaya.core.models import AuditEvent
from berdaya.programs.models import QuotaTransfer, RegionQuota
from berdaya.programs.services import program_year_for
from berdaya.programs.targets import (
    envelope_check,
    envelope_create,
    envelope_update,
    quota_transfer,
    target_check,
    target_save,
)

REGIONS = ["64.01", "64.02", "64.03", "64.07", "64.08", "64.09", "64.11", "64.71", "64.72", "64.74"]


@pytest.fixture
def years(users):
    admin = users["admin"]
    return {
        code: program_year_for(actor=admin, program=code, year=2024)[0]
        for code in ("WRSE", "KUBE", "PPKS")
    }


def _envelope(admin, amount=6_500_000_000, year=2024):
    return envelope_create(
        actor=admin,
        fiscal_year=year,
        source="APBD",
        name="APBD 2024 — WRSE dan KUBE",
        amount=amount,
        notes="seed 003",
    )


def test_seed_004_targets_cost_exactly_the_envelope(users, years):
    admin = users["admin"]
    env = _envelope(admin)
    target_save(
        actor=admin,
        program_year=years["WRSE"],
        units=500,
        envelope=env,
        quotas={r: 50 for r in REGIONS},
        deadline=dt.date(2024, 9, 30),
    )
    target_save(
        actor=admin,
        program_year=years["KUBE"],
        units=200,
        envelope=env,
        quotas={r: 20 for r in REGIONS},
    )
    check = envelope_check(env)
    assert check.cost == 6_500_000_000 and not check.warnings and check.over == 0
    assert not target_check(years["WRSE"]).warnings


def test_seed_001_targets_exceed_the_envelope_and_say_by_how_much(users, years):
    admin = users["admin"]
    env = _envelope(admin)
    target_save(
        actor=admin,
        program_year=years["KUBE"],
        units=500,
        envelope=env,
        quotas={r: 50 for r in REGIONS},
    )
    target_save(
        actor=admin,
        program_year=years["WRSE"],
        units=200,
        envelope=env,
        quotas={r: 20 for r in REGIONS},
    )
    check = envelope_check(env)
    assert check.cost == 11_000_000_000 and check.over == 4_500_000_000
    assert "4500000000" in check.warnings[0].replace(".", "").replace(",", "")


def test_quotas_cannot_add_up_to_more_than_the_target(users, years):
    with pytest.raises(ValidationError) as exc:
        target_save(
            actor=users["admin"],
            program_year=years["WRSE"],
            units=100,
            quotas={r: 20 for r in REGIONS},
        )
    assert "units" in exc.value.error_dict
    assert not RegionQuota.objects.exists()


def test_unassigned_units_and_a_missing_envelope_are_warned(users, years):
    target_save(actor=users["admin"], program_year=years["WRSE"], units=500, quotas={"64.72": 50})
    warnings = " ".join(target_check(years["WRSE"]).warnings)
    assert "450" in warnings and "envelope" in warnings


def test_an_envelope_of_another_year_is_refused(users, years):
    env = _envelope(users["admin"], year=2025)
    with pytest.raises(ValidationError) as exc:
        target_save(actor=users["admin"], program_year=years["WRSE"], units=10, envelope=env)
    assert "envelope" in exc.value.error_dict


def test_limits_never_go_below_what_is_used(users, years):
    admin = users["admin"]
    env = _envelope(admin, amount=100_000_000)
    target_save(
        actor=admin, program_year=years["WRSE"], units=10, envelope=env, quotas={"64.72": 10}
    )
    # As if 4 units were approved (the allocation services move these counters).
    RegionQuota.objects.filter(region_id="64.72").update(approved_units=4, committed=20_000_000)
    type(env).objects.filter(pk=env.pk).update(committed=20_000_000)
    with pytest.raises(ValidationError) as exc:
        target_save(
            actor=admin, program_year=years["WRSE"], units=10, envelope=env, quotas={"64.72": 3}
        )
    assert "quota_6472" in exc.value.error_dict
    with pytest.raises(ValidationError, match="committed"):
        envelope_update(
            actor=admin,
            envelope=env,
            fiscal_year=2024,
            source="APBD",
            name=env.name,
            amount=10_000_000,
            notes="",
        )
    envelope_update(
        actor=admin,
        envelope=env,
        fiscal_year=2024,
        source="APBD",
        name=env.name,
        amount=20_000_000,
        notes="",
    )


def test_unused_quota_moves_with_its_reason(users, years):
    admin = users["admin"]
    py = years["WRSE"]
    target_save(actor=admin, program_year=py, units=100, quotas={"64.72": 50, "64.71": 50})
    RegionQuota.objects.filter(region_id="64.72").update(approved_units=45)
    with pytest.raises(ValidationError, match="5 unused"):
        quota_transfer(
            actor=admin,
            program_year=py,
            from_region="64.72",
            to_region="64.71",
            units=6,
            reason="Usulan Samarinda tidak mencukupi kuota",
        )
    with pytest.raises(ValidationError):
        quota_transfer(
            actor=admin,
            program_year=py,
            from_region="64.72",
            to_region="64.71",
            units=5,
            reason="short",
        )
    quota_transfer(
        actor=admin,
        program_year=py,
        from_region="6472",
        to_region="64.11",
        units=5,
        reason="Usulan Samarinda tidak mencukupi kuota",
    )
    quotas = dict(RegionQuota.objects.values_list("region_id", "units"))
    assert quotas == {"64.72": 45, "64.71": 50, "64.11": 5}
    t = QuotaTransfer.objects.get()
    assert (t.from_region_id, t.to_region_id, t.units) == ("64.72", "64.11", 5)
    event = AuditEvent.objects.get(action="quota.transfer")
    assert event.note.startswith("Usulan Samarinda") and event.actor == admin


def test_only_the_province_sets_targets(users, years):
    for role in ("verifier", "head", "viewer", "op_smd"):
        with pytest.raises(PermissionDenied):
            target_save(actor=users[role], program_year=years["WRSE"], units=1)
        with pytest.raises(PermissionDenied):
            _envelope(users[role])


def test_per_need_programmes_are_checked_by_their_amount(users, years):
    admin = users["admin"]
    env = _envelope(admin, amount=1_000_000_000)
    target_save(
        actor=admin,
        program_year=years["PPKS"],
        units=100,
        envelope=env,
        budget=1_200_000_000,
        quotas={"64.72": 100},
    )
    check = envelope_check(env)
    assert check.cost == 1_200_000_000 and check.warnings
    with pytest.raises(ValidationError, match="criteria"):
        target_save(actor=admin, program_year=years["PPKS"], units=100, value_per_unit=5)


def test_the_page_shows_the_check_and_regions_see_their_own_quota(client, users, years):
    admin = users["admin"]
    env = _envelope(admin, amount=1_000_000_000)
    target_save(
        actor=admin,
        program_year=years["WRSE"],
        units=500,
        envelope=env,
        quotas={"64.72": 50, "64.71": 60},
    )
    client.force_login(admin)
    page = client.get("/penetapan/target/?year=2024").content.decode()
    assert "budget-warning" in page and "1.500.000.000" in page
    client.force_login(users["op_smd"])
    page = client.get("/penetapan/target/WRSE/2024/").content.decode()
    assert 'name="quota_6472"' in page and 'name="quota_6471"' not in page
    assert client.post("/penetapan/target/WRSE/2024/", {"units": 1}).status_code == 403
    client.force_login(admin)
    response = client.post(
        "/penetapan/target/WRSE/2024/",
        {
            "units": 500,
            "value_per_unit": 5_000_000,
            "envelope": env.pk,
            **{f"quota_{r.replace('.', '')}": 50 for r in REGIONS},
        },
    )
    assert response.status_code == 302
    assert RegionQuota.objects.get(region_id="64.74").units == 50
