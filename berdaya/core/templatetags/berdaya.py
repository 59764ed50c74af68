from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from berdaya.core.masking import mask_nik, mask_values

register = template.Library()


def format_rupiah(value: Any) -> str:
    """`5000000` -> `Rp5.000.000` (Indonesian) or `Rp5,000,000` (English). Money is integer."""
    if value is None or value == "":
        return ""
    amount = int(value)
    sep = "," if (get_language() or "id").startswith("en") else "."
    digits = f"{abs(amount):,}".replace(",", sep)
    return f"{'-' if amount < 0 else ''}Rp{digits}"


def format_number(value: Any) -> str:
    if value is None or value == "":
        return ""
    sep = "," if (get_language() or "id").startswith("en") else "."
    return f"{int(value):,}".replace(",", sep)


register.filter("rupiah", format_rupiah)
register.filter("number", format_number)


@register.filter
def masked(nik: str | None) -> str:
    return mask_nik(nik)


@register.filter
def masked_values(values):
    """An audit snapshot for display: `key: value` pairs, identity numbers masked."""
    if not values:
        return ""
    values = mask_values(values)
    if isinstance(values, dict):
        return "; ".join(f"{k}: {v}" for k, v in values.items())
    return str(values)


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for pagination and filters)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
