"""django-ninja schemas of the datastore, uploads, quality rules and the sealed access log (the catalogue and sharing
schemas live next to their endpoints in ``api.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import translation
from ninja import Schema

from zhizheng.datahub.models import AccessLogSeal, ImportJob, ImportProblem, QualityRun
from zhizheng.datahub.services.imports import problem_text


class ColumnIO(Schema):
    name: str
    label: str
    data_type: str
    nullable: bool = True
    indexed: bool = False
    mask: str = ""


class ImportJobOut(Schema):
    id: int
    resource_code: str
    status: str
    file_name: str
    file_format: str
    encoding: str
    size_bytes: int
    headers: list[str]
    columns: list[ColumnIO]
    rows_estimated: int
    rows_read: int
    rows_ok: int
    rows_bad: int
    progress: int
    failure: str
    created_at: dt.datetime


class ImportJobListOut(Schema):
    count: int
    items: list[ImportJobOut]


class ConfirmIn(Schema):
    columns: list[ColumnIO]
    encoding: str = ""


class ProblemOut(Schema):
    line: int
    column: str
    code: str
    message: str
    message_en: str
    value: str


class ProblemListOut(Schema):
    count: int
    items: list[ProblemOut]


class RulesIn(Schema):
    resource_code: str
    rules: Any


class RulesOut(Schema):
    resource_code: str
    rules: list[dict[str, Any]]


class ResourceRef(Schema):
    resource_code: str


class QualityRunOut(Schema):
    resource_code: str
    at: dt.datetime
    trigger: str
    rows: int
    score: float
    results: list[dict[str, Any]]


class FailuresOut(Schema):
    count: int
    columns: list[str]
    items: list[dict[str, Any]]


class DepartmentScoreOut(Schema):
    code: str
    name: str
    resources: int
    score: float


class DepartmentScoreListOut(Schema):
    count: int
    items: list[DepartmentScoreOut]


class SealOut(Schema):
    day: dt.date
    entries: int
    root: str
    ledger_index: int | None
    sealed_at: dt.datetime


class SealListOut(Schema):
    count: int
    items: list[SealOut]


class VerificationOut(Schema):
    day: dt.date
    sealed: bool
    ok: bool
    entries_now: int
    entries_sealed: int
    root_now: str
    root_recorded: str
    ledger_index: int | None
    first_difference: int | None
    difference: str


def job_out(job: ImportJob) -> dict[str, Any]:
    return {
        "id": job.pk,
        "resource_code": job.resource.code,
        "status": job.status,
        "file_name": job.original_name,
        "file_format": job.file_format,
        "encoding": job.encoding,
        "size_bytes": job.size_bytes,
        "headers": list(job.headers),
        "columns": list(job.columns),
        "rows_estimated": job.rows_estimated,
        "rows_read": job.rows_read,
        "rows_ok": job.rows_ok,
        "rows_bad": job.rows_bad,
        "progress": job.progress,
        "failure": job.failure,
        "created_at": job.created_at,
    }


def problem_out(problem: ImportProblem) -> dict[str, Any]:
    with translation.override("en"):
        english = problem_text(problem)
    return {
        "line": problem.line,
        "column": problem.column,
        "code": problem.code,
        "message": problem_text(problem),
        "message_en": english,
        "value": problem.value,
    }


def run_out(run: QualityRun) -> dict[str, Any]:
    return {
        "resource_code": run.resource.code,
        "at": run.at,
        "trigger": run.trigger,
        "rows": run.rows,
        "score": run.score,
        "results": [{k: v for k, v in r.items() if k != "failing_ids"} for r in run.results],
    }


def seal_out(seal: AccessLogSeal) -> dict[str, Any]:
    return {
        "day": seal.day,
        "entries": seal.entries,
        "root": seal.root,
        "ledger_index": seal.ledger_index,
        "sealed_at": seal.sealed_at,
    }
