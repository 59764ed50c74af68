from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from berdaya.accounts.scope import require
from berdaya.regions.codes import normalize_code
from berdaya.regions.models import Region
from berdaya.regions.selectors import province_regencies, region_children


@login_required
@require_GET
def region_index(request):
    """Region codes are public reference data: every signed-in user may look them up."""
    require(request.user, "regions.view")
    q = (request.GET.get("q") or "").strip()
    results = []
    if q:
        code = normalize_code(q)
        if code:
            results = list(Region.objects.filter(code__startswith=code).order_by("code")[:50])
        else:
            results = list(
                Region.objects.filter(name__icontains=q, code__startswith="64")
                .select_related("parent")
                .order_by("code")[:50]
            )
    return render(
        request,
        "regions/index.html",
        {"regencies": province_regencies(), "q": q, "results": results},
    )


@login_required
@require_GET
def region_detail(request, region_code: str):
    require(request.user, "regions.view")
    code = normalize_code(region_code)
    try:
        region = Region.objects.select_related("parent").get(code=code)
    except Region.DoesNotExist:
        raise Http404 from None
    trail = []
    node = region
    while node is not None:
        trail.insert(0, node)
        node = node.parent
    return render(
        request,
        "regions/detail.html",
        {"region": region, "trail": trail, "children": region_children(region)},
    )
