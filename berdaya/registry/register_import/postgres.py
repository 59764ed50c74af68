"""PostgreSQL: the file read straight into the merge transaction through COPY.

A first load copies into the empty register itself (its indexes built once at the end), a
refresh into a temporary staging table that the merge then reads. The server stores one block
while Python reads the next. Progress goes through a connection of its own, so pages see it
while this transaction is open.
"""

from __future__ import annotations

from typing import IO

from django.db import connection, transaction
from django.utils import timezone

from berdaya.registry import register_sql
from berdaya.registry.models import RegisterImport, RegisterRecord
from berdaya.registry.register_import.merge import audit_event, merge_end
from berdaya.registry.register_import.progress import (
    STAGED_FIELDS,
    SideWriter,
    remember,
    set_fields,
)
from berdaya.registry.register_import.staging import Store, stage


def load(run: RegisterImport, f: IO[bytes], tmpdir: str, progress) -> list[int]:
    # Inside a caller's transaction nobody else could see the progress anyway, and a second
    # connection could wait on the caller's lock of the import's row.
    side = None if connection.in_atomic_block else SideWriter()
    try:
        return _load(run, f, tmpdir, progress, side)
    finally:
        if side is not None:
            side.close()


@transaction.atomic
def _load(run: RegisterImport, f: IO[bytes], tmpdir: str, progress, side) -> list[int]:
    now = timezone.now()
    first_load = not RegisterRecord.objects.exists()
    # Without a side connection, nothing is written while COPY holds the connection.
    write = side or remember
    with connection.cursor() as c:
        if first_load:
            ids = register_sql.first_load_begin(c, run.pk, now)
            columns, target = register_sql.FIRST_LOAD_COLUMNS, register_sql.TABLE
            cluster = "village_code"  # for the index builds at the end
        else:
            register_sql.stage_begin(c)
            ids = cluster = None
            columns, target = register_sql.STAGE_COLUMNS, register_sql.STAGE
        with register_sql.CopyWriter(c, target, columns, first_id=ids, cluster=cluster) as writer:
            store = Store(tmpdir, run.region_filter)
            stage(run, f, store, progress, write, writer)
        if side is None:
            set_fields(run, **{name: getattr(run, name) for name in STAGED_FIELDS})
        write(run, status=RegisterImport.Status.MERGING)
        if progress:
            progress(run)
        event = audit_event(run)
        return merge_end(c, run, store, event, first_load, now)
