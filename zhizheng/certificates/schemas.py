"""django-ninja schemas of the certificates API."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class CheckOut(Schema):
    name: str
    ok: bool
    code: str
    detail: str


class VerificationOut(Schema):
    valid: bool
    verdict: str
    checks: list[CheckOut]


class CertificateTypeOut(Schema):
    code: str
    name: str
    issuing_department: str
    holder_kind: str
    validity_years: int | None
    fields: list[dict[str, str]]


class CertificateTypeList(Schema):
    count: int
    items: list[CertificateTypeOut]


class WalletItemOut(Schema):
    serial: str
    type_code: str
    type_name: str
    issuing_department: str
    status: str
    valid_from: dt.datetime
    valid_until: dt.datetime | None


class WalletList(Schema):
    count: int
    items: list[WalletItemOut]


class IssueIn(Schema):
    certificate_type: str
    holder: str
    subject: dict[str, str | int]
    valid_from: dt.datetime | None = None
    valid_until: dt.datetime | None = None


class RevokeIn(Schema):
    reason: str


class CertificateOut(Schema):
    serial: str
    type_code: str
    holder: str
    issuing_department: str
    status: str
    credential: dict[str, object]
