"""City events (一网统管): what was reported, where, by whom, and every step of its handling."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhizheng.cityevents.choices import OPEN_STATUSES, Action, Source, Status, Urgency
from zhizheng.core.models import TimeStampedModel


class Category(models.Model):
    """A node of the three-level category tree (level 1 → 2 → 3). Events are filed under a leaf (level 3) or,
    while nobody has chosen one, under a level-1 node suggested by the classifier."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.PositiveSmallIntegerField(_("level"))
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    department_code = models.CharField(_("responsible department"), max_length=16, blank=True)
    limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"), default=5)
    urgent_limit_hours = models.PositiveSmallIntegerField(_("urgent time limit (working hours)"), default=8)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="cityevents_category_unique_name_per_parent"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=3), name="cityevents_category_level_1_to_3"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Event(TimeStampedModel):
    """One reported problem in the city and its place in the seven-step loop."""

    number = models.CharField(_("number"), max_length=24, unique=True, null=True, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.COLLECTED)
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    description = models.TextField(_("description"), max_length=4000)
    # Location: a point (WGS 84), the address as given, and the units it falls in.
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    district_code = models.CharField(_("district"), max_length=6, blank=True)
    street_code = models.CharField(_("street"), max_length=12, blank=True)
    grid_code = models.CharField(_("grid"), max_length=20, blank=True)
    # Reporter: a signed-in person, a caller known by phone (kept only as a keyed hash and a mask), or nobody.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_events",
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=64, blank=True)
    reporter_phone_hash = models.CharField(_("reporter's phone (keyed hash)"), max_length=64, blank=True)
    reporter_phone_masked = models.CharField(_("reporter's phone (masked)"), max_length=20, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    tracking_token_hash = models.CharField(_("tracking token (SHA-256)"), max_length=64, unique=True)
    is_public = models.BooleanField(_("public"), default=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    # Routing.
    responsible_department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_events",
    )
    assisting_departments = models.ManyToManyField(
        "orgs.Department", verbose_name=_("assisting departments"), blank=True, related_name="assisted_events"
    )
    suggested_category = models.CharField(_("suggested category"), max_length=32, blank=True)
    suggested_confidence = models.FloatField(_("suggestion confidence"), null=True, blank=True)
    suggested_department_code = models.CharField(_("suggested department"), max_length=16, blank=True)
    classification_error = models.CharField(_("classification error"), max_length=200, blank=True)
    # Clocks.
    reported_at = models.DateTimeField(_("reported at"))
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    deadline_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    status_notes = models.CharField(_("status notes"), max_length=500, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1-5)"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    class Meta:
        verbose_name = _("city event")
        verbose_name_plural = _("city events")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["status", "deadline_at"], name="cityevents_status_deadline"),
            models.Index(fields=["reporter_phone_hash"], name="cityevents_reporter_phone"),
            models.Index(fields=["responsible_department", "status"], name="cityevents_department_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True) | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="cityevents_event_satisfaction_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number or self.pk} {self.description[:20]}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class EventPhoto(TimeStampedModel):
    """A photo of the problem (from the reporter) or of the result (from the handler), type checked by content."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to="cityevents/photos/%Y/%m/")
    content_type = models.CharField(_("content type"), max_length=32)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    stage = models.CharField(_("stage"), max_length=16, choices=Action.choices, default=Action.REPORT)

    class Meta:
        verbose_name = _("event photo")
        verbose_name_plural = _("event photos")
        ordering = ["event_id", "id"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.file.name}"


class EventStep(models.Model):
    """One act on an event, in order: the timeline the reporter, the handlers and the auditors see."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Status.choices, blank=True)
    actor_ref = models.CharField(_("actor"), max_length=40)
    actor_display = models.CharField(_("actor name"), max_length=80, blank=True)
    department_code = models.CharField(_("department"), max_length=16, blank=True)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"))
    ledger_index = models.BigIntegerField(_("ledger entry"), null=True, blank=True)

    class Meta:
        verbose_name = _("event step")
        verbose_name_plural = _("event steps")
        ordering = ["event_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class ClassificationOverride(TimeStampedModel):
    """A person chose another category than the classifier suggested: kept as a labelled example for retraining."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="classification_overrides"
    )
    text = models.TextField(_("text"))
    suggested_category = models.CharField(_("suggested category"), max_length=32, blank=True)
    suggested_confidence = models.FloatField(_("suggestion confidence"), null=True, blank=True)
    chosen_category = models.CharField(_("chosen first-level category"), max_length=32)
    chosen_leaf = models.ForeignKey(
        Category, verbose_name=_("chosen category"), on_delete=models.PROTECT, related_name="overrides"
    )
    actor_ref = models.CharField(_("actor"), max_length=40)

    class Meta:
        verbose_name = _("classification override")
        verbose_name_plural = _("classification overrides")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.suggested_category or '-'} → {self.chosen_category}"


class Open311Client(TimeStampedModel):
    """A program allowed to POST service requests to /open311/v2/ with its ``api_key`` (kept as SHA-256)."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    key_prefix = models.CharField(_("key prefix"), max_length=12)
    key_hash = models.CharField(_("SHA-256 of the key"), max_length=64, unique=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"


class BoardMessage(models.Model):
    """A message of the public message board (留言板) loaded as a past event by the demo history: its number on the
    board (the key that makes loading idempotent), the public support it drew, and the official reply. The
    board's user name is kept only as a keyed hash."""

    event = models.OneToOneField(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="board_message")
    message_id = models.CharField(_("message number"), max_length=24, unique=True)
    author_hash = models.CharField(_("author (keyed hash)"), max_length=64, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    likes = models.PositiveIntegerField(_("likes"), default=0)
    dislikes = models.PositiveIntegerField(_("dislikes"), default=0)
    reply = models.TextField(_("official reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message board message")
        verbose_name_plural = _("message board messages")
        ordering = ["message_id"]

    def __str__(self) -> str:
        return f"{self.message_id} {self.subject[:20]}"

    @property
    def support(self) -> int:
        """Net public support: likes minus dislikes."""
        return self.likes - self.dislikes
