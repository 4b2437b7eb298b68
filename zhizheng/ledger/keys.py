"""The log's signing key: loaded from the environment or a file outside the database, generated and rotated here.

Settings:

* ``LEDGER_SIGNING_KEY``: the signer key string ``PRIVATE+KEY+name+keyid+base64``; wins over the file.
* ``LEDGER_SIGNING_KEY_FILE``: the file holding that string (mode 0600), created by ``manage.py ledger_keygen``.
* ``LEDGER_RETIRED_KEYS_FILE``: verifier keys of rotated-out signing keys, one per line, published forever.
* ``LEDGER_OLD_VERIFIER_KEYS``: more retired verifier keys, for deployments that rotate through the environment.
* ``LEDGER_KEY_NAME``: the key name; it should equal ``LEDGER_ORIGIN``, the checkpoint origin line.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from zhizheng.ledger import note
from zhizheng.ledger.errors import SigningKeyInvalid, SigningKeyMissing


def key_file() -> Path:
    return Path(settings.LEDGER_SIGNING_KEY_FILE)


def retired_file() -> Path:
    return Path(settings.LEDGER_RETIRED_KEYS_FILE)


def load_signer() -> note.Signer:
    """The current signing key, or a 503 domain error naming the setting to fix."""
    source = "LEDGER_SIGNING_KEY"
    text = (settings.LEDGER_SIGNING_KEY or "").strip()
    if not text:
        path = key_file()
        source = str(path)
        try:
            text = path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            raise SigningKeyMissing(params={"path": str(path)}) from None
        except OSError as exc:
            raise SigningKeyInvalid(params={"source": source, "reason": exc.strerror or str(exc)}) from exc
        if not text:
            raise SigningKeyMissing(params={"path": str(path)})
    try:
        signer = note.Signer.from_skey(text)
    except note.NoteError as exc:
        raise SigningKeyInvalid(params={"source": source, "reason": str(exc)}) from exc
    if signer.sig_type != note.SIG_ED25519:
        raise SigningKeyInvalid(params={"source": source, "reason": "not an Ed25519 note key (type 0x01)"})
    if signer.name != settings.LEDGER_KEY_NAME:
        reason = f"its name {signer.name!r} differs from LEDGER_KEY_NAME {settings.LEDGER_KEY_NAME!r}"
        raise SigningKeyInvalid(params={"source": source, "reason": reason})
    return signer


def retired_verifier_keys() -> list[str]:
    """Verifier keys of earlier signing keys, from settings and the retired-keys file, in the order written."""
    keys = [k.strip() for k in settings.LEDGER_OLD_VERIFIER_KEYS if k.strip()]
    path = retired_file()
    if path.exists():
        keys += [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    out: list[str] = []
    for key in keys:
        if key not in out:
            out.append(key)
    return out


def verifier_keys(*, require_current: bool = False) -> list[str]:
    """Every published verifier key, the current one first. Without a usable current key, the retired ones only."""
    try:
        current = [load_signer().verifier.vkey]
    except (SigningKeyMissing, SigningKeyInvalid):
        if require_current:
            raise
        current = []
    return current + [k for k in retired_verifier_keys() if k not in current]


def verifiers() -> list[note.Verifier]:
    out = []
    for vkey in verifier_keys():
        try:
            out.append(note.Verifier.from_vkey(vkey))
        except note.NoteError:
            continue  # a mistyped retired key must not hide the others; ledger_audit reports it
    return out


@dataclass(frozen=True)
class KeygenResult:
    created: bool
    vkey: str
    path: Path
    retired: str | None = None


def _write_secret(path: Path, content: str) -> None:
    """Write atomically with mode 0600 from the first byte (never world-readable, never half-written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".signing-", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def keygen(*, rotate: bool = False, if_missing: bool = False) -> KeygenResult:
    """Create the signing key file; with ``rotate``, replace it and publish the old verifier key as retired."""
    if (settings.LEDGER_SIGNING_KEY or "").strip():
        if if_missing:
            return KeygenResult(created=False, vkey=load_signer().verifier.vkey, path=Path("LEDGER_SIGNING_KEY"))
        raise SigningKeyInvalid(
            params={
                "source": "LEDGER_SIGNING_KEY",
                "reason": "the key comes from the environment, so rotate it there and list the old verifier key in "
                "LEDGER_OLD_VERIFIER_KEYS",
            }
        )
    path = key_file()
    exists = path.exists()
    if exists and not rotate:
        current = load_signer()
        if if_missing:
            return KeygenResult(created=False, vkey=current.verifier.vkey, path=path)
        raise SigningKeyInvalid(
            params={"source": str(path), "reason": "a key already exists; use --rotate to replace it"}
        )
    retired = None
    if exists:
        retired = load_signer().verifier.vkey
        retired_path = retired_file()
        retired_path.parent.mkdir(parents=True, exist_ok=True)
        if retired not in retired_verifier_keys():
            with retired_path.open("a", encoding="utf-8") as handle:
                handle.write(retired + "\n")
    signer = note.Signer.generate(settings.LEDGER_KEY_NAME)
    _write_secret(path, signer.skey)
    return KeygenResult(created=True, vkey=signer.verifier.vkey, path=path, retired=retired)
