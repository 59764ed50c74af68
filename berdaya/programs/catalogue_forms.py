from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from berdaya.core.forms import StyledFormMixin
from berdaya.programs.models import BusinessType, GoodsItem


class GoodsItemForm(StyledFormMixin, forms.ModelForm):
    business_types = forms.ModelMultipleChoiceField(
        label=_("Business types it serves"),
        queryset=BusinessType.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = GoodsItem
        fields = ["code", "name", "unit", "unit_price", "business_types", "specification", "active"]
        widgets = {"specification": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self):
        pass  # the service validates


class PackageForm(StyledFormMixin, forms.Form):
    program_year = forms.TypedChoiceField(label=_("Programme year"), coerce=int)
    name = forms.CharField(label=_("Name"), max_length=150)
    business_type = forms.ModelChoiceField(
        label=_("Business type"),
        queryset=BusinessType.objects.filter(active=True),
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program_year"].choices = [
            (py.pk, f"{py} · {py.value_per_unit:,}") for py in years
        ]
