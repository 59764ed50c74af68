from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from berdaya.core.forms import StyledFormMixin
from berdaya.distribution.models import Topic, TrainingSession


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class SessionForm(StyledFormMixin, forms.ModelForm):
    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = TrainingSession
        fields = [
            "title",
            "starts_on",
            "ends_on",
            "place",
            "village_code",
            "trainers",
            "topics",
            "notes",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "trainers": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"village_code": _("Optional: the village code, e.g. 64.72.01.1001.")}

    def _post_clean(self):
        pass  # the service validates


class NewSessionForm(SessionForm):
    program_year = forms.TypedChoiceField(label=_("Programme year"), coerce=int)
    region = forms.ChoiceField(label=_("Regency/city"))

    field_order = ["program_year", "region"]

    def __init__(self, *args, years=(), regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program_year"].choices = [(py.pk, str(py)) for py in years]
        self.fields["region"].choices = [(r.code, r.name) for r in regions]


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), min_length=10, widget=forms.Textarea(attrs={"rows": 2})
    )


class SheetForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Signed attendance sheet (PDF or photo)"))


class ProcurementForm(StyledFormMixin, forms.Form):
    program_year = forms.TypedChoiceField(label=_("Programme year"), coerce=int)
    region = forms.ChoiceField(label=_("For regency/city"))
    vendor = forms.CharField(label=_("Vendor"), max_length=200)
    contract_number = forms.CharField(label=_("Contract or order number"), max_length=100)
    contract_date = forms.DateField(label=_("Contract date"), required=False, widget=DateInput())
    location = forms.CharField(label=_("Where the goods will be kept"), max_length=200)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, years=(), regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program_year"].choices = [(py.pk, str(py)) for py in years]
        self.fields["region"].choices = [(r.code, r.name) for r in regions]


class DeliveryForm(StyledFormMixin, forms.Form):
    delivered_on = forms.DateField(label=_("Delivered on"), widget=DateInput())
    location = forms.CharField(label=_("Received at"), max_length=200)
    received_by = forms.CharField(label=_("Received by"), max_length=150)
    document = forms.FileField(label=_("Delivery note (PDF or photo)"), required=False)
    note = forms.CharField(label=_("Note"), required=False)
