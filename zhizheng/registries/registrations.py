"""Changes to registry records through the services that make them official: birth, marriage, death and household
registration (户籍迁移) of residents; establishment, change and cancellation of legal persons.

Each function checks the registrar's role, validates (422 for invalid input, 409 for a record in the wrong state),
changes the records in one transaction, appends the change history (``RecordChange``: who, what, which service,
when) and records the act in the ledger, where personal fields appear only as salted hashes.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from zhizheng.core.actor import Actor
from zhizheng.core.divisions import division
from zhizheng.core.errors import Conflict, NotFound, ValidationFailed
from zhizheng.core.validators import USCC_CHARACTERS, id_number_make, uscc_make
from zhizheng.ledger import services as ledger
from zhizheng.registries.choices import (
    HouseholdRelation,
    LegalPersonStatus,
    LegalPersonType,
    MaritalStatus,
    ResidentStatus,
    Sex,
)
from zhizheng.registries.models import Household, LegalPerson, RecordChange, Resident
from zhizheng.registries.permissions import Perm, policy

MARRIAGE_AGE = {Sex.MALE: 22, Sex.FEMALE: 20}
"""民法典 第一千零四十七条: 结婚年龄，男不得早于二十二周岁，女不得早于二十周岁。"""
ADULT_AGE = 18
PERSONAL = ("id_number", "name", "address", "household_address", "spouse_id_number", "parent_id_number")


class RegistrationInvalid(ValidationFailed):
    code = "registries.registration_invalid"
    message = _("The registration cannot be accepted.")


class RecordStateConflict(Conflict):
    code = "registries.record_state_conflict"
    message = _("The registry record is not in a state that allows this.")


# The reason is composed lazily, so that ``detail`` and ``detail_en`` each render it in their own language.
def _invalid(reason: Any, field: str | None = None) -> RegistrationInvalid:
    errors = {field: [reason]} if field else None
    message = format_lazy(_("The registration cannot be accepted: {reason}"), reason=reason)
    return RegistrationInvalid(message, field_errors=errors)


def _conflict(reason: Any) -> RecordStateConflict:
    return RecordStateConflict(
        format_lazy(_("The registry record is not in a state that allows this: {reason}"), reason=reason)
    )


def _today() -> dt.date:
    return timezone.localdate()


def age_on(born: dt.date, day: dt.date) -> int:
    """Full years (周岁) on ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _resident(id_number: str) -> Resident:
    """The resident with ``id_number``, locked for the registration (404 when there is none)."""
    queryset = Resident.objects.select_related("household").select_for_update(of=("self",))
    found = queryset.filter(id_number=(id_number or "").strip().upper()).first()
    if found is None:
        raise NotFound(_("No resident has this ID number."))
    return found


def _history(
    *, actor: Actor, subject: Resident | LegalPerson | Household, service: str, changes: Mapping[str, Any], entry: Any
) -> RecordChange:
    kind = {Resident: "resident", LegalPerson: "legal_person", Household: "household"}[type(subject)]
    return RecordChange.objects.create(
        subject_kind=kind,
        subject_id=subject.pk,
        service=service,
        actor_ref=actor.ref,
        changes={key: [_plain(old), _plain(new)] for key, (old, new) in changes.items()},
        ledger_index=entry.index if entry is not None else None,
    )


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _assign(record: Resident | LegalPerson, values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Set ``values`` on ``record``; returns ``{field: (old, new)}`` for the fields that really change."""
    changed: dict[str, tuple[Any, Any]] = {}
    for key, value in values.items():
        old = getattr(record, key)
        if old != value:
            changed[key] = (old, value)
            setattr(record, key, value)
    return changed


# --- residents -----------------------------------------------------------------------------------------------------


def _free_id_number(district_code: str, born: dt.date, sex: str) -> str:
    """The lowest unused order code of the right parity (odd for men, even for women) for this place and day."""
    prefix = f"{district_code}{born:%Y%m%d}"
    used = {
        int(n[14:17]) for n in Resident.objects.filter(id_number__startswith=prefix).values_list("id_number", flat=True)
    }
    start = 1 if sex == Sex.MALE else 0
    for sequence in range(start, 1000, 2):
        if sequence not in used:
            return id_number_make(district_code, born, sequence)
    raise _conflict(_("no free ID number is left for this district and birth date"))


def _household_number(district_code: str) -> str:
    prefix = district_code
    last = Household.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True)
    following = int(last[0][6:]) + 1 if last else 1
    return f"{prefix}{following:06d}"


def _relation_of_child(parent: Resident) -> str:
    return {
        HouseholdRelation.HEAD: HouseholdRelation.CHILD,
        HouseholdRelation.SPOUSE: HouseholdRelation.CHILD,
        HouseholdRelation.CHILD: HouseholdRelation.GRANDCHILD,
    }.get(HouseholdRelation(parent.relation_to_head or HouseholdRelation.OTHER), HouseholdRelation.OTHER)


@transaction.atomic
def birth_register(
    *,
    actor: Actor,
    name: str,
    sex: str,
    birth_on: dt.date,
    parent_id_number: str,
    ethnicity: str | None = None,
) -> Resident:
    """出生登记: add a newborn to the household of a parent, with a new valid ID number for that household's
    district. The parent must be in the registry and have a household registration."""
    policy.require(actor, Perm.REGISTER_CIVIL)
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise _invalid(_("the child's name must have 1 to 64 characters"), "name")
    if sex not in Sex.values:
        raise _invalid(_("sex must be male or female"), "sex")
    today = _today()
    if birth_on > today:
        raise _invalid(_("the birth date lies in the future"), "birth_on")
    parent = _resident(parent_id_number)
    if parent.birth_on >= birth_on or age_on(parent.birth_on, birth_on) < 14:
        raise _invalid(_("the parent is too young to be this child's parent"), "parent_id_number")
    household = parent.household
    if household is None:
        raise _conflict(_("the parent has no household registration to register the child in"))
    child = Resident.objects.create(
        id_number=_free_id_number(household.district_code, birth_on, sex),
        name=name,
        sex=sex,
        birth_on=birth_on,
        ethnicity=(ethnicity or parent.ethnicity).strip() or parent.ethnicity,
        nationality=parent.nationality,
        household_address=household.address,
        district_code=household.district_code,
        household=household,
        relation_to_head=_relation_of_child(parent),
    )
    entry = ledger.record(
        actor=actor,
        act="registries.birth.registered",
        subject=child,
        payload={
            "id_number": child.id_number,
            "name": child.name,
            "parent_id_number": parent.id_number,
            "household": household.number,
            "district_code": child.district_code,
        },
        personal=PERSONAL,
    )
    _history(
        actor=actor,
        subject=child,
        service="birth_register",
        changes={
            "id_number": (None, child.id_number),
            "name": (None, child.name),
            "household": (None, household.number),
            "relation_to_head": (None, child.relation_to_head),
        },
        entry=entry,
    )
    return child


@transaction.atomic
def marriage_register(*, actor: Actor, first_id_number: str, second_id_number: str, on: dt.date | None = None) -> None:
    """结婚登记: both people alive, not married now, a man and a woman (民法典 第一千零四十九条), of legal marriage
    age (男二十二周岁, 女二十周岁); both become married to each other."""
    policy.require(actor, Perm.REGISTER_MARRIAGE)
    day = on or _today()
    if (first_id_number or "").strip().upper() == (second_id_number or "").strip().upper():
        raise _invalid(_("a person cannot marry themselves"), "second_id_number")
    first = _resident(first_id_number)
    second = _resident(second_id_number)
    for person in (first, second):
        if person.status != ResidentStatus.ALIVE:
            raise _conflict(_("one of the two people is recorded as deceased"))
        if person.marital_status == MaritalStatus.MARRIED:
            raise _conflict(_("one of the two people is already married"))
    if first.sex == second.sex:
        raise _invalid(_("a marriage is registered between a man and a woman"), "second_id_number")
    for person, field in ((first, "first_id_number"), (second, "second_id_number")):
        if age_on(person.birth_on, day) < MARRIAGE_AGE[Sex(person.sex)]:
            raise _invalid(_("below the legal age of marriage (men 22, women 20)"), field)
    for person, partner in ((first, second), (second, first)):
        changes = _assign(person, {"marital_status": MaritalStatus.MARRIED, "spouse_id": partner.pk})
        person.save(update_fields=["marital_status", "spouse", "updated_at"])
        entry = ledger.record(
            actor=actor,
            act="registries.marriage.registered",
            subject=person,
            payload={"id_number": person.id_number, "spouse_id_number": partner.id_number, "on": day.isoformat()},
            personal=PERSONAL,
        )
        _history(actor=actor, subject=person, service="marriage_register", changes=changes, entry=entry)


@transaction.atomic
def death_register(*, actor: Actor, id_number: str, died_on: dt.date) -> Resident:
    """死亡登记: the resident becomes deceased; a spouse becomes widowed."""
    policy.require(actor, Perm.REGISTER_CIVIL)
    person = _resident(id_number)
    if person.status == ResidentStatus.DECEASED:
        raise _conflict(_("the resident is already recorded as deceased"))
    if died_on > _today():
        raise _invalid(_("the date of death lies in the future"), "died_on")
    if died_on < person.birth_on:
        raise _invalid(_("the date of death is before the date of birth"), "died_on")
    changes = _assign(person, {"status": ResidentStatus.DECEASED, "died_on": died_on})
    person.save(update_fields=["status", "died_on", "updated_at"])
    entry = ledger.record(
        actor=actor,
        act="registries.death.registered",
        subject=person,
        payload={"id_number": person.id_number, "died_on": died_on.isoformat()},
        personal=PERSONAL,
    )
    _history(actor=actor, subject=person, service="death_register", changes=changes, entry=entry)
    spouse = Resident.objects.select_for_update().filter(pk=person.spouse_id).first() if person.spouse_id else None
    if spouse is not None and spouse.marital_status == MaritalStatus.MARRIED and spouse.spouse_id == person.pk:
        spouse_changes = _assign(spouse, {"marital_status": MaritalStatus.WIDOWED})
        spouse.save(update_fields=["marital_status", "updated_at"])
        _history(actor=actor, subject=spouse, service="death_register", changes=spouse_changes, entry=entry)
    return person


@transaction.atomic
def household_move(
    *,
    actor: Actor,
    id_number: str,
    address: str,
    district_code: str,
    household_number: str | None = None,
    relation_to_head: str = HouseholdRelation.OTHER,
) -> Resident:
    """户籍迁移: move a living resident's household registration to ``address`` in ``district_code``, into the
    existing household ``household_number`` (with a relation to its head) or, without one, into a new household
    of which they become the head. A head with other members must hand over first."""
    policy.require(actor, Perm.REGISTER_CIVIL)
    address = (address or "").strip()
    if not 6 <= len(address) <= 200:
        raise _invalid(_("the address must have 6 to 200 characters"), "address")
    found = division(district_code or "")
    if found is None or not found.local:
        raise _invalid(_("the district is not one of this city's"), "district_code")
    person = _resident(id_number)
    if person.status != ResidentStatus.ALIVE:
        raise _conflict(_("the resident is recorded as deceased"))
    old = person.household
    if (
        old is not None
        and person.relation_to_head == HouseholdRelation.HEAD
        and old.members.exclude(pk=person.pk).filter(status=ResidentStatus.ALIVE).exists()
    ):
        raise _conflict(_("the head of a household with other members cannot move out; change the head first"))
    if household_number:
        target = Household.objects.filter(number=household_number.strip()).first()
        if target is None:
            raise _invalid(_("no household has this number"), "household_number")
        if target.address != address or target.district_code != district_code:
            raise _invalid(_("the address differs from the household's registered address"), "address")
        if relation_to_head not in HouseholdRelation.values or relation_to_head == HouseholdRelation.HEAD:
            raise _invalid(_("choose the relation to the head of that household"), "relation_to_head")
        relation = relation_to_head
    else:
        target = Household.objects.create(
            number=_household_number(district_code), address=address, district_code=district_code
        )
        relation = HouseholdRelation.HEAD
    if old is not None and target.pk == old.pk:
        raise _invalid(_("the resident is already registered in this household"), "household_number")
    changes = _assign(
        person,
        {
            "household_address": address,
            "district_code": district_code,
            "household_id": target.pk,
            "relation_to_head": relation,
        },
    )
    person.save(update_fields=["household_address", "district_code", "household", "relation_to_head", "updated_at"])
    entry = ledger.record(
        actor=actor,
        act="registries.household.moved",
        subject=person,
        payload={
            "id_number": person.id_number,
            "household_address": address,
            "district_code": district_code,
            "household": target.number,
            "from_district_code": changes.get("district_code", (district_code, district_code))[0],
        },
        personal=PERSONAL,
    )
    _history(actor=actor, subject=person, service="household_move", changes=changes, entry=entry)
    return person


# --- legal persons -------------------------------------------------------------------------------------------------


def _representative(id_number: str, day: dt.date) -> Resident:
    person = Resident.objects.filter(id_number=(id_number or "").strip().upper()).first()
    if person is None:
        raise _invalid(_("the legal representative is not in the population registry"), "representative_id_number")
    if person.status != ResidentStatus.ALIVE:
        raise _invalid(_("the legal representative is recorded as deceased"), "representative_id_number")
    if age_on(person.birth_on, day) < ADULT_AGE:
        raise _invalid(_("the legal representative must be an adult"), "representative_id_number")
    return person


def _check_company(*, name: str, capital_fen: int, address: str, exclude: int | None = None) -> None:
    if not 4 <= len(name) <= 128:
        raise _invalid(_("the name must have 4 to 128 characters"), "name")
    if capital_fen < 0 or capital_fen > 10**15:
        raise _invalid(_("the registered capital must be between 0 and 10 trillion yuan"), "registered_capital_fen")
    if not 6 <= len(address) <= 200:
        raise _invalid(_("the address must have 6 to 200 characters"), "address")
    clash = LegalPerson.objects.filter(name=name).exclude(status=LegalPersonStatus.DEREGISTERED)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise _conflict(_("a legal person with this name is already registered"))


def _new_uscc(district_code: str) -> str:
    for _attempt in range(20):
        body = "MA" + "".join(secrets.choice(USCC_CHARACTERS) for _index in range(6))
        code = uscc_make("9", "1", district_code, body)
        if not LegalPerson.objects.filter(uscc=code).exists():
            return code
    raise _conflict(_("no free unified social credit code could be drawn; try again"))  # pragma: no cover


def _legal_person_payload(company: LegalPerson, representative: Resident) -> dict[str, Any]:
    return {
        "uscc": company.uscc,
        "name": company.name,
        "type": company.type,
        "representative_id_number": representative.id_number,
        "registered_capital_fen": company.registered_capital_fen,
        "district_code": company.district_code,
        "status": company.status,
    }


@transaction.atomic
def legal_person_establish(
    *,
    actor: Actor,
    name: str,
    type: str,
    representative_id_number: str,
    registered_capital_fen: int,
    business_scope: str,
    address: str,
    district_code: str,
    established_on: dt.date | None = None,
) -> LegalPerson:
    """设立登记: a new legal person with a freshly drawn, valid 统一社会信用代码 for its district."""
    policy.require(actor, Perm.REGISTER_LEGAL_PERSON)
    day = established_on or _today()
    if day > _today():
        raise _invalid(_("the establishment date lies in the future"), "established_on")
    name, address, scope = (name or "").strip(), (address or "").strip(), (business_scope or "").strip()
    if type not in LegalPersonType.values:
        raise _invalid(_("unknown type of legal person"), "type")
    found = division(district_code or "")
    if found is None or not found.local:
        raise _invalid(_("the district is not one of this city's"), "district_code")
    if not scope:
        raise _invalid(_("state the business scope"), "business_scope")
    _check_company(name=name, capital_fen=registered_capital_fen, address=address)
    representative = _representative(representative_id_number, day)
    company = LegalPerson.objects.create(
        uscc=_new_uscc(district_code),
        name=name,
        type=type,
        legal_representative=representative,
        registered_capital_fen=registered_capital_fen,
        business_scope=scope,
        address=address,
        district_code=district_code,
        established_on=day,
    )
    entry = ledger.record(
        actor=actor,
        act="registries.legal_person.established",
        subject=company,
        payload=_legal_person_payload(company, representative),
        personal=PERSONAL,
    )
    changes = {key: (None, getattr(company, key)) for key in ("uscc", "name", "type", "status", "district_code")}
    _history(actor=actor, subject=company, service="legal_person_establish", changes=changes, entry=entry)
    return company


def _company(uscc: str) -> LegalPerson:
    """The legal person to change, locked, with its representative read in the same query: every caller answers with
    ``selectors.legal_person_view``, which shows the representative's masked name. Only the company's row is locked
    (``of``): the representative's resident record stays free for other registrations."""
    found = (
        LegalPerson.objects.select_for_update(of=("self",))
        .select_related("legal_representative")
        .filter(uscc=(uscc or "").strip().upper())
        .first()
    )
    if found is None:
        raise NotFound(_("No legal person has this unified social credit code."))
    return found


@transaction.atomic
def legal_person_change(
    *,
    actor: Actor,
    uscc: str,
    name: str | None = None,
    representative_id_number: str | None = None,
    registered_capital_fen: int | None = None,
    business_scope: str | None = None,
    address: str | None = None,
) -> LegalPerson:
    """变更登记: change the name, representative, capital, scope or address of a legal person in business."""
    policy.require(actor, Perm.REGISTER_LEGAL_PERSON)
    company = _company(uscc)
    if company.status == LegalPersonStatus.DEREGISTERED:
        raise _conflict(_("the legal person is deregistered"))
    values: dict[str, Any] = {}
    if name is not None:
        values["name"] = name.strip()
    if registered_capital_fen is not None:
        values["registered_capital_fen"] = registered_capital_fen
    if business_scope is not None:
        if not business_scope.strip():
            raise _invalid(_("state the business scope"), "business_scope")
        values["business_scope"] = business_scope.strip()
    if address is not None:
        values["address"] = address.strip()
    if representative_id_number:
        values["legal_representative_id"] = _representative(representative_id_number, _today()).pk
    _check_company(
        name=values.get("name", company.name),
        capital_fen=values.get("registered_capital_fen", company.registered_capital_fen),
        address=values.get("address", company.address),
        exclude=company.pk,
    )
    changes = _assign(company, values)
    if not changes:
        raise _invalid(_("nothing would change"))
    company.save()
    entry = ledger.record(
        actor=actor,
        act="registries.legal_person.changed",
        subject=company,
        payload={"uscc": company.uscc, "changed": sorted(changes), "name": company.name},
        personal=PERSONAL,
    )
    _history(actor=actor, subject=company, service="legal_person_change", changes=changes, entry=entry)
    return company


@transaction.atomic
def legal_person_cancel(*, actor: Actor, uscc: str, reason: str) -> LegalPerson:
    """注销登记: the legal person is deregistered (from in business, suspended or revoked)."""
    policy.require(actor, Perm.REGISTER_LEGAL_PERSON)
    reason = (reason or "").strip()
    if not 2 <= len(reason) <= 200:
        raise _invalid(_("state the reason for deregistration (2 to 200 characters)"), "reason")
    company = _company(uscc)
    if company.status == LegalPersonStatus.DEREGISTERED:
        raise _conflict(_("the legal person is already deregistered"))
    changes = _assign(company, {"status": LegalPersonStatus.DEREGISTERED})
    company.save(update_fields=["status", "updated_at"])
    entry = ledger.record(
        actor=actor,
        act="registries.legal_person.deregistered",
        subject=company,
        payload={"uscc": company.uscc, "reason": reason},
    )
    _history(actor=actor, subject=company, service="legal_person_cancel", changes=changes, entry=entry)
    return company
