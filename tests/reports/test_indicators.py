"""Poverty indicators: entered by the province, audited, charted against the 2026 target."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from berdaya.core.models import AuditEvent
from berdaya.reports.indicators import indicator_save, province_target, series
from berdaya.reports.models import PovertyIndicator


def test_a_figure_is_saved_once_per_region_and_year_and_audited(users):
    admin = users["admin"]
    first = indicator_save(actor=admin, region="64", year=2023, rate="6.11", source="BPS")
    again = indicator_save(actor=admin, region="64", year=2023, rate="6.110", source="BPS")
    assert again.pk == first.pk
    changed = indicator_save(actor=admin, region="64", year=2023, rate="6.06", source="BPS")
    assert changed.pk == first.pk and changed.rate == Decimal("6.06")
    assert PovertyIndicator.objects.count() == 1
    actions = list(
        AuditEvent.objects.filter(object_type="reports.povertyindicator")
        .order_by("id")
        .values_list("action", flat=True)
    )
    # Saving the same value twice changes nothing and writes nothing.
    assert actions == ["indicator.create", "indicator.update"]
    update = AuditEvent.objects.get(action="indicator.update")
    assert update.before == {"rate": "6.11"} and update.after == {"rate": "6.06"}


def test_only_the_province_enters_figures(users):
    for role in ("head", "viewer", "op_smd", "verifier"):
        with pytest.raises(PermissionDenied):
            indicator_save(actor=users[role], region="64", year=2024, rate="5.78")


@pytest.mark.parametrize(
    "values",
    [
        {"region": "64.72.01", "year": 2024, "rate": "5"},
        {"region": "65.01", "year": 2024, "rate": "5"},
        {"region": "64", "year": 1990, "rate": "5"},
        {"region": "64", "year": 2024, "rate": "101"},
        {"region": "64", "year": 2024, "rate": "lima"},
        {"region": "64", "year": 2024, "rate": "5", "poor_people": "-3"},
    ],
)
def test_bad_figures_are_refused_by_field(users, values):
    with pytest.raises(ValidationError) as exc:
        indicator_save(actor=users["admin"], **values)
    assert exc.value.error_dict
    assert not PovertyIndicator.objects.exists()


def test_series_and_the_default_target(users):
    assert province_target() == (2026, Decimal("5.00"))
    indicator_save(actor=users["admin"], region="64", year=2023, rate="6.11")
    indicator_save(actor=users["admin"], region="64.72", year=2024, rate="4.5")
    data = series()
    assert data["years"] == [2023, 2024, 2025, 2026]
    names = [s["code"] for s in data["series"]]
    assert names == ["64", "64.72"]
    assert data["series"][0]["data"] == [6.11, None, None, None]
    indicator_save(actor=users["admin"], kind="target", region="64", year=2026, rate="4.9")
    assert province_target() == (2026, Decimal("4.90"))


def test_the_page_enters_and_charts_a_figure(client, users):
    client.force_login(users["admin"])
    response = client.post(
        "/dasbor/kemiskinan/",
        {
            "kind": "rate",
            "region": "64.72",
            "year": 2024,
            "rate": "4.56",
            "source": "BPS Kota Samarinda",
            "note": "",
        },
    )
    assert response.status_code == 302
    html = client.get("/dasbor/kemiskinan/").content.decode()
    data = json.loads(
        re.search(r'id="dashboard-data" type="application/json">(.*?)</script>', html, re.S).group(
            1
        )
    )
    assert data["poverty"]["target"] == {"year": 2026, "rate": 5.0}
    assert data["poverty"]["series"][0]["data"][0] == 4.56
    indicator = PovertyIndicator.objects.get()
    response = client.post(f"/dasbor/kemiskinan/{indicator.pk}/hapus/", {"reason": "salah"})
    assert response.status_code == 302 and not PovertyIndicator.objects.exists()
    assert AuditEvent.objects.filter(action="indicator.delete").exists()


def test_readers_see_figures_but_cannot_enter_them(client, users):
    indicator_save(actor=users["admin"], region="64", year=2023, rate="6.11")
    client.force_login(users["head"])
    html = client.get("/dasbor/kemiskinan/").content.decode()
    assert 'id="indicator-form"' not in html and ("6,11" in html or "6.11" in html)
    assert (
        client.post(
            "/dasbor/kemiskinan/", {"kind": "rate", "region": "64", "year": 2024, "rate": "1"}
        ).status_code
        == 403
    )
    assert PovertyIndicator.objects.count() == 1
