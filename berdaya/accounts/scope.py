"""The region scope, applied in one place: every selector filters through these functions."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)


def scope_q(user: Any, field: str) -> Q | None:
    """A filter on a regency-code field for the user's scope; None means no restriction."""
    scope = user.region_scope if user.is_authenticated else ""
    if scope is None:
        return None
    if not scope:
        return Q(pk__in=[])
    return Q(**{field: scope})


def scoped(qs: QuerySet[M], user: Any, field: str | None = None) -> QuerySet[M]:
    """Restrict a queryset to the user's region. The model names its field `region_scope_field`."""
    field = field or qs.model.region_scope_field  # type: ignore[attr-defined]
    q = scope_q(user, field)
    return qs if q is None else qs.filter(q)


def get_scoped_or_404(qs: QuerySet[M], user: Any, **lookup: Any) -> M:
    """Not yours and not there give the same 404."""
    try:
        return scoped(qs, user).get(**lookup)
    except (qs.model.DoesNotExist, ValueError):
        raise Http404 from None


def require(user: Any, capability: str) -> None:
    if not user.is_authenticated or not user.has_capability(capability):
        raise PermissionDenied(capability)


def require_region(user: Any, region_code: str | None) -> None:
    """A write into a region the user does not hold answers 404 (it is not theirs to know)."""
    if not user.can_read_region(region_code):
        raise Http404
