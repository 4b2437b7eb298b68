"""Search quality floors on judged queries, and the pieces the ranking rests on (lexicon, pinyin, text)."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhizheng.govservices.search import SearchEngine, Tuning, build_engine, default_engine, default_lexicon
from zhizheng.govservices.search.documents import reference_documents
from zhizheng.govservices.search.evaluation import evaluate, half_of, read_queries
from zhizheng.govservices.search.lexicon import LexiconError, parse_audience, parse_rules, parse_stopwords
from zhizheng.govservices.search.pinyin import segment, syllables_of
from zhizheng.govservices.search.text import normalise

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def engine() -> SearchEngine:
    return default_engine()


def _rank(engine: SearchEngine):  # type: ignore[no-untyped-def]
    return lambda q: [h.code for h in engine.search(q, 10)]


def test_dev_queries_stay_above_the_floor(engine: SearchEngine) -> None:
    scores = evaluate(read_queries(DATA / "service_queries_dev.jsonl"), _rank(engine))
    assert scores.count == 150
    assert scores.hit_at_1 >= 0.80, scores.misses
    assert scores.mrr_at_10 >= 0.85, scores.misses


@pytest.mark.parametrize("half", ["A", "B"])
def test_each_half_of_the_dev_queries_stays_above_the_floor(engine: SearchEngine, half: str) -> None:
    rows = [r for r in read_queries(DATA / "service_queries_dev.jsonl") if half_of(r["q"]) == half]
    scores = evaluate(rows, _rank(engine))
    assert scores.count >= 50
    assert scores.hit_at_1 >= 0.80, scores.misses
    assert scores.mrr_at_10 >= 0.85, scores.misses


@pytest.mark.parametrize(
    "name",
    [
        "service_queries_own.jsonl",
        "service_queries_fresh.jsonl",
        "service_queries_blind.jsonl",
        "service_queries_blind2.jsonl",
        "service_queries_blind3.jsonl",
        "service_queries_blind4.jsonl",
        "service_queries_blind5.jsonl",
        "service_queries_blind6.jsonl",
    ],
)
def test_project_query_sets_stay_above_the_floor(engine: SearchEngine, name: str) -> None:
    scores = evaluate(read_queries(DATA / name), _rank(engine))
    assert scores.count >= 40
    assert scores.hit_at_1 >= 0.85, scores.misses
    assert scores.mrr_at_10 >= 0.90, scores.misses


def test_evaluation_counts_items_only_and_reciprocal_rank() -> None:
    rows = [
        {"q": "a", "relevant": ["SFS-0002"], "primary": "SFS-0002"},
        {"q": "b", "relevant": ["SFS-0009"], "primary": "SFS-0009"},
    ]
    ranking = {"a": ["LE-01", "SFS-0001", "SFS-0002"], "b": ["SFS-0009"]}
    scores = evaluate(rows, lambda q: ranking[q])
    assert (scores.count, scores.hit_at_1, scores.hit_at_5, scores.mrr_at_10) == (2, 0.5, 1.0, 0.75)
    assert scores.misses == (("a", "SFS-0002", ("SFS-0001", "SFS-0002")),)


def test_normalise_folds_width_case_script_and_punctuation() -> None:
    assert normalise("  營業執照，ＫＴＶ！ Gong'JiJin ") == "营业执照 ktv gong'jijin"
    assert normalise("gōngjījīn tíqǔ lǜsè") == "gongjijin tiqu lvse"


def test_pinyin_segmentation() -> None:
    assert segment("gongjijin") == ["gong", "ji", "jin"]
    assert segment("xi'an") == ["xi", "an"]
    assert segment("lvse") == ["lv", "se"]
    assert segment("ktv") is None
    assert syllables_of("营业执照") == ("ying", "ye", "zhi", "zhao")


def test_lexicon_rules_and_gaps() -> None:
    rules = parse_rules("# comment\n上户口 报户口 => 出生登记 户口登记@0.5\n户口…销 => 户口注销\n")
    assert [(r.phrases, r.terms) for r in rules] == [
        (("上户口", "报户口"), (("出生登记", 1.0), ("户口登记", 0.5))),
        (("户口…销",), (("户口注销", 1.0),)),
    ]
    assert rules[0].matches("孩子怎么上户口")
    assert rules[1].matches("老人的户口怎么销")
    assert not rules[1].matches("销售户口本")
    assert not rules[1].matches("户口" + "还没有办下来真的很着急" + "销")  # too far apart


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("上户口 出生登记", "expected 'phrases => terms'"),
        ("上户口 => 出生登记@x", "bad weight"),
        ("上户口 => 出生登记@3", "must be in"),
        (" => 出生登记", "non-empty"),
    ],
)
def test_lexicon_rejects_malformed_lines(text: str, message: str) -> None:
    with pytest.raises(LexiconError, match=message):
        parse_rules(text)


def test_shipped_lexicon_loads_and_maps_colloquial_to_official_terms() -> None:
    lexicon = default_lexicon()
    assert len(lexicon.rules) >= 150
    terms = {t for rule in lexicon.matching("孩子刚出生怎么上户口") for t, _ in rule.terms}
    assert {"出生登记", "新生儿落户"} <= terms
    assert parse_stopwords("我 想 # comment\n怎么") == frozenset({"我", "想", "怎么"})
    assert {"怎么", "我想"} & lexicon.stopwords == {"怎么"}


def test_audience_cues_pick_the_first_matching_audience() -> None:
    lexicon = default_lexicon()
    assert lexicon.audience("我想开个饭店要办什么证") == "法人"
    assert lexicon.audience("孩子刚出生怎么上户口") == "自然人"
    assert lexicon.audience("公积金") is None
    assert parse_audience("法人: 公司 开…店\n# note\n自然人: 孩子") == (
        ("法人", ("公司", "开…店")),
        ("自然人", ("孩子",)),
    )
    with pytest.raises(LexiconError, match="audience: phrases"):
        parse_audience("法人 公司")


def test_an_item_for_the_other_audience_scores_less(engine: SearchEngine) -> None:
    # 养老机构备案 is for operators of care homes; an old person asking about a care home is a private person.
    query = "孤寡老人没人照顾能去敬老院吗"
    assert engine.lexicon.audience(query) == "自然人"
    assert engine.document("SFS-0035").audience == ("法人",)  # type: ignore[union-attr]
    assert engine.document("SFS-0030").audience == ("自然人",)  # type: ignore[union-attr]
    blind = build_engine(reference_documents(), Tuning(audience_mismatch=1.0))
    with_audience = {h.code: h.score for h in engine.search(query, 10)}
    without = {h.code: h.score for h in blind.search(query, 10)}
    assert with_audience["SFS-0035"] == pytest.approx(without["SFS-0035"] * 0.9, rel=1e-3)
    assert with_audience["SFS-0030"] == pytest.approx(without["SFS-0030"], rel=1e-3)
