"""Refusals without an HTTP round trip: an inverted validity, a batch refused at one request, a bad share link.
Nothing is written when a request is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zhizheng.certificates import services
from zhizheng.certificates.errors import HolderUnknown, ShareLinkInvalid, ValidityInvalid
from zhizheng.certificates.models import Certificate, ShareLink
from zhizheng.certificates.tests.conftest import World, holder_user, id_card_data
from zhizheng.core.actor import SYSTEM
from zhizheng.ledger.models import Entry
from zhizheng.orgs.selectors import actor_for_user


def test_validity_ending_before_it_starts_is_refused(world: World) -> None:
    now = timezone.now()
    entries = Entry.objects.count()
    with pytest.raises(ValidityInvalid) as caught:
        services.certificate_issue(
            actor=SYSTEM,
            certificate_type="CT-SFZ",
            holder=world.resident.id_number,
            subject=id_card_data(world.resident),
            valid_from=now,
            valid_until=now,
        )
    assert caught.value.code == "certificates.validity_invalid"
    assert (Certificate.objects.count(), Entry.objects.count()) == (0, entries)


def test_a_batch_names_the_refused_request_and_issues_none(world: World) -> None:
    good = services.IssueRequest(
        certificate_type="CT-SFZ", holder=world.resident.id_number, subject=id_card_data(world.resident)
    )
    unknown = services.IssueRequest(certificate_type="CT-SFZ", holder="11010519491231002X", subject={"name": "某"})
    with pytest.raises(HolderUnknown) as caught:
        services.certificates_issue_many(actor=SYSTEM, requests=[good, unknown])
    assert caught.value.batch_position == 1  # type: ignore[attr-defined]
    assert Certificate.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "lifetime"),
    [
        ([], dt.timedelta(days=1)),
        (["name", "no_such_field"], dt.timedelta(days=1)),
        (["name"], dt.timedelta(minutes=59)),
        (["name"], dt.timedelta(days=31)),
    ],
)
def test_a_share_link_needs_own_fields_and_a_lifetime_of_1_hour_to_30_days(
    world: World, id_card: Certificate, fields: list[str], lifetime: dt.timedelta
) -> None:
    holder = actor_for_user(holder_user(world.resident))
    with pytest.raises(ShareLinkInvalid):
        services.share_link_create(actor=holder, certificate=id_card, fields=fields, lifetime=lifetime)
    assert ShareLink.objects.count() == 0
