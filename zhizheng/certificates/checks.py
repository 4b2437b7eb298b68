"""Verify a credential step by step: structure, key, signature, status, validity period. Pure, no Django.

The platform (``services``/``selectors``) and the standalone tool (``verify.py``) share this code and differ only
in how they resolve a verification method and a status list credential: from the database, or over HTTP. Each
check carries a stable ``code`` and ``params``; the English ``detail`` comes from :data:`MESSAGES`, and the web
layer renders the same code in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from zhizheng.certificates import dataintegrity, statuslist

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
CHECK_NAMES = ("structure", "key", "signature", "status", "validity")

MESSAGES: dict[str, str] = {
    "structure.ok": "The credential is a well-formed Verifiable Credential.",
    "structure.invalid": "The credential is malformed: %(reason)s.",
    "key.ok": "Signed with the issuer's published key %(method)s.",
    "key.unknown": "The signing key %(method)s is not a published key of the issuer: %(reason)s.",
    "key.wrong_controller": "The key %(method)s belongs to %(controller)s, not to the issuer %(issuer)s.",
    "signature.ok": "The signature matches the credential's content.",
    "signature.invalid": "The signature does not match: the credential was altered or signed by another key.",
    "signature.malformed": "The proof cannot be read: %(reason)s.",
    "signature.not_checked": "The signature was not checked because the key is unknown.",
    "status.ok": "Not revoked (status list %(list)s, entry %(index)s).",
    "status.none": "The credential has no status entry.",
    "status.revoked": "Revoked by the issuer (status list %(list)s, entry %(index)s).",
    "status.unavailable": "The revocation status cannot be checked: %(reason)s.",
    "validity.ok": "Within its validity period.",
    "validity.expired": "Expired on %(until)s.",
    "validity.not_yet_valid": "Not valid before %(since)s.",
}


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def detail(self) -> str:
        template = MESSAGES[self.code]
        return template % dict(self.params) if self.params else template


@dataclass(frozen=True)
class KeyInfo:
    """A resolved verification method: its Multikey document's controller and public key."""

    controller: str
    public_key_multibase: str


class ResolveError(LookupError):
    """A key or status list that cannot be found or read; the message says why."""


KeyResolver = Callable[[str], KeyInfo]
StatusResolver = Callable[[str], Mapping[str, Any]]


@dataclass(frozen=True)
class Outcome:
    checks: list[Check]

    @property
    def valid(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def failed(self) -> list[str]:
        return [c.name for c in self.checks if not c.ok]

    def as_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "checks": [{"name": c.name, "ok": c.ok, "code": c.code, "detail": c.detail} for c in self.checks],
        }


def parse_time(value: Any, name: str) -> dt.datetime:
    """An XML Schema dateTimeStamp (with a time zone), as VC 2.0 requires for validFrom/validUntil."""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a date-time string")
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{name} is not a date-time ({value!r})") from None
    if parsed.tzinfo is None:
        raise ValueError(f"{name} has no time zone")
    return parsed


def issuer_id(document: Mapping[str, Any]) -> str:
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    if not isinstance(issuer, str) or not issuer:
        raise ValueError("issuer must be a URL or an object with an id")
    return issuer


def _structure(document: Any) -> str | None:
    """The reason the document is not a usable VC 2.0 credential, or None."""
    if not isinstance(document, dict):
        return "it is not a JSON object"
    context = document.get("@context")
    if not isinstance(context, list) or not context or context[0] != VC_CONTEXT:
        return f"@context must be a list starting with {VC_CONTEXT}"
    types = document.get("type")
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        return "type must be a list containing VerifiableCredential"
    if not isinstance(document.get("credentialSubject"), dict):
        return "credentialSubject must be an object"
    try:
        issuer_id(document)
        if "validFrom" in document:
            parse_time(document["validFrom"], "validFrom")
        if "validUntil" in document:
            parse_time(document["validUntil"], "validUntil")
        dataintegrity.proof_of(document)
    except ValueError as exc:  # ProofError is a ValueError
        return str(exc)
    status = document.get("credentialStatus")
    if status is not None and not isinstance(status, dict):
        return "credentialStatus must be an object"
    return None


def check_status(document: Mapping[str, Any], *, resolve_key: KeyResolver, resolve_status: StatusResolver) -> Check:
    entry = document.get("credentialStatus")
    if entry is None:
        return Check("status", True, "status.none")
    list_url = entry.get("statusListCredential")
    index_text = entry.get("statusListIndex")
    try:
        if entry.get("type") != "BitstringStatusListEntry" or not isinstance(list_url, str):
            raise ResolveError("credentialStatus is not a BitstringStatusListEntry")
        if not isinstance(index_text, str) or not index_text.isdigit():
            raise ResolveError("statusListIndex must be a decimal string")
        status_credential = resolve_status(list_url)
        if status_credential.get("id") != list_url:
            raise ResolveError("the status list credential has another id")
        if issuer_id(status_credential) != issuer_id(document):
            raise ResolveError("the status list was published by another issuer")
        proof = dataintegrity.proof_of(status_credential)
        key = resolve_key(proof["verificationMethod"])
        if key.controller != issuer_id(document) or not dataintegrity.verify_proof(
            status_credential, key.public_key_multibase
        ):
            raise ResolveError("the status list's signature does not verify")
        subject = status_credential.get("credentialSubject", {})
        if subject.get("statusPurpose") != entry.get("statusPurpose", "revocation"):
            raise ResolveError("the status list has another purpose")
        bits = statuslist.decode(subject.get("encodedList", ""))
        revoked = statuslist.get_bit(bits, int(index_text))
    except (ResolveError, ValueError, AttributeError) as exc:
        return Check("status", False, "status.unavailable", {"reason": str(exc)})
    params = {"list": list_url, "index": index_text}
    return Check("status", not revoked, "status.revoked" if revoked else "status.ok", params)


def check_validity(document: Mapping[str, Any], now: dt.datetime) -> Check:
    if "validFrom" in document and now < parse_time(document["validFrom"], "validFrom"):
        return Check("validity", False, "validity.not_yet_valid", {"since": document["validFrom"]})
    if "validUntil" in document and now > parse_time(document["validUntil"], "validUntil"):
        return Check("validity", False, "validity.expired", {"until": document["validUntil"]})
    return Check("validity", True, "validity.ok")


def verify(
    document: Any,
    *,
    resolve_key: KeyResolver,
    resolve_status: StatusResolver,
    now: dt.datetime | None = None,
) -> Outcome:
    """Run every check that can run. A malformed document stops at ``structure``; an unknown key skips the
    signature. Status and validity are reported even when the signature fails, so a reader sees everything."""
    now = now or dt.datetime.now(dt.UTC)
    reason = _structure(document)
    if reason is not None:
        return Outcome([Check("structure", False, "structure.invalid", {"reason": reason})])
    checks = [Check("structure", True, "structure.ok")]
    proof = dataintegrity.proof_of(document)
    method = proof["verificationMethod"]
    issuer = issuer_id(document)
    key: KeyInfo | None = None
    try:
        key = resolve_key(method)
    except ResolveError as exc:
        checks.append(Check("key", False, "key.unknown", {"method": method, "reason": str(exc)}))
    if key is not None and key.controller != issuer:
        params = {"method": method, "controller": key.controller, "issuer": issuer}
        checks.append(Check("key", False, "key.wrong_controller", params))
        key = None
    elif key is not None:
        checks.append(Check("key", True, "key.ok", {"method": method}))
    if key is None:
        checks.append(Check("signature", False, "signature.not_checked"))
    else:
        try:
            good = dataintegrity.verify_proof(document, key.public_key_multibase)
            checks.append(Check("signature", good, "signature.ok" if good else "signature.invalid"))
        except dataintegrity.ProofError as exc:
            checks.append(Check("signature", False, "signature.malformed", {"reason": str(exc)}))
    checks.append(check_status(document, resolve_key=resolve_key, resolve_status=resolve_status))
    checks.append(check_validity(document, now))
    return Outcome(checks)
