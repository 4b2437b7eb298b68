"""Fixtures for the shell's tests: people of each kind and the demo city's districts and departments."""

from __future__ import annotations

import datetime as dt

import pytest

from zhizheng.accounts.models import User
from zhizheng.orgs.models import Department, Division, Membership
from zhizheng.registries.models import LegalPerson, Resident

PASSWORD = "Zz-test-pass-2026"


@pytest.fixture
def city() -> Division:
    city = Division.objects.create(code="990100", name="示范市", level="city")
    Division.objects.create(code="990102", name="东城区", level="district", parent=city)
    Division.objects.create(code="990103", name="西城区", level="district", parent=city)
    return city


@pytest.fixture
def department(city: Division) -> Department:
    return Department.objects.create(
        code="SCJGJ", name="示范市市场监督管理局", short_name="市场监管局", kind="bureau", division=city
    )


@pytest.fixture
def citizen() -> User:
    return User.objects.create_user(username="web-citizen", password=PASSWORD, kind="citizen", real_name="张三")


@pytest.fixture
def caseworker(department: Department) -> User:
    user = User.objects.create_user(username="web-caseworker", password=PASSWORD, kind="staff", real_name="李四")
    Membership.objects.create(user=user, department=department, role="caseworker")
    Membership.objects.create(user=user, department=department, role="section_chief", active=False)
    return user


@pytest.fixture
def staff_without_roles() -> User:
    return User.objects.create_user(username="web-newstaff", password=PASSWORD, kind="staff", real_name="新人")


@pytest.fixture
def leader(department: Department) -> User:
    user = User.objects.create_user(username="web-leader", password=PASSWORD, kind="staff", real_name="王市长")
    Membership.objects.create(user=user, department=department, role="leader")
    return user


@pytest.fixture
def residents(city: Division) -> list[Resident]:
    """Three residents in 东城区 and one in 西城区, and one legal person in 西城区."""
    people = [
        Resident.objects.create(
            id_number=f"99010219900101{n:03d}X"[:18],
            name=f"居民{n}",
            sex="male",
            birth_on=dt.date(1990, 1, 1),
            household_address="东城区某路1号",
            district_code=code,
        )
        for n, code in enumerate(["990102", "990102", "990102", "990103"], start=1)
    ]
    LegalPerson.objects.create(
        uscc="91990103MA0000001X",
        name="示范科技有限公司",
        type="limited_company",
        legal_representative=people[-1],
        address="西城区某路2号",
        district_code="990103",
        established_on=dt.date(2020, 5, 1),
    )
    return people
