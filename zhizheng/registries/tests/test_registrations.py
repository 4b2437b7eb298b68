"""Births, marriages, deaths, household moves and legal-person registrations: rules, errors, history, ledger."""

from __future__ import annotations

import datetime as dt

import pytest

from zhizheng.core.actor import Actor, ActorKind
from zhizheng.core.errors import NotFound, PermissionDenied
from zhizheng.core.masking import mask_name
from zhizheng.core.validators import check_id_number
from zhizheng.ledger.models import Entry
from zhizheng.registries import registrations
from zhizheng.registries.models import Household, LegalPerson, RecordChange, Resident
from zhizheng.registries.registrations import RecordStateConflict, RegistrationInvalid
from zhizheng.registries.tests import factories

pytestmark = pytest.mark.django_db

POLICE = Actor(kind=ActorKind.USER, user_id=601, roles=frozenset({("GAJ", "caseworker")}))
CIVIL = Actor(kind=ActorKind.USER, user_id=602, roles=frozenset({("MZJ", "caseworker")}))
MARKET = Actor(kind=ActorKind.USER, user_id=603, roles=frozenset({("SCJGJ", "caseworker")}))
LEADER = Actor(kind=ActorKind.USER, user_id=604, roles=frozenset({("GAJ", "leader")}))


def _household(number: str = "990103000001") -> Household:
    return Household.objects.create(number=number, address="示范市西城区青山路8号3单元501室", district_code="990103")


def _head(**fields: object) -> Resident:
    person = factories.resident(**fields)  # type: ignore[arg-type]
    person.household = _household()
    person.relation_to_head = "head"
    person.save()
    return person


# --- births --------------------------------------------------------------------------------------------------------


def test_birth_adds_a_child_with_a_valid_id_number_in_the_parents_household() -> None:
    mother = _head(name="陈静", born=dt.date(1990, 3, 1))

    child = registrations.birth_register(
        actor=POLICE, name="陈小雨", sex="female", birth_on=dt.date(2026, 1, 15), parent_id_number=mother.id_number
    )

    check = check_id_number(child.id_number)
    assert check.valid
    assert (child.id_number[:6], check.birth_date, check.sex) == ("990103", dt.date(2026, 1, 15), "female")
    assert (child.household_id, child.relation_to_head, child.ethnicity) == (mother.household_id, "child", "汉族")
    entry = Entry.objects.get()
    assert (entry.act, entry.subject_id) == ("registries.birth.registered", str(child.pk))
    assert child.id_number not in bytes(entry.leaf).decode()
    assert "陈小雨" not in bytes(entry.leaf).decode()
    change = RecordChange.objects.get(subject_kind="resident", subject_id=child.pk)
    assert (change.service, change.actor_ref, change.ledger_index) == ("birth_register", "user:601", entry.index)
    assert change.changes["name"] == [None, "陈小雨"]


def test_twins_get_different_id_numbers_of_the_right_parity() -> None:
    mother = _head(born=dt.date(1990, 3, 1))
    kwargs = {"actor": POLICE, "birth_on": dt.date(2026, 1, 15), "parent_id_number": mother.id_number}

    first = registrations.birth_register(name="王一", sex="male", **kwargs)  # type: ignore[arg-type]
    second = registrations.birth_register(name="王二", sex="male", **kwargs)  # type: ignore[arg-type]

    assert first.id_number != second.id_number
    assert int(first.id_number[16]) % 2 == 1
    assert int(second.id_number[16]) % 2 == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": " "}, "name"),
        ({"sex": "other"}, "sex"),
        ({"birth_on": dt.date(2099, 1, 1)}, "birth_on"),
        ({"birth_on": dt.date(1995, 1, 1)}, "parent_id_number"),
    ],
    ids=["no-name", "bad-sex", "future", "parent-too-young"],
)
def test_invalid_birth_registrations_are_422_and_change_nothing(changes: dict[str, object], field: str) -> None:
    mother = _head(born=dt.date(1990, 3, 1))
    kwargs: dict[str, object] = {"name": "陈小雨", "sex": "female", "birth_on": dt.date(2026, 1, 15)} | changes

    with pytest.raises(RegistrationInvalid) as caught:
        registrations.birth_register(actor=POLICE, parent_id_number=mother.id_number, **kwargs)  # type: ignore[arg-type]

    assert caught.value.status == 422
    assert list(caught.value.field_errors) == [field]
    assert (Resident.objects.count(), Entry.objects.count(), RecordChange.objects.count()) == (1, 0, 0)


def test_birth_needs_a_known_parent_with_a_household() -> None:
    loner = factories.resident(born=dt.date(1990, 3, 1))
    kwargs = {"actor": POLICE, "name": "陈小雨", "sex": "female", "birth_on": dt.date(2026, 1, 15)}

    with pytest.raises(NotFound):
        registrations.birth_register(parent_id_number="990103199003010000", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(RecordStateConflict) as caught:
        registrations.birth_register(parent_id_number=loner.id_number, **kwargs)  # type: ignore[arg-type]

    assert caught.value.status == 409
    assert Resident.objects.count() == 1


@pytest.mark.parametrize("actor", [CIVIL, MARKET, LEADER], ids=["civil-affairs", "market", "police-leader"])
def test_only_police_registrars_register_births(actor: Actor) -> None:
    mother = _head(born=dt.date(1990, 3, 1))

    with pytest.raises(PermissionDenied):
        registrations.birth_register(
            actor=actor, name="陈小雨", sex="female", birth_on=dt.date(2026, 1, 15), parent_id_number=mother.id_number
        )

    assert Resident.objects.count() == 1


# --- marriages -----------------------------------------------------------------------------------------------------


def _couple(
    *, his_birth: dt.date = dt.date(1995, 1, 1), her_birth: dt.date = dt.date(1996, 1, 1)
) -> tuple[Resident, Resident]:
    return (
        factories.resident(name="赵磊", male=True, born=his_birth),
        factories.resident(name="钱丽", born=her_birth),
    )


def test_marriage_changes_both_statuses_and_links_the_spouses() -> None:
    him, her = _couple()

    registrations.marriage_register(actor=CIVIL, first_id_number=him.id_number, second_id_number=her.id_number)

    him.refresh_from_db()
    her.refresh_from_db()
    assert (him.marital_status, her.marital_status, him.spouse_id, her.spouse_id) == (
        "married",
        "married",
        her.pk,
        him.pk,
    )
    assert list(Entry.objects.values_list("act", flat=True)) == ["registries.marriage.registered"] * 2
    assert RecordChange.objects.filter(service="marriage_register").count() == 2
    assert RecordChange.objects.get(subject_id=him.pk).changes["marital_status"] == ["unmarried", "married"]


def test_the_legal_marriage_age_is_22_for_men_and_20_for_women() -> None:
    him, her = _couple(his_birth=dt.date(2004, 7, 1), her_birth=dt.date(2006, 7, 1))
    day = dt.date(2026, 6, 30)

    with pytest.raises(RegistrationInvalid, match="legal age") as caught:
        registrations.marriage_register(
            actor=CIVIL, first_id_number=him.id_number, second_id_number=her.id_number, on=day
        )
    assert list(caught.value.field_errors) == ["first_id_number"]

    registrations.marriage_register(
        actor=CIVIL, first_id_number=him.id_number, second_id_number=her.id_number, on=dt.date(2026, 7, 1)
    )
    assert Resident.objects.filter(marital_status="married").count() == 2


def test_a_woman_of_19_cannot_marry() -> None:
    him, her = _couple(her_birth=dt.date(2007, 1, 1))

    with pytest.raises(RegistrationInvalid) as caught:
        registrations.marriage_register(
            actor=CIVIL, first_id_number=him.id_number, second_id_number=her.id_number, on=dt.date(2026, 6, 30)
        )

    assert list(caught.value.field_errors) == ["second_id_number"]


def test_marriage_errors() -> None:
    him, her = _couple()
    other_man = factories.resident(name="孙强", male=True, born=dt.date(1990, 1, 1))
    dead = factories.resident(name="李娟", born=dt.date(1990, 1, 1), status="deceased")

    with pytest.raises(RegistrationInvalid, match="themselves"):
        registrations.marriage_register(actor=CIVIL, first_id_number=him.id_number, second_id_number=him.id_number)
    with pytest.raises(RegistrationInvalid, match="a man and a woman"):
        registrations.marriage_register(
            actor=CIVIL, first_id_number=him.id_number, second_id_number=other_man.id_number
        )
    with pytest.raises(RecordStateConflict, match="deceased"):
        registrations.marriage_register(actor=CIVIL, first_id_number=him.id_number, second_id_number=dead.id_number)
    registrations.marriage_register(actor=CIVIL, first_id_number=him.id_number, second_id_number=her.id_number)
    with pytest.raises(RecordStateConflict, match="already married"):
        registrations.marriage_register(
            actor=CIVIL, first_id_number=other_man.id_number, second_id_number=her.id_number
        )
    with pytest.raises(PermissionDenied):
        registrations.marriage_register(actor=POLICE, first_id_number=him.id_number, second_id_number=her.id_number)

    assert Resident.objects.get(pk=other_man.pk).marital_status == "unmarried"
    assert Entry.objects.count() == 2


# --- deaths and moves ----------------------------------------------------------------------------------------------


def test_death_makes_the_resident_deceased_and_the_spouse_widowed() -> None:
    him, her = _couple()
    registrations.marriage_register(actor=CIVIL, first_id_number=him.id_number, second_id_number=her.id_number)

    registrations.death_register(actor=POLICE, id_number=him.id_number, died_on=dt.date(2026, 3, 1))

    him.refresh_from_db()
    her.refresh_from_db()
    assert (him.status, him.died_on, her.marital_status) == ("deceased", dt.date(2026, 3, 1), "widowed")
    assert RecordChange.objects.filter(service="death_register").count() == 2
    with pytest.raises(RecordStateConflict, match="already recorded as deceased"):
        registrations.death_register(actor=POLICE, id_number=him.id_number, died_on=dt.date(2026, 3, 2))
    with pytest.raises(RegistrationInvalid, match="before the date of birth"):
        registrations.death_register(actor=POLICE, id_number=her.id_number, died_on=dt.date(1990, 1, 1))
    with pytest.raises(RegistrationInvalid, match="future"):
        registrations.death_register(actor=POLICE, id_number=her.id_number, died_on=dt.date(2099, 1, 1))
    assert Resident.objects.get(pk=her.pk).status == "alive"


def test_a_move_into_a_new_household_makes_the_resident_its_head() -> None:
    person = factories.resident(born=dt.date(1990, 1, 1))

    registrations.household_move(
        actor=POLICE, id_number=person.id_number, address="示范市南湖区湖滨路1号2栋301室", district_code="990104"
    )

    person.refresh_from_db()
    assert (person.district_code, person.relation_to_head) == ("990104", "head")
    assert person.household is not None
    assert (person.household.number, person.household.address) == ("990104000001", "示范市南湖区湖滨路1号2栋301室")
    change = RecordChange.objects.get(service="household_move")
    assert change.changes["district_code"] == ["990103", "990104"]
    assert Entry.objects.get().act == "registries.household.moved"


def test_move_errors() -> None:
    head = _head(born=dt.date(1960, 1, 1))
    member = factories.resident(born=dt.date(1990, 1, 1))
    member.household, member.relation_to_head = head.household, "child"
    member.save()
    assert head.household is not None
    kwargs = {"actor": POLICE, "address": "示范市南湖区湖滨路1号2栋301室", "district_code": "990104"}

    with pytest.raises(RecordStateConflict, match="head of a household"):
        registrations.household_move(id_number=head.id_number, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(RegistrationInvalid, match="district"):
        registrations.household_move(id_number=member.id_number, **kwargs | {"district_code": "110101"})  # type: ignore[arg-type]
    with pytest.raises(RegistrationInvalid, match="already registered in this household"):
        registrations.household_move(
            actor=POLICE,
            id_number=member.id_number,
            address=head.household.address,
            district_code="990103",
            household_number=head.household.number,
            relation_to_head="child",
        )
    with pytest.raises(RegistrationInvalid, match="differs"):
        registrations.household_move(
            id_number=member.id_number,
            household_number=head.household.number,
            relation_to_head="child",
            **kwargs,  # type: ignore[arg-type]
        )
    member.status = "deceased"
    member.save()
    with pytest.raises(RecordStateConflict, match="deceased"):
        registrations.household_move(id_number=member.id_number, **kwargs)  # type: ignore[arg-type]

    assert Household.objects.count() == 1
    assert Entry.objects.count() == 0


# --- legal persons -------------------------------------------------------------------------------------------------


def _establish(representative: Resident, **changes: object) -> LegalPerson:
    kwargs: dict[str, object] = {
        "name": "示范市青禾餐饮有限公司",
        "type": "limited_company",
        "representative_id_number": representative.id_number,
        "registered_capital_fen": 50_000_000,
        "business_scope": "餐饮服务",
        "address": "示范市南湖区湖滨路8号",
        "district_code": "990104",
    } | changes
    return registrations.legal_person_establish(actor=MARKET, **kwargs)  # type: ignore[arg-type]


def test_legal_person_lifecycle() -> None:
    from zhizheng.core.validators import check_uscc

    boss = factories.resident(born=dt.date(1980, 1, 1))
    successor = factories.resident(name="周敏", born=dt.date(1985, 1, 1))

    company = _establish(boss)
    assert check_uscc(company.uscc).valid
    assert company.uscc[2:8] == "990104"
    changed = registrations.legal_person_change(
        actor=MARKET, uscc=company.uscc, representative_id_number=successor.id_number, registered_capital_fen=1
    )
    assert (changed.legal_representative_id, changed.registered_capital_fen) == (successor.pk, 1)
    cancelled = registrations.legal_person_cancel(actor=MARKET, uscc=company.uscc, reason="股东决议解散")
    assert cancelled.status == "deregistered"

    assert list(Entry.objects.order_by("index").values_list("act", flat=True)) == [
        "registries.legal_person.established",
        "registries.legal_person.changed",
        "registries.legal_person.deregistered",
    ]
    services = list(RecordChange.objects.order_by("id").values_list("service", flat=True))
    assert services == ["legal_person_establish", "legal_person_change", "legal_person_cancel"]
    assert RecordChange.objects.get(service="legal_person_change").changes["registered_capital_fen"] == [50_000_000, 1]
    with pytest.raises(RecordStateConflict, match="already deregistered"):
        registrations.legal_person_cancel(actor=MARKET, uscc=company.uscc, reason="再次注销")
    with pytest.raises(RecordStateConflict, match="deregistered"):
        registrations.legal_person_change(actor=MARKET, uscc=company.uscc, name="示范市新名字有限公司")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"type": "bank"}, "type"),
        ({"district_code": "110101"}, "district_code"),
        ({"registered_capital_fen": -1}, "registered_capital_fen"),
        ({"name": "短"}, "name"),
        ({"business_scope": " "}, "business_scope"),
        ({"representative_id_number": "990103200001010000"}, "representative_id_number"),
    ],
)
def test_invalid_establishments_are_422(changes: dict[str, object], field: str) -> None:
    boss = factories.resident(born=dt.date(1980, 1, 1))

    with pytest.raises(RegistrationInvalid) as caught:
        _establish(boss, **changes)

    assert list(caught.value.field_errors) == [field]
    assert LegalPerson.objects.count() == 0


def test_a_minor_or_a_deceased_person_cannot_represent_and_names_are_unique() -> None:
    child = factories.resident(born=dt.date(2015, 1, 1))
    dead = factories.resident(born=dt.date(1950, 1, 1), status="deceased")
    boss = factories.resident(born=dt.date(1980, 1, 1))

    with pytest.raises(RegistrationInvalid, match="adult"):
        _establish(child)
    with pytest.raises(RegistrationInvalid, match="deceased"):
        _establish(dead)
    _establish(boss)
    with pytest.raises(RecordStateConflict, match="name"):
        _establish(boss)
    with pytest.raises(RegistrationInvalid, match="nothing would change"):
        registrations.legal_person_change(
            actor=MARKET, uscc=LegalPerson.objects.get().uscc, name="示范市青禾餐饮有限公司"
        )
    with pytest.raises(PermissionDenied):
        registrations.legal_person_cancel(actor=POLICE, uscc=LegalPerson.objects.get().uscc, reason="无权注销")
    assert LegalPerson.objects.get().status == "active"


def test_changed_and_cancelled_legal_persons_are_shown_without_another_query(django_assert_num_queries) -> None:
    """``_company`` reads the representative with the company: showing the result costs no query, and a new
    representative is the one shown (the joined one is not kept stale)."""
    from zhizheng.registries.selectors import legal_person_view

    boss = factories.resident(name="王小明", born=dt.date(1980, 1, 1))
    successor = factories.resident(name="周敏", born=dt.date(1985, 1, 1))
    company = _establish(boss)

    kept = registrations.legal_person_change(actor=MARKET, uscc=company.uscc, registered_capital_fen=2)
    with django_assert_num_queries(0):
        assert legal_person_view(kept).legal_representative == mask_name("王小明")

    changed = registrations.legal_person_change(
        actor=MARKET, uscc=company.uscc, representative_id_number=successor.id_number
    )
    assert legal_person_view(changed).legal_representative == mask_name("周敏")

    cancelled = registrations.legal_person_cancel(actor=MARKET, uscc=company.uscc, reason="股东决议解散")
    with django_assert_num_queries(0):
        assert (legal_person_view(cancelled).legal_representative, cancelled.status) == (
            mask_name("周敏"),
            "deregistered",
        )
