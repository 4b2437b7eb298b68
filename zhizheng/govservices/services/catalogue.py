"""State changes of the service catalogue: loading the reference data, editing items, recording search clicks.

Every change of what search indexes moves the ``CatalogueRevision`` token in the same transaction; after commit
this process updates its own index (``selectors.search_index_apply``), and other processes notice the new token
on their next search (see docs/govservices.md, "Search in several processes")."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from zhizheng.core.actor import Actor
from zhizheng.core.errors import NotFound, ValidationFailed
from zhizheng.govservices.choices import Audience
from zhizheng.govservices.models import (
    CatalogueRevision,
    ClickCount,
    LifeEvent,
    LifeEventStage,
    Material,
    ServiceItem,
    Theme,
)
from zhizheng.govservices.permissions import Perm, policy
from zhizheng.govservices.search.clicks import click_key
from zhizheng.govservices.selectors import catalogue as selectors
from zhizheng.orgs.models import Department

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

HALLS: dict[str, tuple[str, str]] = {
    # Department code → (hall, hours) for departments with their own hall; the rest serve at the city centre.
    "GAJ": ("示范市公安局行政服务大厅（东城区府前街12号）", "周一至周五 9:00—12:00，13:30—17:00；周六 9:00—12:00"),
    "BDCDJZX": ("示范市不动产登记中心（南湖区湖滨路88号）", "周一至周五 9:00—12:00，13:30—17:30"),
    "GJJZX": ("示范市住房公积金管理中心服务大厅（西城区建设路56号）", "周一至周五 9:00—12:00，13:30—17:00"),
    "SWJ": ("示范市税务局第一办税服务厅（东城区人民路200号）", "周一至周五 9:00—12:00，13:30—17:30"),
}
CITY_HALL = (
    "示范市政务服务中心（东城区府前街1号 市民中心）",
    "周一至周五 9:00—12:00，13:30—17:30；周六 9:00—12:00（工作日延时服务至 19:00）",
)

ITEM_EDITABLE = frozenset(
    {
        "name", "item_type", "department", "for_individuals", "for_legal_persons", "legal_basis", "processing_kind",
        "statutory_days", "promised_days", "max_visits", "online_level", "fee_charged", "fee_standard", "fee_basis",
        "conditions", "keywords", "description", "steps", "result_name", "result_certificate_type", "hall_address",
        "hall_hours", "published",
    }
)  # fmt: skip


class CatalogueDataInvalid(ValidationFailed):
    code = "govservices.catalogue_data_invalid"
    message = _("The catalogue data is invalid: %(reason)s")


class ItemInvalid(ValidationFailed):
    code = "govservices.item_invalid"
    message = _("The service item cannot be saved: correct the fields named.")


@dataclass(frozen=True, slots=True)
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


# --- revision and index --------------------------------------------------------------------------------------------


def _revision_move() -> tuple[str, str]:
    """Give the catalogue a new revision token (row-locked: concurrent edits queue); return (old, new)."""
    row, _created = CatalogueRevision.objects.select_for_update().get_or_create(pk=1)
    old, new = row.token, uuid.uuid4().hex
    CatalogueRevision.objects.filter(pk=1).update(token=new, number=F("number") + 1)
    return old, new


def _after_commit(*, old: str, new: str, codes: tuple[str, ...] = (), rebuild: bool = False) -> None:
    transaction.on_commit(lambda: selectors.search_index_apply(old=old, new=new, codes=codes, rebuild=rebuild))


# --- loading the reference catalogue -------------------------------------------------------------------------------


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CatalogueDataInvalid(params={"reason": f"{path.name}: {exc}"}) from exc


def _audience_flags(values: list[str], where: str) -> dict[str, bool]:
    unknown = [v for v in values if v not in Audience.values]
    if unknown or not values:
        raise CatalogueDataInvalid(params={"reason": f"{where}: audience {values!r}"})
    return {
        "for_individuals": Audience.INDIVIDUAL.value in values,
        "for_legal_persons": Audience.LEGAL_PERSON.value in values,
    }


def _item_values(row: Mapping[str, Any], departments: Mapping[str, Department]) -> dict[str, Any]:
    department = departments.get(row["department"])
    if department is None:
        raise CatalogueDataInvalid(params={"reason": f"{row['code']}: department {row['department']} is not loaded"})
    hall, hours = HALLS.get(department.code, CITY_HALL)
    fee = row.get("fee") or {}
    result = row.get("result") or {}
    return {
        "name": row["name"],
        "item_type": row["item_type"],
        "department": department,
        **_audience_flags(list(row.get("audience") or []), row["code"]),
        "legal_basis": list(row.get("legal_basis") or []),
        "processing_kind": row["processing_kind"],
        "statutory_days": row["statutory_days"],
        "promised_days": row["promised_days"],
        "max_visits": row["max_visits"],
        "online_level": row["online_level"],
        "fee_charged": bool(fee.get("charged")),
        "fee_standard": fee.get("standard") or "",
        "fee_basis": fee.get("basis") or "",
        "conditions": row.get("conditions") or "",
        "keywords": list(row.get("keywords") or []),
        "description": row.get("description") or "",
        "steps": list(row.get("steps") or []),
        "result_name": result.get("name") or "",
        "result_certificate_type": result.get("certificate_type") or "",
        "hall_address": hall,
        "hall_hours": hours,
    }


def _material_rows(row: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (
            m["name"], m["form"], bool(m.get("required")), m["source"], m.get("certificate_type") or "",
            m.get("note") or "", order,
        )
        for order, m in enumerate(row.get("materials") or [], start=1)
    ]  # fmt: skip


def _check(instance: Any, where: str, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise CatalogueDataInvalid(params={"reason": f"{where}: {'; '.join(exc.messages)}"}) from exc


@transaction.atomic
def catalogue_load(*, actor: Actor, data_dir: Path | None = None) -> LoadResult:
    """Create or update themes, items (with their materials) and life events from the catalogue's JSON files.

    Departments must be loaded first. Rows that have not changed are not written (so a second run adds no
    history); items missing from the files are left alone. Any invalid row rolls the whole load back."""
    policy.require(actor, Perm.LOAD_CATALOGUE)
    folder = data_dir or DATA_DIR
    themes_data = _read(folder / "themes.json")
    items_data = _read(folder / "service_catalog.json")
    events_data = _read(folder / "life_events.json")
    created = updated = unchanged = 0

    themes: dict[tuple[str, str], Theme] = {(t.audience, t.name): t for t in Theme.objects.all()}
    for audience, names in themes_data.items():
        if audience not in Audience.values:
            raise CatalogueDataInvalid(params={"reason": f"themes.json: audience {audience}"})
        for order, name in enumerate(names, start=1):
            theme = themes.get((audience, name))
            if theme is None:
                themes[(audience, name)] = Theme.objects.create(audience=audience, name=name, order=order)
            elif theme.order != order:
                theme.order = order
                theme.save(update_fields=["order"])

    departments = {d.code: d for d in Department.objects.all()}
    existing = {i.code: i for i in ServiceItem.objects.prefetch_related("materials", "themes")}
    changed_codes: list[str] = []
    new_materials: list[Material] = []
    new_items: list[ServiceItem] = []
    new_theme_links: list[tuple[ServiceItem, int]] = []
    for row in items_data:
        code = row["code"]
        values = _item_values(row, departments)
        item = existing.get(code)
        is_new = item is None
        if item is None:
            item = ServiceItem(code=code, **values)
            dirty = list(values)
        else:
            dirty = [k for k, v in values.items() if getattr(item, k) != v]
            for key in dirty:
                setattr(item, key, values[key])
        _check(item, code)
        if is_new:
            new_items.append(item)  # created in bulk below, with their history
        elif dirty:
            item.save(update_fields=[*dirty, "updated_at"])
        materials = _material_rows(row)
        current = [
            (m.name, m.form, m.required, m.source, m.certificate_type, m.note, m.order)
            for m in (item.materials.all() if not is_new else [])
        ]
        if materials != current:
            if not is_new:
                item.materials.all().delete()
            for name, form, required, source, certificate, note, order in materials:
                material = Material(
                    item=item, name=name, form=form, required=required, source=source,
                    certificate_type=certificate, note=note, order=order,
                )  # fmt: skip
                _check(material, f"{code} material {name}", exclude=["item"])
                new_materials.append(material)
        wanted_themes: set[int] = set()
        for name in row.get("themes") or []:
            matches = [themes[(a, name)] for a in item.audience if (a, name) in themes]
            if not matches:
                raise CatalogueDataInvalid(params={"reason": f"{code}: theme {name} is not in themes.json"})
            wanted_themes.update(t.pk for t in matches)
        if is_new:
            new_theme_links.extend((item, pk) for pk in sorted(wanted_themes))
            created += 1
            changed_codes.append(code)
            continue
        have_themes = {t.pk for t in item.themes.all()}
        if wanted_themes != have_themes:
            item.themes.set(wanted_themes)
        if dirty or materials != current or wanted_themes != have_themes:
            updated += 1
            changed_codes.append(code)
        else:
            unchanged += 1

    bulk_create_with_history(new_items, ServiceItem, batch_size=500)
    for material in new_materials:
        material.item_id = material.item.pk
    ServiceItem.themes.through.objects.bulk_create(
        [ServiceItem.themes.through(serviceitem_id=item.pk, theme_id=pk) for item, pk in new_theme_links]
    )
    bulk_create_with_history(new_materials, Material, batch_size=500)
    items_by_code = {i.code: i for i in ServiceItem.objects.all()}
    events = {e.code: e for e in LifeEvent.objects.prefetch_related("stages__items")}
    for row in events_data:
        values = {
            "name": row["name"],
            "description": row.get("description") or "",
            **_audience_flags(list(row.get("audience") or []), row["code"]),
        }
        stages = []
        for stage in row.get("stages") or []:
            missing = [c for c in stage["items"] if c not in items_by_code]
            if missing:
                raise CatalogueDataInvalid(params={"reason": f"{row['code']}: unknown items {', '.join(missing)}"})
            stages.append((int(stage["order"]), bool(stage.get("parallel")), sorted(stage["items"])))
        event = events.get(row["code"])
        if event is None:
            event = LifeEvent(code=row["code"], **values)
            _check(event, row["code"])
            event.save()
            current_stages: list[tuple[int, bool, list[str]]] = []
            created += 1
            is_changed = True
        else:
            dirty = [k for k, v in values.items() if getattr(event, k) != v]
            for key in dirty:
                setattr(event, key, values[key])
            if dirty:
                _check(event, row["code"])
                event.save(update_fields=dirty)
            current_stages = [(s.order, s.parallel, sorted(i.code for i in s.items.all())) for s in event.stages.all()]
            is_changed = bool(dirty) or current_stages != stages
            if is_changed:
                updated += 1
            else:
                unchanged += 1
        if current_stages != stages:
            event.stages.all().delete()
            for order, parallel, codes in stages:
                stage_row = LifeEventStage.objects.create(event=event, order=order, parallel=parallel)
                stage_row.items.set([items_by_code[c] for c in codes])
        if is_changed:
            changed_codes.append(event.code)

    if changed_codes:
        old, new = _revision_move()
        _after_commit(old=old, new=new, rebuild=True)
    return LoadResult(created=created, updated=updated, unchanged=unchanged)


# --- editing items -------------------------------------------------------------------------------------------------


@transaction.atomic
def item_save(*, actor: Actor, item: ServiceItem) -> ServiceItem:
    """Validate and save an item as edited (in the admin, by a program); search re-indexes it after commit.

    The admin saves the item's materials and themes in the same transaction, before the commit, so the index
    sees them too. History (django-simple-history) records who changed what."""
    policy.require(actor, Perm.EDIT_ITEM, item)
    try:
        item.full_clean()
    except ValidationError as exc:
        raise ItemInvalid(field_errors={k: list(v) for k, v in exc.message_dict.items()}) from exc
    item.save()
    old, new = _revision_move()
    _after_commit(old=old, new=new, codes=(item.code,))
    return item


@transaction.atomic
def item_update(*, actor: Actor, item: ServiceItem, changes: Mapping[str, Any]) -> ServiceItem:
    """Change the named fields of an item (only those in ``ITEM_EDITABLE``) and save it through ``item_save``."""
    policy.require(actor, Perm.EDIT_ITEM, item)
    unknown = sorted(set(changes) - ITEM_EDITABLE)
    if unknown:
        raise ItemInvalid(field_errors={name: [_("This field cannot be changed.")] for name in unknown})
    for name, value in changes.items():
        setattr(item, name, value)
    return item_save(actor=actor, item=item)


# --- search clicks -------------------------------------------------------------------------------------------------


@transaction.atomic
def search_click_record(*, actor: Actor, query: str, code: str) -> ClickCount:
    """Someone who searched ``query`` opened the item or life event ``code``; it counts as a prior for that
    query (a bounded boost, see docs/search.md). Anyone may click; an unknown or hidden code is 404."""
    key = click_key(query)
    if not selectors.searchable_code_exists(actor=actor, code=code):
        raise NotFound()
    row, _created = ClickCount.objects.select_for_update().get_or_create(query_norm=key[:100], code=code)
    ClickCount.objects.filter(pk=row.pk).update(count=F("count") + 1)
    row.refresh_from_db(fields=["count"])
    return row
