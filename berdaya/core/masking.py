"""NIK masking by role. Lists show masked NIKs; a full record is opened on purpose, and logged."""

from __future__ import annotations

from typing import Any


def mask_nik(nik: str | None) -> str:
    """`6472011203840001` -> `6472********0001`; other lengths keep at most 2 + 2 characters."""
    value = (nik or "").strip()
    if not value:
        return ""
    if len(value) == 16:
        return value[:4] + "*" * 8 + value[-4:]
    if len(value) <= 4:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 4) + value[-2:]


def can_see_full_nik(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_capability("nik.reveal")


def nik_for(user: Any, nik: str | None, *, revealed: bool = False) -> str:
    """The NIK as this user may see it on this page: masked unless revealed by a logged action."""
    if revealed and can_see_full_nik(user):
        return nik or ""
    return mask_nik(nik)


# Keys of audit snapshots whose values are identity numbers: shown masked on every page.
SENSITIVE_KEYS = frozenset({"nik", "kk", "no_kk", "register_nik", "NIK", "NO_KK"})


def mask_values(values: Any) -> Any:
    """A copy of an audit snapshot with identity numbers masked, for display and export."""
    if isinstance(values, dict):
        return {
            k: mask_nik(str(v)) if k in SENSITIVE_KEYS and v else mask_values(v)
            for k, v in values.items()
        }
    if isinstance(values, list):
        return [mask_values(v) for v in values]
    return values
