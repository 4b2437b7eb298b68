"""The GeoReport v2 endpoints. Thin: parse the request, call selectors and ``services.event_report``, render.

Errors follow the specification, not the house problem+json: a list of ``{code, description}`` with 400 (missing
or malformed argument, general error), 403 (missing or invalid ``api_key``) or 404 (unknown service, request,
token or jurisdiction), in the format the URL asked for.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from zhizheng.cityevents import selectors, services
from zhizheng.cityevents.choices import OPEN_STATUSES, Source, Status, Urgency
from zhizheng.cityevents.errors import TrackingTokenNotFound
from zhizheng.cityevents.models import Category, Event, Open311Client
from zhizheng.cityevents.open311.render import errors, respond
from zhizheng.core.actor import Actor, ActorKind
from zhizheng.core.errors import DomainError, NotFound

MAX_REQUESTS = 1000
MAX_SPAN = dt.timedelta(days=90)
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CITY_MANAGEMENT = "城市管理"
_ATTRIBUTE = re.compile(r"attribute\[([^\]\[]+)\](?:\[\])?")
CLOSED = frozenset({Status.CLOSED, Status.EVALUATED, Status.REJECTED})


def jurisdiction() -> str:
    return str(getattr(settings, "OPEN311_JURISDICTION", "shifan.gov.example"))


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Check ``jurisdiction_id`` and turn ``Open311Error``/``DomainError`` into the specification's error list."""

    def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        given = (request.POST if request.method == "POST" else request.GET).get("jurisdiction_id", "").strip()
        try:
            if given and given != jurisdiction():
                raise Open311Error(404, _("jurisdiction_id “%(id)s” was not found.") % {"id": given})
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return errors(fmt, exc.status, [exc.description])
        except DomainError as exc:
            status = exc.status if exc.status in (403, 404) else 400
            details = [exc.detail]
            for field, messages in exc.field_errors.items():
                details.extend(f"{field}: {message}" for message in messages)
            return errors(fmt, status, details)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


# --- discovery and services -----------------------------------------------------------------------------------


@require_GET
@_endpoint
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """Service discovery: where this GeoReport v2 endpoint lives and which formats it speaks."""
    base = request.build_absolute_uri("/open311/v2/")
    content = {
        "changeset": "2026-11-22T00:00:00+08:00",
        "contact": _("12345 hotline of the city, or the API team at open311@shifan.gov.example"),
        "key_service": _("Ask the city's data office for an api_key (manage.py open311_key create NAME)."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": "2026-11-22T00:00:00+08:00",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", content)


def _service(category: Category) -> dict[str, Any]:
    middle = category.parent
    root = middle.parent if middle else None
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": " › ".join(c.name for c in (root, middle, category) if c is not None),
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(c.name for c in (middle, root) if c is not None),
        "group": root.name if root else "",
    }


@require_GET
@_endpoint
def service_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """Every third-level category is a service type; ``group`` is its first-level category."""
    return respond(fmt, "services", [_service(c) for c in selectors.category_leaves()])


def _attributes(category: Category) -> list[dict[str, Any]]:
    attributes: list[dict[str, Any]] = [
        {
            "variable": True,
            "code": "urgency",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": _("How urgent the problem is; normal when not given."),
            "order": 1,
            "description": _("Urgency"),
            "values": [{"key": u.value, "name": str(u.label)} for u in Urgency],
        }
    ]
    root = category.parent.parent if category.parent and category.parent.parent else None
    if root is not None and root.name == CITY_MANAGEMENT:
        attributes.append(
            {
                "variable": True,
                "code": "hazard",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": _("Whether people or vehicles are in danger now."),
                "order": 2,
                "description": _("Is there an immediate danger?"),
                "values": [{"key": "yes", "name": _("Yes")}, {"key": "no", "name": _("No")}],
            }
        )
    return attributes


def _leaf(code: str) -> Category:
    try:
        category = selectors.category_get(code=code)
    except NotFound:
        raise Open311Error(404, _("service_code “%(code)s” was not found.") % {"code": code}) from None
    if category.level != 3:
        raise Open311Error(404, _("service_code “%(code)s” was not found.") % {"code": code})
    return category


@require_GET
@_endpoint
def service_definition(request: HttpRequest, code: str, *, fmt: str) -> HttpResponse:
    category = _leaf(code)
    return respond(fmt, "service_definition", {"service_code": category.code, "attributes": _attributes(category)})


# --- requests ---------------------------------------------------------------------------------------------------


def _w3(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def request_out(event: Event) -> dict[str, Any]:
    """A request as GeoReport v2 shows it; a merged report shows the status of the case it was merged into."""
    category = event.category
    followed = event.parent if event.parent is not None else event
    department = followed.responsible_department
    return {
        "service_request_id": event.number,
        "status": "closed" if followed.status in CLOSED else "open",
        "status_notes": followed.status_notes or str(Status(followed.status).label),
        "service_name": category.name if category else "",
        "service_code": category.code if category else "",
        "description": event.description,
        "agency_responsible": department.name if department else "",
        "service_notice": "",
        "requested_datetime": _w3(event.reported_at),
        "updated_datetime": _w3(
            followed.closed_at if followed.status in CLOSED and followed.closed_at else followed.updated_at
        ),
        "expected_datetime": _w3(followed.deadline_at),
        "address": event.address,
        "address_id": "",
        "zipcode": "",
        "lat": float(event.latitude) if event.latitude is not None else None,
        "long": float(event.longitude) if event.longitude is not None else None,
        "media_url": "",
    }


def _public() -> QuerySet[Event]:
    return Event.objects.filter(is_public=True).select_related(
        "category", "responsible_department", "parent__responsible_department"
    )


def _date(name: str, raw: str) -> dt.datetime:
    parsed = parse_datetime(raw.strip().replace(" ", "+"))
    if parsed is None or parsed.tzinfo is None:
        raise Open311Error(
            400, _("%(name)s must be a w3 date-time with a time zone, e.g. 2026-01-01T00:00:00Z.") % {"name": name}
        )
    return parsed


def _request_search(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.GET
    ids = [i.strip() for i in params.get("service_request_id", "").split(",") if i.strip()]
    queryset = _public()
    if ids:
        events = list(queryset.filter(number__in=ids[:MAX_REQUESTS]).order_by("-reported_at"))
        return respond(fmt, "service_requests", [request_out(e) for e in events])
    now = timezone.now()
    start = _date("start_date", params["start_date"]) if params.get("start_date", "").strip() else None
    end = _date("end_date", params["end_date"]) if params.get("end_date", "").strip() else None
    if start and end and end < start:
        raise Open311Error(400, _("end_date is before start_date."))
    if start is None and end is None:
        end, start = now, now - MAX_SPAN
    elif start is None:
        assert end is not None
        start = end - MAX_SPAN
    elif end is None:
        end = min(now, start + MAX_SPAN)
    if end - start > MAX_SPAN:
        raise Open311Error(400, _("start_date and end_date may not span more than 90 days."))
    queryset = queryset.filter(reported_at__gte=start, reported_at__lte=end)
    codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
    if codes:
        queryset = queryset.filter(category__code__in=codes)
    statuses = {s.strip() for s in params.get("status", "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status must be open or closed."))
    if statuses == {"open"}:
        queryset = queryset.filter(status__in=list(OPEN_STATUSES))
    elif statuses == {"closed"}:
        queryset = queryset.filter(Q(status__in=list(CLOSED)))
    events = list(queryset.order_by("-reported_at", "-id")[:MAX_REQUESTS])
    return respond(fmt, "service_requests", [request_out(e) for e in events])


def _client(request: HttpRequest) -> Open311Client:
    key = request.POST.get("api_key", "").strip()
    if not key:
        raise Open311Error(403, _("api_key is missing: a key is needed to create service requests."))
    client = Open311Client.objects.filter(key_hash=services.token_hash(key), active=True).first()
    if client is None:
        raise Open311Error(403, _("Invalid api_key received: cannot create the service request."))
    return client


def _attribute_values(request: HttpRequest) -> dict[str, str]:
    found: dict[str, str] = {}
    for key in request.POST:
        match = _ATTRIBUTE.fullmatch(key)
        if match:
            found[match.group(1)] = request.POST.get(key, "").strip()
    return found


def _request_create(request: HttpRequest, fmt: str) -> HttpResponse:
    client = _client(request)
    data = request.POST
    code = data.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("service_code was not provided."))
    category = _leaf(code)
    lat, lon = data.get("lat", "").strip(), data.get("long", "").strip()
    address = data.get("address_string", "").strip() or data.get("address_id", "").strip()
    if not ((lat and lon) or address):
        raise Open311Error(400, _("A location is required: lat and long, address_string or address_id."))
    attributes = _attribute_values(request)
    allowed = {a["code"]: {v["key"] for v in a["values"]} for a in _attributes(category)}
    for name, value in attributes.items():
        if name not in allowed:
            raise Open311Error(400, _("attribute “%(name)s” is not defined for this service.") % {"name": name})
        if value not in allowed[name]:
            raise Open311Error(
                400, _("attribute “%(name)s” has no value “%(value)s”.") % {"name": name, "value": value}
            )
    description = data.get("description", "").strip() or category.name
    name = " ".join(p for p in (data.get("last_name", "").strip(), data.get("first_name", "").strip()) if p)
    actor = Actor(kind=ActorKind.ANONYMOUS, display=f"open311:{client.name}")
    urgency = attributes.get("urgency") or Urgency.NORMAL
    if attributes.get("hazard") == "yes" and urgency == Urgency.NORMAL:
        urgency = Urgency.URGENT
    event, _token = services.event_report(
        actor=actor,
        report=services.Report(
            source=Source.OPEN311,
            description=description,
            category_code=category.code,
            urgency=urgency,
            longitude=lon or None,
            latitude=lat or None,
            address=address[:200],
            reporter_name=name,
            reporter_phone=data.get("phone", "").strip(),
            extra={
                "open311_client": client.name,
                "attributes": attributes,
                "media_url": data.get("media_url", "").strip()[:500],
            },
        ),
    )
    notice = _("Received. The case is registered by the city's command centre and dispatched to the department.")
    return respond(
        fmt,
        "service_requests",
        [{"service_request_id": event.number, "service_notice": notice, "account_id": None}],
        status=201,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
@_endpoint
def requests(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _request_create(request, fmt)
    return _request_search(request, fmt)


@require_GET
@_endpoint
def request_detail(request: HttpRequest, number: str, *, fmt: str) -> HttpResponse:
    event = _public().filter(number=number).first()
    if event is None:
        raise Open311Error(404, _("service_request_id “%(id)s” was not found.") % {"id": number})
    return respond(fmt, "service_requests", [request_out(event)])


@require_GET
@_endpoint
def token_detail(request: HttpRequest, token: str, *, fmt: str) -> HttpResponse:
    try:
        event = selectors.event_by_token(token=token)
    except TrackingTokenNotFound:
        raise Open311Error(404, _("token “%(token)s” was not found.") % {"token": token[:64]}) from None
    return respond(fmt, "service_requests", [{"service_request_id": event.number, "token": token}])


def unsupported(request: HttpRequest, rest: str) -> HttpResponse:
    """Any other path or format under /open311/v2/: the general 400 error, in XML (the required format)."""
    fmt = "json" if rest.endswith(".json") else "xml"
    return errors(fmt, 400, [_("The URL is not a GeoReport v2 resource here, or its format is not xml or json.")])
