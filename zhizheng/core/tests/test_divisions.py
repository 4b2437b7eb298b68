import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from zhizheng.core.divisions import division, is_known_division, national_division_count


def test_national_table_is_loaded_with_current_and_retired_codes():
    assert national_division_count() == 7258
    assert division("110105").name == "朝阳区"
    assert division("110105").in_force is True
    assert division("110103").name == "崇文区"
    assert division("110103").in_force is False
    assert division("350405").name == "沙县区"  # created 2021, from the 2025 snapshot


@pytest.mark.parametrize("code", ["999999", "110199", "990000", "130171", "abcdef", ""])
def test_unknown_codes(code):
    assert is_known_division(code) is False


def test_local_codes_extend_the_table():
    assert division("990100").name == "示范市"
    assert division("990121").name == "青河县"
    assert division("990121").local is True
    with override_settings(ZHIZHENG_LOCAL_DIVISION_CODES={"990200": "另一市"}):
        assert division("990200").name == "另一市"
        assert division("990100") is None
    with override_settings(ZHIZHENG_LOCAL_DIVISION_CODES={"9902": "坏"}), pytest.raises(ImproperlyConfigured):
        division("990200")
