"""The case page offers exactly the acts the services allow: ``actions.staff_actions`` is checked
against the services themselves, act by act, for every actor at every step of two processes (a sequential one and
a joint review by two departments). Each act is tried inside a savepoint that is rolled back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.certificates import services as certificate_services
from zhizheng.core.actor import SYSTEM, Actor
from zhizheng.core.errors import DomainError
from zhizheng.govservices.choices import ApplicationAction as A
from zhizheng.govservices.form_schemas import form_definition
from zhizheng.govservices.models import Application, ServiceItem
from zhizheng.govservices.services import actions as application_actions
from zhizheng.govservices.services import applications as apply
from zhizheng.govservices.services import workflow as workflow_services
from zhizheng.govservices.tests.helpers import staff, valid_form
from zhizheng.orgs.selectors import actor_for_user
from zhizheng.registries.tests import factories as registry_factories

ACTS: dict[str, Callable[[Actor, Application], Any]] = {
    A.ACCEPTED: lambda actor, app: apply.application_accept(actor=actor, application=app),
    A.SUPPLEMENT_REQUESTED: lambda actor, app: apply.application_request_supplement(
        actor=actor, application=app, materials="请补充营业执照副本。"
    ),
    A.REVIEWED: lambda actor, app: workflow_services.application_review(
        actor=actor, application=app, opinion="材料齐全，符合要求。"
    ),
    A.FEE_ASSESSED: lambda actor, app: workflow_services.application_fee_assess(
        actor=actor, application=app, amount_fen=2000
    ),
    A.TRANSFERRED: lambda actor, app: workflow_services.application_transfer(
        actor=actor, application=app, department="ZJJ", reason="属住建局职权范围。"
    ),
    A.REJECTED: lambda actor, app: apply.application_reject(
        actor=actor, application=app, reason="申请材料不符合法定形式。", legal_basis=app.item.legal_basis[0]
    ),
    A.APPROVED: lambda actor, app: apply.application_approve(actor=actor, application=app),
}


class _Undo(Exception):
    pass


def succeeds(actor: Actor, application: Application, action: str) -> bool:
    """Whether the service takes the act now; nothing it did is kept."""
    try:
        with transaction.atomic():
            ACTS[action](actor, Application.objects.get(pk=application.pk))
            raise _Undo
    except _Undo:
        return True
    except DomainError:
        return False


def offered(actor: Actor, application: Application) -> list[str]:
    return application_actions.staff_actions(actor, Application.objects.get(pk=application.pk))


def assert_offers_match_services(actors: dict[str, Actor], application: Application) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {}
    for name, actor in actors.items():
        offers = offered(actor, application)
        for action in ACTS:
            assert (action in offers) == succeeds(actor, application, action), (name, action, offers)
        seen[name] = offers
    return seen


@pytest.fixture
def company_agent(catalogue: Any) -> tuple[Actor, dict[str, Any]]:
    certificate_services.certificate_types_load(actor=SYSTEM)
    resident = registry_factories.resident(name="王芳")
    company = registry_factories.legal_person(representative=resident)
    agent = accounts_factories.citizen(id_number=resident.id_number, real_name=resident.name)
    return actor_for_user(agent), {"resident": resident, "company": company}


def _submit(code: str, agent: Actor, people: dict[str, Any]) -> Application:
    item = ServiceItem.objects.get(code=code)
    form = valid_form(form_definition(item), people["resident"], people["company"])
    return apply.application_submit(actor=agent, item=item, form_data=form)


def test_a_caseworker_is_offered_the_reviews_but_never_the_decision(company_agent: Any) -> None:
    agent, people = company_agent
    actors = {
        "caseworker": staff("SCJGJ", "caseworker"),
        "chief": staff("SCJGJ", "section_chief"),
        "window": staff("SCJGJ", "window_officer"),
        "other department": staff("GAJ", "caseworker", "section_chief"),
        "applicant": agent,
    }
    application = _submit("SFS-0005", agent, people)  # 受理 → 审查 → 现场核查 → 决定, all 市场监管局

    seen = assert_offers_match_services(actors, application)
    assert seen["caseworker"] == [A.ACCEPTED, A.SUPPLEMENT_REQUESTED, A.TRANSFERRED, A.REJECTED]
    assert seen["window"] == [A.ACCEPTED, A.SUPPLEMENT_REQUESTED, A.TRANSFERRED, A.REJECTED]
    assert seen["other department"] == seen["applicant"] == []

    apply.application_accept(actor=actors["caseworker"], application=application)  # 审查 is active
    seen = assert_offers_match_services(actors, application)
    assert seen["caseworker"] == [A.SUPPLEMENT_REQUESTED, A.REVIEWED, A.TRANSFERRED, A.REJECTED]
    assert seen["window"] == []  # window officers accept; they do not review
    # The chief holds the decision, but deciding now would leave 现场核查 open: approval is not offered.
    assert A.APPROVED not in seen["chief"]
    refusal = application_actions.decision_refusal(actors["chief"], Application.objects.get(pk=application.pk))
    assert isinstance(refusal, application_actions.ReviewPending)

    workflow_services.application_review(actor=actors["caseworker"], application=application, opinion="材料齐全。")
    workflow_services.application_review(actor=actors["caseworker"], application=application, opinion="现场相符。")
    seen = assert_offers_match_services(actors, application)  # 决定 is active: the bug offered the review here
    assert seen["caseworker"] == []
    assert seen["chief"] == [A.APPROVED, A.REJECTED]


def test_a_joint_review_offers_each_department_its_own_step_only(company_agent: Any) -> None:
    agent, people = company_agent
    actors = {
        "water caseworker": staff("SWUJ", "caseworker"),
        "water chief": staff("SWUJ", "section_chief"),
        "environment caseworker": staff("STHJJ", "caseworker"),
        "environment chief": staff("STHJJ", "section_chief"),
    }
    application = _submit("SFS-0120", agent, people)  # 现场核查 by 水务局 and 生态环境局 together
    seen = assert_offers_match_services(actors, application)
    assert seen["environment caseworker"] == seen["environment chief"] == []  # not concerned yet: 404

    apply.application_accept(actor=actors["water caseworker"], application=application)
    workflow_services.application_review(
        actor=actors["water caseworker"], application=application, opinion="审查通过。"
    )
    seen = assert_offers_match_services(actors, application)  # the joint 现场核查 is active
    assert seen["environment caseworker"] == [A.SUPPLEMENT_REQUESTED, A.REVIEWED]
    assert A.APPROVED not in seen["water chief"]

    workflow_services.application_review(
        actor=actors["water caseworker"], application=application, opinion="现场相符。"
    )
    seen = assert_offers_match_services(actors, application)  # 生态环境局 still reviews
    assert seen["water caseworker"] == []
    assert seen["water chief"] == []  # nothing of 水务局 is active until 生态环境局 concludes
    assert seen["environment caseworker"] == [A.SUPPLEMENT_REQUESTED, A.REVIEWED]

    workflow_services.application_review(
        actor=actors["environment caseworker"], application=application, opinion="排放符合标准。"
    )
    seen = assert_offers_match_services(actors, application)
    assert seen["water chief"] == [A.APPROVED, A.REJECTED]
    assert seen["environment chief"] == seen["environment caseworker"] == []


def test_the_case_page_shows_only_the_offered_forms(company_agent: Any) -> None:
    from django.test import Client

    from zhizheng.accounts.models import User

    agent, people = company_agent
    caseworker, chief = staff("SCJGJ", "caseworker"), staff("SCJGJ", "section_chief")
    application = _submit("SFS-0005", agent, people)
    apply.application_accept(actor=caseworker, application=application)
    for opinion in ("材料齐全。", "现场相符。"):
        workflow_services.application_review(actor=caseworker, application=application, opinion=opinion)
    url = f"/services/queue/{application.receipt_number}/"

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(User.objects.get(pk=caseworker.user_id))
    page = client.get(url).content.decode()
    assert [a for a in ("/review/", "/approve/", "/reject/", "/supplement/") if a in page] == []
    assert "当前步骤无需您办理。 决定（示范市市场监督管理局）" in page

    client.force_login(User.objects.get(pk=chief.user_id))
    page = client.get(url).content.decode()
    assert [a for a in ("/review/", "/approve/", "/reject/", "/supplement/") if a in page] == ["/approve/", "/reject/"]


def _client(actor: Actor) -> Any:
    from django.test import Client

    from zhizheng.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(pk=actor.user_id))
    return client


def test_the_api_reports_the_acts_the_caller_may_take(company_agent: Any) -> None:
    """``allowed_actions`` in the API is what the case pages offer the caller (``actions_for``), not the table."""
    agent, people = company_agent
    caseworker, chief = staff("SCJGJ", "caseworker"), staff("SCJGJ", "section_chief")
    application = _submit("SFS-0005", agent, people)
    url = f"/api/v1/services/applications/{application.receipt_number}"
    clients = {"caseworker": _client(caseworker), "chief": _client(chief), "applicant": _client(agent)}

    def allowed(name: str) -> list[str]:
        response = clients[name].get(url)
        assert response.status_code == 200, response.content
        return list(response.json()["allowed_actions"])

    assert allowed("applicant") == [A.WITHDRAWN]
    assert allowed("caseworker") == [A.ACCEPTED, A.SUPPLEMENT_REQUESTED, A.TRANSFERRED, A.REJECTED]
    accepted = clients["caseworker"].post(f"{url}/accept", {}, content_type="application/json").json()
    assert accepted["allowed_actions"] == [A.SUPPLEMENT_REQUESTED, A.REVIEWED, A.TRANSFERRED, A.REJECTED]
    for opinion in ("材料齐全。", "现场相符。"):
        reviewed = clients["caseworker"].post(f"{url}/review", {"opinion": opinion}, content_type="application/json")
        assert reviewed.status_code == 200, reviewed.content
    assert reviewed.json()["allowed_actions"] == []  # the act's answer: 决定 is the chief's
    assert allowed("caseworker") == []  # at 决定: neither the review nor the decision
    assert allowed("chief") == [A.APPROVED, A.REJECTED]
    assert allowed("applicant") == [A.WITHDRAWN]

    mine = clients["applicant"].get("/api/v1/services/applications").json()["items"]
    assert [row["allowed_actions"] for row in mine] == [[A.WITHDRAWN]]

    second = _submit("SFS-0005", agent, people)
    apply.application_request_supplement(actor=caseworker, application=second, materials="请补充营业执照副本。")
    sent_back = clients["applicant"].get(f"/api/v1/services/applications/{second.receipt_number}").json()
    assert sent_back["allowed_actions"] == [A.SUBMITTED, A.WITHDRAWN]  # resubmit or withdraw; never a staff act
    assert (
        clients["caseworker"].get(f"/api/v1/services/applications/{second.receipt_number}").json()["allowed_actions"]
        == []
    )  # waiting for the applicant
