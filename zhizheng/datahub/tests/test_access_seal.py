"""The daily Merkle root of the data-API access log in the ledger, and its verification (tampering included)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from zhizheng.core.actor import SYSTEM
from zhizheng.core.errors import PermissionDenied
from zhizheng.datahub import tasks
from zhizheng.datahub.errors import SealExists, SealNotDue
from zhizheng.datahub.models import AccessLogSeal, DataAccess
from zhizheng.datahub.services.access_log import access_canonical, access_log_seal, access_log_verify
from zhizheng.datahub.tests.conftest import Hub
from zhizheng.ledger import merkle
from zhizheng.ledger.models import Entry

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _log(day: dt.date, count: int = 3) -> list[DataAccess]:
    return [
        DataAccess.objects.create(
            at=_at(day, 9 + i), caller=f"grant:{i}:MZJ", resource_code="10101/000001", rows=i, outcome="served"
        )
        for i in range(count)
    ]


def test_a_day_is_sealed_with_its_rfc9162_root_in_the_ledger(hub: Hub) -> None:
    entries = _log(YESTERDAY)
    _log(timezone.localdate(), 1)  # today's call is not part of yesterday
    seal = access_log_seal(actor=SYSTEM, day=YESTERDAY)
    expected = merkle.root_from_leaf_hashes([merkle.leaf_hash(access_canonical(e)) for e in entries]).hex()
    assert (seal.entries, seal.root, seal.first_id, seal.last_id) == (3, expected, entries[0].pk, entries[2].pk)
    entry = Entry.objects.get(act="datahub.access_log.sealed")
    assert (entry.index, entry.subject_id, entry.payload["root"]) == (
        seal.ledger_index,
        YESTERDAY.isoformat(),
        expected,
    )
    result = access_log_verify(day=YESTERDAY)
    assert (result.ok, result.first_difference, result.difference) == (True, None, "")


def test_an_edited_entry_is_named(hub: Hub) -> None:
    entries = _log(YESTERDAY)
    access_log_seal(actor=SYSTEM, day=YESTERDAY)
    DataAccess.objects.filter(pk=entries[1].pk).update(rows=999)
    result = access_log_verify(day=YESTERDAY)
    assert (result.ok, result.first_difference, result.difference) == (False, entries[1].pk, "changed")
    assert result.root_now != result.root_recorded


def test_a_deleted_entry_is_named(hub: Hub) -> None:
    entries = _log(YESTERDAY)
    access_log_seal(actor=SYSTEM, day=YESTERDAY)
    DataAccess.objects.filter(pk=entries[0].pk).delete()
    result = access_log_verify(day=YESTERDAY)
    assert (result.ok, result.first_difference, result.difference) == (False, entries[0].pk, "removed")


def test_a_backdated_entry_is_named(hub: Hub) -> None:
    _log(YESTERDAY)
    access_log_seal(actor=SYSTEM, day=YESTERDAY)
    slipped = DataAccess.objects.create(
        at=_at(YESTERDAY, 23), caller="grant:9:JYJ", resource_code="x", outcome="served"
    )
    result = access_log_verify(day=YESTERDAY)
    assert (result.ok, result.first_difference, result.difference) == (False, slipped.pk, "inserted")


def test_rewriting_the_seal_to_match_is_caught_by_the_ledger(hub: Hub) -> None:
    entries = _log(YESTERDAY)
    access_log_seal(actor=SYSTEM, day=YESTERDAY)
    DataAccess.objects.filter(pk=entries[2].pk).update(outcome="datahub.grant_revoked")
    forged = merkle.root_from_leaf_hashes(
        [merkle.leaf_hash(access_canonical(e)) for e in DataAccess.objects.filter(pk__in=[e.pk for e in entries])]
    ).hex()
    AccessLogSeal.objects.filter(day=YESTERDAY).update(root=forged)
    result = access_log_verify(day=YESTERDAY)
    assert (result.ok, result.difference) == (False, "seal_altered")


def test_sealing_rules(hub: Hub) -> None:
    with pytest.raises(SealNotDue):
        access_log_seal(actor=SYSTEM, day=timezone.localdate())
    with pytest.raises(PermissionDenied):
        access_log_seal(actor=hub.reviewer.actor, day=YESTERDAY)
    empty = access_log_seal(actor=SYSTEM, day=YESTERDAY)
    assert (empty.entries, empty.root) == (0, merkle.EMPTY_ROOT.hex())
    with pytest.raises(SealExists):
        access_log_seal(actor=SYSTEM, day=YESTERDAY)
    assert access_log_verify(day=YESTERDAY - dt.timedelta(days=30)).sealed is False


def test_the_nightly_job_seals_each_missing_day_once(hub: Hub) -> None:
    _log(YESTERDAY)
    sealed = tasks.access_log_seal.delay().get()
    assert len(sealed) == 7
    assert sealed[-1] == YESTERDAY.isoformat()
    assert tasks.access_log_seal.delay().get() == []


def test_the_command_verifies_a_day(hub: Hub, capsys: pytest.CaptureFixture[str]) -> None:
    entries = _log(YESTERDAY)
    access_log_seal(actor=SYSTEM, day=YESTERDAY)
    call_command("datahub_access_verify", YESTERDAY.isoformat())
    assert "OK" in capsys.readouterr().out
    DataAccess.objects.filter(pk=entries[0].pk).update(caller="grant:0:SJJ")
    with pytest.raises(SystemExit):
        call_command("datahub_access_verify", YESTERDAY.isoformat())
    assert f"entry {entries[0].pk}" in capsys.readouterr().err
