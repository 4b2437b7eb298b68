"""The seven-step loop: every transition, its errors, its ledger entry and who may do it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from zhizheng.cityevents import services
from zhizheng.cityevents.choices import Action, Source, Status
from zhizheng.cityevents.errors import InvalidTransition
from zhizheng.cityevents.models import ClassificationOverride, Event, EventStep
from zhizheng.cityevents.tests import factories
from zhizheng.cityevents.workflow import TRANSITIONS, allowed_actions, transition
from zhizheng.core.actor import ANONYMOUS, SYSTEM
from zhizheng.core.errors import NotFound, PermissionDenied, ValidationFailed
from zhizheng.ledger.models import Entry

pytestmark = pytest.mark.django_db


def _walk(loop, event: Event, until: Status) -> Event:
    """Move ``event`` along the happy path until it reaches ``until``."""
    steps = [
        (Status.REGISTERED, lambda e: services.event_register(event=e, actor=loop.dispatcher.actor)),
        (
            Status.DISPATCHED,
            lambda e: services.event_dispatch(
                event=services.event_classify(
                    event=e, actor=loop.dispatcher.actor, category_code=loop.categories["manhole"].code
                ),
                actor=loop.dispatcher.actor,
            ),
        ),
        (Status.HANDLED, lambda e: services.event_handle(event=e, actor=loop.handler.actor, result="已补装井盖")),
        (Status.VERIFIED, lambda e: services.event_verify(event=e, actor=loop.inspector.actor, passed=True)),
        (Status.CLOSED, lambda e: services.event_close(event=e, actor=loop.dispatcher.actor)),
    ]
    order = [Status.COLLECTED] + [status for status, _act in steps]
    for status, act in steps[order.index(Status(event.status)) :]:
        if event.status == until:
            break
        event = act(event)
        assert event.status == status
    return event


def test_the_table_names_every_action_and_rejects_the_rest():
    assert set(TRANSITIONS) == set(Action) - {Action.REPORT}
    assert transition(Status.COLLECTED, Action.REGISTER) == Status.REGISTERED
    assert transition(Status.DISPATCHED, Action.TRANSFER) == Status.DISPATCHED
    assert allowed_actions(Status.HANDLED) == [Action.VERIFY, Action.REWORK, Action.NOTE]
    with pytest.raises(InvalidTransition) as caught:
        transition(Status.CLOSED, Action.HANDLE)
    assert caught.value.status == 409
    assert caught.value.code == "cityevents.invalid_transition"
    assert caught.value.detail_en == "“Handled” is not allowed while the event is “Closed”."
    with translation.override("zh-hans"):
        assert caught.value.detail == "事件处于“已结案”状态，不能进行“已处置”操作。"


@pytest.mark.parametrize(
    ("status", "action"),
    [(s, a) for a, move in TRANSITIONS.items() for s in Status if s not in move.sources],
)
def test_every_illegal_move_is_refused(status, action):
    with pytest.raises(InvalidTransition):
        transition(status, action)


def test_report_keeps_the_event_the_suggestion_and_a_ledger_entry(loop):
    event, token = factories.report(loop.citizen.actor, reporter_phone="13812345678")
    assert event.status == Status.COLLECTED
    assert event.number == f"{timezone.localtime(event.reported_at):%Y%m%d}{event.pk:06d}"
    assert event.reporter_id == loop.citizen.user.pk
    assert event.reporter_phone_masked == "138****5678"
    assert event.reporter_phone_hash == services.phone_hash("+86 138-1234-5678")
    assert event.tracking_token_hash == services.token_hash(token)
    assert event.suggested_category == "城乡建设"
    assert event.suggested_department_code == "ZJJ"
    assert 0 < event.suggested_confidence <= 1
    entry = Entry.objects.get(act="cityevents.event.reported", subject_id=str(event.pk))
    assert "13812345678" not in str(entry.payload)
    assert b"13812345678" not in bytes(entry.leaf)
    assert entry.personal_fields == sorted(set(entry.personal_fields) | {"reporter"})
    assert b"user:" not in bytes(entry.leaf)  # the reporter appears only as a salted hash


def test_report_without_a_working_classifier_is_kept_for_the_dispatcher(loop, settings, tmp_path):
    from zhizheng.cityevents.classifier import runtime

    settings.MESSAGE_CLASSIFIER_ARTEFACT = str(tmp_path / "missing")
    runtime.unload_classifiers()
    try:
        event, _token = factories.report(loop.citizen.actor)
    finally:
        runtime.unload_classifiers()
    assert Event.objects.filter(pk=event.pk, status=Status.COLLECTED).exists()
    assert event.suggested_category == ""
    assert event.classification_error.startswith("ClassifierUnavailable")


def test_report_errors_name_the_fields_and_keep_nothing(loop):
    with pytest.raises(ValidationFailed) as caught:
        factories.report(
            loop.citizen.actor,
            description="  ",
            longitude="200",
            latitude="",
            address="",
            district_code="",
            urgency="soon",
        )
    assert set(caught.value.field_errors) == {"description", "longitude", "urgency", "location"}
    assert Event.objects.count() == 0
    with pytest.raises(ValidationFailed) as caught:
        factories.report(loop.citizen.actor, longitude="116.4", latitude=None)
    assert set(caught.value.field_errors) == {"latitude"}
    with pytest.raises(NotFound):
        factories.report(loop.citizen.actor, category_code="999999")
    with pytest.raises(ValidationFailed) as caught:
        factories.report(loop.citizen.actor, category_code="16")
    assert set(caught.value.field_errors) == {"category_code"}
    assert Event.objects.count() == 0


def test_hotline_and_patrol_reports_need_their_roles(loop):
    for actor in (ANONYMOUS, loop.citizen.actor, loop.dispatcher.actor):
        with pytest.raises(PermissionDenied):
            factories.report(actor, source=Source.HOTLINE, reporter_phone="13800000000")
    with pytest.raises(PermissionDenied):
        factories.report(loop.operator.actor, source=Source.PATROL)
    event, _ = factories.report(loop.operator.actor, source=Source.HOTLINE, reporter_phone="13800000000")
    assert event.reporter_id is None
    assert event.reporter_phone_masked == "138****0000"
    event, _ = factories.report(loop.inspector.actor, source=Source.PATROL)
    assert event.source == Source.PATROL
    anonymous, _ = factories.report(ANONYMOUS)
    assert anonymous.reporter_id is None


def test_the_whole_loop_records_every_step_in_order(loop):
    event, _ = factories.report(loop.citizen.actor)
    event = _walk(loop, event, Status.CLOSED)
    event = services.event_evaluate(event=event, actor=loop.citizen.actor, satisfaction=5, comment="很快")
    assert event.status == Status.EVALUATED
    assert event.satisfaction == 5
    actions = list(EventStep.objects.filter(event=event).values_list("action", flat=True))
    assert actions == ["report", "register", "classify", "dispatch", "handle", "verify", "close", "evaluate"]
    acts = list(
        Entry.objects.filter(subject_id=str(event.pk), subject_type="cityevents.event")
        .values_list("act", flat=True)
        .order_by("index")
    )
    assert acts == [
        "cityevents.event.reported",
        "cityevents.event.registered",
        "cityevents.event.classified",
        "cityevents.event.dispatched",
        "cityevents.event.handled",
        "cityevents.event.verified",
        "cityevents.event.closed",
        "cityevents.event.evaluated",
    ]
    assert all(step.ledger_index is not None for step in EventStep.objects.filter(event=event))
    assert event.responsible_department.code == "ZJJ"


def test_dispatch_sets_the_deadline_in_working_hours(loop):
    event, _ = factories.report(loop.citizen.actor)
    event = _walk(loop, event, Status.REGISTERED)
    event = services.event_classify(event=event, actor=loop.dispatcher.actor, category_code="160101")
    event = services.event_dispatch(event=event, actor=loop.dispatcher.actor, assisting_codes=["CGJ", "ZJJ"])
    assert event.deadline_at is not None
    assert event.dispatched_at is not None
    from zhizheng.cityevents.workflow import add_working_hours

    assert event.deadline_at == add_working_hours(event.dispatched_at, 8)
    assert [d.code for d in event.assisting_departments.all()] == ["CGJ"]


def test_dispatch_needs_a_category_and_an_existing_department(loop):
    event, _ = factories.report(loop.citizen.actor)
    event = services.event_register(event=event, actor=loop.dispatcher.actor)
    with pytest.raises(ValidationFailed) as caught:
        services.event_dispatch(event=event, actor=loop.dispatcher.actor)
    assert set(caught.value.field_errors) == {"category_code"}
    event = services.event_classify(event=event, actor=loop.dispatcher.actor, category_code="160101")
    with pytest.raises(NotFound):
        services.event_dispatch(event=event, actor=loop.dispatcher.actor, department_code="NOPE")
    assert Event.objects.get(pk=event.pk).status == Status.REGISTERED


def test_override_of_the_suggestion_is_kept_as_training_data(loop):
    event, _ = factories.report(loop.citizen.actor)  # suggested 城乡建设
    services.event_classify(event=event, actor=loop.dispatcher.actor, category_code="050101")
    override = ClassificationOverride.objects.get(event=event)
    assert (override.suggested_category, override.chosen_category) == ("城乡建设", "环境保护")
    assert override.text == event.description
    assert override.chosen_leaf.code == "050101"
    services.event_classify(event=event, actor=loop.dispatcher.actor, category_code="160101")
    assert ClassificationOverride.objects.filter(event=event).count() == 2  # 城市管理 differs from 城乡建设 too


def test_a_category_chosen_at_intake_against_the_suggestion_is_kept_too(loop):
    event, _ = factories.report(loop.operator.actor, source=Source.HOTLINE, category_code="050101")
    override = ClassificationOverride.objects.get(event=event)
    assert (override.suggested_category, override.chosen_category, override.actor_ref) == (
        "城乡建设",
        "环境保护",
        loop.operator.actor.ref,
    )
    city_case, _ = factories.report(loop.operator.actor, source=Source.HOTLINE, category_code="160101")
    assert city_case.suggested_category == "城乡建设"
    assert ClassificationOverride.objects.filter(event=city_case).count() == 1  # 城市管理 differs from 城乡建设


def test_transfer_needs_a_reason_and_restarts_the_clock(loop):
    event, _ = factories.report(loop.citizen.actor)
    event = _walk(loop, event, Status.DISPATCHED)
    with pytest.raises(ValidationFailed) as caught:
        services.event_transfer(event=event, actor=loop.handler.actor, department_code="CGJ", reason=" ")
    assert set(caught.value.field_errors) == {"reason"}
    with pytest.raises(ValidationFailed):
        services.event_transfer(event=event, actor=loop.handler.actor, department_code="ZJJ", reason="不归我们")
    moved = services.event_transfer(event=event, actor=loop.handler.actor, department_code="CGJ", reason="属城管")
    assert moved.responsible_department.code == "CGJ"
    assert moved.status == Status.DISPATCHED
    assert moved.dispatched_at > event.dispatched_at
    step = EventStep.objects.get(event=event, action=Action.TRANSFER)
    assert (step.department_code, step.note) == ("CGJ", "属城管")
    # The former handler no longer handles it.
    with pytest.raises(NotFound):
        services.event_handle(event=moved, actor=loop.handler.actor, result="x")


def test_rework_sends_it_back_and_reopen_needs_a_reason(loop):
    event, _ = factories.report(loop.citizen.actor)
    event = _walk(loop, event, Status.HANDLED)
    with pytest.raises(ValidationFailed):
        services.event_verify(event=event, actor=loop.inspector.actor, passed=False, note="")
    event = services.event_verify(event=event, actor=loop.inspector.actor, passed=False, note="井盖仍松动")
    assert event.status == Status.DISPATCHED
    event = _walk(loop, event, Status.CLOSED)
    with pytest.raises(ValidationFailed):
        services.event_reopen(event=event, actor=loop.dispatcher.actor, reason="")
    event = services.event_reopen(event=event, actor=loop.dispatcher.actor, reason="群众反映又丢了")
    assert (event.status, event.reopen_count, event.closed_at) == (Status.REGISTERED, 1, None)


def test_reject_and_illegal_moves_answer_409_naming_the_state(loop):
    event, _ = factories.report(loop.citizen.actor)
    event = services.event_reject(event=event, actor=loop.dispatcher.actor, reason="重复反映")
    assert (event.status, event.status_notes) == (Status.REJECTED, "重复反映")
    with pytest.raises(InvalidTransition) as caught:
        services.event_dispatch(event=event, actor=loop.dispatcher.actor)
    assert caught.value.detail_en == "“Dispatched” is not allowed while the event is “Not registered”."
    assert Event.objects.get(pk=event.pk).status == Status.REJECTED


def test_evaluate_checks_the_rating(loop):
    event, _ = factories.report(loop.citizen.actor)
    event = _walk(loop, event, Status.CLOSED)
    for bad in (0, 6, True, "5"):
        with pytest.raises(ValidationFailed):
            services.event_evaluate(event=event, actor=loop.citizen.actor, satisfaction=bad)
    assert Event.objects.get(pk=event.pk).satisfaction is None


def test_joint_handling_assisting_departments_add_notes(loop):
    event, _ = factories.report(loop.citizen.actor)
    event = _walk(loop, event, Status.REGISTERED)
    event = services.event_classify(event=event, actor=loop.dispatcher.actor, category_code="160101")
    event = services.event_dispatch(event=event, actor=loop.dispatcher.actor, assisting_codes=["JYJ"])
    step = services.event_note_add(event=event, actor=loop.other_staff.actor, note="已通知学校配合")
    assert (step.department_code, step.action) == ("JYJ", Action.NOTE)
    with pytest.raises(PermissionDenied):  # assisting staff may note, not handle
        services.event_handle(event=event, actor=loop.other_staff.actor, result="x")


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", NotFound),
        ("citizen", NotFound),
        ("other_staff", NotFound),
        ("operator", PermissionDenied),
        ("inspector", PermissionDenied),
        ("handler", None),
    ],
)
def test_authorisation_matrix_for_handling(loop, who, expected):
    event, _ = factories.report(ANONYMOUS)
    event = _walk(loop, event, Status.DISPATCHED)
    actor = ANONYMOUS if who == "anonymous" else getattr(loop, who).actor
    if expected is None:
        assert services.event_handle(event=event, actor=actor, result="已处理").status == Status.HANDLED
        return
    with pytest.raises(expected):
        services.event_handle(event=event, actor=actor, result="已处理")
    unchanged = Event.objects.get(pk=event.pk)
    assert unchanged.status == Status.DISPATCHED
    assert unchanged.handled_at is None
    assert not EventStep.objects.filter(event=event, action=Action.HANDLE).exists()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", False),
        ("citizen", False),
        ("other_staff", False),
        ("handler", False),
        ("operator", False),
        ("dispatcher", True),
    ],
)
def test_authorisation_matrix_for_dispatching_acts(loop, who, allowed):
    event, _ = factories.report(ANONYMOUS)
    actor = ANONYMOUS if who == "anonymous" else getattr(loop, who).actor
    if allowed:
        assert services.event_register(event=event, actor=actor).status == Status.REGISTERED
        return
    with pytest.raises((PermissionDenied, NotFound)):
        services.event_register(event=event, actor=actor)
    with pytest.raises((PermissionDenied, NotFound)):
        services.event_reject(event=event, actor=actor, reason="x")
    assert Event.objects.get(pk=event.pk).status == Status.COLLECTED
    assert EventStep.objects.filter(event=event).count() == 1


def test_escalation_job_escalates_overdue_events_once_per_working_day(loop):
    from zhizheng.cityevents.tasks import escalate_overdue

    event, _ = factories.report(loop.citizen.actor)
    event = _walk(loop, event, Status.DISPATCHED)
    on_time, _ = factories.report(loop.citizen.actor)
    on_time = _walk(loop, on_time, Status.DISPATCHED)
    Event.objects.filter(pk=event.pk).update(deadline_at=timezone.now() - dt.timedelta(minutes=30))
    assert escalate_overdue.apply().get() == [event.number]
    assert escalate_overdue.apply().get() == []  # once per working day
    escalated = Event.objects.get(pk=event.pk)
    assert escalated.escalation_level == 1
    step = EventStep.objects.get(event=event, action=Action.ESCALATE)
    assert step.actor_ref == "system"
    assert step.department_code == "ZJJ"
    entry = Entry.objects.get(index=step.ledger_index)
    assert entry.act == "cityevents.event.escalated"
    assert entry.payload["level"] == 1
    assert Event.objects.get(pk=on_time.pk).escalation_level == 0
    later = Event.objects.get(pk=on_time.pk).deadline_at + dt.timedelta(days=3)  # both late by then
    assert sorted(e.pk for e in services.events_escalate_overdue(actor=SYSTEM, now=later)) == [event.pk, on_time.pk]
    assert Event.objects.get(pk=event.pk).escalation_level == 2
    assert Event.objects.get(pk=on_time.pk).escalation_level == 1
    with pytest.raises(PermissionDenied):
        services.events_escalate_overdue(actor=loop.dispatcher.actor)
