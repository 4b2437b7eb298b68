"""The ratings, rectifications, visits, supervision and public figures API over HTTP: problem+json errors in both
languages, the authorisation matrix (denied requests change nothing) and query ceilings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from zhizheng.accounts.models import User
from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.govservices.models import Application, Rating, Rectification, Visit
from zhizheng.govservices.tests import factories
from zhizheng.ledger.models import Entry
from zhizheng.orgs.models import Department, Membership

BASE = "/api/v1/services"
ITEM = "SFS-0005"  # 市场监管局 (SCJGJ)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def staff_client(code: str, role: str) -> Client:
    user = accounts_factories.staff()
    Membership.objects.create(user=user, department=Department.objects.get(code=code), role=role)
    return client_for(user)


def post(client: Client, url: str, body: dict[str, Any], language: str = "zh-hans") -> Any:
    return client.post(url, body, content_type="application/json", headers={"Accept-Language": language})


def counts() -> tuple[int, int, int, int]:
    return (Rating.objects.count(), Rectification.objects.count(), Visit.objects.count(), Entry.objects.count())


@pytest.fixture
def done(catalogue: Any) -> Application:
    return factories.application(
        item=ITEM, status="approved", submitted_on=dt.date(2026, 9, 29), decided_on=dt.date(2026, 10, 9)
    )


@pytest.fixture
def applicant(done: Application) -> Client:
    return client_for(done.applicant)


def test_rate_then_read_the_rating_and_the_departments_answer(done: Application, applicant: Client) -> None:
    url = f"{BASE}/applications/{done.receipt_number}/rating"
    response = post(applicant, url, {"score": 2, "reasons": ["N06"], "comment": "跑了三趟"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["score"], body["score_label"], body["reasons"]) == (2, "不满意", ["N06"])
    assert body["rectification"]["status"] == "open"
    rectification_id = body["rectification"]["id"]
    chief = staff_client("SCJGJ", "section_chief")
    listed = chief.get(f"{BASE}/rectifications?status=open").json()
    assert (listed["count"], listed["items"][0]["receipt_number"]) == (1, done.receipt_number)
    answered = post(
        chief, f"{BASE}/rectifications/{rectification_id}/answer", {"answer": "已优化流程，材料可一次提交。"}
    )
    assert answered.status_code == 200, answered.content
    assert answered.json()["status"] == "answered"
    seen = applicant.get(url).json()
    assert seen["rectification"]["answer"] == "已优化流程，材料可一次提交。"


def test_rating_errors_are_problems_in_both_languages(catalogue: Any) -> None:
    open_one = factories.application(item=ITEM, status="accepted", submitted_on=dt.date(2026, 9, 29))
    client = client_for(open_one.applicant)
    url = f"{BASE}/applications/{open_one.receipt_number}/rating"
    before = counts()
    response = post(client, url, {"score": 5})
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "govservices.rating.not_completed"
    assert problem["detail"] == "该办件当前状态为“已受理”：只有已准予或已不予办理的办件才能评价。"
    assert problem["detail_en"] == "The application is Accepted: only an approved or rejected application can be rated."
    assert counts() == before


def test_a_second_rating_and_a_bad_one_are_refused(done: Application, applicant: Client) -> None:
    url = f"{BASE}/applications/{done.receipt_number}/rating"
    bad = post(applicant, url, {"score": 1, "reasons": []}, language="en")
    assert bad.status_code == 422
    assert bad.json()["code"] == "govservices.rating.invalid"
    assert bad.json()["errors"]["reasons"] == ["A rating of 1 or 2 needs at least one reason for the dissatisfaction."]
    assert post(applicant, url, {"score": 5, "reasons": ["P01"]}).status_code == 201
    again = post(applicant, url, {"score": 4})
    assert (again.status_code, again.json()["code"]) == (409, "govservices.rating.already_rated")
    assert Rating.objects.get().score == 5


def test_who_may_rate_over_http(done: Application) -> None:
    url = f"{BASE}/applications/{done.receipt_number}/rating"
    before = counts()
    assert post(Client(), url, {"score": 5}).status_code == 401
    assert post(client_for(accounts_factories.citizen()), url, {"score": 5}).status_code == 404
    assert post(staff_client("GAJ", "department_head"), url, {"score": 5}).status_code == 404
    assert post(staff_client("SCJGJ", "caseworker"), url, {"score": 5}).status_code == 403
    assert counts() == before


def test_visits_recorded_by_a_window_officer_and_listed_for_the_applicant(done: Application, applicant: Client) -> None:
    officer = staff_client("GAJ", "window_officer")
    url = f"{BASE}/applications/{done.receipt_number}/visits"
    response = post(
        officer,
        url,
        {"visited_at": "2026-09-29T09:30:00+08:00", "place": "市民中心 B 区 7 号窗口", "purpose": "submit"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["visited_at"] == "2026-09-29T09:30:00+08:00"
    listed = applicant.get(url).json()
    assert (listed["count"], listed["items"][0]["purpose_label"]) == (1, "提交申请或材料")


def test_visit_errors_and_authorisation(done: Application, applicant: Client) -> None:
    url = f"{BASE}/applications/{done.receipt_number}/visits"
    officer = staff_client("GAJ", "window_officer")
    before = counts()
    bad = post(officer, url, {"visited_at": "yesterday", "place": "", "purpose": "x"}, language="en")
    assert bad.status_code == 422
    assert sorted(bad.json()["errors"]) == ["place", "purpose", "visited_at"]
    body = {"visited_at": "2026-09-29T09:30:00+08:00", "place": "A12", "purpose": "submit"}
    assert post(applicant, url, body).status_code == 403
    assert post(staff_client("GAJ", "caseworker"), url, body).status_code == 404
    assert post(Client(), url, body).status_code == 401
    assert counts() == before


def test_rectification_answer_authorisation(done: Application, applicant: Client) -> None:
    rating = factories.rating(application=done, score=1)
    rectification = factories.rectification(rating=rating, due_on=dt.date(2026, 10, 30))
    url = f"{BASE}/rectifications/{rectification.pk}/answer"
    body = {"answer": "我们已经整改到位了，谢谢监督。"}
    before = counts()
    assert post(applicant, url, body).status_code == 403
    assert post(staff_client("SCJGJ", "caseworker"), url, body).status_code == 403
    assert post(staff_client("GAJ", "auditor"), url, body).status_code == 403
    assert post(staff_client("GAJ", "department_head"), url, body).status_code == 404
    assert post(client_for(accounts_factories.citizen()), url, body).status_code == 404
    assert post(Client(), url, body).status_code == 401
    short = post(staff_client("SCJGJ", "department_head"), url, {"answer": "好"})
    assert (short.status_code, short.json()["code"]) == (422, "govservices.rectification.answer_invalid")
    assert counts() == before
    assert Rectification.objects.get().status == "open"


def test_supervision_api_for_auditors_and_heads(done: Application) -> None:
    factories.application(
        item="SFS-0018", status="approved", submitted_on=dt.date(2026, 9, 29), decided_on=dt.date(2026, 9, 30)
    )
    auditor = staff_client("GAJ", "auditor")
    body = auditor.get(f"{BASE}/supervision").json()
    assert [row["key"] for row in body["departments"]] == ["GAJ", "SCJGJ"]
    assert (body["total"]["completed"], body["total"]["on_time"], body["total"]["on_time_rate"]) == (2, 2, 1.0)
    head = staff_client("SCJGJ", "department_head")
    own = head.get(f"{BASE}/supervision").json()
    assert [row["key"] for row in own["departments"]] == ["SCJGJ"]
    assert head.get(f"{BASE}/supervision?department=GAJ").status_code == 404
    assert staff_client("SCJGJ", "caseworker").get(f"{BASE}/supervision").status_code == 403
    assert client_for(done.applicant).get(f"{BASE}/supervision").status_code == 403
    assert Client().get(f"{BASE}/supervision").status_code == 401
    bad = auditor.get(f"{BASE}/supervision?date_from=2026-13-01&date_to=2026-01-01", headers={"Accept-Language": "en"})
    assert bad.status_code == 422
    assert bad.json()["errors"] == {"date_from": ["Give a date as YYYY-MM-DD."]}
    backwards = auditor.get(f"{BASE}/supervision?date_from=2026-10-02&date_to=2026-10-01").json()
    assert backwards["errors"] == {"date_to": ["结束日期早于开始日期。"]}


def test_public_statistics_need_no_login_and_hold_no_personal_data(
    done: Application, django_assert_max_num_queries
) -> None:
    factories.rating(application=done, score=4, comment="窗口的王女士很耐心")
    factories.visit(application=done)
    with django_assert_max_num_queries(3):
        response = Client().get(f"{BASE}/statistics?group=item")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["items"][0]
    assert (row["key"], row["completed"], row["zero_visit_rate"], row["at_most_one_visit_rate"]) == (ITEM, 1, 0.0, 1.0)
    assert (row["ratings"], row["average"], row["distribution"]) == (1, 4.0, {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0})
    text = response.content.decode()
    assert done.receipt_number not in text
    assert "王女士" not in text
    assert done.applicant.real_name not in text


def test_public_statistics_parameters_are_checked(catalogue: Any) -> None:
    response = Client().get(f"{BASE}/statistics?group=street&limit=0", headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.json()["code"] == "govservices.invalid_list_parameter"
    assert sorted(response.json()["errors"]) == ["group", "limit"]


def test_the_reason_codes_are_public(catalogue: Any) -> None:
    body = Client().get(f"{BASE}/rating-reasons", headers={"Accept-Language": "en"}).json()
    assert body["count"] == 17
    assert body["items"][0] == {"code": "P01", "label": "Courteous, attentive service", "kind": "praise"}
    assert body["items"][-1] == {"code": "N99", "label": "Other complaint", "kind": "complaint"}
