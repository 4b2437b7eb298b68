"""Forms of the account pages. They collect input; the rules live in ``services`` (errors come back from there)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhizheng.core.errors import DomainError

LANGUAGES = ("zh-hans", "en")


def bilingual(message: str | Promise, params: dict[str, Any] | None = None) -> str:
    """The message in the active language and, on a second line, in the other interface language, so that a
    person who reads only one of them understands it. Templates show it with ``linebreaksbr``."""
    active = (translation.get_language() or "zh-hans").lower()
    order = sorted(LANGUAGES, key=lambda language: language != active)
    texts: list[str] = []
    for language in order:
        with translation.override(language):
            text = str(message)
        text = text % params if params else text
        if text not in texts:
            texts.append(text)
    return "\n".join(texts)


def add_domain_errors(form: forms.Form, error: DomainError, *, renamed: dict[str, str] | None = None) -> None:
    """Put a service's field errors on the form's fields (bilingual; ``renamed`` maps a service field to a form
    field); anything else becomes a form-wide error."""
    placed = False
    for field, messages in error.field_errors.items():
        name = (renamed or {}).get(field, field)
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, bilingual(message))
            placed = True
    if not placed:
        form.add_error(None, bilingual(error.message_template, error.params))


_CONTROL = {"class": "form-control"}


class LoginForm(AuthenticationForm):
    """Django's log-in form with one clear message for a wrong user name or password, in both languages."""

    username = forms.CharField(
        label=_("User name or mobile number"),
        max_length=150,
        widget=forms.TextInput(attrs={**_CONTROL, "autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={**_CONTROL, "autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _("Wrong user name or password. Check both and try again (passwords are case-sensitive)."),
        "inactive": _("This account is disabled. Contact the service desk."),
    }

    def get_invalid_login_error(self) -> forms.ValidationError:
        return forms.ValidationError(bilingual(self.error_messages["invalid_login"]), code="invalid_login")

    def confirm_login_allowed(self, user: Any) -> None:
        if not user.is_active:
            raise forms.ValidationError(bilingual(self.error_messages["inactive"]), code="inactive")


class CitizenSignUpForm(forms.Form):
    """Sign-up of a citizen: name and number as on the identity card, a mobile number and a password."""

    real_name = forms.CharField(
        label=_("Real name"),
        max_length=32,
        widget=forms.TextInput(attrs={**_CONTROL, "autocomplete": "name"}),
        help_text=_("As written on your resident identity card."),
    )
    id_number = forms.CharField(
        label=_("Citizen identity number"),
        max_length=24,
        widget=forms.TextInput(attrs={**_CONTROL, "autocomplete": "off", "inputmode": "text"}),
        help_text=_("18 characters; the last may be X."),
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={**_CONTROL, "autocomplete": "tel", "inputmode": "tel"}),
    )
    username = forms.CharField(
        label=_("User name (optional)"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={**_CONTROL, "autocomplete": "username"}),
        help_text=_("Leave empty to log in with your mobile number."),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={**_CONTROL, "autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={**_CONTROL, "autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", bilingual(_("The two passwords differ.")))
        return cleaned


class AgentSignUpForm(CitizenSignUpForm):
    """Sign-up of a person who acts for an enterprise: also its 统一社会信用代码 and registered name."""

    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=24,
        widget=forms.TextInput(attrs={**_CONTROL, "autocomplete": "off"}),
        help_text=_("The 18-character code on the business licence."),
    )
    enterprise_name = forms.CharField(
        label=_("Enterprise name"),
        max_length=128,
        widget=forms.TextInput(attrs={**_CONTROL, "autocomplete": "organization"}),
    )


class TotpCodeForm(forms.Form):
    """A six-digit code from an authenticator app."""

    code = forms.CharField(
        label=_("Six-digit code"),
        max_length=10,
        widget=forms.TextInput(
            attrs={**_CONTROL, "autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
