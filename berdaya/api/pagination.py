"""Page-numbered lists for every router of the API (set as NINJA_PAGINATION_CLASS)."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.conf import settings
from ninja.pagination import PaginationBase

# Past this a page number is a mistake, not a page (and an offset that overflows a bigint).
MAX_PAGE = 100_000


class Pagination(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int = Field(
            settings.PAGINATION_PER_PAGE, ge=1, le=settings.PAGINATION_MAX_PER_PAGE_SIZE
        )

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        page_size: int

    def paginate_queryset(self, queryset, pagination: Input, request, **params: Any) -> Any:
        offset = (pagination.page - 1) * pagination.page_size
        return {
            "items": queryset[offset : offset + pagination.page_size],
            "count": self._items_count(queryset),
            "page": pagination.page,
            "page_size": pagination.page_size,
        }
