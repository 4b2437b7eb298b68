"""Duplicates (part 5): candidates by text, distance and time window; merging; every reporter hears the outcome."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zhizheng.cityevents import selectors, services
from zhizheng.cityevents.choices import Action, Status
from zhizheng.cityevents.errors import InvalidTransition
from zhizheng.cityevents.models import Event, EventStep
from zhizheng.cityevents.tests import factories
from zhizheng.core.actor import ANONYMOUS
from zhizheng.core.errors import NotFound, PermissionDenied, ValidationFailed
from zhizheng.ledger.models import Entry

pytestmark = pytest.mark.django_db

TEXT = "人民路12号井盖缺失，晚上很危险"


def _at(event: Event, **fields) -> Event:
    Event.objects.filter(pk=event.pk).update(**fields)
    return Event.objects.get(pk=event.pk)


def test_candidates_are_near_recent_open_and_similar(loop):
    near, _ = factories.report(ANONYMOUS, description=TEXT, longitude="116.400000", latitude="39.900000")
    far, _ = factories.report(ANONYMOUS, description=TEXT, longitude="116.450000", latitude="39.900000")  # ~4.3 km
    old, _ = factories.report(ANONYMOUS, description=TEXT, longitude="116.400100", latitude="39.900100")
    _at(old, reported_at=timezone.now() - dt.timedelta(days=20))
    other, _ = factories.report(ANONYMOUS, description="学校门口交通拥堵", longitude="116.4", latitude="39.9")
    hidden, _ = factories.report(ANONYMOUS, description=TEXT, longitude="116.4001", latitude="39.9001", is_public=False)
    found = selectors.duplicate_candidates(text="人民路井盖缺失了", longitude=116.4002, latitude=39.9002)
    assert [d.event.pk for d in found] == [near.pk]
    assert found[0].distance_m == 28
    staff = selectors.duplicate_candidates(
        actor=loop.dispatcher.actor, text="人民路井盖缺失了", longitude=116.4002, latitude=39.9002
    )
    assert sorted(d.event.pk for d in staff) == sorted([near.pk, hidden.pk])
    without_point = selectors.duplicate_candidates(text=TEXT, longitude=None, latitude=None)
    assert sorted(d.event.pk for d in without_point) == sorted([near.pk, far.pk])
    assert other.pk not in [d.event.pk for d in without_point]


def test_merge_and_the_reporter_hears_the_outcome(client, loop):
    parent, _ = factories.report(ANONYMOUS, description=TEXT)
    child, child_token = factories.report(ANONYMOUS, description=TEXT)
    child = services.event_merge(event=child, actor=loop.dispatcher.actor, into=parent)
    assert (child.status, child.parent_id) == (Status.MERGED, parent.pk)
    assert Entry.objects.filter(act="cityevents.event.merged", subject_id=str(child.pk)).count() == 1
    assert EventStep.objects.filter(event=parent, action=Action.NOTE).count() == 1
    dispatcher = loop.dispatcher.actor
    parent = services.event_register(event=parent, actor=dispatcher)
    parent = services.event_classify(event=parent, actor=dispatcher, category_code="160101")
    parent = services.event_dispatch(event=parent, actor=dispatcher)
    parent = services.event_handle(event=parent, actor=loop.handler.actor, result="已补装井盖")
    parent = services.event_verify(event=parent, actor=loop.inspector.actor, passed=True)
    services.event_close(event=parent, actor=dispatcher, note="井盖已补装")
    page = client.get(f"/events/track/{child_token}/").content.decode()
    assert parent.number in page
    assert "井盖已补装" in page
    request = client.get(f"/open311/v2/requests/{child.number}.json").json()[0]
    assert (request["status"], request["status_notes"]) == ("closed", "井盖已补装")


def test_merge_errors_and_authorisation(loop):
    parent, _ = factories.report(ANONYMOUS, description=TEXT)
    child, _ = factories.report(ANONYMOUS, description=TEXT)
    for actor, error in (
        (loop.citizen.actor, NotFound),
        (loop.handler.actor, NotFound),
        (loop.operator.actor, PermissionDenied),
    ):
        with pytest.raises(error):
            services.event_merge(event=child, actor=actor, into=parent)
    with pytest.raises(ValidationFailed):
        services.event_merge(event=child, actor=loop.dispatcher.actor, into=child)
    services.event_reject(event=parent, actor=loop.dispatcher.actor, reason="无效")
    with pytest.raises(ValidationFailed):
        services.event_merge(event=child, actor=loop.dispatcher.actor, into=parent)
    assert Event.objects.get(pk=child.pk).status == Status.COLLECTED
    third, _ = factories.report(ANONYMOUS, description=TEXT)
    merged = services.event_merge(event=child, actor=loop.dispatcher.actor, into=third)
    with pytest.raises(InvalidTransition):
        services.event_merge(event=merged, actor=loop.dispatcher.actor, into=third)


def test_case_page_offers_the_merge(client, loop):
    parent, _ = factories.report(ANONYMOUS, description=TEXT)
    child, _ = factories.report(ANONYMOUS, description=TEXT)
    client.force_login(loop.dispatcher.user)
    page = client.get(f"/events/{child.pk}/").content.decode()
    assert f'value="{parent.pk}"' in page
    response = client.post(f"/events/{child.pk}/act/merge/", {"into": str(parent.pk)}, HTTP_HX_REQUEST="true")
    assert response["X-Zhizheng-Status"] == "200"
    assert Event.objects.get(pk=child.pk).parent_id == parent.pk
    hints = client.get("/events/report/suggest/", {"description": TEXT}).content.decode()
    assert parent.number in hints
