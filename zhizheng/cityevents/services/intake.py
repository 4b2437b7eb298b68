"""Taking a report (采集): validation, photos, location, the classifier's suggestion, the tracking token."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhizheng.cityevents import photos as photo_checks
from zhizheng.cityevents.choices import Action, Source, Urgency
from zhizheng.cityevents.errors import EventInvalid, lazy_message
from zhizheng.cityevents.models import Event, EventPhoto
from zhizheng.cityevents.permissions import Perm, policy
from zhizheng.cityevents.routing import suggest
from zhizheng.cityevents.services.common import (
    MAX_DESCRIPTION,
    _category,
    _clean_text,
    _coordinate,
    _record_override,
    _step,
    logger,
    phone_hash,
    token_hash,
)
from zhizheng.core.actor import Actor
from zhizheng.core.masking import mask_phone
from zhizheng.orgs.models import Division
from zhizheng.registries.spatial import spatial_unit_at

_SOURCE_PERMISSION = {
    Source.HOTLINE: Perm.REPORT_HOTLINE,
    Source.PATROL: Perm.REPORT_PATROL,
    Source.SENSOR: Perm.REPORT_SENSOR,
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
    except Exception:  # noqa: BLE001 - a lookup failure must never lose a report
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
