from __future__ import annotations

from typing import Any

from django import template

from berdaya.allocation.ranking import COMPONENTS
from berdaya.allocation.terbilang import rupiah_in_words

register = template.Library()


@register.filter
def in_words(value: Any) -> str:
    """A rupiah total in Indonesian words, as the decree writes it."""
    return rupiah_in_words(int(value or 0))


@register.filter
def component_label(key: str) -> str:
    return str(COMPONENTS.get(key, (key,))[0])


@register.filter
def percent_of(part: Any, whole: Any) -> int:
    try:
        return min(100, round(100 * int(part) / int(whole))) if int(whole) else 0
    except (TypeError, ValueError):
        return 0


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None
