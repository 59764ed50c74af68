"""The REST API: tokens, the region scope, NIK masking, pagination, the OpenAPI document."""

from __future__ import annotations

import datetime as dt
import sys
import types

import pytest
from django.test import override_settings
from django.utils import timezone

from berdaya.allocation.models import Allocation
from berdaya.api.models import ApiToken
from berdaya.api.services import digest_of, token_create, token_revoke
from berdaya.core.masking import mask_nik
from berdaya.core.models import AuditEvent
from berdaya.intake.models import Proposal
from tests.allocation.conftest import BPN, SMD


def bearer(user, name="test"):
    _token, raw = token_create(actor=user, user=user, name=name)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_token_is_shown_once_stored_hashed_and_audited(users):
    token, raw = token_create(actor=users["op_smd"], user=users["op_smd"], name="SIKS daerah")
    assert raw.startswith("bdy_") and len(raw) > 40
    stored = ApiToken.objects.get()
    assert stored.digest == digest_of(raw) and raw not in stored.digest
    assert stored.prefix == raw[:12] and stored.expires_at > timezone.now()
    event = AuditEvent.objects.get(action="api_token.create")
    assert raw not in str(event.after) and event.actor == users["op_smd"]


def test_requests_without_a_valid_token_are_refused(client, users):
    assert client.get("/api/me").status_code == 401
    assert client.get("/api/me", HTTP_AUTHORIZATION="Bearer bdy_nonsense").status_code == 401
    assert client.get("/api/me", HTTP_AUTHORIZATION="Token x").status_code == 401
    headers = bearer(users["op_smd"])
    me = client.get("/api/me", **headers)
    assert me.status_code == 200
    assert me.json()["region"] == SMD and "api.use" in me.json()["capabilities"]
    # A session is not a token: signed in on the site, the API still says who are you.
    client.force_login(users["op_smd"])
    assert client.get("/api/me").status_code == 401


def test_revoked_expired_and_inactive_tokens_stop_working(client, users):
    user = users["viewer"]
    token, raw = token_create(actor=user, user=user, name="a")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/me", **auth).status_code == 200
    token_revoke(actor=users["admin"], token=token)
    assert client.get("/api/me", **auth).status_code == 401
    token, raw = token_create(actor=user, user=user, name="b", days=1)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    assert client.get("/api/me", **auth).status_code == 401
    token, raw = token_create(actor=user, user=user, name="c")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    user.is_active = False
    user.save()
    assert client.get("/api/me", **auth).status_code == 401


def test_only_the_owner_or_an_administrator_manages_a_token(users):
    from django.core.exceptions import PermissionDenied

    token, _raw = token_create(actor=users["admin"], user=users["op_bpn"], name="for BPN")
    assert token.user == users["op_bpn"] and token.created_by == users["admin"]
    with pytest.raises(PermissionDenied):
        token_revoke(actor=users["op_smd"], token=token)
    with pytest.raises(PermissionDenied):
        token_create(actor=users["op_smd"], user=users["op_bpn"], name="x")
    token_revoke(actor=users["op_bpn"], token=token)
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


def test_proposals_follow_the_region_scope(client, users, stocked):
    headers = bearer(users["op_smd"])
    body = client.get("/api/proposals?page_size=100", **headers).json()
    assert body["count"] == Proposal.objects.filter(region_id=SMD).count()
    assert {p["region"] for p in body["items"]} == {SMD}
    other = Proposal.objects.filter(region_id=BPN).first()
    assert client.get(f"/api/proposals/{other.uid}", **headers).status_code == 404
    own = Proposal.objects.filter(region_id=SMD).first()
    assert client.get(f"/api/proposals/{own.uid}", **headers).json()["uid"] == str(own.uid)
    assert client.get("/api/proposals?region=64.71", **headers).json()["count"] == 0
    # Verdicts and approvals too.
    verdicts = client.get("/api/verdicts?page_size=100", **headers).json()
    assert {v["region"] for v in verdicts["items"]} == {SMD}
    filtered = client.get(f"/api/verdicts?region={SMD}&verdict=eligible", **headers).json()
    assert (
        filtered["count"]
        == Proposal.objects.filter(region_id=SMD, verification__verdict="eligible").count()
    )
    assert client.get(f"/api/verdicts?region={BPN}", **headers).json()["count"] == 0
    approvals = client.get("/api/approvals?page_size=100", **headers).json()
    assert approvals["count"] == Allocation.objects.filter(region_id=SMD, status="approved").count()


def test_niks_are_whole_only_for_roles_that_work_with_them(client, users, stocked):
    wrse = stocked["wrse"]
    p = Proposal.objects.filter(region_id=SMD, program_year=wrse).order_by("pk").first()
    for role, whole in (("verifier", True), ("op_smd", True), ("head", False), ("viewer", False)):
        item = client.get(f"/api/proposals/{p.uid}", **bearer(users[role])).json()
        assert item["nik"] == (p.nik if whole else mask_nik(p.nik)), role
    approvals = client.get(
        f"/api/approvals?program=WRSE&year=2025&region={SMD}", **bearer(users["head"])
    ).json()["items"]
    assert approvals and all("*" in a["nik"] for a in approvals)
    # Every read of personal data is in the audit trail.
    reads = AuditEvent.objects.filter(action="api.read")
    assert reads.filter(actor=users["head"], object_id="approvals").exists()
    assert reads.filter(actor=users["verifier"], after__full_nik=True).exists()
    # Verdicts and groups name people's situations (deceased, outside the criteria): logged too.
    for what in ("verdicts", "groups"):
        assert client.get(f"/api/{what}?region={SMD}", **bearer(users["head"])).status_code == 200
        assert reads.filter(actor=users["head"], object_id=what).count() == 1, what


def test_a_partner_agency_reads_no_person(client, users, stocked):
    headers = bearer(users["partner"])
    assert client.get("/api/me", **headers).status_code == 200
    for path in (
        "/api/proposals",
        "/api/verdicts",
        "/api/approvals",
        "/api/groups",
        "/api/dashboard?program=WRSE&year=2025",
    ):
        assert client.get(path, **headers).status_code == 403, path
    response = client.post(
        "/api/persons/lookup",
        {"nik": "6472014708880003"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 403


def test_person_lookup_by_nik(client, users, person_factory, stocked):
    own = person_factory(name="Siti Rahmah")
    from tests.conftest import BALIKPAPAN_VILLAGE

    other = person_factory(village=BALIKPAPAN_VILLAGE, name="Nur Aisyah")
    headers = bearer(users["op_smd"])

    def lookup(nik):
        return client.post(
            "/api/persons/lookup", {"nik": nik}, content_type="application/json", **headers
        )

    found = lookup(own.nik)
    assert found.status_code == 200 and found.json()["person"]["name"] == "Siti Rahmah"
    assert lookup(other.nik).status_code == 404
    assert lookup("123").status_code == 422
    assert AuditEvent.objects.filter(action="api.person_lookup", object_id=str(own.pk)).exists()
    # A proposed person without a person record: their proposals.
    p = Proposal.objects.filter(region_id=SMD, verification__verdict="eligible").first()
    body = lookup(p.nik).json()
    assert body["person"] is None and body["proposals"][0]["uid"] == str(p.uid)


def test_pagination_is_bounded(client, users, stocked):
    headers = bearer(users["admin"])
    page = client.get("/api/proposals?page_size=2&page=2", **headers).json()
    assert page["page"] == 2 and page["page_size"] == 2 and len(page["items"]) == 2
    assert page["count"] == Proposal.objects.count()
    assert client.get("/api/proposals?page_size=101", **headers).status_code == 422
    assert client.get("/api/proposals?page=0", **headers).status_code == 422
    assert client.get("/api/proposals?page=10000000", **headers).status_code == 422
    assert client.get("/api/proposals?page=999", **headers).json()["items"] == []
    assert client.get("/api/proposals?region=bad", **headers).status_code == 422


def test_the_dashboard_as_data(client, users, stocked, built_in_stages):
    from berdaya.reports.selectors import dashboard

    body = client.get("/api/dashboard?program=wrse&year=2025", **bearer(users["head"])).json()
    board = dashboard(users["head"], stocked["wrse"])
    assert body["total"]["figures"]["approved"] == board.total.figures["approved"]
    assert body["total"]["figures"]["trained"] is None
    assert len(body["rows"]) == 10
    smd = client.get("/api/dashboard?program=WRSE&year=2025", **bearer(users["op_smd"])).json()
    assert [r["region"] for r in smd["rows"]] == [SMD]
    assert (
        client.get(
            f"/api/dashboard?program=WRSE&year=2025&region={BPN}", **bearer(users["op_smd"])
        ).status_code
        == 404
    )
    assert (
        client.get("/api/dashboard?program=NOPE&year=2025", **bearer(users["head"])).status_code
        == 404
    )


def test_groups_and_programmes(client, users, stocked):
    headers = bearer(users["viewer"])
    groups = client.get("/api/groups?program=KUBE", **headers).json()
    assert groups["count"] == 3
    approved = [g for g in groups["items"] if g["approved"]]
    assert len(approved) == 1 and approved[0]["members"] == 5
    programs = client.get("/api/programs", **headers).json()
    assert {(p["program"], p["year"]) for p in programs} >= {("WRSE", 2025), ("KUBE", 2025)}


def test_the_openapi_document_is_served(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    for path in (
        "/api/proposals",
        "/api/proposals/{proposal_uid}",
        "/api/verdicts",
        "/api/approvals",
        "/api/persons/lookup",
        "/api/dashboard",
        "/api/me",
    ):
        assert path in doc["paths"], path
    assert doc["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    assert client.get("/api/docs").status_code == 200


def test_a_later_apps_router_is_mounted(monkeypatch, db):
    """distribution/monitoring add `berdaya/<app>/api.py` with a router: it is mounted."""
    import importlib.machinery

    from ninja import Router

    from berdaya.api.api import build

    router = Router(tags=["handovers"])

    @router.get("/", response=list[int])
    def handovers(request):
        return [1]

    module = types.ModuleType("berdaya.regions.api")
    module.__spec__ = importlib.machinery.ModuleSpec("berdaya.regions.api", None)
    module.router = router
    module.API_PREFIX = "/handovers"
    monkeypatch.setitem(sys.modules, "berdaya.regions.api", module)
    api = build()
    schema = api.get_openapi_schema(path_prefix="/api/")
    assert "/api/handovers/" in schema["paths"]


@override_settings(API_TOKEN_DAYS=30)
def test_token_pages(client, users):
    client.force_login(users["op_smd"])
    response = client.post("/akun/token/", {"name": "SIKS Samarinda", "days": 30})
    html = response.content.decode()
    token = ApiToken.objects.get(user=users["op_smd"])
    secret = html.split('id="token-secret">')[1].split("<")[0]
    assert secret.startswith(token.prefix) and digest_of(secret) == token.digest
    # Shown once: the list afterwards has only its beginning.
    assert secret not in client.get("/akun/token/").content.decode()
    other, _raw = token_create(actor=users["op_bpn"], user=users["op_bpn"], name="bpn")
    assert client.post(f"/akun/token/{other.pk}/cabut/").status_code == 404
    assert client.post(f"/akun/token/{token.pk}/cabut/").status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    client.force_login(users["admin"])
    html = client.get("/akun/token/").content.decode()
    assert "bpn" in html
    response = client.post(
        "/akun/token/", {"name": "untuk BPN", "days": 10, "user": users["op_bpn"].pk}
    )
    assert ApiToken.objects.filter(user=users["op_bpn"], name="untuk BPN").exists()
