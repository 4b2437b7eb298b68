"""The base registries (基础库): population (人口库) and legal persons (法人库). Issue 5 extends them.

Personal fields are read through ``selectors`` with a purpose and come out masked unless the actor and purpose
justify the full value.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhizheng.core.masking import mask_id_number, mask_name
from zhizheng.core.models import TimeStampedModel
from zhizheng.registries.choices import (
    AccessOutcome,
    Frequency,
    HouseholdRelation,
    LegalPersonStatus,
    LegalPersonType,
    MaritalStatus,
    Purpose,
    ResidentStatus,
    Sex,
    SpatialLevel,
)


class Household(TimeStampedModel):
    """A household registration (户): the 户号, its registered address and district. Residents are its members,
    each with a relation to the head (户主)."""

    number = models.CharField(_("household number"), max_length=12, unique=True)
    address = models.CharField(_("household registration address"), max_length=200)
    district_code = models.CharField(_("district division code"), max_length=6, db_index=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number


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
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
    )
    relation_to_head = models.CharField(
        _("relation to the head of household"), max_length=16, choices=HouseholdRelation.choices, blank=True
    )
    died_on = models.DateField(_("date of death"), null=True, blank=True)
    spouse = models.ForeignKey(
        "self", verbose_name=_("spouse"), on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )

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
    """One read (or refused read) of personal data: who, which record, which fields, why, whether unmasked, when.
    Append-only; auditors review it. ``subject_id`` is None when a refused read named no existing record."""

    actor_ref = models.CharField(_("actor"), max_length=64, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=32, db_index=True, choices=Purpose.choices, blank=True)
    subject_kind = models.CharField(_("subject kind"), max_length=16)
    subject_id = models.BigIntegerField(_("subject record"), null=True, blank=True)
    fields = models.JSONField(_("fields read"), default=list, blank=True)
    unmasked = models.BooleanField(_("unmasked"), default=False)
    outcome = models.CharField(_("outcome"), max_length=8, choices=AccessOutcome.choices, default=AccessOutcome.GRANTED)
    via = models.CharField(_("read through"), max_length=64, blank=True)
    accessed_at = models.DateTimeField(_("accessed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("registry access")
        verbose_name_plural = _("registry accesses")
        ordering = ["-accessed_at", "-id"]
        indexes = [models.Index(fields=["subject_kind", "subject_id"], name="registries_access_subject")]

    def __str__(self) -> str:
        return f"{self.actor_ref} {self.purpose} {self.subject_kind} {self.outcome}"


class RecordChange(models.Model):
    """The history of the registries: one change of one record, by whom, through which service, when, and the
    fields changed as ``{field: [old, new]}`` (a creation has old values of None). Append-only."""

    subject_kind = models.CharField(_("subject kind"), max_length=16)
    subject_id = models.BigIntegerField(_("subject record"))
    service = models.CharField(_("service"), max_length=64)
    actor_ref = models.CharField(_("actor"), max_length=64)
    changes = models.JSONField(_("changes"), default=dict)
    ledger_index = models.BigIntegerField(_("ledger entry"), null=True, blank=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("registry record change")
        verbose_name_plural = _("registry record changes")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["subject_kind", "subject_id"], name="registries_change_subject")]

    def __str__(self) -> str:
        return f"{self.subject_kind}:{self.subject_id} {self.service}"


class SpatialUnit(models.Model):
    """A district, street (街道/镇) or grid (网格) of the city with its polygon (GeoJSON geometry, WGS 84 lon/lat)
    and bounding box. Codes nest: district 6 digits, street 9, grid 12."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=8, choices=SpatialLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), on_delete=models.CASCADE, related_name="children", null=True, blank=True
    )
    geometry = models.JSONField(_("geometry (GeoJSON)"))
    min_lon = models.FloatField(_("west bound"))
    min_lat = models.FloatField(_("south bound"))
    max_lon = models.FloatField(_("east bound"))
    max_lat = models.FloatField(_("north bound"))
    area_km2 = models.FloatField(_("area (km²)"), default=0)

    class Meta:
        verbose_name = _("spatial unit")
        verbose_name_plural = _("spatial units")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class EconomicIndicator(models.Model):
    """A macro-economic indicator of the city (GDP, retail sales, CPI ...) with its unit, frequency and source."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    unit = models.CharField(_("unit"), max_length=32)
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices)
    source = models.CharField(_("source"), max_length=128)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("economic indicator")
        verbose_name_plural = _("economic indicators")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class EconomicObservation(models.Model):
    """One value of an indicator for one period (the first day of its month or quarter)."""

    indicator = models.ForeignKey(
        EconomicIndicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="observations"
    )
    period = models.DateField(_("period"))
    value = models.FloatField(_("value"))

    class Meta:
        verbose_name = _("economic observation")
        verbose_name_plural = _("economic observations")
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="registries_observation_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period:%Y-%m} {self.value}"
