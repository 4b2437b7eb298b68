"""Certificates attached to applications instead of uploads (免提交), with the applicant's consent."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhizheng.certificates.models import Certificate
from zhizheng.govservices.models.applications import Application


class CertificateAttachment(models.Model):
    """A certificate the platform holds, attached to an application as one of its materials.

    Written when the application is submitted, only for materials whose certificate the applicant explicitly agreed
    to attach (``consented_at``). ``material_key`` is the form's key (``m3``) and ``material_name`` the material's
    name at the time, so the record stays readable when the catalogue changes. Resubmitting replaces the rows."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="certificate_attachments"
    )
    material_key = models.CharField(_("material key"), max_length=8)
    material_name = models.CharField(_("material name"), max_length=200)
    certificate = models.ForeignKey(
        Certificate, verbose_name=_("certificate"), on_delete=models.PROTECT, related_name="attachments"
    )
    consented_at = models.DateTimeField(_("consent given at"))

    class Meta:
        verbose_name = _("attached certificate")
        verbose_name_plural = _("attached certificates")
        ordering = ["application", "material_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "material_key"], name="govservices_attachment_one_per_material"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.material_key}: {self.certificate_id}"
