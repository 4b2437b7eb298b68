"""``load_demo_city``: a consistent, deterministic demo city, loaded idempotently through the apps' services."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.test import Client

from zhizheng.accounts.models import User
from zhizheng.core.validators import check_id_number, check_uscc
from zhizheng.orgs.models import Department, Division, Membership
from zhizheng.registries.models import LegalPerson, Resident
from zhizheng.web.management.commands.load_demo_city import DEMO_PASSWORD, CityGenerator

pytestmark = pytest.mark.django_db

DEMO_USERS = (
    "citizen",
    "agent",
    "caseworker",
    "head",
    "window",
    "hotline",
    "dispatcher",
    "inspector",
    "leader",
    "dataofficer",
    "auditor",
    "admin",
)
DEMO_DISTRICTS = {"990102", "990103", "990104", "990105", "990106", "990121"}


def _load() -> str:
    out = io.StringIO()
    call_command("load_demo_city", stdout=out)
    return out.getvalue()


def _snapshot() -> dict[str, object]:
    return {
        "residents": list(Resident.objects.order_by("id").values_list()),
        "legal_persons": list(LegalPerson.objects.order_by("id").values_list()),
        "users": list(User.objects.order_by("id").values_list("username", "password", "real_name_level", "kind")),
        "memberships": list(
            Membership.objects.order_by("id").values_list("user_id", "department_id", "role", "active")
        ),
        "departments": list(Department.objects.order_by("id").values_list()),
        "divisions": list(Division.objects.order_by("id").values_list()),
    }


def test_the_city_is_complete_consistent_and_its_demo_log_ins_work(client: Client) -> None:
    """One load (it takes a couple of seconds), checked section by section."""
    summary = _load()

    # Reference data.
    assert "residents      +2000 / 2000" in summary
    assert "applications   +20000 / 20000 in the past year" in summary
    assert (Division.objects.count(), Department.objects.count()) == (7, 31)
    assert (Resident.objects.count(), LegalPerson.objects.count()) == (2000, 500)

    # Residents: valid, unique ID numbers that agree with the registry record.
    residents = list(Resident.objects.all())
    assert len({r.id_number for r in residents}) == 2000
    for resident in residents:
        parsed = check_id_number(resident.id_number)
        assert parsed.valid, resident.id_number
        assert parsed.birth_date == resident.birth_on
        assert parsed.sex == resident.sex
        assert parsed.address_code == resident.district_code
        assert resident.district_code in DEMO_DISTRICTS
        assert resident.household_address.startswith("示范市" + (parsed.address_name or "?"))
        assert 2 <= len(resident.name) <= 4
    assert len(Counter(r.district_code for r in residents)) == 6

    # Enterprises: valid USCCs (authority 9, type 1, a demo district) and living representatives.
    for company in LegalPerson.objects.select_related("legal_representative"):
        parsed = check_uscc(company.uscc)
        assert parsed.valid, company.uscc
        assert (parsed.registration_authority, parsed.organisation_type) == ("9", "1")
        assert company.district_code == parsed.division_code
        assert company.district_code in DEMO_DISTRICTS
        assert company.legal_representative.status == "alive"
        assert company.registered_capital_fen > 0

    # Staff: three roles in every department, the special roles where they belong.
    roles = set(Membership.objects.values_list("department__code", "role"))
    for code in Department.objects.values_list("code", flat=True):
        assert {(code, "caseworker"), (code, "section_chief"), (code, "department_head")} <= roles
    assert {("RX12345", "hotline_operator"), ("CGJ", "dispatcher"), ("SJJ", "data_officer")} <= roles
    assert {("SZFB", "leader"), ("SZFB", "auditor"), ("XZSPJ", "window_officer")} <= roles

    # Demo log-ins: only they have a password, the documented one.
    with_password = {u.username: u for u in User.objects.all() if u.has_usable_password()}
    assert set(with_password) == set(DEMO_USERS)
    assert all(user.check_password(DEMO_PASSWORD) for user in with_password.values())
    response = client.post("/accounts/login/", {"username": "citizen", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(with_password["citizen"].pk)

    # The demo people are who docs/demo-logins.md says.
    citizen, agent, admin = (with_password[name] for name in ("citizen", "agent", "admin"))
    assert citizen.kind == "citizen"
    assert citizen.real_name_level == User.RealNameLevel.L2
    assert Resident.objects.get(id_number=citizen.id_number).name == citizen.real_name
    company = LegalPerson.objects.get(uscc=agent.uscc)
    assert (agent.kind, agent.enterprise_name, agent.real_name_level) == ("agent", company.name, 2)
    assert company.legal_representative.id_number == agent.id_number
    assert admin.is_superuser
    assert admin.is_staff
    expected = {
        "caseworker": {("SCJGJ", "caseworker")},
        "head": {("SCJGJ", "department_head")},
        "window": {("XZSPJ", "window_officer")},
        "hotline": {("RX12345", "hotline_operator")},
        "dispatcher": {("CGJ", "dispatcher")},
        "inspector": {("CGJ", "inspector")},
        "leader": {("SZFB", "leader")},
        "dataofficer": {("SJJ", "data_officer")},
        "auditor": {("SZFB", "auditor")},
        "admin": {("SJJ", "administrator")},
    }
    for username, held in expected.items():
        assert set(Membership.objects.filter(user__username=username).values_list("department__code", "role")) == held


def test_a_second_run_changes_nothing() -> None:
    _load()
    before = _snapshot()

    summary = _load()

    assert _snapshot() == before
    assert "residents      +0 / 2000" in summary
    assert "enterprises    +0 / 500" in summary
    assert "staff accounts +0 / 121" in summary
    assert "applications   +0 / 20000 in the past year" in summary


def test_the_same_seed_makes_the_same_city_and_another_seed_another() -> None:
    first, second, other = CityGenerator(2026), CityGenerator(2026), CityGenerator(7)

    same = [first.resident() for _index in range(50)]

    assert same == [second.resident() for _index in range(50)]
    assert same != [other.resident() for _index in range(50)]
