"""Uploads of CSV and XLSX files: encoding detection, the inferred schema, streaming in chunks, the problem report
with line numbers, and the all-or-accepted-rows rule."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import translation
from openpyxl import Workbook

from zhizheng.core.actor import SYSTEM
from zhizheng.core.errors import PermissionDenied
from zhizheng.datahub.choices import ImportStatus, Source
from zhizheng.datahub.errors import ImportNotAllowed, ImportTargetInvalid, SchemaInvalid, UploadInvalid
from zhizheng.datahub.models import ColumnSpec, DatastoreTable, ImportJob, ImportProblem, Resource
from zhizheng.datahub.selectors import datastore_query
from zhizheng.datahub.services import imports
from zhizheng.datahub.tests import factories
from zhizheng.datahub.tests.conftest import Hub
from zhizheng.ledger.models import Entry

CLEAN = (
    "名称,地址,厕位数,启用日期,收费\n"
    "人民广场公厕,青山区人民路1号,12,2019-05-01,0\n"
    "滨江公园公厕,江南区滨江路8号,8,2021/03/15,0.5\n"
)
BROKEN = (
    "名称,厕位数,启用日期\n"
    "人民广场公厕,12,2019-05-01\n"
    "滨江公园公厕,八,2021-02-30\n"  # line 3: a number in words, 30 February
    "火车站东公厕,20\n"  # line 4: ragged
    ",6,2020-01-01\n"  # line 5: name required
    "文化宫公厕,6,2020-01-01\n"
)


def upload(hub: Hub, content: bytes, name: str = "toilets.csv", resource: Resource | None = None) -> ImportJob:
    resource = resource or factories.catalogue_entry()
    return imports.import_upload(
        actor=hub.civil_officer.actor, resource=resource, upload=ContentFile(content, name=name), name=name
    )


def run(hub: Hub, job: ImportJob, capture: Callable[..., Any], columns: list[ColumnSpec] | None = None) -> ImportJob:
    specs = columns or [ColumnSpec(**c) for c in job.columns]
    with capture(execute=True):
        imports.import_confirm(actor=hub.civil_officer.actor, job=job, columns=specs)
    job.refresh_from_db()
    return job


def problems(job: ImportJob) -> list[tuple[int, str, str]]:
    return [(p.line, p.column, p.code) for p in ImportProblem.objects.filter(job=job)]


def test_a_clean_utf8_file_is_inferred_reviewed_and_imported(
    hub: Hub, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    job = upload(hub, CLEAN.encode())
    assert (job.status, job.encoding) == ("review", "utf-8")
    assert job.headers == ["名称", "地址", "厕位数", "启用日期", "收费"]
    assert [(c["name"], c["label"], c["data_type"], c["nullable"], c["indexed"]) for c in job.columns] == [
        ("ming_cheng", "名称", "C", False, True),
        ("di_zhi", "地址", "C", False, True),
        ("ce_wei_shu", "厕位数", "I", False, True),
        ("qi_yong_ri_qi", "启用日期", "D", False, True),
        ("shou_fei", "收费", "N", False, False),
    ]
    columns = [ColumnSpec(**c) for c in job.columns]
    columns[0] = ColumnSpec("name", "名称", "C", nullable=False, indexed=True)
    columns[4] = ColumnSpec("fee", "收费（元）", "Y")
    job = run(hub, job, django_capture_on_commit_callbacks, columns)
    assert (job.status, job.rows_read, job.rows_ok, job.rows_bad, job.progress) == ("done", 2, 2, 0, 100)
    resource = Resource.objects.get(pk=job.resource_id)
    assert resource.source == Source.UPLOAD
    result = datastore_query(resource=resource, fields=["name", "qi_yong_ri_qi", "fee"])
    assert result.records == [
        {"name": "人民广场公厕", "qi_yong_ri_qi": "2019-05-01", "fee": 0.0},
        {"name": "滨江公园公厕", "qi_yong_ri_qi": "2021-03-15", "fee": 0.5},
    ]
    acts = list(Entry.objects.filter(act__startswith="datahub.").values_list("act", flat=True).order_by("index"))
    assert acts[-2:] == ["datahub.datastore.replaced", "datahub.import.completed"]


@pytest.mark.parametrize(
    ("encoded", "expected"),
    [
        (CLEAN.encode("gbk"), "gb18030"),
        (CLEAN.encode("gb18030"), "gb18030"),
        (b"\xef\xbb\xbf" + CLEAN.encode(), "utf-8-sig"),
        (CLEAN.encode(), "utf-8"),
    ],
)
def test_the_encoding_is_detected(
    hub: Hub, django_capture_on_commit_callbacks: Callable[..., Any], encoded: bytes, expected: str
) -> None:
    job = upload(hub, encoded)
    assert job.encoding == expected
    assert job.headers[0] == "名称"
    job = run(hub, job, django_capture_on_commit_callbacks)
    assert job.status == "done"
    rows = datastore_query(resource=job.resource, fields=["ming_cheng"]).records
    assert rows == [{"ming_cheng": "人民广场公厕"}, {"ming_cheng": "滨江公园公厕"}]


def test_a_malformed_file_lists_every_problem_and_waits_for_a_decision(
    hub: Hub, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    resource = factories.toilets()
    content = BROKEN.encode() + "坏编码公厕,3,2020-01-01\n".encode("gbk")  # line 7: GBK bytes in a UTF-8 file
    job = upload(hub, content, resource=resource)
    columns = [
        ColumnSpec("name", "名称", "C", nullable=False),
        ColumnSpec("seats", "厕位数", "I"),
        ColumnSpec("opened_on", "启用日期", "D"),
    ]
    job = run(hub, job, django_capture_on_commit_callbacks, columns)
    assert (job.status, job.rows_read, job.rows_ok, job.rows_bad) == ("decision", 6, 2, 4)
    assert problems(job) == [
        (3, "seats", "bad_integer"),
        (3, "opened_on", "bad_date"),
        (4, "", "ragged"),
        (5, "name", "required"),
        (7, "", "encoding"),
    ]
    first = ImportProblem.objects.filter(job=job).first()
    assert first is not None
    assert imports.problem_text(first) == "“八”不是整数。"
    with translation.override("en"):
        assert imports.problem_text(first) == "“八” is not a whole number."
    # the resource's table is untouched until the officer decides
    assert DatastoreTable.objects.get(resource=resource).row_count == 4
    imports.import_accept(actor=hub.civil_officer.actor, job=job)
    job.refresh_from_db()
    table = DatastoreTable.objects.get(resource=resource)
    assert (job.status, table.row_count, table.generation) == ("done", 2, 2)
    assert [r["name"] for r in datastore_query(resource=resource).records] == ["人民广场公厕", "文化宫公厕"]
    completed = Entry.objects.filter(act="datahub.import.completed").get()
    assert (completed.payload["rows_imported"], completed.payload["rows_rejected"]) == (2, 4)


def test_discarding_keeps_the_old_table(hub: Hub, django_capture_on_commit_callbacks: Callable[..., Any]) -> None:
    resource = factories.toilets()
    job = upload(hub, BROKEN.encode(), resource=resource)
    job = run(hub, job, django_capture_on_commit_callbacks)
    assert job.status == "decision"
    imports.import_discard(actor=hub.civil_officer.actor, job=job)
    job.refresh_from_db()
    assert job.status == "discarded"
    assert DatastoreTable.objects.get(resource=resource).row_count == 4
    with pytest.raises(ImportNotAllowed):
        imports.import_accept(actor=hub.civil_officer.actor, job=job)


def test_xlsx_is_read_with_typed_cells(hub: Hub, django_capture_on_commit_callbacks: Callable[..., Any]) -> None:
    import datetime as dt

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name", "seats", "opened_on", "open_24h"])
    sheet.append(["人民广场公厕", 12, dt.datetime(2019, 5, 1), "是"])
    sheet.append(["滨江公园公厕", 8, dt.datetime(2021, 3, 15), "否"])
    sheet.append(["火车站东公厕", "many", "someday", "maybe", "extra"])
    buffer = io.BytesIO()
    book.save(buffer)
    job = upload(hub, buffer.getvalue(), name="toilets.xlsx")
    assert (job.file_format, job.encoding) == ("xlsx", "")
    assert [(c["name"], c["data_type"]) for c in job.columns] == [
        ("name", "C"),
        ("seats", "C"),
        ("opened_on", "C"),
        ("open_24h", "C"),
    ]
    columns = [
        ColumnSpec("name", "名称", "C"),
        ColumnSpec("seats", "厕位数", "I"),
        ColumnSpec("opened_on", "启用日期", "D"),
        ColumnSpec("open_24h", "24小时开放", "L"),
    ]
    job = run(hub, job, django_capture_on_commit_callbacks, columns)
    assert problems(job) == [
        (4, "", "ragged"),
        (4, "seats", "bad_integer"),
        (4, "opened_on", "bad_date"),
        (4, "open_24h", "bad_bool"),
    ]
    imports.import_accept(actor=hub.civil_officer.actor, job=job)
    resource = Resource.objects.get(pk=job.resource_id)
    records = datastore_query(resource=resource, fields=["seats", "opened_on", "open_24h"]).records
    assert records == [
        {"seats": 12, "opened_on": "2019-05-01", "open_24h": True},
        {"seats": 8, "opened_on": "2021-03-15", "open_24h": False},
    ]


def test_large_files_stream_in_chunks_with_progress(
    hub: Hub, django_capture_on_commit_callbacks: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "CHUNK_ROWS", 3)
    seen: list[int] = []
    original = imports._progress
    monkeypatch.setattr(imports, "_progress", lambda job: (seen.append(job.rows_read), original(job)))
    lines = "名称,厕位数\n" + "".join(f"公厕{i},{i}\n" for i in range(10))
    job = run(hub, upload(hub, lines.encode()), django_capture_on_commit_callbacks)
    assert (job.status, job.rows_ok) == ("done", 10)
    assert seen == [3, 6, 9, 10]


@pytest.mark.parametrize(
    ("content", "name", "fragment"),
    [
        (b"a,b\n1,2\n", "data.txt", "upload a .csv or .xlsx file"),
        (b"", "data.csv", "the file is empty"),
        (b"PK\x03\x04 not really a workbook", "data.xlsx", "not a readable XLSX workbook"),
        (b"\n\n", "data.csv", "no header row"),
    ],
)
def test_unreadable_files_are_refused_and_not_kept(hub: Hub, content: bytes, name: str, fragment: str) -> None:
    with pytest.raises(UploadInvalid) as caught:
        upload(hub, content, name=name)
    assert fragment in caught.value.detail_en
    assert caught.value.status == 422
    assert not ImportJob.objects.exists()


def test_the_reviewed_schema_is_checked(hub: Hub) -> None:
    job = upload(hub, CLEAN.encode())
    with pytest.raises(UploadInvalid) as caught:
        imports.import_confirm(actor=hub.civil_officer.actor, job=job, columns=[ColumnSpec("name", "名称", "C")])
    assert "one column per header of the file (5)" in caught.value.detail_en
    bad = [ColumnSpec(**c) for c in job.columns]
    bad[1] = ColumnSpec("Bad Name", "地址", "C")
    with pytest.raises(SchemaInvalid):
        imports.import_confirm(actor=hub.civil_officer.actor, job=job, columns=bad)
    job.refresh_from_db()
    assert job.status == "review"


def test_only_the_providers_data_officer_uploads(hub: Hub) -> None:
    resource = factories.catalogue_entry()
    for person in (hub.police_officer, hub.civil_caseworker, hub.citizen):
        with pytest.raises(PermissionDenied):
            imports.import_upload(
                actor=person.actor, resource=resource, upload=ContentFile(CLEAN.encode()), name="t.csv"
            )
    assert not ImportJob.objects.exists()


def test_registry_resources_take_no_uploads(loaded: Hub) -> None:
    population = Resource.objects.get(source=Source.POPULATION)
    with pytest.raises(ImportTargetInvalid):
        imports.import_upload(actor=SYSTEM, resource=population, upload=ContentFile(CLEAN.encode()), name="t.csv")
    assert not ImportJob.objects.exists()


def test_a_job_runs_once(hub: Hub, django_capture_on_commit_callbacks: Callable[..., Any]) -> None:
    job = run(hub, upload(hub, CLEAN.encode()), django_capture_on_commit_callbacks)
    again = imports.import_run(job_id=job.pk)
    assert (again.status, DatastoreTable.objects.get().generation) == (ImportStatus.DONE, 1)
