from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def cells(row: Any, stages: list) -> list:
    """A dashboard row's (stage, figure, link) triples, in the stages' order."""
    return row.cells(stages)


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def percent_of(value: Any, total: Any) -> int:
    try:
        return round(100 * int(value or 0) / int(total)) if total else 0
    except (TypeError, ValueError):
        return 0


@register.filter
def public_rows(table: Any, regions: list) -> list:
    """A suppressed public table's (region, cells, row total) rows."""
    return table.rows(regions)
