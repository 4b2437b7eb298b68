"""The pages of supervision, ratings, rectifications, visits and the public figures, in Chinese and English, with
their authorisation and query ceilings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from zhizheng.accounts.models import User
from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.govservices.models import Application, Rating, Rectification, Visit
from zhizheng.govservices.services import supervision
from zhizheng.govservices.tests import factories
from zhizheng.orgs.models import Department, Membership

ITEM = "SFS-0005"  # 市场监管局 (SCJGJ)
SEP29 = dt.date(2026, 9, 29)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def staff_client(code: str, role: str) -> Client:
    user = accounts_factories.staff()
    Membership.objects.create(user=user, department=Department.objects.get(code=code), role=role)
    return client_for(user)


def text(response: Any) -> str:
    return str(response.content.decode())


@pytest.fixture
def done(catalogue: Any) -> Application:
    return factories.application(item=ITEM, status="approved", submitted_on=SEP29, decided_on=dt.date(2026, 10, 9))


@pytest.fixture
def overdue(catalogue: Any) -> Application:
    application = factories.application(item=ITEM, status="accepted", submitted_on=SEP29)
    supervision.supervision_warnings_raise(today=dt.date(2026, 10, 13))
    return application


def test_the_applicant_rates_on_the_application_page(done: Application) -> None:
    browser = client_for(done.applicant)
    page = text(browser.get(f"/services/applications/{done.receipt_number}/"))
    assert "你的评价" in page
    assert "非常满意" in page
    response = browser.post(
        f"/services/applications/{done.receipt_number}/rate/", {"score": "2", "reasons": ["N02"], "comment": "太慢"}
    )
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.score, rating.reasons, rating.comment) == (2, ["N02"], "太慢")
    page = text(browser.get(f"/services/applications/{done.receipt_number}/"))
    assert 'data-rating-score="2"' in page
    assert "示范市市场监督管理局 将核实你的评价，并须在" in page


def test_a_rating_error_is_shown_on_the_form_in_english(done: Application) -> None:
    browser = client_for(done.applicant)
    response = browser.post(
        f"/services/applications/{done.receipt_number}/rate/", {"score": "1"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422
    assert "A rating of 1 or 2 needs at least one reason for the dissatisfaction." in text(response)
    htmx = browser.post(f"/services/applications/{done.receipt_number}/rate/", {"score": "9"}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200
    assert 'id="rating-panel"' in text(htmx)
    assert not Rating.objects.exists()


def test_others_cannot_rate_from_the_page(done: Application) -> None:
    url = f"/services/applications/{done.receipt_number}/rate/"
    assert client_for(accounts_factories.citizen()).post(url, {"score": "5"}).status_code == 404
    assert staff_client("SCJGJ", "caseworker").post(url, {"score": "5"}).status_code == 404
    assert Client().post(url, {"score": "5"}).status_code == 302  # to the log-in page
    assert not Rating.objects.exists()


def test_the_queue_and_the_case_show_the_warnings(overdue: Application) -> None:
    caseworker = staff_client("SCJGJ", "caseworker")
    queue = text(caseworker.get("/services/queue/?tab=all&status=accepted"))
    assert overdue.receipt_number in queue
    assert "红牌" in queue
    case = text(caseworker.get(f"/services/queue/{overdue.receipt_number}/"))
    assert "黄牌" in case
    assert "红牌" in case
    assert "法定办结日期" in case
    english = text(caseworker.get(f"/services/queue/{overdue.receipt_number}/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Clock and supervision" in english
    assert "Red" in english


def test_the_supervision_page_for_an_auditor(
    overdue: Application, done: Application, django_assert_max_num_queries
) -> None:
    auditor = staff_client("GAJ", "auditor")
    auditor.get("/services/supervision/")  # session and actor warmed up
    with django_assert_max_num_queries(20):
        response = auditor.get("/services/supervision/")
    assert response.status_code == 200
    page = text(response)
    assert "示范市市场监督管理局" in page
    assert overdue.receipt_number in page
    assert 'data-figure="submitted">2<' in page
    assert 'data-figure="on-time-rate">100.0%<' in page
    assert 'data-zz-chart="supervision-departments-data"' in page
    assert "vendor/echarts/echarts.min.js" in page
    english = text(
        auditor.get("/services/supervision/?date_from=2026-09-01&date_to=nonsense", HTTP_ACCEPT_LANGUAGE="en")
    )
    assert "Supervision of applications" in english
    assert "A date was not understood" in english


def test_supervision_page_authorisation(overdue: Application) -> None:
    head = staff_client("SCJGJ", "department_head")
    assert head.get("/services/supervision/").status_code == 200
    assert head.get("/services/supervision/?department=GAJ").status_code == 404
    assert staff_client("SCJGJ", "caseworker").get("/services/supervision/").status_code == 403
    assert client_for(accounts_factories.citizen()).get("/services/supervision/").status_code == 403
    assert Client().get("/services/supervision/").status_code == 302


def test_the_public_statistics_page(done: Application, django_assert_max_num_queries) -> None:
    factories.rating(application=done, score=4, comment="窗口的王女士很耐心")
    factories.visit(application=done)
    client = Client()
    with django_assert_max_num_queries(6):
        response = client.get("/services/statistics/")
    page = text(response)
    assert response.status_code == 200
    assert "零跑动" in page
    assert "示范市市场监督管理局" in page
    assert 'data-figure="completed">1<' in page
    assert 'data-figure="one-visit-rate">100%<' in page
    assert "王女士" not in page
    assert done.receipt_number not in page
    english = text(client.get("/services/statistics/?group=item", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Service performance" in english
    assert "食品经营许可证核发（新办）" in english


def test_a_window_officer_records_a_visit_at_the_hall(done: Application) -> None:
    officer = staff_client("GAJ", "window_officer")
    assert officer.get("/services/visits/").status_code == 200
    response = officer.post(
        "/services/visits/",
        {
            "receipt_number": done.receipt_number,
            "visited_at": "2026-10-09T15:30",
            "place": "市民中心 B7",
            "purpose": "collect",
        },
    )
    assert response.status_code == 200
    assert f"已为 {done.receipt_number} 登记跑动；累计跑动 1 次。" in text(response)
    visit = Visit.objects.get()
    assert (visit.place, visit.purpose, visit.visited_at.isoformat()) == (
        "市民中心 B7",
        "collect",
        "2026-10-09T07:30:00+00:00",
    )
    unknown = officer.post(
        "/services/visits/",
        {"receipt_number": "ZW0000", "visited_at": "2026-10-09T15:30", "place": "B7", "purpose": "collect"},
    )
    assert unknown.status_code == 404
    bad = officer.post(
        "/services/visits/",
        {"receipt_number": done.receipt_number, "visited_at": "", "place": "", "purpose": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 422
    assert "Choose the purpose of the visit." in text(bad)
    assert Visit.objects.count() == 1
    citizen = client_for(accounts_factories.citizen())
    denied = citizen.post(
        "/services/visits/",
        {"receipt_number": done.receipt_number, "visited_at": "2026-10-09T15:30", "place": "B7", "purpose": "collect"},
    )
    assert denied.status_code == 404
    assert Visit.objects.count() == 1


def test_the_department_answers_a_rectification_and_the_applicant_sees_it(done: Application) -> None:
    rating = factories.rating(application=done, score=1, reasons=["N01"])
    rectification = factories.rectification(rating=rating, due_on=dt.date(2026, 10, 30))
    chief = staff_client("SCJGJ", "section_chief")
    listing = text(chief.get("/services/rectifications/"))
    assert done.receipt_number in listing
    url = f"/services/rectifications/{rectification.pk}/"
    short = chief.post(url, {"answer": "好"}, HTTP_ACCEPT_LANGUAGE="en")
    assert short.status_code == 422
    assert "Describe what the department did." in text(short)
    assert chief.post(url, {"answer": "已对窗口人员进行服务规范培训。"}).status_code == 302
    assert Rectification.objects.get().status == "answered"
    page = text(client_for(done.applicant).get(f"/services/applications/{done.receipt_number}/"))
    assert "已对窗口人员进行服务规范培训。" in page
    caseworker = staff_client("SCJGJ", "caseworker")
    assert 'name="answer"' not in text(caseworker.get(url))
    assert staff_client("GAJ", "section_chief").get(url).status_code == 404
    assert client_for(accounts_factories.citizen()).get(url).status_code == 404
