"""Handovers and sessions in the REST API: the region scope, masked NIKs, the read logged."""

from __future__ import annotations

from berdaya.api.services import token_create
from berdaya.core.models import AuditEvent
from tests.distribution.conftest import BPN, SMD, record


def bearer(user):
    _token, raw = token_create(actor=user, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_handovers_in_the_api_follow_the_region_scope(client, users, wrse, trained):
    h, _ = record(users, trained[0])
    own = client.get(
        "/api/handovers/", {"program": "WRSE", "year": 2025}, **bearer(users["facilitator"])
    )
    assert own.status_code == 200, own.content
    items = own.json()["items"]
    assert [x["number"] for x in items] == [h.number]
    assert items[0]["receiver_nik"] == h.receiver_nik  # facilitators work with identities
    assert items[0]["lines"][0]["unit_price"] == 1_500_000 and items[0]["value"] == 4_750_000
    masked = client.get("/api/handovers/", **bearer(users["viewer"])).json()["items"]
    assert masked[0]["receiver_nik"].count("*") == 8
    other = client.get("/api/handovers/", **bearer(users["op_bpn"])).json()
    assert other["items"] == []
    assert (
        client.get("/api/handovers/", {"region": BPN}, **bearer(users["op_smd"])).json()["items"]
        == []
    )
    assert AuditEvent.objects.filter(action="api.read", object_id="handovers").count() == 4
    sessions = client.get("/api/handovers/sessions", **bearer(users["op_smd"])).json()["items"]
    assert sessions[0]["region"] == SMD and sessions[0]["attended"] == 3
