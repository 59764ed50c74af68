from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from berdaya.allocation.models import Objection
from berdaya.allocation.ranking import COMPONENTS
from berdaya.core.forms import StyledFormMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FormulaForm(StyledFormMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, (label, help_text) in COMPONENTS.items():
            self.fields[key] = forms.IntegerField(
                label=label, help_text=help_text, min_value=0, max_value=100
            )
            self.fields[key].widget.attrs["class"] = "form-control"


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept in the audit trail)"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecreeForm(StyledFormMixin, forms.Form):
    number = forms.CharField(
        label=_("Decree number"),
        max_length=100,
        required=False,
        help_text=_("Given by the secretariat, e.g. 400.9/123/DINSOS/2025."),
    )
    decree_date = forms.DateField(
        label=_("Decree date"),
        required=False,
        widget=DATE,
        help_text=_("Empty: the day it is signed."),
    )
    place = forms.CharField(label=_("Issued at"), max_length=60, initial="Samarinda")


class SignForm(forms.Form):
    content_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)
    confirm = forms.BooleanField(
        label=_("I have read the list and sign this decree."), required=True
    )


class ChangeForm(StyledFormMixin, forms.Form):
    action = forms.ChoiceField(
        choices=[("remove", "remove"), ("add", "add")], widget=forms.HiddenInput
    )
    allocation = forms.IntegerField(required=False, widget=forms.HiddenInput)
    key = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Reason"), min_length=10, max_length=2000)


class ObjectionForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Objection.Kind.choices)
    entry = forms.TypedChoiceField(
        label=_("Recipient reported"), required=False, coerce=int, empty_value=None
    )
    proposal = forms.UUIDField(
        label=_("System id of the proposal of the person left out"),
        required=False,
        help_text=_("Where the person was proposed: the id shown on the proposal's page."),
    )
    subject_name = forms.CharField(label=_("Person concerned"), max_length=150, required=False)
    complainant_name = forms.CharField(label=_("Objection raised by"), max_length=150)
    complainant_contact = forms.CharField(
        label=_("Contact (phone or address)"), max_length=150, required=False
    )
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    description = forms.CharField(
        label=_("Objection"),
        min_length=10,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [("", "—")] + [
            (e.pk, f"{e.number}. {e.name} ({e.nik_masked})") for e in entries
        ]


class ReviewForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Review notes"),
        min_length=10,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnswerForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("upheld", _("Upheld: revise the decree")), ("rejected", _("Rejected"))],
    )
    answer = forms.CharField(
        label=_("Answer to the one who objected"),
        min_length=10,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
