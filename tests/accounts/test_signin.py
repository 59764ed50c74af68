import pytest
from django.test import override_settings

from berdaya.core.models import AuditEvent
from tests.conftest import PASSWORD


def test_sign_in_page_is_indonesian(client):
    page = client.get("/masuk/").content.decode()
    assert 'lang="id"' in page
    assert "Masuk ke Berdaya" in page
    assert "Kata sandi" in page


def test_sign_in_and_failure_are_audited(client, users):
    assert client.post("/masuk/", {"username": "op.smd", "password": "salah"}).status_code == 200
    assert AuditEvent.objects.filter(action="login.failed", actor_username="op.smd").count() == 1
    response = client.post("/masuk/", {"username": "op.smd", "password": PASSWORD})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="login")
    assert event.actor == users["op_smd"]


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_sign_in_is_throttled_after_repeated_failures(client, users):
    for _ in range(3):
        client.post("/masuk/", {"username": "op.bpn", "password": "salah"})
    # The right password no longer works until the window has passed.
    response = client.post("/masuk/", {"username": "op.bpn", "password": PASSWORD})
    assert response.status_code == 200
    assert "Terlalu banyak" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another user is not affected.
    assert client.post("/masuk/", {"username": "op.smd", "password": PASSWORD}).status_code == 302


def test_passwords_are_hashed_with_argon2(users):
    assert users["admin"].password.startswith("argon2")


def test_system_account_cannot_sign_in(client, users):
    from berdaya.accounts.services import system_user

    user = system_user()
    user.set_password(PASSWORD)
    user.save()
    response = client.post("/masuk/", {"username": "sistem", "password": PASSWORD})
    assert response.status_code == 200


def test_session_expires(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


@pytest.mark.parametrize("path", ["/", "/orang/", "/audit/", "/pengguna/"])
def test_pages_need_sign_in(client, path, db):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")
