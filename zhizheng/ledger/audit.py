"""The full audit: recompute the whole tree from the entries in the database and say where it stops matching.

Four independent records must agree, and each disagreement names the first entry concerned:

1. an entry's columns (act, subject, time, actor, private payload, salt) re-derive exactly its stored public leaf;
2. the stored leaf hashes to the stored leaf hash;
3. the tree recomputed leaf by leaf equals every stored complete subtree and the tree head's frontier;
4. at every signed checkpoint size, the recomputed root equals the signed root, and the signature verifies.

Edits behind the log's back therefore show up as: changed columns (1), a changed leaf (2 or 3), deleted or inserted
rows (indexes out of sequence, or rows beyond the tree head), reordered rows (each leaf carries its own index), and a
wholesale rewrite of leaves and nodes together (4: the signed checkpoints and their witnesses still hold the old
roots). The audit reads entries in index order in chunks, so its memory does not grow with the log.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from zhizheng.ledger import keys, leaf, merkle, note
from zhizheng.ledger.models import Checkpoint, Entry, TreeHead, TreeNode

ENTRY_COLUMNS = (
    "index",
    "created_at",
    "act",
    "subject_type",
    "subject_id",
    "actor_ref",
    "actor_disclosed",
    "payload",
    "personal_fields",
    "salt",
    "leaf",
    "leaf_hash",
)
MAX_FINDINGS = 50
PRECISE_KINDS = frozenset(
    {"entry_missing", "entry_altered", "leaf_hash_mismatch", "node_mismatch", "entry_outside_tree"}
)


@dataclass(frozen=True)
class Finding:
    kind: str
    index: int | None
    message: str

    def __str__(self) -> str:
        where = f"#{self.index}" if self.index is not None else "-"
        return f"[{self.kind}] {where}: {self.message}"


@dataclass
class AuditReport:
    head_size: int = 0
    entries_checked: int = 0
    checkpoints_checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first(self) -> Finding | None:
        """The finding that names the lowest entry. Findings about one entry win over a checkpoint's range of
        entries, which wins over findings about no entry."""
        if not self.findings:
            return None
        return min(self.findings, key=lambda f: (f.index is None, f.kind not in PRECISE_KINDS, f.index or 0))

    def add(self, kind: str, index: int | None, message: str) -> None:
        if len(self.findings) >= MAX_FINDINGS:
            self.truncated = True
            return
        self.findings.append(Finding(kind=kind, index=index, message=message))


def _entries(chunk_size: int) -> Iterator[tuple[Any, ...]]:
    """Every entry row in index order, by keyset pagination (no OFFSET, no long-lived cursor)."""
    after = -1
    while True:
        rows = list(Entry.objects.filter(index__gt=after).order_by("index").values_list(*ENTRY_COLUMNS)[:chunk_size])
        if not rows:
            return
        yield from rows
        after = rows[-1][0]


def _rederived_leaf(row: Sequence[Any]) -> bytes | None:
    index, created_at, act, subject_type, subject_id, actor_ref, disclosed, payload, personal, salt = row[:10]
    try:
        return leaf.leaf_bytes(
            index=index,
            created_at=created_at,
            act=act,
            subject_type=subject_type,
            subject_id=subject_id,
            actor_ref=actor_ref,
            actor_disclosed=disclosed,
            payload=payload,
            personal=personal,
            salt=bytes(salt),
        )
    except (leaf.LeafError, TypeError, ValueError):
        return None


def _last_leaf_then_level(key: int) -> tuple[int, int]:
    level, index = merkle.key_node(key)
    return ((index + 1) << level) - 1, level


class _NodeChecker:
    """Compares recomputed complete subtrees with the stored ones, a batch of keys per query."""

    def __init__(self, report: AuditReport) -> None:
        self.report = report
        self.pending: dict[int, bytes] = {}
        self.reported = False

    def add(self, level: int, index: int, value: bytes) -> None:
        self.pending[merkle.node_key(level, index)] = value
        if len(self.pending) >= 900:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        rows = TreeNode.objects.filter(key__in=list(self.pending)).values_list("key", "hash")
        stored = {key: bytes(value) for key, value in rows}
        # The lowest node over the earliest leaf first: a changed leaf changes every node above it too.
        for key in sorted(self.pending, key=_last_leaf_then_level):
            if self.reported:
                break
            if stored.get(key) != self.pending[key]:
                level, index = merkle.key_node(key)
                first, last = index << level, ((index + 1) << level) - 1
                state = _("missing") if key not in stored else _("different")
                message = _(
                    "the stored tree node (%(level)s, %(index)s) over entries #%(first)s-#%(last)s is %(state)s"
                )
                params = {"level": level, "index": index, "first": first, "last": last, "state": state}
                self.report.add("node_mismatch", first, message % params)
                self.reported = True  # one is enough: every node above it differs too
        self.pending.clear()


def _check_checkpoints(report: AuditReport, checkpoints: list[Checkpoint]) -> None:
    verifiers = keys.verifiers()
    for checkpoint in checkpoints:
        try:
            body, _opened = note.open_checkpoint(checkpoint.note, verifiers)
        except note.NoteError as exc:
            message = _("checkpoint %(size)s does not verify with the published keys: %(reason)s")
            report.add("checkpoint_signature", None, message % {"size": checkpoint.size, "reason": exc})
            continue
        if body.size != checkpoint.size or body.root_hash != bytes(checkpoint.root_hash):
            message = _("the columns of checkpoint %(size)s differ from its signed note")
            report.add("checkpoint_signature", None, message % {"size": checkpoint.size})


def audit_log(*, chunk_size: int = 2000) -> AuditReport:
    """Recompute the tree from every entry and report each disagreement (see the module docstring)."""
    report = AuditReport()
    head = TreeHead.objects.filter(pk=1).values_list("size", "frontier").first()
    head_size, head_frontier = (head[0], bytes(head[1])) if head else (0, b"")
    report.head_size = head_size
    checkpoints = list(Checkpoint.objects.order_by("size"))
    _check_checkpoints(report, checkpoints)
    report.checkpoints_checked = len(checkpoints)
    pending_checkpoints = [c for c in checkpoints if c.size > 0]
    previous_size = 0
    nodes = _NodeChecker(report)
    frontier: list[bytes] = []
    position = 0  # leaves recomputed so far
    expected = 0  # the index the next row should carry
    for row in _entries(chunk_size):
        index, stored_leaf, stored_hash = row[0], bytes(row[10]), bytes(row[11])
        if index >= head_size:
            message = _("entry #%(index)s lies beyond the tree head (size %(size)s): it was inserted outside the log")
            report.add("entry_outside_tree", index, message % {"index": index, "size": head_size})
            continue
        if index != expected:
            message = _("entries #%(first)s-#%(last)s are missing: deleted from the database")
            report.add("entry_missing", expected, message % {"first": expected, "last": index - 1})
        expected = index + 1
        if _rederived_leaf(row) != stored_leaf:
            message = _("entry #%(index)s: its recorded fields no longer give its public leaf (altered or moved)")
            report.add("entry_altered", index, message % {"index": index})
        digest = merkle.leaf_hash(stored_leaf)
        if digest != stored_hash:
            message = _("entry #%(index)s: the stored leaf hash is not the hash of its leaf")
            report.add("leaf_hash_mismatch", index, message % {"index": index})
        for level, node_index, value in merkle.append_to_frontier(frontier, position, digest):
            nodes.add(level, node_index, value)
        position += 1
        report.entries_checked += 1
        while pending_checkpoints and pending_checkpoints[0].size == position:
            checkpoint = pending_checkpoints.pop(0)
            if merkle.frontier_root(frontier) != bytes(checkpoint.root_hash):
                message = _(
                    "the entries no longer give the root signed in checkpoint %(size)s: an entry between #%(first)s "
                    "and #%(last)s was rewritten"
                )
                params = {"size": checkpoint.size, "first": previous_size, "last": checkpoint.size - 1}
                report.add("checkpoint_mismatch", previous_size, message % params)
            previous_size = checkpoint.size
    nodes.flush()
    if expected < head_size:
        message = _("entries #%(first)s-#%(last)s are missing: deleted from the database")
        report.add("entry_missing", expected, message % {"first": expected, "last": head_size - 1})
    for checkpoint in pending_checkpoints:
        message = _("checkpoint %(size)s was signed, but the log now holds only %(count)s entries")
        report.add("checkpoint_mismatch", position, message % {"size": checkpoint.size, "count": position})
    if position == head_size and merkle.encode_frontier(frontier) != head_frontier:
        report.add("head_mismatch", None, _("the tree head's frontier differs from the recomputed tree"))
    return report
