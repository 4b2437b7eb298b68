"""The open-data portal /data/: only published open resources, search with facets, metadata, previews, streamed
downloads, organisations and the developers' page."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from zhizheng.core.actor import SYSTEM
from zhizheng.datahub import services
from zhizheng.datahub.choices import Category, Format, OpenType, ShareType, UpdateCycle
from zhizheng.datahub.models import Resource
from zhizheng.datahub.tests import factories
from zhizheng.registries.models import EconomicObservation, SpatialUnit

SPATIAL, MACRO, POPULATION, LEGAL = "10301-000001", "10401-000001", "10101-000001", "10201-000001"
OPEN_COUNT = 12  # eight catalogue-only demo entries, spatial units, macro series and the two demo tables


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_index_lists_only_published_open_resources_with_facets(client, open_city, django_assert_max_num_queries):
    services.resource_create(  # a draft marked open stays invisible until published
        actor=SYSTEM,
        spec=services.ResourceSpec(
            category=Category.THEME,
            class_code="20901",
            name="草稿开放数据",
            provider_code="JYJ",
            summary="尚未发布",
            format=Format.SPREADSHEET,
            share_type=ShareType.UNCONDITIONAL,
            open_type=OpenType.OPEN,
            update_cycle=UpdateCycle.DAILY,
            items=(services.ItemSpec("a", "甲", "C"),),
        ),
    )
    with django_assert_max_num_queries(16):
        page = client.get("/data/")
    text = page.content.decode()
    assert page.status_code == 200
    assert f"{OPEN_COUNT} 个数据集" in text
    assert "空气质量监测日报" in text
    assert "人口基础信息" not in text  # not open
    assert "法人单位基础信息" not in text  # open on conditions only
    assert "草稿开放数据" not in text
    assert f'href="/data/datasets/{SPATIAL}/"' in text
    assert "?organization=JTYSJ" in text  # the department facet links


def test_facets_narrow_the_results_and_htmx_gets_only_the_results(client, open_city):
    by_tag = client.get("/data/", {"tags": "名录"}).content.decode()
    assert by_tag.count("<article") == 4
    both = client.get("/data/", {"tags": ["名录", "教育"]}).content.decode()
    assert both.count("<article") == 1
    assert "中小学校名录" in both
    by_department = client.get("/data/", {"organization": "JTYSJ", "update_cycle": "weekly"})
    assert by_department.content.decode().count("<article") == 1
    partial = client.get("/data/", {"q": "经济"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial
    assert partial.count("<article") == 1
    assert "宏观经济基础信息" in partial
    past_the_end = client.get("/data/", {"page": "9"}).content.decode()
    assert past_the_end.count("<article") == 0


def test_a_dataset_page_shows_bilingual_metadata_and_a_preview(client, open_city):
    page = client.get(f"/data/datasets/{SPATIAL}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "更新周期" in text
    assert "Update frequency" in text
    assert "开放属性" in text
    assert "Access rights" in text
    assert "行政区划" in text  # a tag
    codes = list(SpatialUnit.objects.order_by("pk").values_list("code", flat=True)[:11])
    assert all(f"<td>{code}</td>" in text for code in codes[:10])  # the first ten rows
    assert f"<td>{codes[10]}</td>" not in text
    for extension in ("csv", "json", "xlsx"):
        assert f"/data/datasets/{SPATIAL}/download.{extension}" in text
    catalogue_only = client.get("/data/datasets/20301-000001/").content.decode()
    assert "download.csv" not in catalogue_only


@pytest.mark.parametrize("slug", [POPULATION, LEGAL, "19999-000001"])
def test_resources_that_are_not_open_do_not_exist_here(client, open_city, slug):
    assert client.get(f"/data/datasets/{slug}/").status_code == 404
    assert client.get(f"/data/datasets/{slug}/download.csv").status_code == 404


def test_downloads_stream_every_row_in_three_formats(client, open_city):
    units = SpatialUnit.objects.count()
    response = client.get(f"/data/datasets/{SPATIAL}/download.csv")
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{SPATIAL}.csv"'
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))
    assert rows[0] == ["code", "name", "level", "parent_code", "area_km2"]
    assert len(rows) == units + 1
    observations = json.loads(_body(client.get(f"/data/datasets/{MACRO}/download.json")))
    assert len(observations) == EconomicObservation.objects.count()
    assert set(observations[0]) == {"indicator", "indicator_name", "period", "value", "unit"}
    workbook = load_workbook(io.BytesIO(_body(client.get(f"/data/datasets/{SPATIAL}/download.xlsx"))))
    assert workbook.sheetnames == ["data", "fields"]
    assert workbook["data"].max_row == units + 1
    assert [c.value for c in workbook["fields"][2]] == ["code", "空间单元代码", "text"]
    assert client.get(f"/data/datasets/{SPATIAL}/download.pdf").status_code == 404
    assert client.get("/data/datasets/20301-000001/download.csv").status_code == 404  # no table behind it


def test_an_uploaded_open_table_is_previewed_and_downloaded_without_its_personal_column(client, open_city):
    toilets = factories.toilets()  # an open resource of MZJ whose keeper's name is a masked column
    page = client.get(f"/data/datasets/{toilets.slug}/").content.decode()
    assert "人民广场公厕" in page
    assert "王小明" not in page
    rows = list(
        csv.reader(io.StringIO(_body(client.get(f"/data/datasets/{toilets.slug}/download.csv")).decode("utf-8-sig")))
    )
    assert rows[0] == ["name", "district", "seats", "opened_on", "accessible", "fee"]
    assert rows[1] == ["人民广场公厕", "青山区", "12", "2019-05-01", "True", "0.0"]
    assert len(rows) == 5
    assert "王小明" not in str(rows)
    by_format = client.get("/data/", {"q": "厕所"}).content.decode()
    assert by_format.count("<article") == 2  # the uploaded table and the catalogue-only demo entry


def test_organisation_pages(client, open_city):
    listing = client.get("/data/organizations/").content.decode()
    assert listing.count('class="list-group-item') == 11
    page = client.get("/data/organizations/JTYSJ/").content.decode()
    assert page.count("<article") == 2
    assert client.get("/data/organizations/GAJ/").status_code == 404  # publishes nothing open
    assert client.get("/data/organizations/NOPE/").status_code == 404


def test_the_developers_page_documents_every_action(client, open_city):
    text = client.get("/data/developers/").content.decode()
    for name in ("package_search", "datastore_search", "organization_show", "status_show"):
        assert f'id="{name}"' in text
    assert "http://testserver/api/3/action/" in text


def test_the_demo_open_catalogue_is_idempotent(open_city):
    before = Resource.objects.count()
    assert services.open_catalogue_load(actor=SYSTEM) == 0
    assert Resource.objects.count() == before


def test_tags_are_set_by_the_providers_data_officer_only(open_city):
    population = Resource.objects.get(code="10101/000001")
    services.resource_tags_set(
        actor=open_city.police_officer.actor, resource=population, tags=["人口", " 人口 ", "户籍"]
    )
    assert sorted(population.tags.values_list("name", flat=True)) == ["人口", "户籍"]
    from zhizheng.core.errors import PermissionDenied
    from zhizheng.datahub.errors import CatalogueRuleBroken

    with pytest.raises(PermissionDenied):
        services.resource_tags_set(actor=open_city.civil_officer.actor, resource=population, tags=["别人的"])
    with pytest.raises(CatalogueRuleBroken):
        services.resource_tags_set(actor=open_city.police_officer.actor, resource=population, tags=["x" * 51])
    assert sorted(population.tags.values_list("name", flat=True)) == ["人口", "户籍"]


def test_the_portal_navigation_links_the_open_data_portal(client, hub):
    home = client.get("/").content.decode()
    assert 'href="/data/"' in home
    assert "开放数据" in home
