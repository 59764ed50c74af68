from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from berdaya.core.forms import StyledFormMixin


class TokenForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label=_("What is it for?"),
        max_length=100,
        help_text=_("e.g. the data warehouse of Bappeda, or a regency's own system."),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=3650,
        initial=settings.API_TOKEN_DAYS,
    )
    user = forms.ModelChoiceField(label=_("For user"), queryset=None, required=False)

    def __init__(self, *args, admin: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        from berdaya.accounts.models import User

        if admin:
            self.fields["user"].queryset = (
                User.objects.filter(is_active=True).exclude(role="system").order_by("username")
            )
            self.fields["user"].help_text = _("Empty: yourself.")
        else:
            del self.fields["user"]
