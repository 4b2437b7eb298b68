"""C2SP signed notes, checkpoints and witness cosignatures with Ed25519. No Django import.

* ``c2sp.org/signed-note``: a text ending in a newline, a blank line, then signature lines
  ``— <key name> base64(4-byte key id || signature)``. Key id = SHA-256(name || "\\n" || type || public key)[:4].
  Verifier keys are published as ``name+hexkeyid+base64(type || public key)``; signer keys (kept secret) as
  ``PRIVATE+KEY+name+hexkeyid+base64(type || private seed)``, the format of golang.org/x/mod/sumdb/note.
* ``c2sp.org/tlog-checkpoint``: the note text is ``origin``, decimal tree size and base64 root hash, one per line.
* ``c2sp.org/tlog-cosignature`` (v1, Ed25519, type 0x04): a witness signs
  ``"cosignature/v1\\ntime <unix seconds>\\n" || checkpoint text``; the signature is an 8-byte big-endian timestamp
  followed by the 64-byte Ed25519 signature.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

SIG_ED25519 = 0x01
SIG_COSIGNATURE_V1 = 0x04
SIGNATURE_PREFIX = "\u2014 "  # em dash, space
MAX_SIGNATURES = 100
MAX_TIMESTAMP = 2**63 - 1
_SUPPORTED_TYPES = (SIG_ED25519, SIG_COSIGNATURE_V1)


class NoteError(ValueError):
    """A note, key or checkpoint is malformed. The message says what is wrong."""


class VerificationError(NoteError):
    """A note could not be verified: no trusted signature, or a trusted key's signature is wrong."""


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str) -> bytes:
    """Strict standard base64 (RFC 4648 section 4): padding required, no stray characters."""
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise NoteError(f"invalid base64: {text[:60]!r}") from exc


def is_valid_name(name: str) -> bool:
    """Key names are non-empty and contain no Unicode space, no plus sign and no control character."""
    return bool(name) and not any(ch == "+" or ch.isspace() or unicodedata.category(ch) in ("Zs", "Cc") for ch in name)


def compute_key_id(name: str, sig_type: int, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([sig_type]) + public_key).digest()[:4]


def cosignature_message(text: str | bytes, timestamp: int) -> bytes:
    """The message a v1 witness signs: header line, timestamp line, then the whole checkpoint text."""
    body = text.encode("utf-8") if isinstance(text, str) else text
    return b"cosignature/v1\ntime " + str(timestamp).encode("ascii") + b"\n" + body


def _split_key(text: str, parts: int) -> list[str]:
    # The base64 key material may itself contain "+", so split from the left only as far as needed.
    pieces = text.split("+", parts - 1)
    if len(pieces) != parts:
        raise NoteError("malformed key: expected fields separated by '+'")
    return pieces


def _parse_key_id(hex_id: str) -> bytes:
    if len(hex_id) != 8:
        raise NoteError("malformed key id: expected 8 hexadecimal digits")
    try:
        return bytes.fromhex(hex_id)
    except ValueError as exc:
        raise NoteError("malformed key id: expected 8 hexadecimal digits") from exc


@dataclass(frozen=True)
class Verifier:
    """A public key that checks signatures of one (name, key id): a log key (0x01) or a witness key (0x04)."""

    name: str
    key_id: bytes
    sig_type: int
    public_key: bytes

    @classmethod
    def from_vkey(cls, vkey: str) -> Verifier:
        name, hex_id, material = _split_key(vkey.strip(), 3)
        if not is_valid_name(name):
            raise NoteError(f"invalid key name {name!r}")
        key_id = _parse_key_id(hex_id)
        raw = b64decode(material)
        if len(raw) < 2:
            raise NoteError("malformed verifier key: no key material")
        sig_type, public_key = raw[0], raw[1:]
        if sig_type not in _SUPPORTED_TYPES:
            raise NoteError(f"unsupported signature type 0x{sig_type:02x}")
        if len(public_key) != 32:
            raise NoteError("an Ed25519 public key is 32 bytes")
        if compute_key_id(name, sig_type, public_key) != key_id:
            raise NoteError("the key id does not match the key")
        return cls(name=name, key_id=key_id, sig_type=sig_type, public_key=public_key)

    @property
    def vkey(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{b64encode(bytes([self.sig_type]) + self.public_key)}"

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Check ``signature`` (without its 4-byte key id) over the note text."""
        message = text
        if self.sig_type == SIG_COSIGNATURE_V1:
            if len(signature) != 8 + 64:
                return False
            timestamp = int.from_bytes(signature[:8], "big")
            if timestamp > MAX_TIMESTAMP:
                return False
            message, signature = cosignature_message(text, timestamp), signature[8:]
        elif len(signature) != 64:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    """A private Ed25519 key that signs notes (0x01) or v1 cosignatures (0x04). Never log or publish it."""

    name: str
    key_id: bytes
    sig_type: int
    seed: bytes = field(repr=False)

    @classmethod
    def generate(cls, name: str, sig_type: int = SIG_ED25519) -> Signer:
        seed = Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return cls.from_seed(name, seed, sig_type)

    @classmethod
    def from_seed(cls, name: str, seed: bytes, sig_type: int = SIG_ED25519) -> Signer:
        if not is_valid_name(name):
            raise NoteError(f"invalid key name {name!r}")
        if sig_type not in _SUPPORTED_TYPES:
            raise NoteError(f"unsupported signature type 0x{sig_type:02x}")
        if len(seed) != 32:
            raise NoteError("an Ed25519 private key seed is 32 bytes")
        public_key = _public_bytes(seed)
        return cls(name=name, key_id=compute_key_id(name, sig_type, public_key), sig_type=sig_type, seed=seed)

    @classmethod
    def from_skey(cls, skey: str) -> Signer:
        private, key, name, hex_id, material = _split_key(skey.strip(), 5)
        if (private, key) != ("PRIVATE", "KEY"):
            raise NoteError("a signer key starts with PRIVATE+KEY+")
        key_id = _parse_key_id(hex_id)
        raw = b64decode(material)
        if len(raw) < 2:
            raise NoteError("malformed signer key: no key material")
        signer = cls.from_seed(name, raw[1:], raw[0])
        if signer.key_id != key_id:
            raise NoteError("the key id does not match the key")
        return signer

    @property
    def skey(self) -> str:
        material = b64encode(bytes([self.sig_type]) + self.seed)
        return f"PRIVATE+KEY+{self.name}+{self.key_id.hex()}+{material}"

    @property
    def verifier(self) -> Verifier:
        return Verifier(name=self.name, key_id=self.key_id, sig_type=self.sig_type, public_key=_public_bytes(self.seed))

    def sign(self, text: bytes, *, timestamp: int | None = None) -> bytes:
        """Sign the note text; for a cosignature, prefix the 8-byte timestamp (now unless given)."""
        private = Ed25519PrivateKey.from_private_bytes(self.seed)
        if self.sig_type == SIG_COSIGNATURE_V1:
            when = int(time.time()) if timestamp is None else timestamp
            if not 0 <= when <= MAX_TIMESTAMP:
                raise NoteError("cosignature timestamp out of range")
            return when.to_bytes(8, "big") + private.sign(cosignature_message(text, when))
        return private.sign(text)

    def signature_line(self, text: str, *, timestamp: int | None = None) -> str:
        blob = self.key_id + self.sign(text.encode("utf-8"), timestamp=timestamp)
        return f"{SIGNATURE_PREFIX}{self.name} {b64encode(blob)}\n"


def _public_bytes(seed: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class Signature:
    """One signature line of a note."""

    name: str
    key_id: bytes
    signature: bytes  # without the key id

    @property
    def line(self) -> str:
        return f"{SIGNATURE_PREFIX}{self.name} {b64encode(self.key_id + self.signature)}\n"

    @property
    def timestamp(self) -> int:
        """The time of a v1 cosignature (its first 8 bytes); meaningless for other signature types."""
        return int.from_bytes(self.signature[:8], "big")


@dataclass(frozen=True)
class Note:
    text: str
    signatures: tuple[Signature, ...]

    def render(self) -> str:
        return self.text + "\n" + "".join(s.line for s in self.signatures)


@dataclass(frozen=True)
class OpenedNote:
    """A note of which ``verified`` signatures come from trusted keys; ``unverified`` are from unknown keys."""

    text: str
    verified: tuple[Signature, ...]
    unverified: tuple[Signature, ...]


def check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("note text must end with a newline")
    if any(ord(ch) < 0x20 and ch != "\n" for ch in text):
        raise NoteError("note text contains a control character")


def parse_note(message: str | bytes) -> Note:
    """Split a signed note into text and signature lines, checking the format but no signature."""
    if isinstance(message, bytes):
        try:
            message = message.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NoteError("a note must be valid UTF-8") from exc
    if any(ord(ch) < 0x20 and ch != "\n" for ch in message):
        raise NoteError("a note must not contain control characters other than newline")
    split = message.rfind("\n\n")
    if split < 0:
        raise NoteError("a note needs a blank line before its signatures")
    text, block = message[: split + 1], message[split + 2 :]
    if not block or not block.endswith("\n"):
        raise NoteError("a note must end with signature lines, each ending in a newline")
    signatures: list[Signature] = []
    for line in block[:-1].split("\n"):
        if not line.startswith(SIGNATURE_PREFIX):
            raise NoteError("a signature line starts with an em dash and a space")
        name, _, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
        blob = b64decode(encoded) if encoded else b""
        if not is_valid_name(name) or len(blob) < 5:
            raise NoteError(f"malformed signature line for {name!r}")
        signatures.append(Signature(name=name, key_id=blob[:4], signature=blob[4:]))
        if len(signatures) > MAX_SIGNATURES:
            raise NoteError(f"a note may carry at most {MAX_SIGNATURES} signatures")
    return Note(text=text, signatures=tuple(signatures))


def open_note(message: str | bytes | Note, verifiers: Iterable[Verifier]) -> OpenedNote:
    """Verify a note against trusted keys (c2sp.org/signed-note rules).

    Signatures from unknown (name, key id) pairs are kept aside; a known key's signature must verify, or the whole
    note is rejected; at least one known key must have signed. Repeated signatures are counted once.
    """
    note = message if isinstance(message, Note) else parse_note(message)
    known: dict[tuple[str, bytes], Verifier] = {}
    for v in verifiers:
        known.setdefault((v.name, v.key_id), v)
    text = note.text.encode("utf-8")
    verified: list[Signature] = []
    unverified: list[Signature] = []
    seen: set[tuple[str, bytes]] = set()
    for sig in note.signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            if sig not in unverified:
                unverified.append(sig)
            continue
        if (sig.name, sig.key_id) in seen:
            continue
        seen.add((sig.name, sig.key_id))
        if not verifier.verify(text, sig.signature):
            raise VerificationError(f"the signature of {sig.name}+{sig.key_id.hex()} does not verify")
        verified.append(sig)
    if not verified:
        raise VerificationError("the note carries no signature from a trusted key")
    return OpenedNote(text=note.text, verified=tuple(verified), unverified=tuple(unverified))


def sign_note(text: str, signers: Sequence[Signer], *, timestamp: int | None = None) -> str:
    """A signed note: the text, a blank line, one signature line per signer."""
    check_text(text)
    if not signers:
        raise NoteError("a signed note needs at least one signer")
    return text + "\n" + "".join(s.signature_line(text, timestamp=timestamp) for s in signers)


# --- checkpoints ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """The body of a c2sp.org/tlog-checkpoint note."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        lines = [self.origin, str(self.size), b64encode(self.root_hash), *self.extensions]
        return "".join(line + "\n" for line in lines)


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse checkpoint note text (without signatures) strictly."""
    check_text(text)
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise NoteError("a checkpoint has at least three lines: origin, tree size, root hash")
    origin, size_text, root_text, *extensions = lines
    if not origin:
        raise NoteError("the checkpoint origin line is empty")
    if not size_text.isascii() or not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
        raise NoteError("the checkpoint tree size must be a decimal number without leading zeros")
    root_hash = b64decode(root_text)
    if len(root_hash) != 32:
        raise NoteError("the checkpoint root hash must be 32 bytes")
    if any(not line for line in extensions):
        raise NoteError("checkpoint extension lines must not be empty")
    return Checkpoint(origin=origin, size=int(size_text), root_hash=root_hash, extensions=tuple(extensions))


def open_checkpoint(
    message: str | bytes, verifiers: Iterable[Verifier], *, origin: str | None = None
) -> tuple[Checkpoint, OpenedNote]:
    """Verify a signed checkpoint and parse its body; with ``origin``, also require that origin line."""
    opened = open_note(message, verifiers)
    checkpoint = parse_checkpoint(opened.text)
    if origin is not None and checkpoint.origin != origin:
        raise VerificationError(f"the checkpoint is for {checkpoint.origin!r}, not {origin!r}")
    return checkpoint, opened
