from __future__ import annotations

from django.db.models import Count, QuerySet

from berdaya.regions.codes import PROVINCE_CODE
from berdaya.regions.models import Region


def province_regencies(province: str = PROVINCE_CODE) -> QuerySet[Region]:
    """The current regencies/cities of the province, with their district and village counts."""
    return (
        Region.objects.filter(parent_id=province, level=Region.Level.REGENCY, historical=False)
        .annotate(n_children=Count("children"))
        .order_by("code")
    )


def region_children(region: Region) -> QuerySet[Region]:
    return region.children.annotate(n_children=Count("children")).order_by("code")


def villages_of(regency_code: str) -> QuerySet[Region]:
    return Region.objects.filter(
        level=Region.Level.VILLAGE, code__startswith=regency_code + "."
    ).order_by("code")
