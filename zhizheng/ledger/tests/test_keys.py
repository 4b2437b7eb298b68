"""The signing key lives outside the database, is created at install, and can be rotated with old keys published."""

from __future__ import annotations

import stat
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from zhizheng.core.actor import SYSTEM
from zhizheng.ledger import keys, note, services
from zhizheng.ledger.errors import SigningKeyInvalid, SigningKeyMissing
from zhizheng.ledger.tests import factories


def test_keygen_writes_a_private_file_and_if_missing_keeps_it(ledger_key_paths: Path) -> None:
    out = StringIO()
    call_command("ledger_keygen", "--if-missing", stdout=out)
    path = ledger_key_paths / "signing.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    content = path.read_text()
    signer = note.Signer.from_skey(content)
    assert signer.name == "test.zhizheng.example/ledger"
    assert signer.verifier.vkey in out.getvalue()
    call_command("ledger_keygen", "--if-missing", stdout=StringIO())
    assert path.read_text() == content
    with pytest.raises(CommandError, match="already exists"):
        call_command("ledger_keygen", stdout=StringIO())


@pytest.mark.django_db
def test_rotation_keeps_old_checkpoints_verifiable(client: Client, ledger_key: note.Signer) -> None:
    factories.entries(2)
    old_checkpoint = factories.checkpoint()
    call_command("ledger_keygen", "--rotate", stdout=StringIO())
    new_key = keys.load_signer()
    assert new_key.key_id != ledger_key.key_id
    published = client.get("/ledger/key").content.decode().splitlines()
    assert published == [new_key.verifier.vkey, ledger_key.verifier.vkey]
    factories.entries(1)
    new_checkpoint = services.checkpoint_sign(actor=SYSTEM)
    verifiers = [note.Verifier.from_vkey(k) for k in published]
    assert note.open_checkpoint(old_checkpoint.note, verifiers)[0].size == 2
    assert note.open_checkpoint(new_checkpoint.note, verifiers)[0].size == 3
    assert new_checkpoint.key_id == new_key.key_id.hex()
    with pytest.raises(note.VerificationError):
        note.open_checkpoint(new_checkpoint.note, [ledger_key.verifier])
    call_command("ledger_keygen", "--rotate", stdout=StringIO())
    assert len(keys.verifier_keys()) == 3


def test_the_environment_key_wins_and_cannot_be_rotated_here(settings: object) -> None:
    signer = note.Signer.generate("test.zhizheng.example/ledger")
    settings.LEDGER_SIGNING_KEY = signer.skey  # type: ignore[attr-defined]
    assert keys.load_signer() == signer
    out = StringIO()
    call_command("ledger_keygen", "--if-missing", stdout=out)  # what `make run` does: nothing to create
    assert signer.verifier.vkey in out.getvalue()
    with pytest.raises(CommandError, match="LEDGER_OLD_VERIFIER_KEYS"):
        call_command("ledger_keygen", "--rotate", stdout=StringIO())


def test_old_verifier_keys_from_settings_are_published(settings: object, ledger_key: note.Signer) -> None:
    old = note.Signer.generate("test.zhizheng.example/ledger").verifier.vkey
    settings.LEDGER_OLD_VERIFIER_KEYS = [old, old]  # type: ignore[attr-defined]
    assert keys.verifier_keys() == [ledger_key.verifier.vkey, old]


def test_missing_and_invalid_keys_name_what_to_fix(settings: object, ledger_key_paths: Path) -> None:
    with pytest.raises(SigningKeyMissing) as missing:
        keys.load_signer()
    assert str(ledger_key_paths / "signing.key") in missing.value.detail_en
    ledger_key_paths.mkdir(parents=True, exist_ok=True)
    (ledger_key_paths / "signing.key").write_text("")
    with pytest.raises(SigningKeyMissing):
        keys.load_signer()
    (ledger_key_paths / "signing.key").write_text("PRIVATE+KEY+x+00000000+AAAA")
    with pytest.raises(SigningKeyInvalid, match=r"signing\.key"):
        keys.load_signer()
    other_name = note.Signer.generate("other.example/log")
    (ledger_key_paths / "signing.key").write_text(other_name.skey)
    with pytest.raises(SigningKeyInvalid) as wrong_name:
        keys.load_signer()
    assert "LEDGER_KEY_NAME" in wrong_name.value.detail_en
    witness_key = note.Signer.generate("test.zhizheng.example/ledger", note.SIG_COSIGNATURE_V1)
    settings.LEDGER_SIGNING_KEY = witness_key.skey  # type: ignore[attr-defined]
    with pytest.raises(SigningKeyInvalid, match="0x01"):
        keys.load_signer()
