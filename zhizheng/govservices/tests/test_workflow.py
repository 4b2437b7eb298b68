"""Processes across departments: steps derived from the catalogue, the one transition table, joint review,
transfer, rejection with a legal basis, and who may act at each step (denied cases change nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from zhizheng.accounts.models import User
from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.certificates import services as certificate_services
from zhizheng.core.actor import ANONYMOUS, SYSTEM, Actor
from zhizheng.core.errors import DomainError, NotFound, PermissionDenied
from zhizheng.govservices import workflow
from zhizheng.govservices.choices import ApplicationAction, ApplicationStatus, StepKind
from zhizheng.govservices.form_schemas import form_definition
from zhizheng.govservices.models import Application, ApplicationEvent, ProcessStep, ServiceItem
from zhizheng.govservices.selectors import applications as application_selectors
from zhizheng.govservices.services import actions as application_actions
from zhizheng.govservices.services import applications as apply
from zhizheng.govservices.services import workflow as workflow_services
from zhizheng.govservices.tests.helpers import staff, valid_form
from zhizheng.ledger.models import Entry
from zhizheng.orgs.selectors import actor_for_user
from zhizheng.registries.models import LegalPerson, Resident
from zhizheng.registries.tests import factories as registry_factories


@dataclass
class World:
    resident: Resident
    company: LegalPerson
    citizen: User
    me: Actor
    agent: Actor
    agent_user: User


@pytest.fixture
def world(catalogue: Any) -> World:
    certificate_services.certificate_types_load(actor=SYSTEM)
    resident = registry_factories.resident(name="陈静")
    company = registry_factories.legal_person(representative=resident)
    citizen = accounts_factories.citizen(id_number=resident.id_number, real_name=resident.name)
    agent = accounts_factories.citizen(real_name="李四")
    return World(resident, company, citizen, actor_for_user(citizen), actor_for_user(agent), agent)


def submit(world: World, code: str, *, as_company: bool = False) -> Application:
    item = ServiceItem.objects.get(code=code)
    form = valid_form(form_definition(item), world.resident, world.company if as_company else None)
    return apply.application_submit(actor=world.me, item=item, form_data=form)


def steps(application: Application) -> list[tuple[int, str, str, str]]:
    return [
        (s.position, s.kind, s.department.code, s.status)
        for s in ProcessStep.objects.filter(application=application).select_related("department")
    ]


def snapshot(application: Application) -> tuple[Any, ...]:
    application.refresh_from_db()
    return (
        application.status,
        application.department_id,
        steps(application),
        Entry.objects.count(),
        ApplicationEvent.objects.filter(application=application).count(),
    )


# --- processes from the catalogue ---------------------------------------------------------------------------------


def test_every_item_has_one_acceptance_one_decision_and_payment_before_deciding(catalogue: Any) -> None:
    for item in ServiceItem.objects.select_related("department"):
        process = workflow.process_for(item)
        kinds = [s.kind for s in process]
        assert kinds.count(StepKind.ACCEPT) == 1, item.code
        assert kinds.count(StepKind.DECIDE) == 1, item.code
        assert kinds[0] == StepKind.APPLY, item.code
        assert kinds.index(StepKind.ACCEPT) < kinds.index(StepKind.DECIDE), item.code
        assert [s.position for s in process] == sorted(s.position for s in process), item.code
        if item.fee_charged:
            assert kinds[kinds.index(StepKind.DECIDE) - 1] == StepKind.PAYMENT, item.code
        else:
            assert StepKind.PAYMENT not in kinds, item.code


def test_processes_of_named_items(catalogue: Any) -> None:
    def of(code: str) -> list[tuple[int, str, str, str, tuple[str, ...]]]:
        item = ServiceItem.objects.select_related("department").get(code=code)
        return [(s.position, s.name, s.kind, s.department, s.roles) for s in workflow.process_for(item)]

    review = ("caseworker", "section_chief", "department_head")
    accept = ("window_officer", *review)
    assert of("SFS-0018") == [
        (10, "网上申请", "apply", "GAJ", ()),
        (20, "受理", "accept", "GAJ", accept),
        (30, "查询核实", "review", "GAJ", review),
        (40, "出具证明", "decide", "GAJ", review),  # no named decision: the reviewing officer decides
    ]
    # 残联 reviews, 民政 decides (the item's own department).
    assert [(p, n, k, d) for p, n, k, d, _r in of("SFS-0032")][2:4] == [
        (30, "残联审核", "review", "CL"),
        (40, "民政审定", "decide", "MZJ"),
    ]
    # Two other departments' reviews in a row do not depend on each other: joint review at one position.
    joint = [(p, n, d) for p, n, k, d, _r in of("SFS-0108") if k == "review"]
    assert (50, "信息网络安全审核（公安机关）", "GAJ") in joint
    assert (50, "消防安全审核", "XFZD") in joint
    # processes.json: 现场核查 of the drainage permit by 水务 and 生态环境 together.
    assert [(p, d) for p, n, k, d, _r in of("SFS-0120") if n == "现场核查"] == [(40, "SWUJ"), (40, "STHJJ")]
    # A fee item pays before the decision; a named decision belongs to chiefs and heads.
    assert [(n, k, r) for _p, n, k, _d, r in of("SFS-0023")][3:5] == [
        ("缴费", "payment", ()),
        ("审批签发", "decide", ("section_chief", "department_head")),
    ]


# --- the one transition table -------------------------------------------------------------------------------------


def test_the_transition_table_is_the_only_source_of_moves(world: World) -> None:
    application = submit(world, "SFS-0018")
    every = {(status, action) for status in ApplicationStatus.values for action in ApplicationAction.values}
    for status, action in every:
        application.status = status
        if (status, action) in application_actions.TRANSITIONS:
            assert (
                application_actions.transition_check(application, action)
                == application_actions.TRANSITIONS[(status, action)]
            )
        else:
            with pytest.raises(application_actions.ApplicationInvalidTransition) as caught:
                application_actions.transition_check(application, action)
            assert caught.value.status == 409
    assert len(application_actions.TRANSITIONS) == 21
    assert application_actions.TRANSITIONS[("accepted", "transferred")] == "submitted"
    assert application_actions.TRANSITIONS[("awaiting_payment", "paid")] == "accepted"


def test_the_single_department_path_moves_through_the_steps(world: World) -> None:
    application = submit(world, "SFS-0018")
    assert steps(application) == [
        (10, "apply", "GAJ", "done"),
        (20, "accept", "GAJ", "active"),
        (30, "review", "GAJ", "waiting"),
        (40, "decide", "GAJ", "waiting"),
    ]
    caseworker = staff("GAJ", "caseworker")
    apply.application_accept(actor=caseworker, application=application)
    assert [s[3] for s in steps(application)] == ["done", "done", "active", "waiting"]
    approved = apply.application_approve(actor=caseworker, application=application)
    assert approved.status == "approved"
    assert approved.certificate is not None
    assert [s[3] for s in steps(application)] == ["done", "done", "done", "done"]


def test_a_named_decision_needs_a_chief_and_nothing_changes_for_a_caseworker(world: World) -> None:
    application = submit(world, "SFS-0120", as_company=True)
    apply.application_accept(actor=staff("SWUJ", "caseworker"), application=application)
    for code in ("SWUJ", "STHJJ"):
        workflow_services.application_review(
            actor=staff(code, "caseworker"), application=application, opinion="现场核查合格，同意"
        )
    before = snapshot(application)
    with pytest.raises(PermissionDenied):
        apply.application_approve(actor=staff("SWUJ", "caseworker"), application=application)
    assert snapshot(application) == before
    approved = apply.application_approve(actor=staff("SWUJ", "section_chief"), application=application)
    assert approved.status == "approved"


# --- joint review -------------------------------------------------------------------------------------------------


def test_joint_review_waits_for_every_department(world: World) -> None:
    application = submit(world, "SFS-0120", as_company=True)
    water = staff("SWUJ", "caseworker")
    apply.application_accept(actor=water, application=application)
    workflow_services.application_review(actor=water, application=application, opinion="材料审查通过")
    # 现场核查 is now active for 水务 and 生态环境 at once.
    active = [(p, d) for p, k, d, s in steps(application) if s == "active"]
    assert active == [(40, "SWUJ"), (40, "STHJJ")]
    # The environment bureau sees it in its queue; an unrelated bureau does not.
    environment = staff("STHJJ", "caseworker")
    assert [a.receipt_number for a in application_selectors.application_queue(actor=environment)] == [
        application.receipt_number
    ]
    assert list(application_selectors.application_queue(actor=staff("SCJGJ", "caseworker"))) == []
    # The deciding chief cannot approve while 生态环境局 has not finished: 409 naming it, nothing changed.
    chief = staff("SWUJ", "section_chief")
    before = snapshot(application)
    with pytest.raises(application_actions.ReviewPending) as caught:
        apply.application_approve(actor=chief, application=application)
    assert caught.value.status == 409
    assert "示范市生态环境局" in caught.value.detail_en
    assert snapshot(application) == before
    # The environment bureau cannot decide or transfer (not the handling department): 403, nothing changed.
    for act in (
        lambda: apply.application_approve(actor=environment, application=application),
        lambda: workflow_services.application_transfer(
            actor=environment, application=application, department="SCJGJ", reason="应由市场监管局办理"
        ),
    ):
        with pytest.raises(PermissionDenied):
            act()
        assert snapshot(application) == before
    workflow_services.application_review(actor=environment, application=application, opinion="排水水质符合标准")
    assert [(p, d) for p, k, d, s in steps(application) if s == "active"] == [(40, "SWUJ")]
    workflow_services.application_review(actor=water, application=application, opinion="现场核查合格")
    assert [(k, d) for p, k, d, s in steps(application) if s == "active"] == [("decide", "SWUJ")]
    assert apply.application_approve(actor=chief, application=application).status == "approved"
    acts = list(Entry.objects.filter(act="govservices.application.reviewed").values_list("act", flat=True))
    assert len(acts) == 3


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("anonymous", NotFound),
        ("applicant", PermissionDenied),
        ("unrelated_caseworker", NotFound),
        ("environment_window_officer", PermissionDenied),
        ("environment_caseworker", None),
        ("water_caseworker", None),
    ],
)
def test_who_may_review_at_the_joint_step(world: World, who: str, error: type[DomainError] | None) -> None:
    application = submit(world, "SFS-0120", as_company=True)
    water = staff("SWUJ", "caseworker")
    apply.application_accept(actor=water, application=application)
    workflow_services.application_review(actor=water, application=application, opinion="材料审查通过")
    actor = {
        "anonymous": lambda: ANONYMOUS,
        "applicant": lambda: world.me,
        "unrelated_caseworker": lambda: staff("SCJGJ", "caseworker"),
        "environment_window_officer": lambda: staff("STHJJ", "window_officer"),
        "environment_caseworker": lambda: staff("STHJJ", "caseworker"),
        "water_caseworker": lambda: staff("SWUJ", "caseworker"),
    }[who]()
    before = snapshot(application)
    if error is None:
        workflow_services.application_review(actor=actor, application=application, opinion="同意办理")
        assert snapshot(application)[3] == before[3] + 1
        return
    with pytest.raises(error):
        workflow_services.application_review(actor=actor, application=application, opinion="同意办理")
    assert snapshot(application) == before


# --- transfer -----------------------------------------------------------------------------------------------------


def test_transfer_moves_the_application_to_the_receiving_queue_and_keeps_the_clock(world: World) -> None:
    application = submit(world, "SFS-0018")
    deadline = application.deadline_on
    police = staff("GAJ", "caseworker")
    apply.application_accept(actor=police, application=application)
    with pytest.raises(apply.ReasonRequired):
        workflow_services.application_transfer(actor=police, application=application, department="SCJGJ", reason="")
    with pytest.raises(workflow_services.TransferTargetInvalid):
        workflow_services.application_transfer(
            actor=police, application=application, department="NOPE", reason="应由他部门办理"
        )
    with pytest.raises(workflow_services.TransferTargetInvalid):
        workflow_services.application_transfer(
            actor=police, application=application, department="GAJ", reason="应由他部门办理"
        )
    moved = workflow_services.application_transfer(
        actor=police, application=application, department="SCJGJ", reason="属市场监管局职责"
    )
    assert (moved.status, moved.handling_department.code, moved.deadline_on) == ("submitted", "SCJGJ", deadline)
    assert [(p, k, d, s) for p, k, d, s in steps(moved) if s != "done"] == [
        (29, "accept", "SCJGJ", "active"),
        (30, "review", "GAJ", "cancelled"),
        (30, "review", "SCJGJ", "waiting"),
        (40, "decide", "GAJ", "cancelled"),
        (40, "decide", "SCJGJ", "waiting"),
    ]
    market = staff("SCJGJ", "caseworker")
    assert [a.receipt_number for a in application_selectors.application_queue(actor=market)] == [moved.receipt_number]
    # The police handled it once (their acceptance stays in the process), but cannot act any more.
    before = snapshot(application)
    with pytest.raises(PermissionDenied):
        apply.application_accept(actor=police, application=application)
    assert snapshot(application) == before
    apply.application_accept(actor=market, application=application)
    assert apply.application_approve(actor=market, application=application).status == "approved"
    entry = Entry.objects.filter(act="govservices.application.transferred").get()
    assert entry.payload["from"] == "GAJ"
    assert entry.payload["to"] == "SCJGJ"


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("anonymous", NotFound),
        ("other_citizen", NotFound),
        ("applicant", PermissionDenied),
        ("other_department_head", NotFound),
        ("police_auditor", NotFound),
        ("police_caseworker", None),
    ],
)
def test_who_may_transfer(world: World, who: str, error: type[DomainError] | None) -> None:
    application = submit(world, "SFS-0018")
    actor = {
        "anonymous": lambda: ANONYMOUS,
        "other_citizen": lambda: world.agent,
        "applicant": lambda: world.me,
        "other_department_head": lambda: staff("SCJGJ", "department_head"),
        "police_auditor": lambda: staff("GAJ", "auditor"),
        "police_caseworker": lambda: staff("GAJ", "caseworker"),
    }[who]()
    before = snapshot(application)

    def act() -> Application:
        return workflow_services.application_transfer(
            actor=actor, application=application, department="SCJGJ", reason="属市场监管局职责"
        )

    if error is None:
        assert act().handling_department.code == "SCJGJ"
        return
    with pytest.raises(error):
        act()
    assert snapshot(application) == before


# --- rejection with a legal basis ---------------------------------------------------------------------------------


def test_rejection_names_one_of_the_items_legal_bases(world: World) -> None:
    application = submit(world, "SFS-0018")
    caseworker = staff("GAJ", "caseworker")
    basis = application.item.legal_basis[0]
    before = snapshot(application)
    with pytest.raises(apply.LegalBasisRequired) as caught:
        apply.application_reject(actor=caseworker, application=application, reason="不符合条件", legal_basis="")
    assert caught.value.status == 422
    assert snapshot(application) == before
    rejected = apply.application_reject(
        actor=caseworker, application=application, reason="申请人不符合条件", legal_basis=basis
    )
    assert rejected.decision_reason == f"{basis}：申请人不符合条件"
    assert {s[3] for s in steps(rejected) if s[1] != "apply"} == {"cancelled"}
    entry = Entry.objects.filter(act="govservices.application.rejected").get()
    assert entry.payload["legal_basis"] == basis


def test_the_applicant_is_told_of_each_state_change(world: World) -> None:
    from zhizheng.accounts.models import Notification

    application = submit(world, "SFS-0018")
    police = staff("GAJ", "caseworker")
    apply.application_request_supplement(actor=police, application=application, materials="请补充身份证正反面")
    application = apply.application_submit(
        actor=world.me, item=application.item, form_data=application.form_data, application=application
    )
    apply.application_accept(actor=police, application=application)
    workflow_services.application_transfer(
        actor=police, application=application, department="SCJGJ", reason="属市场监管局职责"
    )
    apply.application_reject(
        actor=staff("SCJGJ", "caseworker"),
        application=application,
        reason="不符合条件",
        legal_basis=application.item.legal_basis[0],
    )
    rows = list(Notification.objects.filter(recipient=world.citizen).order_by("id").values_list("kind", "link"))
    link = f"/services/applications/{application.receipt_number}/"
    assert rows == [
        ("govservices.application.supplement_requested", link),
        ("govservices.application.accepted", link),
        ("govservices.application.transferred", link),
        ("govservices.application.decided", link),
    ]
    transferred = Notification.objects.get(kind="govservices.application.transferred")
    assert "示范市市场监督管理局" in transferred.body or "市场监" in transferred.body
