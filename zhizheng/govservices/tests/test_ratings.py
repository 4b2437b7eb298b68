"""好差评, 整改 and visits through the services: who may rate, when, what; the rectification a 差评 opens and its
answer; visits recorded by staff; every act in the ledger; refusals change nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone, translation

from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.core.actor import ANONYMOUS
from zhizheng.core.errors import NotFound, PermissionDenied
from zhizheng.core.workdays import add_working_days
from zhizheng.govservices.models import Application, Rating, Rectification, Visit
from zhizheng.govservices.services import ratings
from zhizheng.govservices.tests import factories
from zhizheng.ledger.models import Entry
from zhizheng.orgs.selectors import actor_for_user

ITEM = "SFS-0005"  # 市场监管局 (SCJGJ)


@pytest.fixture
def done(catalogue: Any) -> Application:
    return factories.application(
        item=ITEM, status="approved", submitted_on=dt.date(2026, 9, 29), decided_on=dt.date(2026, 10, 9)
    )


def me(application: Application):
    return actor_for_user(application.applicant)


def snapshot() -> tuple[int, int, int, int]:
    return (Rating.objects.count(), Rectification.objects.count(), Visit.objects.count(), Entry.objects.count())


def test_a_good_rating_is_recorded_once_and_in_the_ledger(done: Application) -> None:
    rating = ratings.rating_submit(actor=me(done), application=done, score=5, reasons=["P02", "P06"], comment=" 很快 ")
    assert (rating.score, rating.reasons, rating.comment, rating.rated_by_id) == (
        5,
        ["P02", "P06"],
        "很快",
        done.applicant_id,
    )
    entry = Entry.objects.get(act="govservices.rating.submitted")
    assert rating.ledger_index == entry.index
    assert entry.payload["score"] == 5
    assert entry.payload["receipt_number"] == done.receipt_number
    assert "很快" not in bytes(entry.leaf).decode("utf-8", "replace")  # the comment is only a hash in public
    assert not Rectification.objects.exists()
    before = snapshot()
    with pytest.raises(ratings.AlreadyRated) as caught:
        ratings.rating_submit(actor=me(done), application=done, score=1, reasons=["N01"])
    assert caught.value.status == 409
    assert caught.value.detail_en == "This application has already been rated; a rating cannot be changed."
    assert snapshot() == before


def test_a_bad_rating_opens_a_rectification_due_in_fifteen_working_days(done: Application) -> None:
    rating = ratings.rating_submit(
        actor=me(done), application=done, score=2, reasons=["N02", "N06"], comment="跑了三次"
    )
    rectification = rating.rectification
    today = timezone.localdate()
    assert rectification.status == "open"
    assert rectification.department.code == "SCJGJ"
    assert rectification.due_on == add_working_days(today, 15)[0]
    acts = list(Entry.objects.order_by("index").values_list("act", flat=True))
    assert acts[-2:] == ["govservices.rating.submitted", "govservices.rectification.opened"]
    assert rectification.opened_ledger_index == Entry.objects.get(act="govservices.rectification.opened").index


@pytest.mark.parametrize("status", ["draft", "submitted", "accepted", "supplement_requested", "withdrawn"])
def test_only_a_completed_application_can_be_rated(catalogue: Any, status: str) -> None:
    application = factories.application(item=ITEM, status=status, submitted_on=dt.date(2026, 9, 29))
    before = snapshot()
    with pytest.raises(ratings.RatingNotAllowed) as caught:
        ratings.rating_submit(actor=me(application), application=application, score=4, reasons=[])
    assert caught.value.status == 409
    assert caught.value.instance_code == "govservices.rating.not_completed"
    label = {"draft": "Draft", "submitted": "Submitted", "accepted": "Accepted"}.get(status)
    if label:
        assert caught.value.detail_en == (
            f"The application is {label}: only an approved or rejected application can be rated."
        )
    with translation.override("zh-hans"):
        assert "只有已准予或已不予办理的办件才能评价" in caught.value.detail
    assert snapshot() == before


def test_a_rejected_application_can_be_rated(catalogue: Any) -> None:
    rejected = factories.application(item=ITEM, status="rejected", submitted_on=dt.date(2026, 9, 29))
    assert ratings.rating_submit(actor=me(rejected), application=rejected, score=3, reasons=[]).score == 3


@pytest.mark.parametrize(
    ("score", "reasons", "comment", "fields"),
    [
        (0, [], "", ["score"]),
        (6, [], "", ["score"]),
        ("5", [], "", ["score"]),
        (True, [], "", ["score"]),
        (1, [], "", ["reasons"]),  # a 差评 needs a reason
        (2, ["P01"], "", ["reasons"]),  # praise with a 差评
        (5, ["N01"], "", ["reasons"]),  # complaint with a 好评
        (4, ["X01"], "", ["reasons"]),
        (4, "P01", "", ["reasons"]),
        (4, [], "长" * 501, ["comment"]),
        (9, ["X"], None, ["comment", "reasons", "score"]),
    ],
)
def test_invalid_ratings_name_every_field_and_store_nothing(
    done: Application, score: Any, reasons: Any, comment: Any, fields: list[str]
) -> None:
    before = snapshot()
    with pytest.raises(ratings.RatingInvalid) as caught:
        ratings.rating_submit(actor=me(done), application=done, score=score, reasons=reasons, comment=comment)
    assert caught.value.status == 422
    assert sorted(caught.value.field_errors) == fields
    assert snapshot() == before


def test_error_messages_in_both_languages(done: Application) -> None:
    with pytest.raises(ratings.RatingInvalid) as caught:
        ratings.rating_submit(actor=me(done), application=done, score=1, reasons=[])
    message = caught.value.field_errors["reasons"][0]
    with translation.override("en"):
        assert str(message) == "A rating of 1 or 2 needs at least one reason for the dissatisfaction."
    with translation.override("zh-hans"):
        assert str(message) == "评分为 1 或 2（差评）时，请至少选择一项不满意的原因。"


def test_who_may_rate(done: Application) -> None:
    handler = factories.staff("SCJGJ", "caseworker")
    stranger = actor_for_user(accounts_factories.citizen())
    other_department = factories.staff("GAJ", "department_head")
    before = snapshot()
    with pytest.raises(PermissionDenied):  # the handler sees the application but may not rate it
        ratings.rating_submit(actor=handler, application=done, score=5, reasons=[])
    for actor in (stranger, other_department, ANONYMOUS):
        with pytest.raises(NotFound):
            ratings.rating_submit(actor=actor, application=done, score=5, reasons=[])
    assert snapshot() == before


@pytest.fixture
def complaint(done: Application) -> Rectification:
    rating = ratings.rating_submit(actor=me(done), application=done, score=1, reasons=["N01"])
    return rating.rectification


def test_the_department_answers_a_rectification_once(complaint: Rectification) -> None:
    chief = factories.staff("SCJGJ", "section_chief")
    answered = ratings.rectification_answer(
        actor=chief, rectification=complaint, answer="已约谈窗口人员并开展服务礼仪培训。"
    )
    assert (answered.status, answered.answered_by_id) == ("answered", chief.user_id)
    assert answered.answer == "已约谈窗口人员并开展服务礼仪培训。"
    entry = Entry.objects.get(act="govservices.rectification.answered")
    assert (answered.answered_ledger_index, entry.payload["late"]) == (entry.index, False)
    before = snapshot()
    with pytest.raises(ratings.RectificationAlreadyAnswered) as caught:
        ratings.rectification_answer(actor=chief, rectification=complaint, answer="再次反馈的内容足够长。")
    assert caught.value.status == 409
    assert caught.value.detail_en == f"This rectification was already answered on {timezone.localdate().isoformat()}."
    assert snapshot() == before


def test_an_answer_must_say_what_was_done(complaint: Rectification) -> None:
    head = factories.staff("SCJGJ", "department_head")
    before = snapshot()
    with pytest.raises(ratings.AnswerInvalid) as caught:
        ratings.rectification_answer(actor=head, rectification=complaint, answer="已处理")
    assert (caught.value.status, list(caught.value.field_errors)) == (422, ["answer"])
    assert caught.value.detail_en == "Describe what the department did (at least 10 and at most 2000 characters)."
    assert snapshot() == before


def test_who_may_answer_a_rectification(complaint: Rectification) -> None:
    caseworker = factories.staff("SCJGJ", "caseworker")  # sees it, may not answer
    auditor = factories.staff("GAJ", "auditor")  # sees every department's, may not answer
    applicant = me(complaint.rating.application)
    other_head = factories.staff("GAJ", "department_head")
    stranger = actor_for_user(accounts_factories.citizen())
    before = snapshot()
    for actor in (caseworker, auditor, applicant):
        with pytest.raises(PermissionDenied):
            ratings.rectification_answer(actor=actor, rectification=complaint, answer="我们已经整改到位了，谢谢。")
    for actor in (other_head, stranger, ANONYMOUS):
        with pytest.raises(NotFound):
            ratings.rectification_answer(actor=actor, rectification=complaint, answer="我们已经整改到位了，谢谢。")
    assert snapshot() == before
    assert Rectification.objects.get().status == "open"


def test_window_officers_and_handlers_record_visits(done: Application) -> None:
    officer = factories.staff("GAJ", "window_officer")
    handler = factories.staff("SCJGJ", "caseworker")
    when = factories.at(dt.date(2026, 9, 29), 9)
    first = ratings.visit_record(
        actor=officer, application=done, visited_at=when, place=" 市政务服务中心 A12 窗口 ", purpose="submit"
    )
    assert (first.place, first.purpose, first.recorded_by_id) == ("市政务服务中心 A12 窗口", "submit", officer.user_id)
    ratings.visit_record(
        actor=handler, application=done, visited_at=when + dt.timedelta(days=10), place="A12", purpose="collect"
    )
    payloads = list(
        Entry.objects.filter(act="govservices.visit.recorded").order_by("index").values_list("payload", flat=True)
    )
    assert [p["visits"] for p in payloads] == [1, 2]
    assert Visit.objects.filter(application=done).count() == 2


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"visited_at": None}, ["visited_at"]),
        ({"visited_at": dt.datetime(2026, 9, 29, 9)}, ["visited_at"]),  # naive
        ({"visited_at": "2026-09-29"}, ["visited_at"]),
        ({"visited_at": timezone.now() + dt.timedelta(hours=2)}, ["visited_at"]),
        ({"place": " "}, ["place"]),
        ({"place": "大" * 129}, ["place"]),
        ({"purpose": "shopping"}, ["purpose"]),
        ({"note": "长" * 501}, ["note"]),
        ({"place": "", "purpose": ""}, ["place", "purpose"]),
    ],
)
def test_invalid_visits_are_refused_naming_the_fields(
    done: Application, changes: dict[str, Any], fields: list[str]
) -> None:
    officer = factories.staff("GAJ", "window_officer")
    values: dict[str, Any] = {"visited_at": factories.at(dt.date(2026, 9, 29)), "place": "A12", "purpose": "submit"}
    values.update(changes)
    before = snapshot()
    with pytest.raises(ratings.VisitInvalid) as caught:
        ratings.visit_record(actor=officer, application=done, **values)
    assert sorted(caught.value.field_errors) == fields
    assert snapshot() == before


def test_who_may_record_a_visit(done: Application) -> None:
    draft = factories.application(item=ITEM, status="draft")
    officer = factories.staff("GAJ", "window_officer")
    values: dict[str, Any] = {"visited_at": factories.at(dt.date(2026, 9, 29)), "place": "A12", "purpose": "submit"}
    before = snapshot()
    with pytest.raises(PermissionDenied):  # the applicant sees the application but does not record visits
        ratings.visit_record(actor=me(done), application=done, **values)
    for actor in (factories.staff("GAJ", "caseworker"), actor_for_user(accounts_factories.citizen()), ANONYMOUS):
        with pytest.raises(NotFound):
            ratings.visit_record(actor=actor, application=done, **values)
    with pytest.raises(NotFound):  # drafts are nobody's business but the applicant's
        ratings.visit_record(actor=officer, application=draft, **values)
    assert snapshot() == before
