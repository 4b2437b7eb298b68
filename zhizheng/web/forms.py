from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    """The portal's search box."""

    q = forms.CharField(
        label=_("What are you looking for?"),
        max_length=100,
        required=True,
        strip=True,
        error_messages={
            "required": _("Type a word to search for, for example “ledger” or “透明”."),
            "max_length": _("Use at most %(limit_value)d characters (you typed %(show_value)d)."),
        },
    )
