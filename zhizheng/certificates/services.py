"""State changes of electronic certificates: types, issuer keys, issuance, renewal, re-issue, revocation, sharing.

Every issue, renewal, re-issue and revocation is recorded in the ledger in the same transaction; the holder's
number is a personal field (hashed in the public leaf). ``certificates_issue_many`` is the one issuing path: a
single certificate is a batch of one, so the demo loader, the CSV import and ``govservices`` sign the same way.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhizheng.certificates import credentials, dataintegrity, keys, selectors, statuslist
from zhizheng.certificates.choices import CertificateStatus, HolderKind, RevocationReason
from zhizheng.certificates.errors import (
    CertificateNotValid,
    CertificateTypeUnknown,
    HolderKindMismatch,
    HolderUnknown,
    NotIssuingDepartment,
    ShareLinkInvalid,
    SubjectInvalid,
    ValidityInvalid,
)
from zhizheng.certificates.models import Certificate, CertificateType, IssuerKey, ShareLink, StatusList
from zhizheng.certificates.permissions import Perm, policy
from zhizheng.core.actor import SYSTEM, Actor
from zhizheng.core.errors import DomainError, ValidationFailed
from zhizheng.ledger import services as ledger
from zhizheng.orgs.models import Department
from zhizheng.registries.choices import Purpose
from zhizheng.registries.selectors import HolderRecords, holders_resolve

DATA_FILE = Path(__file__).resolve().parent / "data" / "certificate_types.json"
HOLDER_KINDS = {"自然人": HolderKind.PERSON, "法人": HolderKind.LEGAL_PERSON, "自然人或法人": HolderKind.EITHER}
MAX_FIELD_LENGTH = 500
RENEWAL_START_FIELDS = frozenset({"valid_from", "issue_date"})
RENEWAL_END_FIELDS = frozenset({"valid_to", "endorsement_valid_to"})
"""Data fields that print a certificate's period; a renewal rewrites them."""
SHARE_MIN = dt.timedelta(hours=1)
SHARE_MAX = dt.timedelta(days=30)


# --- certificate types ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int


@transaction.atomic
def certificate_types_load(*, actor: Actor, path: Path = DATA_FILE) -> LoadResult:
    """Create or update the certificate types from the bundled data file. Idempotent: a second run changes nothing."""
    policy.require(actor, Perm.LOAD_TYPES)
    rows = json.loads(path.read_text(encoding="utf-8"))
    departments = {d.code: d for d in Department.objects.all()}
    existing = {t.code: t for t in CertificateType.objects.all()}
    created = updated = 0
    for row in rows:
        department = departments.get(row["issuing_department"])
        if department is None:
            reason = f"{row['code']} names department {row['issuing_department']}, which is not loaded"
            raise ValidationFailed(field_errors={"issuing_department": [reason]})
        values = {
            "name": row["name"],
            "issuing_department": department,
            "holder_kind": HOLDER_KINDS[row["holder_kind"]],
            "validity_years": row.get("validity_years"),
            "fields": [{"key": f["key"], "label": f["label"]} for f in row["fields"]],
            "note": row.get("note", ""),
        }
        current = existing.get(row["code"])
        if current is None:
            CertificateType.objects.create(code=row["code"], **values)
            created += 1
        elif any(getattr(current, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(current, k, v)
            current.save()
            updated += 1
    return LoadResult(created=created, updated=updated)


def certificate_type_get(code: str) -> CertificateType:
    found = CertificateType.objects.select_related("issuing_department").filter(code=code).first()
    if found is None:
        raise CertificateTypeUnknown(params={"code": code})
    return found


# --- issuer keys ------------------------------------------------------------------------------------------------


def _new_key(department: Department, number: int) -> IssuerKey:
    private_key = Ed25519PrivateKey.generate()
    return IssuerKey.objects.create(
        department=department,
        number=number,
        public_key_multibase=dataintegrity.public_key_multibase(private_key.public_key()),
        private_key_encrypted=keys.encrypt_private_key(private_key, department_code=department.code, number=number),
        active=True,
    )


def _active_key(department: Department) -> IssuerKey:
    """The department's signing key, created on first use (recorded in the ledger like a rotation)."""
    key = IssuerKey.objects.filter(department=department, active=True).first()
    if key is not None:
        key.department = department  # the signer reads its code: the row it was found by, not another query
    else:
        key = _new_key(department, 1)
        ledger.record(
            actor=SYSTEM,
            act="certificates.issuer_key.created",
            subject=key,
            payload={"department": department.code, "number": 1, "publicKeyMultibase": key.public_key_multibase},
        )
    return key


@transaction.atomic
def issuer_key_rotate(*, actor: Actor, department: Department) -> IssuerKey:
    """Retire the department's active key (it stays published) and make a new one active."""
    policy.require(actor, Perm.ROTATE_KEY, department)
    list(IssuerKey.objects.select_for_update().filter(department=department))
    number = (IssuerKey.objects.filter(department=department).aggregate(n=Max("number"))["n"] or 0) + 1
    IssuerKey.objects.filter(department=department, active=True).update(active=False, retired_at=timezone.now())
    key = _new_key(department, number)
    ledger.record(
        actor=actor,
        act="certificates.issuer_key.rotated",
        subject=key,
        payload={"department": department.code, "number": number, "publicKeyMultibase": key.public_key_multibase},
    )
    return key


# --- status lists -----------------------------------------------------------------------------------------------


def _allocate_indices(department: Department, count: int) -> list[tuple[StatusList, int]]:
    """``count`` fresh status slots of the department's lists, locking the list rows (new lists as they fill)."""
    slots: list[tuple[StatusList, int]] = []
    while len(slots) < count:
        current = StatusList.objects.select_for_update().filter(department=department).order_by("-number").first()
        if current is None or current.next_index >= current.size:
            number = 1 if current is None else current.number + 1
            current = StatusList.objects.create(
                department=department, number=number, size=statuslist.MIN_ENTRIES, bits=statuslist.empty()
            )
        take = min(count - len(slots), current.size - current.next_index)
        slots += [(current, current.next_index + i) for i in range(take)]
        current.next_index += take
        current.save(update_fields=["next_index", "updated_at"])
    return slots


def _set_status_bit(certificate: Certificate) -> None:
    status_list = StatusList.objects.select_for_update().get(pk=certificate.status_list_id)
    status_list.bits = statuslist.set_bit(bytes(status_list.bits), certificate.status_index, True)
    status_list.save(update_fields=["bits", "updated_at"])


# --- issuance ---------------------------------------------------------------------------------------------------


@dataclass
class IssueRequest:
    """One certificate to issue: its type, holder (ID number or USCC) and data."""

    certificate_type: CertificateType | str
    holder: str
    subject: Mapping[str, Any]
    issuing_department: Department | None = None
    valid_from: dt.datetime | None = None
    valid_until: dt.datetime | None = None
    replaces: Certificate | None = None


def _clean_subject(certificate_type: CertificateType, subject: Mapping[str, Any]) -> dict[str, Any]:
    allowed = set(certificate_type.field_keys)
    errors: dict[str, list[Any]] = {}
    if not isinstance(subject, Mapping) or not subject:
        raise SubjectInvalid(field_errors={"subject": [SubjectInvalid.message]})
    for key, value in subject.items():
        if key not in allowed:
            errors.setdefault(str(key), []).append(f"not a field of {certificate_type.code}")
        elif not isinstance(value, (str, int)) or isinstance(value, bool):
            errors.setdefault(str(key), []).append("must be text or a whole number")
        elif isinstance(value, str) and not (0 < len(value.strip()) <= MAX_FIELD_LENGTH):
            errors.setdefault(str(key), []).append(f"must have 1 to {MAX_FIELD_LENGTH} characters")
    if errors:
        raise SubjectInvalid(field_errors=errors)
    ordered = [k for k in certificate_type.field_keys if k in subject]
    return {k: subject[k].strip() if isinstance(subject[k], str) else subject[k] for k in ordered}


def _years_later(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February in a common year
        return moment.replace(year=moment.year + years, day=28)


def _serial(department: Department, now: dt.datetime) -> str:
    return f"{department.code}{now:%Y}{secrets.token_hex(6).upper()}"


def _authorise(
    actor: Actor, request: IssueRequest, types: dict[str, CertificateType]
) -> tuple[CertificateType, Department]:
    """The request's type and issuing department, once the actor is known to issue for that department."""
    certificate_type = request.certificate_type
    if isinstance(certificate_type, str):
        found = types.get(certificate_type)
        if found is None:
            raise CertificateTypeUnknown(params={"code": certificate_type})
        certificate_type = found
    department = request.issuing_department or certificate_type.issuing_department
    if department.pk != certificate_type.issuing_department_id:
        raise NotIssuingDepartment(params={"department": department.name, "type": certificate_type.name})
    policy.require(actor, Perm.ISSUE, department)
    return certificate_type, department


def _prepare(
    request: IssueRequest,
    certificate_type: CertificateType,
    department: Department,
    holders: HolderRecords,
    now: dt.datetime,
) -> dict[str, Any]:
    """Check one authorised issue request and resolve its holder and validity."""
    holder = request.holder.strip().upper()
    resident, legal_person = holders.residents.get(holder), holders.legal_persons.get(holder)
    if resident is None and legal_person is None:
        raise HolderUnknown(params={"holder": holder})
    kind = HolderKind.PERSON if resident is not None else HolderKind.LEGAL_PERSON
    if certificate_type.holder_kind not in (kind, HolderKind.EITHER):
        label = HolderKind(certificate_type.holder_kind).label
        raise HolderKindMismatch(params={"type": certificate_type.name, "kind": label})
    valid_from = request.valid_from or now
    valid_until = request.valid_until
    if valid_until is None and certificate_type.validity_years:
        valid_until = _years_later(valid_from, certificate_type.validity_years)
    if valid_until is not None and valid_until <= valid_from:
        raise ValidityInvalid()
    return {
        "type": certificate_type,
        "department": department,
        "holder": holder,
        "kind": kind,
        "resident": resident,
        "legal_person": legal_person,
        "subject": _clean_subject(certificate_type, request.subject),
        "valid_from": valid_from,
        "valid_until": valid_until,
        "replaces": request.replaces,
    }


@transaction.atomic
def certificates_issue_many(
    *, actor: Actor, requests: Sequence[IssueRequest], act: str = "certificates.certificate.issued"
) -> list[Certificate]:
    """Issue and sign a batch of certificates: one permission check per department, one status-list lock per
    department, bulk inserts and one ledger append. All or nothing."""
    if not requests:
        return []
    now = timezone.now()
    # Only the types the batch names by code (an approval passes its type, already loaded): not all 42 each time.
    codes = {r.certificate_type for r in requests if isinstance(r.certificate_type, str)}
    types = (
        {t.code: t for t in CertificateType.objects.select_related("issuing_department").filter(code__in=codes)}
        if codes
        else {}
    )
    identifiers = {r.holder.strip().upper() for r in requests}
    authorised: list[tuple[CertificateType, Department]] = []
    for position, request in enumerate(requests):
        try:
            authorised.append(_authorise(actor, request, types))
        except DomainError as exc:
            exc.batch_position = position  # type: ignore[attr-defined]  # which request of the batch was refused
            raise
    # Only an actor who may issue reads the registries, through their selector, which checks the read and logs it
    # (one statement for the batch, with its purpose). Issuing roles are case roles there.
    holders = holders_resolve(actor=actor, purpose=Purpose.SERVICE_HANDLING, identifiers=identifiers)
    prepared: list[dict[str, Any]] = []
    for position, (request, (certificate_type, department)) in enumerate(zip(requests, authorised, strict=True)):
        try:
            prepared.append(_prepare(request, certificate_type, department, holders, now))
        except DomainError as exc:
            exc.batch_position = position  # type: ignore[attr-defined]
            raise
    by_department: dict[int, list[dict[str, Any]]] = {}
    for item in prepared:
        by_department.setdefault(item["department"].pk, []).append(item)
    for items in by_department.values():
        department = items[0]["department"]
        key = _active_key(department)
        signer = keys.signer_for(key)
        for item, (status_list, index) in zip(items, _allocate_indices(department, len(items)), strict=True):
            serial = _serial(department, now)
            document = credentials.credential_document(
                serial=serial,
                type_code=item["type"].code,
                type_name=item["type"].name,
                department_code=department.code,
                department_name=department.name,
                subject=item["subject"],
                valid_from=item["valid_from"],
                valid_until=item["valid_until"],
                status_list_number=status_list.number,
                status_index=index,
            )
            item["certificate"] = Certificate(
                serial=serial,
                type=item["type"],
                holder_kind=item["kind"],
                holder_identifier=item["holder"],
                holder_resident_id=item["resident"],
                holder_legal_person_id=item["legal_person"],
                issuing_department=department,
                subject=item["subject"],
                valid_from=item["valid_from"],
                valid_until=item["valid_until"],
                status_list=status_list,
                status_index=index,
                issuer_key=key,
                credential=dataintegrity.add_proof(document, signer=signer, created=credentials.timestamp(now)),
                replaces=item["replaces"],
            )
    certificates = Certificate.objects.bulk_create([item["certificate"] for item in prepared])
    ledger.record_many(
        actor=actor,
        acts=[
            ledger.Act(
                act=act,
                subject=certificate,
                payload={
                    "serial": certificate.serial,
                    "type": certificate.type.code,
                    "holder": certificate.holder_identifier,
                    "department": certificate.issuing_department.code,
                    "valid_until": certificate.credential.get("validUntil"),
                    "replaces": certificate.replaces.serial if certificate.replaces else None,
                },
                personal=("holder",),
            )
            for certificate in certificates
        ],
    )
    return certificates


def certificate_issue(
    *,
    actor: Actor,
    certificate_type: CertificateType | str,
    holder: str,
    subject: Mapping[str, Any],
    issuing_department: Department | None = None,
    valid_from: dt.datetime | None = None,
    valid_until: dt.datetime | None = None,
) -> Certificate:
    """Issue and sign one certificate to ``holder`` (a 公民身份号码 or 统一社会信用代码 in the registries).

    Allowed for staff of the issuing department with an issuing role, and for the system (an approved
    application). ``valid_until`` defaults to the type's validity in years (none: valid until revoked)."""
    request = IssueRequest(
        certificate_type=certificate_type,
        holder=holder,
        subject=subject,
        issuing_department=issuing_department,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    return certificates_issue_many(actor=actor, requests=[request])[0]


def _lock_valid(certificate: Certificate, allowed: tuple[str, ...] = (CertificateStatus.VALID,)) -> Certificate:
    locked = Certificate.objects.select_for_update().select_related("type", "issuing_department").get(pk=certificate.pk)
    if locked.status not in allowed:
        raise CertificateNotValid(params={"serial": locked.serial, "status": locked.get_status_display()})
    return locked


def _supersede(actor: Actor, old: Certificate, *, subject: Mapping[str, Any], valid_until: dt.datetime | None,
               act: str) -> Certificate:  # fmt: skip
    request = IssueRequest(
        certificate_type=old.type,
        holder=old.holder_identifier,
        subject=subject,
        issuing_department=old.issuing_department,
        valid_until=valid_until,
        replaces=old,
    )
    old.status = CertificateStatus.SUPERSEDED
    old.revoked_at = timezone.now()
    old.revocation_reason = RevocationReason.SUPERSEDED
    old.save(update_fields=["status", "revoked_at", "revocation_reason", "updated_at"])
    _set_status_bit(old)
    return certificates_issue_many(actor=actor, requests=[request], act=act)[0]


@transaction.atomic
def certificate_renew(*, actor: Actor, certificate: Certificate, valid_until: dt.datetime | None = None) -> Certificate:
    """Issue a new certificate with the same data and a new validity period; the old one (valid or expired) is
    superseded (its status bit is set, so verifiers see it withdrawn)."""
    policy.require(actor, Perm.ISSUE, certificate)
    old = _lock_valid(certificate, (CertificateStatus.VALID, CertificateStatus.EXPIRED))  # renewing after expiry
    subject = dict(old.subject)
    today = timezone.localdate().isoformat()
    for key in RENEWAL_START_FIELDS & subject.keys():
        subject[key] = today  # the printed dates follow the new period
    for key in RENEWAL_END_FIELDS & subject.keys():
        subject[key] = timezone.localtime(valid_until).date().isoformat() if valid_until else "长期"
    return _supersede(actor, old, subject=subject, valid_until=valid_until, act="certificates.certificate.renewed")


@transaction.atomic
def certificate_reissue(
    *, actor: Actor, certificate: Certificate, subject: Mapping[str, Any] | None = None
) -> Certificate:
    """Replace a certificate (corrected data, lost document) with a new serial and the same validity end."""
    policy.require(actor, Perm.ISSUE, certificate)
    old = _lock_valid(certificate)
    new_subject = {**old.subject, **(subject or {})}
    return _supersede(
        actor, old, subject=new_subject, valid_until=old.valid_until, act="certificates.certificate.reissued"
    )


@transaction.atomic
def certificate_revoke(*, actor: Actor, certificate: Certificate, reason: str) -> Certificate:
    """Withdraw a certificate: set its bit in the issuer's status list and record why."""
    policy.require(actor, Perm.REVOKE, certificate)
    if reason not in RevocationReason.values or reason == RevocationReason.SUPERSEDED:
        raise ValidationFailed(field_errors={"reason": [_("Choose one of the reasons offered.")]})
    locked = _lock_valid(certificate)
    locked.status = CertificateStatus.REVOKED
    locked.revoked_at = timezone.now()
    locked.revocation_reason = reason
    locked.save(update_fields=["status", "revoked_at", "revocation_reason", "updated_at"])
    _set_status_bit(locked)
    ledger.record(
        actor=actor,
        act="certificates.certificate.revoked",
        subject=locked,
        payload={
            "serial": locked.serial,
            "type": locked.type.code,
            "holder": locked.holder_identifier,
            "reason": reason,
        },
        personal=("holder",),
    )
    return locked


# --- sharing ----------------------------------------------------------------------------------------------------


@transaction.atomic
def share_link_create(
    *, actor: Actor, certificate: Certificate, fields: Sequence[str], lifetime: dt.timedelta
) -> tuple[ShareLink, str]:
    """A link for a third party showing only ``fields``, until ``lifetime`` has passed. Returns the link and its
    secret token (only its hash is stored). Only the holder may share; others get 404."""
    own = selectors.wallet_get(actor=actor, serial=certificate.serial)
    chosen = [f for f in own.type.field_keys if f in set(fields) and f in own.subject]
    if not chosen or len(chosen) != len(set(fields)) or not SHARE_MIN <= lifetime <= SHARE_MAX:
        raise ShareLinkInvalid()
    token = secrets.token_urlsafe(24)
    link = ShareLink.objects.create(
        certificate=own,
        token_hash=selectors.share_token_hash(token),
        fields=chosen,
        created_by_user_id=actor.user_id or 0,
        expires_at=timezone.now() + lifetime,
    )
    return link, token


@transaction.atomic
def certificates_expire(*, actor: Actor) -> int:
    """Store ``expired`` on valid certificates whose validity has ended (the periodic job). Expiry is a date, not an
    act: the status bit stays clear and nothing is recorded in the ledger; verifiers read ``validUntil``."""
    policy.require(actor, Perm.EXPIRE)
    now = timezone.now()
    return Certificate.objects.filter(status=CertificateStatus.VALID, valid_until__lt=now).update(
        status=CertificateStatus.EXPIRED, updated_at=now
    )
