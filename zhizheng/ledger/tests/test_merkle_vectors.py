"""Conformance with the transparency-dev/merkle vectors (copied into tests/data/merkle with their LICENSE): every
root for sizes 0-8, the 98 inclusion and 98 consistency cases, including those that must be rejected."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from zhizheng.ledger import merkle

DATA = Path(__file__).parent / "data" / "merkle"
INCLUSION = sorted(DATA.glob("inclusion/**/*.json"))
CONSISTENCY = sorted(DATA.glob("consistency/**/*.json"))


def _b64(value: str) -> bytes:
    return base64.b64decode(value)


def test_the_vector_set_is_complete() -> None:
    assert (DATA / "LICENSE").is_file()
    assert len(INCLUSION) == 98
    assert len(CONSISTENCY) == 98
    rejected = [p for p in INCLUSION + CONSISTENCY if json.loads(p.read_text())["wantErr"]]
    assert len(rejected) > 150


def test_roots_for_sizes_0_to_8() -> None:
    vectors = json.loads((DATA / "roots.json").read_text())
    leaves = [bytes.fromhex(h) for h in vectors["leaf_inputs_hex"]]
    hashes = [merkle.leaf_hash(data) for data in leaves]
    expected = vectors["root_hex_by_tree_size"]
    assert len(expected) == 9
    for size, root in enumerate(expected):
        assert merkle.root_from_leaf_hashes(hashes[:size]).hex() == root


@pytest.mark.parametrize("path", INCLUSION, ids=lambda p: str(p.relative_to(DATA)))
def test_inclusion_vector(path: Path) -> None:
    case = json.loads(path.read_text())
    args = (
        case["leafIdx"],
        case["treeSize"],
        _b64(case["leafHash"]),
        [_b64(p) for p in case["proof"] or []],
        _b64(case["root"]),
    )
    if case["wantErr"]:
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(*args)
    else:
        merkle.verify_inclusion(*args)


@pytest.mark.parametrize("path", CONSISTENCY, ids=lambda p: str(p.relative_to(DATA)))
def test_consistency_vector(path: Path) -> None:
    case = json.loads(path.read_text())
    args = (
        case["size1"],
        case["size2"],
        [_b64(p) for p in case["proof"] or []],
        _b64(case["root1"]),
        _b64(case["root2"]),
    )
    if case["wantErr"]:
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(*args)
    else:
        merkle.verify_consistency(*args)


def _tree(count: int) -> tuple[list[bytes], dict[merkle.NodeId, bytes]]:
    hashes = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(count)]
    frontier: list[bytes] = []
    nodes: dict[merkle.NodeId, bytes] = {}
    for size, h in enumerate(hashes):
        for level, index, value in merkle.append_to_frontier(frontier, size, h):
            nodes[(level, index)] = value
    return hashes, nodes


def test_generated_proofs_verify_for_every_index_and_size_up_to_40() -> None:
    hashes, nodes = _tree(40)
    for size in range(1, 41):
        root = merkle.root_from_leaf_hashes(hashes[:size])
        assert merkle.fold_right([nodes[i] for i in merkle.frontier_ids(size)]) == root
        for index in range(size):
            proof = merkle.materialise(merkle.inclusion_plan(index, size), nodes)
            merkle.verify_inclusion(index, size, hashes[index], proof, root)
        for first in range(1, size + 1):
            proof = merkle.materialise(merkle.consistency_plan(first, size), nodes)
            merkle.verify_consistency(first, size, proof, merkle.root_from_leaf_hashes(hashes[:first]), root)


def test_generated_proofs_match_the_rfc_vectors() -> None:
    """Our proof generation reproduces the published proofs byte for byte (inclusion happy paths)."""
    vectors = json.loads((DATA / "roots.json").read_text())
    leaves = [bytes.fromhex(h) for h in vectors["leaf_inputs_hex"]]
    frontier: list[bytes] = []
    nodes: dict[merkle.NodeId, bytes] = {}
    for size, data in enumerate(leaves):
        for level, index, value in merkle.append_to_frontier(frontier, size, merkle.leaf_hash(data)):
            nodes[(level, index)] = value
    checked = 0
    for path in INCLUSION:
        case = json.loads(path.read_text())
        if case["wantErr"] or case["desc"] != "happy path" or case["treeSize"] > len(leaves):
            continue
        proof = merkle.materialise(merkle.inclusion_plan(case["leafIdx"], case["treeSize"]), nodes)
        assert [base64.b64encode(p).decode() for p in proof] == (case["proof"] or [])
        checked += 1
    for path in CONSISTENCY:
        case = json.loads(path.read_text())
        if case["wantErr"] or case["desc"] != "happy path" or case["size2"] > len(leaves) or case["size1"] == 0:
            continue
        proof = merkle.materialise(merkle.consistency_plan(case["size1"], case["size2"]), nodes)
        assert [base64.b64encode(p).decode() for p in proof] == (case["proof"] or [])
        checked += 1
    assert checked >= 8


def test_proof_plans_read_logarithmically_many_nodes() -> None:
    size = 10**9 + 7
    assert len(merkle.plan_ids(merkle.inclusion_plan(123_456_789, size))) <= 2 * size.bit_length()
    assert len(merkle.plan_ids(merkle.consistency_plan(999_999_937, size))) <= 2 * size.bit_length()
    assert len(merkle.frontier_ids(size)) == size.bit_count()


def test_tampered_proofs_are_rejected() -> None:
    hashes, nodes = _tree(13)
    root = merkle.root_from_leaf_hashes(hashes)
    proof = merkle.materialise(merkle.inclusion_plan(5, 13), nodes)
    flipped = [proof[0][:-1] + bytes([proof[0][-1] ^ 1]), *proof[1:]]
    with pytest.raises(merkle.ProofError, match="does not lead to the root"):
        merkle.verify_inclusion(5, 13, hashes[5], flipped, root)
    with pytest.raises(merkle.ProofError, match="too short"):
        merkle.verify_inclusion(5, 13, hashes[5], proof[:-1], root)
    with pytest.raises(merkle.ProofError, match="too long"):
        merkle.verify_inclusion(5, 13, hashes[5], [*proof, proof[0]], root)
    with pytest.raises(merkle.ProofError, match="outside"):
        merkle.verify_inclusion(13, 13, hashes[5], proof, root)


def test_frontier_encoding_rejects_a_wrong_length() -> None:
    _hashes, nodes = _tree(6)
    blob = merkle.encode_frontier([nodes[i] for i in merkle.frontier_ids(6)])
    assert len(merkle.decode_frontier(blob, 6)) == 2
    with pytest.raises(ValueError, match="does not fit"):
        merkle.decode_frontier(blob, 7)
