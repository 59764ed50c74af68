"""Pages of the distribution stage. Thin: parse, call one service or selector, render.

The attendance and handover forms answer JSON to the offline queue (offline.js sends
`Accept: application/json`): 201 created, 200 already there (the same client key), 422 with
the reasons it was refused; the same form posted by a browser without JavaScript gets pages.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from berdaya.accounts.scope import require
from berdaya.allocation.models import Allocation
from berdaya.core.audit import audit_record
from berdaya.core.forms import apply_errors
from berdaya.core.selectors import object_history
from berdaya.distribution import documents, procurement, selectors, services
from berdaya.distribution.forms import (
    DeliveryForm,
    NewSessionForm,
    ProcurementForm,
    ReasonForm,
    SessionForm,
    SheetForm,
)
from berdaya.distribution.models import Handover, Participant, UnitPackage
from berdaya.distribution.units import trained_ids, unit_info
from berdaya.programs.models import GoodsItem, GoodsPackage, ProgramYear


def _error(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _program_year(code: str, year: int) -> ProgramYear:
    try:
        return ProgramYear.objects.select_related("program").get(program__code=code, year=year)
    except ProgramYear.DoesNotExist:
        raise Http404 from None


def _pdf(request, data: bytes, name: str, obj_type: str, obj_id: str, region: str, **after):
    audit_record(
        actor=request.user,
        action="export",
        object_type=obj_type,
        object_id=obj_id,
        object_repr=name,
        region_code=region,
        after={"format": "pdf", **after},
    )
    return FileResponse(
        io.BytesIO(data), as_attachment=True, filename=name, content_type="application/pdf"
    )


def _quantities(post, prefix: str = "qty_") -> dict[int, int]:
    out = {}
    for key, value in post.items():
        if key.startswith(prefix) and key[len(prefix) :].isdigit():
            value = (value or "").strip()
            if value:
                try:
                    out[int(key[len(prefix) :])] = int(value)
                except ValueError:
                    raise ValidationError(_("A quantity is a whole number.")) from None
    return out


# --- Progress and units --------------------------------------------------------------------


@login_required
@require_GET
def index(request):
    require(request.user, "distribution.view")
    py = selectors.current_year(request)
    rows = selectors.progress(request.user, py) if py else []
    return render(
        request,
        "distribution/index.html",
        {
            "py": py,
            "years": selectors.distribution_years(),
            "rows": rows,
            "total": selectors.progress_total(rows) if rows else None,
            "warn_days": selectors.WARN_DAYS,
        },
    )


@login_required
@require_GET
def units(request, code: str, year: int, region: str):
    require(request.user, "distribution.view")
    py = _program_year(code, year)
    region_obj = selectors.region_get(request.user, region)
    rows = selectors.unit_rows(request.user, py, region_obj)
    status = request.GET.get("status", "")
    if status == "untrained":
        rows = [r for r in rows if not r.trained]
    elif status in ("pending", "partial", "complete"):
        rows = [r for r in rows if r.status == status]
    return render(
        request,
        "distribution/units.html",
        {
            "py": py,
            "region": region_obj,
            "rows": rows,
            "status": status,
            "packages": GoodsPackage.objects.filter(program_year=py, active=True),
            "can_packages": request.user.has_capability("packages.manage"),
            "can_record": request.user.has_capability("handover.record"),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def units_package(request, code: str, year: int, region: str):
    require(request.user, "packages.manage")
    py = _program_year(code, year)
    region_obj = selectors.region_get(request.user, region)
    package = GoodsPackage.objects.filter(
        program_year=py, pk=request.POST.get("package") or 0
    ).first()
    ids = [int(i) for i in request.POST.getlist("unit") if i.isdigit()]
    if package is None:
        messages.error(request, _("Choose a package."))
    else:
        try:
            n = services.unit_packages_assign(
                actor=request.user,
                program_year=py,
                region=region_obj,
                package=package,
                allocation_ids=ids or None,
            )
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(
                request,
                _("%(n)s units received the package %(name)s.") % {"n": n, "name": package.name},
            )
    return redirect("distribution:units", code=code, year=year, region=region)


@login_required
@require_GET
def unit_detail(request, allocation_id: int):
    require(request.user, "distribution.view")
    allocation = selectors.allocation_get(request.user, allocation_id)
    package = UnitPackage.objects.filter(allocation=allocation).first()
    py = allocation.program_year
    return render(
        request,
        "distribution/unit.html",
        {
            "a": allocation,
            "py": py,
            "info": unit_info(allocation),
            "package": package,
            "remainder": allocation.value - package.total if package else None,
            "lines": list(package.lines.select_related("item")) if package else [],
            "problems": services.handover_problems(allocation),
            "trained": bool(trained_ids([allocation.pk])),
            "attendance": Participant.objects.filter(allocation=allocation)
            .select_related("session")
            .order_by("-session__starts_on"),
            "handovers": Handover.objects.filter(allocation=allocation).order_by(
                "-handed_on", "-pk"
            ),
            "packages": GoodsPackage.objects.filter(program_year=py, active=True),
            "items": GoodsItem.objects.filter(active=True),
            "can_packages": request.user.has_capability("packages.manage"),
            "can_record": request.user.has_capability("handover.record"),
        },
    )


@login_required
@require_POST
def unit_package(request, allocation_id: int):
    require(request.user, "packages.manage")
    allocation = selectors.allocation_get(request.user, allocation_id)
    try:
        source = None
        if request.POST.get("package"):
            source = GoodsPackage.objects.filter(
                pk=request.POST["package"], program_year=allocation.program_year
            ).first()
            if source is None:
                raise ValidationError(_("Choose a package."))
            services.unit_package_set(actor=request.user, allocation=allocation, source=source)
        else:
            qty = _quantities(request.POST)
            items = GoodsItem.objects.in_bulk(list(qty))
            services.unit_package_set(
                actor=request.user,
                allocation=allocation,
                lines=[(items[i], q) for i, q in qty.items() if i in items],
            )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Package saved."))
    return redirect("distribution:unit", allocation_id=allocation_id)


# --- Handover --------------------------------------------------------------------------------


def py_allows_early(allocation: Allocation) -> bool:
    return allocation.program_year.handover_before_training


def _handover_from_post(request, allocation: Allocation) -> tuple[Handover, bool]:
    post = request.POST
    captured = parse_datetime(post.get("captured_at") or "")
    if captured is not None and (timezone.is_naive(captured) or captured > timezone.now()):
        captured = None
    handed_on = parse_date(post.get("handed_on") or "")
    if handed_on is None:
        raise ValidationError({"handed_on": _("Enter a valid date.")})
    return services.handover_record(
        actor=request.user,
        allocation=allocation,
        client_key=post.get("client_key"),
        handed_on=handed_on,
        place=post.get("place", ""),
        quantities=_quantities(post),
        photo=request.FILES.get("photo"),
        receiver_id=int(post["receiver"]) if post.get("receiver", "").isdigit() else None,
        receiver_name=post.get("receiver_name", ""),
        receiver_role=post.get("receiver_role", ""),
        witness_name=post.get("witness_name", ""),
        officer_title=post.get("officer_title", ""),
        latitude=post.get("latitude") or None,
        longitude=post.get("longitude") or None,
        gps_accuracy=post.get("gps_accuracy") or None,
        notes=post.get("notes", ""),
        captured_at=captured,
    )


@login_required
@require_http_methods(["GET", "POST"])
def handover_new(request, allocation_id: int):
    require(request.user, "handover.record")
    allocation = selectors.allocation_get(request.user, allocation_id)
    errors: list[str] = []
    field_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            handover, created = _handover_from_post(request, allocation)
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
            url = reverse("distribution:handover", kwargs={"handover_id": handover.pk})
            if _wants_json(request):
                return JsonResponse(
                    {
                        "status": "created" if created else "exists",
                        "number": handover.number,
                        "url": url,
                        "partial": handover.partial,
                    },
                    status=201 if created else 200,
                )
            if created:
                messages.success(
                    request, _("Handover %(number)s recorded.") % {"number": handover.number}
                )
            else:
                messages.info(
                    request,
                    _("This handover was already recorded as %(number)s.")
                    % {"number": handover.number},
                )
            return redirect(url)
    package = UnitPackage.objects.filter(allocation=allocation).first()
    info = unit_info(allocation)
    return render(
        request,
        "distribution/handover_form.html",
        {
            "a": allocation,
            "py": allocation.program_year,
            "info": info,
            "package": package,
            "lines": [x for x in package.lines.select_related("item")] if package else [],
            "blockers": services.handover_problems(allocation, training=False),
            "trained": bool(trained_ids([allocation.pk])) or py_allows_early(allocation),
            "errors": errors,
            "field_errors": field_errors,
            "post": request.POST if request.method == "POST" else {},
            "client_key": uuid.uuid4(),
            "today": timezone.localdate(),
        },
        status=422 if errors else 200,
    )


@login_required
@require_GET
def handover_list(request):
    require(request.user, "distribution.view")
    qs = selectors.handovers_visible(request.user)
    py = request.GET.get("py", "")
    if py.isdigit():
        qs = qs.filter(program_year_id=int(py))
    region = request.GET.get("region", "")
    if region:
        qs = qs.filter(region_id=region)
    day = parse_date(request.GET.get("date") or "")
    if day:
        qs = qs.filter(handed_on=day)
    qs = qs.filter(selectors.q_search(request.GET.get("q", "")))
    page = Paginator(qs.order_by("-handed_on", "-pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "distribution/handover_list.html",
        {
            "page": page,
            "years": selectors.distribution_years(),
            "regions": selectors.visible_regions(request.user),
        },
    )


@login_required
@require_GET
def handover_detail(request, handover_id: int):
    require(request.user, "distribution.view")
    handover = selectors.handover_get(request.user, handover_id)
    return render(
        request,
        "distribution/handover_detail.html",
        {
            "h": handover,
            "lines": handover.lines.select_related("item"),
            "info": unit_info(handover.allocation),
            "can_void": request.user.has_capability("handover.void") and not handover.voided,
            "void_form": ReasonForm(),
            "history": object_history("distribution.handover", handover.pk, limit=20),
        },
    )


@login_required
@require_GET
def handover_pdf(request, handover_id: int):
    require(request.user, "distribution.view")
    h = selectors.handover_get(request.user, handover_id)
    name = h.number.replace("/", "-") + ".pdf"
    return _pdf(
        request,
        documents.bast_pdf(h),
        name,
        "distribution.handover",
        str(h.pk),
        h.region_id,
        status=h.status,
    )


@login_required
@require_POST
def handover_void(request, handover_id: int):
    require(request.user, "handover.void")
    h = selectors.handover_get(request.user, handover_id)
    try:
        services.handover_void(
            actor=request.user, handover=h, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Handover %(number)s voided.") % {"number": h.number})
    return redirect("distribution:handover", handover_id=handover_id)


@login_required
@require_GET
def batch_pdf(request, code: str, year: int, region: str):
    """The collective BAST of a region for a day (`date`) or a period (`from`, `to`)."""
    require(request.user, "distribution.view")
    py = _program_year(code, year)
    region_obj = selectors.region_get(request.user, region)
    day = parse_date(request.GET.get("date") or "")
    start = parse_date(request.GET.get("from") or "") or day or timezone.localdate()
    end = parse_date(request.GET.get("to") or "") or day or start
    if end < start or (end - start) > dt.timedelta(days=366):
        raise Http404
    handovers = selectors.batch_handovers(request.user, py, region_obj, start, end)
    period = start.isoformat() if start == end else f"{start.isoformat()} – {end.isoformat()}"
    data = documents.batch_bast_pdf(
        py, region_obj, handovers, period, officer=request.user.display_name
    )
    name = f"BAST-{code}-{year}-{region}-{start.isoformat()}"
    name += f"-{end.isoformat()}.pdf" if end != start else ".pdf"
    return _pdf(
        request,
        data,
        name,
        "distribution.batch",
        f"{py.pk}:{region}",
        region,
        count=len(handovers),
        start=start,
        end=end,
    )


# --- Bimtek ------------------------------------------------------------------------------


@login_required
@require_GET
def session_list(request):
    require(request.user, "distribution.view")
    qs = selectors.sessions_visible(request.user)
    py = request.GET.get("py", "")
    if py.isdigit():
        qs = qs.filter(program_year_id=int(py))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "distribution/session_list.html",
        {
            "page": page,
            "can_manage": request.user.has_capability("training.manage"),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request):
    require(request.user, "training.manage")
    years = selectors.distribution_years()
    regions = selectors.visible_regions(request.user)
    form = NewSessionForm(
        request.POST or None,
        years=years,
        regions=regions,
        initial={"region": request.GET.get("region"), "program_year": request.GET.get("py")},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        py = next((y for y in years if y.pk == data.pop("program_year")), None)
        region = data.pop("region")
        try:
            if py is None:
                raise ValidationError({"program_year": _("Choose a programme year.")})
            session = services.session_create(
                actor=request.user, program_year=py, region=region, **data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Session created. Invite the units of the decree."))
            return redirect("distribution:session", session_id=session.pk)
    return render(request, "distribution/session_form.html", {"form": form, "session": None})


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, session_id: int):
    require(request.user, "training.manage")
    session = selectors.session_get(request.user, session_id)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(actor=request.user, session=session, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Session saved."))
            return redirect("distribution:session", session_id=session.pk)
    return render(request, "distribution/session_form.html", {"form": form, "session": session})


@login_required
@require_GET
def session_detail(request, session_id: int):
    require(request.user, "distribution.view")
    session = selectors.session_get(request.user, session_id)
    participants = list(
        session.participants.select_related("proposal", "allocation__group").order_by("name", "pk")
    )
    return render(
        request,
        "distribution/session_detail.html",
        {
            "s": session,
            "participants": participants,
            "attended": sum(1 for p in participants if p.status == Participant.Status.ATTENDED),
            "can_manage": request.user.has_capability("training.manage"),
            "can_mark": request.user.has_capability("training.attendance"),
            "started": session.starts_on <= timezone.localdate(),
            "sheet_form": SheetForm(),
            "cancel_form": ReasonForm(),
            "history": object_history("distribution.trainingsession", session.pk, limit=20),
        },
    )


@login_required
@require_POST
def session_invite(request, session_id: int):
    require(request.user, "training.manage")
    session = selectors.session_get(request.user, session_id)
    ids = [int(i) for i in request.POST.getlist("unit") if i.isdigit()]
    try:
        n = services.session_invite(actor=request.user, session=session, allocation_ids=ids or None)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("%(n)s people invited.") % {"n": n})
    return redirect("distribution:session", session_id=session_id)


@login_required
@require_POST
def session_attendance(request, session_id: int):
    require(request.user, "training.attendance")
    session = selectors.session_get(request.user, session_id)
    marks = {}
    for key, value in request.POST.items():
        if key.startswith("p_") and key[2:].isdigit():
            marks[int(key[2:])] = value
    via = request.POST.get("via", Participant.Via.PHONE)
    try:
        n = services.attendance_mark(actor=request.user, session=session, marks=marks, via=via)
    except ValidationError as exc:
        if _wants_json(request):
            return JsonResponse({"status": "refused", "errors": exc.messages}, status=422)
        _error(request, exc)
    else:
        if _wants_json(request):
            return JsonResponse({"status": "saved", "changed": n}, status=200)
        messages.success(request, _("Attendance saved (%(n)s changes).") % {"n": n})
    return redirect("distribution:session", session_id=session_id)


@login_required
@require_POST
def session_sheet(request, session_id: int):
    require(request.user, "training.attendance")
    session = selectors.session_get(request.user, session_id)
    form = SheetForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the file of the signed sheet."))
    else:
        try:
            services.attendance_sheet_upload(
                actor=request.user, session=session, upload=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Signed sheet saved. Mark the attendance it shows."))
    return redirect("distribution:session", session_id=session_id)


@login_required
@require_POST
def session_cancel(request, session_id: int):
    require(request.user, "training.manage")
    session = selectors.session_get(request.user, session_id)
    try:
        services.session_cancel(
            actor=request.user, session=session, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Session cancelled."))
    return redirect("distribution:session", session_id=session_id)


@login_required
@require_GET
def session_pdf(request, session_id: int):
    require(request.user, "distribution.view")
    s = selectors.session_get(request.user, session_id)
    name = f"daftar-hadir-bimtek-{s.program_year.program.code}-{s.region_id}-{s.starts_on}.pdf"
    return _pdf(
        request,
        documents.attendance_pdf(s),
        name,
        "distribution.trainingsession",
        str(s.pk),
        s.region_id,
    )


# --- Procurement -------------------------------------------------------------------------


@login_required
@require_GET
def procurement_list(request):
    require(request.user, "distribution.view")
    qs = selectors.procurement_visible(request.user)
    py = selectors.current_year(request)
    stock = []
    region = request.GET.get("region", "")
    if py and region and request.user.can_read_region(region):
        stock = procurement.stock(py, region)
    return render(
        request,
        "distribution/procurement_list.html",
        {
            "page": Paginator(qs, 50).get_page(request.GET.get("page")),
            "py": py,
            "region": region,
            "stock": stock,
            "regions": selectors.visible_regions(request.user),
            "can_manage": request.user.has_capability("procurement.manage"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def procurement_new(request):
    require(request.user, "procurement.manage")
    years = selectors.distribution_years() or list(
        ProgramYear.objects.select_related("program").order_by("-year")[:10]
    )
    regions = selectors.visible_regions(request.user)
    form = ProcurementForm(request.POST or None, years=years, regions=regions)
    items = GoodsItem.objects.filter(active=True)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        py = next((y for y in years if y.pk == data.pop("program_year")), None)
        try:
            batch = procurement.procurement_create(
                actor=request.user, program_year=py, quantities=_quantities(request.POST), **data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Order recorded."))
            return redirect("distribution:procurement_batch", procurement_id=batch.pk)
    return render(
        request,
        "distribution/procurement_form.html",
        {"form": form, "items": items, "post": request.POST},
    )


@login_required
@require_GET
def procurement_detail(request, procurement_id: int):
    require(request.user, "distribution.view")
    batch = selectors.procurement_get(request.user, procurement_id)
    return render(
        request,
        "distribution/procurement_detail.html",
        {
            "b": batch,
            "lines": batch.lines.select_related("item"),
            "deliveries": batch.deliveries.select_related("document"),
            "form": DeliveryForm(
                initial={"delivered_on": timezone.localdate(), "location": batch.location}
            ),
            "can_manage": request.user.has_capability("procurement.manage"),
            "history": object_history("distribution.procurementbatch", batch.pk, limit=20),
        },
    )


@login_required
@require_POST
def procurement_delivery(request, procurement_id: int):
    require(request.user, "procurement.manage")
    batch = selectors.procurement_get(request.user, procurement_id)
    form = DeliveryForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(m for v in form.errors.values() for m in v))
    else:
        try:
            procurement.delivery_record(
                actor=request.user,
                batch=batch,
                quantities=_quantities(request.POST),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Delivery recorded."))
    return redirect("distribution:procurement_batch", procurement_id=procurement_id)
