"""Photos, the category tree, the caller's earlier events and similar open events."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from zhizheng.cityevents import selectors, services
from zhizheng.cityevents.choices import Source
from zhizheng.cityevents.errors import PhotoRejected, TrackingTokenNotFound
from zhizheng.cityevents.models import Category, Event, EventPhoto
from zhizheng.cityevents.photos import MAX_PHOTO_BYTES
from zhizheng.cityevents.taxonomy import categories_load
from zhizheng.cityevents.tests import factories
from zhizheng.core.actor import ANONYMOUS, SYSTEM
from zhizheng.core.errors import PermissionDenied

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def test_photos_are_kept_with_the_type_read_from_their_content(loop):
    photos = [SimpleUploadedFile("a.png", PNG, "image/jpeg"), SimpleUploadedFile("b.bin", JPEG, "text/plain")]
    event, _ = factories.report(loop.citizen.actor, photos=photos)
    kept = list(EventPhoto.objects.filter(event=event).values_list("content_type", "size"))
    assert kept == [("image/png", len(PNG)), ("image/jpeg", len(JPEG))]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("x.jpg", b"GIF89a" + b"\x00" * 20, "image/jpeg"),
            "“x.jpg” is not a JPEG, PNG or WebP image.",
        ),
        (SimpleUploadedFile("e.png", b"", "image/png"), "“e.png” is empty."),
        (
            SimpleUploadedFile("big.jpg", JPEG + b"\x00" * MAX_PHOTO_BYTES, "image/jpeg"),
            "“big.jpg” is larger than 5 MB.",
        ),
    ],
)
def test_bad_photos_are_refused_with_a_clear_message_and_nothing_is_kept(loop, upload, message):
    with pytest.raises(PhotoRejected) as caught:
        factories.report(loop.citizen.actor, photos=[upload])
    assert caught.value.status == 422
    with translation.override("en"):
        assert [str(m) for m in caught.value.field_errors["photos"]] == [message]
    name = message.split("”")[0].lstrip("“")
    with translation.override("zh-hans"):
        chinese = str(caught.value.field_errors["photos"][0])
    assert chinese.startswith(f"“{name}”")
    assert chinese != message
    assert Event.objects.count() == 0
    assert EventPhoto.objects.count() == 0


def test_too_many_photos(loop):
    with pytest.raises(PhotoRejected):
        factories.report(loop.citizen.actor, photos=[SimpleUploadedFile(f"{i}.png", PNG) for i in range(7)])


def test_the_category_tree_loads_idempotently():
    Category.objects.all().delete()
    created = categories_load(actor=SYSTEM)
    assert Category.objects.filter(level=1).count() == 16
    assert Category.objects.filter(level=3).count() == 517 + 12
    assert created == Category.objects.count()
    assert categories_load(actor=SYSTEM) == 0
    manhole = Category.objects.get(name="井盖缺失")
    assert (manhole.level, manhole.parent.name, manhole.parent.parent.name) == (3, "市政设施", "城市管理")
    assert (manhole.department_code, manhole.limit_days, manhole.urgent_limit_hours) == ("ZJJ", 1, 2)
    assert Category.objects.get(level=1, name="城乡建设").department_code == "ZJJ"
    with pytest.raises(PermissionDenied):
        categories_load(actor=ANONYMOUS)


def test_tracking_token_opens_the_event(loop):
    event, token = factories.report(ANONYMOUS)
    assert selectors.event_by_token(token=token).pk == event.pk
    for bad in ("", "nope", "x" * 100):
        with pytest.raises(TrackingTokenNotFound):
            selectors.event_by_token(token=bad)


def test_callers_earlier_events_by_phone_for_operators_only(loop):
    first, _ = factories.report(loop.operator.actor, source=Source.HOTLINE, reporter_phone="13811112222")
    factories.report(loop.operator.actor, source=Source.HOTLINE, reporter_phone="13900000000")
    found = selectors.events_for_caller(actor=loop.operator.actor, phone="138-1111-2222")
    assert [e.pk for e in found] == [first.pk]
    with pytest.raises(PermissionDenied):
        selectors.events_for_caller(actor=loop.dispatcher.actor, phone="13811112222")


def test_similar_open_events(loop):
    near, _ = factories.report(ANONYMOUS, description="人民路12号井盖缺失，晚上很危险")
    factories.report(ANONYMOUS, description="学校门口早上交通拥堵")
    found = selectors.similar_open_events(actor=loop.operator.actor, text="人民路井盖缺失了")
    assert [s.event.pk for s in found] == [near.pk]
    assert 0.2 <= found[0].score <= 1
    assert selectors.similar_open_events(actor=loop.citizen.actor, text="人民路井盖缺失了") == []


def test_scope_of_event_lists(loop, django_assert_max_num_queries):
    mine, _ = factories.report(loop.citizen.actor)
    factories.report(ANONYMOUS)
    assert [e.pk for e in selectors.event_list(actor=loop.citizen.actor)] == [mine.pk]
    assert selectors.event_list(actor=ANONYMOUS).count() == 0
    assert selectors.event_list(actor=loop.other_staff.actor).count() == 0
    with django_assert_max_num_queries(2):
        assert len(list(selectors.event_list(actor=loop.dispatcher.actor))) == 2
    counts = selectors.event_status_counts(actor=loop.dispatcher.actor)
    assert counts["collected"] == 2
    assert counts["closed"] == 0
    assert len(counts) == 9
    assert services.phone_hash("8613811112222") == services.phone_hash("138 1111 2222")


def test_a_point_in_the_city_is_placed_in_its_district_street_and_grid(loop):
    from zhizheng.registries.spatial import CENTRE, spatial_unit_at, spatial_units_load

    spatial_units_load(actor=SYSTEM)
    lon, lat = CENTRE
    where = spatial_unit_at(lon, lat)
    assert where is not None
    event, _ = factories.report(ANONYMOUS, longitude=str(lon), latitude=str(lat), district_code="")
    assert (event.district_code, event.street_code, event.grid_code) == (
        where.district.code,
        where.street.code,
        where.grid.code,
    )
    outside, _ = factories.report(ANONYMOUS, longitude="10", latitude="10", district_code="990103")
    assert (outside.district_code, outside.street_code, outside.grid_code) == ("990103", "", "")
