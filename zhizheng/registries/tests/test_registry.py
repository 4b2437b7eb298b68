"""Reading the registries masked, disclosing in full for a purpose (logged), and loading records."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from zhizheng.core.actor import SYSTEM, Actor, ActorKind
from zhizheng.core.errors import NotFound, PermissionDenied
from zhizheng.core.validators import id_number_make, uscc_make
from zhizheng.registries import selectors, services
from zhizheng.registries.choices import Purpose
from zhizheng.registries.models import LegalPerson, RegistryAccess, Resident
from zhizheng.registries.tests import factories

pytestmark = pytest.mark.django_db

CASEWORKER = Actor(kind=ActorKind.USER, user_id=501, roles=frozenset({("SCJGJ", "caseworker")}))
AUDITOR = Actor(kind=ActorKind.USER, user_id=502, roles=frozenset({("SZFB", "auditor")}))
DATA_OFFICER = Actor(kind=ActorKind.USER, user_id=503, roles=frozenset({("SJJ", "data_officer")}))
CITIZEN = Actor(kind=ActorKind.USER, user_id=504, user_kind="citizen")
CLIENT = Actor(kind=ActorKind.API_CLIENT, client_id=7, scopes=frozenset({"registries.read"}))


def test_staff_read_masked_records() -> None:
    person = factories.resident(name="陈小静", born=dt.date(1985, 6, 1))

    view = selectors.resident_get(actor=DATA_OFFICER, purpose=Purpose.STATISTICS, id_number=person.id_number)

    assert view.masked is True
    assert view.name == "陈**"
    assert view.id_number == person.id_number[:6] + "********" + person.id_number[-4:]
    assert view.birth_on is None
    assert view.birth_year == 1985
    assert view.household_address.endswith("****")
    assert "青山路" not in view.household_address


def test_list_is_masked_paged_and_counted() -> None:
    for _index in range(3):
        factories.resident()

    count, rows = selectors.resident_list(actor=CLIENT, purpose=Purpose.STATISTICS, limit=2, offset=0)

    assert count == 3
    assert len(rows) == 2
    assert all(row.masked for row in rows)


@pytest.mark.parametrize("actor", [CITIZEN, Actor(kind=ActorKind.API_CLIENT, client_id=8)], ids=["citizen", "no-scope"])
def test_people_without_access_find_nothing(actor: Actor) -> None:
    person = factories.resident()

    with pytest.raises(NotFound):
        selectors.resident_get(actor=actor, purpose=Purpose.SERVICE_HANDLING, id_number=person.id_number)
    with pytest.raises(NotFound):
        services.resident_disclose(actor=actor, purpose=Purpose.SERVICE_HANDLING, id_number=person.id_number)
    with pytest.raises(PermissionDenied):
        selectors.resident_list(actor=actor, purpose=Purpose.STATISTICS)


def test_caseworker_discloses_for_case_handling_and_the_access_is_logged() -> None:
    person = factories.resident(name="陈小静")

    view = services.resident_disclose(actor=CASEWORKER, purpose=Purpose.SERVICE_HANDLING, id_number=person.id_number)

    assert (view.masked, view.name, view.id_number, view.birth_on) == (
        False,
        "陈小静",
        person.id_number,
        person.birth_on,
    )
    log = RegistryAccess.objects.get()
    assert (log.actor_ref, log.purpose, log.subject_kind, log.subject_id) == (
        "user:501",
        "service_handling",
        "resident",
        person.pk,
    )


@pytest.mark.parametrize(
    ("actor", "purpose"),
    [
        (CASEWORKER, Purpose.STATISTICS),
        (DATA_OFFICER, Purpose.SERVICE_HANDLING),
        (AUDITOR, Purpose.SERVICE_HANDLING),
        (CLIENT, Purpose.SERVICE_HANDLING),
    ],
    ids=["statistics", "data-officer", "auditor-for-cases", "client-without-disclose-scope"],
)
def test_disclosure_without_a_justifying_purpose_is_refused_and_logged_as_denied(
    actor: Actor, purpose: Purpose
) -> None:
    person = factories.resident()

    with pytest.raises(PermissionDenied):
        services.resident_disclose(actor=actor, purpose=purpose, id_number=person.id_number)

    log = RegistryAccess.objects.get()
    assert (log.actor_ref, log.purpose, log.subject_id, log.outcome, log.unmasked, log.via) == (
        actor.ref,
        purpose.value,
        person.pk,
        "denied",
        True,
        "disclose",
    )


def test_auditor_discloses_for_an_audit() -> None:
    person = factories.resident()

    assert services.resident_disclose(actor=AUDITOR, purpose=Purpose.AUDIT, id_number=person.id_number).masked is False


def test_legal_person_shows_public_facts_and_a_masked_representative() -> None:
    company = factories.legal_person(representative=factories.resident(name="陈小静"))

    view = selectors.legal_person_get(actor=CLIENT, purpose=Purpose.PUBLIC_DISCLOSURE, uscc=company.uscc.lower())

    assert (view.uscc, view.name, view.legal_representative) == (company.uscc, "示范市青山科技有限公司", "陈**")
    assert view.registered_capital_fen == 100_000_000


def _record(**changes: object) -> services.ResidentRecord:
    born = dt.date(1979, 12, 30)
    record = services.ResidentRecord(
        id_number=id_number_make("990104", born, 123),
        name="赵磊",
        sex="male",
        birth_on=born,
        household_address="示范市南湖区湖滨路1号",
        district_code="990104",
    )
    return dataclasses.replace(record, **changes)


def test_import_adds_new_residents_once() -> None:
    records = [_record(), _record()]

    assert services.residents_import(actor=SYSTEM, records=records) == 1
    assert services.residents_import(actor=SYSTEM, records=records) == 0
    assert Resident.objects.get().name == "赵磊"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"sex": "female"}, "sex differs"),
        ({"birth_on": dt.date(1979, 12, 31)}, "birth date differs"),
        ({"district_code": "123456"}, "unknown district"),
        ({"id_number": "990104197912301230"}, "check character"),
    ],
)
def test_one_bad_record_rejects_the_whole_import(changes: dict[str, object], reason: str) -> None:
    good = _record(id_number=id_number_make("990104", dt.date(1979, 12, 30), 125))

    with pytest.raises(services.RecordInvalid) as caught:
        services.residents_import(actor=SYSTEM, records=[good, _record(**changes)])

    assert reason in caught.value.detail_en
    assert Resident.objects.count() == 0


def test_legal_persons_need_a_registered_representative() -> None:
    record = services.LegalPersonRecord(
        uscc=uscc_make("9", "1", "990104", "MA000777"),
        name="示范市南湖餐饮有限公司",
        type="limited_company",
        representative_id_number=_record().id_number,
        registered_capital_fen=5_000_000,
        business_scope="餐饮服务",
        address="示范市南湖区湖滨路2号",
        district_code="990104",
        established_on=dt.date(2021, 1, 5),
    )

    with pytest.raises(services.RecordInvalid, match="not in the population registry"):
        services.legal_persons_import(actor=SYSTEM, records=[record])
    services.residents_import(actor=SYSTEM, records=[_record()])

    assert services.legal_persons_import(actor=SYSTEM, records=[record, record]) == 1
    assert services.legal_persons_import(actor=SYSTEM, records=[record]) == 0
    assert LegalPerson.objects.get().legal_representative.name == "赵磊"


def test_only_the_system_loads_records() -> None:
    with pytest.raises(PermissionDenied):
        services.residents_import(actor=CASEWORKER, records=[_record()])

    assert Resident.objects.count() == 0


@pytest.mark.parametrize(
    "page", ["admin:registries_resident_changelist", "admin:registries_legalperson_changelist"], ids=["resident", "lp"]
)
def test_admin_lists_show_personal_data_masked(client, page: str) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    from zhizheng.accounts.tests import factories as account_factories

    person = factories.resident(name="陈小静")
    factories.legal_person(representative=person)
    client.force_login(account_factories.staff(is_superuser=True, is_staff=True))

    html = client.get(reverse(page)).content.decode()

    assert person.id_number not in html
    assert "陈小静" not in html
    assert "陈**" in html


def test_registration_is_recorded_in_the_ledger_without_personal_data_in_clear() -> None:
    from zhizheng.ledger.models import Entry

    services.residents_import(actor=SYSTEM, records=[_record()])

    resident = Resident.objects.get()
    entry = Entry.objects.get()
    assert (entry.act, entry.subject_type, entry.subject_id) == (
        "registries.resident.registered",
        "registries.resident",
        str(resident.pk),
    )
    assert entry.payload["id_number"] == resident.id_number  # the private payload keeps the facts
    public = bytes(entry.leaf).decode()
    assert resident.id_number not in public
    assert "赵磊" not in public
    assert "990104" in public  # the district is not personal


def test_a_rejected_import_records_nothing_in_the_ledger() -> None:
    from zhizheng.ledger.models import Entry

    with pytest.raises(services.RecordInvalid):
        services.residents_import(actor=SYSTEM, records=[_record(), _record(sex="female", id_number="x")])

    assert Entry.objects.count() == 0


@pytest.mark.parametrize(
    "model",
    ["resident", "legalperson", "registryaccess", "recordchange", "household", "spatialunit", "economicindicator"],
)
def test_admin_is_read_only_for_registry_records(client, model: str) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    from zhizheng.accounts.tests import factories as account_factories

    client.force_login(account_factories.staff(is_superuser=True, is_staff=True))

    listing = client.get(reverse(f"admin:registries_{model}_changelist"))
    adding = client.get(reverse(f"admin:registries_{model}_add"))

    assert (listing.status_code, adding.status_code) == (200, 403)
