"""The service catalogue (政务服务事项): items with their materials, themes and life events (一件事), plus what
service search keeps in the database (click counts and the catalogue revision that tells workers to re-index)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhizheng.core.models import TimeStampedModel
from zhizheng.govservices.choices import (
    Audience,
    ItemType,
    MaterialForm,
    MaterialSource,
    OnlineLevel,
    ProcessingKind,
)
from zhizheng.orgs.models import Department

ITEM_CODE = RegexValidator(r"^SFS-\d{4}$", _("A service item code looks like SFS-0001."))
LIFE_EVENT_CODE = RegexValidator(r"^LE-\d{2}$", _("A life event code looks like LE-01."))
CERTIFICATE_TYPE_CODE = RegexValidator(r"^CT-[A-Z0-9]{2,12}$", _("A certificate type code looks like CT-YYZZ."))


def _validate_text_list(value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValidationError(_('Enter a list of non-empty texts, for example ["受理", "审核"].'))


class Theme(models.Model):
    """A topic under which the portal lists items (主题), separately for individuals and for businesses."""

    audience = models.CharField(_("audience"), max_length=8, choices=Audience.choices)
    name = models.CharField(_("theme name"), max_length=32)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["audience", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["audience", "name"], name="govservices_theme_unique_name")]

    def __str__(self) -> str:
        return f"{self.get_audience_display()} · {self.name}"


class ServiceItem(TimeStampedModel):
    """One service item of the catalogue (实施清单事项) and everything its guide (办事指南) shows.

    Time limits are in working days. Only ``published`` items appear on the portal, in the API and in search."""

    code = models.CharField(_("item code"), max_length=16, unique=True, validators=[ITEM_CODE])
    name = models.CharField(_("item name"), max_length=100)
    item_type = models.CharField(_("item type"), max_length=16, choices=ItemType.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="service_items"
    )
    for_individuals = models.BooleanField(_("for individuals"), default=False)
    for_legal_persons = models.BooleanField(_("for businesses and organisations"), default=False)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), related_name="items", blank=True)
    legal_basis = models.JSONField(_("legal basis"), default=list, validators=[_validate_text_list])
    processing_kind = models.CharField(_("processing kind"), max_length=8, choices=ProcessingKind.choices)
    statutory_days = models.PositiveSmallIntegerField(_("statutory time limit (working days)"))
    promised_days = models.PositiveSmallIntegerField(_("promised time limit (working days)"))
    max_visits = models.PositiveSmallIntegerField(_("visits needed at most"))
    online_level = models.PositiveSmallIntegerField(_("online level"), choices=OnlineLevel.choices)
    fee_charged = models.BooleanField(_("fee charged"), default=False)
    fee_standard = models.TextField(_("fee standard"), blank=True)
    fee_basis = models.TextField(_("legal basis of the fee"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True, validators=[_validate_text_list])
    description = models.TextField(_("description"), blank=True)
    steps = models.JSONField(_("steps"), default=list, validators=[_validate_text_list])
    result_name = models.CharField(_("result"), max_length=100, blank=True)
    result_certificate_type = models.CharField(
        _("result certificate type"), max_length=16, blank=True, validators=[CERTIFICATE_TYPE_CODE]
    )
    hall_address = models.CharField(_("service hall address"), max_length=200, blank=True)
    hall_hours = models.CharField(_("service hall hours"), max_length=200, blank=True)
    published = models.BooleanField(_("published"), default=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(promised_days__lte=models.F("statutory_days")),
                name="govservices_item_promised_within_statutory",
                violation_error_message=_("The promised time limit cannot exceed the statutory one."),
            ),
            models.CheckConstraint(
                condition=models.Q(online_level__gte=1, online_level__lte=4), name="govservices_item_online_level"
            ),
        ]
        indexes = [models.Index(fields=["published", "department"], name="govservices_item_pub_dept")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def audience(self) -> list[str]:
        """The catalogue's audience values (自然人, 法人) this item serves."""
        out = []
        if self.for_individuals:
            out.append(Audience.INDIVIDUAL.value)
        if self.for_legal_persons:
            out.append(Audience.LEGAL_PERSON.value)
        return out

    def clean(self) -> None:
        if not (self.for_individuals or self.for_legal_persons):
            raise ValidationError(_("An item serves individuals, businesses or both: tick at least one."))
        if self.fee_charged and not self.fee_standard.strip():
            raise ValidationError({"fee_standard": _("A charged item states its fee standard.")})


class Material(models.Model):
    """A document an applicant provides for an item (申请材料); ``certificate_type`` names the electronic
    certificate that can stand in for it once the platform holds one for the applicant."""

    item = models.ForeignKey(
        ServiceItem, verbose_name=_("service item"), on_delete=models.CASCADE, related_name="materials"
    )
    name = models.CharField(_("material name"), max_length=200)
    form = models.CharField(_("form"), max_length=8, choices=MaterialForm.choices)
    required = models.BooleanField(_("required"), default=True)
    source = models.CharField(_("source"), max_length=8, choices=MaterialSource.choices)
    certificate_type = models.CharField(
        _("certificate type"), max_length=16, blank=True, validators=[CERTIFICATE_TYPE_CODE]
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["item", "order", "id"]

    def __str__(self) -> str:
        return self.name


class LifeEvent(models.Model):
    """A bundle of items done together for one situation in life (一件事一次办), in ordered stages."""

    code = models.CharField(_("life event code"), max_length=8, unique=True, validators=[LIFE_EVENT_CODE])
    name = models.CharField(_("life event name"), max_length=64)
    for_individuals = models.BooleanField(_("for individuals"), default=False)
    for_legal_persons = models.BooleanField(_("for businesses and organisations"), default=False)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def audience(self) -> list[str]:
        out = []
        if self.for_individuals:
            out.append(Audience.INDIVIDUAL.value)
        if self.for_legal_persons:
            out.append(Audience.LEGAL_PERSON.value)
        return out


class LifeEventStage(models.Model):
    """One stage of a life event: its items start together (in parallel when ``parallel``) after the previous
    stage."""

    event = models.ForeignKey(LifeEvent, verbose_name=_("life event"), on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField(_("order"))
    parallel = models.BooleanField(_("in parallel"), default=True)
    items = models.ManyToManyField(ServiceItem, verbose_name=_("service items"), related_name="life_event_stages")

    class Meta:
        verbose_name = _("life event stage")
        verbose_name_plural = _("life event stages")
        ordering = ["event", "order"]
        constraints = [models.UniqueConstraint(fields=["event", "order"], name="govservices_stage_unique_order")]

    def __str__(self) -> str:
        return f"{self.event.code} · {self.order}"


class ClickCount(models.Model):
    """How often people who searched ``query_norm`` opened ``code``: the search engine's click priors."""

    query_norm = models.CharField(_("normalised query"), max_length=100)
    code = models.CharField(_("code"), max_length=16)
    count = models.PositiveIntegerField(_("clicks"), default=0)

    class Meta:
        verbose_name = _("search click count")
        verbose_name_plural = _("search click counts")
        ordering = ["query_norm", "-count", "code"]
        constraints = [
            models.UniqueConstraint(fields=["query_norm", "code"], name="govservices_click_unique_query_code")
        ]

    def __str__(self) -> str:
        return f"{self.query_norm} → {self.code} ({self.count})"


class CatalogueRevision(models.Model):
    """A single row whose ``number`` grows and whose random ``token`` changes with every catalogue change. Each
    process's search index remembers the token it was built from and rebuilds when the row has moved on (changes
    made by other processes). A random token, unlike the number, never repeats after a database is recreated."""

    number = models.PositiveBigIntegerField(_("revision"), default=0)
    token = models.CharField(_("token"), max_length=32, blank=True, help_text=_("Changes with every revision."))

    class Meta:
        verbose_name = _("catalogue revision")
        verbose_name_plural = _("catalogue revisions")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.number)
