"""The catalogue: GB/T 21063 rules and their errors, codes, the review-and-publish workflow, versions, the loader."""

from __future__ import annotations

import dataclasses

import pytest

from zhizheng.core.actor import SYSTEM
from zhizheng.core.errors import DomainError, NotFound, PermissionDenied
from zhizheng.datahub import selectors, services
from zhizheng.datahub.models import Resource, ResourceVersion
from zhizheng.ledger.models import Entry

SPEC = services.ResourceSpec(
    category="department",
    class_code="30101",
    name="养老服务机构名录",
    provider_code="GAJ",
    summary="全市养老服务机构的名称、地址与床位数。",
    format="spreadsheet",
    share_type="conditional",
    share_conditions="仅用于养老服务监管",
    share_method="数据接口",
    open_type="not_open",
    update_cycle="monthly",
    items=(services.ItemSpec("name", "机构名称", "C"), services.ItemSpec("beds", "床位数", "I")),
)


def _error(spec, actor):
    with pytest.raises(DomainError) as caught:
        services.resource_create(actor=actor, spec=spec)
    return caught.value


def test_create_assigns_class_code_slash_sequence_and_records(hub):
    first = services.resource_create(actor=hub.police_officer.actor, spec=SPEC)
    second = services.resource_create(actor=hub.reviewer.actor, spec=dataclasses.replace(SPEC, name="第二个"))
    assert (first.code, second.code) == ("30101/000001", "30101/000002")
    assert (first.status, first.version, first.provider_code) == ("draft", 0, "GAJ")
    assert list(first.items.values_list("position", "key", "data_type")) == [(1, "name", "C"), (2, "beds", "I")]
    assert Entry.objects.filter(act="datahub.resource.created", subject_id=str(first.pk)).count() == 1


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"share_conditions": "  "}, "datahub.conditions_required", "share_conditions"),
        ({"share_type": "not_shared"}, "datahub.not_shared_basis_required", "not_shared_basis"),
        ({"category": "base", "class_code": "10199"}, "datahub.base_unconditional", "share_type"),
        ({"class_code": "20101"}, "datahub.catalogue_rule", "class_code"),
        ({"class_code": "3x"}, "datahub.catalogue_rule", "class_code"),
        ({"format": "pdf"}, "datahub.catalogue_rule", "format"),
        ({"update_cycle": "hourly"}, "datahub.catalogue_rule", "update_cycle"),
        ({"items": ()}, "datahub.catalogue_rule", "items"),
        ({"items": (services.ItemSpec("x", "X", "Q"),)}, "datahub.catalogue_rule", "items"),
        ({"related_codes": ("abc",)}, "datahub.catalogue_rule", "related_codes"),
        ({"provider_code": "NOPE"}, "core.permission_denied", None),
    ],
)
def test_rules_are_enforced_with_named_errors(hub, changes, code, field):
    error = _error(dataclasses.replace(SPEC, **changes), hub.reviewer.actor if field else hub.police_officer.actor)
    assert error.instance_code == code
    if field:
        assert error.status == 422
        assert list(error.field_errors) == [field]
    assert Resource.objects.count() == 0


def test_rule_messages_name_the_rule_in_both_languages(hub):
    error = _error(dataclasses.replace(SPEC, share_conditions=""), hub.police_officer.actor)
    assert "有条件共享需注明共享条件" in error.detail_en
    assert error.detail_en.startswith("A resource shared on conditions must state its sharing conditions")


def test_unknown_provider_code_is_a_field_error_for_the_data_office(hub):
    error = _error(dataclasses.replace(SPEC, provider_code="NOPE"), hub.reviewer.actor)
    assert (error.status, list(error.field_errors)) == (422, ["provider_code"])


def test_not_shared_with_basis_is_accepted_and_conditions_dropped(hub):
    spec = dataclasses.replace(SPEC, share_type="not_shared", not_shared_basis="《保守国家秘密法》第九条")
    resource = services.resource_create(actor=hub.police_officer.actor, spec=spec)
    assert (resource.share_conditions, resource.not_shared_basis) == ("", "《保守国家秘密法》第九条")


@pytest.mark.parametrize("who", ["civil_officer", "civil_caseworker", "citizen"])
def test_only_the_providers_or_data_offices_officer_may_create(hub, who):
    with pytest.raises(PermissionDenied):
        services.resource_create(actor=getattr(hub, who).actor, spec=SPEC)
    assert Resource.objects.count() == 0


def test_review_and_publish_writes_versions(hub):
    officer, reviewer = hub.police_officer.actor, hub.reviewer.actor
    resource = services.resource_create(actor=officer, spec=SPEC)
    resource = services.resource_submit(actor=officer, resource=resource)
    assert resource.status == "in_review"
    resource = services.resource_publish(actor=reviewer, resource=resource)
    assert (resource.status, resource.version, resource.published_on is not None) == ("published", 1, True)
    resource = services.resource_update(
        actor=officer, resource=resource, spec=dataclasses.replace(SPEC, summary="更新后的摘要")
    )
    assert (resource.status, resource.version) == ("draft", 1)
    services.resource_submit(actor=officer, resource=resource)
    resource = services.resource_publish(actor=reviewer, resource=resource)
    versions = list(ResourceVersion.objects.filter(resource=resource).values_list("number", "snapshot__summary"))
    assert versions == [(2, "更新后的摘要"), (1, SPEC.summary)]
    acts = list(Entry.objects.filter(subject_id=str(resource.pk)).order_by("index").values_list("act", flat=True))
    assert acts == [
        "datahub.resource.created",
        "datahub.resource.submitted",
        "datahub.resource.published",
        "datahub.resource.changed",
        "datahub.resource.submitted",
        "datahub.resource.published",
    ]


def test_illegal_transitions_are_409_and_change_nothing(hub):
    resource = services.resource_create(actor=hub.police_officer.actor, spec=SPEC)
    with pytest.raises(DomainError) as caught:
        services.resource_publish(actor=hub.reviewer.actor, resource=resource)
    assert (caught.value.status, caught.value.instance_code) == (409, "datahub.invalid_transition")
    services.resource_submit(actor=hub.police_officer.actor, resource=resource)
    with pytest.raises(DomainError) as caught:
        services.resource_update(actor=hub.police_officer.actor, resource=resource, spec=SPEC)
    assert caught.value.status == 409
    resource.refresh_from_db()
    assert (resource.status, resource.version) == ("in_review", 0)


def test_only_the_data_office_publishes_and_return_needs_a_reason(hub):
    resource = services.resource_create(actor=hub.police_officer.actor, spec=SPEC)
    services.resource_submit(actor=hub.police_officer.actor, resource=resource)
    with pytest.raises(PermissionDenied):
        services.resource_publish(actor=hub.police_officer.actor, resource=resource)
    with pytest.raises(DomainError) as caught:
        services.resource_return(actor=hub.reviewer.actor, resource=resource, reason=" ")
    assert caught.value.status == 422
    returned = services.resource_return(actor=hub.reviewer.actor, resource=resource, reason="摘要过短")
    assert returned.status == "draft"
    assert Entry.objects.get(act="datahub.resource.returned").payload["reason"] == "摘要过短"


def test_drafts_are_hidden_from_other_staff_and_citizens(hub):
    resource = services.resource_create(actor=hub.police_officer.actor, spec=SPEC)
    assert selectors.resource_get(actor=hub.reviewer.actor, code=resource.code) == resource
    with pytest.raises(NotFound):
        selectors.resource_get(actor=hub.civil_officer.actor, code=resource.code)
    with pytest.raises(PermissionDenied):
        selectors.resource_list(actor=hub.citizen.actor)


def test_loader_registers_base_resources_published_and_is_idempotent(hub):
    result = services.registry_resources_load(actor=SYSTEM)
    assert (result.created, result.existing) == (4, 0)
    again = services.registry_resources_load(actor=SYSTEM)
    assert (again.created, again.existing) == (0, 4)
    rows = list(Resource.objects.values_list("code", "provider__code", "share_type", "status", "version"))
    assert rows == [
        ("10101/000001", "GAJ", "unconditional", "published", 1),
        ("10201/000001", "SCJGJ", "unconditional", "published", 1),
        ("10301/000001", "ZRZYJ", "unconditional", "published", 1),
        ("10401/000001", "FGW", "unconditional", "published", 1),
    ]
    population = Resource.objects.get(code="10101/000001")
    personal = list(population.items.filter(personal=True).values_list("key", flat=True))
    assert personal == ["id_number", "name", "household_address"]
    with pytest.raises(PermissionDenied):
        services.registry_resources_load(actor=hub.reviewer.actor)


def test_list_filters_and_query_ceiling(hub, django_assert_max_num_queries):
    services.registry_resources_load(actor=SYSTEM)
    with django_assert_max_num_queries(4):
        count, rows = selectors.resource_list(actor=hub.civil_caseworker.actor, q="人口")
    assert (count, [r.code for r in rows]) == (1, ["10101/000001"])
    count, _rows = selectors.resource_list(actor=hub.civil_caseworker.actor, category="theme")
    assert count == 0
