"""Schemas of the city-events JSON API (/api/v1/cityevents/...)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field


class ClassifyIn(Schema):
    texts: list[str] = Field(..., description="1 to 1,000 non-blank texts of at most 20,000 characters each.")


class ClassifyItemOut(Schema):
    category: str
    confidence: float
    department: str


class ClassifyOut(Schema):
    items: list[ClassifyItemOut]


class EventIn(Schema):
    description: str = Field(..., max_length=4001)
    source: str = "mobile"
    category_code: str = ""
    urgency: str = "normal"
    longitude: float | None = None
    latitude: float | None = None
    address: str = ""
    district_code: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    anonymous: bool = False


class EventCreatedOut(Schema):
    id: int
    number: str
    status: str
    tracking_token: str
    suggested_category: str
    suggested_confidence: float | None
    suggested_department: str


class EventOut(Schema):
    id: int
    number: str
    source: str
    status: str
    urgency: str
    category_code: str
    category_name: str
    description: str
    longitude: float | None
    latitude: float | None
    address: str
    district_code: str
    street_code: str
    grid_code: str
    responsible_department: str
    reported_at: dt.datetime
    deadline_at: dt.datetime | None
    closed_at: dt.datetime | None
    escalation_level: int
    suggested_category: str
    suggested_confidence: float | None


class EventListOut(Schema):
    count: int
    items: list[EventOut]
