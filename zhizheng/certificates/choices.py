"""Choices of the certificates app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class HolderKind(models.TextChoices):
    """Who a certificate type is issued to (the data's 自然人 / 法人 / 自然人或法人)."""

    PERSON = "person", _("Natural person")
    LEGAL_PERSON = "legal_person", _("Legal person")
    EITHER = "either", _("Natural or legal person")


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Superseded")


class RevocationReason(models.TextChoices):
    """Why an issuer withdrew a certificate."""

    ISSUED_IN_ERROR = "issued_in_error", _("Issued in error")
    HOLDER_REQUEST = "holder_request", _("At the holder's request")
    LOST = "lost", _("Reported lost or stolen")
    PERMIT_WITHDRAWN = "permit_withdrawn", _("Permit withdrawn by the authority")
    HOLDER_DECEASED = "holder_deceased", _("Holder deceased or deregistered")
    SUPERSEDED = "superseded", _("Replaced by a newer certificate")


CHECK_LABELS = {
    "structure": _("Format"),
    "key": _("Issuer's key"),
    "signature": _("Signature"),
    "status": _("Revocation status"),
    "validity": _("Validity period"),
}
"""What each verification check is called on pages (the API keeps the stable English ``name``)."""

CHECK_MESSAGES = {
    "structure.ok": _("The credential is a well-formed Verifiable Credential."),
    "structure.invalid": _("The credential is malformed: %(reason)s."),
    "key.ok": _("Signed with the issuer's published key %(method)s."),
    "key.unknown": _("The signing key %(method)s is not a published key of the issuer: %(reason)s."),
    "key.wrong_controller": _("The key %(method)s belongs to %(controller)s, not to the issuer %(issuer)s."),
    "signature.ok": _("The signature matches the credential's content."),
    "signature.invalid": _("The signature does not match: the credential was altered or signed by another key."),
    "signature.malformed": _("The proof cannot be read: %(reason)s."),
    "signature.not_checked": _("The signature was not checked because the key is unknown."),
    "status.ok": _("Not revoked (status list %(list)s, entry %(index)s)."),
    "status.none": _("The credential has no status entry."),
    "status.revoked": _("Revoked by the issuer (status list %(list)s, entry %(index)s)."),
    "status.unavailable": _("The revocation status cannot be checked: %(reason)s."),
    "validity.ok": _("Within its validity period."),
    "validity.expired": _("Expired on %(until)s."),
    "validity.not_yet_valid": _("Not valid before %(since)s."),
}
"""The translated form of ``checks.MESSAGES`` (same codes and parameters; a test keeps the two in step)."""
