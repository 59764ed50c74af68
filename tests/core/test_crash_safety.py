"""Crash safety: a register import and a proposal upload killed with SIGKILL at random points
leave no partial rows, and running again completes with the same result.

Each test works on a database of its own, written by `berdaya` processes (a SQLite file in a
temporary directory, or a scratch PostgreSQL database in the PostgreSQL pass), so that a
process can be killed without touching the test database.
"""

from __future__ import annotations

import csv
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
KILLS = 20


class Scratch:
    """A database of its own for `berdaya` subprocesses, queried directly."""

    def __init__(self, tmp: Path):
        self.var = tmp / "var"
        self.env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        self.env["BERDAYA_VAR_DIR"] = str(self.var)
        self.env["BERDAYA_LANG"] = "en"
        self.pg = connection.vendor == "postgresql"
        if self.pg:
            db = settings.DATABASES["default"]
            self.name = f"crash_{uuid.uuid4().hex[:10]}"
            self._admin(f'CREATE DATABASE "{self.name}"')
            user = db.get("USER") or "postgres"
            host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
            password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
            self.env["DATABASE_URL"] = f"postgres://{user}{password}@{host}:{port}/{self.name}"
        else:
            self.env.pop("DATABASE_URL", None)
        self.run("migrate", "--noinput", "-v", "0")

    def _admin(self, sql: str) -> None:
        import psycopg

        db = settings.DATABASES["default"]
        with psycopg.connect(
            host=db.get("HOST") or "127.0.0.1",
            port=db.get("PORT") or 5432,
            user=db.get("USER") or "postgres",
            password=db.get("PASSWORD"),
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(sql)

    def drop(self) -> None:
        if self.pg:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "berdaya", *args]

    def run(self, *args: str) -> subprocess.CompletedProcess:
        result = subprocess.run(
            self.command(*args), cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    def query(self, sql: str) -> list[tuple]:
        if self.pg:
            import psycopg

            with psycopg.connect(self.env["DATABASE_URL"]) as conn:
                return conn.execute(sql).fetchall()
        with sqlite3.connect(self.var / "berdaya.sqlite3") as conn:
            return conn.execute(sql).fetchall()

    def execute(self, sql: str) -> None:
        if self.pg:
            import psycopg

            with psycopg.connect(self.env["DATABASE_URL"], autocommit=True) as conn:
                conn.execute(sql)
            return
        with sqlite3.connect(self.var / "berdaya.sqlite3") as conn:
            conn.execute(sql)

    def kill_at(self, seconds: float, *args: str) -> bool:
        """Start the command, SIGKILL it after `seconds`; True if it was still running."""
        proc = subprocess.Popen(
            self.command(*args),
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            proc.wait(timeout=seconds)
            return False
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True


@pytest.fixture
def scratch(tmp_path, db):
    s = Scratch(tmp_path)
    yield s
    s.drop()


REGISTER = (
    "SELECT source_id, nik, name, birth_date, sex, village_code, decile, life_status, "
    "nik_valid, nik_duplicate, present FROM registry_registerrecord ORDER BY source_id, id"
)


def test_register_import_survives_sigkill(scratch, tmp_path, capsys):
    out = tmp_path / "synth"
    scratch.run("synth", "--people", "30000", "--seed", "5", "--out", str(out))
    register = str(out / "register.csv")
    rows = sum(1 for _ in open(register, encoding="utf-8")) - 1
    reference = Scratch(tmp_path / "ref")
    try:
        started = time.monotonic()
        reference.run("import-register", register)
        full = time.monotonic() - started
        expected = reference.query(REGISTER)
    finally:
        reference.drop()
    assert len(expected) == rows
    rng = random.Random(20251125)
    killed = 0
    for _ in range(KILLS):
        killed += scratch.kill_at(rng.uniform(0.2, 0.85 * full), "import-register", register)
        count = scratch.query("SELECT COUNT(*) FROM registry_registerrecord")[0][0]
        # All or nothing: never part of the file.
        assert count in (0, rows), count
        if count:
            # It finished before the kill: check it, then start again from an empty register
            # so that every kill lands in a first load.
            assert scratch.query(REGISTER) == expected
            scratch.execute("DELETE FROM registry_registerrecord")
    scratch.run("import-register", register)
    assert scratch.query(REGISTER) == expected
    with capsys.disabled():
        print(
            f"\ncrash safety, register import ({connection.vendor}): {killed} of {KILLS} "
            f"kills hit a running import, {rows} rows, no partial load"
        )
    assert killed >= KILLS // 4


PROPOSALS = (
    "SELECT row_id, nik, name, birth_date, village_code, status FROM intake_proposal "
    "ORDER BY row_id"
)


def test_proposal_upload_survives_sigkill(scratch, tmp_path, capsys):
    out = tmp_path / "synth"
    scratch.run("synth", "--people", "8000", "--seed", "6", "--out", str(out))
    upload = tmp_path / "usulan.csv"
    with (
        open(out / "register.csv", encoding="utf-8") as src,
        open(upload, "w", encoding="utf-8", newline="") as dst,
    ):
        reader = csv.DictReader(src)
        writer = csv.writer(dst)
        writer.writerow(
            ["ID", "NIK", "NAMA", "TGL_LAHIR", "JENIS_KELAMIN", "KODE_WILAYAH", "HUBUNGAN_KELUARGA"]
        )
        n = 0
        for row in reader:
            writer.writerow(
                [
                    f"U{n}",
                    row["NIK"],
                    row["NAMA"],
                    row["TGL_LAHIR"],
                    row["JENIS_KELAMIN"],
                    row["KODE_WILAYAH"],
                    row["HUBUNGAN_KELUARGA"],
                ]
            )
            n += 1
            if n == 4000:
                break
    args = (
        "import-proposals",
        str(upload),
        "--program",
        "WRSE",
        "--year",
        "2025",
        "--region",
        "64.72",
    )
    reference = Scratch(tmp_path / "ref")
    try:
        started = time.monotonic()
        reference.run(*args)
        full = time.monotonic() - started
        expected = reference.query(PROPOSALS)
    finally:
        reference.drop()
    assert len(expected) == n
    rng = random.Random(20251126)
    killed = 0
    for _ in range(KILLS):
        killed += scratch.kill_at(rng.uniform(0.2, 0.85 * full), *args)
        count = scratch.query("SELECT COUNT(*) FROM intake_proposal")[0][0]
        assert count in (0, n), count
        if count:
            assert scratch.query(PROPOSALS) == expected
            scratch.execute("DELETE FROM intake_proposal")
    scratch.run(*args)
    assert scratch.query(PROPOSALS) == expected
    with capsys.disabled():
        print(
            f"\ncrash safety, proposal upload ({connection.vendor}): {killed} of {KILLS} "
            f"kills hit a running upload, {n} rows, no partial save"
        )
    assert killed >= KILLS // 4
