"""Pages of follow-up visits, monitored units, outcomes and visit plans. Thin: parse, call one
service or selector, render.

The visit form answers JSON to the offline queue (visits-offline.js sends `Accept:
application/json`): 201 saved, 200 already saved (the same client key), 422 with the reasons
it was refused, each under its field; the same form posted without JavaScript gets pages.
"""

from __future__ import annotations

import hashlib
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from berdaya.accounts.models import User
from berdaya.accounts.roles import Role
from berdaya.accounts.scope import require
from berdaya.core.files import files_of
from berdaya.core.selectors import object_history
from berdaya.monitoring import outcomes, scheduling, selectors, visits
from berdaya.monitoring.forms import AssignForm, PlanForm, ReasonForm
from berdaya.monitoring.models import (
    BusinessStatus,
    FormKind,
    Improvement,
    MonitoredUnit,
    StopReason,
    UnitStatus,
    Visit,
)
from berdaya.programs.models import Program, ProgramYear
from berdaya.programs.targets import regencies


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _error(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def visible_regions(user):
    return [r for r in regencies() if user.can_read_region(r.code)]


def _region_param(request) -> str:
    code = (request.GET.get("region") or "").strip()
    if code and not request.user.can_read_region(code):
        raise Http404
    return code


def _program_year(request) -> ProgramYear | None:
    value = request.GET.get("py", "")
    if value.isdigit():
        return ProgramYear.objects.select_related("program").filter(pk=int(value)).first()
    return None


def _years_with_units():
    ids = MonitoredUnit.objects.values_list("program_year_id", flat=True).distinct()
    return list(ProgramYear.objects.filter(pk__in=ids).select_related("program"))


# --- The visit lists ---------------------------------------------------------------------------


@login_required
@require_GET
def index(request):
    """Visits overdue, due now and coming: a facilitator's own by default."""
    require(request.user, "monitoring.view")
    user = request.user
    is_facilitator = user.role == Role.FACILITATOR
    mine = is_facilitator and request.GET.get("all") != "1"
    py = _program_year(request)
    region = _region_param(request)
    q = request.GET.get("q", "").strip()
    lists = selectors.visit_lists(user, mine=mine, program_year=py, region=region, q=q)
    return render(
        request,
        "monitoring/index.html",
        {
            "lists": lists,
            "mine": mine,
            "is_facilitator": is_facilitator,
            "py": py,
            "years": _years_with_units(),
            "regions": visible_regions(user),
            "region": region,
            "q": q,
            "province": user.region_scope is None,
            "can_record": user.has_capability("visits.record"),
            "can_schedule": user.has_capability("monitoring.manage"),
            "offline": offline_context(request),
        },
    )


@login_required
@require_POST
def schedule(request):
    """The catch-up, by hand: start or repair the monitoring of every unit handed over."""
    require(request.user, "monitoring.manage")
    result = scheduling.visits_schedule(actor=request.user)
    messages.success(
        request,
        _(
            "%(units)s units checked: %(started)s started, %(changed)s repaired, "
            "%(visits)s visits scheduled."
        )
        % {
            "units": result.units,
            "started": result.started,
            "changed": result.changed,
            "visits": result.visits,
        },
    )
    return redirect("monitoring:index")


# --- Units ---------------------------------------------------------------------------------


@login_required
@require_GET
def units(request):
    require(request.user, "monitoring.view")
    qs = selectors.units_visible(request.user).exclude(closed_because="no_handover")
    py = _program_year(request)
    if py:
        qs = qs.filter(program_year=py)
    region = _region_param(request)
    if region:
        qs = qs.filter(region_id=region)
    status = request.GET.get("status", "")
    if status in UnitStatus.values:
        qs = qs.filter(status=status)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(name__icontains=q)
    if request.GET.get("mine") == "1":
        qs = qs.filter(facilitator=request.user)
    page = Paginator(qs.order_by("region_id", "name", "pk"), 50).get_page(request.GET.get("page"))
    latest = {}
    for v in Visit.objects.filter(
        unit__in=list(page.object_list), status=Visit.Status.DONE
    ).order_by("unit_id", "visited_on", "pk"):
        latest[v.unit_id] = v
    for u in page.object_list:
        u.latest = latest.get(u.pk)
    return render(
        request,
        "monitoring/units.html",
        {
            "page": page,
            "py": py,
            "years": _years_with_units(),
            "regions": visible_regions(request.user),
            "region": region,
            "status": status,
            "statuses": UnitStatus.choices,
            "q": q,
            "province": request.user.region_scope is None,
        },
    )


@login_required
@require_GET
def unit_detail(request, unit_id: int):
    require(request.user, "monitoring.view")
    unit = selectors.unit_get(request.user, unit_id)
    unit_visits = list(unit.visits.select_related("recorded_by").order_by("month", "pk"))
    win = selectors.windows()[unit.program_year.program_id]
    for v in unit_visits:
        if v.status == Visit.Status.SCHEDULED:
            v.state = selectors.visit_state(v, win)
        v.photos = files_of(v) if v.status == Visit.Status.DONE else []
    facilitators = User.objects.filter(
        role=Role.FACILITATOR, region_id=unit.region_id, is_active=True
    )
    referrals = list(selectors.referrals_visible(request.user).filter(unit=unit))
    return render(
        request,
        "monitoring/unit.html",
        {
            "unit": unit,
            "visits": unit_visits,
            "goods": visits.unit_goods(unit),
            "referrals": referrals,
            "exhibitions": list(unit.exhibitions.select_related("exhibition")),
            "assign_form": AssignForm(
                initial={"facilitator": unit.facilitator_id}, facilitators=facilitators
            ),
            "reason_form": ReasonForm(),
            "can_manage": request.user.has_capability("monitoring.manage"),
            "can_record": request.user.has_capability("visits.record"),
            "can_refer": request.user.has_capability("referrals.create"),
            "history": object_history("monitoring.monitoredunit", unit.pk),
            "offline": offline_context(request),
        },
    )


@login_required
@require_POST
def unit_assign(request, unit_id: int):
    require(request.user, "monitoring.manage")
    unit = selectors.unit_get(request.user, unit_id)
    form = AssignForm(
        request.POST,
        facilitators=User.objects.filter(
            role=Role.FACILITATOR, region_id=unit.region_id, is_active=True
        ),
    )
    if not form.is_valid():
        messages.error(request, _("Choose a facilitator of the unit's region."))
    else:
        pk = form.cleaned_data["facilitator"]
        facilitator = User.objects.filter(pk=pk).first() if pk else None
        try:
            visits.unit_assign(actor=request.user, unit=unit, facilitator=facilitator)
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Facilitator saved."))
    return redirect("monitoring:unit", unit_id=unit.pk)


@login_required
@require_POST
def unit_close(request, unit_id: int):
    require(request.user, "monitoring.manage")
    unit = selectors.unit_get(request.user, unit_id)
    try:
        visits.unit_close(actor=request.user, unit=unit, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The monitoring of %(name)s is closed.") % {"name": unit.name})
    return redirect("monitoring:unit", unit_id=unit.pk)


@login_required
@require_POST
def unit_reopen(request, unit_id: int):
    require(request.user, "monitoring.manage")
    unit = selectors.unit_get(request.user, unit_id)
    try:
        visits.unit_reopen(actor=request.user, unit=unit, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("%(name)s is followed again.") % {"name": unit.name})
    return redirect("monitoring:unit", unit_id=unit.pk)


# --- A visit -------------------------------------------------------------------------------


@login_required
@require_GET
def visit_detail(request, visit_id: int):
    require(request.user, "monitoring.view")
    visit = selectors.visit_get(request.user, visit_id)
    if visit.status == Visit.Status.SCHEDULED and request.user.has_capability("visits.record"):
        return redirect("monitoring:visit_record", visit_id=visit.pk)
    goods = {str(x["item"]): x for x in visits.unit_goods(visit.unit)}
    held = [{**goods[k], "held": v} for k, v in (visit.goods or {}).items() if k in goods]
    improvements = dict(Improvement.choices)
    return render(
        request,
        "monitoring/visit.html",
        {
            "visit": visit,
            "unit": visit.unit,
            "held": held,
            "improvements": [improvements.get(i, i) for i in visit.improvements or []],
            "photos": files_of(visit),
            "can_manage": request.user.has_capability("monitoring.manage"),
            "can_refer": request.user.has_capability("referrals.create"),
            "reason_form": ReasonForm(),
        },
    )


def _visit_values(request) -> dict:
    post = request.POST
    captured = parse_datetime(post.get("captured_at") or "") if post.get("captured_at") else None
    if captured is not None and (timezone.is_naive(captured) or captured > timezone.now()):
        captured = None
    return {
        "client_key": post.get("client_key", ""),
        "visited_on": post.get("visited_on", ""),
        "business_status": post.get("business_status", ""),
        "stop_reason": post.get("stop_reason", ""),
        "stop_note": post.get("stop_note", ""),
        "business_type": post.get("business_type", ""),
        "baseline_revenue": post.get("baseline_revenue"),
        "revenue": post.get("revenue"),
        "profit": post.get("profit"),
        "workers": post.get("workers"),
        "workers_poor": post.get("workers_poor"),
        "goods": {
            k[len("goods_") :]: v
            for k, v in post.items()
            if k.startswith("goods_") and k[len("goods_") :].isdigit()
        },
        "goods_in_use": post.get("goods_in_use"),
        "residents": post.get("residents"),
        "improvements": post.getlist("improvements"),
        "improvement_note": post.get("improvement_note", ""),
        "independent": post.get("independent"),
        "notes": post.get("notes", ""),
        "photos": request.FILES.getlist("photos"),
        "captured_at": captured,
    }


@login_required
@require_http_methods(["GET", "POST"])
def visit_record(request, visit_id: int):
    """The visit form, phone first; kept and sent from the phone's queue when offline."""
    require(request.user, "visits.record")
    visit = selectors.visit_get(request.user, visit_id)
    errors: list[str] = []
    field_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            visit, created = visits.visit_record(
                actor=request.user, visit=visit, **_visit_values(request)
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                field_errors = {
                    k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()
                }
                errors = [m for v in field_errors.values() for m in v]
            else:
                errors = list(exc.messages)
            if _wants_json(request):
                return JsonResponse(
                    {"status": "refused", "errors": errors, "fields": field_errors}, status=422
                )
        else:
            url = reverse("monitoring:unit", kwargs={"unit_id": visit.unit_id})
            if _wants_json(request):
                return JsonResponse(
                    {"status": "created" if created else "exists", "url": url, "visit": visit.pk},
                    status=201 if created else 200,
                )
            if created:
                messages.success(request, _("Visit of %(name)s saved.") % {"name": visit.unit.name})
            else:
                messages.info(request, _("This visit was already saved."))
            return redirect(url)
    unit = visit.unit
    if visit.status != Visit.Status.SCHEDULED and request.method == "GET":
        messages.info(
            request, _("This visit is %(status)s.") % {"status": visit.get_status_display().lower()}
        )
        return redirect("monitoring:visit", visit_id=visit.pk)
    from berdaya.programs.models import BusinessType

    win = selectors.windows()[unit.program_year.program_id]
    return render(
        request,
        "monitoring/visit_form.html",
        {
            "visit": visit,
            "unit": unit,
            "state": selectors.visit_state(visit, win),
            "goods": visits.unit_goods(unit),
            "kind": unit.form_kind,
            "kinds": FormKind,
            "statuses": BusinessStatus.choices,
            "reasons": StopReason.choices,
            "improvement_choices": Improvement.choices,
            "business_types": list(
                BusinessType.objects.filter(active=True).values_list("name", flat=True)
            ),
            "need_baseline": unit.baseline_revenue is None and unit.form_kind == FormKind.BUSINESS,
            "errors": errors,
            "field_errors": field_errors,
            "post": request.POST if request.method == "POST" else {},
            "chosen_improvements": request.POST.getlist("improvements")
            if request.method == "POST"
            else [],
            "client_key": request.POST.get("client_key") or uuid.uuid4(),
            "today": timezone.localdate(),
            "max_photos": visits.MAX_PHOTOS,
            "offline": offline_context(request),
        },
        status=422 if errors else 200,
    )


@login_required
@require_POST
def visit_cancel(request, visit_id: int):
    require(request.user, "monitoring.manage")
    visit = selectors.visit_get(request.user, visit_id)
    try:
        visits.visit_cancel(actor=request.user, visit=visit, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The visit is cancelled."))
    return redirect("monitoring:unit", unit_id=visit.unit_id)


# --- Outcomes ----------------------------------------------------------------------------------


def _filters(request) -> outcomes.Filters:
    program = (request.GET.get("program") or "").strip().upper()
    year = request.GET.get("year", "")
    region = _region_param(request)
    scope = [r.code for r in visible_regions(request.user)]
    return outcomes.Filters(
        program=program,
        year=int(year) if year.isdigit() else None,
        regions=[region] if region else scope,
        business_type=(request.GET.get("business_type") or "").strip(),
    )


def chart_data(summary: dict, region_names: dict[str, str]) -> dict:
    """What monitoring.js draws: plain numbers and translated labels, no markup."""
    statuses = dict(BusinessStatus.choices)
    reasons = dict(StopReason.choices)
    surv = summary["survival"]
    return {
        "lang": get_language() or "id",
        "survival": surv.as_dict(),
        "status_mix": [
            {"key": k, "name": str(statuses.get(k, _("Not visited yet"))), "value": v}
            for k, v in summary["status_mix"].items()
        ],
        "stop_reasons": [
            {"key": k, "name": str(reasons.get(k, k)), "value": v}
            for k, v in summary["stop_reasons"].items()
        ],
        "revenue": summary["revenue"],
        "by_business_type": [
            {
                "name": row["key"] or str(_("Not recorded")),
                "before": row["before_median"],
                "after": row["after_median"],
                "jobs": row["jobs"],
                "jobs_poor": row["jobs_poor"],
            }
            for row in summary["by_business_type"]
        ],
        "by_region": [
            {
                "name": region_names.get(row["key"], row["key"]),
                "survival_12": row["survival_12"],
                "units": row["units"],
                "independent": row["independent"],
            }
            for row in summary["by_region"]
        ],
        "labels": {
            "survival": str(_("Businesses still running")),
            "band": str(_("Confidence band (95 percent)")),
            "months": str(_("months after the goods were received")),
            "before": str(_("Before the assistance")),
            "after": str(_("At the latest visit")),
            "median": str(_("median monthly revenue")),
            "workers": str(_("Workers")),
            "workers_poor": str(_("from poor families")),
        },
    }


@login_required
@require_GET
def outcomes_view(request):
    require(request.user, "monitoring.view")
    filters = _filters(request)
    summary = outcomes.summary(filters)
    regions = visible_regions(request.user)
    names = {r.code: r.name for r in regions}
    for row in summary["by_region"]:
        row["name"] = names.get(row["key"], row["key"])
    programs = Program.objects.filter(
        pk__in=MonitoredUnit.objects.values("program_year__program")
    ).order_by("code")
    years = sorted(
        set(MonitoredUnit.objects.values_list("program_year__year", flat=True)), reverse=True
    )
    types = sorted(
        {t for t in MonitoredUnit.objects.values_list("business_type", flat=True).distinct() if t}
    )
    return render(
        request,
        "monitoring/outcomes.html",
        {
            "filters": filters,
            "summary": summary,
            "chart": chart_data(summary, names),
            "regions": regions,
            "region": request.GET.get("region", ""),
            "programs": programs,
            "years": years,
            "business_types": types,
            "province": request.user.region_scope is None,
            "statuses": dict(BusinessStatus.choices),
            "reasons": dict(StopReason.choices),
        },
    )


# --- Visit plans ---------------------------------------------------------------------------


@login_required
@require_GET
def plans(request):
    require(request.user, "monitoring.view")
    rows = [(p, scheduling.plan_for(p)) for p in Program.objects.filter(active=True)]
    return render(
        request,
        "monitoring/plans.html",
        {"rows": rows, "can_plan": request.user.has_capability("monitoring.plan")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, code: str):
    require(request.user, "monitoring.plan")
    program = Program.objects.filter(code=code).first()
    if program is None:
        raise Http404
    plan = scheduling.plan_for(program)
    if request.method == "POST":
        form = PlanForm(request.POST)
        if form.is_valid():
            try:
                scheduling.plan_save(actor=request.user, program=program, **form.cleaned_data)
            except ValidationError as exc:
                from berdaya.core.forms import apply_errors

                apply_errors(form, exc)
            else:
                messages.success(
                    request, _("The visit plan of %(code)s is saved.") % {"code": code}
                )
                return redirect("monitoring:plans")
    else:
        form = PlanForm(
            initial={
                "months": ", ".join(str(m) for m in plan.months),
                "window_days": plan.window_days,
                "form_kind": plan.form_kind,
            }
        )
    return render(request, "monitoring/plan_form.html", {"form": form, "program": program})


# --- Working without signal ----------------------------------------------------------------

SW_ASSETS = [
    "vendor/bootstrap-5.3.8/bootstrap.min.css",
    "vendor/bootstrap-5.3.8/bootstrap.bundle.min.js",
    "vendor/htmx-2.0.11/htmx.min.js",
    "berdaya/app.css",
    "berdaya/app.js",
    "berdaya/icon.svg",
    "berdaya/offline-queue.js",
    "berdaya/visits-offline.js",
]


def offline_context(request) -> dict:
    return {
        "sw": reverse("monitoring:service_worker"),
        "scope": reverse("monitoring:index"),
    }


@require_GET
def service_worker(request):
    """The visits' service worker. Public: it holds no data, only what to keep and how."""
    base = reverse("monitoring:index")
    body = render_to_string(
        "monitoring/sw.js",
        {
            "assets": [static(a) for a in SW_ASSETS],
            "offline_url": reverse("monitoring:offline"),
            "scope": base,
            "pages": [base, reverse("monitoring:offline")],
            "prefixes": [base + "kunjungan/", base + "penerima/"],
        },
    )
    version = hashlib.sha256(body.encode()).hexdigest()[:12]
    response = HttpResponse(
        body.replace("__VERSION__", version), content_type="text/javascript; charset=utf-8"
    )
    response["Cache-Control"] = "no-cache"
    return response


@login_required
@require_GET
def offline(request):
    """What waits on this phone to be sent; kept by the service worker, so it opens offline."""
    require(request.user, "monitoring.view")
    return render(request, "monitoring/offline.html", {"offline": offline_context(request)})
