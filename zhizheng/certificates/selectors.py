"""Reads of electronic certificates: the wallet, lookups for other apps, the public documents, verification.

``certificates_for_holder`` is what ``govservices`` calls to reuse a certificate the platform already holds
(免提交). ``verify_credential`` checks any credential against this platform's keys and status lists.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from zhizheng.accounts.models import User
from zhizheng.certificates import checks, credentials, dataintegrity, keys
from zhizheng.certificates.choices import CHECK_LABELS, CHECK_MESSAGES, CertificateStatus
from zhizheng.certificates.errors import ShareLinkExpired
from zhizheng.certificates.models import Certificate, CertificateType, IssuerKey, ShareLink, StatusList
from zhizheng.certificates.permissions import ISSUE_ROLES, REVOKE_ROLES
from zhizheng.core.actor import Actor, ActorKind
from zhizheng.core.errors import NotFound
from zhizheng.orgs.models import Department


def holder_identifiers(actor: Actor) -> frozenset[str]:
    """The ID number and USCC the signed-in person holds certificates under (an agent: both)."""
    if actor.kind is not ActorKind.USER or actor.user_id is None:
        return frozenset()
    row = User.objects.filter(pk=actor.user_id).values_list("id_number", "uscc", "kind").first()
    if row is None:
        return frozenset()
    id_number, uscc, kind = row
    found = {id_number} if id_number else set()
    if kind == User.Kind.AGENT and uscc:
        found.add(uscc)
    return frozenset(found)


def effective_status(certificate: Certificate, now: dt.datetime | None = None) -> str:
    """The stored status, except that a valid certificate past its end of validity reads as expired."""
    now = now or timezone.now()
    if certificate.status == CertificateStatus.VALID and certificate.valid_until and certificate.valid_until < now:
        return CertificateStatus.EXPIRED
    return str(certificate.status)


def _base() -> QuerySet[Certificate]:
    return Certificate.objects.select_related("type", "issuing_department")


def certificates_for_holder(*, actor: Actor, holder: str, type_code: str | None = None) -> QuerySet[Certificate]:
    """Valid, unexpired certificates of ``holder`` (optionally of one type), newest first. The holder themself,
    staff who handle applications, and the system may look; anyone else sees none."""
    holder = holder.strip().upper()
    allowed = (
        actor.is_system
        or actor.is_superuser
        or holder in holder_identifiers(actor)
        or (actor.kind is ActorKind.USER and any(role in ISSUE_ROLES for _code, role in actor.roles))
    )
    if not allowed:
        return Certificate.objects.none()
    now = timezone.now()
    queryset = _base().filter(holder_identifier=holder, status=CertificateStatus.VALID, valid_from__lte=now)
    queryset = queryset.exclude(valid_until__lt=now)
    if type_code:
        queryset = queryset.filter(type__code=type_code)
    return queryset.order_by("-valid_from", "serial")


def wallet_list(*, actor: Actor) -> QuerySet[Certificate]:
    """Every certificate the signed-in person or their enterprise holds (all states), newest first."""
    identifiers = holder_identifiers(actor)
    return _base().filter(holder_identifier__in=identifiers).order_by("type__code", "-valid_from")


def wallet_get(*, actor: Actor, serial: str) -> Certificate:
    """One of the person's own certificates; anyone else's answers 404 as if it did not exist."""
    found = _base().filter(serial=serial, holder_identifier__in=holder_identifiers(actor)).first()
    if found is None:
        raise NotFound()
    return found


def certificate_get(*, serial: str) -> Certificate:
    found = _base().filter(serial=serial).first()
    if found is None:
        raise NotFound()
    return found


def share_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def share_link_get(*, token: str) -> ShareLink:
    """The share link for a token: 404 when unknown, 410 when expired."""
    link = ShareLink.objects.select_related("certificate__type", "certificate__issuing_department").filter(
        token_hash=share_token_hash(token)
    )
    found = link.first()
    if found is None:
        raise NotFound()
    if found.expires_at <= timezone.now():
        raise ShareLinkExpired()
    return found


# --- public documents -------------------------------------------------------------------------------------------


def _department(code: str) -> Department:
    found = Department.objects.filter(code=code).first()
    if found is None:
        raise NotFound()
    return found


def issuer_document(*, code: str) -> dict[str, Any]:
    """The issuer's public document: name and every key it ever used (retired keys stay listed)."""
    department = _department(code)
    methods = [
        multikey_document_for(key)
        for key in IssuerKey.objects.filter(department=department).select_related("department").order_by("number")
    ]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", dataintegrity.MULTIKEY_CONTEXT],
        "id": credentials.issuer_url(code),
        "name": department.name,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods if not m.get("revoked")],
    }


def multikey_document_for(key: IssuerKey) -> dict[str, Any]:
    code = key.department.code
    document: dict[str, Any] = {
        "@context": dataintegrity.MULTIKEY_CONTEXT,
        "id": credentials.key_url(code, key.number),
        "type": "Multikey",
        "controller": credentials.issuer_url(code),
        "publicKeyMultibase": key.public_key_multibase,
    }
    return document


def multikey_document(*, code: str, number: int) -> dict[str, Any]:
    key = IssuerKey.objects.select_related("department").filter(department__code=code, number=number).first()
    if key is None:
        raise NotFound()
    return multikey_document_for(key)


_signed_status_lists: dict[tuple[Any, ...], dict[str, Any]] = {}
"""Signed status list credentials of this process, keyed by list, version (``updated_at``), key and site: a list
is compressed and signed once per change, not once per verification."""


def status_list_credential(*, code: str, number: int) -> dict[str, Any]:
    """The signed BitstringStatusListCredential, signed afresh with the issuer's active key."""
    status_list = StatusList.objects.select_related("department").filter(department__code=code, number=number).first()
    key = IssuerKey.objects.select_related("department").filter(department__code=code, active=True).first()
    if status_list is None or key is None:
        raise NotFound()
    cache_key = (status_list.pk, status_list.updated_at, key.pk, credentials.site())
    signed = _signed_status_lists.get(cache_key)
    if signed is None:
        document = credentials.status_list_document(
            department_code=code, number=number, bits=bytes(status_list.bits), updated_at=status_list.updated_at
        )
        signed = dataintegrity.add_proof(
            document, signer=keys.signer_for(key), created=credentials.timestamp(status_list.updated_at)
        )
        if len(_signed_status_lists) >= 64:
            _signed_status_lists.clear()
        _signed_status_lists[cache_key] = signed
    return copy.deepcopy(signed)


# --- verification -----------------------------------------------------------------------------------------------


def _resolve_key(url: str) -> checks.KeyInfo:
    path = credentials.local_path(url)
    match = credentials.KEY_PATH.match(path or "")
    if match is None:
        raise checks.ResolveError("it is not a key published by this platform")
    try:
        document = multikey_document(code=match["code"], number=int(match["number"]))
    except NotFound:
        raise checks.ResolveError("no such key") from None
    return checks.KeyInfo(controller=document["controller"], public_key_multibase=document["publicKeyMultibase"])


def _resolve_status(url: str) -> Mapping[str, Any]:
    path = credentials.local_path(url)
    match = credentials.STATUS_PATH.match(path or "")
    if match is None:
        raise checks.ResolveError("it is not a status list of this platform")
    try:
        return status_list_credential(code=match["code"], number=int(match["number"]))
    except NotFound:
        raise checks.ResolveError("no such status list") from None


@dataclass(frozen=True)
class Verification:
    """The outcome of verifying a credential, with the platform's record of it when there is one."""

    outcome: checks.Outcome
    certificate: Certificate | None

    @property
    def valid(self) -> bool:
        return self.outcome.valid

    @property
    def verdict(self) -> str:
        """One word for the reader: valid, revoked, expired, not_yet_valid, tampered, unknown_key or malformed."""
        failed = {c.code for c in self.outcome.checks if not c.ok}
        for code, word in (
            ("structure.invalid", "malformed"),
            ("signature.invalid", "tampered"),
            ("signature.malformed", "tampered"),
            ("key.unknown", "unknown_key"),
            ("key.wrong_controller", "unknown_key"),
            ("status.revoked", "revoked"),
            ("validity.expired", "expired"),
            ("validity.not_yet_valid", "not_yet_valid"),
            ("status.unavailable", "status_unavailable"),
        ):
            if code in failed:
                return word
        return "valid"

    def checks_json(self) -> list[dict[str, Any]]:
        """The checks with their detail in the active language."""
        return [
            {
                "name": c.name,
                "label": str(CHECK_LABELS[c.name]),
                "ok": c.ok,
                "code": c.code,
                "detail": str(CHECK_MESSAGES[c.code]) % dict(c.params) if c.params else str(CHECK_MESSAGES[c.code]),
            }
            for c in self.outcome.checks
        ]


def verify_credential(document: Any, *, now: dt.datetime | None = None) -> Verification:
    """Check a credential against this platform: structure, key, signature, status, validity period."""
    outcome = checks.verify(document, resolve_key=_resolve_key, resolve_status=_resolve_status, now=now)
    certificate = None
    if isinstance(document, dict) and isinstance(document.get("serialNumber"), str):
        certificate = _base().filter(serial=document["serialNumber"]).first()
    return Verification(outcome=outcome, certificate=certificate)


# --- staff: issuing and revoking by hand -------------------------------------------------------------------------


def _staff_departments(actor: Actor, roles: frozenset[str]) -> frozenset[str]:
    if actor.kind is not ActorKind.USER:
        return frozenset()
    return frozenset(code for code, role in actor.roles if role in roles)


def types_issuable(*, actor: Actor) -> QuerySet[CertificateType]:
    """The certificate types the actor may issue by hand: those of departments where they hold an issuing role
    (every type for superusers)."""
    queryset = CertificateType.objects.select_related("issuing_department").order_by("code")
    if actor.is_superuser or actor.is_system:
        return queryset
    return queryset.filter(issuing_department__code__in=_staff_departments(actor, ISSUE_ROLES))


def department_certificates(*, actor: Actor, serial: str = "") -> QuerySet[Certificate]:
    """Certificates issued by the departments where the actor holds an issuing or revoking role, newest first
    (optionally the one with ``serial``). Anyone else sees none."""
    queryset = _base().order_by("-created_at", "serial")
    if serial:
        queryset = queryset.filter(serial=serial.strip().upper())
    if actor.is_superuser or actor.is_system:
        return queryset
    return queryset.filter(issuing_department__code__in=_staff_departments(actor, ISSUE_ROLES | REVOKE_ROLES))


def department_certificate_get(*, actor: Actor, serial: str) -> Certificate:
    """One certificate of the actor's departments; any other answers 404 as if it did not exist."""
    found = department_certificates(actor=actor, serial=serial).first()
    if found is None:
        raise NotFound()
    return found
