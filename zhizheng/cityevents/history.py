"""Demo history (issue 6, part 8): real messages of a government message board loaded as past events of 示范市.

``data_history/hot_messages.csv`` (with the public's likes and dislikes) and ``answered_messages.csv`` (with the
official reply and its time) are read into ``MessageRecord``; ``history_import`` stores a batch of them in one
transaction with ``bulk_create``: each becomes an ``Event`` (source portal, anonymous, public, the message's own
time; answered ones closed at the reply time with the reply as the closing note, the others registered and
waiting), a ``BoardMessage`` (number on the board, support, reply; the board's user name only as a keyed hash) and
its timeline steps. The whole batch is ONE ledger entry ``cityevents.history.imported`` (count, first and last
number, SHA-256 of the batch), which keeps the demo load fast; every step of the batch refers to that entry.
Loading is idempotent by the message number.

Places are anonymised in the data (A市, A3区, A7县); they are mapped deterministically to the demo districts and to
a random point (seeded by the message number) inside one of the district's grids, taken from the registries'
spatial units.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import json
import random
import re
import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from shapely import Point
from shapely.geometry import shape

from zhizheng.cityevents.choices import Action, Source, Status
from zhizheng.cityevents.classifier import classify_pairs
from zhizheng.cityevents.errors import EventInvalid
from zhizheng.cityevents.models import BoardMessage, Event, EventStep
from zhizheng.cityevents.services.common import token_hash
from zhizheng.core.actor import Actor
from zhizheng.core.errors import PermissionDenied
from zhizheng.ledger import services as ledger
from zhizheng.registries.choices import SpatialLevel
from zhizheng.registries.spatial import spatial_feature_collection

DATA_DIR = Path(__file__).resolve().parent / "data_history"
HOT_FILE = DATA_DIR / "hot_messages.csv"
ANSWERED_FILE = DATA_DIR / "answered_messages.csv"
BATCH_SIZE = 1000
URBAN_DISTRICTS = ("990102", "990103", "990104", "990105", "990106")
COUNTY = "990121"
ALL_DISTRICTS = (*URBAN_DISTRICTS, COUNTY)
MAX_SUBJECT = 200
MAX_NOTE = 500
CLASSIFIED_DETAIL = 300
"""Characters of a message's detail given to the classifier: 98 % the same category as the whole text on the demo
messages, at 60 % of the time."""
_PLACE = re.compile(r"A(\d{1,2})([区县市])")
_TIME_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d")


@dataclass(frozen=True, slots=True)
class MessageRecord:
    """One message of the board, as read from the CSV files."""

    message_id: str
    author: str
    subject: str
    detail: str
    posted_at: dt.datetime
    likes: int = 0
    dislikes: int = 0
    reply: str = ""
    replied_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int
    skipped: int
    ledger_index: int | None


def parse_time(value: str) -> dt.datetime | None:
    """A board time (``2019/2/28 11:25:05`` and variants) as an aware datetime in the city's time zone."""
    text = (value or "").strip()
    for fmt in _TIME_FORMATS:
        try:
            return timezone.make_aware(dt.datetime.strptime(text, fmt))
        except ValueError:
            continue
    return None


def _count(value: str) -> int:
    text = (value or "").strip()
    return int(text) if text.isdigit() else 0


def read_messages(path: Path, *, limit: int | None = None) -> Iterator[MessageRecord]:
    """The messages of one board file (hot or answered). Rows without a number or a readable time are skipped."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for count, row in enumerate(csv.DictReader(handle)):
            if limit is not None and count >= limit:
                return
            number = (row.get("留言编号") or "").strip()
            posted = parse_time(row.get("留言时间", ""))
            if not number or posted is None:
                continue
            yield MessageRecord(
                message_id=number,
                author=(row.get("留言用户") or "").strip(),
                subject=(row.get("留言主题") or "").strip(),
                detail=(row.get("留言详情") or "").strip(),
                posted_at=posted,
                likes=_count(row.get("点赞数", "")),
                dislikes=_count(row.get("反对数", "")),
                reply=(row.get("答复意见") or "").strip(),
                replied_at=parse_time(row.get("答复时间", "")),
            )


def demo_messages(*, limit: int | None = None) -> list[MessageRecord]:
    """Both files of the demo history (each cut to ``limit`` rows when given)."""
    return [*read_messages(HOT_FILE, limit=limit), *read_messages(ANSWERED_FILE, limit=limit)]


def author_hash(author: str) -> str:
    """A keyed hash of the board's pseudonymous user id: groups one author's messages without keeping the id."""
    if not author:
        return ""
    key = hashlib.sha256(("cityevents.board-author:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, author.encode(), hashlib.sha256).hexdigest()


def district_for(record: MessageRecord) -> str:
    """The demo district of a message: A1区…A5区 (and further 区 in turn) to the five urban districts, a 县 or a
    county-level 市 (A7县, A9市) to the county; a message naming no place to a district chosen by its number."""
    found = _PLACE.search(record.subject) or _PLACE.search(record.detail)
    if found is None:
        digest = hashlib.sha256(record.message_id.encode()).digest()
        return ALL_DISTRICTS[digest[0] % len(ALL_DISTRICTS)]
    number, kind = int(found.group(1)), found.group(2)
    if kind == "区":
        return URBAN_DISTRICTS[(number - 1) % len(URBAN_DISTRICTS)]
    return COUNTY


@dataclass(frozen=True, slots=True)
class _Grid:
    code: str
    street: str
    polygon: Any
    weight: float


class Placer:
    """Random points (seeded by the message number) inside the grids of a district, weighted by grid area."""

    def __init__(self) -> None:
        grids: dict[str, list[_Grid]] = {}
        for feature in spatial_feature_collection(level=SpatialLevel.GRID)["features"]:
            props = feature["properties"]
            polygon = shape(feature["geometry"])
            grids.setdefault(props["code"][:6], []).append(
                _Grid(props["code"], props["parent"] or "", polygon, max(props["area_km2"] or 0.0, 1e-6))
            )
        self._grids = grids

    def place(self, district: str, seed: str) -> dict[str, Any]:
        choices = self._grids.get(district)
        if not choices:
            return {"district_code": district}
        rng = random.Random(f"cityevents.history:{seed}")
        grid = rng.choices(choices, weights=[g.weight for g in choices])[0]
        west, south, east, north = grid.polygon.bounds
        lon, lat = grid.polygon.representative_point().coords[0]
        for _attempt in range(50):
            x, y = rng.uniform(west, east), rng.uniform(south, north)
            if grid.polygon.contains(Point(x, y)):
                lon, lat = x, y
                break
        return {
            "district_code": district,
            "street_code": grid.street,
            "grid_code": grid.code,
            "longitude": round(lon, 6),
            "latitude": round(lat, 6),
        }


def _suggestions(records: Sequence[MessageRecord]) -> list[tuple[str, float | None, str, str]]:
    """(category, confidence, department, error) per record: one classifier call for the whole batch."""
    try:
        predictions = classify_pairs([(r.subject, r.detail[:CLASSIFIED_DETAIL]) for r in records])
    except Exception as exc:  # noqa: BLE001 - history without a category is still history
        error = f"{type(exc).__name__}: {exc}"[:200]
        return [("", None, "", error) for _ in records]
    return [(p.category, float(p.confidence), p.department, "") for p in predictions]


def _description(record: MessageRecord) -> str:
    text = f"{record.subject}\n{record.detail}" if record.detail else record.subject
    return text[:4000]


@transaction.atomic
def history_import(*, actor: Actor, records: Iterable[MessageRecord], classify: bool = True) -> ImportResult:
    """Store message-board messages as past events (one transaction, bulk inserts, ONE ledger entry for the batch).
    Messages already loaded (same number) are skipped, so running it again changes nothing. System only."""
    if not (actor.is_system or actor.is_superuser):
        raise PermissionDenied()
    unique: dict[str, MessageRecord] = {}
    for record in records:
        if not record.message_id or len(record.message_id) > 20:
            raise EventInvalid(field_errors={"message_id": [_("A message number of 1-20 characters is required.")]})
        unique.setdefault(record.message_id, record)
    known = set(BoardMessage.objects.filter(message_id__in=list(unique)).values_list("message_id", flat=True))
    fresh = [r for number, r in sorted(unique.items()) if number not in known]
    skipped = len(unique) - len(fresh)
    if not fresh:
        return ImportResult(created=0, skipped=skipped, ledger_index=None)
    digest = hashlib.sha256(
        json.dumps([[r.message_id, r.subject, r.posted_at.isoformat()] for r in fresh], ensure_ascii=False).encode()
    ).hexdigest()
    entry = ledger.record(
        actor=actor,
        act="cityevents.history.imported",
        subject=("cityevents.boardmessage", f"{fresh[0].message_id}-{fresh[-1].message_id}"),
        payload={
            "count": len(fresh),
            "first": fresh[0].message_id,
            "last": fresh[-1].message_id,
            "answered": sum(1 for r in fresh if r.replied_at is not None),
            "sha256": digest,
        },
    )
    ledger_index: int | None = entry.index
    placer = Placer()
    suggestions = _suggestions(fresh) if classify else [("", None, "", "not classified") for _ in fresh]
    events = []
    for record, (category, confidence, department, error) in zip(fresh, suggestions, strict=True):
        answered = record.replied_at is not None
        replied_at = max(record.replied_at, record.posted_at) if record.replied_at is not None else None
        events.append(
            Event(
                number=f"H{record.message_id}",
                source=Source.PORTAL,
                status=Status.CLOSED if answered else Status.REGISTERED,
                description=_description(record),
                address="",
                anonymous=True,
                tracking_token_hash=token_hash(secrets.token_urlsafe(16)),
                is_public=True,
                suggested_category=category,
                suggested_confidence=confidence,
                suggested_department_code=department,
                classification_error=error,
                reported_at=record.posted_at,
                handled_at=replied_at,
                closed_at=replied_at,
                status_notes=record.reply[:MAX_NOTE],
                **placer.place(district_for(record), record.message_id),
            )
        )
    Event.objects.bulk_create(events, batch_size=500)
    by_number = dict(Event.objects.filter(number__in=[e.number for e in events]).values_list("number", "pk"))
    messages, steps = [], []
    for record in fresh:
        pk = by_number[f"H{record.message_id}"]
        messages.append(
            BoardMessage(
                event_id=pk,
                message_id=record.message_id,
                author_hash=author_hash(record.author),
                subject=record.subject[:MAX_SUBJECT],
                likes=record.likes,
                dislikes=record.dislikes,
                reply=record.reply,
                replied_at=record.replied_at,
            )
        )
        common = {"event_id": pk, "actor_ref": "system", "actor_display": "问政平台", "ledger_index": ledger_index}
        steps.append(
            EventStep(action=Action.REPORT, from_status="", to_status=Status.REGISTERED, at=record.posted_at, **common)
        )
        if record.replied_at is not None:
            steps.append(
                EventStep(
                    action=Action.CLOSE,
                    from_status=Status.REGISTERED,
                    to_status=Status.CLOSED,
                    at=max(record.replied_at, record.posted_at),
                    note=record.reply,
                    **common,
                )
            )
    BoardMessage.objects.bulk_create(messages, batch_size=500)
    EventStep.objects.bulk_create(steps, batch_size=500)
    return ImportResult(created=len(fresh), skipped=skipped, ledger_index=ledger_index)


def history_load(*, actor: Actor, limit: int | None = None, batch_size: int = BATCH_SIZE) -> ImportResult:
    """Load the demo history from the copied files in batches of ``batch_size`` (one ledger entry each)."""
    records = demo_messages(limit=limit)
    created = skipped = 0
    last: int | None = None
    for start in range(0, len(records), batch_size):
        result = history_import(actor=actor, records=records[start : start + batch_size])
        created, skipped = created + result.created, skipped + result.skipped
        last = result.ledger_index if result.ledger_index is not None else last
    return ImportResult(created=created, skipped=skipped, ledger_index=last)
