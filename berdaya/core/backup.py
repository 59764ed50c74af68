"""Backup and restore of the whole system: the database and the private files.

A backup is a directory: `manifest.json` (engine, time, row count of every table, checksums),
the database (`database.sqlite3` from SQLite's online backup, or `database.dump` from
`pg_dump --format=custom`) and `private.tar` (uploaded documents and photos). A restore checks
the checksums first, then replaces the database and the files; it refuses a backup of the other
engine. Both run while the site is up: SQLite's backup API copies a consistent snapshot, and
pg_dump reads one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections

MANIFEST = "manifest.json"
FILES = "private.tar"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _private_dir() -> Path:
    return Path(settings.STORAGES["private"]["OPTIONS"]["location"])


def table_counts() -> dict[str, int]:
    """Rows in every table of the database (what a restore must bring back)."""
    out = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            out[table] = cursor.fetchone()[0]
    return out


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _sqlite_counts(db: sqlite3.Connection) -> dict[str, int]:
    tables = [
        r[0]
        for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in sorted(tables)}


def _pg_dump(path: Path) -> dict[str, int]:
    """pg_dump of the snapshot the row counts were taken in (the manifest matches the dump)."""
    from django.db import transaction

    db = connection.settings_dict
    args, env = _pg_env(db)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        counts = table_counts()
        result = subprocess.run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                f"--snapshot={snapshot}",
                "--file",
                str(path),
                *args,
                db["NAME"],
            ],
            env=env,
            capture_output=True,
            text=True,
        )
    if result.returncode:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return counts


def backup(out_dir: str | Path) -> dict[str, Any]:
    """Write a backup into `out_dir` (created; it must be empty). Returns the manifest."""
    out = Path(out_dir)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty: choose a new directory.")
    out.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    if vendor == "sqlite":
        name = "database.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(out / name)
        try:
            connection.connection.backup(target)
            counts = _sqlite_counts(target)
        finally:
            target.close()
    elif vendor == "postgresql":
        name = "database.dump"
        counts = _pg_dump(out / name)
    else:  # pragma: no cover - Berdaya runs on SQLite or PostgreSQL only
        raise BackupError(f"No backup for the {vendor} database.")
    private = _private_dir()
    with tarfile.open(out / FILES, "w") as tar:
        if private.exists():
            for path in sorted(private.rglob("*")):
                if path.is_file():
                    tar.add(path, arcname=str(path.relative_to(private)))
    manifest = {
        "format": 1,
        "engine": vendor,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "tables": counts,
        "files": {name: _sha256(out / name), FILES: _sha256(out / FILES)},
        "database": name,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1), "utf-8")
    return manifest


def read_manifest(backup_dir: str | Path) -> dict[str, Any]:
    src = Path(backup_dir)
    try:
        manifest = json.loads((src / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{src} has no readable {MANIFEST}: {exc}") from None
    for name, digest in manifest.get("files", {}).items():
        path = src / name
        if not path.is_file() or _sha256(path) != digest:
            raise BackupError(f"{path} is missing or damaged (checksum differs).")
    return manifest


def restore(backup_dir: str | Path) -> dict[str, Any]:
    """Replace the database and the private files with a backup's. Returns its manifest."""
    src = Path(backup_dir)
    manifest = read_manifest(src)
    vendor = connection.vendor
    if manifest.get("engine") != vendor:
        raise BackupError(
            f"This backup is of a {manifest.get('engine')} database; this one is {vendor}."
        )
    if vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(src / manifest["database"])
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        db = connection.settings_dict
        connections.close_all()
        args, env = _pg_env(db)
        result = subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                db["NAME"],
                *args,
                str(src / manifest["database"]),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    _restore_files(src / FILES)
    return manifest


def _restore_files(tar_path: Path) -> None:
    """Unpack into a new directory beside the private one, then swap: never half a tree."""
    private = _private_dir()
    private.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=private.parent))
    with tarfile.open(tar_path) as tar:
        tar.extractall(staging, filter="data")
    old = None
    if private.exists():
        old = private.with_name(private.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        private.rename(old)
    staging.rename(private)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
