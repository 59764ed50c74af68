"""The menu: each app adds its entries here; an entry shows only to those who may use it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: Any  # a lazy translation
    url_name: str
    capability: str | None = None
    order: int = 100
    prefix: str = ""  # the path prefix that marks the entry active


_ITEMS: list[NavItem] = []
_PERSON_PANELS: list[Callable[[Any, Any], dict | None]] = []


def register_nav(item: NavItem) -> None:
    if item not in _ITEMS:
        _ITEMS.append(item)
        _ITEMS.sort(key=lambda i: i.order)


def nav_for(user: Any, path: str) -> list[dict[str, Any]]:
    items = []
    for item in _ITEMS:
        if item.capability and not user.has_capability(item.capability):
            continue
        url = reverse(item.url_name)
        prefix = item.prefix or url
        active = path == "/" if prefix == "/" else path.startswith(prefix)
        items.append({"label": item.label, "url": url, "active": active})
    return items


def register_person_panel(fn: Callable[[Any, Any], dict | None]) -> None:
    """Later stages (proposals, decrees, handovers, visits) add their part of a person's page.

    A panel is `fn(user, person) -> {"title": ..., "template": ..., **context}` or None.
    """
    if fn not in _PERSON_PANELS:
        _PERSON_PANELS.append(fn)


def person_panels(user: Any, person: Any) -> list[dict]:
    return [p for p in (fn(user, person) for fn in _PERSON_PANELS) if p]


_HOME_CARDS: list[Callable[[Any], dict | None]] = []


def register_home_card(fn: Callable[[Any], dict | None]) -> None:
    """Apps add what the home page shows: `fn(user) -> {"template": ..., **context}` or None."""
    if fn not in _HOME_CARDS:
        _HOME_CARDS.append(fn)


def home_cards(user: Any) -> list[dict]:
    return [c for c in (fn(user) for fn in _HOME_CARDS) if c]
