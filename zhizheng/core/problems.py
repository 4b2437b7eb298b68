"""Render a ``DomainError`` as an RFC 9457 problem document."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse

from zhizheng.core.errors import PROBLEM_CONTENT_TYPE, DomainError


def problem_response(request: HttpRequest | None, error: DomainError) -> HttpResponse:
    body = error.as_problem(instance=request.path if request is not None else None)
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=error.status,
        content_type=f"{PROBLEM_CONTENT_TYPE}; charset=utf-8",
    )
    response["Content-Language"] = "en" if body["detail"] == body["detail_en"] else "zh-hans"
    return response
