from __future__ import annotations

from typing import Any

from berdaya.core.navigation import home_cards


def home_context(user: Any) -> dict[str, Any]:
    return {"cards": home_cards(user)}
