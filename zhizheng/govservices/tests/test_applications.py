"""Applying online through the services: lifecycle, idempotency, validation, transitions, authorisation, ledger and
the certificate issued on approval."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from zhizheng.accounts.models import User
from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.certificates import services as certificate_services
from zhizheng.certificates.errors import HolderUnknown
from zhizheng.certificates.models import Certificate
from zhizheng.core.actor import ANONYMOUS, SYSTEM, Actor
from zhizheng.core.errors import DomainError, NotAuthenticated, NotFound, PermissionDenied
from zhizheng.core.workdays import add_working_days, count_working_days
from zhizheng.govservices.form_schemas import FormInvalid
from zhizheng.govservices.models import Application, ApplicationEvent, ServiceItem
from zhizheng.govservices.selectors import applications as application_selectors
from zhizheng.govservices.services import actions as application_actions
from zhizheng.govservices.services import applications as apply
from zhizheng.ledger.models import Entry
from zhizheng.orgs.models import Department, Membership
from zhizheng.orgs.selectors import actor_for_user
from zhizheng.registries.models import Resident
from zhizheng.registries.tests import factories as registry_factories

ITEM = "SFS-0018"  # 无犯罪记录证明开具: 公安局 (GAJ), individuals, fully online, result certificate CT-WFZJLZM


@dataclass
class World:
    item: ServiceItem
    resident: Resident
    citizen: User
    me: Actor


def staff(code: str, role: str) -> Actor:
    user = accounts_factories.staff()
    Membership.objects.create(user=user, department=Department.objects.get(code=code), role=role)
    return actor_for_user(user)


def form_for(resident: Resident, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "person": {"name": resident.name, "id_number": resident.id_number, "mobile": "13800138000"},
        "materials": {"m1": "upload:scan-of-id-card"},
        "delivery": "electronic",
        "remarks": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def world(catalogue: Any) -> World:
    certificate_services.certificate_types_load(actor=SYSTEM)
    resident = registry_factories.resident(name="陈静")
    citizen = accounts_factories.citizen(id_number=resident.id_number, real_name=resident.name)
    return World(
        item=ServiceItem.objects.get(code=ITEM), resident=resident, citizen=citizen, me=actor_for_user(citizen)
    )


def submit(world: World, **kwargs: Any) -> Application:
    return apply.application_submit(actor=world.me, item=world.item, form_data=form_for(world.resident), **kwargs)


def test_lifecycle_submit_accept_approve_issues_the_certificate(world: World) -> None:
    entries = Entry.objects.count()
    application = submit(world)
    assert application.status == "submitted"
    assert application.receipt_number.startswith("ZW")
    assert len(application.receipt_number) == 18
    assert application.deadline_on == add_working_days(timezone.localdate(application.submitted_at), 1)[0]
    head = staff("GAJ", "caseworker")
    application = apply.application_accept(actor=head, application=application)
    assert application.status == "accepted"
    application = apply.application_approve(actor=staff("GAJ", "section_chief"), application=application)
    assert application.status == "approved"
    assert application.decided_at is not None
    certificate = Certificate.objects.get()
    assert application.certificate == certificate
    assert certificate.type.code == "CT-WFZJLZM"
    assert certificate.holder_identifier == world.resident.id_number
    assert certificate.subject["name"] == "陈静"
    assert certificate.subject["certificate_number"] == application.receipt_number
    assert certificate.subject["issuing_authority"] == world.item.department.name
    acts = list(Entry.objects.filter(index__gte=entries).order_by("index").values_list("act", flat=True))
    assert acts == [
        "govservices.application.submitted",
        "govservices.application.accepted",
        "certificates.issuer_key.created",  # the department's first certificate creates its signing key
        "certificates.certificate.issued",
        "govservices.application.approved",
    ]
    timeline = list(
        application_selectors.application_events(application=application).values_list("action", "status_after")
    )
    assert timeline == [("submitted", "submitted"), ("accepted", "accepted"), ("approved", "approved")]
    assert all(e.ledger_index is not None for e in ApplicationEvent.objects.filter(application=application))


def test_the_ledger_hides_the_form_but_keeps_it_privately(world: World) -> None:
    application = submit(world)
    entry = Entry.objects.get(act="govservices.application.submitted", subject_id=str(application.pk))
    assert entry.payload["form"]["person"]["id_number"] == world.resident.id_number
    assert entry.payload["receipt_number"] == application.receipt_number
    leaf = bytes(entry.leaf).decode("utf-8", "replace")
    assert world.resident.id_number not in leaf
    assert "陈静" not in leaf
    assert application.receipt_number in leaf
    assert entry.personal_fields == ["form"] or "form" in entry.personal_fields


def test_a_repeated_submission_with_the_same_key_makes_one_application(world: World) -> None:
    first = submit(world, idempotency_key="click-1")
    second = submit(world, idempotency_key="click-1")
    assert first.pk == second.pk
    assert Application.objects.count() == 1
    assert Entry.objects.filter(act="govservices.application.submitted").count() == 1
    third = submit(world, idempotency_key="click-2")
    assert third.pk != first.pk
    assert Application.objects.count() == 2


def test_a_key_reused_for_another_item_is_refused(world: World) -> None:
    submit(world, idempotency_key="k")
    other = ServiceItem.objects.get(code="SFS-0017")
    with pytest.raises(apply.IdempotencyKeyReused):
        apply.application_submit(actor=world.me, item=other, form_data={}, idempotency_key="k")


def test_an_invalid_form_lists_every_problem_and_stores_nothing(world: World) -> None:
    entries = Entry.objects.count()
    bad = {"person": {"name": "陈", "id_number": "110101199003071234", "mobile": "123"}, "delivery": "fax"}
    with pytest.raises(FormInvalid) as caught:
        apply.application_submit(actor=world.me, item=world.item, form_data=bad, idempotency_key="x")
    assert sorted(caught.value.field_errors) == [
        "delivery",
        "materials",
        "person.id_number",
        "person.mobile",
        "person.name",
    ]
    assert caught.value.status == 422
    assert (Application.objects.count(), Entry.objects.count()) == (0, entries)


def test_approving_before_accepting_is_a_conflict_naming_the_state(world: World) -> None:
    application = submit(world)
    with pytest.raises(application_actions.ApplicationInvalidTransition) as caught:
        apply.application_approve(actor=staff("GAJ", "caseworker"), application=application)
    assert caught.value.status == 409
    assert caught.value.detail_en == "The application is Submitted: it cannot be Approved now."
    application.refresh_from_db()
    assert application.status == "submitted"


def test_every_transition_comes_from_the_one_table(world: World) -> None:
    application = submit(world)
    assert sorted(application_actions.allowed_actions(application)) == [
        "accepted",
        "rejected",
        "supplement_requested",
        "transferred",
        "withdrawn",
    ]
    application.status = "approved"
    assert application_actions.allowed_actions(application) == []
    with pytest.raises(application_actions.ApplicationInvalidTransition):
        application_actions.transition_check(application, "withdrawn")


def test_supplement_then_resubmit_then_reject_with_a_reason(world: World) -> None:
    application = submit(world)
    caseworker = staff("GAJ", "caseworker")
    with pytest.raises(apply.ReasonRequired):
        apply.application_request_supplement(actor=caseworker, application=application, materials=" ")
    application = apply.application_request_supplement(
        actor=caseworker, application=application, materials="请补充清晰的身份证照片"
    )
    assert (application.status, application.supplement_request) == ("supplement_requested", "请补充清晰的身份证照片")
    submitted_at = application.submitted_at
    application = apply.application_submit(
        actor=world.me, item=world.item, form_data=form_for(world.resident, remarks="已补充"), application=application
    )
    assert application.status == "submitted"
    assert application.submitted_at == submitted_at
    assert application.form_data["remarks"] == "已补充"
    with pytest.raises(apply.ReasonRequired):
        apply.application_reject(
            actor=caseworker, application=application, reason="", legal_basis=world.item.legal_basis[0]
        )
    with pytest.raises(apply.LegalBasisRequired):
        apply.application_reject(
            actor=caseworker, application=application, reason="不属于受理范围", legal_basis="《无此法》"
        )
    application = apply.application_reject(
        actor=caseworker,
        application=application,
        reason="不属于受理范围",
        legal_basis=world.item.legal_basis[0],
    )
    assert application.status == "rejected"
    assert application.decision_reason == f"{world.item.legal_basis[0]}：不属于受理范围"
    assert Certificate.objects.count() == 0


def test_the_applicant_withdraws_and_nobody_else_can(world: World) -> None:
    application = submit(world)
    stranger = actor_for_user(accounts_factories.citizen(real_name="王五"))
    with pytest.raises(NotFound):
        apply.application_withdraw(actor=stranger, application=application)
    with pytest.raises(NotFound):
        apply.application_withdraw(actor=staff("GAJ", "caseworker"), application=application)
    assert apply.application_withdraw(actor=world.me, application=application).status == "withdrawn"


def test_drafts_are_kept_on_the_server_and_submitted_later(world: World) -> None:
    draft = apply.application_draft_save(actor=world.me, item=world.item, form_data={"remarks": "先存着"})
    assert (draft.status, draft.submitted_at) == ("draft", None)
    draft = apply.application_draft_save(
        actor=world.me, item=world.item, form_data=form_for(world.resident), application=draft
    )
    with pytest.raises(NotFound):  # drafts are private, even to the department
        application_selectors.application_get(actor=staff("GAJ", "caseworker"), receipt_number=draft.receipt_number)
    application = apply.application_submit(
        actor=world.me, item=world.item, form_data=draft.form_data, application=draft
    )
    assert (application.pk, application.status) == (draft.pk, "submitted")
    with pytest.raises(application_actions.ApplicationInvalidTransition):
        apply.application_draft_save(actor=world.me, item=world.item, form_data={}, application=application)
    with pytest.raises(apply.FormDataInvalid):
        apply.application_draft_save(actor=world.me, item=world.item, form_data=["not", "an", "object"])


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("anonymous", NotFound),
        ("other_citizen", NotFound),
        ("other_department_head", NotFound),
        ("applicant", PermissionDenied),
        ("gaj_auditor", NotFound),
        ("gaj_caseworker", None),
        ("gaj_department_head", None),
    ],
)
def test_who_may_accept(world: World, who: str, error: type[DomainError] | None) -> None:
    application = submit(world)
    actor = {
        "anonymous": lambda: ANONYMOUS,
        "other_citizen": lambda: actor_for_user(accounts_factories.citizen(real_name="王五")),
        "other_department_head": lambda: staff("SCJGJ", "department_head"),
        "applicant": lambda: world.me,
        "gaj_auditor": lambda: staff("GAJ", "auditor"),
        "gaj_caseworker": lambda: staff("GAJ", "caseworker"),
        "gaj_department_head": lambda: staff("GAJ", "department_head"),
    }[who]()
    entries = Entry.objects.count()
    if error is None:
        assert apply.application_accept(actor=actor, application=application).status == "accepted"
        assert Entry.objects.count() == entries + 1
        return
    with pytest.raises(error):
        apply.application_accept(actor=actor, application=application)
    application.refresh_from_db()
    assert (application.status, Entry.objects.count()) == ("submitted", entries)


def test_anonymous_cannot_apply(world: World) -> None:
    with pytest.raises(PermissionDenied):
        apply.application_submit(actor=ANONYMOUS, item=world.item, form_data=form_for(world.resident))
    assert Application.objects.count() == 0
    with pytest.raises(NotAuthenticated):
        apply._user_id(ANONYMOUS)


def test_an_item_not_offered_online_is_refused(world: World) -> None:
    offline = ServiceItem.objects.filter(online_level__lt=3).first()
    assert offline is not None
    with pytest.raises(apply.ItemNotOnline):
        apply.application_submit(actor=world.me, item=offline, form_data={})


def test_a_failed_certificate_rolls_the_approval_back_with_its_ledger_entry(world: World) -> None:
    application = submit(world)
    caseworker = staff("GAJ", "caseworker")
    application = apply.application_accept(actor=caseworker, application=application)
    Application.objects.filter(pk=application.pk).update(
        form_data=form_for(world.resident, person={"name": "无此人", "id_number": "110101199003077777"})
    )
    entries = Entry.objects.count()
    with pytest.raises(HolderUnknown):
        apply.application_approve(actor=caseworker, application=application)
    application.refresh_from_db()
    assert (application.status, application.certificate_id) == ("accepted", None)
    assert (Entry.objects.count(), Certificate.objects.count()) == (entries, 0)


def test_the_queue_shows_the_departments_applications_with_counts(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for n in range(3):
        submit(world, idempotency_key=f"q{n}")
    apply.application_draft_save(actor=world.me, item=world.item, form_data={})
    caseworker = staff("GAJ", "caseworker")
    apply.application_accept(actor=caseworker, application=Application.objects.filter(status="submitted").first())
    with django_assert_max_num_queries(2):
        rows = [
            (a.receipt_number, a.item.department.code, a.applicant.real_name)
            for a in application_selectors.application_queue(actor=caseworker)
        ]
        counts = application_selectors.application_queue_counts(actor=caseworker)
    assert len(rows) == 3
    assert counts["submitted"] == 2
    assert counts["accepted"] == 1
    assert counts["approved"] == 0
    assert list(application_selectors.application_queue(actor=staff("SCJGJ", "caseworker"))) == []
    with django_assert_max_num_queries(1):
        mine = [(a.receipt_number, a.item.name) for a in application_selectors.applications_mine(actor=world.me)]
    assert len(mine) == 4


def test_deadline_counts_working_days_from_submission(world: World) -> None:
    application = submit(world)
    assert application.submitted_at is not None
    expected, warnings = add_working_days(timezone.localdate(application.submitted_at), world.item.promised_days)
    assert application.deadline_on == expected
    assert application.calendar_warnings == [{"code": w.code, "year": w.year} for w in warnings]
    assert application.deadline_on >= dt.date(2020, 1, 1)


def test_the_clock_stops_while_waiting_for_supplements(world: World) -> None:
    application = submit(world)
    caseworker = staff("GAJ", "caseworker")
    application = apply.application_request_supplement(
        actor=caseworker, application=application, materials="请补充授权委托书"
    )
    today = timezone.localdate()
    assert application.clock_paused_on == today
    paused_since = today - dt.timedelta(days=14)
    original = application.deadline_on
    assert original is not None
    Application.objects.filter(pk=application.pk).update(clock_paused_on=paused_since)
    application = apply.application_submit(
        actor=world.me, item=world.item, form_data=form_for(world.resident), application=application
    )
    stood_still = count_working_days(paused_since, today)[0]
    assert stood_still >= 8
    assert application.paused_working_days == stood_still
    assert application.deadline_on == add_working_days(original, stood_still)[0]
    assert application.clock_paused_on is None
