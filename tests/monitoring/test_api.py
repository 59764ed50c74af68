"""Monitoring in the REST API: the pages' scope, and a partner's token reads only its own."""

from __future__ import annotations

from berdaya.api.services import token_create
from berdaya.monitoring.defaults import seed_agencies
from berdaya.monitoring.models import PartnerAgency
from berdaya.monitoring.referrals import referral_create
from tests.monitoring.conftest import BPN, record


def bearer(user):
    _token, raw = token_create(actor=user, user=user, name="uji")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_reads_within_scope(client, users, scheduled):
    seed_agencies(PartnerAgency)
    own = scheduled(days_ago=95)
    other = scheduled(region=BPN, days_ago=95)
    record(own.visits.get(month=3), users["facilitator"])
    record(other.visits.get(month=3), users["admin"])
    health = PartnerAgency.objects.get(code="DINKES")
    trade = PartnerAgency.objects.get(code="DISPERINDAGKOP")
    mine = referral_create(
        actor=users["op_smd"],
        unit=own,
        agency=health,
        service="nutrition",
        reason="Balita gizi kurang di rumah penerima.",
    )
    referral_create(
        actor=users["op_smd"],
        unit=own,
        agency=trade,
        service="product",
        reason="Perlu pelatihan kemasan produk kue.",
    )
    visits = client.get("/api/monitoring/visits", **bearer(users["facilitator"])).json()
    assert [v["unit_id"] for v in visits["items"]] == [own.pk]
    figures = client.get("/api/monitoring/outcomes?program=WRSE", **bearer(users["viewer"])).json()
    assert figures["units"] == 2 and figures["survival_n"] == 2
    partner = bearer(users["partner"])
    referrals = client.get("/api/monitoring/referrals", **partner).json()["items"]
    assert [r["uid"] for r in referrals] == [str(mine.uid)]
    assert "*" in referrals[0]["subject_nik"]
    assert client.get("/api/monitoring/visits", **partner).status_code == 403
