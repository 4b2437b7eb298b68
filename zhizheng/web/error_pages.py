"""Texts of the friendly error pages (400, 403, 404, 500 and the CSRF refusal), shown in both languages."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ERROR_TEXTS: dict[str, tuple[Promise, Promise]] = {
    "400": (
        _("The request could not be understood"),
        _("Something in the address or the form was malformed. Go back, check what you entered and try again."),
    ),
    "403": (
        _("You are not allowed to open this page"),
        _(
            "This page is for people with a particular role. "
            "If you think you should have access, contact your administrator."
        ),
    ),
    "403_csrf": (
        _("The form has expired"),
        _(
            "For your security the form could not be sent: its security token was missing or out of date. "
            "Reload the page and submit it again. Cookies must be enabled."
        ),
    ),
    "404": (
        _("We cannot find this page"),
        _("There is nothing at this address. It may have moved, or the link may be mistyped."),
    ),
    "500": (
        _("Something went wrong"),
        _(
            "An error on our side stopped this page. It has been logged and will be looked at. "
            "Nothing you submitted was half-saved: try again in a few minutes."
        ),
    ),
}

_LANGUAGES = (("zh-hans", "zh-Hans"), ("en", "en"))


@dataclass(frozen=True, slots=True)
class ErrorText:
    """One language's heading and explanation for an error page."""

    lang: str
    heading: str
    text: str
    home: str


def error_texts(key: str) -> list[ErrorText]:
    """The page's texts in Chinese and English, the active language first."""
    heading, text = ERROR_TEXTS[key]
    current = translation.get_language() or "zh-hans"
    ordered = sorted(_LANGUAGES, key=lambda pair: pair[0] != current)
    texts: list[ErrorText] = []
    for code, lang in ordered:
        with translation.override(code):
            texts.append(
                ErrorText(lang=lang, heading=str(heading), text=str(text), home=str(_("Back to the home page")))
            )
    return texts
