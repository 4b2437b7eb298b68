"""The maintained lexicon: how people say it, mapped to the terms the catalogue uses.

The lexicon is a text file an editor can maintain without touching code (``data/search_lexicon.txt``)::

    # comment
    上户口 报户口 落户口 => 出生登记 户口登记 入户
    户口…销 => 注销 销户
    驾照 => 驾驶证 机动车驾驶证@0.6

Left of ``=>``: one or more colloquial phrases; the rule fires when the normalised query contains any of them.
A phrase ``A…B`` fires when ``A`` is followed by ``B`` within a few characters. Right of ``=>``: official terms
added to the query, each with an optional weight (``@0.6``; default 1.0, scaled by the engine's expansion weight).
Stop words (``data/search_stopwords.txt``) are words that say nothing about which service is meant.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .text import normalise

GAP = "…"
MAX_GAP = 8


@dataclass(frozen=True, slots=True)
class Rule:
    """One lexicon line: any of ``phrases`` in a query adds ``terms`` (term, weight)."""

    phrases: tuple[str, ...]
    terms: tuple[tuple[str, float], ...]
    line: int

    def matches(self, query: str) -> bool:
        return any(_phrase_in(p, query) for p in self.phrases)


def _phrase_in(phrase: str, query: str) -> bool:
    if phrase.isascii() and phrase.isalpha():
        # A Latin word must be a whole word: "id" is not in "provident".
        start = query.find(phrase)
        while start != -1:
            end = start + len(phrase)
            if (start == 0 or not query[start - 1].isalpha()) and (end == len(query) or not query[end].isalpha()):
                return True
            start = query.find(phrase, start + 1)
        return False
    if GAP not in phrase:
        return phrase in query
    head, tail = phrase.split(GAP, 1)
    start = query.find(head)
    while start != -1:
        window = query[start + len(head) : start + len(head) + MAX_GAP + len(tail)]
        if tail in window:
            return True
        start = query.find(head, start + 1)
    return False


class LexiconError(ValueError):
    """A malformed lexicon line (raised when the lexicon is loaded, so a bad edit fails loudly)."""


@dataclass(frozen=True, slots=True)
class Lexicon:
    rules: tuple[Rule, ...]
    stopwords: frozenset[str]
    audience_cues: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (audience, phrases), strongest first

    def audience(self, query: str) -> str | None:
        """Who seems to be asking (the first audience whose cue phrase is in the query), or ``None``."""
        for audience, phrases in self.audience_cues:
            if any(_phrase_in(p, query) for p in phrases):
                return audience
        return None

    def matching(self, query: str) -> list[Rule]:
        """The rules a normalised query fires."""
        return [rule for rule in self.rules if rule.matches(query)]

    def colloquial_phrases(self) -> set[str]:
        return {p for rule in self.rules for p in rule.phrases if GAP not in p}

    def phrases(self) -> set[str]:
        """Every phrase and term the lexicon knows (fed to the tokenizer's dictionary)."""
        words: set[str] = set()
        for rule in self.rules:
            words.update(p for p in rule.phrases if GAP not in p)
            words.update(t for t, _ in rule.terms)
        return words


def parse_rules(text: str) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.count("=>") != 1:
            raise LexiconError(f"line {number}: expected 'phrases => terms', got {raw!r}")
        left, right = line.split("=>")
        phrases = tuple(normalise(p).replace(" ", "") if GAP not in p else p for p in left.split())
        terms: list[tuple[str, float]] = []
        for item in right.split():
            word, _, weight = item.partition("@")
            try:
                value = float(weight) if weight else 1.0
            except ValueError as exc:
                raise LexiconError(f"line {number}: bad weight in {item!r}") from exc
            if not 0 < value <= 2:
                raise LexiconError(f"line {number}: weight of {word!r} must be in (0, 2]")
            terms.append((normalise(word).replace(" ", ""), value))
        if not phrases or not terms:
            raise LexiconError(f"line {number}: phrases and terms must both be non-empty")
        rules.append(Rule(phrases=phrases, terms=tuple(terms), line=number))
    return tuple(rules)


def parse_stopwords(text: str) -> frozenset[str]:
    words: set[str] = set()
    for raw in text.splitlines():
        words.update(raw.split("#", 1)[0].split())
    return frozenset(words)


def parse_audience(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Lines ``audience: phrase phrase …`` (``…`` gaps allowed), strongest first."""
    cues: list[tuple[str, tuple[str, ...]]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        audience, sep, phrases = line.partition(":")
        if not sep or not audience.strip() or not phrases.split():
            raise LexiconError(f"line {number}: expected 'audience: phrases', got {raw!r}")
        cues.append((audience.strip(), tuple(phrases.split())))
    return tuple(cues)


def load_lexicon(directory: Path) -> Lexicon:
    rules = parse_rules((directory / "search_lexicon.txt").read_text(encoding="utf-8"))
    stopwords = parse_stopwords((directory / "search_stopwords.txt").read_text(encoding="utf-8"))
    audience = parse_audience((directory / "search_audience.txt").read_text(encoding="utf-8"))
    return Lexicon(rules=rules, stopwords=stopwords, audience_cues=audience)
