"""The supervision job (电子监察) on pinned dates around the 2026 Mid-Autumn and National Day holidays: yellow at
80 % of the promised working days, red past the promised deadline, statutory past the statutory one, raised once
per application and level, to the handler and the department heads, and recorded in the ledger."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command

from zhizheng.accounts.models import Notification, NotificationDelivery
from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.core.actor import SYSTEM
from zhizheng.core.errors import PermissionDenied
from zhizheng.govservices.models import ApplicationEvent, SupervisionWarning
from zhizheng.govservices.services import supervision
from zhizheng.govservices.tests import factories
from zhizheng.ledger.models import Entry

ITEM = "SFS-0005"  # 食品经营许可证核发（新办）: 市场监管局 (SCJGJ), promised 5, statutory 10 working days
SUBMITTED = dt.date(2026, 9, 29)  # Tuesday before National Day (1-7 October); Saturday 10 October is a 调休 workday
# Promised: 30 Sep (1), 8 Oct (2), 9 Oct (3), Sat 10 Oct (4), 12 Oct (5) -> deadline Monday 12 October.
# Statutory: … 13, 14, 15, 16, 19 Oct (10) -> Monday 19 October.


def levels(**filters: Any) -> list[tuple[str, str]]:
    rows = SupervisionWarning.objects.filter(**filters).order_by("application_id", "level")
    return list(rows.values_list("application__receipt_number", "level"))


@pytest.fixture
def case(catalogue: Any):
    return factories.application(item=ITEM, status="accepted", submitted_on=SUBMITTED)


def test_the_deadlines_count_working_days_across_the_holidays(case) -> None:
    clock = supervision.application_clock(case, today=dt.date(2026, 10, 9))
    assert clock is not None
    assert case.deadline_on == dt.date(2026, 10, 12)
    assert (clock.deadline_on, clock.statutory_deadline_on) == (dt.date(2026, 10, 12), dt.date(2026, 10, 19))
    assert (clock.promised_days, clock.used, clock.remaining) == (5, 3, 2)
    assert clock.levels_due == ()


@pytest.mark.parametrize(
    ("today", "expected", "used"),
    [
        (dt.date(2026, 9, 30), (), 1),
        (dt.date(2026, 10, 7), (), 1),  # the holiday does not use the clock
        (dt.date(2026, 10, 9), (), 3),  # 3 of 5 = 60 %
        (dt.date(2026, 10, 10), ("yellow",), 4),  # the 调休 Saturday is a working day: 4 of 5 = 80 %
        (dt.date(2026, 10, 11), ("yellow",), 4),  # Sunday
        (dt.date(2026, 10, 12), ("yellow",), 5),  # the deadline day itself is not overdue
        (dt.date(2026, 10, 13), ("yellow", "red"), 6),
        (dt.date(2026, 10, 19), ("yellow", "red"), 10),
        (dt.date(2026, 10, 20), ("yellow", "red", "statutory"), 11),
    ],
)
def test_levels_due_on_pinned_dates(case, today: dt.date, expected: tuple[str, ...], used: int) -> None:
    clock = supervision.application_clock(case, today=today)
    assert clock is not None
    assert clock.levels_due == expected
    assert clock.used == used


def test_the_job_raises_yellow_then_red_then_statutory_once_each(case) -> None:
    assert supervision.supervision_warnings_raise(today=dt.date(2026, 10, 9)) == []
    first = supervision.supervision_warnings_raise(today=dt.date(2026, 10, 10))
    assert [(w.level, w.raised_on, w.working_days_used, w.working_days_allowed) for w in first] == [
        ("yellow", dt.date(2026, 10, 10), 4, 5)
    ]
    assert first[0].deadline_on == dt.date(2026, 10, 12)
    assert supervision.supervision_warnings_raise(today=dt.date(2026, 10, 10)) == []  # idempotent
    assert supervision.supervision_warnings_raise(today=dt.date(2026, 10, 12)) == []
    red = supervision.supervision_warnings_raise(today=dt.date(2026, 10, 13))
    assert [(w.level, w.deadline_on, w.working_days_used) for w in red] == [("red", dt.date(2026, 10, 12), 6)]
    statutory = supervision.supervision_warnings_raise(today=dt.date(2026, 10, 20))
    assert [(w.level, w.deadline_on, w.working_days_allowed) for w in statutory] == [
        ("statutory", dt.date(2026, 10, 19), 10)
    ]
    assert supervision.supervision_warnings_raise(today=dt.date(2026, 10, 21)) == []
    assert levels() == [
        (case.receipt_number, "red"),
        (case.receipt_number, "statutory"),
        (case.receipt_number, "yellow"),
    ]
    acts = list(
        Entry.objects.filter(act="govservices.warning.raised").order_by("index").values_list("payload", flat=True)
    )
    assert [a["level"] for a in acts] == ["yellow", "red", "statutory"]
    assert acts[0]["receipt_number"] == case.receipt_number
    assert all(w.ledger_index is not None for w in SupervisionWarning.objects.all())


def test_a_first_run_after_the_deadline_records_the_thresholds_crossed(case) -> None:
    raised = supervision.supervision_warnings_raise(today=dt.date(2026, 10, 14))
    assert sorted(w.level for w in raised) == ["red", "yellow"]
    assert SupervisionWarning.objects.count() == 2


def test_the_clock_stands_still_while_waiting_for_the_applicant(case) -> None:
    case.status = "supplement_requested"
    case.clock_paused_on = dt.date(2026, 10, 9)
    case.save()
    assert supervision.supervision_warnings_raise(today=dt.date(2026, 10, 20)) == []
    clock = supervision.application_clock(case, today=dt.date(2026, 10, 13))
    assert clock is not None
    # Paused on Friday 9 Oct after 3 of 5 days; the 2 working days since (10, 12, 13 Oct = 3) move the deadline.
    assert (clock.running, clock.deadline_on, clock.used) == (False, dt.date(2026, 10, 15), 3)


def test_resubmitted_applications_count_only_the_days_the_clock_ran(case) -> None:
    # The applicant took 3 working days (10, 12, 13 Oct) to resubmit: the deadline moved to 15 October.
    case.paused_working_days = 3
    case.deadline_on = dt.date(2026, 10, 15)
    case.save()
    assert supervision.supervision_warnings_raise(today=dt.date(2026, 10, 13)) == []
    assert [w.level for w in supervision.supervision_warnings_raise(today=dt.date(2026, 10, 14))] == ["yellow"]
    assert [w.level for w in supervision.supervision_warnings_raise(today=dt.date(2026, 10, 16))] == ["red"]
    # Statutory: 10 + 3 paused working days from 29 September -> 22 October.
    assert supervision.supervision_warnings_raise(today=dt.date(2026, 10, 22)) == []
    assert [w.level for w in supervision.supervision_warnings_raise(today=dt.date(2026, 10, 23))] == ["statutory"]


def test_finished_drafts_and_paused_applications_are_not_warned(catalogue: Any) -> None:
    for status in ("approved", "rejected", "withdrawn", "supplement_requested"):
        factories.application(item=ITEM, status=status, submitted_on=SUBMITTED, clock_paused_on=SUBMITTED)
    factories.application(item=ITEM, status="draft")
    assert supervision.supervision_warnings_raise(today=dt.date(2026, 11, 30)) == []


def test_an_immediate_item_has_no_yellow_but_goes_red(catalogue: Any) -> None:
    immediate = factories.application(item="SFS-0138", status="submitted", submitted_on=SUBMITTED)
    assert immediate.deadline_on == SUBMITTED
    assert supervision.supervision_warnings_raise(today=SUBMITTED) == []
    raised = supervision.supervision_warnings_raise(today=dt.date(2026, 9, 30))
    assert sorted(w.level for w in raised) == ["red", "statutory"]


def test_warnings_go_to_the_handler_and_the_department_heads(case) -> None:
    handler = factories.staff("SCJGJ", "caseworker")
    factories.staff("SCJGJ", "caseworker")  # another caseworker, not on this case
    head = factories.staff("SCJGJ", "department_head")
    factories.staff("GAJ", "department_head")  # another department's head
    ApplicationEvent.objects.create(application=case, action="accepted", status_after="accepted", actor_ref=handler.ref)
    warning = supervision.supervision_warnings_raise(today=dt.date(2026, 10, 10))[0]
    assert warning.recipients == sorted([handler.user_id, head.user_id])
    assert warning.department.code == "SCJGJ"


def test_recipients_are_notified_once_per_application_of_the_highest_level(case) -> None:
    handler = factories.staff("SCJGJ", "caseworker")
    head = factories.staff("SCJGJ", "department_head")
    ApplicationEvent.objects.create(application=case, action="accepted", status_after="accepted", actor_ref=handler.ref)
    raised = supervision.supervision_warnings_raise(today=dt.date(2026, 10, 14))  # yellow and red at once
    assert sorted(w.level for w in raised) == ["red", "yellow"]
    assert all(w.notified_at is not None for w in SupervisionWarning.objects.all())
    notes = list(Notification.objects.order_by("recipient_id"))
    assert [n.recipient_id for n in notes] == sorted([handler.user_id, head.user_id])
    note = notes[0]
    assert note.kind == "govservices.supervision_warning"
    assert note.title == f"红牌：超过承诺时限：食品经营许可证核发（新办），办件 {case.receipt_number}"
    assert note.body == "承诺办结日期 2026-10-12，已用 7/5 个工作日。承办部门：示范市市场监督管理局。"
    assert note.link == f"/services/queue/{case.receipt_number}/"
    channels = sorted(NotificationDelivery.objects.filter(notification=note).values_list("channel", flat=True))
    assert channels == ["email", "sms"]
    supervision.supervision_warnings_raise(today=dt.date(2026, 10, 14))
    assert Notification.objects.count() == 2
    supervision.supervision_warnings_raise(today=dt.date(2026, 10, 20))  # statutory
    assert Notification.objects.count() == 4


def test_a_yellow_warning_is_not_sent_by_sms(case) -> None:
    factories.staff("SCJGJ", "department_head")
    supervision.supervision_warnings_raise(today=dt.date(2026, 10, 10))
    note = Notification.objects.get()
    assert note.title.startswith("黄牌")
    assert list(NotificationDelivery.objects.values_list("channel", flat=True)) == ["email"]


def test_before_anyone_took_the_case_on_the_caseworkers_are_told(catalogue: Any) -> None:
    submitted = factories.application(item=ITEM, status="submitted", submitted_on=SUBMITTED)
    one = factories.staff("SCJGJ", "caseworker")
    two = factories.staff("SCJGJ", "caseworker")
    factories.staff("SCJGJ", "section_chief")
    warning = supervision.supervision_warnings_raise(today=dt.date(2026, 10, 10))[0]
    assert warning.application == submitted
    assert warning.recipients == sorted([one.user_id, two.user_id])


def test_only_the_system_raises_warnings(case) -> None:
    auditor = factories.staff("SCJGJ", "auditor")
    with pytest.raises(PermissionDenied):
        supervision.supervision_warnings_raise(actor=auditor, today=dt.date(2026, 10, 13))
    citizen = factories.staff("SCJGJ", "caseworker", user=accounts_factories.citizen())
    with pytest.raises(PermissionDenied):
        supervision.supervision_warnings_raise(actor=citizen, today=dt.date(2026, 10, 13))
    assert SupervisionWarning.objects.count() == 0


def test_the_job_reads_a_bounded_number_of_queries(case, django_assert_max_num_queries) -> None:
    for _ in range(20):
        factories.application(item=ITEM, status="accepted", submitted_on=SUBMITTED)
    with django_assert_max_num_queries(20):
        raised = supervision.supervision_warnings_raise(actor=SYSTEM, today=dt.date(2026, 10, 13))
    assert len(raised) == 42


def test_the_management_command_runs_the_job_for_a_date(case, capsys) -> None:
    call_command("supervision_warnings", "--date", "2026-10-13")
    assert "2" in capsys.readouterr().out
    assert sorted(levels()) == [(case.receipt_number, "red"), (case.receipt_number, "yellow")]
    call_command("supervision_warnings", "--date", "2026-10-13")
    assert SupervisionWarning.objects.count() == 2
