"""State changes of the ledger: recording acts, signing checkpoints, issuing receipts, accepting cosignatures.

Other apps call :func:`record` inside their own transaction, as the last step of a service::

    from zhizheng.ledger import services as ledger

    ledger.record(actor=actor, act="govservices.application.approved", subject=application,
                  payload={"decision": "approved", "applicant_name": name}, personal=("applicant_name",))

The entry then commits or rolls back with the business change. The tree head row stays locked until that
transaction ends, so keep the work after ``record`` short: appends from the whole platform queue on that lock.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connections, models, router, transaction
from django.utils import timezone

from zhizheng.core.actor import Actor, ActorKind
from zhizheng.ledger import keys, leaf, merkle, note, selectors
from zhizheng.ledger.errors import (
    CosignatureConflict,
    EntryNotFound,
    InvalidAct,
    InvalidCosignature,
    LogInconsistent,
    UnknownWitness,
)
from zhizheng.ledger.models import Checkpoint, Cosignature, Entry, TreeHead, TreeNode, Witness

logger = logging.getLogger(__name__)

MAX_LEAF_BYTES = 64 * 1024
MAX_SUBJECT_ID = 64
COSIGNATURE_CLOCK_SKEW = 600  # seconds a witness clock may run ahead of ours

Subject = models.Model | tuple[str, str | int]


@dataclass(frozen=True)
class Act:
    """One act for :func:`record_many`: the same fields as :func:`record` takes."""

    act: str
    subject: Subject
    payload: Mapping[str, Any] | None = None
    personal: Collection[str] = field(default_factory=tuple)


def _subject_ref(subject: Subject) -> tuple[str, str]:
    if isinstance(subject, models.Model):
        if subject.pk is None:
            raise InvalidAct(params={"reason": "the subject must be saved before its act is recorded"})
        subject_type, subject_id = subject._meta.label_lower, str(subject.pk)
    elif isinstance(subject, tuple) and len(subject) == 2:
        subject_type, subject_id = str(subject[0]), str(subject[1])
    else:
        raise InvalidAct(params={"reason": "the subject must be a saved model or a (type, id) pair"})
    if not leaf.SUBJECT_TYPE_PATTERN.match(subject_type):
        raise InvalidAct(params={"reason": f"subject type {subject_type!r} is not of the form <app>.<model>"})
    if not subject_id or len(subject_id) > MAX_SUBJECT_ID:
        raise InvalidAct(params={"reason": f"the subject id must have 1 to {MAX_SUBJECT_ID} characters"})
    return subject_type, subject_id


def _normalised_payload(payload: Mapping[str, Any] | None) -> dict[str, Any]:
    """Plain JSON values (dates, decimals and UUIDs become strings), as they will read back from the database."""
    if payload is None:
        return {}
    if not isinstance(payload, Mapping):
        raise InvalidAct(params={"reason": "the payload must be a mapping of names to values"})
    try:
        result: dict[str, Any] = json.loads(json.dumps(dict(payload), cls=DjangoJSONEncoder))
    except (TypeError, ValueError) as exc:
        raise InvalidAct(params={"reason": f"the payload is not JSON: {exc}"}) from exc
    return result


def _actor_disclosed(actor: Actor) -> bool:
    """Officials, API clients and the system act in public; people acting for themselves appear only as a hash."""
    if actor.kind is ActorKind.USER:
        return actor.user_kind == "staff"
    return True


def _lock_head() -> tuple[int, list[bytes]]:
    """Lock the tree head row for the rest of the transaction (PostgreSQL: FOR UPDATE; SQLite: the transaction is
    IMMEDIATE, so writers are already serialised) and read the size and frontier."""
    rows = TreeHead.objects.select_for_update().filter(pk=1).values_list("size", "frontier")
    row = rows.first()
    if row is None:
        TreeHead.objects.bulk_create([TreeHead(pk=1)], ignore_conflicts=True)
        row = rows.get()
    size, blob = row
    try:
        return size, merkle.decode_frontier(bytes(blob), size)
    except ValueError as exc:
        raise LogInconsistent(params={"reason": str(exc)}) from exc


def _insert(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """Write rows with the values ``bulk_create`` would write, but fast: ``COPY`` on PostgreSQL, one prepared
    ``executemany`` elsewhere. Building SQL per batch is most of an append's cost at thousands per second."""
    db = connections[router.db_for_write(model)]  # the wrapper itself: the proxy costs a lookup per access
    fields = model._meta.concrete_fields
    quote = db.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(str(f.column)) for f in fields)
    rows = [[f.get_db_prep_save(getattr(obj, f.attname), db) for f in fields] for obj in objects]
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)  # noqa: S608


@transaction.atomic
def record(
    *,
    actor: Actor,
    act: str,
    subject: Subject,
    payload: Mapping[str, Any] | None = None,
    personal: Collection[str] = (),
) -> Entry:
    """Append one official act to the log, inside the caller's transaction, and return its entry.

    ``act`` is ``<app>.<noun>.<past-verb>``; ``subject`` a saved model instance or a ``(type, id)`` pair;
    ``payload`` the facts of the act (JSON values). Keys named in ``personal`` (and those in
    ``settings.LEDGER_PERSONAL_FIELDS``), at any depth, appear in the public leaf only as salted hashes; the full
    payload stays private in the database.
    """
    return _append(actor, [Act(act=act, subject=subject, payload=payload, personal=personal)])[0]


@transaction.atomic
def record_many(*, actor: Actor, acts: Sequence[Act]) -> list[Entry]:
    """Append several acts at once: one lock, one frontier read and bulk writes (the fast path for imports)."""
    return _append(actor, acts)


class _Batch:
    """The acts recorded inside :func:`batch` so far: the head read once, the rows written when it ends."""

    def __init__(self) -> None:
        self.size: int | None = None
        self.frontier: list[bytes] = []
        self.entries: list[Entry] = []
        self.nodes: list[TreeNode] = []


_batches = threading.local()  # Django's connections are per thread, and so is the batch on one


@contextmanager
def batch() -> Iterator[None]:
    """Append every act recorded inside the block together: one head read (taking the lock at the first act, as
    :func:`record` does), one insert per table and one head update when the block ends — for a service that
    records more than one act in its transaction (an approval that issues a certificate).

    Entries are numbered as they are recorded (their ``index`` is final), but their rows are written when the
    block ends without an exception; an exception leaving the block discards them with the transaction. Wrap
    straight-line service code only: never catch an exception raised inside the block and carry on, since acts
    recorded in a savepoint rolled back inside the block would still be written. A nested block joins the outer."""
    if not transaction.get_connection(router.db_for_write(Entry)).in_atomic_block:
        raise transaction.TransactionManagementError("ledger.batch() runs inside the caller's transaction")
    if getattr(_batches, "current", None) is not None:
        yield
        return
    pending = _Batch()
    _batches.current = pending
    try:
        yield
    finally:
        _batches.current = None
    if pending.size is not None:  # reached only when the block ended without an exception
        _write(pending.entries, pending.nodes, pending.size, pending.frontier)


def _write(entries: list[Entry], nodes: list[TreeNode], size: int, frontier: list[bytes]) -> None:
    _insert(Entry, entries)
    _insert(TreeNode, nodes)
    TreeHead.objects.filter(pk=1).update(
        size=size, frontier=merkle.encode_frontier(frontier), updated_at=entries[-1].created_at
    )


def _append(actor: Actor, acts: Sequence[Act]) -> list[Entry]:
    """The append itself; callers hold a transaction (``record`` and ``record_many`` open one)."""
    if not acts:
        return []
    prepared = []
    for item in acts:
        try:
            leaf.check_act(item.act)
        except leaf.LeafError as exc:
            raise InvalidAct(params={"reason": str(exc)}) from exc
        subject_type, subject_id = _subject_ref(item.subject)
        personal = sorted(set(settings.LEDGER_PERSONAL_FIELDS) | set(item.personal))
        prepared.append((item.act, subject_type, subject_id, _normalised_payload(item.payload), personal))
    disclosed = _actor_disclosed(actor)
    actor_ref = actor.ref

    pending: _Batch | None = getattr(_batches, "current", None)
    if pending is None:
        size, frontier = _lock_head()
    elif pending.size is None:
        size, frontier = pending.size, pending.frontier = _lock_head()
    else:
        size, frontier = pending.size, pending.frontier  # the lock is held since the batch's first act
    now = timezone.now()  # read under the lock, so times never go backwards along the log
    entries: list[Entry] = []
    nodes: list[TreeNode] = []
    for offset, (act, subject_type, subject_id, payload, personal) in enumerate(prepared):
        index = size + offset
        salt = secrets.token_bytes(leaf.SALT_SIZE)
        try:
            data = leaf.leaf_bytes(
                index=index,
                created_at=now,
                act=act,
                subject_type=subject_type,
                subject_id=subject_id,
                actor_ref=actor_ref,
                actor_disclosed=disclosed,
                payload=payload,
                personal=personal,
                salt=salt,
            )
        except leaf.LeafError as exc:
            raise InvalidAct(params={"reason": str(exc)}) from exc
        if len(data) > MAX_LEAF_BYTES:
            raise InvalidAct(params={"reason": f"the public leaf would exceed {MAX_LEAF_BYTES} bytes"})
        digest = merkle.leaf_hash(data)
        entries.append(
            Entry(
                index=index,
                created_at=now,
                act=act,
                subject_type=subject_type,
                subject_id=subject_id,
                actor_ref=actor_ref,
                actor_disclosed=disclosed,
                payload=payload,
                personal_fields=personal,
                salt=salt,
                leaf=data,
                leaf_hash=digest,
            )
        )
    # The frontier changes only once every leaf of the call is valid, so a refused act leaves a batch intact.
    for entry in entries:
        for level, node_index, value in merkle.append_to_frontier(frontier, entry.index, bytes(entry.leaf_hash)):
            nodes.append(TreeNode(key=merkle.node_key(level, node_index), hash=value))
    if pending is not None:
        pending.size = size + len(entries)
        pending.entries += entries
        pending.nodes += nodes
        return entries
    _write(entries, nodes, size + len(entries), frontier)
    return entries


# --- checkpoints ----------------------------------------------------------------------------------------------------


def _check_extends(previous: Checkpoint, size: int, root: bytes) -> None:
    """Refuse to sign a head that is not an extension of the last signed one (c2sp.org/tlog-checkpoint)."""
    if previous.size > size:
        reason = f"the tree has {size} entries but checkpoint {previous.size} was signed"
        raise LogInconsistent(params={"reason": reason})
    if previous.size == 0:
        return
    if selectors.root_at(previous.size) != bytes(previous.root_hash):
        reason = f"the stored tree no longer gives the root signed at size {previous.size}"
        raise LogInconsistent(params={"reason": reason})
    proof = selectors.consistency_proof(first=previous.size, second=size)
    try:
        merkle.verify_consistency(previous.size, size, proof, bytes(previous.root_hash), root)
    except merkle.ProofError as exc:
        raise LogInconsistent(params={"reason": str(exc)}) from exc


def checkpoint_sign(*, actor: Actor) -> Checkpoint:
    """Sign the current tree head as a C2SP checkpoint, unless the latest checkpoint already has this size.

    Publishing the signed head is a public duty, not a privilege: any actor may trigger it (receipts do), and it is
    idempotent per tree size. Raises ``SigningKeyMissing`` (503) rather than ever publishing an unsigned head.
    """
    signer = keys.load_signer()
    size, frontier = selectors.head_read()
    root = merkle.frontier_root(frontier)
    latest = Checkpoint.objects.order_by("-size").first()
    if latest is not None and latest.size == size:
        return latest
    if latest is not None:
        _check_extends(latest, size, root)
    body = note.Checkpoint(origin=settings.LEDGER_ORIGIN, size=size, root_hash=root)
    signed = note.sign_note(body.text, [signer])
    try:
        with transaction.atomic():
            checkpoint = Checkpoint.objects.create(
                size=size,
                root_hash=root,
                note=signed,
                key_name=signer.name,
                key_id=signer.key_id.hex(),
                created_at=timezone.now(),
            )
    except IntegrityError:
        checkpoint = Checkpoint.objects.get(size=size)  # a concurrent signer got there first
    logger.info("ledger checkpoint signed: size %s by %s", size, actor.ref)
    return checkpoint


@dataclass(frozen=True)
class Receipt:
    """An entry with its inclusion proof against a signed checkpoint that covers it."""

    entry: Entry
    checkpoint: Checkpoint
    note: str
    proof: list[bytes]
    verifier_keys: list[str]


def receipt_issue(*, actor: Actor, index: int) -> Receipt:
    """The receipt for entry ``index``: signs a fresh checkpoint at once if the latest does not cover it yet."""
    entry = selectors.entry_get(index=index)
    checkpoint = selectors.checkpoint_latest()
    if checkpoint is None or checkpoint.size <= index:
        checkpoint = checkpoint_sign(actor=actor)
    if checkpoint.size <= index:
        raise EntryNotFound(params={"index": index})
    proof = selectors.inclusion_proof(index=index, size=checkpoint.size)
    return Receipt(
        entry=entry,
        checkpoint=checkpoint,
        note=selectors.checkpoint_note(checkpoint),
        proof=proof,
        verifier_keys=keys.verifier_keys(),
    )


# --- witnesses ------------------------------------------------------------------------------------------------------


def _signature_lines(lines: str) -> list[note.Signature]:
    text = lines if lines.endswith("\n") else lines + "\n"
    try:
        return list(note.parse_note("x\n\n" + text).signatures)
    except note.NoteError as exc:
        raise InvalidCosignature(params={"reason": str(exc)}) from exc


@transaction.atomic
def cosignature_add(*, actor: Actor, size: int, lines: str, checkpoint_text: str | None = None) -> list[Cosignature]:
    """Store witnesses' v1 cosignatures over checkpoint ``size`` after verifying them against the configured keys.

    ``lines`` holds signature lines (``— name base64``); lines from unknown keys are ignored, but at least one must
    come from an active witness, and every such line must verify. A witness already on record keeps its first
    cosignature. Anyone may submit: the signature, not the submitter, is what is trusted.
    """
    checkpoint = selectors.checkpoint_get(size=size)
    text = selectors.checkpoint_text(checkpoint)
    if checkpoint_text is not None and checkpoint_text != text:
        raise CosignatureConflict(params={"size": size})
    witnesses: dict[tuple[str, bytes], tuple[Witness, note.Verifier]] = {}
    for witness in Witness.objects.filter(active=True):
        try:
            verifier = note.Verifier.from_vkey(witness.verifier_key)
        except note.NoteError:
            logger.warning("witness %s has an unusable verifier key", witness.name)
            continue
        if verifier.sig_type == note.SIG_COSIGNATURE_V1:
            witnesses[(verifier.name, verifier.key_id)] = (witness, verifier)
    stored: list[Cosignature] = []
    horizon = int(time.time()) + COSIGNATURE_CLOCK_SKEW
    for signature in _signature_lines(lines):
        known = witnesses.get((signature.name, signature.key_id))
        if known is None:
            continue
        witness, verifier = known
        if not verifier.verify(text.encode("utf-8"), signature.signature):
            raise InvalidCosignature(params={"reason": f"the signature of {witness.name} does not verify"})
        if signature.timestamp > horizon:
            raise InvalidCosignature(params={"reason": f"the timestamp of {witness.name} is in the future"})
        cosignature, _ = Cosignature.objects.get_or_create(
            checkpoint=checkpoint,
            witness=witness,
            defaults={"timestamp": signature.timestamp, "line": signature.line},
        )
        stored.append(cosignature)
    if not stored:
        raise UnknownWitness()
    logger.info("ledger cosignatures for checkpoint %s from %s", size, [c.witness.name for c in stored])
    return stored
