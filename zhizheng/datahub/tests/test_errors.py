"""The two per-minute limits share their 429 status and title, and keep their own codes and messages."""

from __future__ import annotations

import pytest
from django.utils import translation

from zhizheng.datahub.errors import AppRateLimited, RateLimited, TooManyRequests


@pytest.mark.parametrize(
    ("error", "code", "english", "chinese"),
    [
        (
            RateLimited(params={"limit": 60}),
            "datahub.rate_limited",
            "The grant allows 60 calls per minute. Wait a minute and try again.",
            "该授权每分钟最多调用 60 次，请稍候一分钟再试。",
        ),
        (
            AppRateLimited(params={"limit": 30}),
            "datahub.app_rate_limited",
            "Allowed: 30 calls per minute. Wait a minute and try again.",
            "每分钟最多调用 30 次，请稍候一分钟再试。",
        ),
    ],
)
def test_rate_limits_answer_429_with_their_own_code_and_message(error, code, english, chinese):
    assert isinstance(error, TooManyRequests)
    problem = error.as_problem()
    with translation.override("zh-hans"):
        problem_zh = error.as_problem()

    assert (problem["code"], problem["status"], error.detail_en) == (code, 429, english)
    assert (problem_zh["title"], problem_zh["detail"]) == ("请求过于频繁", chinese)
