"""The data API behind a grant: check the key, its expiry, revocation, resource, fields and rate limit; read the
registry through its selectors (purpose ``data_sharing``, so the registry logs the read); return only the granted
fields (personal ones masked by the registry's view); and log every call, refused or served, in ``DataAccess``."""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhizheng.core.actor import Actor, ActorKind
from zhizheng.core.errors import DomainError
from zhizheng.core.masking import mask_address, mask_id_number, mask_name, mask_phone, mask_uscc
from zhizheng.datahub.choices import Mask, Source
from zhizheng.datahub.errors import (
    FieldsNotGranted,
    GrantExpired,
    GrantKeyInvalid,
    GrantRevoked,
    GrantWrongResource,
    NotServed,
    RateLimited,
)
from zhizheng.datahub.models import ROW_ID, DataAccess, DatastoreTable, Grant
from zhizheng.datahub.services.sharing import _hash
from zhizheng.registries import selectors as registry
from zhizheng.registries.choices import Purpose

MAX_ROWS = 100
RATE_WINDOW = dt.timedelta(minutes=1)
SERVED = "served"
SERVED_SOURCES = frozenset({Source.POPULATION, Source.LEGAL_PERSONS, Source.UPLOAD})
MASKS: dict[str, Callable[[str | None], str]] = {
    Mask.ID_NUMBER: mask_id_number,
    Mask.NAME: mask_name,
    Mask.PHONE: mask_phone,
    Mask.ADDRESS: mask_address,
    Mask.USCC: mask_uscc,
    Mask.HIDDEN: lambda value: "****" if value else "",
}


@dataclass(frozen=True, slots=True)
class DataPage:
    count: int
    fields: list[str]
    items: list[dict[str, Any]]


def _find(key: str) -> Grant | None:
    parts = key.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != "dh":
        return None
    grant = Grant.objects.select_related("resource", "department", "request").filter(prefix=parts[1]).first()
    if grant is None or not hmac.compare_digest(grant.key_hash, _hash(key.strip())):
        return None
    return grant


def _log(grant: Grant | None, resource_code: str, fields: Sequence[str], rows: int, outcome: str) -> None:
    DataAccess.objects.create(
        grant=grant,
        caller=f"grant:{grant.pk}:{grant.department.code}" if grant else "unknown",
        resource_code=resource_code[:32],
        fields=list(fields),
        rows=rows,
        purpose=grant.request.purpose if grant else "",
        outcome=outcome,
    )


def _grant_actor(grant: Grant) -> Actor:
    """The grant acts as an API client of the registry that may only share (masked reads, purpose data_sharing)."""
    return Actor(
        kind=ActorKind.API_CLIENT,
        client_id=grant.pk,
        display=f"datahub grant {grant.pk} ({grant.department.code})",
        scopes=frozenset({"registries.share"}),
    )


def _value(view: Any, key: str) -> Any:
    value = getattr(view, key)
    return value.isoformat() if isinstance(value, dt.date) else value


def _check(grant: Grant | None, resource_code: str, fields: Sequence[str], now: dt.datetime) -> Grant:
    if grant is None:
        raise GrantKeyInvalid()
    if grant.revoked_at is not None:
        raise GrantRevoked(params={"when": timezone.localtime(grant.revoked_at).strftime("%Y-%m-%d %H:%M")})
    if grant.expires_at <= now:
        raise GrantExpired(params={"when": timezone.localtime(grant.expires_at).strftime("%Y-%m-%d %H:%M")})
    if grant.resource.code != resource_code:
        raise GrantWrongResource(params={"granted": grant.resource.code, "asked": resource_code})
    if grant.resource.source not in SERVED_SOURCES:
        raise NotServed(params={"code": resource_code})
    outside = [f for f in fields if f not in grant.fields]
    if outside:
        raise FieldsNotGranted(params={"fields": ", ".join(outside)})
    return grant


def data_read(
    *, key: str, resource_code: str, fields: Sequence[str] = (), limit: int = 50, offset: int = 0
) -> DataPage:
    """Rows of ``resource_code`` for the holder of grant ``key``: only granted fields (``fields`` narrows them)."""
    now = timezone.now()
    grant = _find(key)
    chosen = [f for f in dict.fromkeys(f.strip() for f in fields) if f]
    try:
        _check(grant, resource_code, chosen, now)
    except DomainError as error:
        _log(grant, resource_code, chosen, 0, error.instance_code)
        raise
    assert grant is not None
    with transaction.atomic():
        locked = Grant.objects.select_for_update().get(pk=grant.pk)
        recent = DataAccess.objects.filter(grant=locked, outcome=SERVED, at__gt=now - RATE_WINDOW).count()
        if recent >= locked.rate_limit:
            limited = RateLimited(params={"limit": locked.rate_limit})
            _log(grant, resource_code, chosen, 0, limited.instance_code)
        else:
            limited = None
            page = _read(grant, chosen or list(grant.fields), limit, offset)
            _log(grant, resource_code, page.fields, len(page.items), SERVED)
    if limited is not None:
        raise limited
    return page


def _read(grant: Grant, fields: list[str], limit: int, offset: int) -> DataPage:
    actor = _grant_actor(grant)
    district = grant.row_filter.get("district_code") or None
    limit = max(0, min(limit, MAX_ROWS))
    views: Sequence[Any]
    if grant.resource.source == Source.POPULATION:
        count, views = registry.resident_list(
            actor=actor, purpose=Purpose.DATA_SHARING, district_code=district, limit=limit, offset=offset
        )
    elif grant.resource.source == Source.LEGAL_PERSONS:
        count, views = registry.legal_person_list(
            actor=actor, purpose=Purpose.DATA_SHARING, district_code=district, limit=limit, offset=offset
        )
    elif grant.resource.source == Source.UPLOAD:
        return _read_table(grant, fields, limit, offset)
    else:  # pragma: no cover - _check refuses other sources
        raise NotServed(params={"code": grant.resource.code})
    return DataPage(count=count, fields=fields, items=[{f: _value(v, f) for f in fields} for v in views])


def _read_table(grant: Grant, fields: list[str], limit: int, offset: int) -> DataPage:
    """An uploaded table through a grant: the granted columns only, each masked as its column (or, for a personal
    information item without a column mask, hidden) is configured; the grant's row filter applies."""
    table = DatastoreTable.objects.filter(resource=grant.resource).first()
    if table is None:
        raise NotServed(params={"code": grant.resource.code})
    columns = {c.name: c for c in table.specs}
    personal = set(grant.resource.items.filter(personal=True).values_list("key", flat=True))
    queryset = table.row_model()._default_manager.all()
    for key, value in (grant.row_filter or {}).items():
        if key in columns:
            queryset = queryset.filter(**{key: value})
    present = [f for f in fields if f in columns]
    # A table replaced only by imports knows its size; count only when the grant filters rows.
    filtered = any(key in columns for key in (grant.row_filter or {}))
    count = queryset.count() if filtered else table.row_count
    rows = queryset.order_by(ROW_ID).values(*present)[offset : offset + limit] if limit else []
    maskers: dict[str, Callable[[str | None], str]] = {}
    for name in present:
        kind = columns[name].mask or (Mask.HIDDEN if name in personal else "")
        if kind:
            maskers[name] = MASKS[kind]
    items = []
    for row in rows:
        item: dict[str, Any] = {}
        for name in fields:
            value = row.get(name)
            if name in maskers and value is not None:
                value = maskers[name](str(value))
            item[name] = _plain(value)
        items.append(item)
    return DataPage(count=count, fields=fields, items=items)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value
