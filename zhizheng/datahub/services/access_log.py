"""The data-API access log sealed in the ledger, one day at a time.

Each night ``access_log_seal`` hashes the previous day's ``DataAccess`` rows (RFC 8785 canonical JSON of each, in
id order) as the leaves of an RFC 9162 Merkle tree (``ledger.merkle``) and records the root in the ledger
(``datahub.access_log.sealed``). The seal also keeps each entry's id and leaf hash, so that
``access_log_verify`` can name the first entry that was changed, removed or slipped in afterwards; the kept hashes
are themselves checked against the root in the ledger, so they cannot be rewritten to match either.
"""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import rfc8785
from django.db import transaction
from django.utils import timezone

from zhizheng.core.actor import Actor
from zhizheng.core.errors import PermissionDenied
from zhizheng.datahub.errors import SealExists, SealNotDue
from zhizheng.datahub.models import AccessLogSeal, DataAccess
from zhizheng.ledger import merkle
from zhizheng.ledger import selectors as ledger_selectors
from zhizheng.ledger import services as ledger

SEALED_ACT = "datahub.access_log.sealed"
SUBJECT_TYPE = "datahub.accesslogday"
_PAIR = struct.Struct(">Q32s")


def _bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def access_canonical(access: DataAccess) -> bytes:
    """The canonical bytes of one log entry (what its leaf hashes)."""
    document: dict[str, Any] = {
        "id": access.pk,
        "at": access.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "grant": access.grant_id,
        "caller": access.caller,
        "resource_code": access.resource_code,
        "fields": list(access.fields),
        "rows": access.rows,
        "purpose": access.purpose,
        "outcome": access.outcome,
    }
    return bytes(rfc8785.dumps(document))


def _day_entries(day: dt.date) -> Iterator[DataAccess]:
    start, end = _bounds(day)
    return DataAccess.objects.filter(at__gte=start, at__lt=end).order_by("id").iterator(chunk_size=5000)


def _leaves(day: dt.date) -> list[tuple[int, bytes]]:
    return [(access.pk, merkle.leaf_hash(access_canonical(access))) for access in _day_entries(day)]


@transaction.atomic
def access_log_seal(*, actor: Actor, day: dt.date) -> AccessLogSeal:
    """Record the Merkle root of ``day``'s access log in the ledger (a finished day only; once)."""
    if not actor.is_system:
        raise PermissionDenied()
    if day >= timezone.localdate():
        raise SealNotDue(params={"day": day.isoformat()})
    if AccessLogSeal.objects.filter(day=day).exists():
        raise SealExists(params={"day": day.isoformat()})
    leaves = _leaves(day)
    root = merkle.root_from_leaf_hashes([h for _, h in leaves]).hex()
    seal = AccessLogSeal.objects.create(
        day=day,
        entries=len(leaves),
        first_id=leaves[0][0] if leaves else None,
        last_id=leaves[-1][0] if leaves else None,
        root=root,
        leaves=b"".join(_PAIR.pack(pk, h) for pk, h in leaves),
    )
    entry = ledger.record(
        actor=actor,
        act=SEALED_ACT,
        subject=(SUBJECT_TYPE, day.isoformat()),
        payload={"day": day.isoformat(), "entries": len(leaves), "root": root},
    )
    seal.ledger_index = entry.index
    seal.save(update_fields=["ledger_index"])
    return seal


def access_log_seal_due(*, actor: Actor, today: dt.date | None = None, days_back: int = 7) -> list[AccessLogSeal]:
    """Seal every unsealed finished day of the last ``days_back`` days (the nightly Celery beat job)."""
    today = today or timezone.localdate()
    sealed = set(
        AccessLogSeal.objects.filter(day__gte=today - dt.timedelta(days=days_back)).values_list("day", flat=True)
    )
    done = []
    for back in range(days_back, 0, -1):
        day = today - dt.timedelta(days=back)
        if day not in sealed:
            done.append(access_log_seal(actor=actor, day=day))
    return done


@dataclass(frozen=True, slots=True)
class Verification:
    """The outcome of checking a day's log against its seal. ``first_difference`` is the id of the first entry
    that differs (changed, inserted or missing), None when the log matches."""

    day: dt.date
    sealed: bool
    ok: bool
    entries_now: int
    entries_sealed: int
    root_now: str
    root_recorded: str
    ledger_index: int | None
    first_difference: int | None
    difference: str  # "", "changed", "inserted", "removed", "seal_altered"


def access_log_verify(*, day: dt.date) -> Verification:
    """Recompute ``day``'s root and compare it with the root recorded in the ledger; name the first differing
    entry. The check needs no actor: it reads no personal data and publishes nothing new."""
    now = _leaves(day)
    root_now = merkle.root_from_leaf_hashes([h for _, h in now]).hex()
    seal = AccessLogSeal.objects.filter(day=day).first()
    if seal is None:
        return Verification(day, False, False, len(now), 0, root_now, "", None, None, "")
    entries = ledger_selectors.entries_for_subject(subject_type=SUBJECT_TYPE, subject_id=day.isoformat())
    recorded = next((e.payload.get("root", "") for e in entries if e.act == SEALED_ACT), "")
    kept = [_PAIR.unpack_from(bytes(seal.leaves), offset) for offset in range(0, len(bytes(seal.leaves)), _PAIR.size)]
    kept_root = merkle.root_from_leaf_hashes([h for _, h in kept]).hex()
    base: dict[str, Any] = {"day": day, "sealed": True, "entries_now": len(now), "entries_sealed": seal.entries}
    base |= {"root_now": root_now, "root_recorded": recorded, "ledger_index": seal.ledger_index}
    if kept_root != recorded or seal.root != recorded:
        return Verification(**base, ok=False, first_difference=None, difference="seal_altered")
    if root_now == recorded:
        return Verification(**base, ok=True, first_difference=None, difference="")
    for (pk_now, h_now), (pk_kept, h_kept) in zip(now, kept, strict=False):
        if pk_now != pk_kept:
            kind = "inserted" if pk_now < pk_kept else "removed"
            return Verification(**base, ok=False, first_difference=min(pk_now, pk_kept), difference=kind)
        if h_now != h_kept:
            return Verification(**base, ok=False, first_difference=pk_now, difference="changed")
    if len(now) > len(kept):
        return Verification(**base, ok=False, first_difference=now[len(kept)][0], difference="inserted")
    return Verification(**base, ok=False, first_difference=kept[len(now)][0], difference="removed")
