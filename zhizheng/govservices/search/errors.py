"""Errors a search caller can get back: bad query text or a bad limit (422 with the field named)."""

from __future__ import annotations

from typing import cast

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from zhizheng.core.errors import ValidationFailed

MAX_QUERY_LENGTH = 100
MAX_LIMIT = 50
MAX_SUGGEST_LIMIT = 20


class InvalidQuery(ValidationFailed):
    """The search text is empty, blank or longer than ``MAX_QUERY_LENGTH`` characters."""

    code = "govservices.invalid_query"
    message = _("Enter what you are looking for, for example 公积金提取.")


class InvalidSearchLimit(ValidationFailed):
    """The number of results asked for is outside 1…``MAX_LIMIT``."""

    code = "govservices.invalid_search_limit"
    message = _("The number of results must be between 1 and %(max)d.")


EMPTY_QUERY = _("Enter what you are looking for, for example 公积金提取.")
QUERY_TOO_LONG = _("The search text is too long: use at most %(max)d characters.")


def _with_params(message: str | Promise, **params: object) -> Promise:
    """A lazy message with its parameters filled in when it is rendered (in whichever language is active)."""

    def render() -> str:
        return str(message) % params

    return cast(Promise, lazy(render, str)())


def check_query(query: object, *, field: str = "q", allow_blank: bool = False) -> str:
    """The stripped query, or ``InvalidQuery`` naming ``field``."""
    if not isinstance(query, str) or (not query.strip() and not allow_blank):
        raise InvalidQuery(EMPTY_QUERY, field_errors={field: [EMPTY_QUERY]})
    text = query.strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidQuery(
            QUERY_TOO_LONG,
            params={"max": MAX_QUERY_LENGTH},
            field_errors={field: [_with_params(QUERY_TOO_LONG, max=MAX_QUERY_LENGTH)]},
        )
    return text


def check_limit(limit: object, *, maximum: int = MAX_LIMIT, field: str = "limit") -> int:
    """``limit`` as an int in 1…``maximum``, or ``InvalidSearchLimit``."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= maximum:
        raise InvalidSearchLimit(
            params={"max": maximum}, field_errors={field: [_with_params(InvalidSearchLimit.message, max=maximum)]}
        )
    return limit
