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
