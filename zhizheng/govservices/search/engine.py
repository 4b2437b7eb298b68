"""The search engine: understand a query, score items and life events, rank, suggest as one types.

A query goes through: validation → normalisation (width, case, traditional→simplified) → pinyin runs read as
Han terms → homophone and one-character typo corrections against the index vocabulary → lexicon rules
(colloquial phrase → official terms) → weighted terms → BM25F over words plus a bigram channel → life events lend
part of their score to their member items → bounded click boost → ranking.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from .documents import SearchDocument
from .errors import MAX_SUGGEST_LIMIT, check_limit, check_query
from .index import BIGRAM_FIELDS, FIELD_WEIGHTS, FieldIndex, Tokenizer, bigrams
from .lexicon import Lexicon
from .pinyin import PinyinVocabulary, fuzzy, segment, syllables_of
from .text import is_han, is_latin, normalise, runs

# Steps later in the life of a licence or a registration than obtaining it. An item named for one of them is what
# someone wants only if the query says so.
LATER_STEPS = ("注销", "变更")
_NOT_HAN = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff]")


@dataclass(frozen=True)
class Tuning:
    """The engine's few numeric choices, in one place (docs/search.md explains how they were chosen)."""

    expansion_weight: float = 0.8  # a lexicon term, relative to a typed term
    expansion_floor: float = 0.6  # lexicon terms' worth for a document that matches no typed word
    unasked_step: float = 0.85  # an item for a later step (注销, 变更) nobody asked about scores 15 % less
    step_not_offered: float = 0.85  # when a query asks for such a step, items not named for it score less
    audience_mismatch: float = 0.9  # an item for organisations when a person asks (or the reverse) scores less
    fuzzy_weight: float = 0.6  # a term that sounds alike with a dialect merger (护造 → 护照: z/zh)
    homophone_weight: float = 0.8  # a term found by sound (营业执找 → 营业执照)
    edit_weight: float = 0.5  # a term one character away (居往证 → 居住证)
    pinyin_alternative_weight: float = 0.7  # the second reading of a pinyin syllable sequence
    bigram_weight: float = 0.3  # the character-bigram channel, relative to the word channel
    life_event_share: float = 0.25  # part of a life event's score lent to each of its items
    life_event_factor: float = 1.0  # a life event's own score, relative to items
    life_event_members: float = 0.6  # part of its items' mean score added to a matched life event
    name_bonus: float = 0.5  # a document whose whole name is in the query scores 50 % more
    click_cap: float = 0.3  # clicks raise a matched item's score by at most 30 %
    click_scale: float = 5.0  # clicks needed for about 63 % of the cap


@dataclass(frozen=True, slots=True)
class SearchHit:
    code: str
    kind: str
    name: str
    department: str
    department_name: str
    score: float


@dataclass(frozen=True, slots=True)
class Suggestion:
    text: str
    code: str
    kind: str


@dataclass
class QueryAnalysis:
    """What the engine understood: the text it searched and the weighted terms (useful to explain a ranking)."""

    query: str
    text: str
    corrected: str = ""
    terms: dict[str, float] = field(default_factory=dict)  # what the person typed (read, corrected)
    expanded: dict[str, float] = field(default_factory=dict)  # what the lexicon added
    corrections: list[tuple[str, str]] = field(default_factory=list)
    expansions: list[str] = field(default_factory=list)

    def add(self, term: str, weight: float) -> None:
        if weight > self.terms.get(term, 0.0):
            self.terms[term] = weight

    def expand(self, term: str, weight: float) -> None:
        if weight > self.expanded.get(term, 0.0):
            self.expanded[term] = weight


class SearchEngine:
    """An in-process index over service items and life events. Thread-safe for concurrent searches."""

    def __init__(self, documents: Iterable[SearchDocument], lexicon: Lexicon, tuning: Tuning | None = None) -> None:
        self.lexicon = lexicon
        self.tuning = tuning or Tuning()
        self._write_lock = threading.RLock()  # one writer at a time; readers take ``self._state`` as it is
        self._docs: dict[str, SearchDocument] = {}
        for doc in documents:
            self._docs[doc.code] = doc
        words = set(lexicon.phrases())
        for doc in self._docs.values():
            words.update(doc.keywords)
        self.tokenizer = Tokenizer(words=words, stopwords=lexicon.stopwords)
        self._counts: dict[str, _DocumentData] = {}
        self._rebuild()

    # -- building -------------------------------------------------------------------------------------------
    def _doc_counts(self, doc: SearchDocument) -> _DocumentData:
        texts = doc.fields()
        words = {name: Counter(self.tokenizer.tokens(texts[name])) for name in FIELD_WEIGHTS}
        grams = {name: Counter(bigrams(normalise(texts[name]))) for name in BIGRAM_FIELDS}
        return _DocumentData(words=words, grams=grams, suggest=_suggest_keys(doc))

    def _rebuild(self) -> None:
        for code, doc in self._docs.items():
            if code not in self._counts:
                self._counts[code] = self._doc_counts(doc)
        order = list(self._docs)
        words = FieldIndex(FIELD_WEIGHTS)
        words.build([self._counts[c].words for c in order])
        grams = FieldIndex(BIGRAM_FIELDS)
        grams.build([self._counts[c].grams for c in order])
        position = {code: i for i, code in enumerate(order)}
        members = []
        for code in order:
            doc = self._docs[code]
            if doc.kind == "life_event":
                linked = [position[m] for m in doc.members if m in position]
                members.append((position[code], np.array(linked, dtype=np.int32)))
        official, vocabulary = self._vocabulary()
        char_counts: Counter[str] = Counter()
        short_terms: set[str] = set()
        for code in order:
            counts = self._counts[code].words
            for name in ("name", "keywords", "result"):
                for term, n in counts[name].items():
                    if len(term) >= 2:
                        short_terms.add(term)
                    for char in term:
                        char_counts[char] += n
        is_item = np.array([self._docs[c].kind == "item" for c in order], dtype=bool)
        suggest_keys = [self._counts[c].suggest for c in order]
        names = [(_core_name(self._docs[c].name), i) for i, c in enumerate(order)]
        steps = {step: np.array([i for name, i in names if step in name], dtype=np.int32) for step in LATER_STEPS}
        pinyin = PinyinVocabulary(sorted(vocabulary), char_counts)
        by_char: dict[str, list[str]] = {}
        for term in sorted(short_terms):
            for char in set(term):
                by_char.setdefault(char, []).append(term)
        masked = _masked_index(official)
        audiences = {a for c in order for a in self._docs[c].audience}
        audience_mismatch = {
            asker: np.array(
                [i for i, c in enumerate(order) if self._docs[c].audience and asker not in self._docs[c].audience],
                dtype=np.int32,
            )
            for asker in audiences
        }
        # One assignment publishes the new index: searches running meanwhile finish on the old one.
        self._state = _State(
            order=order,
            docs=tuple(self._docs[c] for c in order),
            position=position,
            words=words,
            grams=grams,
            members=members,
            is_item=is_item,
            vocabulary=vocabulary,
            pinyin=pinyin,
            by_char=by_char,
            latin_phrases=frozenset(p for p in self.lexicon.colloquial_phrases() if p.isascii()),
            masked=masked,
            suggest_keys=suggest_keys,
            names=[(name, i) for name, i in names if len(name) >= 3],
            steps=steps,
            audience_mismatch=audience_mismatch,
        )

    def _vocabulary(self) -> tuple[frozenset[str], frozenset[str]]:
        """(official, all) terms a typo or a pinyin syllable sequence may be read as.

        Official terms come from the short fields of documents and the lexicon's right-hand sides; "all" adds the
        lexicon's colloquial phrases and the stop words, which pinyin may spell ("zenme") but no typo should
        be corrected to.
        """
        official: set[str] = {term for rule in self.lexicon.rules for term, _ in rule.terms}
        for code in self._docs:
            counts = self._counts[code].words
            for name in ("name", "keywords", "result", "materials"):
                official.update(counts[name])
            official.update(normalise(k) for k in self._docs[code].keywords)
        everything = official | self.lexicon.colloquial_phrases() | self.lexicon.stopwords

        def usable(terms: set[str]) -> frozenset[str]:
            return frozenset(t for t in terms if len(t) >= 2 and " " not in t)

        return usable(official), usable(everything)

    def upsert(self, document: SearchDocument) -> None:
        """Add or replace one document; only it is re-tokenised, then the postings are rebuilt."""
        with self._write_lock:
            self._docs[document.code] = document
            self._counts[document.code] = self._doc_counts(document)
            self._rebuild()

    def remove(self, code: str) -> None:
        with self._write_lock:
            if self._docs.pop(code, None) is not None:
                self._counts.pop(code, None)
                self._rebuild()

    def __len__(self) -> int:
        return len(self._state.docs)

    def document(self, code: str) -> SearchDocument | None:
        state = self._state
        i = state.position.get(code)
        return state.docs[i] if i is not None else None

    # -- understanding a query --------------------------------------------------------------------------------
    def analyse(self, query: str) -> QueryAnalysis:
        """The weighted terms a query stands for (validation included)."""
        raw = check_query(query)
        return self._analyse(raw, self._state)

    def _analyse(self, raw: str, state: _State) -> QueryAnalysis:
        t = self.tuning
        analysis = QueryAnalysis(query=raw, text="")
        pieces: list[str] = []
        for run in runs(normalise(raw)):
            if is_latin(run):
                word = run.strip("'")
                if not word or word in state.words or word in state.latin_phrases:
                    pieces.append(" " + word + " ")
                    continue
                syllables = segment(word)
                if syllables is None:
                    pieces.append(" " + word + " ")
                    continue
                read = state.pinyin.read(syllables)
                pieces.append("".join(read))
                for alternative in state.pinyin.by_syllables.get(tuple(syllables), ()):
                    if alternative not in read:
                        analysis.add(alternative, t.pinyin_alternative_weight)
            else:
                pieces.append(run if is_han(run) else " " + run + " ")
        text = "".join(pieces).strip()
        analysis.text = text
        corrected = self._correct(text, analysis, state)
        analysis.corrected = corrected
        for term, weight in self.tokenizer.weighted(text).items():
            analysis.add(term, weight)
        compact = text.replace(" ", "")
        if len(compact) == 1 and is_han(compact):
            # One character ("税", "房") is rarely a word of its own in the catalogue: read it as the official
            # terms that contain it, sharing one budget.
            containing = state.by_char.get(compact, [])
            for term in containing:
                analysis.expand(term, t.expansion_weight / math.sqrt(len(containing)))
        for rule in self.lexicon.matching(_join_han(text) + " " + _join_han(corrected)):
            # One rule is one idea: its terms share a budget, so a rule with many terms does not outweigh the
            # words the person typed.
            tokens: dict[str, float] = {}
            for phrase, weight in rule.terms:
                analysis.expansions.append(phrase)
                for token, token_weight in self.tokenizer.weighted(phrase).items():
                    if token in state.words:
                        tokens[token] = max(tokens.get(token, 0.0), weight * token_weight)
            if tokens:
                share = t.expansion_weight / math.sqrt(sum(tokens.values()))
                for token, token_weight in tokens.items():
                    analysis.expand(token, share * token_weight)
        return analysis

    def _correct(self, text: str, analysis: QueryAnalysis, state: _State) -> str:
        """Add the terms that windows of the query sound like, or are one character away from.

        A character may change only where nothing already explains it: not inside a vocabulary term found in the
        query, and not inside a word of the general dictionary that reaches outside the window. So "公积金租房"
        is never read as "公积金买房", nor "个水果店" as "个税", while "营业执找" becomes "营业执照" and even the
        real word in "结婚登机" becomes "登记". One-character edits (居往证 → 居住证) need a window that nothing
        explains at all. Returns the text with the sound-alike corrections applied (for the lexicon).
        """
        t = self.tuning
        out = text
        for run in runs(text):
            if not is_han(run) or len(run) < 2:
                continue
            known = _spans(run, state.vocabulary)
            words = [(a, b) for a, b in self.tokenizer.word_spans(run) if b - a >= 2]
            readings = syllables_of(run)
            for size in range(min(6, len(run)), 1, -1):
                for start in range(len(run) - size + 1):
                    end = start + size
                    window = run[start:end]
                    if window in state.vocabulary:
                        continue
                    outside = [(a, b) for a, b in words if not (start <= a and b <= end)]
                    straddles = any(a < end and start < b and not (start <= a and b <= end) for a, b in known + words)
                    if readings:
                        key = readings[start:end]
                        alike = state.pinyin.by_syllables.get(key, [])
                        weight, merged = t.homophone_weight, False
                        if not alike:
                            alike = state.pinyin.by_fuzzy.get(fuzzy(key), [])
                            weight, merged = t.fuzzy_weight, True
                        for term in alike:
                            changed = [start + i for i, (x, y) in enumerate(zip(window, term, strict=True)) if x != y]
                            if merged and len(changed) == size:
                                continue  # an accent merger changes a sound, not every character of a word
                            if straddles:
                                break  # "员工上社保" has no "工上": a word that crosses the window's edge explains it
                            if changed and not _touches(changed, known) and not _touches(changed, outside):
                                self._add_correction(analysis, window, term, weight)
                                out = out.replace(window, term)
                    if size >= 3 and not _overlaps(start, end, known) and not _overlaps(start, end, words):
                        for position in range(size):
                            masked = window[:position] + "?" + window[position + 1 :]
                            for term in state.masked.get(masked, ()):
                                self._add_correction(analysis, window, term, t.edit_weight)
        return out

    def _add_correction(self, analysis: QueryAnalysis, window: str, term: str, weight: float) -> None:
        analysis.corrections.append((window, term))
        for token, share in self.tokenizer.weighted(term).items():
            analysis.add(token, weight * share)

    # -- ranking -----------------------------------------------------------------------------------------------
    def search(
        self, query: str, limit: int = 10, *, clicks: Mapping[str, float] | None = None, items_only: bool = False
    ) -> list[SearchHit]:
        """Best first. ``clicks`` maps codes to how often people chose them for this query (bounded boost)."""
        limit = check_limit(limit)
        raw = check_query(query)
        state = self._state
        order = state.order
        scores = self._score(self._analyse(raw, state), state)
        if clicks:
            t = self.tuning
            for code, count in clicks.items():
                i = state.position.get(code)
                if i is not None and count > 0 and scores[i] > 0:
                    scores[i] *= 1.0 + t.click_cap * (1.0 - math.exp(-float(count) / t.click_scale))
        if items_only:
            scores = np.where(state.is_item, scores, 0.0)
        candidates = np.flatnonzero(scores > 0)
        if candidates.size > limit:
            top = candidates[np.argpartition(-scores[candidates], limit - 1)[:limit]]
        else:
            top = candidates
        ranked = sorted(top.tolist(), key=lambda i: (-float(scores[i]), order[i]))
        hits = []
        for i in ranked:
            doc = state.docs[i]
            hits.append(
                SearchHit(
                    code=doc.code,
                    kind=doc.kind,
                    name=doc.name,
                    department=doc.department,
                    department_name=doc.department_name,
                    score=round(float(scores[i]), 4),
                )
            )
        return hits

    def _channels(self, state: _State, terms: Mapping[str, float], text: str) -> np.ndarray:
        """Word BM25F plus the weighted bigram channel for weighted terms (and the raw text's bigrams)."""
        scores = state.words.score(terms.items())
        grams: dict[str, float] = {}
        for term, weight in terms.items():
            for gram in bigrams(term):
                grams[gram] = max(grams.get(gram, 0.0), weight)
        for gram in bigrams(text):
            grams[gram] = max(grams.get(gram, 0.0), 1.0)
        scores += np.float32(self.tuning.bigram_weight) * state.grams.score(grams.items())
        return scores

    def _score(self, analysis: QueryAnalysis, state: _State) -> np.ndarray:
        t = self.tuning
        typed = self._channels(state, analysis.terms, analysis.text)
        extra = {term: w - analysis.terms.get(term, 0.0) for term, w in analysis.expanded.items()}
        expanded = self._channels(state, {term: w for term, w in extra.items() if w > 0}, "")
        # What the person typed is the surest evidence: lexicon terms count in full for the documents that
        # match the typed words best, and down to ``expansion_floor`` for documents that match none of them.
        best = float(typed.max()) if typed.size else 0.0
        if best > 0:
            trust = np.float32(t.expansion_floor) + np.float32(1.0 - t.expansion_floor) * np.minimum(
                typed / np.float32(best), np.float32(1.0)
            )
            scores = typed + expanded * trust
        else:
            scores = typed + expanded
        # A life event lends part of its score to its items, and is worth part of its items' average: a query
        # about a situation ("生孩子要办哪些手续") lifts the whole bundle and shows the bundle itself near the top.
        base = scores.copy()
        for event, linked in state.members:
            own = base[event]
            if own > 0 and linked.size:
                scores[linked] += np.float32(t.life_event_share) * own
                scores[event] = np.float32(t.life_event_factor) * own + np.float32(t.life_event_members) * float(
                    base[linked].mean()
                )
        # "残疾证" means getting one, not cancelling it: items for a later step in an item's life lose a little
        # unless the query speaks of that step (the lexicon maps 关门, 去世, 改名… onto these words).
        # And the other way round: "个体户注销" wants a 注销 item before the 个体户 registration itself.
        asked = " ".join([*analysis.terms, *analysis.expanded])
        for step, indices in state.steps.items():
            if step not in asked:
                if indices.size:
                    scores[indices] *= np.float32(t.unasked_step)
            elif t.step_not_offered != 1.0:
                penalty = np.full(scores.shape, np.float32(t.step_not_offered), dtype=np.float32)
                penalty[indices] = 1.0
                scores *= penalty
        # A business asking ("开…店", "公司", "员工") rarely wants a service for private persons, and a family
        # ("孩子", "老人", "我家") rarely wants one for organisations.
        asker = self.lexicon.audience(_join_han(analysis.text))
        if asker is not None:
            mismatched = state.audience_mismatch.get(asker)
            if mismatched is not None and mismatched.size:
                scores[mismatched] *= np.float32(t.audience_mismatch)
        # Someone who types (nearly) the official name of an item or a life event means that one.
        compact = analysis.text.replace(" ", "") + " " + analysis.corrected.replace(" ", "")
        for name, i in state.names:
            if name in compact:
                scores[i] *= np.float32(1.0 + t.name_bonus)
        return scores

    # -- type-ahead --------------------------------------------------------------------------------------------
    def suggest(
        self, prefix: str, limit: int = 8, *, popularity: Mapping[str, float] | None = None
    ) -> list[Suggestion]:
        """Names for what one is typing: by name, keyword, full pinyin or pinyin initials ("gjj" → 公积金…), then,
        if those are too few, the best search results for the text so far."""
        limit = check_limit(limit, maximum=MAX_SUGGEST_LIMIT)
        text = check_query(prefix, allow_blank=True)
        key = normalise(text).replace(" ", "").replace("'", "")
        if not key:
            return []
        popular = popularity or {}
        state = self._state
        ranked: list[tuple[int, float, int, str, int]] = []
        for i, doc_keys in enumerate(state.suggest_keys):
            rank = _match_rank(key, doc_keys)
            if rank is not None:
                doc = state.docs[i]
                ranked.append((rank, -float(popular.get(doc.code, 0.0)), len(doc.name), doc.code, i))
        ranked.sort()
        chosen = [i for *_, i in ranked[:limit]]
        if len(chosen) < limit and len(key) >= 2:
            # Too few names start with what was typed ("上户口", "驾照到期"): complete with what a search finds.
            seen = set(chosen)
            scores = self._score(self._analyse(text, state), state)
            for i in np.argsort(-scores, kind="stable")[: limit * 2].tolist():
                if len(chosen) >= limit or scores[i] <= 0:
                    break
                if i not in seen:
                    chosen.append(i)
                    seen.add(i)
        return [Suggestion(text=state.docs[i].name, code=state.docs[i].code, kind=state.docs[i].kind) for i in chosen]


@dataclass(frozen=True)
class _State:
    """Everything a search reads, built together and published by one assignment (never mutated after)."""

    order: list[str]
    docs: tuple[SearchDocument, ...]
    position: dict[str, int]
    words: FieldIndex
    grams: FieldIndex
    members: list[tuple[int, np.ndarray]]
    is_item: np.ndarray
    vocabulary: frozenset[str]
    pinyin: PinyinVocabulary
    by_char: dict[str, list[str]]
    latin_phrases: frozenset[str]
    masked: dict[str, list[str]]
    suggest_keys: list[_SuggestKeys]
    names: list[tuple[str, int]]
    steps: dict[str, np.ndarray]
    audience_mismatch: dict[str, np.ndarray]


@dataclass(frozen=True, slots=True)
class _SuggestKeys:
    """A document's type-ahead keys; each haystack is "\0"-separated so "\0" + prefix finds a prefix match."""

    name: str
    keywords: str
    spellings: str  # full pinyin of the name and of each keyword
    initials: str  # their initials


@dataclass(frozen=True, slots=True)
class _DocumentData:
    """What a document contributes to the index, kept so an edit re-analyses only that document."""

    words: dict[str, Counter[str]]
    grams: dict[str, Counter[str]]
    suggest: _SuggestKeys


def _suggest_keys(doc: SearchDocument) -> _SuggestKeys:
    name = normalise(doc.name).replace(" ", "")
    words = [normalise(k).replace(" ", "") for k in doc.keywords]
    spellings, initials = [], []
    for word in [name, *words]:
        han = _NOT_HAN.sub("", word)
        syllables = syllables_of(han) if han else ()
        if syllables:
            spellings.append("".join(syllables))
            initials.append("".join(s[0] for s in syllables))
    return _SuggestKeys(
        name=name,
        keywords="".join("\0" + w for w in words),
        spellings="".join("\0" + s for s in spellings),
        initials="".join("\0" + s for s in initials),
    )


def _match_rank(key: str, keys: _SuggestKeys) -> int | None:
    """0: the name starts with it; 1: a keyword or a pinyin spelling starts with it; 2: the name contains it;
    3: a keyword or spelling contains it; ``None``: no match."""
    if keys.name.startswith(key):
        return 0
    marked = "\0" + key
    if marked in keys.keywords:
        return 1
    if key in keys.name:
        return 2
    if key.isascii():
        if marked in keys.spellings or marked in keys.initials:
            return 1
        if key in keys.spellings or key in keys.initials:
            return 3
    elif key in keys.keywords:
        return 3
    return None


_SPACE_IN_HAN = re.compile(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])")


def _join_han(text: str) -> str:
    """Drop spaces between Han characters ("营业执照 丢了" → "营业执照丢了") but keep them between Latin words."""
    return _SPACE_IN_HAN.sub("", text)


def _core_name(name: str) -> str:
    """A name without its parenthesised qualifier: 食品经营许可证核发（新办） → 食品经营许可证核发."""
    return re.sub(r"[（(][^）)]*[）)]", "", normalise(name)).replace(" ", "")


def _spans(run: str, vocabulary: frozenset[str]) -> list[tuple[int, int]]:
    """Where vocabulary terms of two to six characters occur in a run."""
    return [
        (start, start + size)
        for size in range(2, min(6, len(run)) + 1)
        for start in range(len(run) - size + 1)
        if run[start : start + size] in vocabulary
    ]


def _touches(positions: list[int], spans: list[tuple[int, int]]) -> bool:
    return any(a <= p < b for p in positions for a, b in spans)


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < end and start < b for a, b in spans)


def _masked_index(vocabulary: Iterable[str]) -> dict[str, list[str]]:
    """``term`` with one character replaced by ``?`` → terms, for terms of three to six characters."""
    masked: dict[str, list[str]] = {}
    for term in vocabulary:
        if 3 <= len(term) <= 6 and not _NOT_HAN.search(term):
            for position in range(len(term)):
                masked.setdefault(term[:position] + "?" + term[position + 1 :], []).append(term)
    return masked
