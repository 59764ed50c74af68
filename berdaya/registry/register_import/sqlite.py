"""SQLite: the file staged block by block in short transactions, then merged in one.

SQLite has one writer at a time, so no transaction can stay open while the file is read:
progress is written between the pieces. A first load stages into a table of the register's
shape in the main database, which the last transaction puts in the register's place; a
refresh stages into a temporary table (in the connection's own temporary database, apart from
the main file), which the last transaction merges. Until that transaction commits, the
register is as it was.
"""

from __future__ import annotations

from typing import IO

from django.db import connection, transaction
from django.utils import timezone

from berdaya.registry import register_sql
from berdaya.registry.models import RegisterImport, RegisterRecord
from berdaya.registry.register_import.merge import audit_event, merge_end
from berdaya.registry.register_import.progress import set_fields
from berdaya.registry.register_import.staging import Store, stage

# Pages of WAL between checkpoints while a first load is staged (SQLite's default is 1000):
# fewer, larger checkpoints, each of which waits for the disk.
_STAGING_CHECKPOINT = 16_384


class _Writer(register_sql.SqliteRows):
    """Each piece in a transaction of its own: progress is written between them."""

    def send(self, piece) -> None:
        with transaction.atomic():
            super().send(piece)


def load(run: RegisterImport, f: IO[bytes], tmpdir: str, progress) -> list[int]:
    now = timezone.now()
    with connection.cursor() as c:
        _drop_abandoned(c, run)
        with transaction.atomic():
            # Asked again by the transaction that merges: the answer may have changed.
            if RegisterRecord.objects.exists():
                loaded = None
                register_sql.stage_begin(c)
                writer = _Writer(c, register_sql.STAGE, register_sql.STAGE_COLUMNS)
            else:
                loaded = register_sql.load_table_create(c, run.pk)
                columns = ["source_id", *register_sql.DATA_COLUMNS, "row_hash"]
                constants = register_sql.first_load_constants(run.pk, now)
                writer = _Writer(c, loaded, columns, constants)
        try:
            store = _stage(c, run, f, tmpdir, progress, writer, checkpoints=loaded is not None)
            set_fields(run, status=RegisterImport.Status.MERGING)
            if progress:
                progress(run)
            return _merge(run, store, loaded, now)
        except BaseException:
            if loaded is not None:
                _drop_quietly(c, loaded)
            raise


def _stage(c, run, f, tmpdir, progress, writer, checkpoints: bool) -> Store:
    c.execute("PRAGMA wal_autocheckpoint")
    every = c.fetchone()[0]
    if checkpoints:
        c.execute(f"PRAGMA wal_autocheckpoint = {max(every, _STAGING_CHECKPOINT)}")
    try:
        return stage(run, f, Store(tmpdir, run.region_filter), progress, set_fields, writer)
    finally:
        c.execute(f"PRAGMA wal_autocheckpoint = {every}")


@transaction.atomic
def _merge(run: RegisterImport, store: Store, loaded: str | None, now) -> list[int]:
    event = audit_event(run)
    with connection.cursor() as c:
        first_load = loaded is not None and register_sql.load_table_swap(c, loaded)
        if loaded is not None and not first_load:
            # The register got rows while the file was read (another import): merge with
            # them as a refresh does, from the rows loaded.
            register_sql.stage_begin(c)
            cols = ", ".join(["source_id", *register_sql.DATA_COLUMNS, "row_hash"])
            c.execute(
                f"INSERT INTO {register_sql.STAGE} (line, {cols}) "
                f'SELECT id, {cols} FROM "{loaded}" ORDER BY id'
            )
            register_sql.load_table_drop(c, loaded)
        return merge_end(c, run, store, event, first_load, now)


def _drop_abandoned(c, run: RegisterImport) -> None:
    """Load tables left by imports that failed or were killed (not by one still running)."""
    tables = register_sql.load_tables(c)
    if not tables:
        return
    running = set(
        RegisterImport.objects.filter(
            pk__in=[pk for _name, pk in tables],
            status__in=[RegisterImport.Status.STAGING, RegisterImport.Status.MERGING],
        )
        .exclude(pk=run.pk)
        .values_list("pk", flat=True)
    )
    with transaction.atomic():
        for name, pk in tables:
            if pk not in running:
                register_sql.load_table_drop(c, name)


def _drop_quietly(c, name: str) -> None:
    try:
        with transaction.atomic():
            register_sql.load_table_drop(c, name)
    except Exception:  # noqa: BLE001 - the next import drops it (`_drop_abandoned`)
        pass
