"""The standalone verifier (``python -m zhizheng.ledger.verify``) against the real views: inclusion, consistency with
a remembered checkpoint, forks, tampered entries, receipts, witnesses, and personal-value proofs."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from zhizheng.core.actor import SYSTEM
from zhizheng.ledger import leaf, merkle, note, services, verify
from zhizheng.ledger.errors import LogInconsistent
from zhizheng.ledger.models import Checkpoint, Entry, TreeHead, TreeNode
from zhizheng.ledger.tests import factories
from zhizheng.ledger.tests.conftest import client_fetch

pytestmark = pytest.mark.django_db
BASE = "http://testserver/ledger/"


def _run(client: Client, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = verify.main(list(argv), fetch=client_fetch(client))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_log_mode_proves_entries_and_remembers_the_checkpoint(
    client: Client, ledger_key: note.Signer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    factories.entries(6)
    state = tmp_path / "state.txt"
    vkey = ledger_key.verifier.vkey
    args = ("log", BASE, "--key", vkey, "--entry", "0", "--entry", "5", "--remember", str(state))
    status, out, err = _run(client, capsys, *args)
    assert (status, err) == (0, "")
    assert "OK: entry 5 is included in checkpoint 6" in out
    assert "remembered checkpoint 6 (first run)" in out
    factories.entries(7)
    services.checkpoint_sign(actor=SYSTEM)
    status, out, err = _run(client, capsys, *args)
    assert (status, err) == (0, "")
    assert "consistent with the remembered checkpoint 6" in out
    assert note.parse_checkpoint(note.parse_note(state.read_text()).text).size == 13


def test_a_rewritten_history_is_detected_as_inconsistent(
    client: Client, ledger_key: note.Signer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    factories.entries(6)
    state = tmp_path / "state.txt"
    vkey = ledger_key.verifier.vkey
    assert _run(client, capsys, "log", BASE, "--key", vkey, "--remember", str(state))[0] == 0
    # The operator rewrites entry 2 and recomputes the whole tree...
    entry = Entry.objects.get(index=2)
    forged = leaf.leaf_bytes(
        index=2,
        created_at=entry.created_at,
        act=entry.act,
        subject_type=entry.subject_type,
        subject_id=entry.subject_id,
        actor_ref=entry.actor_ref,
        actor_disclosed=entry.actor_disclosed,
        payload={"n": 2, "name": "改"},
        personal=entry.personal_fields,
        salt=bytes(entry.salt),
    )
    Entry.objects.filter(index=2).update(leaf=forged, leaf_hash=merkle.leaf_hash(forged))
    TreeNode.objects.all().delete()
    frontier: list[bytes] = []
    nodes = []
    for position, digest in enumerate(Entry.objects.order_by("index").values_list("leaf_hash", flat=True)):
        for level, index, value in merkle.append_to_frontier(frontier, position, bytes(digest)):
            nodes.append(TreeNode(key=merkle.node_key(level, index), hash=value))
    TreeNode.objects.bulk_create(nodes)
    TreeHead.objects.filter(pk=1).update(frontier=merkle.encode_frontier(frontier))
    factories.entries(2)
    # ... but the log itself refuses to sign a head that does not extend its last checkpoint.
    with pytest.raises(LogInconsistent):
        services.checkpoint_sign(actor=SYSTEM)
    # Deleting its own signed history lets it sign again, and every client that remembered a checkpoint notices.
    Checkpoint.objects.all().delete()
    services.checkpoint_sign(actor=SYSTEM)
    status, _out, err = _run(client, capsys, "log", BASE, "--key", vkey, "--remember", str(state))
    assert status == 1
    assert "does not extend the remembered size 6" in err


def test_a_fork_at_the_same_size_is_detected(
    client: Client, ledger_key: note.Signer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    factories.entries(3)
    state = tmp_path / "state.txt"
    vkey = ledger_key.verifier.vkey
    assert _run(client, capsys, "log", BASE, "--key", vkey, "--remember", str(state))[0] == 0
    other = note.sign_note(note.Checkpoint("test.zhizheng.example/ledger", 3, b"\x01" * 32).text, [ledger_key])
    Checkpoint.objects.update(note=other, root_hash=b"\x01" * 32)
    status, _out, err = _run(client, capsys, "log", BASE, "--key", vkey, "--remember", str(state))
    assert status == 1
    assert "FORK" in err


def test_a_tampered_entry_fails_inclusion_and_is_named(
    client: Client, ledger_key: note.Signer, capsys: pytest.CaptureFixture[str]
) -> None:
    factories.entries(5)
    entry = Entry.objects.get(index=3)
    document = json.loads(bytes(entry.leaf))
    document["act"] = "registries.record.deleted"
    Entry.objects.filter(index=3).update(act="registries.record.deleted", leaf=leaf.canonical(document))
    status, _out, err = _run(client, capsys, "log", BASE, "--key", ledger_key.verifier.vkey, "--entry", "3")
    assert status == 1
    assert "entry 3" in err
    assert "does not lead to the root" in err


def test_a_wrong_key_or_origin_fails(
    client: Client, ledger_key: note.Signer, capsys: pytest.CaptureFixture[str]
) -> None:
    factories.entries(1)
    stranger = note.Signer.generate("test.zhizheng.example/ledger").verifier.vkey
    status, _out, err = _run(client, capsys, "log", BASE, "--key", stranger)
    assert status == 1
    assert "no signature from a trusted key" in err
    status, _out, err = _run(client, capsys, "log", BASE, "--key", ledger_key.verifier.vkey, "--origin", "x.example")
    assert status == 1
    assert "not 'x.example'" in err


def test_receipt_and_file_modes(
    client: Client, ledger_key: note.Signer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    factories.entries(9)
    keys_file = tmp_path / "keys.txt"
    keys_file.write_bytes(client.get("/ledger/key").content)
    receipt = tmp_path / "receipt.json"
    receipt.write_bytes(client.get("/ledger/receipts/7").content)
    status, out, _err = _run(client, capsys, "receipt", str(receipt), "--key", str(keys_file))
    assert status == 0
    assert "OK: entry 7 (registries.record.updated) is in checkpoint 9" in out
    # Claiming another act for the same leaf is caught.
    data = json.loads(receipt.read_text())
    data["act"] = "registries.record.deleted"
    receipt.write_text(json.dumps(data))
    status, _out, err = _run(client, capsys, "receipt", str(receipt), "--key", str(keys_file))
    assert status == 1
    assert "differ from the leaf" in err

    checkpoint = tmp_path / "checkpoint.txt"
    checkpoint.write_bytes(client.get("/ledger/checkpoint").content)
    entry = tmp_path / "entry.json"
    entry.write_bytes(client.get("/ledger/entries/4").content)
    proof = tmp_path / "proof.json"
    proof.write_bytes(client.get("/ledger/proof/inclusion", {"index": 4, "size": 9}).content)
    args = ("inclusion", str(checkpoint), "--key", str(keys_file), "--entry", str(entry), "--proof", str(proof))
    assert _run(client, capsys, *args)[0] == 0

    state = tmp_path / "state.txt"
    state.write_bytes(checkpoint.read_bytes())
    factories.entries(4)
    services.checkpoint_sign(actor=SYSTEM)
    newer = tmp_path / "newer.txt"
    newer.write_bytes(client.get("/ledger/checkpoint").content)
    consistency = tmp_path / "consistency.json"
    consistency.write_bytes(client.get("/ledger/proof/consistency", {"first": 9, "second": 13}).content)
    args = ("checkpoint", str(newer), "--key", str(keys_file), "--remember", str(state))
    status, out, _err = _run(client, capsys, *args, "--consistency", str(consistency))
    assert status == 0
    assert "consistent with the remembered checkpoint 9" in out
    status, _out, err = _run(client, capsys, *args)
    assert status == 0  # the same checkpoint again needs no proof
    missing = tmp_path / "nothing.json"
    status, _out, err = _run(client, capsys, "receipt", str(missing), "--key", str(keys_file))
    assert status == 2
    assert "cannot read" in err


def test_a_witness_cosigns_through_the_tool_and_clients_require_it(
    client: Client, ledger_key: note.Signer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    factories.entries(3)
    _witness, signer = factories.witness(required=True)
    signer_file = tmp_path / "witness.key"
    signer_file.write_text(signer.skey)
    state = tmp_path / "witness-state.txt"
    vkey = ledger_key.verifier.vkey
    cosign = ("cosign", BASE + "checkpoint", "--key", vkey, "--witness-signer", str(signer_file))
    status, out, _err = _run(client, capsys, *cosign, "--remember", str(state), "--log", BASE)
    assert status == 0
    line = out.strip().splitlines()[-1]
    assert line.startswith("— " + signer.name + " ")
    response = client.post("/ledger/cosignatures", {"size": 3, "cosignature": line}, content_type="application/json")
    assert response.status_code == 201
    witness_args = ("--witness-key", signer.verifier.vkey)
    status, out, _err = _run(client, capsys, "log", BASE, "--key", vkey, *witness_args, "--min-witnesses", "1")
    assert status == 0
    assert f"witnesses: ['{signer.name}']" in out
    status, _out, err = _run(client, capsys, "log", BASE, "--key", vkey, *witness_args, "--min-witnesses", "2")
    assert status == 1
    assert "1 witness cosignatures, 2 required" in err


def test_an_auditor_proves_a_personal_value(
    client: Client, ledger_key: note.Signer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made = factories.entry(payload={"applicant_name": "张三", "kind": "new"})
    entry_file = tmp_path / "entry.json"
    entry_file.write_bytes(client.get("/ledger/entries/0").content)
    salt = base64.b64encode(bytes(made.salt)).decode()
    args = ("personal", str(entry_file), "--salt", salt, "--path", "payload.applicant_name")
    status, out, _err = _run(client, capsys, *args, "--value", '"张三"')
    assert status == 0
    assert "is the given value" in out
    assert _run(client, capsys, *args, "--value", '"李四"')[0] == 1
    nowhere = ("personal", str(entry_file), "--salt", salt, "--path", "payload.x.y", "--value", "1")
    status, _out, err = _run(client, capsys, *nowhere)
    assert status == 2
    assert "nothing at payload.x.y" in err


def test_the_tool_runs_without_django_settings_or_a_database(
    client: Client, ledger_key: note.Signer, tmp_path: Path
) -> None:
    factories.entries(3)
    receipt = tmp_path / "receipt.json"
    receipt.write_bytes(client.get("/ledger/receipts/1").content)
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
    env["DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/none"  # unusable: the tool must not touch a database
    code = (
        "import sys, runpy; sys.argv = ['verify'] + sys.argv[1:];"
        "rc = 0\n"
        "try:\n    runpy.run_module('zhizheng.ledger.verify', run_name='__main__')\n"
        "except SystemExit as e:\n    rc = e.code\n"
        "from django.conf import settings\n"
        "print('settings configured:', settings.configured)\n"
        "sys.exit(rc)"
    )
    args = [sys.executable, "-c", code, "receipt", str(receipt), "--key", ledger_key.verifier.vkey]
    result = subprocess.run(args, capture_output=True, text=True, env=env, cwd=Path(__file__).parents[3], check=False)
    assert result.returncode == 0, result.stderr
    assert "OK: entry 1 (registries.record.updated) is in checkpoint 3" in result.stdout
    assert "settings configured: False" in result.stdout
