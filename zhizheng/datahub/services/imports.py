"""Uploads of CSV and XLSX files into a resource's table.

``import_upload`` stores the file, detects its encoding and infers a schema (``review``). The officer corrects the
schema and confirms (``import_confirm`` → ``queued``); a Celery worker runs ``import_run``, which streams the file in
chunks into a staging table, converting every cell and recording every problem with its line (progress is saved
after each chunk, for the progress bar). A clean file replaces the resource's table at once (``done``). A file
with problems stops at ``decision``: the officer reads the report and either accepts the rows that passed
(``import_accept``) or discards the upload (``import_discard``). The resource's table changes only in those two
transactions, so nothing is ever half-imported.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import PurePath

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from zhizheng.core.actor import SYSTEM, Actor
from zhizheng.datahub.choices import FileFormat, ImportStatus, QualityTrigger, Source
from zhizheng.datahub.errors import ImportNotAllowed, ImportTargetInvalid, UploadInvalid, lazy_format
from zhizheng.datahub.models import ColumnSpec, ImportJob, ImportProblem, Resource
from zhizheng.datahub.permissions import Perm, policy
from zhizheng.datahub.services import datastore, tabular
from zhizheng.ledger import services as ledger

logger = logging.getLogger(__name__)

CHUNK_ROWS = 5_000
MAX_PROBLEMS = 50_000
"""Problems stored per import; beyond it rows are still counted (a file that bad is better fixed at the source)."""

TRANSITIONS: dict[str, frozenset[str]] = {
    "confirm": frozenset({ImportStatus.REVIEW}),
    "start": frozenset({ImportStatus.QUEUED}),
    "accept": frozenset({ImportStatus.DECISION}),
    "discard": frozenset({ImportStatus.REVIEW, ImportStatus.DECISION}),
}
"""Which statuses each move starts from; anything else is 409 ``datahub.import_transition``."""


def _require(job: ImportJob, move: str) -> None:
    if job.status not in TRANSITIONS[move]:
        raise ImportNotAllowed(params={"status": job.get_status_display()})


def _max_bytes() -> int:
    return int(getattr(settings, "DATAHUB_UPLOAD_MAX_BYTES", 1024 * 1024 * 1024))


def _check_target(actor: Actor, resource: Resource) -> None:
    policy.require(actor, Perm.EDIT, resource)
    if resource.source not in (Source.NONE, Source.UPLOAD):
        raise ImportTargetInvalid()


@transaction.atomic
def import_upload(*, actor: Actor, resource: Resource, upload: File, name: str, encoding: str = "") -> ImportJob:
    """Store ``upload`` and read its start: encoding, headers, an inferred schema for review, a row estimate.
    A file that cannot be read at all is refused (422) and not kept."""
    _check_target(actor, resource)
    suffix = PurePath(name).suffix.lower().lstrip(".")
    if suffix not in FileFormat.values:
        raise UploadInvalid(params={"reason": UploadInvalid.wrong_format})
    size = int(upload.size or 0)
    if size == 0:
        raise UploadInvalid(params={"reason": UploadInvalid.empty})
    if size > _max_bytes():
        raise UploadInvalid(params={"reason": UploadInvalid.too_large})
    if encoding and encoding not in tabular.ENCODINGS:
        raise UploadInvalid(params={"reason": UploadInvalid.bad_encoding})
    job = ImportJob(
        resource=resource,
        original_name=PurePath(name).name[:255],
        file_format=suffix,
        size_bytes=size,
        created_by=actor.ref,
    )
    job.file.save(PurePath(name).name, upload, save=False)
    try:
        with job.file.open("rb") as handle:
            sniffed = tabular.sniff(handle, suffix, size, encoding or None)
    except tabular.FileUnreadable as error:
        job.file.delete(save=False)
        raise UploadInvalid(params={"reason": error.reason}) from None
    job.encoding = sniffed.encoding
    job.headers = sniffed.headers
    job.columns = [c.as_dict() for c in sniffed.columns]
    job.rows_estimated = sniffed.rows_estimated
    job.save()
    return job


@transaction.atomic
def import_confirm(*, actor: Actor, job: ImportJob, columns: Sequence[ColumnSpec], encoding: str = "") -> ImportJob:
    """Accept the reviewed schema (one column per header, in file order) and queue the import."""
    policy.require(actor, Perm.EDIT, job.resource)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    _require(job, "confirm")
    specs = datastore.columns_validate(columns)
    if len(specs) != len(job.headers):
        raise UploadInvalid(params={"reason": lazy_format(UploadInvalid.column_count, count=len(job.headers))})
    if encoding and job.file_format == FileFormat.CSV:
        if encoding not in tabular.ENCODINGS:
            raise UploadInvalid(params={"reason": UploadInvalid.bad_encoding})
        job.encoding = encoding
    job.columns = [c.as_dict() for c in specs]
    job.status = ImportStatus.QUEUED
    job.save(update_fields=["columns", "encoding", "status", "updated_at"])
    from zhizheng.datahub import tasks

    transaction.on_commit(lambda: tasks.import_run.delay(job.pk))
    return job


def _flush(
    job: ImportJob,
    columns: tuple[ColumnSpec, ...],
    batch: list[tuple[object, ...]],
    problems: list[tabular.Problem],
    stored: int,
) -> int:
    """Write one chunk: its rows into the staging table, its problems and the progress, as one transaction (one
    commit per chunk, not per row; the progress bar sees each chunk)."""
    with transaction.atomic():
        datastore.rows_insert(job.staging_table, columns, batch)
        job.rows_ok += len(batch)
        stored = _save_problems(job, problems, stored)
        _progress(job)
    return stored


def _progress(job: ImportJob) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        rows_read=job.rows_read, rows_ok=job.rows_ok, rows_bad=job.rows_bad, updated_at=timezone.now()
    )


def _save_problems(job: ImportJob, problems: list[tabular.Problem], stored: int) -> int:
    room = MAX_PROBLEMS - stored
    if room <= 0 or not problems:
        return stored
    keep = problems[:room]
    ImportProblem.objects.bulk_create(
        ImportProblem(job=job, line=p.line, column=p.column, code=p.code, params=p.params, value=p.value[:200])
        for p in keep
    )
    stored += len(keep)
    if stored >= MAX_PROBLEMS:
        ImportProblem.objects.create(job=job, line=keep[-1].line, code="too_many", params={"limit": MAX_PROBLEMS})
        stored += 1
    return stored


def import_run(*, job_id: int) -> ImportJob:
    """Stream the file into the staging table (the worker's part). Progress commits after each chunk; only the
    final replacement is one transaction. A clean file is imported; one with problems waits for a decision."""
    job = ImportJob.objects.select_related("resource__provider").get(pk=job_id)
    if (
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.QUEUED).update(
            status=ImportStatus.RUNNING, started_at=timezone.now()
        )
        == 0
    ):
        return job  # already run by another worker (at-least-once delivery)
    job.status = ImportStatus.RUNNING
    columns = tuple(ColumnSpec(**c) for c in job.columns)
    ImportProblem.objects.filter(job=job).delete()
    datastore.table_drop(job.staging_table)
    datastore.table_create(job.staging_table, columns)
    stored = 0
    try:
        with job.file.open("rb") as handle:
            rows = tabular.raw_rows(handle, job.file_format, job.encoding)
            next(rows, None)  # the header
            batch: list[tuple[object, ...]] = []
            problems: list[tabular.Problem] = []
            for raw in rows:
                values, found = tabular.convert_row(raw, columns)
                job.rows_read += 1
                if values is None:
                    job.rows_bad += 1
                    problems.extend(found)
                else:
                    batch.append(values)
                if job.rows_read % CHUNK_ROWS == 0:
                    stored = _flush(job, columns, batch, problems, stored)
                    batch, problems = [], []
            stored = _flush(job, columns, batch, problems, stored)
    except tabular.FileUnreadable as error:
        return _fail(job, str(error.reason))
    except Exception as error:  # a file that breaks the reader mid-way: the job fails, the table is untouched
        logger.exception("import %s failed", job.pk)
        return _fail(job, f"{type(error).__name__}: {error}")
    if job.rows_bad:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DECISION, finished_at=timezone.now())
        job.refresh_from_db()
        return job
    return _finish(actor=SYSTEM, job=job, accepted_by=job.created_by)


def _fail(job: ImportJob, reason: str) -> ImportJob:
    datastore.table_drop(job.staging_table)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.FAILED, failure=reason[:2000], finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


@transaction.atomic
def _finish(*, actor: Actor, job: ImportJob, accepted_by: str) -> ImportJob:
    columns = tuple(ColumnSpec(**c) for c in job.columns)
    resource = Resource.objects.select_for_update().get(pk=job.resource_id)
    datastore.datastore_replace(
        actor=actor, resource=resource, staging=job.staging_table, columns=columns, rows=job.rows_ok
    )
    job.status = ImportStatus.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at", "updated_at"])
    ledger.record(
        actor=actor,
        act="datahub.import.completed",
        subject=job,
        payload={
            "resource": resource.code,
            "file": job.original_name,
            "rows_imported": job.rows_ok,
            "rows_rejected": job.rows_bad,
            "accepted_by": accepted_by,
        },
    )
    from zhizheng.datahub import tasks

    transaction.on_commit(lambda: tasks.quality_check.delay(resource.pk, QualityTrigger.IMPORT))
    return job


def import_accept(*, actor: Actor, job: ImportJob) -> ImportJob:
    """Import the rows that passed and leave out those with problems (the report stays with the job)."""
    policy.require(actor, Perm.EDIT, job.resource)
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        _require(locked, "accept")
        return _finish(actor=actor, job=locked, accepted_by=actor.ref)


@transaction.atomic
def import_discard(*, actor: Actor, job: ImportJob) -> ImportJob:
    """Drop the upload: its staging table goes, the resource's table is untouched."""
    policy.require(actor, Perm.EDIT, job.resource)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    _require(job, "discard")
    datastore.table_drop(job.staging_table)
    job.status = ImportStatus.DISCARDED
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at", "updated_at"])
    return job


def problem_text(problem: ImportProblem | tabular.Problem) -> str:
    """The problem's message in the active language."""
    template = tabular.PROBLEMS.get(problem.code)
    if template is None:
        return problem.code
    return str(template) % problem.params if problem.params else str(template)
