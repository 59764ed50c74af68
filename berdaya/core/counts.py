"""Counts kept by PostgreSQL triggers as rows of changes, and their readers.

A trigger adds one row of +n or -n per group a statement changes, never updating a shared
counter row, so concurrent writers never wait on one another for it; a group's count is the
sum of its rows. Readers fold the rows into one per group when they pile up. Models of such
counts have the fields of their groups and an integer `n` (migrations create the triggers).
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Model, QuerySet, Sum

# Change rows a count may gather, beyond two per group, before a reader folds them.
LOOSE_ROWS = 200


def kept_sums(rows: QuerySet, keys: list[str], **fold_where: Any) -> list[tuple]:
    """The sum of `rows` per group of `keys`, as (*key, n) without the groups summing to 0.
    When the rows read are many for their groups, those under `fold_where` are folded."""
    groups = list(rows.order_by().values_list(*keys).annotate(total=Sum("n"), rows=Count("pk")))
    if sum(g[-1] for g in groups) > 2 * len(groups) + LOOSE_ROWS:
        fold(rows.model, keys, **fold_where)
    return [g[:-1] for g in groups if g[-2]]


def fold(model: type[Model], keys: list[str], **where: Any) -> int:
    """Fold the change rows under `where` into one row per group; returns the rows left.

    The rows are deleted and their sums written back in one transaction: a row a trigger
    adds meanwhile is not among those deleted and stays, and a row two readers both try to
    fold is deleted (and so summed) by one of them only.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    condition = " AND ".join(f"{connection.ops.quote_name(k)} = %s" for k in where) or "TRUE"
    sums: dict[tuple, int] = {}
    with transaction.atomic(), connection.cursor() as c:
        c.execute(
            f"DELETE FROM {table} WHERE {condition} RETURNING {', '.join(keys)}, n",
            list(where.values()),
        )
        for *key, n in c.fetchall():
            sums[tuple(key)] = sums.get(tuple(key), 0) + n
        model.objects.bulk_create(
            model(**where, **dict(zip(keys, key, strict=True)), n=n) for key, n in sums.items() if n
        )
    return sum(1 for n in sums.values() if n)
