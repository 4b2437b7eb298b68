"""Choices of the ``cityevents`` app: where an event came from, how urgent it is, and the seven-step loop."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """How the city learned of the problem."""

    HOTLINE = "hotline", _("12345 hotline")
    PORTAL = "portal", _("Portal report")
    MOBILE = "mobile", _("Mobile report")
    OPEN311 = "open311", _("Open311 client")
    SENSOR = "sensor", _("Sensor")
    PATROL = "patrol", _("Inspector patrol")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    EMERGENCY = "emergency", _("Emergency")


class Status(models.TextChoices):
    """The seven steps of digital city management (采集 → 立案 → 派遣 → 处置 → 核查 → 结案 → 评价), plus
    rejection at registration. Moves between them are the table in ``workflow.TRANSITIONS``."""

    COLLECTED = "collected", _("Collected")
    REGISTERED = "registered", _("Registered")
    DISPATCHED = "dispatched", _("Dispatched")
    HANDLED = "handled", _("Handled")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", _("Closed")
    EVALUATED = "evaluated", _("Evaluated")
    REJECTED = "rejected", _("Not registered")
    MERGED = "merged", _("Merged into another case")


OPEN_STATUSES = frozenset({Status.COLLECTED, Status.REGISTERED, Status.DISPATCHED, Status.HANDLED, Status.VERIFIED})


class Action(models.TextChoices):
    """What a person (or the system) does to an event; each is one service function and one ledger act."""

    REPORT = "report", _("Reported")
    REGISTER = "register", _("Registered")
    REJECT = "reject", _("Rejected")
    DISPATCH = "dispatch", _("Dispatched")
    TRANSFER = "transfer", _("Transferred")
    HANDLE = "handle", _("Handled")
    VERIFY = "verify", _("Verified")
    REWORK = "rework", _("Sent back for rework")
    CLOSE = "close", _("Closed")
    EVALUATE = "evaluate", _("Evaluated")
    REOPEN = "reopen", _("Reopened")
    ESCALATE = "escalate", _("Escalated")
    NOTE = "note", _("Note added")
    CLASSIFY = "classify", _("Classified")
    MERGE = "merge", _("Merged")
