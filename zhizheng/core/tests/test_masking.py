import pytest

from zhizheng.core.masking import mask_address, mask_id_number, mask_name, mask_phone, mask_uscc


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("11010519491231002X", "110105********002X"),
        ("110105491231002", "110105*****1002"),  # a 15-digit number of the first generation
        ("1234567", "1*****7"),
        ("123", "***"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id_number(value, masked):
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812341234", "138****1234"),
        ("+86 138-1234-1234", "+86 138-****-1234"),
        ("010-12345678", "010-****5678"),
        ("12345", "1***5"),
        ("110", "***"),
        (None, ""),
    ],
)
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("张三", "张*"),
        ("张三丰", "张**"),
        ("司马相如", "司马**"),
        ("欧阳修", "欧阳*"),
        ("欧阳", "欧*"),
        ("阿依古丽·买买提", "阿***·***"),
        ("John Smith", "J*** *****"),
        ("张", "*"),
        ("  李四 ", "李*"),
        (None, ""),
    ],
)
def test_mask_name(value, masked):
    assert mask_name(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("91350100M000100Y43", "91350100********43"), ("91A5", "9**5"), ("9", "*"), (None, "")],
)
def test_mask_uscc(value, masked):
    assert mask_uscc(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("北京市朝阳区建国路88号", "北京市朝阳区****"),
        ("新疆维吾尔自治区乌鲁木齐市天山区解放南路1号", "新疆维吾尔自治区乌鲁木齐市天山区****"),
        ("内蒙古自治区阿拉善盟阿拉善左旗巴彦浩特镇", "内蒙古自治区阿拉善盟阿拉善左旗****"),
        ("上海市浦东新区世纪大道100号", "上海市浦东新区****"),
        ("广东省东莞市南城街道鸿福路1号", "广东省东莞市****"),
        ("浙江省杭州市西湖区文三路小区3幢", "浙江省杭州市西湖区****"),
        ("示范市高新区创新路8号", "示范市高新区****"),
        ("北京市朝阳区", "北京市朝阳区"),
        ("建设路100号院3号楼", "建设路****"),
        ("某地", "**"),
        (None, ""),
    ],
)
def test_mask_address(value, masked):
    assert mask_address(value) == masked
