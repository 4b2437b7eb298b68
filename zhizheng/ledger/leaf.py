"""The public leaf: canonical bytes (RFC 8785) of an official act, with personal data replaced by salted hashes.

No Django import: the verification tool uses the same code to let an auditor who holds a personal value and the
entry's private salt prove that the hash in the public leaf is that value.

Leaf document (version 1)::

    {"v": 1, "index": 7, "time": "2025-03-01T02:03:04.123456Z",
     "act": "govservices.application.approved",
     "subject": {"type": "govservices.application", "id": "42"},
     "actor": "user:5",                     # or "hmac-sha256:…" for people acting for themselves
     "payload": {"decision": "approved", "applicant_name": "hmac-sha256:…"}}

A protected value is ``"hmac-sha256:" + base64(HMAC-SHA256(salt, path || "\\n" || JCS(value)))`` where ``path`` is
the dotted location of the value in the document (``payload.applicant_name``, ``payload.items.0.phone``,
``actor``) and ``salt`` is 32 random bytes kept privately with the entry. A fresh salt per entry means equal values in
different entries give unrelated hashes, so the public log cannot be joined on a person.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import Any

import rfc8785

LEAF_VERSION = 1
SALT_SIZE = 32
PROTECTED_PREFIX = "hmac-sha256:"
ACT_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
SUBJECT_TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")

# Irregular past participles accepted as the verb of an act name; regular verbs end in "ed".
IRREGULAR_PAST = frozenset(
    {
        "begun", "bought", "brought", "built", "chosen", "done", "drawn", "found", "frozen", "given", "held",
        "kept", "laid", "lent", "made", "met", "paid", "put", "read", "reset", "run", "sent", "set", "shown",
        "sold", "spent", "split", "taken", "told", "undone", "withdrawn", "withheld", "won", "written",
    }
)  # fmt: skip


class LeafError(ValueError):
    """The act cannot become a leaf (bad act name, subject or payload). The message says why."""


def check_act(act: str) -> None:
    """An act is ``<app>.<noun>.<past-verb>`` in lower case, e.g. ``certificates.certificate.revoked``."""
    if not ACT_PATTERN.match(act):
        raise LeafError(f"act {act!r} is not of the form <app>.<noun>.<past-verb>")
    verb = act.rsplit(".", 1)[1]
    if not (verb.endswith("ed") or verb in IRREGULAR_PAST):
        raise LeafError(f"act {act!r} must end in a past-tense verb such as 'approved' or 'issued'")


def format_time(moment: datetime) -> str:
    """RFC 3339 in UTC with microseconds, the one spelling used inside leaves."""
    if moment.tzinfo is None:
        raise LeafError("leaf times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_SAFE_INT = 2**53 - 1


def _plain(value: Any) -> bool:
    """True when the standard library's JSON encoder already writes the RFC 8785 form of ``value``: no floats
    (JCS formats numbers as ECMAScript does), integers inside I-JSON, and object keys below U+D800 (where sorting by
    code point equals the UTF-16 order JCS demands). Strings need nothing: both escape exactly the same characters."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        return -_SAFE_INT <= value <= _SAFE_INT
    if kind is dict:
        return all(type(k) is str and (k.isascii() or ord(max(k)) < 0xD800) and _plain(v) for k, v in value.items())
    if kind is list or kind is tuple:
        return all(_plain(v) for v in value)
    return False


def canonical(value: Any) -> bytes:
    """RFC 8785 JSON canonicalisation; values outside I-JSON (big integers, NaN) are refused.

    The ``rfc8785`` package is the reference; the C-accelerated ``json`` encoder gives byte-identical output for
    the plain values that make up almost every leaf (see ``_plain``; a property test holds the two together) and is
    several times faster, which is what lets one process append thousands of entries a second.
    """
    try:
        if _plain(value):
            return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, UnicodeEncodeError) as exc:
        raise LeafError(f"value cannot be canonicalised: {exc}") from exc


def protect(salt: bytes, path: str, value: Any) -> str:
    """The public stand-in for a personal value at ``path``."""
    digest = hmac.new(salt, path.encode("utf-8") + b"\n" + canonical(value), hashlib.sha256).digest()
    return PROTECTED_PREFIX + base64.b64encode(digest).decode("ascii")


def is_protected_match(salt: bytes, path: str, value: Any, public: str) -> bool:
    """True if ``public`` (from a leaf) is the protected form of ``value`` at ``path`` under ``salt``."""
    return hmac.compare_digest(protect(salt, path, value), public)


def public_payload(payload: Any, personal: Collection[str], salt: bytes, path: str = "payload") -> Any:
    """Copy ``payload`` replacing the value of every key named in ``personal`` (at any depth) by its HMAC."""
    if isinstance(payload, Mapping):
        out: dict[str, Any] = {}
        for key, value in payload.items():
            if not isinstance(key, str):
                raise LeafError(f"payload keys must be strings, not {key!r}")
            child = f"{path}.{key}"
            out[key] = protect(salt, child, value) if key in personal else public_payload(value, personal, salt, child)
        return out
    if isinstance(payload, list | tuple):
        return [public_payload(item, personal, salt, f"{path}.{i}") for i, item in enumerate(payload)]
    return payload


def leaf_document(
    *,
    index: int,
    created_at: datetime,
    act: str,
    subject_type: str,
    subject_id: str,
    actor_ref: str,
    actor_disclosed: bool,
    payload: Mapping[str, Any],
    personal: Collection[str],
    salt: bytes,
) -> dict[str, Any]:
    """The public document of one entry; :func:`leaf_bytes` canonicalises it."""
    if len(salt) != SALT_SIZE:
        raise LeafError(f"the salt must be {SALT_SIZE} bytes")
    return {
        "v": LEAF_VERSION,
        "index": index,
        "time": format_time(created_at),
        "act": act,
        "subject": {"type": subject_type, "id": subject_id},
        "actor": actor_ref if actor_disclosed else protect(salt, "actor", actor_ref),
        "payload": public_payload(payload, frozenset(personal), salt),
    }


def leaf_bytes(**fields: Any) -> bytes:
    """Canonical bytes of :func:`leaf_document` (same keyword arguments)."""
    return canonical(leaf_document(**fields))
