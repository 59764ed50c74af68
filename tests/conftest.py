"""Shared fixtures: one user per role (two regional operators), and people in two regions."""

from __future__ import annotations

import datetime as dt
import itertools
import os

import pytest
from django.db import connection

PASSWORD = "uji-Berdaya-2025!"
SAMARINDA = "64.72"
BALIKPAPAN = "64.71"
# Real village codes of the two cities (idn-area-data).
SAMARINDA_VILLAGE = "64.72.01.1001"
BALIKPAPAN_VILLAGE = "64.71.01.1001"


def pytest_collection_modifyitems(config, items):
    """PostgreSQL tests run only on PostgreSQL; browser tests can be left to another pass.

    Deselected, never skipped: a test that did not run is not counted at all.
    """
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
    no_browser = os.environ.get("BERDAYA_BROWSER", "1") == "0"
    no_spark = os.environ.get("BERDAYA_SPARK", "1") == "0"
    keep, drop = [], []
    for item in items:
        if item.get_closest_marker("postgres") and not on_postgres:
            drop.append(item)
        elif item.get_closest_marker("browser") and no_browser:
            drop.append(item)
        elif item.get_closest_marker("spark") and no_spark:
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture
def regions(db):
    """Reference data loaded by migrations (regions, the seed programmes), reloaded when a
    transactional test (the browser tests' live server) flushed the database."""
    from berdaya.programs.defaults import SEED_PROGRAMS
    from berdaya.programs.models import Program
    from berdaya.regions.models import Region
    from berdaya.regions.services import regions_sync

    if not Region.objects.filter(code=SAMARINDA_VILLAGE).exists():
        regions_sync()
    for spec in SEED_PROGRAMS:
        Program.objects.get_or_create(code=spec["code"], defaults={**spec, "in_kind": True})


def _make_user(username, role, region=None, agency=""):
    from berdaya.accounts.models import User

    user = User(
        username=username,
        role=role,
        region_id=region,
        agency=agency,
        first_name=username.replace(".", " ").title(),
    )
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def users(regions):
    """The shared cast: every role, and operators of Samarinda and Balikpapan."""
    return {
        "admin": _make_user("admin", "province_admin"),
        "verifier": _make_user("verifier", "province_verifier"),
        "head": _make_user("head", "head_of_office"),
        "op_smd": _make_user("op.smd", "operator", SAMARINDA),
        "op_bpn": _make_user("op.bpn", "operator", BALIKPAPAN),
        "facilitator": _make_user("fac.smd", "facilitator", SAMARINDA),
        "viewer": _make_user("viewer", "viewer"),
        "partner": _make_user("partner", "partner", agency="Dinas Kesehatan"),
    }


_serial = itertools.count(1)


def make_nik(village: str, birth: dt.date, sex: str) -> str:
    from berdaya.registry.nik import make_nik as build

    return build(village.replace(".", "")[:6], birth, sex, next(_serial))


@pytest.fixture
def person_factory(users):
    from berdaya.accounts.services import system_user
    from berdaya.registry.services import person_create

    def create(
        village=SAMARINDA_VILLAGE, name="Siti Aminah", sex="P", birth=dt.date(1985, 3, 12), **extra
    ):
        nik = extra.pop("nik", None) or make_nik(village, birth, sex)
        kk = extra.pop("kk", None) or make_nik(village, dt.date(2015, 1, 5), "L")
        person, _warnings = person_create(
            actor=system_user(),
            nik=nik,
            kk=kk,
            name=name,
            sex=sex,
            birth_date=birth,
            village=village,
            relation=extra.pop("relation", "KEPALA KELUARGA"),
            decile=extra.pop("decile", 2),
            **extra,
        )
        return person

    return create


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"


# Playwright's sync API runs an event loop; the live server's database is used from this thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


def sign_in(page, base, username):
    page.goto(f"{base}/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def pytest_configure(config):
    # Tests serve static files from the source folders, whatever collectstatic left in var/.
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Background tasks run at once in tests, inside the request that queues them.
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }
