"""Check the Zhizheng transparency ledger from outside: ``python -m zhizheng.ledger.verify --help``.

Needs no database and no Django settings: only this package's ``merkle``, ``note`` and ``leaf`` modules, the Python
standard library and ``cryptography``. Inputs are files, ``-`` (standard input) or http(s) URLs.

    # a citizen or journalist: is entry 42 in the log, and is today's log an extension of what I saw last time?
    python -m zhizheng.ledger.verify log https://gov.example/ledger/ --key KEYS.txt --entry 42 --remember state.txt
    # offline: a saved receipt
    python -m zhizheng.ledger.verify receipt receipt-42.json --key KEYS.txt
    # offline: checkpoint + entry + proof files, and consistency with a checkpoint remembered from before
    python -m zhizheng.ledger.verify inclusion checkpoint.txt --key KEYS.txt --entry entry.json --proof proof.json
    python -m zhizheng.ledger.verify checkpoint checkpoint.txt --key KEYS.txt --remember state.txt --consistency c.json
    # a witness: verify, check consistency with what it saw before, then cosign (c2sp.org/tlog-cosignature)
    python -m zhizheng.ledger.verify cosign https://gov.example/ledger/checkpoint --key KEYS.txt \\
        --witness-signer witness.key --remember witness-state.txt --log https://gov.example/ledger/
    # an auditor holding an entry's private salt: is this the personal value hashed in the leaf?
    python -m zhizheng.ledger.verify personal entry.json --salt BASE64 --path payload.applicant_name --value '"张三"'

Exit status: 0 verified, 1 verification failed, 2 bad input.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zhizheng.ledger import leaf, merkle, note

Fetch = Callable[[str], bytes]


class VerifyFailed(Exception):
    """The ledger did not verify: the message says which check failed."""


class BadInput(Exception):
    """An input could not be read or parsed."""


def fetch_url(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "application/json, text/plain"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (http(s) only, checked by caller)
        data: bytes = response.read()
        return data


def read_source(source: str, fetch: Fetch = fetch_url) -> bytes:
    """The bytes of a file, ``-`` (stdin) or an http(s) URL."""
    try:
        if source == "-":
            return sys.stdin.buffer.read()
        if source.startswith(("http://", "https://")):
            return fetch(source)
        return Path(source).read_bytes()
    except OSError as exc:
        raise BadInput(f"cannot read {source}: {exc}") from exc


def read_json(source: str, fetch: Fetch = fetch_url) -> dict[str, Any]:
    try:
        data = json.loads(read_source(source, fetch))
    except ValueError as exc:
        raise BadInput(f"{source} is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise BadInput(f"{source} is not a JSON object")
    return data


def load_verifiers(values: Sequence[str], fetch: Fetch = fetch_url) -> list[note.Verifier]:
    """Each value is a verifier key itself, or a file/URL holding keys one per line."""
    out: list[note.Verifier] = []
    for value in values:
        try:
            out.append(note.Verifier.from_vkey(value))
            continue
        except note.NoteError:
            pass
        for line in read_source(value, fetch).decode("utf-8").splitlines():
            if line.strip():
                try:
                    out.append(note.Verifier.from_vkey(line))
                except note.NoteError as exc:
                    raise BadInput(f"bad verifier key in {value}: {exc}") from exc
    return out


def _b64(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise BadInput(f"{what} must be a base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadInput(f"{what} is not base64") from exc


@dataclass(frozen=True)
class VerifiedCheckpoint:
    checkpoint: note.Checkpoint
    text: str  # the whole signed note as received
    witnesses: tuple[str, ...]


def verify_checkpoint(
    text: str,
    verifiers: Sequence[note.Verifier],
    *,
    origin: str | None = None,
    witness_verifiers: Sequence[note.Verifier] = (),
    min_witnesses: int = 0,
) -> VerifiedCheckpoint:
    """The log's signature must verify; with witness keys, at least ``min_witnesses`` cosignatures must too."""
    try:
        checkpoint, _opened = note.open_checkpoint(text, verifiers, origin=origin)
    except note.NoteError as exc:
        raise VerifyFailed(f"checkpoint: {exc}") from exc
    cosigned: tuple[str, ...] = ()
    if witness_verifiers:
        try:
            opened = note.open_note(text, witness_verifiers)
            cosigned = tuple(s.name for s in opened.verified)
        except note.VerificationError as exc:
            if "no signature" not in str(exc):
                raise VerifyFailed(f"witness cosignature: {exc}") from exc
    if len(cosigned) < min_witnesses:
        raise VerifyFailed(f"checkpoint has {len(cosigned)} witness cosignatures, {min_witnesses} required")
    return VerifiedCheckpoint(checkpoint=checkpoint, text=text, witnesses=cosigned)


def verify_entry(entry: dict[str, Any], proof: Sequence[str], checkpoint: note.Checkpoint) -> dict[str, Any]:
    """Check that ``entry`` (the JSON of /ledger/entries/{i}) is included under ``checkpoint``; returns its leaf."""
    index = entry.get("index")
    if not isinstance(index, int) or isinstance(index, bool):
        raise BadInput("the entry has no integer index")
    data = _b64(entry.get("leaf"), "leaf")
    digest = merkle.leaf_hash(data)
    if "leaf_hash" in entry and _b64(entry["leaf_hash"], "leaf_hash") != digest:
        raise VerifyFailed(f"entry {index}: the leaf hash is not the hash of the leaf")
    try:
        document = json.loads(data)
    except ValueError as exc:
        raise VerifyFailed(f"entry {index}: the leaf is not JSON") from exc
    if leaf.canonical(document) != data:
        raise VerifyFailed(f"entry {index}: the leaf is not in canonical (RFC 8785) form")
    claimed = {
        "index": index,
        "act": entry.get("act", document.get("act")),
        "subject": entry.get("subject", document.get("subject")),
        "time": entry.get("created_at", document.get("time")),
    }
    recorded = {key: document.get(key) for key in claimed}
    if claimed != recorded:
        raise VerifyFailed(f"entry {index}: the fields shown differ from the leaf: {recorded}")
    try:
        merkle.verify_inclusion(index, checkpoint.size, digest, [_b64(p, "proof") for p in proof], checkpoint.root_hash)
    except merkle.ProofError as exc:
        raise VerifyFailed(f"entry {index}: {exc}") from exc
    return dict(document)


def verify_consistency(old: note.Checkpoint, new: note.Checkpoint, proof: Sequence[str]) -> None:
    """The newer checkpoint must extend the older one (``old.size <= new.size``)."""
    if old.origin != new.origin:
        raise VerifyFailed(f"the checkpoints are of different logs: {old.origin!r} and {new.origin!r}")
    if old.size == new.size:
        if old.root_hash != new.root_hash:
            raise VerifyFailed(f"FORK: two different roots were signed for size {old.size}")
        return
    if old.size == 0:
        return  # every tree extends the empty tree
    try:
        merkle.verify_consistency(old.size, new.size, [_b64(p, "proof") for p in proof], old.root_hash, new.root_hash)
    except merkle.ProofError as exc:
        raise VerifyFailed(f"the log at size {new.size} does not extend the remembered size {old.size}: {exc}") from exc


class LogClient:
    """Reads the public protocol of a log at ``base`` (…/ledger/)."""

    def __init__(self, base: str, fetch: Fetch = fetch_url) -> None:
        self.base = base if base.endswith("/") else base + "/"
        self.fetch = fetch

    def url(self, path: str, **query: int) -> str:
        suffix = f"?{urllib.parse.urlencode(query)}" if query else ""
        return urllib.parse.urljoin(self.base, path) + suffix

    def get_json(self, path: str, **query: int) -> dict[str, Any]:
        return read_json(self.url(path, **query), self.fetch)

    def checkpoint(self) -> str:
        return read_source(self.url("checkpoint"), self.fetch).decode("utf-8")

    def consistency(self, first: int, second: int) -> list[str]:
        return list(self.get_json("proof/consistency", first=first, second=second)["proof"])

    def entry(self, index: int) -> dict[str, Any]:
        return self.get_json(f"entries/{index}")

    def inclusion(self, index: int, size: int) -> list[str]:
        return list(self.get_json("proof/inclusion", index=index, size=size)["proof"])


def check_remembered(
    current: VerifiedCheckpoint,
    state: Path,
    verifiers: Sequence[note.Verifier],
    consistency: Callable[[int, int], list[str]] | None,
) -> str:
    """Compare with the checkpoint remembered in ``state`` and remember the newer one. Returns a summary line."""
    if not state.exists():
        state.write_text(current.text, encoding="utf-8")
        return f"remembered checkpoint {current.checkpoint.size} (first run)"
    old = verify_checkpoint(state.read_text(encoding="utf-8"), verifiers).checkpoint
    new = current.checkpoint
    older, newer = (old, new) if old.size <= new.size else (new, old)
    proof: list[str] = []
    if 0 < older.size < newer.size:
        if consistency is None:
            raise BadInput("a consistency proof is needed (give --log or --consistency)")
        proof = consistency(older.size, newer.size)
    verify_consistency(older, newer, proof)
    if new.size < old.size:
        return f"consistent with the remembered checkpoint {old.size} (the log showed an older checkpoint)"
    state.write_text(current.text, encoding="utf-8")
    return f"consistent with the remembered checkpoint {old.size}"


# --- command line ---------------------------------------------------------------------------------------------------


def _consistency_from(args: argparse.Namespace, fetch: Fetch) -> Callable[[int, int], list[str]] | None:
    if getattr(args, "log", None):
        return LogClient(args.log, fetch).consistency
    if getattr(args, "consistency", None):
        data = read_json(args.consistency, fetch)

        def from_file(first: int, second: int) -> list[str]:
            if (data.get("first"), data.get("second")) != (first, second):
                raise BadInput(f"the consistency proof file is for {data.get('first')}->{data.get('second')}")
            return list(data.get("proof") or [])

        return from_file
    return None


def _checkpoint(args: argparse.Namespace, text: str, fetch: Fetch) -> tuple[VerifiedCheckpoint, list[note.Verifier]]:
    verifiers = load_verifiers(args.key, fetch)
    if not verifiers:
        raise BadInput("give at least one --key")
    witnesses = load_verifiers(args.witness_key or [], fetch)
    verified = verify_checkpoint(
        text, verifiers, origin=args.origin, witness_verifiers=witnesses, min_witnesses=args.min_witnesses
    )
    return verified, verifiers


def run(args: argparse.Namespace, out: Callable[[str], None], fetch: Fetch = fetch_url) -> None:
    """Carry out one sub-command; raises VerifyFailed or BadInput."""
    if args.command == "personal":
        entry = read_json(args.entry, fetch)
        document = json.loads(_b64(entry.get("leaf"), "leaf"))
        public: Any = document
        for part in args.path.split("."):
            try:
                public = public[int(part)] if isinstance(public, list) else public[part]
            except (KeyError, IndexError, TypeError, ValueError) as exc:
                raise BadInput(f"the leaf has nothing at {args.path}") from exc
        value = json.loads(args.value)
        salt = _b64(args.salt, "salt")
        if not isinstance(public, str) or not leaf.is_protected_match(salt, args.path, value, public):
            raise VerifyFailed(f"the value does not match {args.path} of entry {entry.get('index')}")
        out(f"OK: {args.path} of entry {entry.get('index')} is the given value")
        return
    if args.command == "receipt":
        receipt = read_json(args.receipt, fetch)
        verified, _verifiers = _checkpoint(args, str(receipt.get("checkpoint", "")), fetch)
        verify_entry(receipt, receipt.get("proof") or [], verified.checkpoint)
        out(f"OK: entry {receipt['index']} ({receipt.get('act')}) is in checkpoint {verified.checkpoint.size}")
        return
    if args.command == "log":
        client = LogClient(args.url, fetch)
        verified, verifiers = _checkpoint(args, client.checkpoint(), fetch)
        out(f"OK: checkpoint {verified.checkpoint.size} signed by the log; witnesses: {list(verified.witnesses)}")
        for index in args.entry or []:
            verify_entry(client.entry(index), client.inclusion(index, verified.checkpoint.size), verified.checkpoint)
            out(f"OK: entry {index} is included in checkpoint {verified.checkpoint.size}")
        if args.remember:
            out("OK: " + check_remembered(verified, Path(args.remember), verifiers, client.consistency))
        return
    text = read_source(args.checkpoint, fetch).decode("utf-8")
    verified, verifiers = _checkpoint(args, text, fetch)
    out(f"OK: checkpoint {verified.checkpoint.size} signed by the log; witnesses: {list(verified.witnesses)}")
    if args.command == "inclusion":
        proof = read_json(args.proof, fetch)
        verify_entry(read_json(args.entry, fetch), proof.get("proof") or [], verified.checkpoint)
        out(f"OK: the entry is included in checkpoint {verified.checkpoint.size}")
    if args.remember:
        out("OK: " + check_remembered(verified, Path(args.remember), verifiers, _consistency_from(args, fetch)))
    if args.command == "cosign":
        signer = note.Signer.from_skey(read_source(args.witness_signer, fetch).decode("utf-8"))
        if signer.sig_type != note.SIG_COSIGNATURE_V1:
            raise BadInput("a witness key has signature type 0x04")
        body = note.parse_note(text).text
        out(signer.signature_line(body).rstrip("\n"))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m zhizheng.ledger.verify", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def keyed(p: argparse.ArgumentParser) -> None:
        p.add_argument("--key", action="append", default=[], help="log verifier key, or a file/URL of keys")
        p.add_argument("--origin", help="require this origin line")
        p.add_argument("--witness-key", action="append", help="witness verifier key (type 0x04), or a file/URL")
        p.add_argument("--min-witnesses", type=int, default=0, help="cosignatures required from --witness-key")

    log = sub.add_parser("log", help="check a live log over HTTP")
    log.add_argument("url", help="the log's base URL, e.g. https://gov.example/ledger/")
    log.add_argument("--entry", type=int, action="append", help="entry index to prove (repeatable)")
    log.add_argument("--remember", help="state file: the last checkpoint seen, checked for consistency and updated")
    keyed(log)
    receipt = sub.add_parser("receipt", help="check a saved receipt (from /ledger/receipts/{index})")
    receipt.add_argument("receipt")
    keyed(receipt)
    for name, text in (("checkpoint", "check a signed checkpoint"), ("inclusion", "check an entry and its proof")):
        p = sub.add_parser(name, help=text)
        p.add_argument("checkpoint")
        p.add_argument("--remember", help="state file of the last checkpoint seen")
        p.add_argument("--consistency", help="consistency proof JSON (from /ledger/proof/consistency)")
        p.add_argument("--log", help="fetch consistency proofs from this log URL instead")
        if name == "inclusion":
            p.add_argument("--entry", required=True, help="entry JSON (from /ledger/entries/{index})")
            p.add_argument("--proof", required=True, help="inclusion proof JSON (from /ledger/proof/inclusion)")
        keyed(p)
    cosign = sub.add_parser("cosign", help="act as a witness: verify, check consistency, print a cosignature line")
    cosign.add_argument("checkpoint")
    cosign.add_argument("--witness-signer", required=True, help="file with the witness PRIVATE+KEY (type 0x04)")
    cosign.add_argument("--remember", required=True, help="the witness's state file")
    cosign.add_argument("--consistency")
    cosign.add_argument("--log")
    keyed(cosign)
    personal = sub.add_parser("personal", help="check a personal value against its salted hash in a leaf")
    personal.add_argument("entry", help="entry JSON")
    personal.add_argument("--salt", required=True, help="the entry's private salt (base64)")
    personal.add_argument("--path", required=True, help="where the value sits, e.g. payload.applicant_name")
    personal.add_argument("--value", required=True, help="the value as JSON, e.g. '\"张三\"'")
    return parser


def main(argv: Sequence[str] | None = None, fetch: Fetch = fetch_url) -> int:
    args = build_parser().parse_args(argv)
    try:
        run(args, print, fetch)
    except VerifyFailed as exc:
        print(f"FAIL: {exc}", file=sys.stderr)
        return 1
    except (BadInput, note.NoteError, KeyError, ValueError, OSError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
