"""Electronic certificates (电子证照): types, issued certificates, the issuers' signing keys and status lists.

The signed credential (a W3C Verifiable Credential with an eddsa-jcs-2022 proof) is stored as issued; the row's
other columns index it for the wallet, the registers and revocation. Private keys are kept encrypted (see
``keys.py`` and docs/certificates.md).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhizheng.certificates.choices import CertificateStatus, HolderKind, RevocationReason
from zhizheng.core.masking import mask_id_number, mask_uscc
from zhizheng.core.models import TimeStampedModel
from zhizheng.orgs.models import Department
from zhizheng.registries.models import LegalPerson, Resident


class CertificateType(TimeStampedModel):
    """A kind of certificate (居民身份证, 营业执照 …) with the data fields its credential carries."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    issuing_department = models.ForeignKey(
        Department, verbose_name=_("issuing department"), on_delete=models.PROTECT, related_name="certificate_types"
    )
    holder_kind = models.CharField(_("holder kind"), max_length=16, choices=HolderKind.choices)
    validity_years = models.PositiveSmallIntegerField(_("validity in years"), null=True, blank=True)
    fields = models.JSONField(_("data fields"), default=list, help_text=_("A list of {key, label}."))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("certificate type")
        verbose_name_plural = _("certificate types")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def field_keys(self) -> list[str]:
        return [str(f["key"]) for f in self.fields]


class IssuerKey(models.Model):
    """One Ed25519 key of an issuing department. One key is active at a time; retired keys stay published so
    that certificates they signed keep verifying. The private key is stored encrypted (AES-256-GCM)."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="issuer_keys"
    )
    number = models.PositiveIntegerField(_("key number"))
    algorithm = models.CharField(_("algorithm"), max_length=16, default="Ed25519")
    public_key_multibase = models.CharField(_("public key (multibase)"), max_length=64, unique=True)
    private_key_encrypted = models.BinaryField(_("private key (encrypted)"))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("issuer key")
        verbose_name_plural = _("issuer keys")
        ordering = ["department__code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["department", "number"], name="certificates_issuerkey_number"),
            models.UniqueConstraint(
                fields=["department"], condition=models.Q(active=True), name="certificates_issuerkey_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department.code} key {self.number}"


class StatusList(models.Model):
    """A revocation bitstring of one issuer (W3C Bitstring Status List); certificates take the next free index."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="status_lists"
    )
    number = models.PositiveIntegerField(_("list number"))
    size = models.PositiveIntegerField(_("entries"))
    next_index = models.PositiveIntegerField(_("next free index"), default=0)
    bits = models.BinaryField(_("bitstring"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")
        ordering = ["department__code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["department", "number"], name="certificates_statuslist_number"),
        ]

    def __str__(self) -> str:
        return f"{self.department.code} status list {self.number}"


class Certificate(TimeStampedModel):
    """One issued certificate: who holds it, who issued it, its data and the signed credential."""

    serial = models.CharField(_("serial number"), max_length=40, unique=True)
    type = models.ForeignKey(
        CertificateType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="certificates"
    )
    holder_kind = models.CharField(_("holder kind"), max_length=16, choices=HolderKind.choices)
    holder_identifier = models.CharField(
        _("holder ID number or USCC"), max_length=18, db_index=True, help_text=_("公民身份号码 or 统一社会信用代码.")
    )
    holder_resident = models.ForeignKey(
        Resident,
        verbose_name=_("holder (resident)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    holder_legal_person = models.ForeignKey(
        LegalPerson,
        verbose_name=_("holder (legal person)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    issuing_department = models.ForeignKey(
        Department, verbose_name=_("issuing department"), on_delete=models.PROTECT, related_name="certificates"
    )
    subject = models.JSONField(_("subject data"), default=dict)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    status_list = models.ForeignKey(
        StatusList, verbose_name=_("status list"), on_delete=models.PROTECT, related_name="certificates"
    )
    status_index = models.PositiveIntegerField(_("status list index"))
    issuer_key = models.ForeignKey(
        IssuerKey, verbose_name=_("signing key"), on_delete=models.PROTECT, related_name="certificates"
    )
    credential = models.JSONField(_("signed credential"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(
        _("revocation reason"), max_length=32, choices=RevocationReason.choices, blank=True
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-created_at", "serial"]
        constraints = [
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="certificates_certificate_status_slot"
            ),
            models.CheckConstraint(
                condition=models.Q(holder_resident__isnull=True) | models.Q(holder_legal_person__isnull=True),
                name="certificates_certificate_one_holder",
            ),
        ]
        indexes = [models.Index(fields=["holder_identifier", "type"], name="certificates_holder_type")]

    def __str__(self) -> str:
        return f"{self.serial} {self.type.name} {self.holder_masked}"

    @property
    def holder_masked(self) -> str:
        """The holder's ID number or USCC masked the way the registries mask each (an enterprise's USCC keeps its
        public authority, type and division)."""
        if self.holder_kind == HolderKind.LEGAL_PERSON:
            return mask_uscc(self.holder_identifier)
        return mask_id_number(self.holder_identifier)


class ShareLink(models.Model):
    """A time-limited link a holder gives a third party: it verifies the certificate and shows chosen fields."""

    certificate = models.ForeignKey(
        Certificate, verbose_name=_("certificate"), on_delete=models.CASCADE, related_name="share_links"
    )
    token_hash = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True)
    fields = models.JSONField(_("disclosed fields"), default=list)
    created_by_user_id = models.BigIntegerField(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("share link")
        verbose_name_plural = _("share links")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.certificate.serial} → {self.token_hash[:8]}"


class ExpiryReminder(models.Model):
    """That the holder of ``certificate`` was told it expires soon, at one stage (90 or 30 days before): the proactive
    service's record, so that nobody is told twice for the same reason. Only written when someone was notified."""

    certificate = models.ForeignKey(
        Certificate, verbose_name=_("certificate"), on_delete=models.CASCADE, related_name="expiry_reminders"
    )
    stage_days = models.PositiveSmallIntegerField(_("days before expiry"))
    days_left = models.PositiveSmallIntegerField(_("days left when sent"))
    recipients = models.PositiveSmallIntegerField(_("people notified"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("expiry reminder")
        verbose_name_plural = _("expiry reminders")
        ordering = ["-sent_at", "certificate_id"]
        constraints = [
            models.UniqueConstraint(fields=["certificate", "stage_days"], name="certificates_reminder_once_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id} -{self.stage_days}d"
