"""Dashboards, the group list behind group figures, poverty indicators, the head of office's
PDF, and the public summary. Views parse, call one selector or service, and render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from berdaya.accounts.scope import require
from berdaya.core.exports import export_response
from berdaya.core.forms import apply_errors
from berdaya.core.models import AuditEvent
from berdaya.intake.selectors import current_program_year
from berdaya.regions.codes import PROVINCE_CODE
from berdaya.reports import indicators
from berdaya.reports.documents import head_report_response, report_years
from berdaya.reports.exports import dashboard_xlsx
from berdaya.reports.forms import IndicatorForm
from berdaya.reports.models import PovertyIndicator
from berdaya.reports.public import public_summary
from berdaya.reports.selectors import (
    Figures,
    dashboard,
    groups_list,
    overview,
    program_years_of,
    region_for,
    visible_regencies,
)


def _poverty_chart(codes: list[str] | None) -> dict:
    data = indicators.series(codes)
    year, rate = indicators.target_of(data)
    return {
        **data,
        "target": {"year": year, "rate": float(rate)},
        "labels": {"target": _("Target"), "empty": _("No official figures entered yet.")},
    }


@login_required
@require_GET
def dashboard_view(request):
    require(request.user, "reports.view")
    region = region_for(request.user, request.GET.get("region") or None)
    py = current_program_year(request)
    years = list(program_years_of())
    context = {
        "py": py,
        "years": years,
        "region": region,
        "regions": visible_regencies(request.user),
        "province": request.user.region_scope is None,
        "can_manage_indicators": request.user.has_capability("indicators.manage"),
    }
    if py is None:
        return render(request, "reports/dashboard.html", context)
    # One count of the year's programmes serves the dashboard and the overview.
    codes = [region.code] if region else [r.code for r in context["regions"]]
    fresh = request.GET.get("segar") == "1"
    figs = Figures(
        codes,
        [y for y in years if y.year == py.year],
        max_age=settings.REPORTS_CACHE_SECONDS,
        refresh=fresh,
    )
    board = dashboard(request.user, py, region, figs)
    if request.GET.get("format") == "xlsx":
        return dashboard_xlsx(user=request.user, board=board)
    poverty_codes = [region.code] if region else (None if context["province"] else codes)
    context.update(
        board=board,
        counted_at=figs.counted_at,
        cached=bool(figs.max_age),
        overview=overview(request.user, py.year, region, figs),
        chart={
            **board.chart_data(),
            "lang": get_language() or "id",
            "poverty": figs.kept(
                f"poverty:{get_language()}", lambda: _poverty_chart(poverty_codes)
            ),
        },
    )
    return render(request, "reports/dashboard.html", context)


@login_required
@require_GET
def group_list(request):
    """The groups behind a group programme's figures (KUBE): proposed, or by verdict."""
    require(request.user, "proposals.view")
    py = current_program_year(request)
    if py is None or py.program.unit != "group":
        raise Http404
    region = request.GET.get("region", "")
    if region and not any(r.code == region for r in visible_regencies(request.user)):
        raise Http404
    verdict = request.GET.get("verdict", "")
    if verdict not in ("", "eligible", "ineligible", "review", "pending"):
        verdict = ""
    qs = groups_list(request.user, py, region=region, verdict=verdict)
    if request.GET.get("format") == "xlsx":
        rows = (
            (
                str(g.uid),
                g.name,
                g.business_type,
                g.region_id,
                g.region.name,
                getattr(getattr(g, "verification", None), "verdict", "") or "",
                getattr(getattr(g, "verification", None), "members", 0) or 0,
            )
            for g in qs.iterator(chunk_size=500)
        )
        return export_response(
            user=request.user,
            name=f"kelompok-{py.program.code}-{py.year}",
            headers=[
                "UID",
                "KELOMPOK",
                "JENIS_USAHA",
                "KODE_WILAYAH",
                "WILAYAH",
                "PUTUSAN",
                "ANGGOTA",
            ],
            rows=rows,
            filters={"region": region, "verdict": verdict},
        )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/group_list.html",
        {
            "py": py,
            "page": page,
            "region": region,
            "verdict": verdict,
            "regions": visible_regencies(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def poverty(request):
    require(request.user, "reports.view")
    can_manage = request.user.has_capability("indicators.manage")
    form = IndicatorForm(request.POST or None, initial={"region": PROVINCE_CODE})
    if request.method == "POST":
        require(request.user, "indicators.manage")
        if form.is_valid():
            try:
                indicators.indicator_save(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The figure is saved."))
                return redirect("reports:poverty")
    visible = visible_regencies(request.user)
    codes = None if request.user.region_scope is None else [r.code for r in visible]
    figures = PovertyIndicator.objects.select_related("region", "updated_by").order_by(
        "-year", "kind", "region_id"
    )
    if codes is not None:
        figures = figures.filter(region_id__in=[PROVINCE_CODE, *codes])
    history = []
    if request.user.has_capability("audit.view") or can_manage:
        history = list(
            AuditEvent.objects.filter(object_type="reports.povertyindicator").order_by(
                "-at", "-id"
            )[:20]
        )
    return render(
        request,
        "reports/poverty.html",
        {
            "form": form if can_manage else None,
            "figures": figures,
            "chart": {"lang": get_language() or "id", "poverty": _poverty_chart(codes)},
            "target": indicators.province_target(),
            "history": history,
        },
    )


@login_required
@require_POST
def poverty_delete(request, indicator_id: int):
    require(request.user, "indicators.manage")
    indicator = get_object_or_404(PovertyIndicator, pk=indicator_id)
    indicators.indicator_delete(
        actor=request.user, indicator=indicator, reason=request.POST.get("reason", "")
    )
    messages.success(request, _("The figure is removed."))
    return redirect("reports:poverty")


@login_required
@require_GET
def head_report(request):
    require(request.user, "reports.view")
    years = report_years()
    try:
        year = int(request.GET.get("tahun") or (years[0] if years else 0))
    except ValueError:
        raise Http404 from None
    if year not in years:
        raise Http404
    region = region_for(request.user, request.GET.get("region") or None)
    return head_report_response(user=request.user, year=year, region=region)


@require_GET
def public(request):
    """The public summary: no sign-in, aggregates only, small counts suppressed."""
    raw = request.GET.get("tahun", "")
    year = int(raw) if raw.isdigit() and len(raw) == 4 else None
    summary = public_summary(year)
    return render(
        request,
        "reports/public.html",
        {
            "summary": summary,
            "chart": {"lang": get_language() or "id", "poverty": _poverty_chart(None)},
        },
    )
