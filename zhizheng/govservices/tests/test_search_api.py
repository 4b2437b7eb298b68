"""Service search over the catalogue models: the JSON API, type-ahead, errors, re-indexing after edits and clicks."""

from __future__ import annotations

import math
import uuid

import pytest
from django.test import Client

from zhizheng.core.actor import ANONYMOUS, Actor, ActorKind
from zhizheng.govservices.models import CatalogueRevision, ClickCount, ServiceItem
from zhizheng.govservices.selectors import catalogue as selectors
from zhizheng.govservices.services import catalogue as services

EDITOR = Actor(kind=ActorKind.USER, user_id=990001, display="editor", roles=frozenset({("SJJ", "administrator")}))


def _search(client: Client, **params: object) -> dict:
    response = client.get("/api/v1/services/search", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_search_answers_the_documented_shape_best_first(catalogue: object, client: Client) -> None:
    body = _search(client, q="孩子刚出生怎么上户口", limit=5)

    assert body["count"] == 5
    first = body["items"][0]
    assert set(first) == {"code", "name", "department", "score", "kind", "department_name"}
    assert (first["code"], first["name"], first["department"], first["kind"]) == (
        "SFS-0013",
        "出生登记（新生儿入户）",
        "GAJ",
        "item",
    )
    scores = [item["score"] for item in body["items"]]
    assert scores == sorted(scores, reverse=True)
    event = next(item for item in body["items"] if item["code"] == "LE-01")
    assert (event["name"], event["kind"], event["department"]) == ("出生一件事", "life_event", "")


@pytest.mark.parametrize(
    ("query", "expected"),
    [("我想开个饭店要办什么证", "SFS-0005"), ("营业执找丢了", None), ("gongjijin", None)],
)
def test_colloquial_typo_and_pinyin_queries_find_items(
    catalogue: object, client: Client, query: str, expected: str | None
) -> None:
    body = _search(client, q=query)
    assert body["count"] >= 1
    if expected:
        assert body["items"][0]["code"] == expected
    else:
        assert body["items"][0]["kind"] == "item"


def test_the_default_limit_is_ten(catalogue: object, client: Client) -> None:
    assert _search(client, q="公积金")["count"] == 10


EMPTY = "Enter what you are looking for, for example 公积金提取."
TOO_LONG = "The search text is too long: use at most 100 characters."
LIMIT = "The number of results must be between 1 and 50."


@pytest.mark.parametrize(
    ("params", "code", "field", "detail_en"),
    [
        ({}, "govservices.invalid_query", "q", EMPTY),
        ({"q": "   "}, "govservices.invalid_query", "q", EMPTY),
        ({"q": "户" * 101}, "govservices.invalid_query", "q", TOO_LONG),
        ({"q": "户口", "limit": 0}, "govservices.invalid_search_limit", "limit", LIMIT),
        ({"q": "户口", "limit": 51}, "govservices.invalid_search_limit", "limit", LIMIT),
        ({"q": "户口", "limit": "ten"}, "govservices.invalid_search_limit", "limit", LIMIT),
    ],
    ids=["missing", "blank", "too-long", "limit-0", "limit-51", "limit-text"],
)  # fmt: skip
def test_bad_search_input_is_a_422_problem_in_both_languages(
    catalogue: object, client: Client, params: dict[str, object], code: str, field: str, detail_en: str
) -> None:
    response = client.get("/api/v1/services/search", params)

    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert (body["code"], body["detail_en"]) == (code, detail_en)
    assert field in body["errors"]
    assert body["detail"] != detail_en  # Chinese by default
    english = client.get("/api/v1/services/search", params, HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["detail"] == detail_en


def test_suggest_completes_names_and_pinyin_initials(catalogue: object, client: Client) -> None:
    response = client.get("/api/v1/services/suggest", {"q": "gjj", "limit": 3})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert all(item["text"].startswith("住房公积金") for item in body["items"])
    assert all(item["kind"] == "item" and item["code"].startswith("SFS-") for item in body["items"])
    assert client.get("/api/v1/services/suggest", {"q": ""}).json() == {"count": 0, "items": []}
    too_many = client.get("/api/v1/services/suggest", {"q": "gjj", "limit": 21})
    assert (too_many.status_code, too_many.json()["code"]) == (422, "govservices.invalid_search_limit")


def test_an_edit_reaches_this_process_index_after_commit(
    catalogue: object, django_capture_on_commit_callbacks: object
) -> None:
    engine = selectors.search_engine()
    item = ServiceItem.objects.get(code="SFS-0005")

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.item_update(actor=EDITOR, item=item, changes={"name": "街角小吃店开业许可"})

    assert selectors.search_engine() is engine  # updated in place (upsert), not rebuilt
    hits = selectors.service_search(actor=ANONYMOUS, query="街角小吃店开业许可", limit=1)
    assert [(h.code, h.name) for h in hits] == [("SFS-0005", "街角小吃店开业许可")]

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.item_update(actor=EDITOR, item=item, changes={"published": False})

    assert "SFS-0005" not in [h.code for h in selectors.service_search(actor=ANONYMOUS, query="街角小吃店开业许可")]


def test_a_change_made_by_another_process_is_seen_through_the_revision_token(catalogue: object) -> None:
    assert selectors.service_search(actor=ANONYMOUS, query="饭店", limit=1)[0].code == "SFS-0005"
    # Another process renamed an item and moved the revision; this process's index knows nothing of it.
    ServiceItem.objects.filter(code="SFS-0005").update(name="夜市摊位经营许可")
    CatalogueRevision.objects.filter(pk=1).update(token=uuid.uuid4().hex)

    hits = selectors.service_search(actor=ANONYMOUS, query="夜市摊位经营许可", limit=1)

    assert [(h.code, h.name) for h in hits] == [("SFS-0005", "夜市摊位经营许可")]


def test_without_a_new_token_the_index_is_reused_until_the_check_interval(catalogue: object, settings: object) -> None:
    settings.GOVSERVICES_SEARCH_CHECK_SECONDS = 3600  # type: ignore[attr-defined]
    engine = selectors.search_engine()
    CatalogueRevision.objects.filter(pk=1).update(token=uuid.uuid4().hex)

    assert selectors.search_engine() is engine


def test_opening_a_result_records_a_click_that_lifts_it_for_that_query(catalogue: object, client: Client) -> None:
    query = "开店"
    before = {h.code: h.score for h in selectors.service_search(actor=ANONYMOUS, query=query, limit=10)}
    chosen = list(before)[3]

    for _ in range(20):
        response = client.get(f"/services/items/{chosen}/", {"q": "  开店 "})
        assert response.status_code == 200

    assert ClickCount.objects.get(query_norm="开店", code=chosen).count == 20
    after = {h.code: h.score for h in selectors.service_search(actor=ANONYMOUS, query=query, limit=10)}
    # The bounded boost of docs/search.md: 1 + 0.3 · (1 − e^(−20/5)); the other results keep their scores.
    assert after[chosen] / before[chosen] == pytest.approx(1 + 0.3 * (1 - math.exp(-4)), rel=1e-3)
    assert {c: s for c, s in after.items() if c != chosen} == {c: s for c, s in before.items() if c != chosen}
    assert list(after).index(chosen) <= 3


def test_a_click_on_a_missing_item_records_nothing(catalogue: object, client: Client) -> None:
    assert client.get("/services/items/SFS-9999/", {"q": "开店"}).status_code == 404
    assert client.get("/services/items/SFS-0005/", {"q": "户" * 101}).status_code == 200
    assert ClickCount.objects.count() == 0
