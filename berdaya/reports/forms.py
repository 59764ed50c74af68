from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from berdaya.core.forms import StyledFormMixin
from berdaya.reports.indicators import indicator_regions
from berdaya.reports.models import PovertyIndicator


class IndicatorForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PovertyIndicator.Kind.choices)
    region = forms.ChoiceField(label=_("Region"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    rate = forms.DecimalField(
        label=_("Poverty rate (%)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        help_text=_("Percent of the population below the poverty line, as BPS publishes it."),
    )
    poor_people = forms.IntegerField(
        label=_("Poor people (thousands)"), min_value=0, required=False
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        required=False,
        help_text=_("e.g. BPS Kalimantan Timur, March 2024 release."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [
            (r.code, f"{r.code} {r.name}") for r in indicator_regions().order_by("code")
        ]
