"""Cell conversion and schema inference of uploaded files (pure functions)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from zhizheng.datahub.models import ColumnSpec
from zhizheng.datahub.services.tabular import CONVERTERS, CellError, RawRow, convert_row, detect_encoding, infer_columns


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("C", "  人民路 1 号 ", "人民路 1 号"),
        ("I", "1,234", 1234),
        ("I", 12.0, 12),
        ("N", "3.5e2", 350.0),
        ("Y", "￥1,234.565", Decimal("1234.57")),
        ("D", "2026/12/03", dt.date(2026, 12, 3)),
        ("D", "2026年12月3日", dt.date(2026, 12, 3)),
        ("D", "20261203", dt.date(2026, 12, 3)),
        ("T", "2026-12-03 08:30", timezone.make_aware(dt.datetime(2026, 12, 3, 8, 30))),
        ("T", "2026/12/03 08:30:15", timezone.make_aware(dt.datetime(2026, 12, 3, 8, 30, 15))),
        ("L", "是", True),
        ("L", "false", False),
    ],
)
def test_cells_convert_to_their_type(kind: str, text: object, expected: object) -> None:
    assert CONVERTERS[kind](text) == expected


@pytest.mark.parametrize(
    ("kind", "text", "code"),
    [
        ("I", "12.5", "bad_integer"),
        ("I", "3000000000", "integer_range"),
        ("N", "十二", "bad_number"),
        ("Y", "12元", "bad_money"),
        ("D", "2026-02-30", "bad_date"),
        ("T", "someday", "bad_datetime"),
        ("L", "maybe", "bad_bool"),
    ],
)
def test_bad_cells_raise_their_code(kind: str, text: str, code: str) -> None:
    with pytest.raises(CellError) as caught:
        CONVERTERS[kind](text)
    assert caught.value.code == code


def test_inference_keeps_codes_and_phones_as_text() -> None:
    headers = ["区划代码", "电话", "数量", "金额", "日期", "时间", "开放"]
    sample = [
        ["010101", "13812345678", "3", "1.5", "2026-01-01", "2026-01-01 08:00", "是"],
        ["020202", "13912345678", "", "2", "2026-01-02", "2026-01-02 09:30", "否"],
    ]
    columns = infer_columns(headers, sample)
    assert [(c.name, c.data_type, c.nullable) for c in columns] == [
        ("qu_hua_dai_ma", "C", False),
        ("dian_hua", "C", False),
        ("shu_liang", "I", True),
        ("jin_e", "N", False),
        ("ri_qi", "D", False),
        ("shi_jian", "T", False),
        ("kai_fang", "L", False),
    ]


def test_a_row_reports_every_problem() -> None:
    columns = [ColumnSpec("a", "甲", "I", nullable=False), ColumnSpec("b", "乙", "D")]
    values, problems = convert_row(RawRow(line=9, cells=["", "x", "extra"], problems=[]), columns)
    assert values is None
    assert [(p.line, p.column, p.code) for p in problems] == [
        (9, "", "ragged"),
        (9, "a", "required"),
        (9, "b", "bad_date"),
    ]


def test_encodings() -> None:
    text = "名称,地址\n公厕,人民路\n"
    assert detect_encoding(text.encode("gbk")) == "gb18030"
    assert detect_encoding(text.encode()[:-4]) == "utf-8"  # a sample cut inside a character
    assert detect_encoding(b"name,address\n") == "utf-8"
