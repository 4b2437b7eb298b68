"""The W3C eddsa-jcs-2022 test vector (tests/data/vc-eddsa-jcs-2022): every intermediate value and the signature."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zhizheng.certificates import dataintegrity

DATA = Path(__file__).parent / "data" / "vc-eddsa-jcs-2022"


def _text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8").strip()


@pytest.fixture
def signed() -> dict:
    return json.loads(_text("signedJCS.json"))


@pytest.fixture
def key_pair() -> dict:
    return json.loads(_text("keyPair.json"))


def test_each_intermediate_value_matches_the_vector(signed: dict) -> None:
    proof_config = json.loads(_text("proofConfigJCS.json"))
    assert dataintegrity.proof_config_of(signed, signed["proof"]) == proof_config
    steps = dataintegrity.jcs_hash_steps(signed, proof_config)
    assert steps.canonical_document.decode() == _text("canonDocJCS.txt")
    assert steps.document_hash.hex() == _text("docHashJCS.txt")
    assert steps.canonical_proof_config.decode() == _text("proofCanonJCS.txt")
    assert steps.proof_config_hash.hex() == _text("proofHashJCS.txt")
    assert steps.hash_data.hex() == _text("combinedHashJCS.txt")


def test_the_key_pair_round_trips_through_multibase(key_pair: dict) -> None:
    private_key = dataintegrity.private_key_from_multibase(key_pair["privateKeyMultibase"])
    assert dataintegrity.public_key_multibase(private_key.public_key()) == key_pair["publicKeyMultibase"]
    assert dataintegrity.private_key_multibase(private_key) == key_pair["privateKeyMultibase"]


def test_signing_reproduces_the_proof_value_byte_for_byte(signed: dict, key_pair: dict) -> None:
    private_key = dataintegrity.private_key_from_multibase(key_pair["privateKeyMultibase"])
    signer = dataintegrity.Ed25519Signer(private_key, signed["proof"]["verificationMethod"])
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    resigned = dataintegrity.add_proof(unsigned, signer=signer, created=signed["proof"]["created"])
    steps = dataintegrity.jcs_hash_steps(unsigned, dataintegrity.proof_config_of(unsigned, resigned["proof"]))
    assert private_key.sign(steps.hash_data).hex() == _text("sigHexJCS.txt")
    assert resigned["proof"]["proofValue"] == _text("sigBTC58JCS.txt") == signed["proof"]["proofValue"]
    # The vector's proof also carries @context; ours puts it only in the signed proof config. Same signature.
    assert {k: v for k, v in signed["proof"].items() if k != "@context"} == resigned["proof"]


def test_the_vector_verifies_and_a_changed_byte_does_not(signed: dict, key_pair: dict) -> None:
    assert dataintegrity.verify_proof(signed, key_pair["publicKeyMultibase"]) is True
    tampered = json.loads(json.dumps(signed))
    tampered["credentialSubject"]["alumniOf"] = "The School of Counterfeits"
    assert dataintegrity.verify_proof(tampered, key_pair["publicKeyMultibase"]) is False
    other_context = json.loads(json.dumps(signed))
    other_context["proof"]["@context"] = ["https://www.w3.org/ns/credentials/v2"]
    assert dataintegrity.verify_proof(other_context, key_pair["publicKeyMultibase"]) is False


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "must start with 'z'"),
        ("z0OIl", "invalid base58btc"),
        ("z" + "1" * 10, "not an Ed25519 public key"),
    ],
)
def test_bad_public_keys_are_refused_with_a_reason(value: str, message: str) -> None:
    with pytest.raises(dataintegrity.ProofError, match=message):
        dataintegrity.public_key_from_multibase(value)
