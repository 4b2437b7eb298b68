"""The RFC 9162 Merkle tree: hashing, the compact right edge, proof plans and proof verification.

Pure Python with no Django import, so that ``python -m zhizheng.ledger.verify`` (and anyone who copies this file)
can check proofs without the platform.

Vocabulary:

* a *node id* ``(level, index)`` names the complete (perfect) subtree of ``2**level`` leaves that starts at leaf
  ``index * 2**level``; level 0 nodes are leaf hashes. Only complete subtrees are ever stored, and a stored node
  never changes once written (the log is append-only).
* the *frontier* (compact range) of a tree of size ``n`` is the list of complete subtrees that cover ``[0, n)``,
  largest first: one per set bit of ``n``. It is all an appender needs to know to add a leaf.
* a *plan* is a proof described as node ids: each proof element is the right fold of a list of node ids (one id for
  a complete subtree, several for an "ephemeral" right-edge subtree that is not complete yet). The storage layer
  reads every id of a plan in one query and then :func:`materialise` turns it into hashes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()

# A node id packs into one 64-bit integer so that storage can use a single integer primary key:
# key = level << KEY_LEVEL_SHIFT | index. 2**48 leaves per level is far beyond any log we will run.
KEY_LEVEL_SHIFT = 48
KEY_INDEX_MASK = (1 << KEY_LEVEL_SHIFT) - 1

NodeId = tuple[int, int]
Plan = list[list[NodeId]]


class ProofError(ValueError):
    """A proof does not verify, or its inputs are malformed. The message says which."""


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 section 2.1.1: SHA-256(0x00 || data)."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 section 2.1.1: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def node_key(level: int, index: int) -> int:
    """Pack a node id into one integer (see ``KEY_LEVEL_SHIFT``)."""
    if level < 0 or index < 0 or index > KEY_INDEX_MASK:
        raise ValueError(f"node ({level}, {index}) out of range")
    return (level << KEY_LEVEL_SHIFT) | index


def key_node(key: int) -> NodeId:
    """The inverse of :func:`node_key`."""
    return key >> KEY_LEVEL_SHIFT, key & KEY_INDEX_MASK


def largest_power_of_two_below(n: int) -> int:
    """The ``k`` of RFC 9162: the largest power of two strictly smaller than ``n`` (n > 1)."""
    if n < 2:
        raise ValueError("n must be greater than 1")
    return 1 << ((n - 1).bit_length() - 1)


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) computed directly from all leaf hashes: the reference definition, used by tests and audits."""
    if not hashes:
        return EMPTY_ROOT
    frontier: list[bytes] = []
    for size, h in enumerate(hashes):
        append_to_frontier(frontier, size, h)
    return frontier_root(frontier)


# --- the compact right edge ---------------------------------------------------------------------------------------


def frontier_ids(size: int) -> list[NodeId]:
    """The node ids of the complete subtrees covering ``[0, size)``, largest first."""
    return range_nodes(0, size)


def append_to_frontier(frontier: list[bytes], size: int, h: bytes) -> list[tuple[int, int, bytes]]:
    """Append leaf hash ``h`` as leaf number ``size`` to ``frontier`` (changed in place).

    Returns the complete subtrees that the append created, as ``(level, index, hash)``: the leaf itself and every
    parent that became complete. That is what storage must write; nothing else changes.
    """
    created = [(0, size, h)]
    level, index, current = 0, size, h
    while index & 1:
        left = frontier.pop()
        current = node_hash(left, current)
        level, index = level + 1, index >> 1
        created.append((level, index, current))
    frontier.append(current)
    return created


def frontier_root(frontier: Sequence[bytes]) -> bytes:
    """The root hash of the tree whose frontier is given (fold right to left)."""
    if not frontier:
        return EMPTY_ROOT
    return fold_right(frontier)


def fold_right(hashes: Sequence[bytes]) -> bytes:
    """``node(h0, node(h1, ... node(h[-2], h[-1])))``: the hash of an RFC-aligned range from its complete subtrees."""
    result = hashes[-1]
    for h in reversed(hashes[:-1]):
        result = node_hash(h, result)
    return result


def encode_frontier(frontier: Sequence[bytes]) -> bytes:
    return b"".join(frontier)


def decode_frontier(blob: bytes, size: int) -> list[bytes]:
    """Split a stored frontier and check that it has one hash per set bit of ``size``."""
    count = size.bit_count()
    if len(blob) != count * HASH_SIZE:
        raise ValueError(f"frontier of {len(blob)} bytes does not fit a tree of size {size}")
    return [bytes(blob[i * HASH_SIZE : (i + 1) * HASH_SIZE]) for i in range(count)]


# --- proof plans --------------------------------------------------------------------------------------------------


def range_nodes(start: int, end: int) -> list[NodeId]:
    """The complete subtrees covering ``[start, end)``, largest first.

    Every range that appears in the RFC 9162 recursion starts at a multiple of a power of two at least as large as
    the range, so it splits along the set bits of its length, and its hash is the right fold of these subtrees.
    """
    length = end - start
    if length <= 0:
        raise ValueError(f"empty range [{start}, {end})")
    if start and (start & -start) < (1 << (length.bit_length() - 1)):
        raise ValueError(f"range [{start}, {end}) is not aligned as in RFC 9162")
    out: list[NodeId] = []
    position = start
    for level in range(length.bit_length() - 1, -1, -1):
        if length >> level & 1:
            out.append((level, position >> level))
            position += 1 << level
    return out


def inclusion_plan(index: int, size: int) -> Plan:
    """PATH(index, D[size]) of RFC 9162 section 2.1.3.1 as node ids, nearest the leaf first."""
    if not 0 <= index < size:
        raise ValueError(f"index {index} is not inside a tree of size {size}")
    steps: list[list[NodeId]] = []
    start, end, m = 0, size, index
    # Walk down from the root, remembering the sibling at each split; the proof lists them bottom-up.
    while end - start > 1:
        k = largest_power_of_two_below(end - start)
        if m < k:
            steps.append(range_nodes(start + k, end))
            end = start + k
        else:
            steps.append(range_nodes(start, start + k))
            start, m = start + k, m - k
    steps.reverse()
    return steps


def consistency_plan(first: int, second: int) -> Plan:
    """PROOF(first, D[second]) of RFC 9162 section 2.1.4.1 as node ids (empty when the sizes are equal)."""
    if not 0 < first <= second:
        raise ValueError(f"no consistency proof from size {first} to size {second}")
    steps: list[list[NodeId]] = []
    start, end, m, whole = 0, second, first, True
    while m != end - start:
        k = largest_power_of_two_below(end - start)
        if m <= k:
            steps.append(range_nodes(start + k, end))
            end = start + k
        else:
            steps.append(range_nodes(start, start + k))
            start, m, whole = start + k, m - k, False
    if not whole:
        steps.append(range_nodes(start, end))
    steps.reverse()
    return steps


def plan_ids(plan: Iterable[Sequence[NodeId]]) -> set[NodeId]:
    return {node for step in plan for node in step}


def materialise(plan: Plan, lookup: Mapping[NodeId, bytes] | Callable[[NodeId], bytes]) -> list[bytes]:
    """Turn a plan into proof hashes using stored complete subtrees (a mapping or a getter)."""
    get = lookup.__getitem__ if isinstance(lookup, Mapping) else lookup
    return [fold_right([get(node) for node in step]) for step in plan]


# --- verification (RFC 9162 sections 2.1.3.2 and 2.1.4.2) ----------------------------------------------------------


def _require_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise ProofError(f"{what} is {len(value)} bytes, a SHA-256 hash is {HASH_SIZE}")


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root that ``proof`` implies for leaf hash ``leaf`` at ``index`` in a tree of ``size`` leaves."""
    if size <= 0 or not 0 <= index < size:
        raise ProofError(f"index {index} is outside a tree of size {size}")
    _require_hash(leaf, "the leaf hash")
    fn, sn, r = index, size - 1, leaf
    for number, p in enumerate(proof):
        _require_hash(p, f"proof element {number}")
        if sn == 0:
            raise ProofError("the inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the inclusion proof is too short")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> None:
    """Raise :class:`ProofError` unless ``proof`` shows leaf hash ``leaf`` at ``index`` under ``root``."""
    _require_hash(root, "the root hash")
    if root_from_inclusion_proof(index, size, leaf, proof) != root:
        raise ProofError(f"the inclusion proof for index {index} does not lead to the root of size {size}")


def verify_consistency(first: int, second: int, proof: Sequence[bytes], first_root: bytes, second_root: bytes) -> None:
    """Raise :class:`ProofError` unless ``proof`` shows that tree ``second`` extends tree ``first``.

    A proof from size 0 is refused: every tree extends the empty tree, so such a "proof" proves nothing and is
    treated as malformed input (the conformance vectors require this).
    """
    if first < 0 or second < 0:
        raise ProofError("tree sizes cannot be negative")
    if first > second:
        raise ProofError(f"size {first} is larger than size {second}: sizes out of order")
    if first == 0:
        raise ProofError("a consistency proof from the empty tree proves nothing")
    if first == second:
        if proof:
            raise ProofError("equal sizes need an empty proof")
        if first_root != second_root:
            raise ProofError("equal sizes but different roots")
        return
    if not proof:
        raise ProofError("the consistency proof is empty")
    _require_hash(first_root, "the first root hash")
    _require_hash(second_root, "the second root hash")
    for number, p in enumerate(proof):
        _require_hash(p, f"proof element {number}")
    path = list(proof)
    if first & (first - 1) == 0:  # a power of two: the old root is itself a node of the new tree
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the consistency proof is too short")
    if fr != first_root:
        raise ProofError(f"the consistency proof does not lead to the root of size {first}")
    if sr != second_root:
        raise ProofError(f"the consistency proof does not lead to the root of size {second}")
