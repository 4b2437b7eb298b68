"""Masking of personal data for pages, logs and exports: show enough to recognise, not enough to misuse.

Every helper accepts None or any length and never raises: a value too short to keep a prefix and suffix safely is
masked whole. Masks keep the original length (one ``*`` per hidden character) except addresses, whose detail is
replaced by a fixed ``****`` so that its length reveals nothing.
"""

from __future__ import annotations

import re

MASK = "*"

# Two-character surnames (复姓) that are kept whole, so 欧阳修 becomes 欧阳* rather than 欧**.
COMPOUND_SURNAMES = frozenset(
    {
        "欧阳",
        "太史",
        "端木",
        "上官",
        "司马",
        "东方",
        "独孤",
        "南宫",
        "万俟",
        "闻人",
        "夏侯",
        "诸葛",
        "尉迟",
        "公羊",
        "赫连",
        "澹台",
        "皇甫",
        "宗政",
        "濮阳",
        "公冶",
        "太叔",
        "申屠",
        "公孙",
        "慕容",
        "仲孙",
        "钟离",
        "长孙",
        "宇文",
        "司徒",
        "鲜于",
        "司空",
        "闾丘",
        "子车",
        "亓官",
        "司寇",
        "巫马",
        "公西",
        "颛孙",
        "壤驷",
        "公良",
        "漆雕",
        "乐正",
        "宰父",
        "谷梁",
        "拓跋",
        "夹谷",
        "轩辕",
        "令狐",
        "段干",
        "百里",
        "呼延",
        "东郭",
        "南门",
        "羊舌",
        "微生",
        "公户",
        "公玉",
        "公仪",
        "梁丘",
        "公仲",
        "公上",
        "公门",
        "公山",
        "公坚",
        "左丘",
        "公伯",
        "西门",
        "公祖",
        "第五",
        "公乘",
        "贯丘",
        "公皙",
        "南荣",
        "东里",
        "东宫",
        "仲长",
        "子书",
        "子桑",
        "即墨",
        "达奚",
        "褚师",
    }
)
_SEPARATORS = frozenset("·・. -")


def _keep(value: str, head: int, tail: int) -> str:
    hidden = len(value) - head - tail
    return value[:head] + MASK * hidden + (value[len(value) - tail :] if tail else "")


def mask_id_number(value: str | None) -> str:
    """``110105********002X``: the address code and the last four (order code and check character) stay."""
    if not value:
        return ""
    text = value.strip()
    if len(text) >= 15:
        return _keep(text, 6, 4)
    if len(text) >= 4:
        return _keep(text, 1, 1)
    return MASK * len(text)


def mask_phone(value: str | None) -> str:
    """``138****1234`` for a mobile number; other numbers keep their first three and last four digits when long
    enough. A ``+86`` prefix and separators are kept as written."""
    if not value:
        return ""
    text = value.strip()
    match = re.match(r"^(\+?86[\s-]?)?(.*)$", text)
    prefix, number = (match.group(1) or "", match.group(2)) if match else ("", text)
    digits = [i for i, c in enumerate(number) if c.isdigit()]
    if len(digits) >= 8:
        keep = set(digits[:3]) | set(digits[-4:])
    elif len(digits) >= 4:
        keep = {digits[0], digits[-1]}
    else:
        keep = set()
    masked = "".join(c if (i in keep or not c.isdigit()) else MASK for i, c in enumerate(number))
    return prefix + masked


def mask_name(value: str | None) -> str:
    """``张*``, ``张**``, ``欧阳*``: the surname stays, every other letter is hidden (separators such as the
    middle dot of 阿依古丽·买买提 stay). A one-character name is hidden whole."""
    if not value:
        return ""
    text = value.strip()
    if len(text) <= 1:
        return MASK * len(text)
    head = 2 if len(text) >= 3 and text[:2] in COMPOUND_SURNAMES else 1
    return text[:head] + "".join(c if c in _SEPARATORS else MASK for c in text[head:])


def mask_uscc(value: str | None) -> str:
    """``91350100********43``: the registration authority, type and division (public context) and the last two
    characters stay; the organisation code is hidden."""
    if not value:
        return ""
    text = value.strip()
    if len(text) >= 15:
        return _keep(text, 8, 2)
    if len(text) >= 4:
        return _keep(text, 1, 1)
    return MASK * len(text)


_COUNTY_WORD = re.compile(r"[区县旗]")
_NOT_COUNTY = ("自治区", "行政区", "地区", "小区", "园区", "社区", "校区", "景区", "厂区")


def _division_end(text: str) -> int | None:
    """Where the county-level division ends within the first 20 characters (None if none is recognisable).
    Words ending in 区 that are not county-level (自治区, 地区, 小区, ...) are skipped; a county-level city
    (…市) counts when no district or county follows it."""
    head = text[:20]
    for found in _COUNTY_WORD.finditer(head):
        if found.start() > 0 and not any(head[: found.end()].endswith(word) for word in _NOT_COUNTY):
            return found.end()
    city = head.rfind("市")
    return city + 1 if city > 0 else None


def mask_address(value: str | None) -> str:
    """``北京市朝阳区****``: the address is kept down to the county-level division and the rest replaced by
    ``****``. Without a recognisable division the first third is kept."""
    if not value:
        return ""
    text = value.strip()
    end = _division_end(text)
    if end is not None:
        return text[:end] + (MASK * 4 if end < len(text) else "")
    if len(text) <= 3:
        return MASK * len(text)
    return text[: len(text) // 3] + MASK * 4
