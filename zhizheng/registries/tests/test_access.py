"""The access log: every read of personal data, granted or refused, with purpose and fields; auditors browse it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zhizheng.core.actor import Actor, ActorKind
from zhizheng.core.errors import NotFound, PermissionDenied
from zhizheng.registries import selectors, services
from zhizheng.registries.access import DisclosureNotAllowed, PurposeNotAllowed, PurposeRequired
from zhizheng.registries.models import RegistryAccess
from zhizheng.registries.selectors import FULL_FIELDS, MASKED_FIELDS, AccessFilter
from zhizheng.registries.tests import factories

pytestmark = pytest.mark.django_db

POLICE = Actor(kind=ActorKind.USER, user_id=701, roles=frozenset({("GAJ", "caseworker")}))
DATA_OFFICER = Actor(kind=ActorKind.USER, user_id=702, roles=frozenset({("SJJ", "data_officer")}))
AUDITOR = Actor(kind=ActorKind.USER, user_id=703, roles=frozenset({("SZFB", "auditor")}))
CITIZEN = Actor(kind=ActorKind.USER, user_id=704, user_kind="citizen")
SHARING_CLIENT = Actor(kind=ActorKind.API_CLIENT, client_id=9, scopes=frozenset({"registries.share"}))


def _row() -> tuple[object, ...]:
    log = RegistryAccess.objects.get()
    return (log.actor_ref, log.purpose, log.subject_id, tuple(log.fields), log.unmasked, log.outcome, log.via)


def test_a_masked_read_is_logged_with_its_fields() -> None:
    person = factories.resident()

    selectors.resident_get(actor=DATA_OFFICER, purpose="statistics", id_number=person.id_number)

    assert _row() == ("user:702", "statistics", person.pk, tuple(sorted(MASKED_FIELDS)), False, "granted", "get")


@pytest.mark.parametrize("purpose", [None, "", "curiosity"], ids=["none", "empty", "unknown"])
def test_a_read_without_a_valid_purpose_is_denied_and_logged(purpose: str | None) -> None:
    person = factories.resident()

    with pytest.raises(PurposeRequired) as caught:
        selectors.resident_get(actor=DATA_OFFICER, purpose=purpose, id_number=person.id_number)

    assert caught.value.status == 403
    assert "service_handling" in caught.value.detail_en
    assert _row() == ("user:702", purpose or "", person.pk, tuple(sorted(MASKED_FIELDS)), False, "denied", "get")


def test_a_read_for_a_purpose_the_roles_do_not_fit_is_denied_and_logged() -> None:
    person = factories.resident()

    with pytest.raises(PurposeNotAllowed, match="Law enforcement"):
        selectors.resident_get(actor=DATA_OFFICER, purpose="law_enforcement", id_number=person.id_number)

    assert _row()[5] == "denied"


def test_someone_without_any_reading_right_finds_nothing_and_is_logged() -> None:
    person = factories.resident()

    with pytest.raises(NotFound):
        selectors.resident_get(actor=CITIZEN, purpose="service_handling", id_number=person.id_number)
    with pytest.raises(PermissionDenied):
        selectors.resident_list(actor=CITIZEN, purpose="statistics")

    assert list(RegistryAccess.objects.order_by("id").values_list("actor_ref", "outcome", "via")) == [
        ("user:704", "denied", "get"),
        ("user:704", "denied", "list"),
    ]


def test_a_list_logs_each_person_returned_and_a_count_logs_nobody(django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    people = [factories.resident() for _index in range(5)]

    with django_assert_max_num_queries(4):
        count, rows = selectors.resident_list(actor=DATA_OFFICER, purpose="statistics", limit=3)
    selectors.resident_list(actor=DATA_OFFICER, purpose="statistics", limit=0)

    assert (count, len(rows)) == (5, 3)
    logged = set(RegistryAccess.objects.values_list("subject_id", flat=True))
    assert logged == {p.pk for p in sorted(people, key=lambda p: p.id_number)[:3]}


def test_police_unmask_for_law_enforcement_and_the_unmasking_is_logged() -> None:
    person = factories.resident(name="陈小静")

    view = services.resident_disclose(actor=POLICE, purpose="law_enforcement", id_number=person.id_number)

    assert (view.masked, view.name) == (False, "陈小静")
    assert _row() == ("user:701", "law_enforcement", person.pk, tuple(sorted(FULL_FIELDS)), True, "granted", "disclose")


def test_sharing_reads_masked_but_never_unmasks() -> None:
    person = factories.resident(name="陈小静")

    assert selectors.resident_get(actor=SHARING_CLIENT, purpose="data_sharing", id_number=person.id_number).masked
    with pytest.raises(DisclosureNotAllowed):
        services.resident_disclose(actor=SHARING_CLIENT, purpose="data_sharing", id_number=person.id_number)

    assert list(RegistryAccess.objects.order_by("id").values_list("outcome", "unmasked")) == [
        ("granted", False),
        ("denied", True),
    ]


def test_auditors_filter_the_log_and_others_may_not() -> None:
    first, second = factories.resident(), factories.resident()
    selectors.resident_get(actor=DATA_OFFICER, purpose="statistics", id_number=first.id_number)
    services.resident_disclose(actor=POLICE, purpose="law_enforcement", id_number=second.id_number)
    with pytest.raises(PurposeRequired):
        selectors.resident_get(actor=DATA_OFFICER, purpose=None, id_number=second.id_number)
    today = timezone.localdate()

    def count(**filters: object) -> int:
        return selectors.access_log_list(actor=AUDITOR, filters=AccessFilter(**filters))[0]  # type: ignore[arg-type]

    assert count() == 3
    assert count(actor_ref="user:702") == 2
    assert count(record=second.id_number) == 2
    assert count(record=str(first.pk)) == 1
    assert count(record="990103199001010000") == 0
    assert count(purpose="law_enforcement") == 1
    assert count(outcome="denied") == 1
    assert count(since=today, until=today) == 3
    assert count(until=today - dt.timedelta(days=1)) == 0
    for actor in (POLICE, DATA_OFFICER, CITIZEN):
        with pytest.raises(PermissionDenied):
            selectors.access_log_list(actor=actor, filters=AccessFilter())
    assert len(list(selectors.access_log_export(actor=AUDITOR, filters=AccessFilter(outcome="granted")))) == 2
