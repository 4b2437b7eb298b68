import datetime as dt

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from zhizheng.core.errors import ValidationFailed
from zhizheng.core.validators import (
    IdNumberValidator,
    Sex,
    UsccValidator,
    check_id_number,
    check_uscc,
    id_number_check_character,
    id_number_make,
    organisation_code_check_character,
    require_id_number,
    require_uscc,
    uscc_check_character,
    uscc_make,
    validate_id_number,
    validate_uscc,
)

TODAY = dt.date(2026, 11, 22)

# --- 公民身份号码 ---------------------------------------------------------------------------------------------------


def test_standard_example_is_valid_and_parsed():
    result = check_id_number("11010519491231002X", today=TODAY)
    assert result.valid is True
    assert result.code is None
    assert result.message == ""
    assert result.birth_date == dt.date(1949, 12, 31)
    assert result.sex is Sex.FEMALE
    assert result.address_code == "110105"
    assert result.address_name == "朝阳区"


def test_lower_case_x_and_spaces_are_normalised():
    result = check_id_number(" 110105 19491231 002x ", today=TODAY)
    assert result.valid is True
    assert result.value == "11010519491231002X"


def test_wrong_id_check_character_is_named():
    result = check_id_number("110105194912310021", today=TODAY)
    assert result.valid is False
    assert result.code == "core.id_number.check_character"
    assert [v.code for v in result.violations] == ["core.id_number.check_character"]
    assert result.message_en == (
        "The last character does not match the check character computed from the first 17 digits "
        "(ISO 7064 MOD 11-2); the number contains a typing error."
    )
    with translation.override("zh-hans"):
        assert result.message == "最后一位与按前 17 位计算出的校验码不符（ISO 7064 MOD 11-2），号码有输入错误。"


def test_impossible_birth_date_is_named_even_with_a_correct_check_character():
    # 110105194902310026 carries the right check character for its first 17 digits; only the date is wrong.
    result = check_id_number("110105194902310026", today=TODAY)
    assert result.code == "core.id_number.birth_date"
    assert [v.code for v in result.violations] == ["core.id_number.birth_date"]
    assert result.birth_date is None
    assert result.message_en == "Digits 7 to 14 (19490231) are not a real date of birth."
    with translation.override("zh-hans"):
        assert result.message == "第 7 至 14 位（19490231）不是真实的出生日期。"


def test_future_and_too_early_birth_dates_are_rejected():
    future = id_number_make("110105", dt.date(2026, 11, 23), 1)
    assert check_id_number(future, today=TODAY).code == "core.id_number.birth_date"
    assert check_id_number(future, today=TODAY).message_en == "The date of birth 2026-11-23 lies in the future."
    assert check_id_number(future, today=dt.date(2026, 11, 23)).valid is True
    old_body = "11010518791231001"
    old = old_body + id_number_check_character(old_body)
    assert check_id_number(old, today=TODAY).code == "core.id_number.birth_date"


@pytest.mark.parametrize("number", ["999999194912310025", "11019919491231002X"])
def test_unknown_address_code_is_named(number):
    result = check_id_number(number, today=TODAY)
    assert result.code == "core.id_number.address_code"
    assert [v.code for v in result.violations] == ["core.id_number.address_code"]
    assert result.address_name is None
    assert result.message_en == (
        f"The first six digits {number[:6]} are not an administrative division code (GB/T 2260)."
    )
    with translation.override("zh-hans"):
        assert result.message == f"前六位 {number[:6]} 不是行政区划代码（GB/T 2260）。"


def test_retired_code_is_accepted():
    # 110103 北京市崇文区 was merged into 东城区 in 2010; people registered there keep their numbers.
    result = check_id_number("110103198001010013", today=TODAY)
    assert result.valid is True
    assert result.address_name == "崇文区"


def test_demo_city_codes_are_accepted_through_the_setting():
    number = id_number_make("990102", dt.date(1990, 1, 1), 1)
    assert number == "990102199001010015"
    result = check_id_number(number, today=TODAY)
    assert result.valid is True
    assert result.address_name == "东城区"
    assert result.sex is Sex.MALE
    with override_settings(ZHIZHENG_LOCAL_DIVISION_CODES={}):
        assert check_id_number(number, today=TODAY).code == "core.id_number.address_code"


def test_every_broken_rule_is_listed_most_specific_first():
    result = check_id_number("999999194902310022", today=TODAY)  # the right check character would be 1
    assert [v.code for v in result.violations] == [
        "core.id_number.address_code",
        "core.id_number.birth_date",
        "core.id_number.check_character",
    ]
    assert result.code == "core.id_number.address_code"


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        (None, "core.id_number.required", "Enter the citizen identity number."),
        ("", "core.id_number.required", "Enter the citizen identity number."),
        (
            "110105491231002",
            "core.id_number.length",
            "A citizen identity number has 18 characters; this one has 15.",
        ),
        (
            "1101051949123100XX",
            "core.id_number.characters",
            "The first 17 characters must be digits and the last a digit or X.",
        ),
        (
            "11010519491231002Y",
            "core.id_number.characters",
            "The first 17 characters must be digits and the last a digit or X.",
        ),
        (
            "１１０１０５１９４９１２３１００２X",
            "core.id_number.characters",
            "The first 17 characters must be digits and the last a digit or X.",
        ),
    ],
)
def test_malformed_numbers_are_named(value, code, message):
    result = check_id_number(value, today=TODAY)
    assert result.code == code
    assert result.message_en == message
    assert result.birth_date is None


def test_id_number_make_round_trips_and_refuses_bad_input():
    number = id_number_make("110105", dt.date(1949, 12, 31), 2)
    assert number == "11010519491231002X"
    with pytest.raises(ValueError, match="not a known division code"):
        id_number_make("999999", dt.date(1990, 1, 1), 1)
    with pytest.raises(ValueError, match="0 to 999"):
        id_number_make("110105", dt.date(1990, 1, 1), 1000)
    with pytest.raises(ValueError, match="17 ASCII digits"):
        id_number_check_character("1101051949123100")


def test_django_validator_raises_with_the_rule_code():
    with pytest.raises(ValidationError) as caught:
        validate_id_number("110105194912310021")
    assert caught.value.code == "core.id_number.check_character"
    validate_id_number("11010519491231002X")
    assert IdNumberValidator() == IdNumberValidator()


def test_form_field_reports_the_rule_code():
    class PersonForm(forms.Form):
        id_number = forms.CharField(validators=[IdNumberValidator()])

    form = PersonForm(data={"id_number": "110105194902310026"})
    assert form.is_valid() is False
    assert form.errors.as_data()["id_number"][0].code == "core.id_number.birth_date"
    with translation.override("en"):
        assert form.errors["id_number"] == ["Digits 7 to 14 (19490231) are not a real date of birth."]


def test_require_id_number_raises_a_problem_naming_field_and_rule():
    assert require_id_number("11010519491231002X").birth_date == dt.date(1949, 12, 31)
    with pytest.raises(ValidationFailed) as caught:
        require_id_number("110105194902310026", field_name="applicant_id_number")
    with translation.override("zh-hans"):
        body = caught.value.as_problem()
    assert body["status"] == 422
    assert body["code"] == "core.id_number.birth_date"
    assert body["detail_en"] == "Digits 7 to 14 (19490231) are not a real date of birth."
    assert body["detail"] == "第 7 至 14 位（19490231）不是真实的出生日期。"
    assert body["errors_en"] == {"applicant_id_number": ["Digits 7 to 14 (19490231) are not a real date of birth."]}
    assert body["errors"] == {"applicant_id_number": ["第 7 至 14 位（19490231）不是真实的出生日期。"]}


# --- 统一社会信用代码 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "organisation_code", "division_name"),
    [("91350100M000100Y43", "M000100Y-4", "福州市"), ("91110000600037341L", "60003734-1", "北京市")],
)
def test_real_codes_are_valid_including_the_embedded_organisation_code(code, organisation_code, division_name):
    result = check_uscc(code)
    assert result.valid is True
    assert result.registration_authority == "9"
    assert result.organisation_type == "1"
    assert result.organisation_code == organisation_code
    assert result.division_name == division_name
    assert organisation_code_check_character(code[8:16]) == code[16]


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_letters_outside_the_set_are_named_with_their_position(letter):
    result = check_uscc("9135010" + letter + "M000100Y43")
    assert result.code == "core.uscc.characters"
    assert result.message_en == (
        f"Character 8 ({letter}) is not allowed: a unified social credit code uses digits and capital letters "
        "except I, O, Z, S and V."
    )
    with translation.override("zh-hans"):
        assert result.message == (
            f"第 8 位（{letter}）不允许：统一社会信用代码只使用数字和除 I、O、Z、S、V 以外的大写字母。"
        )


def test_wrong_uscc_check_character_is_named():
    result = check_uscc("91350100M000100Y44")
    assert result.code == "core.uscc.check_character"
    assert [v.code for v in result.violations] == ["core.uscc.check_character"]
    assert result.message_en == (
        "The last character does not match the check character computed from the first 17 "
        "(GB 32100 MOD 31); the code contains a typing error."
    )


def test_broken_organisation_code_is_named_even_when_the_mod31_check_passes():
    body = "91350100M000100Y5"  # organisation code M000100Y-5: its own check character is 4
    code = body + uscc_check_character(body)
    result = check_uscc(code)
    assert [v.code for v in result.violations] == ["core.uscc.organisation_code_check"]
    assert result.message_en == (
        "Characters 9 to 17 (M000100Y-5) are not a valid organisation code: its own check character (GB 11714) "
        "does not match."
    )
    assert check_uscc(code, check_organisation_code=False).valid is True


def test_division_part_must_be_digits():
    body = "91A50100M000100Y4"
    result = check_uscc(body + uscc_check_character(body))
    assert [v.code for v in result.violations] == ["core.uscc.division_code"]


@pytest.mark.parametrize(
    ("value", "code"),
    [(None, "core.uscc.required"), ("9135010M000100Y43", "core.uscc.length"), ("91350100m000100y43", None)],
)
def test_uscc_shape(value, code):
    assert check_uscc(value).code == code


def test_uscc_make_produces_valid_codes():
    code = uscc_make("9", "1", "990102", "MA000001")
    assert code == "91990102MA0000015T"
    result = check_uscc(code)
    assert result.valid is True
    assert result.division_name == "东城区"
    assert uscc_make("9", "1", "350100", "M000100Y") == "91350100M000100Y43"
    with pytest.raises(ValueError, match="six digits"):
        uscc_make("9", "1", "35010", "M000100Y")
    with pytest.raises(ValueError, match="8 ASCII"):
        uscc_make("9", "1", "350100", "M000100")


def test_uscc_adapters():
    with pytest.raises(ValidationError) as caught:
        validate_uscc("91350100M000100Y44")
    assert caught.value.code == "core.uscc.check_character"
    assert UsccValidator() == UsccValidator()
    assert require_uscc("91110000600037341L").organisation_code == "60003734-1"
    with pytest.raises(ValidationFailed) as failed:
        require_uscc("91350100M000100I43")
    assert failed.value.instance_code == "core.uscc.characters"
    assert failed.value.as_problem()["errors_en"]["uscc"][0].startswith("Character 16 (I) is not allowed")


# --- properties ------------------------------------------------------------------------------------------------

ADDRESS_CODES = st.sampled_from(["110105", "110103", "350405", "440305", "990102", "990121", "652901"])
BIRTH_DATES = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)


@settings(max_examples=200, deadline=None)
@given(ADDRESS_CODES, BIRTH_DATES, st.integers(0, 999), st.integers(0, 16), st.integers(1, 9))
def test_made_numbers_are_valid_and_any_single_digit_change_is_caught(code, born, sequence, position, shift):
    number = id_number_make(code, born, sequence)
    result = check_id_number(number, today=TODAY)
    assert (result.valid, result.birth_date, result.address_code) == (True, born, code)
    assert result.sex is (Sex.MALE if sequence % 2 else Sex.FEMALE)
    changed = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]
    assert check_id_number(changed, today=TODAY).valid is False


USCC_BODY = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from("159ANY"), st.sampled_from("1239"), ADDRESS_CODES, USCC_BODY, st.integers(0, 17))
def test_made_codes_are_valid_and_any_single_character_change_is_caught(authority, kind, division, body, position):
    code = uscc_make(authority, kind, division, body)
    assert check_uscc(code).valid is True
    replacement = next(c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if c != code[position])
    assert check_uscc(code[:position] + replacement + code[position + 1 :]).valid is False
