"""The process over HTTP: review, transfer and fee endpoints with their authorisation matrix (denied requests change
nothing), bilingual problem+json for 409 and 422, the queue's query ceiling, and the staff case page's actions."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from zhizheng.govservices.models import Application
from zhizheng.govservices.services import applications as apply
from zhizheng.govservices.services import workflow as workflow_services
from zhizheng.govservices.tests.helpers import staff
from zhizheng.govservices.tests.test_workflow import World, snapshot, submit
from zhizheng.govservices.tests.test_workflow import world as world
from zhizheng.orgs.models import Membership

URL = "/api/v1/services/applications"


def client_for(code: str, *roles: str) -> Client:
    actor = staff(code, *roles)
    client = Client()
    client.force_login(Membership.objects.filter(user_id=actor.user_id).first().user)  # type: ignore[union-attr]
    return client


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, body or {}, content_type="application/json")


def joint(world: World) -> Application:
    application = submit(world, "SFS-0120", as_company=True)
    water = staff("SWUJ", "caseworker")
    apply.application_accept(actor=water, application=application)
    return workflow_services.application_review(actor=water, application=application, opinion="材料审查通过")


def test_a_pending_joint_review_is_a_bilingual_409(world: World) -> None:
    application = joint(world)
    before = snapshot(application)
    response = post(client_for("SWUJ", "section_chief"), f"{URL}/{application.receipt_number}/approve")
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "govservices.application.review_pending"
    assert body["detail"] == "其他部门尚未完成审查：示范市生态环境局。"
    assert body["detail_en"] == "Another department has not finished its review yet: 示范市生态环境局."
    assert snapshot(application) == before


def test_review_over_http_then_approve(world: World) -> None:
    application = joint(world)
    environment = client_for("STHJJ", "caseworker")
    short = post(environment, f"{URL}/{application.receipt_number}/review", {"opinion": "好"})
    assert short.status_code == 422
    assert short.json()["errors_en"] == {"opinion": ["State the reason."]}
    done = post(environment, f"{URL}/{application.receipt_number}/review", {"opinion": "排水水质符合标准"})
    assert done.status_code == 200
    active = [(s["kind"], s["department"]) for s in done.json()["steps"] if s["status"] == "active"]
    assert active == [("review", "SWUJ")]
    water = client_for("SWUJ", "caseworker", "section_chief")
    post(water, f"{URL}/{application.receipt_number}/review", {"opinion": "现场核查合格"})
    approved = post(water, f"{URL}/{application.receipt_number}/approve")
    assert approved.json()["status"] == "approved"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("applicant", 403),
        ("unrelated_head", 404),
        ("police_auditor", 404),
        ("police_window_officer", 200),
    ],
)
def test_who_may_transfer_over_http(world: World, who: str, status: int) -> None:
    application = submit(world, "SFS-0018")
    client = {
        "anonymous": Client,
        "applicant": lambda: _logged_in(world),
        "unrelated_head": lambda: client_for("SCJGJ", "department_head"),
        "police_auditor": lambda: client_for("GAJ", "auditor"),
        "police_window_officer": lambda: client_for("GAJ", "window_officer"),
    }[who]()
    before = snapshot(application)
    response = post(
        client, f"{URL}/{application.receipt_number}/transfer", {"department": "SCJGJ", "reason": "属市场监管局职责"}
    )
    assert response.status_code == status
    if status == 200:
        assert response.json()["handling_department"] == "SCJGJ"
        return
    assert response["Content-Type"].startswith("application/problem+json")
    assert snapshot(application) == before


def _logged_in(world: World) -> Client:
    client = Client()
    client.force_login(world.citizen)
    return client


def test_transfer_and_fee_errors_are_bilingual(world: World) -> None:
    application = submit(world, "SFS-0018")
    police = client_for("GAJ", "caseworker")
    wrong = post(police, f"{URL}/{application.receipt_number}/transfer", {"department": "NOPE", "reason": "应转他部门"})
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "govservices.application.transfer_target_invalid"
    assert wrong.json()["errors"] == {"department": ["没有这个部门。"]}
    assert wrong.json()["errors_en"] == {"department": ["No such department."]}
    free = post(police, f"{URL}/{application.receipt_number}/fee", {"amount_fen": 1000})
    assert free.status_code == 409
    assert free.json()["detail"] == "无犯罪记录证明开具不收费。"
    assert free.json()["detail_en"] == "无犯罪记录证明开具 charges no fee."


def test_the_queue_keeps_its_query_ceiling_with_processes(world: World, django_assert_max_num_queries: Any) -> None:
    from zhizheng.govservices.selectors import applications as application_selectors

    for _ in range(3):
        joint(world)
    environment = staff("STHJJ", "caseworker")
    with django_assert_max_num_queries(2):
        rows = [
            (a.receipt_number, a.handling_department.code)
            for a in application_selectors.application_queue(actor=environment)
        ]
        counts = application_selectors.application_queue_counts(actor=environment)
    assert len(rows) == 3
    assert {code for _r, code in rows} == {"SWUJ"}
    assert counts["accepted"] == 3


def test_the_case_page_offers_the_steps_actions(world: World) -> None:
    application = joint(world)
    environment = client_for("STHJJ", "caseworker")
    page = environment.get(f"/services/queue/{application.receipt_number}/").content.decode()
    assert "示范市生态环境局" in page
    assert f"/services/queue/{application.receipt_number}/review/" in page
    htmx = {"HX-Request": "true"}
    panel = environment.post(
        f"/services/queue/{application.receipt_number}/review/", {"opinion": "排水水质符合标准"}, headers=htmx
    )
    assert panel.status_code == 200
    assert "<html" not in panel.content.decode()
    police = submit(world, "SFS-0020")
    officer = client_for("GAJ", "caseworker")
    officer.post(f"/services/queue/{police.receipt_number}/accept/", headers=htmx)
    fee_page = officer.get(f"/services/queue/{police.receipt_number}/").content.decode()
    assert 'option value="10"' in fee_page  # 10 yuan suggested from the fee standard
    bad = officer.post(f"/services/queue/{police.receipt_number}/fee/", {"amount_yuan": "abc"}, headers=htmx)
    assert "is-invalid" in bad.content.decode()
    officer.post(f"/services/queue/{police.receipt_number}/fee/", {"amount_yuan": "10"}, headers=htmx)
    police.refresh_from_db()
    assert (police.status, police.fee_fen) == ("awaiting_payment", 1000)
    rejected = officer.post(
        f"/services/queue/{police.receipt_number}/reject/", {"reason": "不符合条件", "legal_basis": ""}, headers=htmx
    )
    assert "is-invalid" in rejected.content.decode()
    police.refresh_from_db()
    assert police.status == "awaiting_payment"
