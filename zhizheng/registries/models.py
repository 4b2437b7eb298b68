"""The base registries (基础库): population (人口库) and legal persons (法人库). Issue 5 extends them.

Personal fields are read through ``selectors`` with a purpose and come out masked unless the actor and purpose
justify the full value.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhizheng.core.masking import mask_id_number, mask_name
from zhizheng.core.models import TimeStampedModel
from zhizheng.registries.choices import LegalPersonStatus, LegalPersonType, MaritalStatus, ResidentStatus, Sex


class Resident(TimeStampedModel):
    """A person in the population registry, keyed by the 公民身份号码. Sex and birth date agree with the number."""

    id_number = models.CharField(_("citizen ID number"), max_length=18, unique=True)
    name = models.CharField(_("full name"), max_length=64)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    birth_on = models.DateField(_("date of birth"))
    nationality = models.CharField(_("nationality"), max_length=32, default="中国")
    ethnicity = models.CharField(_("ethnicity"), max_length=16, default="汉族")
    household_address = models.CharField(_("household registration address"), max_length=200)
    district_code = models.CharField(_("district division code"), max_length=6, db_index=True)
    marital_status = models.CharField(
        _("marital status"), max_length=16, choices=MaritalStatus.choices, default=MaritalStatus.UNMARRIED
    )
    status = models.CharField(_("status"), max_length=16, choices=ResidentStatus.choices, default=ResidentStatus.ALIVE)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["id_number"]

    def __str__(self) -> str:
        # Masked on purpose: model strings end up in logs and admin breadcrumbs.
        return f"{mask_name(self.name)} {mask_id_number(self.id_number)}"


class LegalPerson(TimeStampedModel):
    """An enterprise or other legal person in the legal-person registry, keyed by the 统一社会信用代码."""

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=128, db_index=True)
    type = models.CharField(_("type"), max_length=32, choices=LegalPersonType.choices)
    legal_representative = models.ForeignKey(
        Resident,
        verbose_name=_("legal representative"),
        on_delete=models.PROTECT,
        related_name="represented_legal_persons",
    )
    registered_capital_fen = models.BigIntegerField(_("registered capital (fen)"), default=0)
    business_scope = models.TextField(_("business scope"), blank=True)
    address = models.CharField(_("address"), max_length=200)
    district_code = models.CharField(_("district division code"), max_length=6, db_index=True)
    established_on = models.DateField(_("established on"))
    status = models.CharField(
        _("status"), max_length=16, choices=LegalPersonStatus.choices, default=LegalPersonStatus.ACTIVE
    )

    class Meta:
        verbose_name = _("legal person")
        verbose_name_plural = _("legal persons")
        ordering = ["uscc"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(registered_capital_fen__gte=0), name="registries_legalperson_capital_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.uscc})"


class RegistryAccess(models.Model):
    """One read of personal data in full (unmasked): who, why and what. Append-only; auditors review it."""

    actor_ref = models.CharField(_("actor"), max_length=64)
    purpose = models.CharField(_("purpose"), max_length=32)
    subject_kind = models.CharField(_("subject kind"), max_length=16)
    subject_id = models.BigIntegerField(_("subject record"))
    accessed_at = models.DateTimeField(_("accessed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("registry access")
        verbose_name_plural = _("registry accesses")
        ordering = ["-accessed_at"]

    def __str__(self) -> str:
        return f"{self.actor_ref} {self.purpose} {self.subject_kind}"
