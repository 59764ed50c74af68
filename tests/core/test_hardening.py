"""Hardening: the deploy check with production settings, the security headers, secrets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(env_extra: dict[str, str], *args: str, tmp_path) -> subprocess.CompletedProcess:
    drop = ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update({"BERDAYA_VAR_DIR": str(tmp_path / "var"), **env_extra})
    return subprocess.run(
        [sys.executable, "-m", "berdaya", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_settings(tmp_path, capsys):
    result = _run(
        {
            "SECRET_KEY": "k" * 20 + "-Production-Secret-Key-0123456789!",
            "ALLOWED_HOSTS": "berdaya.kaltimprov.go.id",
            "HTTPS": "1",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    with capsys.disabled():
        print("\ncheck --deploy: no issues")


def test_deploy_check_fails_without_https(tmp_path):
    # The same check is not clean when the site is not served over HTTPS: the test can fail.
    result = _run(
        {"SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "berdaya.kaltimprov.go.id"},
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout  # SECURE_SSL_REDIRECT


def test_no_secret_key_in_the_repository():
    text = (ROOT / "berdaya" / "settings.py").read_text("utf-8")
    assert "django-insecure" not in text
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    names = tracked.stdout.split()
    assert not [n for n in names if n.endswith((".sqlite3", ".key", ".pem", ".env"))]


def test_security_headers_on_every_page(client, users):
    client.force_login(users["op_smd"])
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp or response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_cookies_are_secure_over_https(settings, client, users):
    from django.conf import settings as live

    assert live.SESSION_COOKIE_HTTPONLY and live.SESSION_COOKIE_SAMESITE == "Lax"
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    response = client.get("/masuk/")
    assert response.cookies["csrftoken"]["secure"]


def test_an_idle_session_expires_and_a_used_one_is_kept_with_few_writes(client, users):
    import datetime as dt

    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from berdaya.core.middleware import SessionRefreshMiddleware

    client.force_login(users["op_smd"])
    client.get("/")
    key = client.session.session_key
    first = Session.objects.get(pk=key).expire_date
    # Used again at once: nothing written.
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    assert not [q for q in ctx.captured_queries if "UPDATE" in q["sql"] and "session" in q["sql"]]
    # Used after the refresh interval: the expiry moves forward, a working day from now.
    session = client.session
    session[SessionRefreshMiddleware.KEY] -= SessionRefreshMiddleware.REFRESH_SECONDS + 1
    session.save()
    Session.objects.filter(pk=key).update(expire_date=first - dt.timedelta(hours=1))
    assert client.get("/").status_code == 200
    later = Session.objects.get(pk=key).expire_date
    assert later > first - dt.timedelta(hours=1)
    age = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs((later - timezone.now()) - age) < dt.timedelta(minutes=1)
    # Past its expiry, the session is gone: the next page asks to sign in.
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/usulan/")
    assert response.status_code == 302 and "/masuk/" in response["Location"]
