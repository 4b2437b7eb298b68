"""Divisions and departments load from the bundled data files, idempotently, with their hierarchy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zhizheng.core.actor import SYSTEM, Actor, ActorKind
from zhizheng.core.errors import PermissionDenied
from zhizheng.orgs import services
from zhizheng.orgs.models import Department, Division

pytestmark = pytest.mark.django_db


def _load_all() -> tuple[services.LoadResult, services.LoadResult]:
    return services.divisions_load(actor=SYSTEM), services.departments_load(actor=SYSTEM)


def test_divisions_of_the_demo_city_load_with_parents() -> None:
    result = services.divisions_load(actor=SYSTEM)

    assert result == services.LoadResult(created=7, updated=0, unchanged=0)
    assert list(Division.objects.filter(parent__code="990100").values_list("code", "name", "level")) == [
        ("990102", "东城区", "district"),
        ("990103", "西城区", "district"),
        ("990104", "南湖区", "district"),
        ("990105", "北山区", "district"),
        ("990106", "高新区", "district"),
        ("990121", "青河县", "county"),
    ]
    assert Division.objects.get(code="990100").parent is None


def test_the_31_departments_load_with_their_hierarchy() -> None:
    _divisions, departments = _load_all()

    assert departments == services.LoadResult(created=31, updated=0, unchanged=0)
    assert Department.objects.count() == 31
    assert Department.objects.get(code="RX12345").parent.code == "SZFB"
    assert Department.objects.get(code="BDCDJZX").parent.code == "ZRZYJ"
    assert set(Department.objects.values_list("division__code", flat=True)) == {"990100"}
    scjgj = Department.objects.get(code="SCJGJ")
    assert (scjgj.name, scjgj.short_name, scjgj.kind) == ("示范市市场监督管理局", "市市场监管局", "bureau")


def test_loading_twice_changes_nothing() -> None:
    _load_all()
    snapshot = list(Department.objects.values_list("code", "name", "short_name", "kind", "parent_id", "phone"))

    divisions, departments = _load_all()

    assert divisions == services.LoadResult(created=0, updated=0, unchanged=7)
    assert departments == services.LoadResult(created=0, updated=0, unchanged=31)
    assert list(Department.objects.values_list("code", "name", "short_name", "kind", "parent_id", "phone")) == snapshot


def test_a_changed_file_updates_only_what_changed(tmp_path: Path) -> None:
    _load_all()
    rows = json.loads((services.DATA_DIR / "departments.json").read_text(encoding="utf-8"))
    rows[0]["phone"] = "0999-00000000"
    changed = tmp_path / "departments.json"
    changed.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")

    result = services.departments_load(actor=SYSTEM, path=changed)

    assert result == services.LoadResult(created=0, updated=1, unchanged=30)
    assert Department.objects.get(code=rows[0]["code"]).phone == "0999-00000000"


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        (
            [{"code": "A", "name": "a", "short_name": "a", "kind": "bureau", "parent": "NOPE", "phone": ""}],
            "unknown parent",
        ),
        ([{"code": "A", "name": "a", "short_name": "a", "kind": "castle", "parent": None, "phone": ""}], "kind castle"),
        ([{"code": "A", "name": "a"}], "missing short_name"),
        (
            [
                {"code": "A", "name": "a", "short_name": "a", "kind": "bureau", "parent": "B", "phone": ""},
                {"code": "B", "name": "b", "short_name": "b", "kind": "bureau", "parent": "A", "phone": ""},
            ],
            "cycle",
        ),
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_written(
    tmp_path: Path, rows: list[dict[str, object]], reason: str
) -> None:
    services.divisions_load(actor=SYSTEM)
    bad = tmp_path / "departments.json"
    bad.write_text(json.dumps(rows), encoding="utf-8")

    with pytest.raises(services.ReferenceDataInvalid) as caught:
        services.departments_load(actor=SYSTEM, path=bad)

    assert reason in caught.value.detail_en
    assert caught.value.as_problem()["code"] == "orgs.reference_data_invalid"
    assert Department.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            json.dumps(
                [
                    {"code": "990000", "name": "p", "level": "province", "parent": None},
                    {"code": "990100", "name": "c", "level": "galaxy", "parent": "990000"},
                ]
            ),
            "990100 has level galaxy",
        ),
        (json.dumps({"code": "990000"}), "not a list"),
        ("[{", "divisions.json: "),
    ],
)
def test_a_bad_divisions_file_is_refused_and_nothing_is_written(tmp_path: Path, text: str, reason: str) -> None:
    bad = tmp_path / "divisions.json"
    bad.write_text(text, encoding="utf-8")

    with pytest.raises(services.ReferenceDataInvalid) as caught:
        services.divisions_load(actor=SYSTEM, path=bad)

    assert reason in caught.value.detail_en
    assert caught.value.as_problem()["code"] == "orgs.reference_data_invalid"
    assert Division.objects.count() == 0


def test_departments_need_the_city_division_first() -> None:
    with pytest.raises(services.ReferenceDataInvalid, match="990100"):
        services.departments_load(actor=SYSTEM)


def test_only_the_system_or_a_superuser_loads_reference_data() -> None:
    clerk = Actor(kind=ActorKind.USER, user_id=1, roles=frozenset({("SJJ", "administrator")}))

    with pytest.raises(PermissionDenied):
        services.divisions_load(actor=clerk)

    assert Division.objects.count() == 0
