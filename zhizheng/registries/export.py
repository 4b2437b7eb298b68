"""The access log as a CSV download (the API's export and the auditors' page serve the same file)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.http import HttpResponse

from zhizheng.registries.models import RegistryAccess

EXPORT_COLUMNS = (
    "accessed_at",
    "actor_ref",
    "purpose",
    "subject_kind",
    "subject_id",
    "fields",
    "unmasked",
    "outcome",
    "via",
)


def access_csv(rows: Iterable[RegistryAccess]) -> str:
    """The access log as CSV text (UTF-8 with a byte-order mark, so that spreadsheet programs read Chinese)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.accessed_at.isoformat(),
                row.actor_ref,
                row.purpose,
                row.subject_kind,
                "" if row.subject_id is None else row.subject_id,
                " ".join(row.fields),
                "yes" if row.unmasked else "no",
                row.outcome,
                row.via,
            ]
        )
    return buffer.getvalue()


def access_csv_response(rows: Iterable[RegistryAccess]) -> HttpResponse:
    """``rows`` as the attachment ``registry-access-log.csv``."""
    response = HttpResponse(access_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="registry-access-log.csv"'
    return response
