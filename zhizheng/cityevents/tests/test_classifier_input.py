"""Input validation of classify(): what the API will turn into a 422 problem, in Chinese and English."""

from __future__ import annotations

import pytest
from django.utils import translation

from zhizheng.cityevents.classifier import MAX_TEXTS, InvalidClassifierInput, split_message, validate_texts
from zhizheng.cityevents.classifier.text import normalise, words


def _error(texts: object) -> InvalidClassifierInput:
    with pytest.raises(InvalidClassifierInput) as caught:
        validate_texts(texts)
    return caught.value


def test_valid_texts_are_returned_as_a_list():
    assert validate_texts(("小区噪音扰民", "学校乱收费")) == ["小区噪音扰民", "学校乱收费"]


def test_empty_list_is_rejected_in_both_languages():
    error = _error([])
    assert error.instance_code == "cityevents.invalid_input"
    assert error.status == 422
    assert error.detail_en == "The list of texts is empty; send at least one text."
    with translation.override("zh-hans"):
        assert error.detail == "文本列表为空，请至少提交一条文本。"


def test_more_than_the_limit_is_rejected_with_the_counts():
    error = _error(["小区噪音扰民"] * (MAX_TEXTS + 1))
    assert error.detail_en == "Too many texts: 1001 sent, at most 1000 per request."
    with translation.override("zh-hans"):
        assert error.detail == "文本过多：提交了 1001 条，每次请求最多 1000 条。"


def test_exactly_the_limit_is_accepted():
    assert len(validate_texts(["小区噪音扰民"] * MAX_TEXTS)) == MAX_TEXTS


@pytest.mark.parametrize("item", [None, 42, b"bytes", ["nested"], {"text": "x"}])
def test_a_non_string_item_is_rejected_with_its_position(item):
    error = _error(["小区噪音扰民", item])
    assert error.detail_en == "Text number 2 is not a string."
    with translation.override("zh-hans"):
        assert error.detail == "第 2 条文本不是字符串。"


@pytest.mark.parametrize("blank", ["", "   ", "\n\t　"])
def test_a_blank_item_is_rejected(blank):
    error = _error([blank])
    assert error.detail_en == "Text number 1 is empty."
    with translation.override("zh-hans"):
        assert error.detail == "第 1 条文本为空。"


def test_an_overlong_item_is_rejected():
    error = _error(["噪" * 20_001])
    assert error.detail_en == "Text number 1 is too long: at most 20000 characters."


@pytest.mark.parametrize("texts", ["小区噪音扰民", b"bytes", None, 7, {"texts": ["a"]}])
def test_anything_but_a_list_is_rejected(texts):
    error = _error(texts)
    assert error.detail_en == "Send the texts to classify as a list of strings."
    with translation.override("zh-hans"):
        assert error.detail == "请以字符串列表的形式提交要分类的文本。"


def test_problem_document_carries_code_and_both_languages():
    problem = _error([]).as_problem()
    assert problem["code"] == "cityevents.invalid_input"
    assert problem["status"] == 422
    assert problem["detail_en"] == "The list of texts is empty; send at least one text."


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("小区噪音扰民", ("小区噪音扰民", "")),
        (
            "  学校乱收费\n学校每学期收取资料费三百元，家长负担重。 ",
            ("学校乱收费", "学校每学期收取资料费三百元，家长负担重。"),
        ),
        (
            "我们小区门口的道路坑洼不平已经半年了。下雨天积水严重，老人孩子出行很不方便，多次反映给街道办都没有人来处理，"
            "希望有关部门尽快修复。",
            (
                "我们小区门口的道路坑洼不平已经半年了",
                "下雨天积水严重，老人孩子出行很不方便，多次反映给街道办都没有人来处理，希望有关部门尽快修复。",
            ),
        ),
    ],
)
def test_split_message_takes_the_first_line_or_sentence_as_subject(message, expected):
    assert split_message(message) == expected


def test_split_message_without_sentence_end_keeps_the_whole_text_as_detail():
    text = "噪" * 100
    assert split_message(text) == ("噪" * 60, text)


def test_normalise_folds_width_case_and_whitespace():
    assert normalise("Ａ市　ＡＢ区 小区\n噪音") == "a市ab区小区噪音"


def test_words_are_segmented_without_punctuation():
    assert words("小区噪音扰民，请尽快处理！") == "小区 噪音 扰民 请 尽快 处理"
    assert words("") == ""
