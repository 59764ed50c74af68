"""Exhibitions: events, the beneficiaries each office brings, products and sales."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from berdaya.monitoring import outcomes
from berdaya.monitoring.exhibitions import (
    exhibition_create,
    exhibition_update,
    participant_add,
    participant_remove,
    product_record,
    product_remove,
)
from berdaya.monitoring.selectors import exhibitions_visible, participants_visible
from tests.monitoring.conftest import BPN, SMD


@pytest.fixture
def expo(users):
    return exhibition_create(
        actor=users["admin"],
        name="Pameran UMKM Kaltim Expo 2026",
        organiser="Dinsos Kaltim",
        place="GOR Segiri, Samarinda",
        region="",
        starts_on=dt.date(2026, 8, 14),
        ends_on=dt.date(2026, 8, 17),
    )


def test_province_and_regional_exhibitions(users, expo):
    # A regency office organises in its own region only: another one is not its to know.
    with pytest.raises(Http404):
        exhibition_create(
            actor=users["op_smd"],
            name="Bazar",
            organiser="Dinsos Kota",
            place="Taman",
            region=BPN,
            starts_on=dt.date(2026, 3, 1),
        )
    local = exhibition_create(
        actor=users["op_smd"],
        name="Bazar Ramadan",
        organiser="Dinsos Kota",
        place="Taman Samarendah",
        starts_on=dt.date(2026, 3, 1),
    )
    assert local.region_id == SMD and expo.region_id is None
    assert set(exhibitions_visible(users["op_smd"])) == {expo, local}
    assert set(exhibitions_visible(users["op_bpn"])) == {expo}
    assert exhibitions_visible(users["partner"]).count() == 0
    with pytest.raises(Http404):
        exhibition_update(actor=users["op_smd"], exhibition=expo, name="Diubah oleh kota")
    with pytest.raises(ValidationError) as exc:
        exhibition_create(
            actor=users["op_smd"],
            name="",
            organiser="",
            place="x",
            starts_on=dt.date(2026, 3, 2),
            ends_on=dt.date(2026, 3, 1),
        )
    assert {"name", "organiser", "ends_on"} <= set(exc.value.message_dict)


def test_participants_products_and_sales(users, expo, scheduled):
    smd = scheduled(days_ago=120)
    bpn = scheduled(region=BPN, days_ago=120)
    p = participant_add(actor=users["op_smd"], exhibition=expo, unit=smd)
    with pytest.raises(ValidationError):
        participant_add(actor=users["facilitator"], exhibition=expo, unit=smd)
    with pytest.raises(Http404):
        participant_add(actor=users["op_smd"], exhibition=expo, unit=bpn)
    q = participant_add(actor=users["op_bpn"], exhibition=expo, unit=bpn)
    product_record(
        actor=users["facilitator"],
        participant=p,
        name="Amplang ikan pipih",
        unit_price="25.000",
        quantity_sold="40",
    )
    cake = product_record(
        actor=users["facilitator"],
        participant=p,
        name="Kue bingka",
        unit_price="15000",
        quantity_sold=10,
    )
    p.refresh_from_db()
    assert p.sales == 25_000 * 40 + 15_000 * 10
    with pytest.raises(ValidationError) as exc:
        product_record(
            actor=users["op_smd"], participant=p, name="", unit_price="murah", quantity_sold="-3"
        )
    assert set(exc.value.message_dict) == {"name", "unit_price", "quantity_sold"}
    with pytest.raises(Http404):
        product_record(
            actor=users["op_smd"],
            participant=q,
            name="Sasirangan",
            unit_price="150000",
            quantity_sold="2",
        )
    product_remove(actor=users["op_smd"], product=cake)
    p.refresh_from_db()
    assert p.sales == 1_000_000
    # Each office reads its own participants; the province all of them.
    assert list(participants_visible(users["op_smd"], expo)) == [p]
    assert set(participants_visible(users["viewer"], expo)) == {p, q}
    with pytest.raises(ValidationError):
        participant_remove(actor=users["op_smd"], participant=p)
    participant_remove(actor=users["op_bpn"], participant=q)
    assert outcomes.summary(outcomes.Filters(regions=[SMD]))["exhibitions"] == {
        "events": 1,
        "participants": 1,
        "sales": 1_000_000,
    }


def test_exhibition_pages(client, users, expo, scheduled):
    unit = scheduled(days_ago=120)
    client.force_login(users["op_smd"])
    page = client.get(f"/pemantauan/pameran/{expo.pk}/")
    assert page.status_code == 200 and unit.name in page.content.decode()
    response = client.post(f"/pemantauan/pameran/{expo.pk}/peserta/", {"unit": unit.pk})
    assert response.status_code == 302
    participant = expo.participants.get()
    response = client.post(
        f"/pemantauan/peserta/{participant.pk}/",
        {"name": "Tas anyaman", "unit_price": "85.000", "quantity_sold": "3"},
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.sales == 255_000
    response = client.post(
        f"/pemantauan/peserta/{participant.pk}/",
        {"name": "Tas", "unit_price": "delapan", "quantity_sold": "1"},
    )
    assert response.status_code == 422
    assert "Harga: tulis jumlah dalam rupiah bulat" in response.content.decode()
    client.force_login(users["op_bpn"])
    assert client.get(f"/pemantauan/peserta/{participant.pk}/").status_code == 404
