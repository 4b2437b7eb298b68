"""Quality rules: validated JSON, run in the database, scores per resource and department, failing rows."""

from __future__ import annotations

import pytest
from django.utils import translation

from zhizheng.core.actor import SYSTEM
from zhizheng.core.errors import PermissionDenied
from zhizheng.core.validators import id_number_make
from zhizheng.datahub import tasks
from zhizheng.datahub.errors import QualityRulesInvalid
from zhizheng.datahub.models import ColumnSpec, QualityRuleSet, QualityRun
from zhizheng.datahub.selectors import quality_department_scores, quality_failures
from zhizheng.datahub.services.datastore import datastore_load
from zhizheng.datahub.services.quality import quality_rules_set, quality_run
from zhizheng.datahub.tests import factories
from zhizheng.datahub.tests.conftest import Hub
from zhizheng.ledger.models import Entry
from zhizheng.registries.models import SpatialUnit

RULES = [
    {"kind": "not_null", "column": "opened_on"},
    {"kind": "unique", "column": "district"},
    {"kind": "range", "column": "seats", "min": 6, "max": 15},
    {"kind": "pattern", "column": "name", "regex": "公厕$"},
    {"kind": "allowed", "column": "district", "values": ["青山区"]},
    {"kind": "freshness"},
]


def test_rules_run_in_the_database_and_score_the_resource(hub: Hub) -> None:
    resource = factories.toilets()
    quality_rules_set(actor=hub.civil_officer.actor, resource=resource, rules=RULES)
    run = quality_run(actor=hub.civil_officer.actor, resource=resource)
    assert run is not None
    assert [(r["kind"], r["checked"], r["failed"]) for r in run.results] == [
        ("not_null", 4, 1),
        ("unique", 4, 4),
        ("range", 4, 1),
        ("pattern", 4, 0),
        ("allowed", 4, 2),
        ("freshness", 1, 0),
    ]
    # mean of 3/4, 0, 3/4, 1, 1/2, 1
    assert (run.rows, run.score) == (4, 66.7)
    assert Entry.objects.filter(act="datahub.quality_rules.changed").count() == 1


def test_failing_rows_are_paged(hub: Hub) -> None:
    resource = factories.toilets()
    quality_rules_set(actor=SYSTEM, resource=resource, rules=RULES)
    count, columns, rows = quality_failures(actor=hub.civil_officer.actor, resource=resource, rule_index=4, limit=1)
    assert (count, columns[:3]) == (2, ["_id", "name", "district"])
    assert "keeper" not in columns
    assert [(r["_id"], r["name"]) for r in rows] == [(2, "滨江公园公厕")]
    _, _, second = quality_failures(actor=hub.civil_officer.actor, resource=resource, rule_index=4, limit=1, offset=1)
    assert [r["name"] for r in second] == ["文化宫公厕"]


def test_check_characters_and_registry_references(hub: Hub) -> None:
    import datetime as dt

    resource = factories.catalogue_entry(name="示范市志愿者")
    good = id_number_make("990102", dt.date(1990, 1, 1), 12)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    SpatialUnit.objects.create(
        code="990102", name="青山区", level="district", geometry={}, min_lon=0, min_lat=0, max_lon=1, max_lat=1
    )
    columns = (ColumnSpec("id_number", "身份号码", "C", mask="id_number"), ColumnSpec("district", "区划", "C"))
    datastore_load(actor=SYSTEM, resource=resource, columns=columns, rows=[(good, "990102"), (bad, "990199")])
    rules = [
        {"kind": "id_number", "column": "id_number"},
        {"kind": "reference", "column": "district", "registry": "spatial_unit"},
    ]
    quality_rules_set(actor=SYSTEM, resource=resource, rules=rules)
    run = quality_run(actor=SYSTEM, resource=resource)
    assert run is not None
    assert [(r["failed"], r.get("failing_ids")) for r in run.results] == [(1, [2]), (1, None)]
    count, _, rows = quality_failures(actor=hub.civil_officer.actor, resource=resource, rule_index=0)
    assert (count, [r["_id"] for r in rows]) == (1, [2])
    assert "id_number" not in rows[0]  # personal columns are not shown on the quality pages


@pytest.mark.parametrize(
    ("rules", "errors"),
    [
        ([{"kind": "not_null", "column": "name", "colour": "red"}], {"rules[0].colour": ["unknown key"]}),
        ([{"kind": "sparkle", "column": "name"}], {"rules[0]": ["unknown kind"]}),
        ([{"column": "name"}], {"rules[0]": ["each rule needs a “kind”"]}),
        ([{"kind": "unique"}], {"rules[0].column": ["this key is required"]}),
        ([{"kind": "unique", "column": "colour"}], {"rules[0].column": ["the table has no column “colour”"]}),
        ([{"kind": "pattern", "column": "name", "regex": "("}], {"rules[0].regex": ["not valid"]}),
        ([{"kind": "range", "column": "seats", "min": 9, "max": 3}], {"rules[0]": ["min ≤ max"]}),
        ([{"kind": "range", "column": "name", "min": 1}], {"rules[0].column": ["number and date columns"]}),
        ([{"kind": "reference", "column": "name", "registry": "moon"}], {"rules[0].registry": ["not one of"]}),
        ({"kind": "unique"}, {"rules": ["invalid value"]}),
    ],
)
def test_bad_rules_are_a_422_naming_rule_and_key(hub: Hub, rules: object, errors: dict[str, list[str]]) -> None:
    resource = factories.toilets()
    with pytest.raises(QualityRulesInvalid) as caught:
        quality_rules_set(actor=hub.civil_officer.actor, resource=resource, rules=rules)
    assert caught.value.status == 422
    with translation.override("en"):
        found = {key: [str(m) for m in messages] for key, messages in caught.value.field_errors.items()}
    assert sorted(found) == sorted(errors)
    for key, fragments in errors.items():
        assert all(any(f in m for m in found[key]) for f in fragments), found
    assert not QualityRuleSet.objects.exists()


def test_rules_are_set_by_the_providers_data_officer_only(hub: Hub) -> None:
    resource = factories.toilets()
    for person in (hub.police_officer, hub.civil_caseworker, hub.citizen):
        with pytest.raises(PermissionDenied):
            quality_rules_set(actor=person.actor, resource=resource, rules=RULES)
        with pytest.raises(PermissionDenied):
            quality_run(actor=person.actor, resource=resource)
    assert not QualityRuleSet.objects.exists()
    assert not QualityRun.objects.exists()


def test_scheduled_runs_and_department_scores(hub: Hub) -> None:
    resource = factories.toilets()
    quality_rules_set(actor=SYSTEM, resource=resource, rules=RULES[:1])
    assert tasks.quality_scheduled.delay().get() == 1
    scores = quality_department_scores(actor=hub.reviewer.actor)
    assert [(s.code, s.resources, s.score) for s in scores] == [("MZJ", 1, 75.0)]
