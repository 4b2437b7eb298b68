"""Every API error is application/problem+json: unknown paths, wrong methods, bad bodies, auth and CSRF."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from zhizheng.accounts.models import User

PROBLEM = "application/problem+json; charset=utf-8"
probe_urls = pytest.mark.urls("zhizheng.web.tests.problem_api_urls")


def problem(response: Any) -> dict[str, Any]:
    assert response["Content-Type"] == PROBLEM, response.content[:200]
    body: dict[str, Any] = json.loads(response.content)
    assert body["status"] == response.status_code
    assert body["instance"] == response.wsgi_request.path
    return body


def test_unknown_api_path_is_a_404_problem(client: Client) -> None:
    response = client.get("/api/v1/no-such-endpoint")

    assert response.status_code == 404
    body = problem(response)
    assert body["code"] == "web.route_not_found"
    assert body["detail"] == "此地址没有 API 接口。"
    assert body["detail_en"] == "There is no API endpoint at this address."


def test_unknown_api_path_answers_in_english_when_asked(client: Client) -> None:
    response = client.get("/api/v1/no-such-endpoint/", HTTP_ACCEPT_LANGUAGE="en")

    body = problem(response)
    assert body["detail"] == "There is no API endpoint at this address."
    assert response["Content-Language"] == "en"


def test_wrong_method_is_a_405_problem_with_allow_header(client: Client) -> None:
    response = client.delete("/api/v1/health")

    assert response.status_code == 405
    body = problem(response)
    assert body["code"] == "web.method_not_allowed"
    assert response["Allow"] == "GET"
    assert body["detail_en"] == "This endpoint does not accept the DELETE method. Allowed: GET."


def test_pages_outside_the_api_keep_html_errors(client: Client) -> None:
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "找不到此页面" in response.content.decode()


@pytest.mark.django_db
@probe_urls
def test_malformed_json_body_is_a_400_problem(client: Client) -> None:
    response = client.post("/api/v1/probe/open-items", data=b'{"name": "a",', content_type="application/json")

    assert response.status_code == 400
    body = problem(response)
    assert body["code"] == "web.malformed_body"
    assert body["detail_en"] == "The request body is not valid JSON."


@probe_urls
def test_validation_errors_list_every_field(client: Client) -> None:
    response = client.post(
        "/api/v1/probe/open-items",
        data={"name": "much too long a name", "quantity": 0},
        content_type="application/json",
    )

    assert response.status_code == 422
    body = problem(response)
    assert body["code"] == "core.validation_failed"
    assert body["errors"] == {"name": ["最多 10 个字符。"], "quantity": ["不能小于 1。"]}
    assert body["errors_en"] == {"name": ["Use at most 10 characters."], "quantity": ["Must be at least 1."]}


@probe_urls
def test_missing_fields_are_named(client: Client) -> None:
    response = client.post("/api/v1/probe/open-items", data={}, content_type="application/json")

    body = problem(response)
    assert response.status_code == 422
    assert body["errors"] == {"name": ["此字段为必填项。"], "quantity": ["此字段为必填项。"]}
    assert body["errors_en"] == {"name": ["This field is required."], "quantity": ["This field is required."]}


@probe_urls
def test_wrong_types_are_explained_in_the_requested_language(client: Client) -> None:
    response = client.post(
        "/api/v1/probe/open-items",
        data={"name": ["not", "text"], "quantity": "many"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    body = problem(response)
    assert body["errors"] == {"name": ["Must be text."], "quantity": ["Must be a whole number."]}
    assert body["detail"] == body["detail_en"]


@probe_urls
def test_domain_error_keeps_its_code_and_status(client: Client) -> None:
    response = client.post(
        "/api/v1/probe/open-items", data={"name": "taken", "quantity": 1}, content_type="application/json"
    )

    assert response.status_code == 409
    assert problem(response)["code"] == "core.conflict"


@probe_urls
def test_unexpected_exception_is_a_500_problem_without_internals(client: Client) -> None:
    response = client.get("/api/v1/probe/boom")

    assert response.status_code == 500
    body = problem(response)
    assert body["code"] == "core.internal_error"
    assert "s3cr3t" not in response.content.decode()
    assert "Traceback" not in response.content.decode()


@pytest.mark.django_db
@probe_urls
def test_session_auth_without_login_is_a_401_problem(client: Client) -> None:
    response = client.post("/api/v1/probe/items", data={"name": "a", "quantity": 1}, content_type="application/json")

    assert response.status_code == 401
    assert problem(response)["code"] == "core.not_authenticated"


@pytest.fixture
def citizen() -> User:
    return User.objects.create_user(username="csrf-citizen", password="pw-9f3k2LxQ", kind="citizen")


@pytest.mark.django_db
@probe_urls
def test_session_post_without_csrf_token_is_a_403_problem(citizen: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)

    response = client.post("/api/v1/probe/items", data={"name": "a", "quantity": 1}, content_type="application/json")

    assert response.status_code == 403
    body = problem(response)
    assert body["code"] == "web.csrf_failed"
    assert "CSRF" in body["detail_en"]


@pytest.mark.django_db
@probe_urls
def test_session_post_with_csrf_token_passes(citizen: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    client.get("/")  # the portal sets the CSRF cookie
    token = client.cookies["csrftoken"].value

    response = client.post(
        "/api/v1/probe/items",
        data={"name": "a", "quantity": 2},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )

    assert response.status_code == 200
    assert response.json() == {"name": "a", "quantity": 2}


@probe_urls
def test_a_crash_outside_ninja_under_the_api_is_still_a_problem() -> None:
    client = Client(raise_request_exception=False)

    response = client.get("/api/v1/plain-boom/")

    assert response.status_code == 500
    assert problem(response)["code"] == "core.internal_error"
    assert "s3cr3t" not in response.content.decode()


@probe_urls
def test_a_crash_on_a_page_shows_the_bilingual_500_page() -> None:
    client = Client(raise_request_exception=False)

    response = client.get("/plain-boom/")

    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="zh-Hans">' in page
    assert page.index("出错了") < page.index("Something went wrong")
    assert "s3cr3t" not in page
    assert "Traceback" not in page


def test_api_404_answers_without_rendering_any_page(client: Client, settings: Settings) -> None:
    # With a manifest storage and no collected manifest, rendering an HTML page would itself fail.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }

    response = client.get("/api/v1/no-such-endpoint")

    assert response.status_code == 404
    assert problem(response)["code"] == "web.route_not_found"


@pytest.mark.django_db
def test_real_endpoint_without_credentials_is_a_401_problem(client: Client) -> None:
    response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert problem(response)["code"] == "core.not_authenticated"
