"""The catalogue API: item list with filters and paging (query ceiling) and item detail."""

from __future__ import annotations

import pytest
from django.test import Client

from zhizheng.govservices.models import ServiceItem


def test_items_are_listed_by_code_with_count_and_paging(
    catalogue: object, client: Client, django_assert_max_num_queries: object
) -> None:
    with django_assert_max_num_queries(4):  # type: ignore[operator]
        response = client.get("/api/v1/services/items", {"limit": 100})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 160
    assert len(body["items"]) == 100
    assert body["items"][0] == {
        "code": "SFS-0001",
        "name": "有限责任公司设立登记",
        "item_type": "行政许可",
        "department": "SCJGJ",
        "department_name": "示范市市场监督管理局",
        "audience": ["法人"],
        "themes": ["设立变更"],
        "processing_kind": "承诺件",
        "promised_days": 1,
        "statutory_days": 3,
        "max_visits": 0,
        "online_level": 4,
    }
    page = client.get("/api/v1/services/items", {"limit": 5, "offset": 158}).json()
    assert (page["count"], [i["code"] for i in page["items"]]) == (160, ["SFS-0159", "SFS-0160"])


@pytest.mark.parametrize(
    ("params", "count", "check"),
    [
        ({"department": "GJJZX"}, 8, lambda i: i["department"] == "GJJZX"),
        ({"theme": "公积金"}, None, lambda i: "公积金" in i["themes"]),
        ({"audience": "individual"}, 100, lambda i: "自然人" in i["audience"]),
        ({"audience": "legal_person"}, 98, lambda i: "法人" in i["audience"]),
        ({"department": "NOPE"}, 0, lambda i: False),
    ],
    ids=["department", "theme", "individual", "legal-person", "unknown-department"],
)
def test_items_filter_by_department_theme_and_audience(
    catalogue: object, client: Client, params: dict[str, str], count: int | None, check: object
) -> None:
    body = client.get("/api/v1/services/items", {**params, "limit": 100}).json()

    if count is not None:
        assert body["count"] == count
    assert body["count"] == len(body["items"]) or body["count"] > 100
    assert all(check(item) for item in body["items"])  # type: ignore[operator]
    if "theme" in params:
        expected = ServiceItem.objects.filter(themes__name="公积金").distinct().count()
        assert body["count"] == expected > 0


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"audience": "people"}, ["audience"]),
        ({"limit": 0}, ["limit"]),
        ({"limit": 101, "offset": -1}, ["limit", "offset"]),
    ],
)
def test_bad_list_parameters_are_a_422_naming_every_field(
    catalogue: object, client: Client, params: dict[str, object], fields: list[str]
) -> None:
    response = client.get("/api/v1/services/items", params)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "govservices.invalid_list_parameter"
    assert sorted(body["errors"]) == fields


def test_item_detail_has_the_whole_guide(
    catalogue: object, client: Client, django_assert_max_num_queries: object
) -> None:
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        response = client.get("/api/v1/services/items/SFS-0013")

    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "SFS-0013"
    assert body["life_events"] == ["LE-01"]
    assert body["hall"]["address"].startswith("示范市公安局")
    assert body["fee"] == {"charged": False, "standard": "", "basis": ""}
    assert body["steps"]
    assert body["legal_basis"]
    assert body["materials"]
    assert set(body["materials"][0]) == {"name", "form", "required", "source", "certificate_type", "note"}


def test_unknown_and_unpublished_items_are_404(catalogue: object, client: Client) -> None:
    ServiceItem.objects.filter(code="SFS-0005").update(published=False)

    for code in ("SFS-9999", "SFS-0005"):
        response = client.get(f"/api/v1/services/items/{code}")
        assert response.status_code == 404
        assert response.json()["code"] == "core.not_found"
    assert client.get("/api/v1/services/items", {"limit": 100, "offset": 100}).json()["count"] == 159
