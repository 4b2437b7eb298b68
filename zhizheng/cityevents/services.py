"""State changes of city events: report, the seven-step loop, escalation, Open311 keys.

Every function checks the policy, moves the status through ``workflow.transition`` (the one table of allowed
moves), writes an ``EventStep`` and records the act in the ledger in the same transaction. Personal data never
enters the ledger in clear: the reporter is named only inside ``personal`` keys (salted hashes in the public
leaf), and a caller's phone number is kept only as a keyed hash and a mask.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhizheng.cityevents import photos as photo_checks
from zhizheng.cityevents.choices import Action, Source, Status, Urgency
from zhizheng.cityevents.errors import CategoryNotFound, DepartmentNotFound, EventInvalid, lazy_message
from zhizheng.cityevents.models import Category, ClassificationOverride, Event, EventPhoto, EventStep, Open311Client
from zhizheng.cityevents.permissions import Perm, policy
from zhizheng.cityevents.routing import Suggestion, default_department_code, suggest
from zhizheng.cityevents.workflow import deadline_for, transition
from zhizheng.core.actor import SYSTEM, Actor
from zhizheng.core.errors import PermissionDenied, ValidationFailed
from zhizheng.core.masking import mask_phone
from zhizheng.ledger import services as ledger
from zhizheng.orgs.models import Department, Division
from zhizheng.registries.spatial import spatial_unit_at

logger = logging.getLogger(__name__)

MAX_DESCRIPTION = 4000
MAX_NOTE = 500
LEDGER_ACTS: dict[Action, str] = {
    Action.REPORT: "reported",
    Action.CLASSIFY: "classified",
    Action.REGISTER: "registered",
    Action.REJECT: "rejected",
    Action.DISPATCH: "dispatched",
    Action.TRANSFER: "transferred",
    Action.HANDLE: "handled",
    Action.VERIFY: "verified",
    Action.REWORK: "rework_ordered",
    Action.CLOSE: "closed",
    Action.EVALUATE: "evaluated",
    Action.REOPEN: "reopened",
    Action.ESCALATE: "escalated",
    Action.NOTE: "noted",
}
_SOURCE_PERMISSION = {
    Source.HOTLINE: Perm.REPORT_HOTLINE,
    Source.PATROL: Perm.REPORT_PATROL,
}


@dataclass(frozen=True)
class Report:
    """What a reporter tells the city; the same shape from the portal, the hotline console, the API and Open311."""

    source: str
    description: str
    category_code: str = ""
    urgency: str = Urgency.NORMAL
    longitude: Any = None
    latitude: Any = None
    address: str = ""
    district_code: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    anonymous: bool = False
    is_public: bool = True
    photos: Sequence[Any] = field(default_factory=tuple)
    extra: dict[str, Any] = field(default_factory=dict)
    """Facts kept in the ledger payload (e.g. the Open311 client's name and attributes)."""


# --- helpers --------------------------------------------------------------------------------------------------


def phone_hash(phone: str) -> str:
    """A keyed hash of a phone number's digits: finds a caller's earlier events without storing the number."""
    digits = "".join(c for c in phone if c.isdigit())
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    key = hashlib.sha256(("cityevents.phone:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def _clean_text(value: str, *, limit: int) -> str:
    return (value or "").replace("\x00", "").strip()[:limit]


def _coordinate(value: Any, *, low: int, high: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise ValueError("not a number") from None
    if not (low <= number <= high):
        raise ValueError("out of range")
    return number


def _category(code: str) -> Category:
    try:
        return Category.objects.select_related("parent__parent").get(code=code, active=True)
    except Category.DoesNotExist:
        raise CategoryNotFound(params={"code": code}) from None


def _department(code: str) -> Department:
    try:
        return Department.objects.get(code=code)
    except Department.DoesNotExist:
        raise DepartmentNotFound(params={"code": code}) from None


def _step(
    event: Event,
    *,
    actor: Actor,
    action: Action,
    from_status: str,
    note: str = "",
    department_code: str = "",
    payload: dict[str, Any] | None = None,
    personal: Iterable[str] = (),
) -> EventStep:
    """Write the timeline row and the ledger entry of one act."""
    now = timezone.now()
    facts: dict[str, Any] = {
        "number": event.number,
        "status": event.status,
        "from": from_status,
        **({"department": department_code} if department_code else {}),
        **({"note": note} if note else {}),
        **(payload or {}),
    }
    entry = ledger.record(
        actor=actor,
        act=f"cityevents.event.{LEDGER_ACTS[action]}",
        subject=event,
        payload=facts,
        personal=tuple(personal),
    )
    return EventStep.objects.create(
        event=event,
        action=action,
        from_status=from_status,
        to_status=event.status,
        actor_ref=actor.ref,
        actor_display=str(actor)[:80],
        department_code=department_code,
        note=note,
        at=now,
        ledger_index=entry.index,
    )


def _require_note(note: str, *, field_name: str, message: str | Promise) -> str:
    cleaned = _clean_text(note, limit=MAX_NOTE)
    if not cleaned:
        raise ValidationFailed(field_errors={field_name: [message]})
    return cleaned


def _lock(event: Event) -> Event:
    """The event re-read under a row lock, so two people acting at once cannot both move it."""
    return (
        Event.objects.select_for_update(of=("self",))
        .select_related("responsible_department", "category")
        .get(pk=event.pk)
    )


# --- intake ---------------------------------------------------------------------------------------------------


def _validate_report(report: Report) -> dict[str, Any]:
    errors: dict[str, list[str | Promise]] = {}
    values: dict[str, Any] = {}
    if report.source not in Source.values:
        errors["source"] = [_("Unknown source.")]
    description = _clean_text(report.description, limit=MAX_DESCRIPTION + 1)
    if not description:
        errors["description"] = [_("Describe the problem.")]
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = [_("The description may be at most 4,000 characters.")]
    values["description"] = description
    if report.urgency not in Urgency.values:
        errors["urgency"] = [_("Urgency must be normal, urgent or emergency.")]
    for name, low, high in (("longitude", -180, 180), ("latitude", -90, 90)):
        try:
            values[name] = _coordinate(getattr(report, name), low=low, high=high)
        except ValueError:
            errors[name] = [
                lazy_message(
                    _("Give the %(name)s as a number between %(low)s and %(high)s."), name=name, low=low, high=high
                )
            ]
    if (values.get("longitude") is None) != (values.get("latitude") is None) and not (
        "longitude" in errors or "latitude" in errors
    ):
        errors["latitude" if values.get("latitude") is None else "longitude"] = [
            _("Give both longitude and latitude, or neither.")
        ]
    address = _clean_text(report.address, limit=201)
    if len(address) > 200:
        errors["address"] = [_("The address may be at most 200 characters.")]
    values["address"] = address
    if values.get("longitude") is None and not address and not report.district_code:
        errors["location"] = [_("Say where the problem is: pick a point on the map or give an address.")]
    if report.district_code and not Division.objects.filter(code=report.district_code).exists():
        errors["district_code"] = [_("Unknown district.")]
    phone = (report.reporter_phone or "").strip()
    if phone and sum(c.isdigit() for c in phone) < 7:
        errors["reporter_phone"] = [_("The phone number is too short.")]
    if errors:
        raise EventInvalid(field_errors=errors)
    return values


def _spatial_units(longitude: Decimal | None, latitude: Decimal | None) -> dict[str, str]:
    """District, street and grid of a point from the registries' spatial units (empty outside the city)."""
    if longitude is None or latitude is None:
        return {}
    try:
        unit = spatial_unit_at(float(longitude), float(latitude))
    except Exception:
        logger.exception("spatial unit lookup failed")
        return {}
    if unit is None:
        return {}
    found = {"district_code": unit.district.code, "street_code": unit.street.code, "grid_code": unit.grid.code}
    return {name: value for name, value in found.items() if value}


@transaction.atomic
def event_report(*, actor: Actor, report: Report) -> tuple[Event, str]:
    """Take a report (采集): validate it, keep its photos, ask the classifier for a category and department, and
    record it. Returns the event and the reporter's tracking token (shown once; only its hash is stored).

    The classifier is advice: when it fails the event is kept all the same and waits for a dispatcher."""
    policy.require(
        actor,
        _SOURCE_PERMISSION.get(Source(report.source), Perm.REPORT) if report.source in Source.values else Perm.REPORT,
    )
    values = _validate_report(report)
    checked = photo_checks.check_many(report.photos)
    category = _category(report.category_code) if report.category_code else None
    if category is not None and category.level != 3:
        raise EventInvalid(field_errors={"category_code": [_("Choose a category of the third level.")]})
    suggestion = suggest(values["description"])
    token = secrets.token_urlsafe(16)
    phone = (report.reporter_phone or "").strip()
    units = _spatial_units(values["longitude"], values["latitude"])
    event = Event.objects.create(
        source=report.source,
        urgency=report.urgency,
        category=category,
        description=values["description"],
        longitude=values["longitude"],
        latitude=values["latitude"],
        address=values["address"],
        district_code=units.get("district_code") or report.district_code,
        street_code=units.get("street_code", ""),
        grid_code=units.get("grid_code", ""),
        reporter_id=actor.user_id
        if (actor.user_id and not report.anonymous and report.source in (Source.PORTAL, Source.MOBILE))
        else None,
        reporter_name="" if report.anonymous else _clean_text(report.reporter_name, limit=64),
        reporter_phone_hash=phone_hash(phone) if phone else "",
        reporter_phone_masked=mask_phone(phone) if phone else "",
        anonymous=report.anonymous,
        tracking_token_hash=token_hash(token),
        is_public=report.is_public,
        suggested_category=suggestion.category,
        suggested_confidence=suggestion.confidence,
        suggested_department_code=suggestion.department_code,
        classification_error=suggestion.error,
        reported_at=timezone.now(),
    )
    event.number = f"{timezone.localtime(event.reported_at):%Y%m%d}{event.pk:06d}"
    event.save(update_fields=["number", "updated_at"])
    if category is not None:
        _record_override(event, actor=actor, leaf=category)
    for item in checked:
        EventPhoto.objects.create(
            event=event,
            file=item.as_file(event.number),
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
            stage=Action.REPORT,
        )
    _step(
        event,
        actor=actor,
        action=Action.REPORT,
        from_status="",
        payload={
            "source": event.source,
            "urgency": event.urgency,
            "category": category.code if category else "",
            "district": event.district_code,
            "photos": [item.sha256 for item in checked],
            "suggestion": {"category": suggestion.category, "confidence": suggestion.confidence},
            "reporter": event.reporter_phone_hash or (f"user:{event.reporter_id}" if event.reporter_id else ""),
            **report.extra,
        },
        personal=("reporter",),
    )
    return event, token


# --- the loop -------------------------------------------------------------------------------------------------


def _record_override(event: Event, *, actor: Actor, leaf: Category) -> None:
    root = leaf.parent.parent if leaf.parent and leaf.parent.parent else leaf
    if event.suggested_category and event.suggested_category != root.name:
        ClassificationOverride.objects.create(
            event=event,
            text=event.description,
            suggested_category=event.suggested_category,
            suggested_confidence=event.suggested_confidence,
            chosen_category=root.name,
            chosen_leaf=leaf,
            actor_ref=actor.ref,
        )


@transaction.atomic
def event_classify(*, event: Event, actor: Actor, category_code: str, urgency: str = "") -> Event:
    """Set (or correct) the category before dispatch. A choice that differs from the classifier's suggestion is
    kept as training data (``ClassificationOverride``)."""
    event = _lock(event)
    policy.require(actor, Perm.CLASSIFY, event)
    transition(event.status, Action.CLASSIFY)
    leaf = _category(category_code)
    if leaf.level != 3:
        raise EventInvalid(field_errors={"category_code": [_("Choose a category of the third level.")]})
    if urgency and urgency not in Urgency.values:
        raise EventInvalid(field_errors={"urgency": [_("Urgency must be normal, urgent or emergency.")]})
    _record_override(event, actor=actor, leaf=leaf)
    event.category = leaf
    fields = ["category", "updated_at"]
    if urgency:
        event.urgency = urgency
        fields.append("urgency")
    event.save(update_fields=fields)
    _step(event, actor=actor, action=Action.CLASSIFY, from_status=event.status, payload={"category": leaf.code})
    return event


@transaction.atomic
def event_register(*, event: Event, actor: Actor, note: str = "") -> Event:
    """立案: the dispatcher accepts the report as a case for the city."""
    event = _lock(event)
    policy.require(actor, Perm.REGISTER, event)
    before = event.status
    event.status = transition(before, Action.REGISTER)
    event.save(update_fields=["status", "updated_at"])
    _step(event, actor=actor, action=Action.REGISTER, from_status=before, note=_clean_text(note, limit=MAX_NOTE))
    return event


@transaction.atomic
def event_reject(*, event: Event, actor: Actor, reason: str) -> Event:
    """不予立案: not a case for the city (duplicate, out of scope, no problem found), with the reason."""
    event = _lock(event)
    policy.require(actor, Perm.REGISTER, event)
    before = event.status
    event.status = transition(before, Action.REJECT)
    note = _require_note(reason, field_name="reason", message=_("Give the reason for not registering."))
    event.status_notes = note
    event.closed_at = timezone.now()
    event.save(update_fields=["status", "status_notes", "closed_at", "updated_at"])
    _step(event, actor=actor, action=Action.REJECT, from_status=before, note=note)
    return event


def _set_clock(event: Event, *, now: dt.datetime) -> None:
    category = event.category
    assert category is not None
    event.dispatched_at = now
    event.deadline_at = deadline_for(
        start=now,
        urgency=event.urgency,
        limit_days=category.limit_days,
        urgent_limit_hours=category.urgent_limit_hours,
    )
    event.escalation_level = 0
    event.escalated_at = None


@transaction.atomic
def event_dispatch(
    *,
    event: Event,
    actor: Actor,
    department_code: str = "",
    assisting_codes: Sequence[str] = (),
    note: str = "",
) -> Event:
    """派遣: give the case to a responsible department (by default the one its category names), optionally with
    assisting departments for joint handling; the clock starts now."""
    event = _lock(event)
    policy.require(actor, Perm.DISPATCH, event)
    before = event.status
    target = transition(before, Action.DISPATCH)
    if event.category is None:
        raise EventInvalid(field_errors={"category_code": [_("Choose a category before dispatching.")]})
    code = department_code or default_department_code(event.category) or event.suggested_department_code
    if not code:
        raise EventInvalid(field_errors={"department_code": [_("Choose the responsible department.")]})
    department = _department(code)
    helpers = [_department(c) for c in dict.fromkeys(assisting_codes) if c and c != code]
    event.status = target
    event.responsible_department = department
    _set_clock(event, now=timezone.now())
    event.save(
        update_fields=[
            "status",
            "responsible_department",
            "dispatched_at",
            "deadline_at",
            "escalation_level",
            "escalated_at",
            "updated_at",
        ]
    )
    event.assisting_departments.set(helpers)
    _step(
        event,
        actor=actor,
        action=Action.DISPATCH,
        from_status=before,
        department_code=department.code,
        note=_clean_text(note, limit=MAX_NOTE),
        payload={
            "assisting": [d.code for d in helpers],
            "deadline": event.deadline_at.isoformat() if event.deadline_at else "",
        },
    )
    return event


@transaction.atomic
def event_transfer(*, event: Event, actor: Actor, department_code: str, reason: str) -> Event:
    """转派: hand the case to another department, with the reason; its clock starts again."""
    event = _lock(event)
    policy.require(actor, Perm.TRANSFER, event)
    transition(event.status, Action.TRANSFER)
    note = _require_note(reason, field_name="reason", message=_("Give the reason for the transfer."))
    department = _department(department_code)
    previous = event.responsible_department
    if previous is not None and previous.pk == department.pk:
        raise EventInvalid(field_errors={"department_code": [_("The event is already with this department.")]})
    event.responsible_department = department
    _set_clock(event, now=timezone.now())
    event.save(
        update_fields=[
            "responsible_department",
            "dispatched_at",
            "deadline_at",
            "escalation_level",
            "escalated_at",
            "updated_at",
        ]
    )
    event.assisting_departments.remove(department)
    _step(
        event,
        actor=actor,
        action=Action.TRANSFER,
        from_status=event.status,
        department_code=department.code,
        note=note,
        payload={"previous": previous.code if previous else ""},
    )
    return event


@transaction.atomic
def event_handle(*, event: Event, actor: Actor, result: str, photos: Sequence[Any] = ()) -> Event:
    """处置: the responsible department reports what it did, with photos of the result."""
    event = _lock(event)
    policy.require(actor, Perm.HANDLE, event)
    before = event.status
    target = transition(before, Action.HANDLE)
    note = _require_note(result, field_name="result", message=_("Say what was done."))
    checked = photo_checks.check_many(photos)
    event.status = target
    event.handled_at = timezone.now()
    event.status_notes = note
    event.save(update_fields=["status", "handled_at", "status_notes", "updated_at"])
    for item in checked:
        EventPhoto.objects.create(
            event=event,
            file=item.as_file(event.number or str(event.pk)),
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
            stage=Action.HANDLE,
        )
    department = event.responsible_department
    _step(
        event,
        actor=actor,
        action=Action.HANDLE,
        from_status=before,
        note=note,
        department_code=department.code if department else "",
        payload={"photos": [i.sha256 for i in checked]},
    )
    return event


@transaction.atomic
def event_verify(*, event: Event, actor: Actor, passed: bool, note: str = "") -> Event:
    """核查: the inspector checks the result on site. Failed checks send the case back to the department."""
    event = _lock(event)
    policy.require(actor, Perm.VERIFY, event)
    before = event.status
    action = Action.VERIFY if passed else Action.REWORK
    event.status = transition(before, action)
    if passed:
        cleaned = _clean_text(note, limit=MAX_NOTE)
    else:
        cleaned = _require_note(note, field_name="note", message=_("Say what is still wrong."))
    event.save(update_fields=["status", "updated_at"])
    _step(event, actor=actor, action=action, from_status=before, note=cleaned)
    return event


@transaction.atomic
def event_close(*, event: Event, actor: Actor, note: str = "") -> Event:
    """结案: the dispatcher closes a verified case."""
    event = _lock(event)
    policy.require(actor, Perm.CLOSE, event)
    before = event.status
    event.status = transition(before, Action.CLOSE)
    event.closed_at = timezone.now()
    cleaned = _clean_text(note, limit=MAX_NOTE)
    if cleaned:
        event.status_notes = cleaned
    event.save(update_fields=["status", "closed_at", "status_notes", "updated_at"])
    _step(event, actor=actor, action=Action.CLOSE, from_status=before, note=cleaned)
    return event


@transaction.atomic
def event_evaluate(*, event: Event, actor: Actor, satisfaction: int, comment: str = "") -> Event:
    """评价: the reporter (or the hotline on a call-back) rates the outcome from 1 to 5."""
    event = _lock(event)
    policy.require(actor, Perm.EVALUATE, event)
    before = event.status
    target = transition(before, Action.EVALUATE)
    if isinstance(satisfaction, bool) or not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise ValidationFailed(field_errors={"satisfaction": [_("Rate the outcome from 1 to 5.")]})
    event.status = target
    event.satisfaction = satisfaction
    event.save(update_fields=["status", "satisfaction", "updated_at"])
    _step(
        event,
        actor=actor,
        action=Action.EVALUATE,
        from_status=before,
        note=_clean_text(comment, limit=MAX_NOTE),
        payload={"satisfaction": satisfaction},
    )
    return event


@transaction.atomic
def event_reopen(*, event: Event, actor: Actor, reason: str) -> Event:
    """重新办理: a closed, evaluated or rejected case goes back to the dispatcher, with the reason."""
    event = _lock(event)
    policy.require(actor, Perm.REGISTER, event)
    before = event.status
    event.status = transition(before, Action.REOPEN)
    note = _require_note(reason, field_name="reason", message=_("Give the reason for reopening."))
    event.reopen_count += 1
    event.closed_at = None
    event.status_notes = note
    event.save(update_fields=["status", "reopen_count", "closed_at", "status_notes", "updated_at"])
    _step(event, actor=actor, action=Action.REOPEN, from_status=before, note=note)
    return event


@transaction.atomic
def event_note_add(*, event: Event, actor: Actor, note: str) -> EventStep:
    """A note on an open case: how an assisting department contributes to joint handling, a call-back, etc."""
    event = Event.objects.select_related("responsible_department").get(pk=event.pk)
    policy.require(actor, Perm.NOTE, event)
    transition(event.status, Action.NOTE)
    cleaned = _require_note(note, field_name="note", message=_("Write the note."))
    codes = sorted(actor.departments())
    return _step(
        event,
        actor=actor,
        action=Action.NOTE,
        from_status=event.status,
        note=cleaned,
        department_code=codes[0] if len(codes) == 1 else "",
    )


@transaction.atomic
def events_escalate_overdue(*, actor: Actor = SYSTEM, now: dt.datetime | None = None) -> list[Event]:
    """督办: raise the escalation level of every dispatched case past its deadline, at most once per working day
    (8 working hours) per case. Called by the periodic job ``cityevents.escalate_overdue``; idempotent."""
    if not actor.is_system:
        raise PermissionDenied()
    from zhizheng.cityevents.workflow import WORKING_HOURS_PER_DAY, add_working_hours

    moment = now or timezone.now()
    escalated: list[Event] = []
    candidates = (
        Event.objects.select_for_update(of=("self",))
        .select_related("responsible_department")
        .filter(status=Status.DISPATCHED, deadline_at__lt=moment)
        .order_by("deadline_at", "id")
    )
    for event in candidates:
        if event.escalated_at is not None and add_working_hours(event.escalated_at, WORKING_HOURS_PER_DAY) > moment:
            continue
        event.escalation_level += 1
        event.escalated_at = moment
        event.save(update_fields=["escalation_level", "escalated_at", "updated_at"])
        department = event.responsible_department
        overdue_minutes = int((moment - event.deadline_at).total_seconds() // 60) if event.deadline_at else 0
        _step(
            event,
            actor=actor,
            action=Action.ESCALATE,
            from_status=event.status,
            department_code=department.code if department else "",
            payload={"level": event.escalation_level, "overdue_minutes": overdue_minutes},
        )
        escalated.append(event)
    return escalated


# --- Open311 clients ------------------------------------------------------------------------------------------


@transaction.atomic
def open311_client_create(*, actor: Actor, name: str) -> tuple[Open311Client, str]:
    """A new Open311 API key for a client program; the key is returned once and only its SHA-256 is kept."""
    if not (actor.is_system or actor.is_superuser):
        raise PermissionDenied()
    cleaned = _clean_text(name, limit=81)
    if not cleaned or len(cleaned) > 80:
        raise ValidationFailed(field_errors={"name": [_("Give the client a name of at most 80 characters.")]})
    if Open311Client.objects.filter(name=cleaned).exists():
        raise ValidationFailed(field_errors={"name": [_("A client with this name exists already.")]})
    key = "o311_" + secrets.token_urlsafe(24)
    client = Open311Client.objects.create(name=cleaned, key_prefix=key[:10], key_hash=token_hash(key))
    ledger.record(actor=actor, act="cityevents.open311_client.created", subject=client, payload={"name": cleaned})
    return client, key


@transaction.atomic
def open311_client_revoke(*, actor: Actor, name: str) -> Open311Client:
    """Turn a client's key off; its requests stay."""
    if not (actor.is_system or actor.is_superuser):
        raise PermissionDenied()
    client = Open311Client.objects.select_for_update().filter(name=name).first()
    if client is None:
        raise ValidationFailed(field_errors={"name": [_("No Open311 client has this name.")]})
    client.active = False
    client.save(update_fields=["active", "updated_at"])
    ledger.record(actor=actor, act="cityevents.open311_client.revoked", subject=client, payload={"name": name})
    return client


__all__ = ["Report", "Suggestion", "event_report", "phone_hash", "token_hash"]
