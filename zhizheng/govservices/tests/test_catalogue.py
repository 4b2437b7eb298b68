"""The catalogue: loading the reference data, editing items (permissions, validation, history), the admin."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.test import Client

from zhizheng.accounts.models import User
from zhizheng.core.actor import ANONYMOUS, SYSTEM, Actor, ActorKind
from zhizheng.core.errors import NotFound, PermissionDenied
from zhizheng.govservices.models import LifeEvent, Material, ServiceItem, Theme
from zhizheng.govservices.selectors import catalogue as selectors
from zhizheng.govservices.services import catalogue as services
from zhizheng.govservices.services.catalogue import CatalogueDataInvalid, ItemInvalid

EDITOR = Actor(kind=ActorKind.USER, user_id=990001, display="editor", roles=frozenset({("SJJ", "administrator")}))
CITIZEN = Actor(kind=ActorKind.USER, user_id=990002, display="citizen", user_kind="citizen")
CASEWORKER = Actor(kind=ActorKind.USER, user_id=990003, display="caseworker", roles=frozenset({("GAJ", "caseworker")}))


def test_load_creates_the_whole_catalogue_with_guides(catalogue: services.LoadResult) -> None:
    assert catalogue == services.LoadResult(created=172, updated=0, unchanged=0)
    assert (ServiceItem.objects.count(), LifeEvent.objects.count(), Theme.objects.count()) == (160, 12, 54)
    item = ServiceItem.objects.get(code="SFS-0001")
    assert item.name == "有限责任公司设立登记"
    assert item.department.code == "SCJGJ"
    assert (item.for_individuals, item.for_legal_persons) == (False, True)
    assert (item.statutory_days, item.promised_days, item.max_visits, item.online_level) == (3, 1, 0, 4)
    assert item.steps == ["名称自主申报", "网上申报", "受理", "审核", "核准登记", "发照"]
    assert (item.result_name, item.result_certificate_type) == ("营业执照", "CT-YYZZ")
    assert [t.name for t in item.themes.all()] == ["设立变更"]
    assert item.hall_address.startswith("示范市政务服务中心")
    materials = list(item.materials.order_by("order"))
    assert len(materials) == 8
    assert (materials[2].name, materials[2].certificate_type, materials[2].required) == (
        "自然人股东居民身份证",
        "CT-SFZ",
        True,
    )
    passport = ServiceItem.objects.get(code="SFS-0013")
    assert passport.hall_address.startswith("示范市公安局")
    birth = LifeEvent.objects.get(code="LE-01")
    stages = [(s.order, s.parallel, sorted(i.code for i in s.items.all())) for s in birth.stages.all()]
    assert stages == [
        (1, True, ["SFS-0058", "SFS-0059"]),
        (2, True, ["SFS-0013", "SFS-0060"]),
        (3, True, ["SFS-0050", "SFS-0051", "SFS-0054"]),
    ]


def test_loading_twice_changes_nothing_and_adds_no_history(catalogue: services.LoadResult) -> None:
    history = (ServiceItem.history.count(), Material.history.count(), LifeEvent.history.count())
    materials = list(Material.objects.order_by("pk").values_list("pk", flat=True))

    again = services.catalogue_load(actor=SYSTEM)

    assert again == services.LoadResult(created=0, updated=0, unchanged=172)
    assert (ServiceItem.history.count(), Material.history.count(), LifeEvent.history.count()) == history
    assert list(Material.objects.order_by("pk").values_list("pk", flat=True)) == materials


def test_a_changed_data_file_updates_only_that_item(catalogue: services.LoadResult, tmp_path: Path) -> None:
    for name in ("themes.json", "life_events.json", "service_catalog.json"):
        shutil.copy(services.DATA_DIR / name, tmp_path / name)
    rows = json.loads((tmp_path / "service_catalog.json").read_text(encoding="utf-8"))
    rows[4]["promised_days"] = 3
    rows[4]["materials"].append({"name": "补充说明", "form": "电子文件", "required": False, "source": "申请人自备"})
    (tmp_path / "service_catalog.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")

    result = services.catalogue_load(actor=SYSTEM, data_dir=tmp_path)

    assert result == services.LoadResult(created=0, updated=1, unchanged=171)
    item = ServiceItem.objects.get(code=rows[4]["code"])
    assert item.promised_days == 3
    assert item.materials.order_by("order").last().name == "补充说明"  # type: ignore[union-attr]
    assert item.history.count() == 2


def test_invalid_data_is_rejected_and_nothing_is_written(catalogue: services.LoadResult, tmp_path: Path) -> None:
    for name in ("themes.json", "life_events.json", "service_catalog.json"):
        shutil.copy(services.DATA_DIR / name, tmp_path / name)
    rows = json.loads((tmp_path / "service_catalog.json").read_text(encoding="utf-8"))
    rows[0]["name"] = "改过的名称"
    rows[1]["department"] = "NOPE"
    (tmp_path / "service_catalog.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(CatalogueDataInvalid) as caught:
        services.catalogue_load(actor=SYSTEM, data_dir=tmp_path)

    assert caught.value.code == "govservices.catalogue_data_invalid"
    assert "SFS-0002: department NOPE is not loaded" in caught.value.detail_en
    assert ServiceItem.objects.get(code="SFS-0001").name == "有限责任公司设立登记"


def test_only_the_system_loads_the_catalogue(catalogue: services.LoadResult) -> None:
    history = ServiceItem.history.count()
    with pytest.raises(PermissionDenied):
        services.catalogue_load(actor=EDITOR)
    assert (ServiceItem.objects.count(), ServiceItem.history.count()) == (160, history)


@pytest.mark.parametrize("actor", [ANONYMOUS, CITIZEN, CASEWORKER], ids=["anonymous", "citizen", "caseworker"])
def test_only_catalogue_editors_change_items(catalogue: services.LoadResult, actor: Actor) -> None:
    item = ServiceItem.objects.get(code="SFS-0005")

    with pytest.raises(PermissionDenied):
        services.item_update(actor=actor, item=item, changes={"promised_days": 2})

    item.refresh_from_db()
    assert item.promised_days == 5
    assert item.history.count() == 1


def test_an_editor_changes_an_item_and_history_keeps_both_versions(catalogue: services.LoadResult) -> None:
    item = ServiceItem.objects.get(code="SFS-0005")

    services.item_update(actor=EDITOR, item=item, changes={"promised_days": 2, "max_visits": 1})

    item.refresh_from_db()
    assert (item.promised_days, item.max_visits) == (2, 1)
    versions = list(item.history.order_by("history_date").values_list("promised_days", "max_visits"))
    assert versions == [(5, 0), (2, 1)]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"promised_days": 30}, "__all__"),
        ({"for_individuals": False, "for_legal_persons": False}, "__all__"),
        ({"fee_charged": True, "fee_standard": ""}, "fee_standard"),
        ({"steps": ["受理", ""]}, "steps"),
        ({"code": "SFS-9999"}, "code"),
    ],
    ids=["promised-over-statutory", "no-audience", "fee-without-standard", "blank-step", "not-editable"],
)
def test_invalid_edits_name_the_field_and_change_nothing(
    catalogue: services.LoadResult, changes: dict[str, object], field: str
) -> None:
    item = ServiceItem.objects.get(code="SFS-0005")

    with pytest.raises(ItemInvalid) as caught:
        services.item_update(actor=EDITOR, item=item, changes=changes)

    assert caught.value.status == 422
    assert field in caught.value.field_errors
    fresh = ServiceItem.objects.get(code="SFS-0005")
    assert (fresh.promised_days, fresh.for_individuals, fresh.for_legal_persons, fresh.fee_charged) == (
        5,
        False,
        True,
        False,
    )
    assert fresh.history.count() == 1


def test_unpublished_items_exist_only_for_editors(catalogue: services.LoadResult) -> None:
    ServiceItem.objects.filter(code="SFS-0005").update(published=False)

    for actor in (ANONYMOUS, CITIZEN, CASEWORKER):
        with pytest.raises(NotFound):
            selectors.item_for_code(actor=actor, code="SFS-0005")
        assert selectors.items_list(actor=actor).count() == 159
    assert selectors.item_for_code(actor=EDITOR, code="SFS-0005").code == "SFS-0005"
    assert selectors.items_list(actor=EDITOR).count() == 160


def test_no_material_is_marked_as_held_until_certificates_exist(catalogue: services.LoadResult) -> None:
    assert selectors.held_certificate_types(actor=CITIZEN) == frozenset()


def _admin_post_data(response: object) -> dict[str, object]:
    """The change form as the browser would submit it unchanged (main form and every inline formset)."""
    context = response.context  # type: ignore[attr-defined]
    data: dict[str, object] = {}
    forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        for name, _field in formset.management_form.fields.items():
            data[formset.management_form.add_prefix(name)] = formset.management_form[name].value()
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def test_an_admin_edit_is_kept_in_history_with_its_author_and_reaches_search(
    catalogue: services.LoadResult, client: Client
) -> None:
    admin = User.objects.create_superuser(username="catalogue-admin", password="Zz-test-pass-2026", kind="staff")
    client.force_login(admin)
    url = f"/admin/govservices/serviceitem/{ServiceItem.objects.get(code='SFS-0005').pk}/change/"
    data = _admin_post_data(client.get(url))
    data["name"] = "小餐馆食品经营许可"
    data["materials-0-name"] = "食品经营许可申请书（新版）"

    response = client.post(url, data)

    assert response.status_code == 302, response.content[:3000]
    item = ServiceItem.objects.get(code="SFS-0005")
    assert item.name == "小餐馆食品经营许可"
    assert item.materials.order_by("order").first().name == "食品经营许可申请书（新版）"  # type: ignore[union-attr]
    latest = item.history.latest()
    assert (latest.name, latest.history_user_id) == ("小餐馆食品经营许可", admin.pk)
    assert Material.history.filter(name="食品经营许可申请书（新版）").count() == 1
    history_page = client.get(f"{url[: -len('change/')]}history/")
    assert "小餐馆食品经营许可" in history_page.content.decode()
    assert [h.code for h in selectors.service_search(actor=ANONYMOUS, query="小餐馆食品经营许可", limit=1)] == [
        "SFS-0005"
    ]
