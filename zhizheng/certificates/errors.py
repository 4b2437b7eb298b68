"""Domain errors of the certificates app (stable codes, translated messages)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhizheng.core.errors import BadRequest, Conflict, DomainError, NotFound, ServiceUnavailable, ValidationFailed


class CertificateTypeUnknown(NotFound):
    code = "certificates.type_unknown"
    message = _("There is no certificate type %(code)s.")


class HolderUnknown(ValidationFailed):
    code = "certificates.holder_unknown"
    message = _("%(holder)s is neither a resident nor a legal person in the registries.")


class HolderKindMismatch(ValidationFailed):
    code = "certificates.holder_kind_mismatch"
    message = _("A %(type)s cannot be issued to this holder (it is for: %(kind)s).")


class SubjectInvalid(ValidationFailed):
    code = "certificates.subject_invalid"
    message = _("The certificate data do not match the fields of its type.")


class ValidityInvalid(ValidationFailed):
    code = "certificates.validity_invalid"
    message = _("The end of validity must come after its start.")


class NotIssuingDepartment(ValidationFailed):
    code = "certificates.not_issuing_department"
    message = _("%(department)s does not issue %(type)s.")


class CertificateNotValid(Conflict):
    code = "certificates.not_valid"
    message = _("Certificate %(serial)s is %(status)s; only a valid certificate can be changed.")


class IssuerKeyUnusable(ServiceUnavailable):
    code = "certificates.issuer_key_unusable"
    message = _("The signing key %(number)s of %(department)s cannot be decrypted; check the key-encryption key.")


class CredentialMalformed(BadRequest):
    code = "certificates.credential_malformed"
    message = _("The credential cannot be read: %(reason)s")


class ShareLinkInvalid(ValidationFailed):
    code = "certificates.share_link_invalid"
    message = _("Choose at least one field of this certificate and a lifetime between 1 hour and 30 days.")


class ImportFileInvalid(ValidationFailed):
    code = "certificates.import_invalid"
    message = _("Line %(line)s of the import file: %(reason)s")


class ShareLinkExpired(DomainError):
    code = "certificates.share_link_expired"
    status = 410
    title = _("Link expired")
    message = _("This share link has expired. Ask the holder for a new one.")
