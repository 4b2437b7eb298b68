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
    """Where an application stands. The allowed moves between them are one table: ``actions.TRANSITIONS``."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ApplicationAction(models.TextChoices):
    """What was done to an application (one timeline row and one ledger act each)."""

    SAVED = "saved", _("Draft saved")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplementary materials requested")
    REVIEWED = "reviewed", _("Review completed")
    TRANSFERRED = "transferred", _("Transferred to another department")
    FEE_ASSESSED = "fee_assessed", _("Fee assessed")
    PAID = "paid", _("Fee paid")
    REFUNDED = "refunded", _("Fee refunded")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class WarningLevel(models.TextChoices):
    """How far an application's clock has run (电子监察). Each level is raised at most once per application."""

    YELLOW = "yellow", _("Yellow: 80 per cent of the promised time used")
    RED = "red", _("Red: past the promised deadline")
    STATUTORY = "statutory", _("Past the statutory deadline")


class RatingScore(models.IntegerChoices):
    """The five grades of 好差评 (GB/T 39735 and 国办发〔2019〕51号): 1 and 2 are 差评, 4 and 5 are 好评."""

    VERY_DISSATISFIED = 1, _("Very dissatisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    NEUTRAL = 3, _("Neutral")
    SATISFIED = 4, _("Satisfied")
    VERY_SATISFIED = 5, _("Very satisfied")


class RatingReason(models.TextChoices):
    """Why the applicant rated as they did: fixed codes after the categories of the national 好差评 practice
    (service attitude, efficiency, process, guide, materials, visits, online system, fees). ``P`` codes praise
    (allowed with 3-5), ``N`` codes complain (allowed with 1-3)."""

    P_ATTITUDE = "P01", _("Courteous, attentive service")
    P_FAST = "P02", _("Handled quickly, within the promised time")
    P_SIMPLE = "P03", _("Simple procedure")
    P_GUIDE = "P04", _("Clear and accurate guide")
    P_FEW_MATERIALS = "P05", _("Few materials required")
    P_NO_VISIT = "P06", _("No need to go in person, or only once")
    P_ONLINE = "P07", _("Convenient online service")
    P_OTHER = "P99", _("Other praise")
    N_ATTITUDE = "N01", _("Poor service attitude")
    N_SLOW = "N02", _("Slow, or past the promised time")
    N_COMPLICATED = "N03", _("Complicated procedure")
    N_GUIDE = "N04", _("Unclear or inaccurate guide")
    N_REPEATED_MATERIALS = "N05", _("Materials asked for again or beyond the guide")
    N_VISITS = "N06", _("Had to go in person several times")
    N_ONLINE = "N07", _("Online system hard to use or out of order")
    N_FEES = "N08", _("Unexpected or improper fees")
    N_OTHER = "N99", _("Other complaint")


class RectificationStatus(models.TextChoices):
    """A 差评 opens a rectification (整改) task for the department; it is answered once with what was done."""

    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")


class VisitPurpose(models.TextChoices):
    """Why the applicant came to the hall in person (counted for 最多跑一次 / 零跑动)."""

    CONSULTATION = "consultation", _("Consultation")
    SUBMIT = "submit", _("Submitting the application or materials")
    SUPPLEMENT = "supplement", _("Bringing supplementary materials")
    VERIFICATION = "verification", _("Verification of originals or identity")
    COLLECT = "collect", _("Collecting the result")
    OTHER = "other", _("Other")


class StepKind(models.TextChoices):
    """What a step of an item's process does; the catalogue's own step names map onto these
    (``workflow.step_kind``)."""

    APPLY = "apply", _("Application by the applicant")
    ACCEPT = "accept", _("Acceptance")
    REVIEW = "review", _("Review")
    PAYMENT = "payment", _("Payment of the fee")
    DECIDE = "decide", _("Decision")
    ISSUE = "issue", _("Issuing the result")
    DELIVER = "deliver", _("Delivery")


class StepStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    ACTIVE = "active", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class PaymentStatus(models.TextChoices):
    """A payment order's state. ``PENDING`` orders expire at ``expires_at``; only ``PAID`` ones can be refunded."""

    PENDING = "pending", _("Awaiting payment")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")
    REFUNDED = "refunded", _("Refunded")


class LifeEventCaseStatus(models.TextChoices):
    """Where a combined life-event application stands (its items each have their own status)."""

    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped: an item was not granted")


class MessageSide(models.TextChoices):
    """Who wrote a message on an application: its applicant, or staff of the department handling it."""

    APPLICANT = "applicant", _("Applicant")
    STAFF = "staff", _("Department")
