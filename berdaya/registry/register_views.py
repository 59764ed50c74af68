"""Pages of the national register: imports (province admins) and their progress."""

from __future__ import annotations

import os
import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from berdaya.accounts.scope import require, scoped
from berdaya.core.audit import audit_record
from berdaya.core.files import check_upload_size
from berdaya.core.forms import StyledFormMixin
from berdaya.linkage.names import normalize_name
from berdaya.registry.columns import CellError
from berdaya.registry.models import RegisterImport, RegisterRecord
from berdaya.registry.register_import import register_import_create
from berdaya.registry.tasks import register_import_task

# Register extracts are large: their own limit, above the one for documents.


class RegisterUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=gettext_lazy("DTKS/DTSEN extract (CSV or XLSX)"))
    region = forms.CharField(
        label=gettext_lazy("Only this regency/city (optional)"), required=False, max_length=13
    )


SEARCH_LIMIT = 50


@login_required
@require_GET
def register_search(request):
    """Look a person up in the register before proposing them (within the user's region)."""
    require(request.user, "register.view")
    q = (request.GET.get("q") or "").strip()
    results = []
    if q:
        qs = scoped(RegisterRecord.objects.all(), request.user)
        digits = q.replace(" ", "")
        if digits.isdigit():
            qs = qs.filter(nik__startswith=digits) if len(digits) >= 6 else qs.none()
        else:
            qs = qs.filter(name_norm__contains=normalize_name(q))
        results = list(qs.order_by("-present", "name_norm", "pk")[:SEARCH_LIMIT])
    return render(
        request,
        "registry/register_search.html",
        {
            "q": q,
            "results": results,
            "limit": SEARCH_LIMIT,
            "can_import": request.user.has_capability("register.import"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def register_index(request):
    require(request.user, "register.import")
    form = RegisterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_upload_size(upload, settings.REGISTER_MAX_BYTES)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            folder = settings.VAR_DIR / "private" / "register"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{uuid.uuid4().hex}-{os.path.basename(upload.name)[:80]}"
            with open(path, "wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                run = register_import_create(
                    actor=request.user,
                    path=str(path),
                    file_name=upload.name,
                    region=form.cleaned_data["region"],
                )
            except CellError as exc:
                form.add_error("region", str(exc))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                register_import_task.enqueue(run.pk)
                messages.success(
                    request, _("The extract is being loaded; this page shows its progress.")
                )
                return redirect("registry:register_import", import_id=run.pk)
    imports = Paginator(RegisterImport.objects.select_related("started_by"), 20).get_page(
        request.GET.get("page")
    )
    stats = {
        "present": RegisterRecord.objects.filter(present=True).count(),
        "left": RegisterRecord.objects.filter(present=False).count(),
        "invalid": RegisterRecord.objects.filter(present=True, nik_valid=False).count(),
        "duplicate": RegisterRecord.objects.filter(present=True, nik_duplicate=True).count(),
        "deceased": RegisterRecord.objects.filter(present=True, life_status="MENINGGAL").count(),
    }
    return render(
        request, "registry/register_index.html", {"form": form, "imports": imports, "stats": stats}
    )


@login_required
@require_GET
def register_import_detail(request, import_id: int):
    require(request.user, "register.import")
    run = get_object_or_404(RegisterImport.objects.select_related("started_by"), pk=import_id)
    template = (
        "registry/_import_status.html"
        if request.headers.get("HX-Request")
        else "registry/register_import.html"
    )
    return render(request, template, {"run": run})


@login_required
@require_GET
def register_import_report(request, import_id: int):
    require(request.user, "register.import")
    run = get_object_or_404(RegisterImport, pk=import_id)
    audit_record(
        actor=request.user,
        action="export",
        object_type="registry.registerimport",
        object_id=str(run.pk),
        object_repr=run.file_name,
        after={"rows": run.rows_refused, "format": "csv", "kind": "refused rows"},
    )
    response = HttpResponse("\ufeff" + run.refused_report, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="baris-ditolak-{run.pk}.csv"'
    return response
