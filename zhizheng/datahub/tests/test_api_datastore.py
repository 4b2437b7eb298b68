"""The JSON API of uploads, quality rules, sealed access-log days, and the data API over an uploaded table."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zhizheng.core.actor import SYSTEM
from zhizheng.datahub import services
from zhizheng.datahub.models import DataAccess, DatastoreTable, ImportJob, QualityRuleSet
from zhizheng.datahub.services.access_log import access_log_seal
from zhizheng.datahub.tests import factories

BASE = "/api/v1/datahub"
BROKEN = "名称,厕位数\n人民广场公厕,12\n滨江公园公厕,八\n火车站东公厕\n".encode()


def _upload(client, resource, content=BROKEN, name="toilets.csv"):
    return client.post(f"{BASE}/imports", {"resource_code": resource.code, "file": SimpleUploadedFile(name, content)})


def _json(client, method, url, body):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_upload_review_confirm_report_and_accept_over_http(client, hub, django_capture_on_commit_callbacks):
    resource = factories.catalogue_entry()
    client.force_login(hub.civil_officer.user)
    created = _upload(client, resource)
    assert created.status_code == 201
    job = created.json()
    assert (job["status"], job["encoding"], job["headers"]) == ("review", "utf-8", ["名称", "厕位数"])
    assert [c["name"] for c in job["columns"]] == ["ming_cheng", "ce_wei_shu"]
    columns = [
        {"name": "name", "label": "名称", "data_type": "C", "nullable": False, "indexed": True},
        {"name": "seats", "label": "厕位数", "data_type": "I"},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = _json(client, "post", f"{BASE}/imports/{job['id']}/confirm", {"columns": columns})
    assert confirmed.status_code == 200
    progress = client.get(f"{BASE}/imports/{job['id']}").json()
    assert (progress["status"], progress["rows_ok"], progress["rows_bad"], progress["progress"]) == (
        "decision",
        1,
        2,
        100,
    )
    problems = client.get(f"{BASE}/imports/{job['id']}/problems").json()
    assert problems["count"] == 2
    assert [(p["line"], p["column"], p["code"]) for p in problems["items"]] == [
        (3, "seats", "bad_integer"),
        (4, "", "ragged"),
    ]
    assert problems["items"][0]["message"] == "“八”不是整数。"
    assert problems["items"][0]["message_en"] == "“八” is not a whole number."
    accepted = client.post(f"{BASE}/imports/{job['id']}/accept")
    assert (accepted.status_code, accepted.json()["status"]) == (200, "done")
    again = client.post(f"{BASE}/imports/{job['id']}/accept")
    assert (again.status_code, again.json()["code"]) == (409, "datahub.import_transition")
    assert DatastoreTable.objects.get(resource=resource).row_count == 1


def test_bad_uploads_are_422_problems(client, hub):
    resource = factories.catalogue_entry()
    client.force_login(hub.civil_officer.user)
    response = _upload(client, resource, b"a;b\n", name="notes.txt")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "datahub.upload_invalid"
    assert "upload a .csv or .xlsx file" in body["detail_en"]
    assert "请上传 .csv 或 .xlsx 文件" in body["detail"]
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("citizen", 403), ("police_officer", 403), ("civil_caseworker", 403), ("civil_officer", 201)],
)
def test_upload_authorisation_matrix(client, hub, who, status):
    resource = factories.catalogue_entry()
    if who != "anonymous":
        client.force_login(getattr(hub, who).user)
    response = _upload(client, resource)
    assert response.status_code == status
    assert ImportJob.objects.count() == (1 if status == 201 else 0)


def test_jobs_of_other_departments_are_hidden(client, hub):
    resource = factories.catalogue_entry()
    client.force_login(hub.civil_officer.user)
    job = _upload(client, resource).json()
    client.force_login(hub.police_officer.user)
    assert client.get(f"{BASE}/imports/{job['id']}").status_code == 404
    assert client.post(f"{BASE}/imports/{job['id']}/discard").status_code == 404
    assert client.get(f"{BASE}/imports", {"resource_code": resource.code}).json() == {"count": 0, "items": []}
    assert ImportJob.objects.get().status == "review"


def test_import_list_has_a_query_ceiling(client, hub, django_assert_max_num_queries):
    resource = factories.catalogue_entry()
    client.force_login(hub.civil_officer.user)
    for _ in range(3):
        _upload(client, resource)
    with django_assert_max_num_queries(10):
        listed = client.get(f"{BASE}/imports", {"resource_code": resource.code}).json()
    assert listed["count"] == 3


def test_quality_rules_runs_failures_and_scores_over_http(client, hub):
    resource = factories.toilets()
    client.force_login(hub.civil_officer.user)
    rules = [{"kind": "range", "column": "seats", "min": 6, "max": 15}, {"kind": "not_null", "column": "fee"}]
    saved = _json(client, "put", f"{BASE}/quality/rules", {"resource_code": resource.code, "rules": rules})
    assert saved.status_code == 200
    assert client.get(f"{BASE}/quality/rules", {"resource_code": resource.code}).json()["rules"] == rules
    run = _json(client, "post", f"{BASE}/quality/runs", {"resource_code": resource.code})
    assert run.status_code == 201
    assert [(r["kind"], r["failed"]) for r in run.json()["results"]] == [("range", 1), ("not_null", 1)]
    assert run.json()["score"] == 75.0
    latest = client.get(f"{BASE}/quality/runs/latest", {"resource_code": resource.code}).json()
    assert latest["score"] == 75.0
    failures = client.get(f"{BASE}/quality/failures", {"resource_code": resource.code, "rule": 0}).json()
    assert (failures["count"], [r["name"] for r in failures["items"]]) == (1, ["火车站东公厕"])
    assert "keeper" not in failures["columns"]
    assert client.get(f"{BASE}/quality/failures", {"resource_code": resource.code, "rule": 7}).status_code == 404
    scores = client.get(f"{BASE}/quality/departments").json()
    assert scores == {"count": 1, "items": [{"code": "MZJ", "name": "示范市MZJ", "resources": 1, "score": 75.0}]}


def test_unknown_rule_keys_are_a_clear_422(client, hub):
    resource = factories.toilets()
    client.force_login(hub.civil_officer.user)
    body = {"resource_code": resource.code, "rules": [{"kind": "not_null", "column": "seats", "severity": "high"}]}
    response = _json(client, "put", f"{BASE}/quality/rules", body)
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "datahub.quality_rules_invalid"
    assert "rules[0].severity" in json.dumps(problem, ensure_ascii=False)
    assert not QualityRuleSet.objects.exists()
    client.force_login(hub.police_officer.user)
    denied = _json(client, "put", f"{BASE}/quality/rules", {"resource_code": resource.code, "rules": []})
    assert denied.status_code == 403
    assert not QualityRuleSet.objects.exists()


def test_data_api_serves_uploaded_tables_masked_and_logged(client, hub):
    resource = factories.toilets()
    spec = services.RequestSpec(
        resource_code=resource.code,
        department_code="JYJ",
        purpose="校园周边公厕规划",
        fields=("name", "district", "keeper"),
        legal_basis="《城市公共厕所管理办法》",
        period_days=30,
    )
    issued = services.request_create(actor=hub.education_caseworker.actor, spec=spec)
    response = client.get(f"{BASE}/data/{resource.code}", {"limit": 2}, HTTP_AUTHORIZATION=f"Bearer {issued.key}")
    assert response.status_code == 200
    assert response.json() == {
        "count": 4,
        "fields": ["name", "district", "keeper"],
        "items": [
            {"name": "人民广场公厕", "district": "青山区", "keeper": "王**"},
            {"name": "滨江公园公厕", "district": "江南区", "keeper": "李*"},
        ],
    }
    outside = client.get(f"{BASE}/data/{resource.code}", {"fields": "seats"}, HTTP_AUTHORIZATION=f"Bearer {issued.key}")
    assert (outside.status_code, outside.json()["code"]) == (403, "datahub.fields_not_granted")
    assert list(DataAccess.objects.order_by("id").values_list("rows", "outcome")) == [
        (2, "served"),
        (0, "datahub.fields_not_granted"),
    ]


def test_sealed_days_are_listed_and_verified_over_http(client, hub):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    at = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(10)))
    access = DataAccess.objects.create(at=at, caller="grant:1:MZJ", resource_code="x", outcome="served")
    access_log_seal(actor=SYSTEM, day=yesterday)
    client.force_login(hub.reviewer.user)
    listed = client.get(f"{BASE}/access-seals").json()
    assert (listed["count"], listed["items"][0]["entries"]) == (1, 1)
    ok = client.get(f"{BASE}/access-seals/{yesterday.isoformat()}/verify").json()
    assert (ok["ok"], ok["first_difference"]) == (True, None)
    DataAccess.objects.filter(pk=access.pk).update(rows=5)
    bad = client.get(f"{BASE}/access-seals/{yesterday.isoformat()}/verify").json()
    assert (bad["ok"], bad["first_difference"], bad["difference"]) == (False, access.pk, "changed")
    client.force_login(hub.citizen.user)
    assert client.get(f"{BASE}/access-seals").status_code == 403
