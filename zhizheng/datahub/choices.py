"""Vocabularies of the resource catalogue (GB/T 21063 《政务信息资源目录编制指南》) and of sharing."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """The three top classes of the catalogue; the class code starts with their digit."""

    BASE = "base", _("Base resources (基础)")
    THEME = "theme", _("Thematic resources (主题)")
    DEPARTMENT = "department", _("Department resources (部门)")


CATEGORY_DIGIT = {Category.BASE: "1", Category.THEME: "2", Category.DEPARTMENT: "3"}


class Format(models.TextChoices):
    FILE = "file", _("Electronic file")
    SPREADSHEET = "spreadsheet", _("Spreadsheet")
    DATABASE = "database", _("Database")
    IMAGE = "image", _("Graphics and images")
    STREAM = "stream", _("Streaming media")
    SELF_DESCRIBING = "self_describing", _("Self-describing format")
    SERVICE = "service", _("Service interface")


class DataType(models.TextChoices):
    """Data types of information items (GB/T 21063.3)."""

    C = "C", _("Character")
    N = "N", _("Number")
    Y = "Y", _("Currency")
    D = "D", _("Date")
    T = "T", _("Date and time")
    L = "L", _("Logical")
    M = "M", _("Memo")
    G = "G", _("General")
    B = "B", _("Binary")
    I = "I", _("Integer")  # noqa: E741
    F = "F", _("Floating point")


class ShareType(models.TextChoices):
    UNCONDITIONAL = "unconditional", _("Shared unconditionally")
    CONDITIONAL = "conditional", _("Shared on conditions")
    NOT_SHARED = "not_shared", _("Not shared")


class OpenType(models.TextChoices):
    OPEN = "open", _("Open")
    CONDITIONAL = "conditional", _("Open on conditions")
    NOT_OPEN = "not_open", _("Not open")


class UpdateCycle(models.TextChoices):
    REALTIME = "realtime", _("Real time")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    YEARLY = "yearly", _("Yearly")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")


class Source(models.TextChoices):
    """Which data backs a resource through the data API (none: catalogue entry only)."""

    NONE = "", _("Catalogue entry only")
    POPULATION = "population", _("Population registry")
    LEGAL_PERSONS = "legal_persons", _("Legal-person registry")
    SPATIAL = "spatial", _("Spatial units")
    MACRO = "macro", _("Macro-economic series")
    UPLOAD = "upload", _("Uploaded table")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the provider")
    GRANTED = "granted", _("Granted")
    REJECTED = "rejected", _("Rejected")


DATA_OFFICE = "SJJ"
"""The data office (数据局) whose data officers review the catalogue."""


class ImportStatus(models.TextChoices):
    """An upload's way from file to table (transitions in ``services.imports``)."""

    REVIEW = "review", _("Schema awaiting review")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DECISION = "decision", _("Problems found: accept the rows that passed or discard")
    DONE = "done", _("Imported")
    DISCARDED = "discarded", _("Discarded")
    FAILED = "failed", _("Failed")


class FileFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel workbook (XLSX)")


class Mask(models.TextChoices):
    """How a personal column of an uploaded table is masked when it is shared (``core.masking``)."""

    NONE = "", _("Not personal")
    ID_NUMBER = "id_number", _("Citizen ID number")
    NAME = "name", _("Person's name")
    PHONE = "phone", _("Phone number")
    ADDRESS = "address", _("Address")
    USCC = "uscc", _("Unified social credit code")
    HIDDEN = "hidden", _("Hidden entirely")


class QualityTrigger(models.TextChoices):
    IMPORT = "import", _("After an import")
    SCHEDULE = "schedule", _("Scheduled")
    MANUAL = "manual", _("By hand")
