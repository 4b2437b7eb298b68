"""Reads of the ledger. Public reads (entries, proofs, checkpoints) need no actor: the log is public by design.
The private payload is read only through :func:`entry_private_get`, which checks the actor.

Proofs read the O(log n) complete subtrees they need in one query by primary key; nothing here touches all leaves.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet

from zhizheng.core.actor import Actor
from zhizheng.ledger import merkle, note
from zhizheng.ledger.errors import (
    CheckpointNotFound,
    EmptyTreeProof,
    EntryNotFound,
    IndexOutOfRange,
    LogInconsistent,
    SizeOutOfRange,
    SizesOutOfOrder,
)
from zhizheng.ledger.models import Checkpoint, Cosignature, Entry, TreeHead, TreeNode, Witness
from zhizheng.ledger.permissions import Perm, policy

PUBLIC_ENTRY_FIELDS = ("index", "created_at", "act", "subject_type", "subject_id", "leaf", "leaf_hash")


# --- the tree -------------------------------------------------------------------------------------------------------


def _raw(model: type[Model], sql: str, params: Sequence[int]) -> list[tuple[Any, ...]]:
    """A fixed query on the hot path (every proof): the ORM's per-call SQL compilation would cost more than the
    database's work. ``{table}`` and ``{column}`` placeholders are filled with quoted names of ``model``."""
    db = connections[router.db_for_read(model)]
    with db.cursor() as cursor:
        cursor.execute(_sql(model, sql, db.vendor), params)
        return list(cursor.fetchall())


@functools.lru_cache(maxsize=64)
def _sql(model: type[Model], template: str, vendor: str) -> str:
    quote = connections[router.db_for_read(model)].ops.quote_name
    names = {f.name: quote(str(f.column)) for f in model._meta.concrete_fields}
    return template.format(table=quote(model._meta.db_table), **names)


def head_read() -> tuple[int, list[bytes]]:
    """The committed tree size and its frontier (no lock: readers never block appenders)."""
    rows = _raw(TreeHead, "SELECT {size}, {frontier} FROM {table} WHERE {id} = %s", [1])
    if not rows:
        return 0, []
    size, blob = rows[0]
    try:
        return size, merkle.decode_frontier(bytes(blob), size)
    except ValueError as exc:
        raise LogInconsistent(params={"reason": str(exc)}) from exc


def tree_size() -> int:
    rows = _raw(TreeHead, "SELECT {size} FROM {table} WHERE {id} = %s", [1])
    return int(rows[0][0]) if rows else 0


def _nodes_found(ids: Iterable[merkle.NodeId]) -> dict[merkle.NodeId, bytes]:
    keys = {merkle.node_key(level, index): (level, index) for level, index in ids}
    if not keys:
        return {}
    placeholders = ", ".join(["%s"] * len(keys))
    template = "SELECT {key}, {hash} FROM {table} WHERE {key} IN (" + placeholders + ")"  # noqa: S608 (no values)
    rows = _raw(TreeNode, template, list(keys))
    return {keys[key]: bytes(value) for key, value in rows}


def _require_all(found: dict[merkle.NodeId, bytes], ids: set[merkle.NodeId]) -> None:
    if len(found) != len(ids):
        missing = sorted(ids - set(found))
        raise LogInconsistent(params={"reason": f"tree nodes {missing[:3]} are missing"})


def nodes_get(ids: Iterable[merkle.NodeId]) -> dict[merkle.NodeId, bytes]:
    """Stored complete subtrees by id, in one query; a missing one means the storage is damaged."""
    wanted = set(ids)
    found = _nodes_found(wanted)
    _require_all(found, wanted)
    return found


def _materialise(plan: merkle.Plan, size: int) -> list[bytes]:
    """The proof hashes, in one query. The query also asks for leaf ``size - 1``: it exists exactly when a tree of
    ``size`` entries has been committed, so the size check costs no second round trip in the usual case."""
    wanted = merkle.plan_ids(plan) | {(0, size - 1)}
    found = _nodes_found(wanted)
    if (0, size - 1) not in found:
        _check_size(size, tree_size())
    _require_all(found, wanted)
    return merkle.materialise(plan, found)


def root_at(size: int) -> bytes:
    """The root hash of the tree at an earlier (or the current) size, from popcount(size) stored subtrees."""
    if size == 0:
        return merkle.EMPTY_ROOT
    ids = merkle.frontier_ids(size)
    found = nodes_get(ids)
    return merkle.fold_right([found[i] for i in ids])


def _check_size(size: int, current: int) -> None:
    if size > current:
        raise SizeOutOfRange(params={"size": size, "tree_size": current})


def inclusion_proof(*, index: int, size: int) -> list[bytes]:
    """The RFC 9162 inclusion proof of entry ``index`` in the tree of ``size`` entries."""
    if index >= size:
        if size > 0:
            _check_size(size, tree_size())
        raise IndexOutOfRange(params={"index": index, "size": size})
    return _materialise(merkle.inclusion_plan(index, size), size)


def consistency_proof(*, first: int, second: int) -> list[bytes]:
    """The RFC 9162 consistency proof from tree ``first`` to tree ``second`` (empty when they are equal)."""
    if first > second:
        raise SizesOutOfOrder(params={"first": first, "second": second})
    if first == 0:
        if second > 0:
            _check_size(second, tree_size())
        raise EmptyTreeProof()
    return _materialise(merkle.consistency_plan(first, second), second)


# --- entries --------------------------------------------------------------------------------------------------------


def _public_entries() -> QuerySet[Entry]:
    return Entry.objects.only(*PUBLIC_ENTRY_FIELDS)


def entry_get(*, index: int) -> Entry:
    """A public entry (private columns are not loaded). Entries beyond the committed tree head do not exist yet."""
    entry = _public_entries().filter(index=index).first() if index < tree_size() else None
    if entry is None:
        raise EntryNotFound(params={"index": index})
    return entry


def entry_find_by_leaf_hash(leaf_hash: bytes) -> Entry | None:
    return _public_entries().filter(leaf_hash=leaf_hash).order_by("index").first()


def entries_recent(*, offset: int = 0, limit: int = 25) -> tuple[int, list[Entry]]:
    """The newest entries first, paged by position from the end; returns (tree size, entries)."""
    size = tree_size()
    upper = max(size - offset, 0)
    lower = max(upper - limit, 0)
    rows = list(_public_entries().filter(index__gte=lower, index__lt=upper).order_by("-index"))
    return size, rows


def entries_for_subject(*, subject_type: str, subject_id: str) -> list[Entry]:
    """The acts recorded about one object, oldest first (for "this decision is in the public ledger" links)."""
    return list(_public_entries().filter(subject_type=subject_type, subject_id=subject_id).order_by("index"))


def entry_private_get(*, actor: Actor, index: int) -> Entry:
    """The whole entry with its private payload and salt: auditors only (403 for others)."""
    policy.require(actor, Perm.VIEW_PRIVATE)
    entry = Entry.objects.filter(index=index).first()
    if entry is None:
        raise EntryNotFound(params={"index": index})
    return entry


# --- checkpoints and witnesses --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WitnessStatus:
    witness: Witness
    cosignature: Cosignature | None


def checkpoint_latest(*, witnessed: bool = False) -> Checkpoint | None:
    """The newest checkpoint; with ``witnessed``, the newest that every required active witness has cosigned."""
    checkpoints = Checkpoint.objects.order_by("-size")
    if witnessed:
        required = list(Witness.objects.filter(required=True, active=True).values_list("pk", flat=True))
        for witness_id in required:
            checkpoints = checkpoints.filter(cosignatures__witness_id=witness_id)
    return checkpoints.first()


def checkpoint_get(*, size: int) -> Checkpoint:
    checkpoint = Checkpoint.objects.filter(size=size).first()
    if checkpoint is None:
        raise CheckpointNotFound(params={"size": size})
    return checkpoint


def checkpoint_note(checkpoint: Checkpoint) -> str:
    """The signed note with the cosignature lines of active witnesses appended (c2sp.org/tlog-cosignature)."""
    lines = Cosignature.objects.filter(checkpoint=checkpoint, witness__active=True).order_by("witness__name")
    return checkpoint.note + "".join(c.line for c in lines)


def checkpoint_witnesses(checkpoint: Checkpoint | None) -> list[WitnessStatus]:
    """Each active witness with its cosignature over ``checkpoint`` (or None), required witnesses first."""
    witnesses = list(Witness.objects.filter(active=True).order_by("-required", "name"))
    found: dict[int, Cosignature] = {}
    if checkpoint is not None:
        found = {c.witness_id: c for c in Cosignature.objects.filter(checkpoint=checkpoint)}
    return [WitnessStatus(witness=w, cosignature=found.get(w.pk)) for w in witnesses]


def checkpoint_text(checkpoint: Checkpoint) -> str:
    """The note text (origin, size, root) without signatures."""
    return note.parse_note(checkpoint.note).text
