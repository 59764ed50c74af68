from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from berdaya.core.audit import audit_record
from berdaya.core.exports import export_response
from berdaya.core.files import stored_file_for_user
from berdaya.core.forms import StyledFormMixin
from berdaya.core.selectors import audit_events


@login_required
def home(request):
    from berdaya.core.dashboard import home_context

    return render(request, "core/home.html", home_context(request.user))


class AuditFilterForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label=_("User"), required=False)
    action = forms.CharField(label=_("Action"), required=False)
    object_type = forms.CharField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


@login_required
@require_GET
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_events(request.user, **{k: v for k, v in filters.items() if v})
    if request.GET.get("format") == "xlsx":
        rows = (
            (
                e.at.isoformat(),
                e.actor_username,
                e.action,
                e.object_type,
                e.object_id,
                e.object_repr,
                e.region_code,
                str(e.before or ""),
                str(e.after or ""),
                e.ip or "",
                e.note,
            )
            for e in events.iterator()
        )
        return export_response(
            user=request.user,
            name="audit",
            fmt="xlsx",
            headers=[
                "time",
                "user",
                "action",
                "object_type",
                "object_id",
                "object",
                "region",
                "before",
                "after",
                "ip",
                "note",
            ],
            rows=rows,
            filters={k: str(v) for k, v in filters.items() if v},
        )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", {"form": form, "page": page})


@login_required
@require_GET
def file_download(request, file_id):
    stored = stored_file_for_user(request.user, file_id)
    audit_record(
        actor=request.user,
        action="file.download",
        object_type="core.storedfile",
        object_id=str(stored.pk),
        object_repr=stored.original_name,
        region_code=stored.region_code,
    )
    inline = stored.content_type.startswith("image/") or stored.content_type == "application/pdf"
    return FileResponse(
        stored.file.open("rb"),
        content_type=stored.content_type,
        as_attachment=not inline,
        filename=stored.original_name,
    )
