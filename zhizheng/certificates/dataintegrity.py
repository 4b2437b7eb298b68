"""W3C Data Integrity proofs: the ``eddsa-jcs-2022`` cryptosuite, Multikey encoding and a cryptosuite registry.

Pure Python over ``cryptography``, ``base58`` and the ledger's RFC 8785 (``ledger.leaf.canonical``); no Django
settings or database, so the standalone verifier (``python -m zhizheng.certificates.verify``) imports it as it is.

eddsa-jcs-2022 (W3C vc-di-eddsa §3.3): the proof configuration is the proof without ``proofValue`` (and with the
document's ``@context`` when it has one); the hash data is ``SHA-256(JCS(proofConfig)) || SHA-256(JCS(document
without proof))``; ``proofValue`` is ``"z" + base58btc(Ed25519 signature over the hash data)``.

A national-cryptography profile (SM2 over SM3) is one more ``Cryptosuite`` in :data:`CRYPTOSUITES` with its own
``Signer``; nothing here assumes Ed25519 beyond the suite that names it.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from zhizheng.ledger import leaf as jcs

ED25519_PUB_PREFIX = b"\xed\x01"  # multicodec ed25519-pub, varint
ED25519_PRIV_PREFIX = b"\x80\x26"  # multicodec ed25519-priv, varint
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
PROOF_TYPE = "DataIntegrityProof"


class ProofError(ValueError):
    """A proof or key that cannot be read or does not verify; the message says which part and why."""


# --- multibase / Multikey ---------------------------------------------------------------------------------------


def multibase_b58_encode(data: bytes) -> str:
    return "z" + base58.b58encode(data).decode("ascii")


def multibase_b58_decode(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("z") or len(text) < 2:
        raise ProofError("not a base58btc multibase value (it must start with 'z')")
    try:
        return base58.b58decode(text[1:])
    except ValueError as exc:
        raise ProofError(f"invalid base58btc: {exc}") from exc


def public_key_multibase(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return multibase_b58_encode(ED25519_PUB_PREFIX + raw)


def public_key_from_multibase(text: str) -> Ed25519PublicKey:
    data = multibase_b58_decode(text)
    if len(data) != 34 or data[:2] != ED25519_PUB_PREFIX:
        raise ProofError("publicKeyMultibase is not an Ed25519 public key (0xed01 + 32 bytes)")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def private_key_multibase(private_key: Ed25519PrivateKey) -> str:
    raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return multibase_b58_encode(ED25519_PRIV_PREFIX + raw)


def private_key_from_multibase(text: str) -> Ed25519PrivateKey:
    data = multibase_b58_decode(text)
    if len(data) != 34 or data[:2] != ED25519_PRIV_PREFIX:
        raise ProofError("privateKeyMultibase is not an Ed25519 private key (0x8026 + 32 bytes)")
    return Ed25519PrivateKey.from_private_bytes(data[2:])


# --- signers ----------------------------------------------------------------------------------------------------


class Signer(Protocol):
    """Something that signs for a verification method. An HSM or an SM2 key implements the same two members."""

    @property
    def verification_method(self) -> str: ...

    def sign(self, data: bytes) -> bytes: ...


@dataclass(frozen=True)
class Ed25519Signer:
    private_key: Ed25519PrivateKey
    verification_method: str

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data)


# --- the cryptosuite --------------------------------------------------------------------------------------------


def canonical(value: Any) -> bytes:
    """RFC 8785 JSON Canonicalization Scheme: the ledger's implementation (pure, no Django), which uses the C
    ``json`` encoder where its output is byte-identical to RFC 8785 and the reference ``rfc8785`` otherwise."""
    try:
        return jcs.canonical(value)
    except (jcs.LeafError, ValueError) as exc:
        raise ProofError(f"the document cannot be canonicalised (RFC 8785): {exc}") from exc


@dataclass(frozen=True)
class HashSteps:
    """The intermediate values of eddsa-jcs-2022, exposed so tests can check each against the W3C vector."""

    canonical_document: bytes
    document_hash: bytes
    canonical_proof_config: bytes
    proof_config_hash: bytes

    @property
    def hash_data(self) -> bytes:
        return self.proof_config_hash + self.document_hash


def proof_config_of(document: Mapping[str, Any], proof: Mapping[str, Any]) -> dict[str, Any]:
    """The proof without ``proofValue``, carrying the document's ``@context`` when the document has one."""
    config = {k: copy.deepcopy(v) for k, v in proof.items() if k != "proofValue"}
    if "@context" in document:
        config["@context"] = copy.deepcopy(document["@context"])
    return config


def jcs_hash_steps(document: Mapping[str, Any], proof_config: Mapping[str, Any]) -> HashSteps:
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    canonical_document = canonical(unsecured)
    canonical_config = canonical(dict(proof_config))
    return HashSteps(
        canonical_document=canonical_document,
        document_hash=hashlib.sha256(canonical_document).digest(),
        canonical_proof_config=canonical_config,
        proof_config_hash=hashlib.sha256(canonical_config).digest(),
    )


@dataclass(frozen=True)
class Cryptosuite:
    """A Data Integrity cryptosuite: how to hash a document and proof config, and how to check a signature."""

    name: str
    hash_steps: Callable[[Mapping[str, Any], Mapping[str, Any]], HashSteps]
    verify_signature: Callable[[str, bytes, bytes], bool]
    """``(publicKeyMultibase, signature, data) -> bool``."""


def _ed25519_verify(public_key_text: str, signature: bytes, data: bytes) -> bool:
    key = public_key_from_multibase(public_key_text)
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


CRYPTOSUITES: dict[str, Cryptosuite] = {
    "eddsa-jcs-2022": Cryptosuite("eddsa-jcs-2022", jcs_hash_steps, _ed25519_verify),
}
"""Known cryptosuites by name. An SM2/SM3 profile registers here (and verifiers then accept it)."""

DEFAULT_CRYPTOSUITE = "eddsa-jcs-2022"


def add_proof(
    document: Mapping[str, Any],
    *,
    signer: Signer,
    created: str,
    cryptosuite: str = DEFAULT_CRYPTOSUITE,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """Return a copy of ``document`` with a Data Integrity proof by ``signer``."""
    suite = CRYPTOSUITES[cryptosuite]
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": suite.name,
        "created": created,
        "verificationMethod": signer.verification_method,
        "proofPurpose": proof_purpose,
    }
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    steps = suite.hash_steps(unsecured, proof_config_of(unsecured, proof))
    proof["proofValue"] = multibase_b58_encode(signer.sign(steps.hash_data))
    return {**unsecured, "proof": proof}


def proof_of(document: Mapping[str, Any]) -> dict[str, Any]:
    """The single proof of a secured document, or ``ProofError`` saying what is wrong with it."""
    proof = document.get("proof")
    if isinstance(proof, list):
        if len(proof) != 1:
            raise ProofError("exactly one proof is supported")
        proof = proof[0]
    if not isinstance(proof, dict):
        raise ProofError("the document has no proof object")
    for key in ("type", "cryptosuite", "verificationMethod", "proofPurpose", "proofValue"):
        if not isinstance(proof.get(key), str) or not proof[key]:
            raise ProofError(f"proof.{key} is missing or not a string")
    if proof["type"] != PROOF_TYPE:
        raise ProofError(f"proof.type must be {PROOF_TYPE}")
    if proof["cryptosuite"] not in CRYPTOSUITES:
        raise ProofError(f"unknown cryptosuite {proof['cryptosuite']!r}")
    return proof


def verify_proof(document: Mapping[str, Any], public_key_multibase_text: str) -> bool:
    """True when the document's proof is a valid signature by that key over the document as it is."""
    proof = proof_of(document)
    suite = CRYPTOSUITES[proof["cryptosuite"]]
    if "@context" in proof and proof["@context"] != document.get("@context"):
        return False  # a proof that claims another context than the document's does not cover this document
    signature = multibase_b58_decode(proof["proofValue"])
    steps = suite.hash_steps(document, proof_config_of(document, proof))
    return suite.verify_signature(public_key_multibase_text, signature, steps.hash_data)
