"""Reading uploaded CSV and XLSX files as a stream of rows: encoding detection, schema inference and the
conversion of each cell to its column's GB/T 21063 type, with a problem (stable code, parameters, line) for every
value that does not fit. Pure Python over binary file objects: no database, and never the whole file in memory
(CSV is decoded line by line, XLSX read with openpyxl's read-only streaming reader).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO, Any

import charset_normalizer
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pypinyin import lazy_pinyin

from zhizheng.datahub.errors import lazy_format
from zhizheng.datahub.models import ColumnSpec

SAMPLE_BYTES = 256 * 1024
SAMPLE_ROWS = 2_000
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")
"""Encodings an officer may choose; GBK and GB 2312 files are read as GB 18030, their superset."""
INT4 = 2**31 - 1
DELIMITERS = (",", "\t", ";", "|")

PROBLEMS: dict[str, Any] = {
    "encoding": _("The line is not valid %(encoding)s text (wrong encoding?)."),
    "ragged": _("The row has %(found)s cells; the header has %(expected)s."),
    "required": _("A value is required."),
    "bad_integer": _("“%(value)s” is not a whole number."),
    "integer_range": _("%(value)s is outside the range of a whole-number column."),
    "bad_number": _("“%(value)s” is not a number."),
    "bad_money": _("“%(value)s” is not an amount of money."),
    "bad_date": _("“%(value)s” is not a date (use 2026-12-03)."),
    "bad_datetime": _("“%(value)s” is not a date and time (use 2026-12-03 08:30)."),
    "bad_bool": _("“%(value)s” is not yes or no (是/否)."),
    "too_many": _("More than %(limit)s problems; the rest are counted but not listed."),
}
"""Every problem a file can have, by stable code (messages take the problem's parameters)."""


MALFORMED = _("The CSV file is malformed near line %(line)s: %(error)s")


class FileUnreadable(Exception):
    """The file cannot be read at all (not a CSV/XLSX, no header row, undetectable encoding)."""

    def __init__(self, reason: Any) -> None:
        self.reason = reason
        super().__init__(str(reason))


class CellError(Exception):
    def __init__(self, code: str, value: Any = "") -> None:
        self.code = code
        self.value = "" if value is None else str(value)[:200]
        super().__init__(code)


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    column: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    value: str = ""


@dataclass(frozen=True, slots=True)
class RawRow:
    """A row as read: its first physical line, its cells and reading problems. ``short_ok``: missing trailing
    cells are blanks (XLSX drops them), not a ragged row."""

    line: int
    cells: list[Any]
    problems: list[Problem]
    short_ok: bool = False


@dataclass(frozen=True, slots=True)
class Sniffed:
    encoding: str
    headers: list[str]
    columns: list[ColumnSpec]
    rows_estimated: int


# --- Encoding ---------------------------------------------------------------------------------------------------


def _valid_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(sample: bytes) -> str:
    """UTF-8 with a BOM, UTF-8, or GB 18030 (GBK/GB 2312). A file mostly in UTF-8 with a few bad lines is UTF-8
    (the bad lines are reported); charset-normalizer decides the rest."""
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    lines = sample.split(b"\n")
    if len(lines) > 1 and not sample.endswith(b"\n"):
        lines.pop()  # the sample may have cut the last line, even inside a character
    non_ascii = [line for line in lines if not line.isascii()]
    if not non_ascii or sum(map(_valid_utf8, non_ascii)) * 2 >= len(non_ascii):
        return "utf-8"
    try:
        b"\n".join(lines).decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(sample).best()
    name = (best.encoding if best else "").lower().replace("_", "-")
    if name in ("gb18030", "gbk", "gb2312", "hz", "cp936"):
        return "gb18030"
    raise FileUnreadable(_("The text encoding could not be recognised; save the file as UTF-8 or GBK."))


def _decoded_lines(handle: IO[bytes], encoding: str, bad: set[int]) -> Iterator[str]:
    for number, raw in enumerate(handle, start=1):
        try:
            yield raw.decode(encoding)
        except UnicodeDecodeError:
            bad.add(number)
            yield raw.decode(encoding, errors="replace")


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- Reading ----------------------------------------------------------------------------------------------------


def _csv_rows(handle: IO[bytes], encoding: str) -> Iterator[RawRow]:
    """Rows of a CSV file after its header (the header is the first yielded row, line numbers are physical)."""
    bad: set[int] = set()
    lines = _decoded_lines(handle, encoding, bad)
    first = next(lines, None)
    if first is None:
        raise FileUnreadable(_("The file is empty."))

    def chained() -> Iterator[str]:
        yield first
        yield from lines

    reader = csv.reader(chained(), delimiter=_delimiter(first))
    end = 0
    while True:
        start = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise FileUnreadable(lazy_format(MALFORMED, line=reader.line_num, error=str(error))) from error
        end = reader.line_num
        problems = [
            Problem(line=n, column="", code="encoding", params={"encoding": encoding})
            for n in range(start, end + 1)
            if n in bad
        ]
        yield RawRow(line=start, cells=cells, problems=problems)


def _xlsx_rows(handle: IO[bytes]) -> Iterator[RawRow]:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise FileUnreadable(_("The file is not a readable XLSX workbook.")) from error
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = list(values)
            while cells and cells[-1] is None:
                cells.pop()
            yield RawRow(line=number, cells=cells, problems=[], short_ok=True)
    finally:
        workbook.close()


def _unwrapped(handle: IO[bytes]) -> IO[bytes]:
    """The underlying binary file of a Django ``File`` (whose own line iterator is a slow Python generator)."""
    from django.core.files.base import File

    while isinstance(handle, File) and getattr(handle, "file", None) is not None:
        handle = handle.file  # type: ignore[assignment]
    return handle


def raw_rows(handle: IO[bytes], file_format: str, encoding: str) -> Iterator[RawRow]:
    """Every non-blank row, the header first."""
    handle = _unwrapped(handle)
    rows = _xlsx_rows(handle) if file_format == "xlsx" else _csv_rows(handle, encoding)
    for row in rows:
        if row.cells and not all(_blank(c) for c in row.cells):
            yield row


# --- Inference --------------------------------------------------------------------------------------------------

_ASCII_NAME = re.compile(r"[^a-z0-9]+")


def column_name(header: str, position: int) -> str:
    """A column identifier for a header: ASCII headers in snake case, Chinese ones in pinyin (名称 → ming_cheng)."""
    text = " ".join(lazy_pinyin(header.strip())) if header else ""
    name = _ASCII_NAME.sub("_", text.lower()).strip("_")[:40].strip("_")
    if not name or not name[0].isalpha():
        name = f"column_{position}" if not name else f"c_{name}"
    return name


def _bool_words(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("是", "true", "yes", "y", "t", "1", "√"):
        return True
    if text in ("否", "false", "no", "n", "f", "0", "×"):
        return False
    return None


def _infers_as(kind: str, value: Any) -> bool:
    if kind == "L":
        return isinstance(value, bool) or str(value).strip().lower() in ("是", "否", "true", "false")
    text = str(value).strip()
    if kind in ("I", "N") and not isinstance(value, int | float) and re.match(r"^[+-]?0\d", text):
        return False  # 010、0571 are codes, not numbers
    if kind in ("I", "N") and isinstance(value, str) and text.isdigit() and len(text) > 9:
        return False  # long digit strings (phones, accounts) stay text
    try:
        CONVERTERS[kind](value)
    except CellError:
        return False
    return True


def infer_columns(headers: Sequence[str], sample: Sequence[Sequence[Any]]) -> list[ColumnSpec]:
    columns: list[ColumnSpec] = []
    used: set[str] = set()
    for position, header in enumerate(headers):
        values = [row[position] if position < len(row) else None for row in sample]
        present = [v for v in values if not _blank(v)]
        kind = "C"
        for candidate in ("L", "I", "N", "D", "T"):
            if present and all(_infers_as(candidate, v) for v in present):
                kind = candidate
                break
        longest = max((len(str(v)) for v in present), default=0)
        if kind == "C" and longest > 500:
            kind = "M"
        name = base = column_name(header, position + 1)
        suffix = 2
        while name in used:
            name, suffix = f"{base}_{suffix}", suffix + 1
        used.add(name)
        indexed = kind in ("I", "D", "T") or (kind == "C" and 0 < longest <= 64)
        nullable = len(present) < len(values) or not values
        label = (header or "").strip()[:100] or f"第{position + 1}列"
        columns.append(ColumnSpec(name=name, label=label, data_type=kind, nullable=nullable, indexed=indexed))
    return columns


def sniff(handle: IO[bytes], file_format: str, size: int, encoding: str | None = None) -> Sniffed:
    """Encoding, headers, an inferred schema and a row estimate from the start of the file."""
    if file_format == "xlsx":
        rows = raw_rows(handle, "xlsx", "")
        encoding = ""
    else:
        sample = handle.read(SAMPLE_BYTES)
        encoding = encoding or detect_encoding(sample)
        if len(sample) == SAMPLE_BYTES:
            sample = sample[: sample.rfind(b"\n") + 1] or sample
        rows = raw_rows(io.BytesIO(sample), "csv", encoding)
    header = next(rows, None)
    if header is None:
        raise FileUnreadable(_("The file has no header row."))
    headers = ["" if _blank(c) else str(c).strip() for c in header.cells]
    sample_rows = []
    for row in rows:
        sample_rows.append(row.cells)
        if len(sample_rows) >= SAMPLE_ROWS:
            break
    if file_format == "xlsx":
        estimate = len(sample_rows)
        if len(sample_rows) >= SAMPLE_ROWS:
            estimate = max(estimate, _xlsx_dimension_rows(handle) - 1)
    else:
        lines = max(1, len(sample_rows) + 1)
        consumed = max(1, len(sample))
        estimate = len(sample_rows) if consumed < SAMPLE_BYTES else int(size * lines / consumed) - 1
    return Sniffed(
        encoding=encoding,
        headers=headers,
        columns=infer_columns(headers, sample_rows),
        rows_estimated=max(0, estimate),
    )


def _xlsx_dimension_rows(handle: IO[bytes]) -> int:
    from openpyxl import load_workbook

    handle.seek(0)
    workbook = load_workbook(handle, read_only=True, data_only=True)
    try:
        return int(workbook.worksheets[0].max_row or 0)
    finally:
        workbook.close()


# --- Conversion -------------------------------------------------------------------------------------------------

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M:%S")
MONEY = Decimal("0.01")


def _text(value: Any) -> str:
    if value.__class__ is str:
        return str(value).strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError("bad_integer", value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = str(value).strip().replace(",", "")
        if not re.fullmatch(r"[+-]?\d+", text):
            raise CellError("bad_integer", value)
        number = int(text)
    if abs(number) > INT4:
        raise CellError("integer_range", value)
    return number


def _to_float(value: Any) -> float:
    if isinstance(value, bool):
        raise CellError("bad_number", value)
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace(",", "")
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
        raise CellError("bad_number", value)
    return float(text)


def _to_money(value: Any) -> Decimal:
    text = str(value).strip().lstrip("¥￥").replace(",", "")
    if isinstance(value, bool) or not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", text):
        raise CellError("bad_money", value)
    try:
        amount = Decimal(text).quantize(MONEY, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise CellError("bad_money", value) from None
    if abs(amount) >= Decimal(10) ** 18:
        raise CellError("bad_money", value)
    return amount


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if len(text) == 10 and text[4] == "-":
        try:
            return dt.date.fromisoformat(text)  # the common case, in C
        except ValueError:
            pass
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError("bad_date", value)


def _parse_datetime(text: str) -> dt.datetime | None:
    if len(text) >= 16 and text[4] == "-":
        try:
            return dt.datetime.fromisoformat(text)  # the common case, in C
        except ValueError:
            pass
    for pattern in DATETIME_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def _to_datetime(value: Any) -> dt.datetime:
    parsed = value if isinstance(value, dt.datetime) else _parse_datetime(str(value).strip())
    if parsed is None:
        raise CellError("bad_datetime", value)
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _to_bool(value: Any) -> bool:
    result = _bool_words(value)
    if result is None:
        raise CellError("bad_bool", value)
    return result


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "C": _text,
    "M": _text,
    "I": _to_int,
    "N": _to_float,
    "F": _to_float,
    "Y": _to_money,
    "D": _to_date,
    "T": _to_datetime,
    "L": _to_bool,
}


def convert_row(row: RawRow, columns: Sequence[ColumnSpec]) -> tuple[tuple[Any, ...] | None, list[Problem]]:
    """The row's values in column order, or None and every problem of the row (all cells are checked)."""
    problems = list(row.problems)
    cells = row.cells
    width = len(columns)
    if len(cells) != width and (any(not _blank(c) for c in cells[width:]) if len(cells) > width else not row.short_ok):
        problems.append(Problem(row.line, "", "ragged", {"found": len(cells), "expected": width}))
    values: list[Any] = []
    for position, column in enumerate(columns):
        cell = cells[position] if position < len(cells) else None
        if cell is None or (cell.__class__ is str and (not cell or cell.isspace())):
            if not column.nullable:
                problems.append(Problem(row.line, column.name, "required"))
            values.append(None)
            continue
        try:
            values.append(CONVERTERS[column.data_type](cell))
        except CellError as error:
            problems.append(Problem(row.line, column.name, error.code, {"value": error.value}, error.value))
            values.append(None)
    return (None, problems) if problems else (tuple(values), problems)
