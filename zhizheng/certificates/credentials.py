"""The platform's URLs for issuers, keys and status lists, and the shape of the credentials it signs."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings

from zhizheng.certificates import statuslist
from zhizheng.certificates.checks import VC_CONTEXT

CREDENTIAL_TYPE = "ZhizhengCertificate"
PREFIX = "/certificates/"
KEY_PATH = re.compile(r"^/certificates/issuers/(?P<code>[A-Za-z0-9_-]{1,16})/keys/(?P<number>[0-9]{1,9})$")
STATUS_PATH = re.compile(r"^/certificates/issuers/(?P<code>[A-Za-z0-9_-]{1,16})/status/(?P<number>[0-9]{1,9})$")


def site() -> str:
    return str(settings.ZHIZHENG_SITE_URL).rstrip("/")


def context_url() -> str:
    return f"{site()}{PREFIX}context/v1"


def issuer_url(code: str) -> str:
    return f"{site()}{PREFIX}issuers/{code}"


def key_url(code: str, number: int) -> str:
    return f"{issuer_url(code)}/keys/{number}"


def status_list_url(code: str, number: int) -> str:
    return f"{issuer_url(code)}/status/{number}"


def verify_url(serial: str) -> str:
    return f"{site()}{PREFIX}v/{serial}"


def local_path(url: str) -> str | None:
    """The path of a URL on this platform, or None for a URL elsewhere."""
    base = site()
    if not isinstance(url, str) or not url.startswith(base + "/"):
        return None
    return url[len(base) :].split("#", 1)[0]


def timestamp(value: dt.datetime) -> str:
    """XML Schema dateTimeStamp in UTC, to the second (``2026-06-30T08:00:00Z``)."""
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def credential_document(
    *,
    serial: str,
    type_code: str,
    type_name: str,
    department_code: str,
    department_name: str,
    subject: dict[str, Any],
    valid_from: dt.datetime,
    valid_until: dt.datetime | None,
    status_list_number: int,
    status_index: int,
) -> dict[str, Any]:
    """The unsigned Verifiable Credential (VC Data Model 2.0) of one certificate."""
    list_url = status_list_url(department_code, status_list_number)
    document: dict[str, Any] = {
        "@context": [VC_CONTEXT, context_url()],
        "id": verify_url(serial),
        "type": ["VerifiableCredential", CREDENTIAL_TYPE],
        "name": type_name,
        "certificateType": type_code,
        "serialNumber": serial,
        "issuer": {"id": issuer_url(department_code), "name": department_name},
        "validFrom": timestamp(valid_from),
        "credentialSubject": dict(subject),
        "credentialStatus": {
            "id": f"{list_url}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": list_url,
        },
    }
    if valid_until is not None:
        document["validUntil"] = timestamp(valid_until)
    return document


def status_list_document(*, department_code: str, number: int, bits: bytes, updated_at: dt.datetime) -> dict[str, Any]:
    """The unsigned BitstringStatusListCredential of one list."""
    url = status_list_url(department_code, number)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_url(department_code),
        "validFrom": timestamp(updated_at),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": statuslist.encode(bits),
        },
    }
