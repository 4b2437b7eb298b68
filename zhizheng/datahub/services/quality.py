"""Data-quality rules of uploaded tables: defined as validated JSON, run in the database after each import and on a
schedule, scored per resource (and per department in ``selectors``).

Rule kinds (every rule names a ``column`` except ``freshness``, where it is optional):

| kind | extra keys | a row fails when |
|---|---|---|
| ``not_null`` | | the value is empty |
| ``unique`` | | another row has the same value |
| ``range`` | ``min`` and/or ``max`` | the value is outside [min, max] |
| ``pattern`` | ``regex`` | the value does not match |
| ``allowed`` | ``values`` | the value is not one of them |
| ``reference`` | ``registry``: ``spatial_unit`` or ``legal_person`` | no registry record has that code |
| ``id_number`` / ``uscc`` | | the check character (GB 11643 / GB 32100) is wrong |
| ``freshness`` | | the table (or the newest date in ``column``) is older than the update cycle allows |

All kinds but the two check-character rules are one SQL aggregate each (``COUNT`` over a filter, ``GROUP BY`` for
``unique``, a subquery into the registry for ``reference``); the check characters are computed over that one
column, streamed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from zhizheng.core.actor import Actor
from zhizheng.core.validators import check_id_number, check_uscc
from zhizheng.datahub.choices import QualityTrigger, UpdateCycle
from zhizheng.datahub.errors import QualityRulesInvalid, lazy_format
from zhizheng.datahub.models import ColumnSpec, DatastoreTable, QualityRuleSet, QualityRun, Resource
from zhizheng.datahub.permissions import Perm, policy
from zhizheng.ledger import services as ledger
from zhizheng.registries import selectors as registry

CYCLE_DAYS: dict[str, int] = {
    UpdateCycle.REALTIME: 1,
    UpdateCycle.DAILY: 2,
    UpdateCycle.WEEKLY: 8,
    UpdateCycle.MONTHLY: 32,
    UpdateCycle.QUARTERLY: 93,
    UpdateCycle.HALF_YEARLY: 184,
    UpdateCycle.YEARLY: 366,
}
"""Days after which a resource is stale, by its update cycle (a day of grace included)."""
MAX_RULES = 50
FAILING_IDS_KEPT = 10_000


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    column: str = Field(min_length=1, max_length=63)


class NotNull(_Rule):
    kind: Literal["not_null"]


class Unique(_Rule):
    kind: Literal["unique"]


class Range(_Rule):
    kind: Literal["range"]
    min: float | str | None = None
    max: float | str | None = None


class Pattern(_Rule):
    kind: Literal["pattern"]
    regex: str = Field(min_length=1, max_length=500)


class Allowed(_Rule):
    kind: Literal["allowed"]
    values: list[str | int | float | bool] = Field(min_length=1, max_length=1000)


class Reference(_Rule):
    kind: Literal["reference"]
    registry: Literal["spatial_unit", "legal_person"]


class IdNumber(_Rule):
    kind: Literal["id_number"]


class Uscc(_Rule):
    kind: Literal["uscc"]


class Freshness(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["freshness"]
    column: str | None = None


Rule = Annotated[
    NotNull | Unique | Range | Pattern | Allowed | Reference | IdNumber | Uscc | Freshness,
    Field(discriminator="kind"),
]
RULES = TypeAdapter(list[Rule])

_PYDANTIC_MESSAGES = {
    "extra_forbidden": _("unknown key"),
    "missing": _("this key is required"),
    "union_tag_invalid": _(
        "unknown kind (not_null, unique, range, pattern, allowed, reference, id_number, uscc, freshness)"
    ),
    "union_tag_not_found": _("each rule needs a “kind”"),
    "literal_error": _("not one of the allowed values"),
}
_INVALID_VALUE = _("invalid value")
_NO_COLUMN = _("the table has no column “%(name)s”")
_BAD_REGEX = _("the regular expression is not valid")
_RANGE_EMPTY = _("give min, max or both, with min ≤ max")
_RANGE_TYPE = _("range applies to number and date columns")
_TOO_MANY = _("at most %(count)s rules")


def _pydantic_errors(error: ValidationError) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for item in error.errors():
        loc = [p for p in item["loc"] if isinstance(p, int) or p not in _KIND_TAGS]
        key = "rules" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)
        out.setdefault(key, []).append(_PYDANTIC_MESSAGES.get(item["type"], _INVALID_VALUE))
    return out


_KIND_TAGS = frozenset(
    {"not_null", "unique", "range", "pattern", "allowed", "reference", "id_number", "uscc", "freshness"}
)


def _columns(resource: Resource) -> dict[str, ColumnSpec]:
    table = DatastoreTable.objects.filter(resource=resource).first()
    if table is not None:
        return {c.name: c for c in table.specs}
    return {item.key: ColumnSpec(item.key, item.name, item.data_type) for item in resource.items.all()}


def rules_validate(resource: Resource, document: Any) -> list[Any]:
    """Parse a JSON list of rules: unknown keys or kinds, missing keys, unknown columns, bad regular expressions
    and empty ranges are each a 422 naming the rule and key."""
    if isinstance(document, list) and len(document) > MAX_RULES:
        raise QualityRulesInvalid(field_errors={"rules": [lazy_format(_TOO_MANY, count=MAX_RULES)]})
    try:
        rules = RULES.validate_python(document)
    except ValidationError as error:
        raise QualityRulesInvalid(field_errors=_pydantic_errors(error)) from None
    columns = _columns(resource)
    errors: dict[str, list[Any]] = {}
    for index, rule in enumerate(rules):
        where = f"rules[{index}]"
        if rule.column is not None and rule.column not in columns:
            errors.setdefault(f"{where}.column", []).append(lazy_format(_NO_COLUMN, name=rule.column))
            continue
        if isinstance(rule, Pattern):
            try:
                re.compile(rule.regex)
            except re.error:
                errors.setdefault(f"{where}.regex", []).append(_BAD_REGEX)
        if isinstance(rule, Range):
            kind = columns[rule.column].data_type
            if kind not in ("N", "F", "Y", "I", "D", "T"):
                errors.setdefault(f"{where}.column", []).append(_RANGE_TYPE)
            elif rule.min is None and rule.max is None:
                errors.setdefault(where, []).append(_RANGE_EMPTY)
            else:
                try:
                    low, high = _bound(kind, rule.min), _bound(kind, rule.max)
                except ValueError:
                    errors.setdefault(where, []).append(_INVALID_VALUE)
                else:
                    if low is not None and high is not None and low > high:
                        errors.setdefault(where, []).append(_RANGE_EMPTY)
    if errors:
        raise QualityRulesInvalid(field_errors=errors)
    return rules


def _bound(kind: str, value: float | str | None) -> Any:
    if value is None:
        return None
    if kind in ("D", "T"):
        return dt.date.fromisoformat(str(value)) if kind == "D" else dt.datetime.fromisoformat(str(value))
    return float(value)


@transaction.atomic
def quality_rules_set(*, actor: Actor, resource: Resource, rules: Any) -> QualityRuleSet:
    """Replace the resource's rules (the provider's data officer; ledger ``datahub.quality_rules.changed``)."""
    policy.require(actor, Perm.EDIT, resource)
    parsed = rules_validate(resource, rules)
    document = [rule.model_dump(exclude_none=True) for rule in parsed]
    ruleset, _created = QualityRuleSet.objects.update_or_create(
        resource=resource, defaults={"rules": document, "updated_by": actor.ref}
    )
    ledger.record(
        actor=actor,
        act="datahub.quality_rules.changed",
        subject=resource,
        payload={"code": resource.code, "rules": document},
    )
    return ruleset


# --- Running the rules ------------------------------------------------------------------------------------------


def failing_filter(rule: dict[str, Any], queryset: QuerySet[Any], columns: dict[str, ColumnSpec]) -> Q | None:
    """The database filter of the rows that break ``rule`` (None: not expressible in SQL)."""
    kind, column = rule["kind"], rule.get("column")
    if kind == "freshness" or kind in ("id_number", "uscc"):
        return None
    assert column is not None
    present = Q(**{f"{column}__isnull": False})
    if kind == "not_null":
        empty = Q(**{f"{column}__isnull": True})
        return empty | Q(**{column: ""}) if columns[column].data_type in ("C", "M") else empty
    if kind == "unique":
        repeated = queryset.values(column).annotate(n=Count("pk")).filter(n__gt=1).values(column)
        return Q(**{f"{column}__in": repeated})
    if kind == "range":
        data_type = columns[column].data_type
        low, high = _bound(data_type, rule.get("min")), _bound(data_type, rule.get("max"))
        outside = Q(pk__in=[])
        if low is not None:
            outside |= Q(**{f"{column}__lt": low})
        if high is not None:
            outside |= Q(**{f"{column}__gt": high})
        return outside
    if kind == "pattern":
        return present & ~Q(**{f"{column}__regex": rule["regex"]})
    if kind == "allowed":
        return present & ~Q(**{f"{column}__in": rule["values"]})
    if kind == "reference":
        codes = (
            registry.spatial_unit_table().values("code")
            if rule["registry"] == "spatial_unit"
            else registry.legal_person_codes()
        )
        return present & ~Q(**{f"{column}__in": codes})
    raise ValueError(kind)  # pragma: no cover - validation admits only the kinds above


def _check_characters(rule: dict[str, Any], queryset: QuerySet[Any]) -> tuple[int, list[int]]:
    column = rule["column"]
    check = check_id_number if rule["kind"] == "id_number" else check_uscc
    failed = 0
    ids: list[int] = []
    rows = queryset.filter(**{f"{column}__isnull": False}).values_list("pk", column).order_by("pk")
    for pk, value in rows.iterator(chunk_size=10_000):
        if value != "" and not check(value).valid:
            failed += 1
            if len(ids) < FAILING_IDS_KEPT:
                ids.append(pk)
    return failed, ids


def _freshness(rule: dict[str, Any], table: DatastoreTable, queryset: QuerySet[Any]) -> tuple[bool, str]:
    column = rule.get("column")
    newest: dt.date | dt.datetime | None
    newest = queryset.aggregate(newest=Max(column))["newest"] if column else table.imported_at
    if newest is None:
        return False, ""
    day = timezone.localtime(newest).date() if isinstance(newest, dt.datetime) else newest
    age = (timezone.localdate() - day).days
    return age <= CYCLE_DAYS.get(table.resource.update_cycle, 366), day.isoformat()


@dataclass(frozen=True, slots=True)
class RuleResult:
    index: int
    kind: str
    column: str | None
    checked: int
    failed: int


def quality_run(*, actor: Actor, resource: Resource, trigger: str = QualityTrigger.MANUAL) -> QualityRun | None:
    """Run the resource's rules on its table; None when it has no rules or no table."""
    if trigger == QualityTrigger.MANUAL or not actor.is_system:
        policy.require(actor, Perm.EDIT, resource)
    ruleset = QualityRuleSet.objects.filter(resource=resource).first()
    table = DatastoreTable.objects.select_related("resource").filter(resource=resource).first()
    if ruleset is None or table is None or not ruleset.rules:
        return None
    columns = {c.name: c for c in table.specs}
    queryset = table.row_model()._default_manager.all()
    total = queryset.count()
    results: list[dict[str, Any]] = []
    ratios: list[float] = []
    for index, rule in enumerate(ruleset.rules):
        entry: dict[str, Any] = {"index": index, "kind": rule["kind"], "column": rule.get("column")}
        if rule.get("column") and rule["column"] not in columns:
            entry |= {"checked": 0, "failed": 0, "skipped": True}
            results.append(entry)
            continue
        if rule["kind"] == "freshness":
            fresh, newest = _freshness(rule, table, queryset)
            entry |= {"checked": 1, "failed": 0 if fresh else 1, "newest": newest}
        elif rule["kind"] in ("id_number", "uscc"):
            failed, ids = _check_characters(rule, queryset)
            entry |= {"checked": total, "failed": failed, "failing_ids": ids}
        else:
            condition = failing_filter(rule, queryset, columns)
            failed = queryset.filter(condition).count() if condition is not None else 0
            entry |= {"checked": total, "failed": failed}
        results.append(entry)
        if entry["checked"]:
            ratios.append(1 - entry["failed"] / entry["checked"])
    score = round(100 * sum(ratios) / len(ratios), 1) if ratios else 100.0
    return QualityRun.objects.create(resource=resource, trigger=trigger, rows=total, score=score, results=results)


def quality_run_scheduled(*, actor: Actor) -> int:
    """Run the rules of every resource that has rules and a table (the daily Celery beat job)."""
    count = 0
    for resource in Resource.objects.filter(quality_rules__isnull=False, datastore__isnull=False):
        if quality_run(actor=actor, resource=resource, trigger=QualityTrigger.SCHEDULE) is not None:
            count += 1
    return count
