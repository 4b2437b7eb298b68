"""Workbench pages of a resource's data: table preview, upload, schema review, progress, problem report, quality
rules and failing rows, department scores and the sealed access log."""

from __future__ import annotations

import datetime as dt
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from zhizheng.core.actor import SYSTEM
from zhizheng.datahub.models import DataAccess, ImportJob, QualityRuleSet
from zhizheng.datahub.services.access_log import access_log_seal
from zhizheng.datahub.tests import factories

BROKEN = "名称,厕位数,启用日期\n人民广场公厕,12,2019-05-01\n滨江公园公厕,八,2021-02-30\n".encode()


def test_table_page_filters_sorts_and_hides_personal_columns(client, hub, django_assert_max_num_queries):
    resource = factories.toilets()
    client.force_login(hub.civil_caseworker.user)
    url = reverse("datahub:table", args=[resource.code])
    with django_assert_max_num_queries(15):
        page = client.get(url, {"district": "青山区", "sort": "seats desc"})
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("火车站东公厕") < html.index("人民广场公厕")
    assert "滨江公园公厕" not in html
    assert "王小明" not in html
    assert "保洁员" not in html
    assert "Upload a table" not in html
    assert "上传数据表" not in html
    bad = client.get(url, {"seats": "many"})
    assert bad.status_code == 422
    assert "不是字段“seats”的有效值" in bad.content.decode()


def test_a_resource_without_data_says_so(client, hub):
    resource = factories.catalogue_entry(name="示范市停车场")
    client.force_login(hub.civil_officer.user)
    page = client.get(reverse("datahub:table", args=[resource.code]))
    assert page.status_code == 200
    assert "尚无数据表" in page.content.decode()


def test_upload_review_progress_and_decision_pages(client, hub, django_capture_on_commit_callbacks):
    resource = factories.catalogue_entry()
    client.force_login(hub.civil_officer.user)
    sent = client.post(
        reverse("datahub:upload", args=[resource.code]), {"file": SimpleUploadedFile("toilets.csv", BROKEN)}
    )
    job = ImportJob.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == reverse("datahub:import_job", args=[job.pk])
    review = client.get(sent["Location"]).content.decode()
    assert 'value="ming_cheng"' in review
    assert "启用日期" in review
    form = {
        "name-0": "name",
        "label-0": "名称",
        "type-0": "C",
        "indexed-0": "on",
        "name-1": "seats",
        "label-1": "厕位数",
        "type-1": "I",
        "nullable-1": "on",
        "name-2": "opened_on",
        "label-2": "启用日期",
        "type-2": "D",
        "nullable-2": "on",
        "encoding": "utf-8",
    }
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(reverse("datahub:import_confirm", args=[job.pk]), form)
    assert confirmed.status_code == 302
    report = client.get(reverse("datahub:import_job", args=[job.pk])).content.decode()
    assert "“八”不是整数。" in report
    assert "“2021-02-30”不是日期" in report
    assert ">3</td>" in report
    partial = client.get(reverse("datahub:import_job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert partial.content.decode().startswith('<div id="import-progress"')
    assert "hx-trigger" not in partial.content.decode()  # finished: polling stops
    client.post(reverse("datahub:import_decide", args=[job.pk]), {"decision": "accept"})
    job.refresh_from_db()
    assert (job.status, job.rows_ok) == ("done", 1)


def test_a_bad_schema_is_shown_again_with_its_errors(client, hub):
    resource = factories.catalogue_entry()
    client.force_login(hub.civil_officer.user)
    client.post(reverse("datahub:upload", args=[resource.code]), {"file": SimpleUploadedFile("t.csv", BROKEN)})
    job = ImportJob.objects.get()
    form = {"name-0": "Bad Name", "label-0": "名称", "type-0": "C", "name-1": "seats", "label-1": "厕位数"}
    form |= {"type-1": "I", "name-2": "opened_on", "label-2": "启用日期", "type-2": "D"}
    response = client.post(reverse("datahub:import_confirm", args=[job.pk]), form)
    assert response.status_code == 422
    assert "列名由小写字母" in response.content.decode()
    job.refresh_from_db()
    assert job.status == "review"


def test_a_bad_file_is_refused_on_the_page(client, hub):
    resource = factories.catalogue_entry()
    client.force_login(hub.civil_officer.user)
    response = client.post(
        reverse("datahub:upload", args=[resource.code]), {"file": SimpleUploadedFile("t.txt", b"a")}, follow=True
    )
    assert "请上传 .csv 或 .xlsx 文件" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_other_departments_cannot_upload_or_see_jobs(client, hub):
    resource = factories.catalogue_entry()
    client.force_login(hub.civil_officer.user)
    client.post(reverse("datahub:upload", args=[resource.code]), {"file": SimpleUploadedFile("t.csv", BROKEN)})
    job = ImportJob.objects.get()
    client.force_login(hub.police_officer.user)
    denied = client.post(reverse("datahub:upload", args=[resource.code]), {"file": SimpleUploadedFile("t.csv", BROKEN)})
    assert denied.status_code == 403
    assert client.get(reverse("datahub:import_job", args=[job.pk])).status_code == 404
    assert client.post(reverse("datahub:import_decide", args=[job.pk]), {"decision": "discard"}).status_code == 404
    assert ImportJob.objects.count() == 1
    assert ImportJob.objects.get().status == "review"


def test_quality_page_rules_run_and_failing_rows(client, hub):
    resource = factories.toilets()
    client.force_login(hub.civil_officer.user)
    url = reverse("datahub:quality", args=[resource.code])
    invalid = client.post(url, {"rules": "[{", "action": "save"})
    assert invalid.status_code == 422
    unknown = client.post(url, {"rules": json.dumps([{"kind": "not_null", "column": "fee", "x": 1}]), "action": "save"})
    assert unknown.status_code == 422
    assert "rules[0].x" in unknown.content.decode()
    assert not QualityRuleSet.objects.exists()
    rules = [{"kind": "range", "column": "seats", "min": 6, "max": 15}]
    assert client.post(url, {"rules": json.dumps(rules), "action": "save"}).status_code == 302
    assert client.post(url, {"action": "run"}).status_code == 302
    page = client.get(url, {"rule": "0"}).content.decode()
    assert "75.0" in page
    assert "火车站东公厕" in page
    client.force_login(hub.police_officer.user)
    assert client.post(url, {"rules": "[]", "action": "save"}).status_code == 403
    assert QualityRuleSet.objects.get().rules == rules


def test_department_scores_and_access_log_pages(client, hub):
    resource = factories.toilets()
    client.force_login(hub.civil_officer.user)
    url = reverse("datahub:quality", args=[resource.code])
    client.post(url, {"rules": json.dumps([{"kind": "not_null", "column": "fee"}]), "action": "save"})
    client.post(url, {"action": "run"})
    scores = client.get(reverse("datahub:quality_departments")).content.decode()
    assert "示范市MZJ" in scores
    assert "75.0" in scores
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    at = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(9)))
    access = DataAccess.objects.create(at=at, caller="grant:1:MZJ", resource_code="x", outcome="served")
    access_log_seal(actor=SYSTEM, day=yesterday)
    log_url = reverse("datahub:access_log")
    assert "alert-success" in client.get(log_url, {"verify": yesterday.isoformat()}).content.decode()
    DataAccess.objects.filter(pk=access.pk).update(caller="grant:2:JYJ")
    tampered = client.get(log_url, {"verify": yesterday.isoformat()}).content.decode()
    assert f"第一条不一致的记录：{access.pk}（changed）" in tampered
