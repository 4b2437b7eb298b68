"""The public protocol at /ledger/: exact paths, JSON and text formats, and clear 4xx/503 answers to bad input."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client
from django.utils import translation

from zhizheng.ledger import merkle, note
from zhizheng.ledger.models import Checkpoint, Cosignature
from zhizheng.ledger.tests import factories

pytestmark = pytest.mark.django_db


def _problem(response: object, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.content  # type: ignore[attr-defined]
    assert response["Content-Type"].startswith("application/problem+json")  # type: ignore[index]
    body = json.loads(response.content)  # type: ignore[attr-defined]
    assert body["code"] == code
    assert body["status"] == status
    return body


def test_checkpoint_is_a_signed_note_of_the_current_tree(client: Client, ledger_key: note.Signer) -> None:
    factories.entries(5)
    response = client.get("/ledger/checkpoint")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    checkpoint, opened = note.open_checkpoint(response.content, [ledger_key.verifier])
    assert checkpoint.origin == "test.zhizheng.example/ledger"
    assert checkpoint.size == 5
    assert opened.text.splitlines()[1] == "5"
    assert Checkpoint.objects.count() == 1
    # Serving again does not sign again; growth is signed by the periodic task or a receipt.
    factories.entry()
    assert note.parse_checkpoint(note.parse_note(client.get("/ledger/checkpoint").content).text).size == 5


def test_checkpoint_without_a_signing_key_is_503_naming_the_setting(client: Client) -> None:
    factories.entry()
    body = _problem(client.get("/ledger/checkpoint"), 503, "ledger.signing_key_missing")
    assert "LEDGER_SIGNING_KEY_FILE" in str(body["detail_en"])
    assert "ledger_keygen" in str(body["detail_en"])
    assert "LEDGER_SIGNING_KEY" in str(body["detail"])
    assert Checkpoint.objects.count() == 0


def test_checkpoint_with_an_unusable_key_is_503(client: Client, settings: object) -> None:
    settings.LEDGER_SIGNING_KEY = "PRIVATE+KEY+nonsense"  # type: ignore[attr-defined]
    body = _problem(client.get("/ledger/checkpoint"), 503, "ledger.signing_key_invalid")
    assert "LEDGER_SIGNING_KEY" in str(body["detail_en"])


def test_key_lists_the_current_verifier_key(client: Client, ledger_key: note.Signer) -> None:
    response = client.get("/ledger/key")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == ledger_key.verifier.vkey + "\n"
    assert ledger_key.verifier.vkey.startswith("test.zhizheng.example/ledger+")


def test_key_without_any_key_is_503(client: Client) -> None:
    _problem(client.get("/ledger/key"), 503, "ledger.signing_key_missing")


def test_entry_json(client: Client) -> None:
    entry = factories.entry(act="orgs.department.renamed", subject=("orgs.department", 12), payload={"to": "新名"})
    response = client.get("/ledger/entries/0")
    assert response.status_code == 200
    body = response.json()
    leaf = base64.b64decode(body["leaf"])
    assert leaf == bytes(entry.leaf)
    assert body == {
        "index": 0,
        "leaf": base64.b64encode(leaf).decode(),
        "leaf_hash": base64.b64encode(merkle.leaf_hash(leaf)).decode(),
        "act": "orgs.department.renamed",
        "subject": {"type": "orgs.department", "id": "12"},
        "created_at": json.loads(leaf)["time"],
    }
    assert "immutable" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/ledger/entries/1", 404, "ledger.entry_not_found"),
        ("/ledger/entries/abc", 400, "ledger.invalid_parameter"),
        ("/ledger/entries/-1", 400, "ledger.invalid_parameter"),
        ("/ledger/entries/1.5", 400, "ledger.invalid_parameter"),
        ("/ledger/entries/99999999999999999999", 400, "ledger.invalid_parameter"),
    ],
)
def test_entry_errors(client: Client, path: str, status: int, code: str) -> None:
    factories.entry()
    _problem(client.get(path), status, code)


def test_inclusion_proof_json(client: Client) -> None:
    factories.entries(11)
    response = client.get("/ledger/proof/inclusion", {"index": 6, "size": 9})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"index", "size", "leaf_hash", "proof"}
    assert (body["index"], body["size"]) == (6, 9)
    root = client.get("/ledger/proof/consistency", {"first": 9, "second": 11})  # exercise the other endpoint too
    assert root.status_code == 200
    from zhizheng.ledger import selectors

    merkle.verify_inclusion(
        6,
        9,
        base64.b64decode(body["leaf_hash"]),
        [base64.b64decode(p) for p in body["proof"]],
        selectors.root_at(9),
    )


def test_consistency_proof_json(client: Client) -> None:
    factories.entries(11)
    from zhizheng.ledger import selectors

    body = client.get("/ledger/proof/consistency", {"first": 3, "second": 11}).json()
    assert (body["first"], body["second"]) == (3, 11)
    proof = [base64.b64decode(p) for p in body["proof"]]
    merkle.verify_consistency(3, 11, proof, selectors.root_at(3), selectors.root_at(11))
    same = client.get("/ledger/proof/consistency", {"first": 11, "second": 11}).json()
    assert same == {"first": 11, "second": 11, "proof": []}


@pytest.mark.parametrize(
    ("query", "code", "words"),
    [
        ({"index": 5, "size": 5}, "ledger.index_out_of_range", "Index 5"),
        ({"index": 0, "size": 0}, "ledger.index_out_of_range", "size 0"),
        ({"index": 0, "size": 6}, "ledger.size_out_of_range", "holds 5 entries"),
        ({"index": "x", "size": 5}, "ledger.invalid_parameter", "“index”"),
        ({"index": 1, "size": "5.0"}, "ledger.invalid_parameter", "“size”"),
        ({"index": 1, "size": ""}, "ledger.missing_parameter", "“size”"),
        ({"size": 5}, "ledger.missing_parameter", "“index”"),
    ],
)
def test_inclusion_proof_bad_input_is_400(client: Client, query: dict[str, object], code: str, words: str) -> None:
    factories.entries(5)
    body = _problem(client.get("/ledger/proof/inclusion", query), 400, code)
    assert words in str(body["detail_en"])
    assert body["detail"] != body["detail_en"]  # Chinese first


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"first": 4, "second": 3}, "ledger.sizes_out_of_order"),
        ({"first": 1, "second": 6}, "ledger.size_out_of_range"),
        ({"first": 0, "second": 3}, "ledger.empty_tree_proof"),
        ({"first": "one", "second": 3}, "ledger.invalid_parameter"),
        ({"first": 1}, "ledger.missing_parameter"),
    ],
)
def test_consistency_proof_bad_input_is_400(client: Client, query: dict[str, object], code: str) -> None:
    factories.entries(5)
    _problem(client.get("/ledger/proof/consistency", query), 400, code)


def test_english_requests_get_english_details(client: Client) -> None:
    factories.entries(2)
    body = _problem(
        client.get("/ledger/proof/inclusion", {"index": 3, "size": 2}, HTTP_ACCEPT_LANGUAGE="en"),
        400,
        "ledger.index_out_of_range",
    )
    assert body["detail"] == body["detail_en"]


def test_receipt_signs_a_covering_checkpoint_at_once(client: Client, ledger_key: note.Signer) -> None:
    factories.entries(3)
    factories.checkpoint()
    factories.entries(2)
    body = client.get("/ledger/receipts/4").json()
    assert body["size"] == 5
    assert body["verifier_keys"] == [ledger_key.verifier.vkey]
    checkpoint, _ = note.open_checkpoint(body["checkpoint"], [ledger_key.verifier])
    merkle.verify_inclusion(
        4, 5, base64.b64decode(body["leaf_hash"]), [base64.b64decode(p) for p in body["proof"]], checkpoint.root_hash
    )
    assert body["entry_url"] == "/ledger/view/4"
    assert Checkpoint.objects.count() == 2
    # An entry the latest checkpoint already covers reuses it.
    assert client.get("/ledger/receipts/1").json()["size"] == 5
    assert Checkpoint.objects.count() == 2


def test_receipt_errors(client: Client, ledger_key: note.Signer) -> None:
    factories.entry()
    _problem(client.get("/ledger/receipts/1"), 404, "ledger.entry_not_found")
    _problem(client.get("/ledger/receipts/x"), 400, "ledger.invalid_parameter")


def test_receipt_without_a_key_is_503(client: Client) -> None:
    factories.entry()
    _problem(client.get("/ledger/receipts/0"), 503, "ledger.signing_key_missing")


def test_protocol_endpoints_refuse_other_methods(client: Client) -> None:
    assert client.post("/ledger/checkpoint").status_code == 405
    assert client.get("/ledger/cosignatures").status_code == 405


# --- witnesses ------------------------------------------------------------------------------------------------------


def test_a_witness_cosignature_is_verified_stored_and_served(client: Client, ledger_key: note.Signer) -> None:
    factories.entries(4)
    checkpoint = factories.checkpoint()
    witness, signer = factories.witness(required=True)
    text = note.parse_note(checkpoint.note).text
    line = signer.signature_line(text, timestamp=1_700_000_000)
    response = client.post("/ledger/cosignatures", {"size": 4, "cosignature": line}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json() == {"size": 4, "witnesses": [witness.name]}
    served = client.get("/ledger/checkpoint").content.decode()
    assert served == checkpoint.note + line
    opened = note.open_note(served, [ledger_key.verifier, signer.verifier])
    assert [s.name for s in opened.verified] == [ledger_key.name, witness.name]
    # Submitting again is idempotent.
    again = client.post("/ledger/cosignatures", {"size": 4, "cosignature": line}, content_type="application/json")
    assert again.status_code == 201
    assert Cosignature.objects.count() == 1


def test_a_cosigned_checkpoint_note_can_be_posted_as_text(client: Client, ledger_key: note.Signer) -> None:
    factories.entries(2)
    checkpoint = factories.checkpoint()
    witness, signer = factories.witness()
    cosigned = checkpoint.note + signer.signature_line(note.parse_note(checkpoint.note).text)
    response = client.post("/ledger/cosignatures", cosigned, content_type="text/plain")
    assert response.status_code == 201, response.content
    assert Cosignature.objects.get().witness == witness


def test_witnessed_checkpoint_waits_for_every_required_witness(client: Client, ledger_key: note.Signer) -> None:
    factories.entries(2)
    first = factories.checkpoint()
    required_a = factories.witness(required=True)
    required_b = factories.witness(required=True)
    optional = factories.witness()
    factories.entries(2)
    second = factories.checkpoint()
    factories.cosignature(on=second, by=required_a)
    factories.cosignature(on=second, by=optional)
    _problem(client.get("/ledger/checkpoint", {"witnessed": "1"}), 404, "ledger.no_witnessed_checkpoint")
    factories.cosignature(on=first, by=required_a)
    factories.cosignature(on=first, by=required_b)
    witnessed = client.get("/ledger/checkpoint", {"witnessed": "1"}).content.decode()
    assert note.parse_checkpoint(note.parse_note(witnessed).text).size == 2
    latest = client.get("/ledger/checkpoint").content.decode()
    assert note.parse_checkpoint(note.parse_note(latest).text).size == 4
    assert len(note.parse_note(latest).signatures) == 3


@pytest.mark.parametrize(
    ("make_body", "status", "code"),
    [
        (lambda line, cp: {"size": 9, "cosignature": line}, 404, "ledger.checkpoint_not_found"),
        (lambda line, cp: {"size": 2, "cosignature": "— nobody.example/w " + "A" * 16}, 422, "ledger.unknown_witness"),
        (lambda line, cp: {"size": 2, "cosignature": "not a signature line"}, 422, "ledger.invalid_cosignature"),
        (lambda line, cp: {"size": 2}, 400, "ledger.missing_parameter"),
        (lambda line, cp: {"size": "two", "cosignature": line}, 400, "ledger.invalid_parameter"),
        (lambda line, cp: ["a", "list"], 400, "ledger.invalid_body"),
    ],
)
def test_bad_cosignatures_are_refused(client: Client, ledger_key: note.Signer, make_body, status, code) -> None:  # type: ignore[no-untyped-def]
    factories.entries(2)
    checkpoint = factories.checkpoint()
    _witness, signer = factories.witness()
    line = signer.signature_line(note.parse_note(checkpoint.note).text)
    body = make_body(line, checkpoint)
    response = client.post("/ledger/cosignatures", json.dumps(body), content_type="application/json")
    _problem(response, status, code)
    assert Cosignature.objects.count() == 0


def test_a_cosignature_over_another_checkpoint_is_refused(client: Client, ledger_key: note.Signer) -> None:
    factories.entries(2)
    factories.checkpoint()
    factories.entries(1)
    later = factories.checkpoint()
    _witness, signer = factories.witness()
    line = signer.signature_line(note.parse_note(later.note).text)  # signed over size 3, sent for size 2
    response = client.post("/ledger/cosignatures", {"size": 2, "cosignature": line}, content_type="application/json")
    body = _problem(response, 422, "ledger.invalid_cosignature")
    assert "does not verify" in str(body["detail_en"])
    text_body = later.note.replace("\n3\n", "\n2\n", 1) + line
    response = client.post("/ledger/cosignatures", text_body, content_type="text/plain")
    _problem(response, 409, "ledger.cosignature_conflict")
    assert Cosignature.objects.count() == 0


def test_cosignatures_from_the_future_or_inactive_witnesses_are_refused(
    client: Client, ledger_key: note.Signer
) -> None:
    import time

    factories.entries(1)
    checkpoint = factories.checkpoint()
    _w, signer = factories.witness()
    text = note.parse_note(checkpoint.note).text
    future = signer.signature_line(text, timestamp=int(time.time()) + 3600)
    response = client.post("/ledger/cosignatures", {"size": 1, "cosignature": future}, content_type="application/json")
    _problem(response, 422, "ledger.invalid_cosignature")
    _inactive, retired = factories.witness(active=False)
    line = retired.signature_line(text)
    response = client.post("/ledger/cosignatures", {"size": 1, "cosignature": line}, content_type="application/json")
    _problem(response, 422, "ledger.unknown_witness")


def test_a_witness_key_of_the_wrong_type_is_refused_in_admin_validation() -> None:
    from django.core.exceptions import ValidationError

    from zhizheng.ledger.models import Witness

    signer = note.Signer.generate("w.example/x")  # type 0x01, not a cosignature key
    with pytest.raises(ValidationError, match="0x04"):
        Witness(name="w.example/x", verifier_key=signer.verifier.vkey).full_clean()
    other = note.Signer.generate("w.example/y", note.SIG_COSIGNATURE_V1)
    with translation.override("en"), pytest.raises(ValidationError, match="witness name"):
        Witness(name="w.example/x", verifier_key=other.verifier.vkey).full_clean()
    with pytest.raises(ValidationError, match="key"):
        Witness(name="w.example/x", verifier_key="garbage").full_clean()
