"""Pinyin: reading Latin-letter queries ("gongjijin tiqu") and finding homophone typos ("营业执找").

Queries typed in pinyin are split into syllables and matched, longest first, against the pinyin of the index's
own vocabulary; the same vocabulary, keyed by pinyin, proposes the intended term for a window of Han characters
that sounds like a known term but is not one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Toneless syllables of Mandarin (pypinyin's NORMAL style, "ü" written "v"), without interjections such as "hm"
# and the very rare syllables that mostly cause wrong splits.
_SYLLABLE_TEXT = """
    a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang cao ce cen ceng
    cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo ci cong cou cu
    cuan cui cun cuo da dai dan dang dao de dei deng di dian diao die ding diu dong dou du duan dui dun duo e ei en
    eng er fa fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui
    gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie
    jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke ken keng kong kou ku kua kuai kuan kuang kui kun kuo la
    lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu long lou lu luan lun luo lv lve lue ma mai
    man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nian
    niang niao nie nin ning niu nong nu nuan nuo nv nve nue o ou pa pai pan pang pao pei pen peng pi pian piao pie pin
    ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou
    ru ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shen sheng shi shou shu shua
    shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te teng ti tian tiao tie
    ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu
    xu xuan xue xun ya yan yang yao ye yi yin ying yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha
    zhai zhan zhang zhao zhe zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan
    zui zun zuo
    """
SYLLABLES = frozenset(_SYLLABLE_TEXT.split())
_MAX_SYLLABLE = max(len(s) for s in SYLLABLES)
MAX_TERM_SYLLABLES = 8


@lru_cache(maxsize=131072)
def syllables_of(text: str) -> tuple[str, ...]:
    """Toneless pinyin of a Han string, one syllable per character (empty if any character has no reading)."""
    out = lazy_pinyin(text, style=Style.NORMAL, errors="ignore")
    if len(out) != len(text):
        return ()
    return tuple(s.replace("ü", "v") for s in out)


def segment(letters: str) -> list[str] | None:
    """Split a run of Latin letters into the fewest pinyin syllables, or ``None`` if it is not pinyin."""
    chunks = [c for c in letters.split("'") if c]
    out: list[str] = []
    for chunk in chunks:
        part = _segment_chunk(chunk)
        if part is None:
            return None
        out.extend(part)
    return out or None


def _segment_chunk(chunk: str) -> list[str] | None:
    n = len(chunk)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(1, n + 1):
        for size in range(min(_MAX_SYLLABLE, end), 0, -1):
            head = best[end - size]
            if head is None or chunk[end - size : end] not in SYLLABLES:
                continue
            candidate = [*head, chunk[end - size : end]]
            current = best[end]
            if current is None or len(candidate) < len(current):
                best[end] = candidate
    return best[n]


_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"), ("f", "h"))


def fuzzy(syllables: tuple[str, ...]) -> tuple[str, ...]:
    """Syllables with the mergers of many southern accents and typists folded: zh/z, ch/c, sh/s, n/l and f/h
    initials and -ng/-n finals (护照 hu zhao and 护造 hu zao share a key)."""
    out = []
    for syllable in syllables:
        for long, short in _FUZZY_INITIALS:
            if syllable.startswith(long):
                syllable = short + syllable[len(long) :]
                break
        if syllable.endswith("ng") and len(syllable) > 2:
            syllable = syllable[:-1]
        out.append(syllable)
    return tuple(out)


class PinyinVocabulary:
    """The index vocabulary keyed by toneless pinyin, for pinyin queries and homophone corrections."""

    def __init__(self, terms: Iterable[str], char_counts: Mapping[str, int]) -> None:
        self.by_syllables: dict[tuple[str, ...], list[str]] = {}
        self.by_fuzzy: dict[tuple[str, ...], list[str]] = {}
        for term in terms:
            if len(term) > MAX_TERM_SYLLABLES:
                continue
            key = syllables_of(term)
            if key:
                self.by_syllables.setdefault(key, []).append(term)
                if len(key) >= 2:
                    self.by_fuzzy.setdefault(fuzzy(key), []).append(term)
        # The most frequent character for each syllable: the reading of a lone syllable that matched no term.
        self.char_for: dict[str, str] = {}
        best_count: dict[str, int] = {}
        for char, count in char_counts.items():
            key = syllables_of(char)
            if len(key) != 1:
                continue
            if count > best_count.get(key[0], 0):
                best_count[key[0]] = count
                self.char_for[key[0]] = char

    def read(self, syllables: list[str]) -> list[str]:
        """Han terms for a syllable sequence: longest known term first, a lone syllable as its commonest char."""
        out: list[str] = []
        i = 0
        while i < len(syllables):
            for size in range(min(MAX_TERM_SYLLABLES, len(syllables) - i), 0, -1):
                terms = self.by_syllables.get(tuple(syllables[i : i + size]))
                if terms and (size > 1 or len(terms) == 1):
                    out.extend(terms)
                    i += size
                    break
            else:
                char = self.char_for.get(syllables[i])
                if char:
                    out.append(char)
                i += 1
        return out
