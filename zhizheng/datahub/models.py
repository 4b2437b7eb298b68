"""The resource catalogue (GB/T 21063), its published versions, sharing requests, grants and the data-API log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.apps.registry import Apps
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhizheng.accounts.models import ApiToken, User
from zhizheng.core.models import TimeStampedModel
from zhizheng.datahub.choices import (
    Category,
    DataType,
    FileFormat,
    Format,
    ImportStatus,
    OpenType,
    QualityTrigger,
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

    app = models.ForeignKey(
        OpenApp, verbose_name=_("open-data application"), on_delete=models.CASCADE, related_name="usage"
    )
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


# --- Datastore: uploaded tables (docs/adr/0003-datahub-datastore-tables.md) -------------------------------

ROW_ID = "_id"
"""The primary key of every datastore table: the row's position in import order (CKAN's ``_id``)."""

UPLOADABLE_TYPES = ("C", "M", "N", "F", "Y", "I", "D", "T", "L")
"""GB/T 21063 data types an uploaded column may have (G general and B binary have no table form)."""


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One column of a datastore table: identifier, Chinese label, GB/T 21063 type, nullability, index, masking."""

    name: str
    label: str
    data_type: str
    nullable: bool = True
    indexed: bool = False
    mask: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "label": self.label,
            "data_type": self.data_type,
            "nullable": self.nullable,
            "indexed": self.indexed,
            "mask": self.mask,
        }


def _column_field(spec: ColumnSpec) -> models.Field:  # type: ignore[type-arg]
    options: dict[str, object] = {"null": spec.nullable, "db_index": False, "verbose_name": spec.label}
    kind = spec.data_type
    if kind in ("C", "M"):
        return models.TextField(**options)  # type: ignore[arg-type]
    if kind in ("N", "F"):
        return models.FloatField(**options)  # type: ignore[arg-type]
    if kind == "Y":
        return models.DecimalField(max_digits=20, decimal_places=2, **options)  # type: ignore[arg-type]
    if kind == "I":
        return models.IntegerField(**options)  # type: ignore[arg-type]
    if kind == "D":
        return models.DateField(**options)  # type: ignore[arg-type]
    if kind == "T":
        return models.DateTimeField(**options)  # type: ignore[arg-type]
    if kind == "L":
        return models.BooleanField(**options)  # type: ignore[arg-type]
    raise ValueError(f"data type {kind!r} cannot back a table column")


@lru_cache(maxsize=256)
def row_model(table_name: str, columns: tuple[ColumnSpec, ...]) -> type[models.Model]:
    """An unmanaged model over one datastore table, so that filters, sorting and paging go through the ORM on any
    database. Each model lives in its own app registry: tables come and go at run time and must never appear in
    migrations or in the project's registry."""
    attrs: dict[str, object] = {
        "__module__": __name__,
        ROW_ID: models.BigAutoField(primary_key=True, db_column=ROW_ID),
        "Meta": type(
            "Meta",
            (),
            {"app_label": "datahub_rows", "db_table": table_name, "managed": False, "apps": Apps(), "ordering": []},
        ),
    }
    for spec in columns:
        attrs[spec.name] = _column_field(spec)
    name = "Row_" + "".join(c if c.isalnum() else "_" for c in table_name)
    return type(name, (models.Model,), attrs)


class DatastoreTable(models.Model):
    """The database table that holds an uploaded resource's rows (one real table per resource, ``dh_t_<id>``)."""

    resource = models.OneToOneField(
        Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="datastore"
    )
    table_name = models.CharField(_("table name"), max_length=63, unique=True)
    columns = models.JSONField(_("columns"), default=list)
    row_count = models.PositiveBigIntegerField(_("rows"), default=0)
    generation = models.PositiveIntegerField(_("imports"), default=0)
    imported_at = models.DateTimeField(_("last imported at"), null=True, blank=True)
    imported_by = models.CharField(_("last imported by"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("datastore table")
        verbose_name_plural = _("datastore tables")
        ordering = ["table_name"]

    def __str__(self) -> str:
        return f"{self.table_name} ({self.row_count})"

    @property
    def specs(self) -> tuple[ColumnSpec, ...]:
        return tuple(ColumnSpec(**column) for column in self.columns)

    def row_model(self) -> type[models.Model]:
        return row_model(self.table_name, self.specs)


class ImportJob(TimeStampedModel):
    """An upload of a CSV or XLSX file into a resource's table: detected encoding, the inferred schema the officer
    reviews, progress while a worker streams the file, and the decision when some rows failed."""

    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="import_jobs"
    )
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.REVIEW)
    file = models.FileField(_("file"), upload_to="datahub/imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("file format"), max_length=8, choices=FileFormat.choices)
    encoding = models.CharField(_("encoding"), max_length=32, blank=True)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    headers = models.JSONField(_("headers in the file"), default=list)
    columns = models.JSONField(_("schema"), default=list)
    rows_estimated = models.PositiveBigIntegerField(_("rows (estimate)"), default=0)
    rows_read = models.PositiveBigIntegerField(_("rows read"), default=0)
    rows_ok = models.PositiveBigIntegerField(_("rows that passed"), default=0)
    rows_bad = models.PositiveBigIntegerField(_("rows with problems"), default=0)
    created_by = models.CharField(_("uploaded by"), max_length=64)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    failure = models.TextField(_("failure"), blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import {self.pk} {self.original_name} ({self.status})"

    @property
    def staging_table(self) -> str:
        return f"dh_stage_{self.pk}"

    @property
    def progress(self) -> int:
        """Percent of the estimated rows read (100 once finished)."""
        if self.status in (ImportStatus.DONE, ImportStatus.DECISION, ImportStatus.DISCARDED):
            return 100
        if not self.rows_estimated:
            return 0
        return min(99, int(100 * self.rows_read / self.rows_estimated))


class ImportProblem(models.Model):
    """One problem in an uploaded file: the line, the column, a stable code, its parameters and the value."""

    job = models.ForeignKey(ImportJob, verbose_name=_("import job"), on_delete=models.CASCADE, related_name="problems")
    line = models.PositiveBigIntegerField(_("line"))
    column = models.CharField(_("column"), max_length=64, blank=True)
    code = models.CharField(_("problem"), max_length=40)
    params = models.JSONField(_("details"), default=dict, blank=True)
    value = models.CharField(_("value"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("import problem")
        verbose_name_plural = _("import problems")
        ordering = ["job", "line", "id"]
        indexes = [models.Index(fields=["job", "line"], name="datahub_problem_job_line")]

    def __str__(self) -> str:
        return f"line {self.line} {self.column} {self.code}"


# --- Quality ------------------------------------------------------------------------------------------------------


class QualityRuleSet(TimeStampedModel):
    """The quality rules of one resource as a validated JSON list (``services.quality.RULES_SCHEMA``)."""

    resource = models.OneToOneField(
        Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="quality_rules"
    )
    rules = models.JSONField(_("rules"), default=list)
    updated_by = models.CharField(_("updated by"), max_length=64)

    class Meta:
        verbose_name = _("quality rule set")
        verbose_name_plural = _("quality rule sets")
        ordering = ["resource"]

    def __str__(self) -> str:
        return f"{self.resource_id}: {len(self.rules)} rules"


class QualityRun(models.Model):
    """One run of a resource's quality rules: rows checked, failures per rule and the score (0–100)."""

    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="quality_runs"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    trigger = models.CharField(_("trigger"), max_length=16, choices=QualityTrigger.choices)
    rows = models.PositiveBigIntegerField(_("rows checked"), default=0)
    score = models.FloatField(_("score"))
    results = models.JSONField(_("results"), default=list)

    class Meta:
        verbose_name = _("quality run")
        verbose_name_plural = _("quality runs")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["resource", "-at"], name="datahub_quality_latest")]

    def __str__(self) -> str:
        return f"{self.resource_id} {self.score:.1f}"


# --- The access log sealed in the ledger ----------------------------------------------------------------------------


class AccessLogSeal(models.Model):
    """The RFC 9162 Merkle root of one day's ``DataAccess`` rows (canonical JSON, id order), recorded in the ledger
    so that the log cannot be edited quietly afterwards."""

    day = models.DateField(_("day"), unique=True)
    entries = models.PositiveIntegerField(_("entries"))
    first_id = models.PositiveBigIntegerField(_("first entry id"), null=True, blank=True)
    last_id = models.PositiveBigIntegerField(_("last entry id"), null=True, blank=True)
    root = models.CharField(_("Merkle root (hex)"), max_length=64)
    leaves = models.BinaryField(_("entry ids and leaf hashes"), default=b"")
    ledger_index = models.PositiveBigIntegerField(_("ledger entry"), null=True, blank=True)
    sealed_at = models.DateTimeField(_("sealed at"), default=timezone.now)

    class Meta:
        verbose_name = _("access-log seal")
        verbose_name_plural = _("access-log seals")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day} {self.root[:12]}…"
