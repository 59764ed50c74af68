from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: per field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class StyledFormMixin:
    """Bootstrap classes on every widget, set once here rather than in each template."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


def save_document(request, form: forms.Form, save) -> None:
    """Handle a document form (kind + file) on a record's page: `save(upload=, kind=)` stores
    it through the record's service; the outcome is told in a message."""
    from django.contrib import messages
    from django.utils.translation import gettext as _

    if not form.is_valid():
        messages.error(request, _("Choose the kind of document and a file."))
        return
    try:
        save(upload=form.cleaned_data["file"], kind=form.cleaned_data["kind"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Document saved."))
