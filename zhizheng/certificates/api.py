"""The certificates API: verify any credential (public), list certificate types, and one's own certificates."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from zhizheng.accounts.api import API_AUTH, request_actor
from zhizheng.certificates import selectors, services
from zhizheng.certificates.errors import CredentialMalformed
from zhizheng.certificates.models import Certificate, CertificateType
from zhizheng.certificates.schemas import (
    CertificateOut,
    CertificateTypeList,
    IssueIn,
    RevokeIn,
    VerificationOut,
    WalletList,
)

router = Router(tags=["certificates"])
MAX_CREDENTIAL_BYTES = 256 * 1024
MAX_DEPTH = 32
MAX_PAGE_SIZE = 100


def parse_credential(raw: bytes) -> Any:
    """The JSON object in ``raw``, or ``CredentialMalformed`` (400) saying what is wrong."""
    if len(raw) > MAX_CREDENTIAL_BYTES:
        raise CredentialMalformed(params={"reason": f"larger than {MAX_CREDENTIAL_BYTES // 1024} KiB"})
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise CredentialMalformed(params={"reason": "not UTF-8 text"}) from None
    except RecursionError:
        raise CredentialMalformed(params={"reason": f"nested deeper than {MAX_DEPTH} levels"}) from None
    except ValueError as exc:
        raise CredentialMalformed(params={"reason": f"not JSON ({exc})"}) from None
    if not isinstance(document, dict):
        raise CredentialMalformed(params={"reason": "not a JSON object"})
    if _depth(document) > MAX_DEPTH:
        raise CredentialMalformed(params={"reason": f"nested deeper than {MAX_DEPTH} levels"})
    return document


def _depth(value: Any) -> int:
    """How deeply lists and objects nest (iteratively, so a hostile document cannot exhaust the stack)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            return level
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


@router.post(
    "/certificates/verify",
    response=VerificationOut,
    auth=None,
    operation_id="certificates_credential_verify",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object", "description": "A credential"}}},
        }
    },
)
def verify(request: HttpRequest) -> dict[str, Any]:
    """Verify a credential: structure, issuer's key, signature, revocation status, validity period.

    The body is the credential JSON itself. A body that is not a JSON object answers 400 problem+json; a JSON
    object that is not a valid credential answers 200 with ``valid: false`` and the failed check."""
    verification = selectors.verify_credential(parse_credential(request.body))
    return {"valid": verification.valid, "verdict": verification.verdict, "checks": verification.checks_json()}


class Page(Schema):
    limit: int = 50
    offset: int = 0


@router.get("/certificates/types", response=CertificateTypeList, auth=None, operation_id="certificates_type_list")
def type_list(request: HttpRequest, page: Query[Page]) -> dict[str, Any]:
    """The certificate types the platform issues, with their data fields (public reference data)."""
    queryset = CertificateType.objects.select_related("issuing_department").order_by("code")
    limit, offset = max(0, min(page.limit, MAX_PAGE_SIZE)), max(0, page.offset)
    items = [
        {
            "code": t.code,
            "name": t.name,
            "issuing_department": t.issuing_department.code,
            "holder_kind": t.holder_kind,
            "validity_years": t.validity_years,
            "fields": t.fields,
        }
        for t in queryset[offset : offset + limit]
    ]
    return {"count": queryset.count(), "items": items}


@router.get("/certificates/mine", response=WalletList, auth=API_AUTH, operation_id="certificates_certificate_list")
def wallet(request: HttpRequest, page: Query[Page]) -> dict[str, Any]:
    """The signed-in person's certificates (and their enterprise's, for a business agent)."""
    queryset = selectors.wallet_list(actor=request_actor(request))
    limit, offset = max(0, min(page.limit, MAX_PAGE_SIZE)), max(0, page.offset)
    items = [
        {
            "serial": c.serial,
            "type_code": c.type.code,
            "type_name": c.type.name,
            "issuing_department": c.issuing_department.name,
            "status": selectors.effective_status(c),
            "valid_from": c.valid_from,
            "valid_until": c.valid_until,
        }
        for c in queryset[offset : offset + limit]
    ]
    return {"count": queryset.count(), "items": items}


def _certificate_out(certificate: Certificate) -> dict[str, Any]:
    return {
        "serial": certificate.serial,
        "type_code": certificate.type.code,
        "holder": certificate.holder_masked,
        "issuing_department": certificate.issuing_department.code,
        "status": selectors.effective_status(certificate),
        "credential": certificate.credential,
    }


@router.post(
    "/certificates", response={201: CertificateOut}, auth=API_AUTH, operation_id="certificates_certificate_issue"
)
def issue(request: HttpRequest, payload: IssueIn) -> tuple[int, dict[str, Any]]:
    """Issue and sign a certificate (staff of the issuing department with an issuing role, or the system)."""
    certificate = services.certificate_issue(
        actor=request_actor(request),
        certificate_type=payload.certificate_type,
        holder=payload.holder,
        subject=payload.subject,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
    )
    return 201, _certificate_out(certificate)


@router.post(
    "/certificates/{serial}/revoke",
    response=CertificateOut,
    auth=API_AUTH,
    operation_id="certificates_certificate_revoke",
)
def revoke(request: HttpRequest, serial: str, payload: RevokeIn) -> dict[str, Any]:
    """Revoke a certificate (section chief or head of the issuing department): its status bit is set at once."""
    certificate = services.certificate_revoke(
        actor=request_actor(request),
        certificate=selectors.certificate_get(serial=serial),
        reason=payload.reason,
    )
    return _certificate_out(certificate)
