"""The resource catalogue: create and edit entries under the GB/T 21063 rules, review and publish them (each
publication a version row), and register the base-registry resources."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhizheng.core.actor import Actor
from zhizheng.core.errors import ValidationFailed
from zhizheng.datahub.choices import (
    CATEGORY_DIGIT,
    Category,
    DataType,
    Format,
    OpenType,
    ShareType,
    Source,
    Status,
    UpdateCycle,
)
from zhizheng.datahub.errors import (
    BaseMustBeUnconditional,
    BasisRequired,
    CatalogueRuleBroken,
    ConditionsRequired,
    TransitionNotAllowed,
)
from zhizheng.datahub.models import InfoItem, Resource, ResourceVersion
from zhizheng.datahub.permissions import Perm, policy
from zhizheng.ledger import services as ledger
from zhizheng.orgs.models import Department

CLASS_CODE = re.compile(r"^[123]\d{2}(\d{2}(\d{3})?)?$")
"""类 (the category digit), 项 (two digits), 目 (two digits, optional), 细目 (three digits, optional)."""
RESOURCE_CODE = re.compile(r"^[123]\d{2}(\d{2}(\d{3})?)?/\d{6}$")
ITEM_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True, slots=True)
class ItemSpec:
    key: str
    name: str
    data_type: str
    personal: bool = False


@dataclass(frozen=True, slots=True)
class ResourceSpec:
    """What an officer states about a resource. ``code`` is assigned (class code "/" next sequence number)."""

    category: str
    class_code: str
    name: str
    provider_code: str
    summary: str
    format: str
    share_type: str
    open_type: str
    update_cycle: str
    items: Sequence[ItemSpec] = ()
    share_conditions: str = ""
    share_method: str = ""
    not_shared_basis: str = ""
    related_codes: Sequence[str] = ()
    source: str = ""


def _choice_errors(spec: ResourceSpec) -> dict[str, list[str | Promise]]:
    errors: dict[str, list[str | Promise]] = {}
    checks = (
        ("category", spec.category, Category.values),
        ("format", spec.format, Format.values),
        ("share_type", spec.share_type, ShareType.values),
        ("open_type", spec.open_type, OpenType.values),
        ("update_cycle", spec.update_cycle, UpdateCycle.values),
        ("source", spec.source, Source.values),
    )
    for name, value, allowed in checks:
        if value not in allowed:
            errors[name] = [_("Choose one of the listed values.")]
    if not CLASS_CODE.match(spec.class_code):
        errors["class_code"] = [_("The class code is 类 (1, 2 or 3), 项 (2 digits), then 目 (2) and 细目 (3).")]
    elif spec.category in CATEGORY_DIGIT and spec.class_code[0] != CATEGORY_DIGIT[Category(spec.category)]:
        errors["class_code"] = [_("The class code must start with the digit of its category (基础 1, 主题 2, 部门 3).")]
    for name in ("name", "summary"):
        if not getattr(spec, name).strip():
            errors[name] = [_("This field is required.")]
    bad_codes = [code for code in spec.related_codes if not RESOURCE_CODE.match(code)]
    if bad_codes:
        errors["related_codes"] = [_("Related codes look like 10101/000001.")]
    if not spec.items:
        errors["items"] = [_("List at least one information item.")]
    keys = [item.key for item in spec.items]
    if len(set(keys)) != len(keys):
        errors.setdefault("items", []).append(_("Each information item needs its own key."))
    for item in spec.items:
        if not ITEM_KEY.match(item.key) or not item.name.strip() or item.data_type not in DataType.values:
            errors.setdefault("items", []).append(
                _("Each item has a key (lower-case letters, digits, _), a name and a type C/N/Y/D/T/L/M/G/B/I/F.")
            )
            break
    return errors


def _check(spec: ResourceSpec) -> None:
    """Raise the first broken rule: malformed fields, then the three sharing rules of the guide."""
    errors = _choice_errors(spec)
    if errors:
        raise CatalogueRuleBroken(field_errors=errors)
    if spec.category == Category.BASE and spec.share_type != ShareType.UNCONDITIONAL:
        raise BaseMustBeUnconditional(field_errors={"share_type": [BaseMustBeUnconditional.message]})
    if spec.share_type == ShareType.CONDITIONAL and not spec.share_conditions.strip():
        raise ConditionsRequired(field_errors={"share_conditions": [ConditionsRequired.message]})
    if spec.share_type == ShareType.NOT_SHARED and not spec.not_shared_basis.strip():
        raise BasisRequired(field_errors={"not_shared_basis": [BasisRequired.message]})


def _provider(code: str) -> Department:
    found = Department.objects.filter(code=code).first()
    if found is None:
        raise ValidationFailed(field_errors={"provider_code": [_("No department has this code.")]})
    return found


CODE_ATTEMPTS = 5
"""Inserts tried with a fresh sequence number before ``resource_create`` gives up (see ``_save_with_next_code``)."""


def _next_code(class_code: str) -> str:
    """The class's next code: one past the highest sequence number among the codes that start with the class.

    Sequence numbers are six zero-padded digits, so the highest code is the highest number: one indexed lookup,
    however many entries the class has."""
    highest = Resource.objects.filter(code__startswith=f"{class_code}/").aggregate(highest=Max("code"))["highest"]
    number = int(highest.split("/")[1]) if highest else 0
    return f"{class_code}/{number + 1:06d}"


def _save_with_next_code(resource: Resource, class_code: str) -> None:
    """Insert ``resource`` under the class's next free code, even while another request inserts into the same class.

    Two transactions can read the same highest code; the unique constraint on ``code`` lets only one insert it.
    The other one's insert fails (on PostgreSQL it waits for the first to commit, then fails), inside a savepoint
    so its transaction goes on: it reads the highest code again, now seeing the committed one, and takes the next.
    SQLite's IMMEDIATE transactions serialise writers, so there the first read is already right."""
    for attempt in range(1, CODE_ATTEMPTS + 1):
        code = _next_code(class_code)
        resource.code = code
        try:
            with transaction.atomic():
                resource.save(force_insert=True)
            return
        except IntegrityError:
            resource.pk = None
            if attempt == CODE_ATTEMPTS or not Resource.objects.filter(code=code).exists():
                raise  # out of attempts, or a constraint other than the code's


def _apply(resource: Resource, spec: ResourceSpec, provider: Department) -> None:
    resource.category = spec.category
    resource.class_code = spec.class_code
    resource.name = spec.name.strip()
    resource.provider = provider
    resource.summary = spec.summary.strip()
    resource.format = spec.format
    resource.share_type = spec.share_type
    resource.share_conditions = spec.share_conditions.strip() if spec.share_type == ShareType.CONDITIONAL else ""
    resource.share_method = spec.share_method.strip()
    resource.not_shared_basis = spec.not_shared_basis.strip() if spec.share_type == ShareType.NOT_SHARED else ""
    resource.open_type = spec.open_type
    resource.update_cycle = spec.update_cycle
    resource.related_codes = list(spec.related_codes)
    resource.source = spec.source


def _write_items(resource: Resource, items: Sequence[ItemSpec]) -> None:
    resource.items.all().delete()
    InfoItem.objects.bulk_create(
        InfoItem(
            resource=resource,
            position=index,
            key=item.key,
            name=item.name.strip(),
            data_type=item.data_type,
            personal=item.personal,
        )
        for index, item in enumerate(items, start=1)
    )


@transaction.atomic
def resource_create(*, actor: Actor, spec: ResourceSpec) -> Resource:
    """A draft catalogue entry, by the provider's data officer (or the data office's)."""
    policy.require(actor, Perm.EDIT, spec)
    _check(spec)
    provider = _provider(spec.provider_code)
    resource = Resource(status=Status.DRAFT)
    _apply(resource, spec, provider)
    _save_with_next_code(resource, spec.class_code)
    _write_items(resource, spec.items)
    ledger.record(actor=actor, act="datahub.resource.created", subject=resource, payload={"code": resource.code})
    return resource


@transaction.atomic
def resource_update(*, actor: Actor, resource: Resource, spec: ResourceSpec) -> Resource:
    """Change an entry. A published entry goes back to draft until its next publication (a new version)."""
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    policy.require(actor, Perm.EDIT, resource)
    policy.require(actor, Perm.EDIT, spec)
    if resource.status == Status.IN_REVIEW:
        raise TransitionNotAllowed(params={"status": Status(resource.status).label})
    if spec.class_code != resource.class_code:
        raise ValidationFailed(field_errors={"class_code": [_("The class code of an entry cannot change.")]})
    _check(spec)
    _apply(resource, spec, _provider(spec.provider_code))
    resource.status = Status.DRAFT
    resource.save()
    _write_items(resource, spec.items)
    ledger.record(actor=actor, act="datahub.resource.changed", subject=resource, payload={"code": resource.code})
    return resource


def _move(
    actor: Actor, resource: Resource, perm: Perm, source: str, target: str, act: str, reason: str = ""
) -> Resource:
    locked = Resource.objects.select_for_update().get(pk=resource.pk)
    policy.require(actor, perm, locked)
    if locked.status != source:
        raise TransitionNotAllowed(params={"status": Status(locked.status).label})
    locked.status = target
    payload: dict[str, Any] = {"code": locked.code, "to": target}
    if reason:
        payload["reason"] = reason
    if target == Status.PUBLISHED:
        locked.version += 1
        locked.published_on = timezone.localdate()
        payload["version"] = locked.version
    locked.save()
    if target == Status.PUBLISHED:
        ResourceVersion.objects.create(
            resource=locked, number=locked.version, snapshot=resource_snapshot(locked), published_by=actor.ref
        )
    ledger.record(actor=actor, act=act, subject=locked, payload=payload)
    return locked


def resource_snapshot(resource: Resource) -> dict[str, Any]:
    """The entry as published (JSON)."""
    return {
        "code": resource.code,
        "category": resource.category,
        "name": resource.name,
        "provider_code": resource.provider.code,
        "summary": resource.summary,
        "format": resource.format,
        "share_type": resource.share_type,
        "share_conditions": resource.share_conditions,
        "share_method": resource.share_method,
        "not_shared_basis": resource.not_shared_basis,
        "open_type": resource.open_type,
        "update_cycle": resource.update_cycle,
        "published_on": resource.published_on.isoformat() if resource.published_on else None,
        "related_codes": list(resource.related_codes),
        "items": [
            {"key": i.key, "name": i.name, "data_type": i.data_type, "personal": i.personal}
            for i in resource.items.all()
        ],
    }


@transaction.atomic
def resource_submit(*, actor: Actor, resource: Resource) -> Resource:
    """Draft → in review (by an editor)."""
    return _move(actor, resource, Perm.EDIT, Status.DRAFT, Status.IN_REVIEW, "datahub.resource.submitted")


@transaction.atomic
def resource_publish(*, actor: Actor, resource: Resource) -> Resource:
    """In review → published (a data officer of the data office), writing the next version."""
    return _move(actor, resource, Perm.REVIEW, Status.IN_REVIEW, Status.PUBLISHED, "datahub.resource.published")


@transaction.atomic
def resource_register(*, actor: Actor, spec: ResourceSpec) -> Resource:
    """Create, submit and publish an entry in one act of the system: the resources the platform serves itself (the
    base registries, the demo tables) are catalogued without a reviewer. The steps are the ordinary ones, so each is
    checked and recorded in the ledger as if a person had taken it."""
    resource = resource_create(actor=actor, spec=spec)
    resource = resource_submit(actor=actor, resource=resource)
    return resource_publish(actor=actor, resource=resource)


@transaction.atomic
def resource_return(*, actor: Actor, resource: Resource, reason: str) -> Resource:
    """In review → draft with the reviewer's reason."""
    if not reason.strip():
        raise ValidationFailed(field_errors={"reason": [_("Say what must change.")]})
    return _move(
        actor, resource, Perm.REVIEW, Status.IN_REVIEW, Status.DRAFT, "datahub.resource.returned", reason.strip()
    )
