from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def post_value(post: Any, prefix: str, key: Any, default: Any = "") -> Any:
    """The posted value of `prefix + key` (a form shown again), else the default."""
    if post and f"{prefix}{key}" in post:
        return post.get(f"{prefix}{key}")
    return default


@register.filter
def percent(value: Any) -> str:
    """0.8333 -> "83%"; None -> "—"."""
    if value is None:
        return "—"
    return f"{round(float(value) * 100)}%"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return (mapping or {}).get(key, "")
