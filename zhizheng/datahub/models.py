"""The resource catalogue (GB/T 21063), its published versions, sharing requests, grants and the data-API log."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhizheng.accounts.models import ApiToken, User
from zhizheng.core.models import TimeStampedModel
from zhizheng.datahub.choices import (
    Category,
    DataType,
    Format,
    OpenType,
    RequestStatus,
    ShareType,
    Source,
    Status,
    UpdateCycle,
)
from zhizheng.orgs.models import Department


class Tag(models.Model):
    """A free keyword of open resources (标签), shown as a facet on the portal and as a CKAN tag."""

    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Resource(TimeStampedModel):
    """A government information resource in the catalogue, known by ``code`` = class code "/" sequence number.

    ``class_code`` holds 类/项/目/细目: the category digit, then two digits per level (细目 three)."""

    code = models.CharField(_("resource code"), max_length=32, unique=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    class_code = models.CharField(_("class code"), max_length=16)
    name = models.CharField(_("name"), max_length=200)
    provider = models.ForeignKey(
        Department, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="data_resources"
    )
    summary = models.TextField(_("summary"))
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    share_type = models.CharField(_("share type"), max_length=16, choices=ShareType.choices)
    share_conditions = models.TextField(_("share conditions"), blank=True)
    share_method = models.CharField(_("share method"), max_length=100, blank=True)
    not_shared_basis = models.TextField(_("legal or policy basis for not sharing"), blank=True)
    open_type = models.CharField(_("open type"), max_length=16, choices=OpenType.choices)
    update_cycle = models.CharField(_("update cycle"), max_length=16, choices=UpdateCycle.choices)
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    related_codes = models.JSONField(_("related resource codes"), default=list, blank=True)
    source = models.CharField(_("data source"), max_length=16, choices=Source.choices, blank=True, default="")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("published version"), default=0)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), related_name="resources", blank=True)

    class Meta:
        verbose_name = _("information resource")
        verbose_name_plural = _("information resources")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def provider_code(self) -> str:
        return self.provider.code

    @property
    def slug(self) -> str:
        """The public name in the portal's URLs and in CKAN: the code with "-" for "/" (``10301-000001``)."""
        return self.code.replace("/", "-")


class InfoItem(models.Model):
    """An information item (信息项) of a resource: a field with its GB/T 21063 data type."""

    resource = models.ForeignKey(Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"))
    key = models.CharField(_("field key"), max_length=64)
    name = models.CharField(_("name"), max_length=100)
    data_type = models.CharField(_("data type"), max_length=1, choices=DataType.choices)
    personal = models.BooleanField(_("personal data (masked when shared)"), default=False)

    class Meta:
        verbose_name = _("information item")
        verbose_name_plural = _("information items")
        ordering = ["resource", "position"]
        constraints = [models.UniqueConstraint(fields=["resource", "key"], name="datahub_item_key_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.data_type})"


class ResourceVersion(models.Model):
    """A published state of a resource (one row per publication), frozen as JSON."""

    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("snapshot"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.CharField(_("published by"), max_length=64)

    class Meta:
        verbose_name = _("resource version")
        verbose_name_plural = _("resource versions")
        ordering = ["resource", "-number"]
        constraints = [models.UniqueConstraint(fields=["resource", "number"], name="datahub_version_unique")]

    def __str__(self) -> str:
        return f"{self.resource_id} v{self.number}"


class ShareRequest(TimeStampedModel):
    """A department's request to use a resource: purpose, fields, legal basis and period."""

    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="requests"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("requesting department"), on_delete=models.PROTECT, related_name="data_requests"
    )
    requested_by = models.CharField(_("requested by"), max_length=64)
    purpose = models.TextField(_("purpose"))
    fields = models.JSONField(_("fields"), default=list)
    legal_basis = models.TextField(_("legal basis"))
    period_days = models.PositiveIntegerField(_("period (days)"))
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices)
    due_on = models.DateField(_("answer due on"), null=True, blank=True)
    warned_at = models.DateTimeField(_("deadline warning at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=64, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("sharing request")
        verbose_name_plural = _("sharing requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.department_id} → {self.resource_id} ({self.status})"


class Grant(TimeStampedModel):
    """A scoped credential for the data API: resource, fields, row filter, rate limit and expiry. Only the key's
    SHA-256 is stored; the plain key (``dh_<prefix>_<secret>``) is shown once."""

    request = models.OneToOneField(
        ShareRequest, verbose_name=_("request"), on_delete=models.PROTECT, related_name="grant"
    )
    resource = models.ForeignKey(Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="grants")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="data_grants"
    )
    fields = models.JSONField(_("fields"), default=list)
    row_filter = models.JSONField(_("row filter"), default=dict, blank=True)
    rate_limit = models.PositiveIntegerField(_("calls per minute"), default=60)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    prefix = models.CharField(_("key prefix"), max_length=16, unique=True)
    key_hash = models.CharField(_("SHA-256 of the key"), max_length=64)

    class Meta:
        verbose_name = _("data grant")
        verbose_name_plural = _("data grants")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"grant {self.pk} dh_{self.prefix}_…"

    def is_usable(self, at: datetime | None = None) -> bool:
        now = at or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class DataAccess(models.Model):
    """One call of the data API: who, which resource and fields, how many rows, for what purpose, and the outcome."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), null=True, blank=True, on_delete=models.PROTECT, related_name="accesses"
    )
    caller = models.CharField(_("caller"), max_length=64)
    resource_code = models.CharField(_("resource code"), max_length=32, db_index=True)
    fields = models.JSONField(_("fields"), default=list)
    rows = models.PositiveIntegerField(_("rows returned"), default=0)
    purpose = models.TextField(_("purpose"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=40)

    class Meta:
        verbose_name = _("data access")
        verbose_name_plural = _("data accesses")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.caller} {self.resource_code} {self.outcome}"


class OpenApp(TimeStampedModel):
    """A third party's application registered on the open-data portal (政府即平台). Its key is an
    ``accounts.ApiToken`` of the owner with the scope ``datahub.open``: shown once, only the SHA-256 stored,
    revoked with the app."""

    owner = models.ForeignKey(User, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="open_apps")
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("website"), blank=True)
    token = models.OneToOneField(ApiToken, verbose_name=_("API key"), on_delete=models.PROTECT, related_name="open_app")
    rate_limit = models.PositiveIntegerField(_("calls per minute"), default=120)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("open-data application")
        verbose_name_plural = _("open-data applications")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class AppUsage(models.Model):
    """Calls of an app on one day, per resource code (empty for calls about no single resource)."""

    app = models.ForeignKey(OpenApp, verbose_name=_("application"), on_delete=models.CASCADE, related_name="usage")
    used_on = models.DateField(_("day"))
    resource_code = models.CharField(_("resource code"), max_length=32, blank=True)
    calls = models.PositiveIntegerField(_("calls"), default=0)

    class Meta:
        verbose_name = _("application usage")
        verbose_name_plural = _("application usage")
        ordering = ["app", "-used_on", "resource_code"]
        constraints = [
            models.UniqueConstraint(fields=["app", "used_on", "resource_code"], name="datahub_app_usage_unique")
        ]

    def __str__(self) -> str:
        return f"{self.app_id} {self.used_on} {self.resource_code or '-'} {self.calls}"
