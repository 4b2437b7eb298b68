"""Service search as a person sees it: colloquial questions, typos, pinyin, bad input, clicks, type-ahead."""

from __future__ import annotations

import threading
from dataclasses import replace
from types import SimpleNamespace

import pytest
from django.utils import translation

from zhizheng.govservices.search import (
    ClickLog,
    InvalidQuery,
    InvalidSearchLimit,
    SearchEngine,
    build_engine,
    default_engine,
    documents_from,
    item_document,
)
from zhizheng.govservices.search.documents import catalogue_items, department_names, reference_documents


@pytest.fixture(scope="module")
def engine() -> SearchEngine:
    return default_engine()


def codes(hits) -> list[str]:
    return [h.code for h in hits]


# Questions written for these tests (not taken from the judged query files).
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("开面包店需要食品经营许可吗", "SFS-0005"),
        ("身份证快过期了怎么换", "SFS-0016"),
        ("房贷还清了解除抵押", "SFS-0084"),
        ("每个月付房租能用公积金吗", "SFS-0138"),
        ("宝宝的出生证明在哪开", "SFS-0058"),
        ("老板拖欠工资不给怎么办", "SFS-0049"),
        ("外地人在这边办暂住证", "SFS-0017"),
        ("单位辞退我了，失业金怎么领", "SFS-0040"),
        ("开歌厅要什么许可", "SFS-0109"),
    ],
)
def test_colloquial_questions_find_the_item_first(engine: SearchEngine, query: str, expected: str) -> None:
    assert codes(engine.search(query, 5, items_only=True))[0] == expected


def test_typo_in_business_licence_is_read_as_business_licence(engine: SearchEngine) -> None:
    analysis = engine.analyse("营业执找丢了")
    assert ("营业执找", "营业执照") in analysis.corrections
    assert analysis.terms["营业执照"] > 0
    assert "补领" in analysis.expanded
    top3 = engine.search("营业执找丢了", 3)
    catalogue = {item["code"]: item for item in catalogue_items()}
    assert all("营业执照" in catalogue[h.code]["keywords"] for h in top3)


def test_typo_query_finds_a_replacement_item_for_a_lost_business_licence() -> None:
    given = reference_documents()
    lost = item_document(
        {
            "code": "SFS-9001",
            "name": "营业执照遗失补领",
            "department": "SCJGJ",
            "keywords": ["营业执照补领", "执照遗失", "补发"],
            "description": "营业执照遗失或者损毁的，市场主体可以申请补领营业执照。",
            "materials": [{"name": "补领营业执照申请书"}],
            "result": {"name": "营业执照"},
        },
        department_names(),
    )
    engine = build_engine([*given, lost])
    assert codes(engine.search("营业执找丢了", 3))[0] == "SFS-9001"


def test_pinyin_query_finds_housing_fund_items(engine: SearchEngine) -> None:
    hits = engine.search("gongjijin", 5)
    assert engine.analyse("gongjijin").text == "公积金"
    assert len(hits) == 5
    assert all("公积金" in h.name for h in hits)


def test_pinyin_words_and_han_mix(engine: SearchEngine) -> None:
    assert codes(engine.search("jiehun dengji", 3, items_only=True))[0] == "SFS-0026"
    assert codes(engine.search("残疾证zenme ban", 3, items_only=True))[0] == "SFS-0133"


def test_traditional_and_full_width_input_search_like_simplified(engine: SearchEngine) -> None:
    assert codes(engine.search("營業執照", 5)) == codes(engine.search("营业执照", 5))
    assert codes(engine.search("ＫＴＶ", 1)) == ["SFS-0109"]


def test_one_character_is_read_as_the_terms_containing_it(engine: SearchEngine) -> None:
    hits = engine.search("税", 4)
    assert len(hits) == 4
    assert all("税" in h.name for h in hits)


def test_english_words_reach_the_chinese_catalogue(engine: SearchEngine) -> None:
    assert codes(engine.search("passport", 1)) == ["SFS-0023"]
    assert codes(engine.search("car registration", 1)) == ["SFS-0021"]
    fund = engine.search("housing provident fund", 5)
    assert all("公积金" in h.name for h in fund)
    assert "居民身份证" not in engine.analyse("housing provident fund").expansions  # "id" is not in "provident"


def test_official_name_puts_that_item_first_with_its_department(engine: SearchEngine) -> None:
    hit = engine.search("企业年度报告公示", 1)[0]
    assert (hit.code, hit.kind, hit.department) == ("SFS-0012", "item", "SCJGJ")
    assert hit.department_name.startswith("示范市市场监督管理局")
    assert hit.score > 0


def test_results_are_best_first_and_respect_the_limit(engine: SearchEngine) -> None:
    hits = engine.search("公积金", 4)
    assert len(hits) == 4
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_a_query_about_nothing_in_the_catalogue_returns_nothing(engine: SearchEngine) -> None:
    assert engine.search("量子色动力学", 10) == []


@pytest.mark.parametrize("query", ["", "   ", "\t\n"])
def test_empty_or_blank_query_is_refused_in_both_languages(engine: SearchEngine, query: str) -> None:
    with translation.override("zh-hans"), pytest.raises(InvalidQuery) as caught:
        engine.search(query)
    problem = caught.value.as_problem()
    assert problem["code"] == "govservices.invalid_query"
    assert problem["status"] == 422
    assert problem["detail"] == "请输入要查找的内容，例如“公积金提取”。"
    assert problem["detail_en"] == "Enter what you are looking for, for example 公积金提取."
    assert problem["errors"] == {"q": ["请输入要查找的内容，例如“公积金提取”。"]}


def test_query_longer_than_100_characters_is_refused(engine: SearchEngine) -> None:
    assert engine.search("公" * 100, 1)  # 100 characters are fine
    with translation.override("zh-hans"), pytest.raises(InvalidQuery) as caught:
        engine.search("公" * 101)
    problem = caught.value.as_problem()
    assert problem["code"] == "govservices.invalid_query"
    assert problem["detail"] == "搜索内容过长，最多 100 个字。"
    assert problem["detail_en"] == "The search text is too long: use at most 100 characters."
    assert problem["errors_en"] == {"q": ["The search text is too long: use at most 100 characters."]}


def test_query_that_is_not_text_is_refused(engine: SearchEngine) -> None:
    with pytest.raises(InvalidQuery):
        engine.search(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("limit", [0, -1, 51, "10", 2.5, True])
def test_limit_outside_1_to_50_is_refused(engine: SearchEngine, limit: object) -> None:
    with translation.override("zh-hans"), pytest.raises(InvalidSearchLimit) as caught:
        engine.search("公积金", limit)  # type: ignore[arg-type]
    problem = caught.value.as_problem()
    assert problem["code"] == "govservices.invalid_search_limit"
    assert problem["detail"] == "返回条数必须在 1 到 50 之间。"
    assert problem["errors_en"] == {"limit": ["The number of results must be between 1 and 50."]}


@pytest.mark.parametrize("limit", [1, 50])
def test_limit_bounds_are_accepted(engine: SearchEngine, limit: int) -> None:
    assert 1 <= len(engine.search("登记", limit)) <= limit


def test_life_event_is_ranked_with_items(engine: SearchEngine) -> None:
    hits = engine.search("出生一件事", 5)
    assert (hits[0].code, hits[0].kind, hits[0].name) == ("LE-01", "life_event", "出生一件事")
    situation = engine.search("老人去世后家里要办哪些手续", 10)
    assert "LE-05" in codes(situation)[:3]
    assert "LE-05" not in codes(engine.search("老人去世后家里要办哪些手续", 10, items_only=True))


def test_life_event_lifts_its_items_for_a_situation(engine: SearchEngine) -> None:
    hits = codes(engine.search("刚生了孩子要办哪些手续", 10, items_only=True))
    birth_bundle = {"SFS-0058", "SFS-0059", "SFS-0060", "SFS-0013", "SFS-0051", "SFS-0050", "SFS-0054"}
    assert len(birth_bundle & set(hits[:7])) >= 5


def test_clicks_lift_a_matching_item_within_a_bound(engine: SearchEngine) -> None:
    query = "公积金提取"
    before = engine.search(query, 10)
    second = before[1]
    log = ClickLog()
    for _ in range(50):
        log.record_click(query, second.code)
    after = engine.search(query, 10, clicks=log.priors(query))
    lifted = next(h for h in after if h.code == second.code)
    assert lifted.score == pytest.approx(second.score * 1.3, rel=1e-3)  # the cap: at most 30 % more
    assert after[0].code == second.code  # close competitors can be overtaken...
    far = before[-1]
    assert far.score * 1.3 < before[0].score
    clicked_far = engine.search(query, 10, clicks={far.code: 1000})
    assert clicked_far[0].code == before[0].code  # ...distant ones cannot


def test_clicks_never_add_an_item_that_does_not_match(engine: SearchEngine) -> None:
    hits = engine.search("公积金提取", 10, clicks={"SFS-0026": 1000.0, "SFS-9999": 5.0})
    assert "SFS-0026" not in codes(hits)


def test_click_log_shares_clicks_between_spellings_of_a_query() -> None:
    log = ClickLog()
    log.record_click("公积金 提取", "SFS-0138")
    log.record_click("公積金提取！", "SFS-0138")
    log.record_click("公积金提取", "SFS-0139")
    assert log.priors("公积金提取") == {"SFS-0138": 2.0, "SFS-0139": 1.0}
    assert log.priors("低保") == {}
    assert log.popularity() == {"SFS-0138": 2.0, "SFS-0139": 1.0}


def test_click_log_refuses_bad_input_and_forgets_the_oldest_queries() -> None:
    log = ClickLog(max_queries=2)
    with pytest.raises(InvalidQuery):
        log.record_click("  ", "SFS-0001")
    with pytest.raises(ValueError, match="code"):
        log.record_click("低保", " ")
    log.record_click("低保", "SFS-0029")
    log.record_click("护照", "SFS-0023")
    log.record_click("低保", "SFS-0029")  # used again: now the newest
    log.record_click("驾照", "SFS-0020")
    assert log.priors("护照") == {}
    assert log.priors("低保") == {"SFS-0029": 2.0}
    assert log.priors("驾照") == {"SFS-0020": 1.0}


def test_suggest_by_pinyin_initials(engine: SearchEngine) -> None:
    suggestions = engine.suggest("gjj", 8)
    assert len(suggestions) == 8
    assert all("公积金" in s.text for s in suggestions)
    assert all(s.code.startswith("SFS-") for s in suggestions)


def test_suggest_by_name_prefix_puts_prefix_matches_first(engine: SearchEngine) -> None:
    suggestions = engine.suggest("出生", 3)
    assert [s.text for s in suggestions] == ["出生一件事", "出生医学证明首次签发", "出生登记（新生儿入户）"]
    assert suggestions[0].kind == "life_event"


def test_suggest_by_full_pinyin_and_popularity(engine: SearchEngine) -> None:
    plain = engine.suggest("shebao", 3)
    assert plain[0].code == "SFS-0050"  # 社会保障卡申领: keyword 社保卡
    popular = engine.suggest("shebao", 3, popularity={"SFS-0045": 10.0})
    assert popular[0].code == "SFS-0045"


def test_suggest_completes_colloquial_text_with_search_results(engine: SearchEngine) -> None:
    suggestions = engine.suggest("上户口", 5)
    assert suggestions[0].code == "SFS-0013"
    assert len(suggestions) == 5
    assert len({s.code for s in suggestions}) == 5


def test_suggest_blank_is_empty_and_bad_input_refused(engine: SearchEngine) -> None:
    assert engine.suggest("  ", 5) == []
    assert engine.suggest("zzzzqqq", 5) == []
    with pytest.raises(InvalidQuery):
        engine.suggest("公" * 101, 5)
    with pytest.raises(InvalidSearchLimit):
        engine.suggest("gjj", 21)


def test_edit_and_remove_refresh_the_index() -> None:
    docs = reference_documents()
    engine = build_engine(docs)
    assert "SFS-9002" not in codes(engine.search("无人机飞行", 5))
    drone = documents_from(
        [
            SimpleNamespace(
                code="SFS-9002",
                name="民用无人机飞行活动申请",
                department="GAJ",
                keywords=["无人机", "航拍"],
                description="在管制空域内开展无人机飞行活动的申请。",
                materials=[SimpleNamespace(name="飞行计划")],
                result=None,
                conditions="",
                themes=["交通出行"],
            )
        ],
        department_names=department_names(),
    )[0]
    engine.upsert(drone)
    assert codes(engine.search("无人机飞行", 5))[0] == "SFS-9002"
    assert engine.document("SFS-9002") == drone
    engine.upsert(replace(drone, name="民用无人机航拍申请", keywords=("航拍",), description="航拍申请。", materials=()))
    assert "SFS-9002" not in codes(engine.search("飞行", 5))
    assert codes(engine.search("航拍", 5))[0] == "SFS-9002"
    engine.remove("SFS-9002")
    assert "SFS-9002" not in codes(engine.search("航拍", 5))
    assert engine.document("SFS-9002") is None
    assert len(engine) == len(docs)


def test_searches_keep_working_while_the_index_is_edited() -> None:
    engine = build_engine(reference_documents())
    extra = item_document({"code": "SFS-9003", "name": "无人机飞行活动申请", "keywords": ["无人机"]})
    stop = threading.Event()
    failures: list[BaseException] = []
    counts: list[int] = []

    def keep_searching() -> None:
        while not stop.is_set():
            try:
                hits = engine.search("公积金提取", 5)
                counts.append(len(hits))
                assert hits[0].code.startswith("SFS-01")
            except BaseException as exc:  # noqa: BLE001 - collected and re-raised by the test
                failures.append(exc)
                return

    readers = [threading.Thread(target=keep_searching) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        engine.upsert(extra)
        engine.remove("SFS-9003")
        engine.upsert(extra)
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert failures == []
    assert counts
    assert set(counts) == {5}
    assert engine.search("无人机", 1)[0].code == "SFS-9003"
