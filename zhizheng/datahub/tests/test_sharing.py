"""Sharing: requests, the provider's answer, the 10-working-day clock, grants, revocation and the ledger."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.utils import timezone

from zhizheng.core.actor import SYSTEM
from zhizheng.core.errors import DomainError, NotFound, PermissionDenied
from zhizheng.core.workdays import add_working_days
from zhizheng.datahub import selectors, services
from zhizheng.datahub.models import Grant, ShareRequest
from zhizheng.ledger.models import Entry

POPULATION = "10101/000001"
REQUEST = services.RequestSpec(
    resource_code=POPULATION,
    department_code="MZJ",
    purpose="低保资格核验",
    fields=("name", "id_number", "district_code"),
    legal_basis="《社会救助暂行办法》第十一条",
    period_days=30,
)


def _conditional(hub):
    """A published, conditionally shared resource of GAJ backed by the population registry."""
    spec = services.ResourceSpec(
        category="department",
        class_code="30201",
        name="人口信息（有条件）",
        provider_code="GAJ",
        summary="有条件共享的人口信息。",
        format="database",
        share_type="conditional",
        share_conditions="仅限社会救助核验",
        open_type="not_open",
        update_cycle="daily",
        source="population",
        items=(
            services.ItemSpec("name", "姓名", "C", personal=True),
            services.ItemSpec("sex", "性别", "C"),
            services.ItemSpec("district_code", "区划", "C"),
        ),
    )
    resource = services.resource_create(actor=hub.police_officer.actor, spec=spec)
    services.resource_submit(actor=hub.police_officer.actor, resource=resource)
    return services.resource_publish(actor=hub.reviewer.actor, resource=resource)


def _ask(hub, resource):
    spec = dataclasses.replace(REQUEST, resource_code=resource.code, fields=("sex", "name"))
    return services.request_create(actor=hub.civil_caseworker.actor, spec=spec).request


def test_unconditional_request_is_granted_at_once_with_a_key(loaded):
    issued = services.request_create(actor=loaded.civil_caseworker.actor, spec=REQUEST)
    assert issued.request.status == "granted"
    assert issued.request.fields == ["id_number", "name", "district_code"]  # catalogue order
    assert issued.key.startswith(f"dh_{issued.grant.prefix}_")
    assert issued.key not in str(Grant.objects.values().get())
    days = (issued.grant.expires_at - issued.request.created_at).days
    assert days in (29, 30)
    acts = list(
        Entry.objects.filter(act__startswith="datahub.").exclude(act__startswith="datahub.resource").order_by("index")
    )
    assert [e.act for e in acts] == ["datahub.request.submitted", "datahub.grant.issued"]
    assert acts[1].payload["fields"] == ["id_number", "name", "district_code"]


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"purpose": " "}, ["purpose"]),
        ({"legal_basis": ""}, ["legal_basis"]),
        ({"period_days": 0}, ["period_days"]),
        ({"fields": ()}, ["fields"]),
        ({"fields": ("name", "marital_status")}, ["fields"]),
    ],
)
def test_incomplete_requests_are_422_per_field(loaded, changes, fields):
    with pytest.raises(DomainError) as caught:
        services.request_create(actor=loaded.civil_caseworker.actor, spec=dataclasses.replace(REQUEST, **changes))
    assert (caught.value.status, caught.value.instance_code) == (422, "datahub.request_invalid")
    assert list(caught.value.field_errors) == fields
    assert ShareRequest.objects.count() == 0


def test_unknown_field_is_named(loaded):
    with pytest.raises(DomainError) as caught:
        services.request_create(
            actor=loaded.civil_caseworker.actor, spec=dataclasses.replace(REQUEST, fields=("marital_status",))
        )
    assert caught.value.as_problem()["errors_en"]["fields"] == ["Unknown fields: marital_status."]
    assert caught.value.as_problem()["errors"]["fields"] == ["未知字段：marital_status。"]


@pytest.mark.parametrize("who", ["education_caseworker", "citizen", "police_officer"])
def test_only_the_departments_officer_or_caseworker_requests(loaded, who):
    with pytest.raises(PermissionDenied):
        services.request_create(actor=getattr(loaded, who).actor, spec=REQUEST)
    assert ShareRequest.objects.count() == 0


def test_unpublished_resources_cannot_be_requested(loaded):
    resource = _conditional(loaded)
    services.resource_update(
        actor=loaded.police_officer.actor,
        resource=resource,
        spec=services.ResourceSpec(
            category="department",
            class_code="30201",
            name="人口信息（有条件）",
            provider_code="GAJ",
            summary="修改中。",
            format="database",
            share_type="conditional",
            share_conditions="仅限社会救助核验",
            open_type="not_open",
            update_cycle="daily",
            items=(services.ItemSpec("sex", "性别", "C"),),
        ),
    )
    with pytest.raises(DomainError) as caught:
        _ask(loaded, resource)
    assert (caught.value.status, caught.value.instance_code) == (409, "datahub.not_shareable")
    with pytest.raises(NotFound):
        services.request_create(
            actor=loaded.civil_caseworker.actor, spec=dataclasses.replace(REQUEST, resource_code="39999/000001")
        )


def test_conditional_request_waits_ten_working_days_then_approve(loaded):
    resource = _conditional(loaded)
    request = _ask(loaded, resource)
    assert request.status == "pending"
    assert request.due_on == add_working_days(timezone.localdate(request.created_at), 10)[0]
    assert services.deadline_state(request) == "ok"
    issued = services.request_approve(
        actor=loaded.police_officer.actor, request=request, rate_limit=5, row_filter={"district_code": "990103"}
    )
    assert (issued.request.status, issued.grant.rate_limit, issued.grant.row_filter) == (
        "granted",
        5,
        {"district_code": "990103"},
    )
    assert issued.key
    with pytest.raises(DomainError) as caught:
        services.request_reject(actor=loaded.police_officer.actor, request=request, reason="迟到的拒绝")
    assert (caught.value.status, caught.value.instance_code) == (409, "datahub.request_decided")
    acts = [e.act for e in Entry.objects.filter(act__startswith="datahub.request").order_by("index")]
    assert acts == ["datahub.request.submitted", "datahub.request.approved"]


def test_conditional_reject_needs_a_reason_and_issues_no_grant(loaded):
    request = _ask(loaded, _conditional(loaded))
    with pytest.raises(DomainError) as caught:
        services.request_reject(actor=loaded.police_officer.actor, request=request, reason="")
    assert caught.value.status == 422
    rejected = services.request_reject(actor=loaded.police_officer.actor, request=request, reason="用途与条件不符")
    assert (rejected.status, rejected.reason) == ("rejected", "用途与条件不符")
    assert Grant.objects.count() == 0
    assert Entry.objects.get(act="datahub.request.rejected").payload == {"reason": "用途与条件不符"}


def test_approve_rejects_bad_row_filter_and_rate_limit(loaded):
    request = _ask(loaded, _conditional(loaded))
    with pytest.raises(DomainError) as caught:
        services.request_approve(
            actor=loaded.police_officer.actor, request=request, rate_limit=0, row_filter={"name": "x"}
        )
    assert sorted(caught.value.field_errors) == ["rate_limit", "row_filter"]
    request.refresh_from_db()
    assert request.status == "pending"


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("civil_officer", PermissionDenied),  # the requester sees it but may not decide
        ("education_caseworker", NotFound),
        ("citizen", NotFound),
        ("reviewer", NotFound),
    ],
)
def test_only_the_providers_data_officer_decides(loaded, who, error):
    request = _ask(loaded, _conditional(loaded))
    with pytest.raises(error):
        services.request_approve(actor=getattr(loaded, who).actor, request=request)
    with pytest.raises(error):
        services.request_reject(actor=getattr(loaded, who).actor, request=request, reason="不")
    request.refresh_from_db()
    assert request.status == "pending"
    assert Grant.objects.count() == 0


def test_deadline_warning_at_eighty_percent_once(loaded):
    request = _ask(loaded, _conditional(loaded))
    start = timezone.localdate(request.created_at)
    seventh = add_working_days(start, 7)[0]
    eighth = add_working_days(start, 8)[0]
    assert services.request_deadlines_check(actor=SYSTEM, today=seventh) == 0
    assert services.deadline_state(request, seventh) == "ok"
    assert services.request_deadlines_check(actor=SYSTEM, today=eighth) == 1
    assert services.request_deadlines_check(actor=SYSTEM, today=eighth) == 0
    assert services.deadline_state(request, eighth) == "warning"
    assert services.deadline_state(request, request.due_on + dt.timedelta(days=1)) == "overdue"
    assert Entry.objects.get(act="datahub.request.warned").payload["state"] == "warning"
    with pytest.raises(PermissionDenied):
        services.request_deadlines_check(actor=loaded.reviewer.actor)


def test_inbox_and_mine(loaded, django_assert_max_num_queries):
    request = _ask(loaded, _conditional(loaded))
    with django_assert_max_num_queries(2):
        count, rows = selectors.request_list(actor=loaded.police_officer.actor, box="inbox")
    assert (count, rows) == (1, [request])
    assert selectors.request_list(actor=loaded.civil_officer.actor, box="mine")[0] == 1
    assert selectors.request_list(actor=loaded.civil_officer.actor, box="inbox")[0] == 0
    assert selectors.request_list(actor=loaded.education_caseworker.actor, box="mine")[0] == 0


def test_revoke_by_provider_only(loaded):
    issued = services.request_create(actor=loaded.civil_caseworker.actor, spec=REQUEST)
    with pytest.raises(NotFound):
        services.grant_revoke(actor=loaded.civil_officer.actor, grant=issued.grant, reason="x")
    revoked = services.grant_revoke(actor=loaded.police_officer.actor, grant=issued.grant, reason="用途已结束")
    assert revoked.revoked_at is not None
    with pytest.raises(DomainError) as caught:
        services.grant_revoke(actor=loaded.police_officer.actor, grant=issued.grant, reason="again")
    assert caught.value.status == 409
    assert caught.value.code == "datahub.grant_already_revoked"
    assert Entry.objects.get(act="datahub.grant.revoked").payload == {"reason": "用途已结束"}


def test_the_deadline_task_is_scheduled_and_runs_the_service(loaded, settings):
    from zhizheng.datahub.tasks import DEADLINES_TASK, request_deadlines

    assert settings.CELERY_BEAT_SCHEDULE["datahub-request-deadlines"]["task"] == DEADLINES_TASK
    _ask(loaded, _conditional(loaded))
    assert request_deadlines.apply().get() == 0  # created today: nothing used yet


def test_deadline_counts_from_the_local_day_of_the_request(loaded):
    """Asked at 01:00 on Tuesday in Beijing (still Monday in UTC): the working days count from Tuesday."""
    request = _ask(loaded, _conditional(loaded))
    asked = dt.datetime(2026, 3, 3, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    due_on = add_working_days(dt.date(2026, 3, 3), 10)[0]
    ShareRequest.objects.filter(pk=request.pk).update(created_at=asked, due_on=due_on)
    request.refresh_from_db()
    assert services.deadline_state(request, dt.date(2026, 3, 12)) == "ok"
    assert services.deadline_state(request, dt.date(2026, 3, 13)) == "warning"
