"""The CKAN Action API, read with the real ``ckanapi`` client against a live server, and with the test client for
GET, the /api/3/ path, HTTP statuses, CSRF, keys and rate limits."""

from __future__ import annotations

import json
import uuid

import pytest
from ckanapi import RemoteCKAN
from ckanapi.errors import CKANAPIError, NotAuthorized, NotFound, ValidationError
from django.core.cache import cache
from django.test import Client

from zhizheng.datahub import services
from zhizheng.datahub.models import AppUsage
from zhizheng.datahub.opendata.ckan import package_id, resource_id, tag_id
from zhizheng.registries.models import EconomicObservation, SpatialUnit

SPATIAL, MACRO = "10301-000001", "10401-000001"
OPEN_COUNT = 12


@pytest.fixture(autouse=True)
def _fresh_rate_windows():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clients(live_server):
    """``clients(apikey=...)``: ckanapi clients of the live server, closed after the test (no keep-alive left)."""
    made: list[RemoteCKAN] = []

    def make(**kwargs) -> RemoteCKAN:
        made.append(RemoteCKAN(live_server.url, user_agent="zhizheng-tests/1.0", **kwargs))
        return made[-1]

    yield make
    for ckan in made:
        ckan.close()


@pytest.mark.django_db(transaction=True)
def test_the_ckanapi_client_reads_the_catalogue(live_server, clients, open_city):
    ckan = clients()
    names = ckan.action.package_list()
    assert len(names) == OPEN_COUNT
    assert SPATIAL in names
    assert "10101-000001" not in names

    found = ckan.action.package_search(q="经济", rows=5, facet_field=None)
    assert found["count"] == 1
    assert found["results"][0]["name"] == MACRO

    faceted = ckan.call_action(
        "package_search",
        {"fq": "tags:名录 organization:jyj", "facet.field": ["organization", "tags", "res_format"], "rows": 10},
    )
    assert faceted["count"] == 1
    assert faceted["results"][0]["title"] == "中小学校名录"
    assert faceted["facets"]["organization"] == {"jyj": 1}
    assert faceted["facets"]["tags"] == {"教育": 1, "名录": 1}
    assert faceted["search_facets"]["res_format"]["items"] == []

    with_data = ckan.call_action("package_search", {"fq": "res_format:CSV", "facet.field": ["res_format"]})
    assert sorted(p["name"] for p in with_data["results"]) == [SPATIAL, MACRO, "31401-000001", "31501-000001"]
    assert with_data["facets"]["res_format"] == {"CSV": 4, "JSON": 4, "XLSX": 4}

    paged = [ckan.call_action("package_search", {"rows": 5, "start": s, "sort": "name asc"}) for s in (0, 5, 10, 15)]
    assert [len(p["results"]) for p in paged] == [5, 5, 2, 0]  # a page past the end is empty
    assert sorted(n for p in paged for n in (r["name"] for r in p["results"])) == sorted(names)

    package = ckan.action.package_show(id=SPATIAL)
    assert package["id"] == package_id("10301/000001")
    assert package["organization"]["name"] == "zrzyj"
    assert package["groups"][0]["name"] == "base"
    assert [t["name"] for t in package["tags"]] == ["空间地理", "行政区划"]
    assert [r["format"] for r in package["resources"]] == ["CSV", "JSON", "XLSX"]
    assert package["resources"][0]["url"] == f"{live_server.url}/data/datasets/{SPATIAL}/download.csv"
    assert {e["key"]: e["value"] for e in package["extras"]}["update_cycle"] == "yearly"
    assert ckan.action.package_show(id=package["id"])["name"] == SPATIAL  # by id too

    resource = ckan.action.resource_show(id=package["resources"][1]["id"])
    assert resource["format"] == "JSON"
    assert resource["mimetype"] == "application/json"
    assert resource["datastore_active"] is True

    organisations = ckan.action.organization_list(all_fields=True)
    assert len(organisations) == 11
    transport = next(o for o in organisations if o["name"] == "jtysj")
    assert transport["package_count"] == 2
    shown = ckan.action.organization_show(id="jtysj", include_datasets=True)
    assert sorted(p["title"] for p in shown["packages"]) == ["公交线路与站点", "示范市公共停车场信息"]

    assert ckan.action.group_list() == ["base", "department", "theme"]
    groups = {g["name"]: g["package_count"] for g in ckan.action.group_list(all_fields=True)}
    assert groups == {"base": 2, "department": 8, "theme": 2}
    assert "统计" in ckan.action.tag_list()
    assert ckan.action.tag_list(query="交通") == ["交通出行"]
    assert ckan.action.tag_list(query="交通", all_fields=True) == [
        {"id": tag_id("交通出行"), "name": "交通出行", "display_name": "交通出行", "vocabulary_id": None}
    ]
    assert ckan.action.status_show()["ckan_version"] == "2.10.4"


@pytest.mark.django_db(transaction=True)
def test_the_ckanapi_client_searches_the_datastore(live_server, clients, open_city):
    ckan = clients()
    csv_id = resource_id("10301/000001", "csv")
    first = ckan.action.datastore_search(resource_id=csv_id, limit=5)
    assert first["total"] == SpatialUnit.objects.count()
    assert [f["id"] for f in first["fields"]] == ["_id", "code", "name", "level", "parent_code", "area_km2"]
    units = list(SpatialUnit.objects.order_by("pk")[:5])
    assert [(r["_id"], r["code"]) for r in first["records"]] == [(u.pk, u.code) for u in units]

    districts = ckan.action.datastore_search(
        resource_id=csv_id, filters={"level": "district"}, fields=["code", "name"], sort="code desc", limit=100
    )
    expected = list(SpatialUnit.objects.filter(level="district").order_by("-code").values_list("code", "name"))
    assert [(r["code"], r["name"]) for r in districts["records"]] == expected
    assert set(districts["records"][0]) == {"code", "name"}

    searched = ckan.action.datastore_search(resource_id=csv_id, q="东城区", include_total=False)
    assert "total" not in searched
    assert all("东城区" in r["name"] for r in searched["records"])

    cpi = ckan.action.datastore_search(
        resource_id=resource_id("10401/000001", "xlsx"), filters={"indicator": "cpi"}, limit=3, offset=2
    )
    assert cpi["total"] == EconomicObservation.objects.filter(indicator__code="cpi").count()
    cpi_ids = list(
        EconomicObservation.objects.filter(indicator__code="cpi").order_by("pk").values_list("pk", flat=True)
    )
    assert [r["_id"] for r in cpi["records"]] == cpi_ids[2:5]
    assert {r["indicator"] for r in cpi["records"]} == {"cpi"}

    with pytest.raises(ValidationError):
        ckan.action.datastore_search(resource_id=csv_id, filters={"nope": 1})
    with pytest.raises(ValidationError):
        ckan.action.datastore_search(resource_id=csv_id, sort="code sideways")
    with pytest.raises(NotFound):
        ckan.action.datastore_search(resource_id=str(uuid.uuid4()))


@pytest.mark.django_db(transaction=True)
def test_the_ckanapi_client_gets_ckan_errors(live_server, clients, open_city):
    ckan = clients()
    with pytest.raises(NotFound):
        ckan.action.package_show(id="10101-000001")  # population: not open
    with pytest.raises(NotFound):
        ckan.action.organization_show(id="gaj")
    with pytest.raises(ValidationError):
        ckan.action.package_show()
    with pytest.raises(ValidationError):
        ckan.action.package_search(fq="colour:blue")
    with pytest.raises(CKANAPIError):
        ckan.call_action("package_create", {"name": "x"})  # not an action here


@pytest.mark.django_db(transaction=True)
def test_an_app_key_counts_calls_and_a_revoked_key_is_refused(live_server, clients, open_city):
    owner = open_city.citizen
    app, key = services.app_register(actor=owner.actor, name="公交查询小程序")
    ckan = clients(apikey=key)
    ckan.action.package_show(id=SPATIAL)
    ckan.action.package_show(id=SPATIAL)
    ckan.action.package_list()
    usage = {u.resource_code: u.calls for u in AppUsage.objects.filter(app=app)}
    assert usage == {"10301/000001": 2, "": 1}
    services.app_revoke(actor=owner.actor, app=app)
    with pytest.raises(NotAuthorized):
        ckan.action.package_list()
    with pytest.raises(NotAuthorized):
        clients(apikey="zz_nonexisten_" + "x" * 43).action.package_list()
    assert sum(u.calls for u in AppUsage.objects.filter(app=app)) == 3


def test_get_and_the_versioned_path_and_http_statuses(client, open_city):
    ok = client.get("/api/3/action/package_show", {"id": SPATIAL})
    assert ok.status_code == 200
    body = ok.json()
    assert body["success"] is True
    assert body["help"] == "http://testserver/data/developers/#package_show"
    assert body["result"]["title"] == "自然资源和空间地理基础信息（空间单元）"
    facets = client.get("/api/3/action/package_search", {"facet.field": '["groups"]', "rows": "0"}).json()
    assert facets["result"]["results"] == []
    assert facets["result"]["facets"]["groups"] == {"department": 8, "theme": 2, "base": 2}

    missing = client.get("/api/3/action/package_show", {"id": "10101-000001"})
    assert missing.status_code == 404
    assert missing.json() == {
        "help": "http://testserver/data/developers/#package_show",
        "success": False,
        "error": {"__type": "Not Found Error", "message": "Not found: Dataset"},
    }
    invalid = client.get("/api/action/package_search", {"rows": "many"})
    assert invalid.status_code == 409
    assert invalid.json()["error"] == {
        "__type": "Validation Error",
        "message": "rows: Invalid integer",
        "rows": ["Invalid integer"],
    }
    unknown = client.get("/api/3/action/package_delete")
    assert unknown.status_code == 400
    assert unknown.json()["error"] == {"__type": "Not Found Error", "message": "Action name not known: package_delete"}
    bad_key = client.get("/api/3/action/package_list", HTTP_AUTHORIZATION="dh_nope")
    assert bad_key.status_code == 403
    assert bad_key.json()["error"]["__type"] == "Authorization Error"
    assert client.put("/api/3/action/package_list").status_code == 405


def test_post_with_a_json_body_needs_no_csrf_token(open_city):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/3/action/datastore_search",
        data=json.dumps(
            {"resource_id": resource_id("10401/000001", "csv"), "limit": 1, "filters": {"indicator": "gdp"}}
        ),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["result"]["records"][0]["indicator"] == "gdp"
    form = client.post("/api/action/package_show", {"id": "10301-000001"})
    assert form.json()["result"]["name"] == "10301-000001"
    broken = client.post("/api/3/action/package_list", data="{not json", content_type="application/json")
    assert broken.status_code == 409
    assert broken.json()["error"]["message"] == "Request body is not valid JSON"


def test_anonymous_callers_and_apps_have_rate_limits(client, open_city, settings):
    settings.DATAHUB_ANONYMOUS_RATE_LIMIT = 2
    assert [client.get("/api/3/action/status_show").status_code for _ in range(3)] == [200, 200, 429]
    limited = client.get("/api/3/action/status_show").json()
    assert limited["success"] is False
    assert limited["error"]["__type"] == "Authorization Error"
    app, key = services.app_register(actor=open_city.citizen.actor, name="限流测试")
    app.rate_limit = 1
    app.save(update_fields=["rate_limit"])
    statuses = [client.get("/api/3/action/package_list", HTTP_AUTHORIZATION=key).status_code for _ in range(2)]
    assert statuses == [200, 429]  # the app's own limit, not the exhausted anonymous one
    assert AppUsage.objects.get(app=app).calls == 1  # a refused call is not counted as served


def test_package_search_has_a_query_ceiling(client, open_city, django_assert_max_num_queries):
    facets = '["organization","groups","tags","update_cycle","res_format"]'
    url = f"/api/3/action/package_search?rows=1000&facet.field={facets}"
    with django_assert_max_num_queries(12):
        body = client.get(url).json()
    assert len(body["result"]["results"]) == OPEN_COUNT
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/3/action/organization_list", {"all_fields": "true"}).json()["result"]) == 11
