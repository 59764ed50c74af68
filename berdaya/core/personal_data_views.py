"""The data-subject request page: a person asks what Berdaya holds about them (UU 27/2022)."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from berdaya.accounts.scope import require
from berdaya.core.audit import audit_record
from berdaya.core.exports import build_workbook
from berdaya.core.forms import StyledFormMixin
from berdaya.core.masking import mask_nik
from berdaya.core.personal_data import collect

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RequestForm(StyledFormMixin, forms.Form):
    nik = forms.CharField(
        label=gettext_lazy("NIK of the person"),
        max_length=16,
        min_length=16,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    requester = forms.CharField(
        label=gettext_lazy("Who asked"),
        max_length=150,
        help_text=gettext_lazy("The person, or who acts for them."),
    )
    reference = forms.CharField(
        label=gettext_lazy("Request reference"),
        max_length=100,
        help_text=gettext_lazy("Letter number or service desk ticket."),
    )
    identity_checked = forms.BooleanField(
        label=gettext_lazy("I have checked the requester's identity card (KTP) against the NIK")
    )

    def clean_nik(self):
        nik = re.sub(r"\s", "", self.cleaned_data["nik"])
        if not nik.isdigit() or len(nik) != 16:
            raise forms.ValidationError(_("A NIK has 16 digits."))
        return nik


@login_required
@require_http_methods(["GET", "POST"])
def personal_data_request(request):
    """Answer a request to see one's data: an XLSX of every record held, logged."""
    require(request.user, "personal_data.report")
    form = RequestForm(request.POST or None)
    sections = None
    if request.method == "POST" and form.is_valid():
        nik = form.cleaned_data["nik"]
        sections = collect(request.user, nik)
        audit_record(
            actor=request.user,
            action="personal_data.report",
            object_type="person",
            object_id=mask_nik(nik),
            object_repr=mask_nik(nik),
            region_code=request.user.region_scope or "",
            after={
                "sections": {s.title: len(s.rows) for s in sections},
                "requester": form.cleaned_data["requester"],
                "reference": form.cleaned_data["reference"],
            },
        )
        if request.POST.get("download") and sections:
            data, _count = build_workbook([(s.title, s.headers, s.rows) for s in sections])
            stamp = timezone.localtime().strftime("%Y%m%d")
            response = HttpResponse(data, content_type=XLSX)
            response["Content-Disposition"] = (
                f'attachment; filename="data-pribadi-{nik[-4:]}-{stamp}.xlsx"'
            )
            return response
    return render(request, "core/personal_data.html", {"form": form, "sections": sections})
