"""Choices of the service catalogue. Values are the catalogue's own Chinese terms (政务服务事项实施清单), so the data
files load as they are; labels are English source strings translated back to Chinese."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    INDIVIDUAL = "自然人", _("Individuals")
    LEGAL_PERSON = "法人", _("Businesses and organisations")


class ItemType(models.TextChoices):
    LICENSING = "行政许可", _("Administrative licensing")
    PUBLIC_SERVICE = "公共服务", _("Public service")
    CONFIRMATION = "行政确认", _("Administrative confirmation")
    FILING = "行政备案", _("Administrative filing")
    BENEFIT = "行政给付", _("Administrative benefit")
    OTHER_POWER = "其他行政权力", _("Other administrative power")
    REWARD = "行政奖励", _("Administrative reward")
    ADJUDICATION = "行政裁决", _("Administrative adjudication")


class ProcessingKind(models.TextChoices):
    IMMEDIATE = "即办件", _("Handled on the spot")
    PROMISED = "承诺件", _("Handled within the promised time")


class OnlineLevel(models.IntegerChoices):
    INFORMATION = 1, _("Level 1: guide published online")
    DOWNLOAD = 2, _("Level 2: forms downloadable online")
    APPLY = 3, _("Level 3: apply online, collect in person")
    FULL = 4, _("Level 4: fully online")


class MaterialForm(models.TextChoices):
    ELECTRONIC = "电子文件", _("Electronic file")
    ORIGINAL = "原件", _("Original")
    COPY = "复印件", _("Copy")


class MaterialSource(models.TextChoices):
    GOVERNMENT = "政府部门核发", _("Issued by a government department")
    APPLICANT = "申请人自备", _("Prepared by the applicant")
    INTERMEDIARY = "中介机构出具", _("Issued by an intermediary")
    OTHER = "其他", _("Other")


class ApplicationStatus(models.TextChoices):
    """Where an application stands. The allowed moves between them are one table: ``applications.TRANSITIONS``."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ApplicationAction(models.TextChoices):
    """What was done to an application (one timeline row and one ledger act each)."""

    SAVED = "saved", _("Draft saved")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplementary materials requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
