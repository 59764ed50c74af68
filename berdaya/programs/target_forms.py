from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from berdaya.core.forms import StyledFormMixin
from berdaya.programs.models import BudgetEnvelope, FundingSource
from berdaya.programs.targets import quota_field


class EnvelopeForm(StyledFormMixin, forms.Form):
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
    source = forms.ChoiceField(label=_("Funding source"), choices=FundingSource.choices)
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("E.g. APBD 2025 — business capital for KUBE and WRSE."),
    )
    amount = forms.IntegerField(
        label=_("Budget ceiling (Rp)"), min_value=0, help_text=_("Whole rupiah, without dots.")
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TargetForm(StyledFormMixin, forms.Form):
    units = forms.IntegerField(label=_("Target (units)"), min_value=0)
    value_per_unit = forms.IntegerField(
        label=_("Value per unit (Rp)"),
        min_value=0,
        required=False,
        help_text=_("What one unit receives in goods; approved units keep their value."),
    )
    deadline = forms.DateField(
        label=_("Distribution deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    envelope = forms.ModelChoiceField(
        label=_("Budget envelope"), required=False, queryset=BudgetEnvelope.objects.none()
    )
    budget = forms.IntegerField(
        label=_("Amount of the envelope for this programme (Rp)"),
        min_value=0,
        required=False,
        help_text=_("Optional; empty: the programme may draw on the whole envelope."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, program_year=None, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["envelope"].queryset = BudgetEnvelope.objects.filter(
            fiscal_year=program_year.year
        )
        if program_year.value_per_need:
            del self.fields["value_per_unit"]
        self.quota_fields = []
        for region in regions:
            name = quota_field(region.code)
            self.fields[name] = forms.IntegerField(label=region.name, min_value=0, required=False)
            self.fields[name].widget.attrs.update({"class": "form-control quota-input"})
            self.quota_fields.append(name)

    def quotas(self, regions) -> dict[str, int]:
        return {r.code: self.cleaned_data.get(quota_field(r.code)) or 0 for r in regions}


class TransferForm(StyledFormMixin, forms.Form):
    from_region = forms.ChoiceField(label=_("From region"))
    to_region = forms.ChoiceField(label=_("To region"))
    units = forms.IntegerField(label=_("Units"), min_value=1)
    reason = forms.CharField(
        label=_("Reason (kept in the audit trail)"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(r.code, r.name) for r in regions]
        self.fields["from_region"].choices = choices
        self.fields["to_region"].choices = choices
