"""City events in the JSON API: classification of messages, reporting an event, reading the events one may see."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema

from zhizheng.accounts.api import API_AUTH, request_actor
from zhizheng.cityevents import selectors, services
from zhizheng.cityevents.choices import Source, Status
from zhizheng.cityevents.classifier import classify
from zhizheng.cityevents.errors import check_page, lazy_message
from zhizheng.cityevents.models import Event
from zhizheng.cityevents.schemas import (
    ClassifyIn,
    ClassifyItemOut,
    ClassifyOut,
    EventCreatedOut,
    EventIn,
    EventListOut,
    EventOut,
)
from zhizheng.core.errors import ValidationFailed

router = Router(tags=["cityevents"], auth=API_AUTH)

MAX_PAGE_SIZE = 100
API_SOURCES = (Source.MOBILE, Source.PORTAL, Source.SENSOR, Source.PATROL, Source.HOTLINE)


class Page(Schema):
    limit: int = 50
    offset: int = 0
    status: str = ""
    department: str = ""


@router.post("/cityevents/classify", response=ClassifyOut, operation_id="cityevents_classification_create")
def classify_texts(request: HttpRequest, payload: ClassifyIn) -> dict[str, Any]:
    """Category, confidence and responsible department of each text (up to 1,000), in the order given."""
    request_actor(request)
    predictions = classify(payload.texts)
    return {
        "items": [
            ClassifyItemOut(category=p.category, confidence=round(p.confidence, 4), department=p.department)
            for p in predictions
        ]
    }


def event_out(event: Event) -> dict[str, Any]:
    return {
        "id": event.pk,
        "number": event.number or "",
        "source": event.source,
        "status": event.status,
        "urgency": event.urgency,
        "category_code": event.category.code if event.category else "",
        "category_name": event.category.name if event.category else "",
        "description": event.description,
        "longitude": float(event.longitude) if event.longitude is not None else None,
        "latitude": float(event.latitude) if event.latitude is not None else None,
        "address": event.address,
        "district_code": event.district_code,
        "street_code": event.street_code,
        "grid_code": event.grid_code,
        "responsible_department": event.responsible_department.code if event.responsible_department else "",
        "reported_at": event.reported_at,
        "deadline_at": event.deadline_at,
        "closed_at": event.closed_at,
        "escalation_level": event.escalation_level,
        "suggested_category": event.suggested_category,
        "suggested_confidence": event.suggested_confidence,
    }


@router.post("/cityevents/events", response={201: EventCreatedOut}, operation_id="cityevents_event_create")
def event_create(request: HttpRequest, payload: EventIn) -> tuple[int, dict[str, Any]]:
    """Report an event (采集). The answer carries the tracking token, shown only this once."""
    actor = request_actor(request)
    if payload.source not in API_SOURCES:
        raise ValidationFailed(
            field_errors={"source": [_("The source must be mobile, portal, sensor, patrol or hotline.")]}
        )
    event, token = services.event_report(
        actor=actor,
        report=services.Report(
            source=payload.source,
            description=payload.description,
            category_code=payload.category_code,
            urgency=payload.urgency,
            longitude=payload.longitude,
            latitude=payload.latitude,
            address=payload.address,
            district_code=payload.district_code,
            reporter_name=payload.reporter_name,
            reporter_phone=payload.reporter_phone,
            anonymous=payload.anonymous,
        ),
    )
    return 201, {
        "id": event.pk,
        "number": event.number or "",
        "status": event.status,
        "tracking_token": token,
        "suggested_category": event.suggested_category,
        "suggested_confidence": event.suggested_confidence,
        "suggested_department": event.suggested_department_code,
    }


@router.get("/cityevents/events", response=EventListOut, operation_id="cityevents_event_list")
def event_list(request: HttpRequest, page: Query[Page]) -> dict[str, Any]:
    """The events the caller may see, newest first ({count, items}; 1 to 100 per page, else 422)."""
    actor = request_actor(request)
    problems: dict[str, list[str | Promise]] = {}
    if page.status and page.status not in Status.values:
        problems["status"] = [
            lazy_message(_("The status must be one of: %(statuses)s."), statuses=", ".join(Status.values))
        ]
    check_page(limit=page.limit, offset=page.offset, maximum=MAX_PAGE_SIZE, problems=problems)
    queryset = selectors.event_list(actor=actor, status=page.status, department_code=page.department)
    items = queryset[page.offset : page.offset + page.limit]
    return {"count": queryset.count(), "items": [event_out(e) for e in items]}


@router.get("/cityevents/events/{event_id}", response=EventOut, operation_id="cityevents_event_get")
def event_get(request: HttpRequest, event_id: int) -> dict[str, Any]:
    return event_out(selectors.event_get(actor=request_actor(request), pk=event_id))
