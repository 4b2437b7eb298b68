"""Streamed downloads of an open resource's rows: CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese
right), JSON (an array of objects) and XLSX (written row by row by openpyxl's write-only mode into a temporary
file, then sent in chunks): memory stays flat however many rows there are."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from openpyxl import Workbook

from zhizheng.datahub.opendata.rows import Field

CHUNK_ROWS = 500


def csv_chunks(fields: list[Field], records: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([f.id for f in fields])
    yield ("\ufeff" + buffer.getvalue()).encode()
    buffer.seek(0)
    buffer.truncate()
    for count, record in enumerate(records, start=1):
        writer.writerow(["" if record[f.id] is None else record[f.id] for f in fields])
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def json_chunks(fields: list[Field], records: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    yield b"["
    for count, record in enumerate(records):
        yield ((",\n" if count else "\n") + json.dumps(record, ensure_ascii=False)).encode()
    yield b"\n]\n"


def xlsx_file(fields: list[Field], records: Iterable[dict[str, Any]]) -> IO[bytes]:
    """A temporary file holding the workbook, rewound: a sheet of rows under a header of keys (as in CSV and JSON)
    and a sheet ``fields`` with each key's label and type."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="data")
    sheet.append([f.id for f in fields])
    for record in records:
        sheet.append([record[f.id] for f in fields])
    described = workbook.create_sheet(title="fields")
    described.append(["id", "label", "type"])
    for field in fields:
        described.append([field.id, field.label, field.type])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the FileResponse that sends it
    workbook.save(handle)
    handle.seek(0)
    return handle
