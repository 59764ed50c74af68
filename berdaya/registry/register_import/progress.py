"""Progress of an import, written where pages can see it while the import runs."""

from __future__ import annotations

from typing import Any

from django.db import connection, connections

from berdaya.registry.models import RegisterImport

# What staging learns of the file, written at its end.
STAGED_FIELDS = ("sha256", "read_bytes", "rows_read", "rows_refused", "regions", "refused_report")


def set_fields(run: RegisterImport, **fields: Any) -> None:
    """Progress is written outside the merge transaction, so pages can show it meanwhile."""
    for k, v in fields.items():
        setattr(run, k, v)
    RegisterImport.objects.filter(pk=run.pk).update(**fields)


def remember(run: RegisterImport, **fields: Any) -> None:
    """Progress kept on the object only (written later), when nothing can be written now."""
    for k, v in fields.items():
        setattr(run, k, v)


class SideWriter:
    """Progress written through a connection of its own, in autocommit, while the merge
    transaction is open on the main one (PostgreSQL loads the file inside it). It must write
    before the merge transaction touches the import's row, or it would wait for its lock."""

    def __init__(self):
        main = connections[connection.alias]
        self.conn = main.__class__(main.settings_dict, alias=main.alias)
        self.table = RegisterImport._meta.db_table

    def __call__(self, run: RegisterImport, **fields: Any) -> None:
        conn = self.conn
        sets, values = [], []
        for name, value in fields.items():
            setattr(run, name, value)
            field = RegisterImport._meta.get_field(name)
            sets.append(f"{conn.ops.quote_name(field.column)} = %s")
            values.append(field.get_db_prep_save(value, connection=conn))
        with conn.cursor() as c:
            c.execute(f"UPDATE {self.table} SET {', '.join(sets)} WHERE id = %s", [*values, run.pk])

    def close(self) -> None:
        self.conn.close()
