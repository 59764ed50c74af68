from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from berdaya.core.forms import StyledFormMixin
from berdaya.programs.models import Program, ProgramYear, WelfareCategory


class ProgramForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Program
        fields = ["code", "name", "unit", "value_per_unit", "in_kind", "description", "active"]

    def _post_clean(self):
        pass  # the service validates


class ListField(forms.CharField):
    """A list typed one item per line (occupations) or comma-separated (programme codes)."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        items = [i.strip().upper() for i in text.replace(",", "\n").splitlines()]
        return [i for i in items if i]


class ProgramYearForm(StyledFormMixin, forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("Welfare categories (PPKS)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "A proposal names one of these categories and must fit its criteria. "
            "None: the programme has no categories."
        ),
    )
    validity_a = forms.IntegerField(
        label=_("Accreditation A valid for (years)"), min_value=1, max_value=10, required=False
    )
    validity_b = forms.IntegerField(
        label=_("Accreditation B valid for (years)"), min_value=1, max_value=10, required=False
    )
    validity_c = forms.IntegerField(
        label=_("Accreditation C valid for (years)"), min_value=1, max_value=10, required=False
    )
    excluded_occupations = ListField(
        label=_("Excluded occupations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, as the register writes them (PNS, TNI, POLRI...)."),
    )
    excluded_programs = ListField(
        label=_("Programmes that exclude"),
        required=False,
        help_text=_("Codes separated by commas, e.g. KUBE."),
    )

    class Meta:
        model = ProgramYear
        fields = [
            "value_per_unit",
            "sex",
            "age_min",
            "age_max",
            "age_reference_month",
            "age_reference_day",
            "max_decile",
            "head_of_family_required",
            "excluded_occupations",
            "once_in_lifetime",
            "excluded_programs",
            "group_min",
            "group_max",
            "categories",
            "accreditation_required",
            "handover_before_training",
            "notes",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = [
            (c.code, f"{c.code} — {c.name}") for c in WelfareCategory.objects.all()
        ]
        unit = self.instance.program.unit if self.instance.program_id else ""
        validity = self.instance.validity_years
        for grade in ("A", "B", "C"):
            self.fields[f"validity_{grade.lower()}"].initial = validity(grade)
        # Each programme shows the settings of its unit only.
        drop = []
        if unit != "group":
            drop += ["group_min", "group_max"]
        if unit != "institution":
            drop += ["accreditation_required", "validity_a", "validity_b", "validity_c"]
        else:
            drop += [
                "sex",
                "age_min",
                "age_max",
                "age_reference_month",
                "age_reference_day",
                "max_decile",
                "head_of_family_required",
                "excluded_occupations",
                "categories",
            ]
        if unit == "group":
            drop.append("categories")
        for name in drop:
            del self.fields[name]

    def clean(self):
        data = super().clean()
        if "validity_a" in self.fields:
            data["accreditation_validity"] = {
                g: data.pop(f"validity_{g.lower()}")
                for g in ("A", "B", "C")
                if data.get(f"validity_{g.lower()}")
            }
        return data

    def _post_clean(self):
        pass


class NewYearForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    copy = forms.BooleanField(
        label=_("Copy the settings of the year before"), required=False, initial=True
    )


class RecipientsForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year received"), min_value=2000, max_value=2100)
    file = forms.FileField(label=_("List (CSV or XLSX with NIK and NAMA)"))


class WelfareCategoryForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = WelfareCategory
        fields = ["name", "age_min", "age_max", "sex", "once_only", "active"]

    def _post_clean(self):
        pass
