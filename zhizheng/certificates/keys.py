"""The issuers' private keys at rest: AES-256-GCM under a key-encryption key (KEK) that is not in the database.

The KEK is ``settings.CERTIFICATES_KEY_ENCRYPTION_KEY`` (base64 of 32 bytes, from the environment or a secrets
manager); when it is empty, one is derived from ``SECRET_KEY`` with HKDF-SHA256, so a stolen database dump alone
never yields a signing key. The associated data binds each ciphertext to its department and key number, so a
ciphertext copied onto another key row does not decrypt. An HSM would replace :func:`signer_for` only.
"""

from __future__ import annotations

import base64
import binascii
import functools
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from zhizheng.certificates import credentials, dataintegrity
from zhizheng.certificates.errors import IssuerKeyUnusable
from zhizheng.certificates.models import IssuerKey

NONCE_SIZE = 12


def _kek() -> bytes:
    configured = (settings.CERTIFICATES_KEY_ENCRYPTION_KEY or "").strip()
    if configured:
        try:
            key = base64.b64decode(configured, validate=True)
        except binascii.Error as exc:
            raise ImproperlyConfigured("CERTIFICATES_KEY_ENCRYPTION_KEY is not base64") from exc
        if len(key) != 32:
            raise ImproperlyConfigured("CERTIFICATES_KEY_ENCRYPTION_KEY must hold 32 bytes")
        return key
    if not settings.SECRET_KEY:
        raise ImproperlyConfigured("Set CERTIFICATES_KEY_ENCRYPTION_KEY or SECRET_KEY to protect issuer keys")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"zhizheng.certificates.issuer-key.v1")
    return hkdf.derive(settings.SECRET_KEY.encode("utf-8"))


def _aad(department_code: str, number: int) -> bytes:
    return f"zhizheng-issuer-key|{department_code}|{number}".encode()


def encrypt_private_key(private_key: Ed25519PrivateKey, *, department_code: str, number: int) -> bytes:
    raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    nonce = os.urandom(NONCE_SIZE)
    return nonce + AESGCM(_kek()).encrypt(nonce, raw, _aad(department_code, number))


@functools.lru_cache(maxsize=256)
def decrypt_private_key(blob: bytes, department_code: str, number: int) -> Ed25519PrivateKey:
    """The private key of one key row (cached per process: decrypting is cheap, but signing thousands is not)."""
    try:
        raw = AESGCM(_kek()).decrypt(blob[:NONCE_SIZE], blob[NONCE_SIZE:], _aad(department_code, number))
    except (InvalidTag, ValueError) as exc:
        raise IssuerKeyUnusable(params={"department": department_code, "number": number}) from exc
    return Ed25519PrivateKey.from_private_bytes(raw)


def signer_for(key: IssuerKey) -> dataintegrity.Ed25519Signer:
    """A signer for one issuer key (its department must be loaded, e.g. with ``select_related``)."""
    code = key.department.code
    private_key = decrypt_private_key(bytes(key.private_key_encrypted), code, key.number)
    return dataintegrity.Ed25519Signer(private_key, credentials.key_url(code, key.number))
