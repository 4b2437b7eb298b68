"""Text normalisation shared by documents and queries.

Both sides of the index must see the same text: full-width forms folded (NFKC), Latin letters lower-cased,
traditional characters converted to simplified ones (OpenCC ``t2s``) and punctuation turned into spaces.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_CONVERTER = opencc.OpenCC("t2s")

# A "run" is a maximal stretch of one script: Han characters, Latin letters (pinyin or words like KTV) or digits.
_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+|[a-z']+|[0-9]+")
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_NOT_TEXT_RE = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fffa-z0-9' ]+")


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """Fold width, case and script variants; replace punctuation with single spaces."""
    folded = unicodedata.normalize("NFKC", text).lower()
    if not folded.isascii():
        folded = _strip_tone_marks(folded)
    if _HAN_RE.search(folded):
        folded = _CONVERTER.convert(folded)
    folded = folded.replace("’", "'")
    return " ".join(_NOT_TEXT_RE.sub(" ", folded).split())


_U_UMLAUT = str.maketrans({"ü": "v", "ǖ": "v", "ǘ": "v", "ǚ": "v", "ǜ": "v"})


def _strip_tone_marks(text: str) -> str:
    """Pinyin typed with tone marks ("gōngjījīn", "lǜ") reads as plain letters ("gongjijin", "lv")."""
    decomposed = unicodedata.normalize("NFD", text.translate(_U_UMLAUT))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", plain)


def runs(text: str) -> list[str]:
    """Split normalised text into script runs (Han, Latin, digits), in order."""
    return _RUN_RE.findall(text)


def is_han(run: str) -> bool:
    return bool(run) and _HAN_RE.match(run) is not None


def is_latin(run: str) -> bool:
    return bool(run) and run[0].isascii() and run[0].isalpha()


def has_han(text: str) -> bool:
    return _HAN_RE.search(text) is not None
