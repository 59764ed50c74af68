"""The pages: region scope, CSRF, both languages, what each role may do."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from berdaya.allocation.models import Allocation, Decree
from berdaya.core.models import AuditEvent
from tests.allocation.conftest import BPN, SMD, eligible, set_targets


@pytest.fixture
def setup(users, wrse):
    set_targets(users["admin"], wrse, {SMD: 2, BPN: 2})
    smd = [
        eligible(wrse, SMD, users["verifier"], name=f"WARGA SAMARINDA {i}", decile=1 + i)
        for i in range(3)
    ]
    bpn = [eligible(wrse, BPN, users["verifier"], name=f"WARGA BALIKPAPAN {i}") for i in range(2)]
    return smd, bpn


def test_the_ranking_shows_each_component_and_the_place(client, users, setup):
    client.force_login(users["admin"])
    page = client.get("/penetapan/WRSE/2025/64.72/").content.decode()
    for name in ("WARGA SAMARINDA 0", "WARGA SAMARINDA 2"):
        assert name in page
    assert "Welfare decile" in page or "Desil" in page
    assert "(40)" in page  # the weight of the decile, shown beside its column
    assert page.count('name="unit"') == 3
    assert "reserve 1" in page or "cadangan 1" in page


def test_an_operator_reads_only_their_region(client, users, setup):
    client.force_login(users["op_smd"])
    assert client.get("/penetapan/WRSE/2025/64.72/").status_code == 200
    assert client.get("/penetapan/WRSE/2025/64.71/").status_code == 404
    index = client.get("/penetapan/").content.decode()
    assert "Kota Samarinda" in index and "Kota Balikpapan" not in index
    page = client.get("/penetapan/WRSE/2025/64.72/").content.decode()
    assert 'name="unit"' not in page  # reads, never approves
    before = AuditEvent.objects.count()
    assert (
        client.post("/penetapan/WRSE/2025/64.72/setujui/", {"mode": "ranking"}).status_code == 403
    )
    assert AuditEvent.objects.count() == before


def test_approve_within_the_quota_and_refused_past_it(client, users, setup):
    smd, _bpn = setup
    client.force_login(users["admin"])
    keys = [f"p{p.pk}" for p in smd]
    response = client.post(
        "/penetapan/WRSE/2025/64.72/setujui/", {"mode": "chosen", "unit": keys}, follow=True
    )
    assert Allocation.objects.count() == 0
    assert "alert-danger" in response.content.decode()
    response = client.post(
        "/penetapan/WRSE/2025/64.72/setujui/", {"mode": "chosen", "unit": keys[:2]}, follow=True
    )
    assert Allocation.objects.filter(status="approved").count() == 2
    assert response.status_code == 200


def test_csrf_is_required(users, setup):
    c = Client(enforce_csrf_checks=True)
    c.force_login(users["admin"])
    assert c.post("/penetapan/WRSE/2025/64.72/setujui/", {"mode": "ranking"}).status_code == 403
    assert not Allocation.objects.exists()


def test_draft_sign_and_download_through_the_pages(client, users, setup):
    client.force_login(users["admin"])
    client.post("/penetapan/WRSE/2025/64.72/setujui/", {"mode": "ranking"})
    response = client.post("/penetapan/WRSE/2025/64.72/sk/")
    decree = Decree.objects.get()
    assert response["Location"] == f"/penetapan/sk/{decree.pk}/"
    client.post(
        f"/penetapan/sk/{decree.pk}/ubah/", {"number": "400.9/9/DINSOS/2025", "place": "Samarinda"}
    )
    client.force_login(users["head"])
    page = client.get(f"/penetapan/sk/{decree.pk}/").content.decode()
    assert 'id="sign-decree"' in page
    import re

    content_hash = re.search(r'name="content_hash" value="([0-9a-f]{64})"', page).group(1)
    client.post(f"/penetapan/sk/{decree.pk}/tandatangani/", {"content_hash": content_hash})
    decree.refresh_from_db()
    assert decree.status == "draft"  # not confirmed
    client.post(
        f"/penetapan/sk/{decree.pk}/tandatangani/", {"content_hash": content_hash, "confirm": "on"}
    )
    decree.refresh_from_db()
    assert decree.status == "issued"
    client.force_login(users["op_smd"])
    response = client.get(f"/penetapan/sk/{decree.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages
    )
    assert "WARGA SAMARINDA 0" in text and "Sepuluh juta rupiah" in text
    assert AuditEvent.objects.filter(
        action="export", actor=users["op_smd"], object_type="allocation.decree"
    ).exists()
    client.force_login(users["op_bpn"])
    assert client.get(f"/penetapan/sk/{decree.pk}/pdf/").status_code == 404


@pytest.mark.parametrize("language,words", [("id", "Penetapan"), ("en", "Decision")])
def test_pages_in_both_languages(client, users, setup, language, words):
    client.force_login(users["viewer"])
    client.cookies["django_language"] = language
    for url in (
        "/penetapan/",
        "/penetapan/WRSE/2025/64.72/",
        "/penetapan/target/",
        "/penetapan/anggaran/",
        "/penetapan/sk/",
        "/penetapan/sanggahan/",
        "/penetapan/WRSE/2025/rumus/",
        "/penetapan/target/WRSE/2025/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Language"] == language
    if language == "en":
        assert words in client.get("/penetapan/").content.decode()


def test_the_budget_view_per_region_and_programme(client, users, setup):
    client.force_login(users["admin"])
    client.post("/penetapan/WRSE/2025/64.72/setujui/", {"mode": "ranking"})
    page = client.get("/penetapan/anggaran/?year=2025").content.decode()
    assert "Rp10.000.000" in page or "Rp10,000,000" in page
    client.force_login(users["op_bpn"])
    page = client.get("/penetapan/anggaran/?year=2025").content.decode()
    assert "Kota Samarinda" not in page and "Kota Balikpapan" in page


def test_home_card_and_a_recipient_no_longer_eligible(client, users, setup):
    from berdaya.verification.models import Verification

    smd, _bpn = setup
    client.force_login(users["admin"])
    client.post("/penetapan/WRSE/2025/64.72/setujui/", {"mode": "ranking"})
    client.post("/penetapan/WRSE/2025/64.72/sk/")
    decree = Decree.objects.get()
    client.post(
        f"/penetapan/sk/{decree.pk}/ubah/", {"number": "400.9/77/DINSOS/2025", "place": "Samarinda"}
    )
    client.force_login(users["head"])
    home = client.get("/").content.decode()
    assert 'id="allocation-card"' in home and f"/penetapan/sk/{decree.pk}/" in home
    # The register now says the first recipient died: flagged, and the decree cannot be signed.
    Verification.objects.filter(proposal=smd[0]).update(verdict="ineligible")
    client.force_login(users["admin"])
    page = client.get("/penetapan/WRSE/2025/64.72/").content.decode()
    assert page.count("stale-approval") == 1
    page = client.get(f"/penetapan/sk/{decree.pk}/").content.decode()
    assert "WARGA SAMARINDA 0" in page and "alert-danger" in page


def test_the_person_page_shows_the_approval(client, users, setup, person_factory):
    import datetime as dt

    smd, _bpn = setup
    client.force_login(users["admin"])
    client.post("/penetapan/WRSE/2025/64.72/setujui/", {"mode": "ranking"})
    person = person_factory(nik=smd[0].nik, name=smd[0].name, birth=dt.date(1980, 5, 5))
    page = client.get(f"/orang/{person.pk}/").content.decode()
    assert 'id="person-allocations"' in page and "Rp5.000.000" in page
