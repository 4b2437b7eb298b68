"""Signing refuses a tree head that does not extend the last signed checkpoint (c2sp.org/tlog-checkpoint)."""

from __future__ import annotations

import pytest

from zhizheng.core.actor import SYSTEM
from zhizheng.ledger import note, services
from zhizheng.ledger.errors import LogInconsistent
from zhizheng.ledger.models import Checkpoint
from zhizheng.ledger.tests import factories

pytestmark = pytest.mark.django_db


def test_a_changed_signed_root_stops_signing(ledger_key: note.Signer) -> None:
    factories.entries(3)
    signed = factories.checkpoint()
    Checkpoint.objects.filter(pk=signed.pk).update(root_hash=b"\x00" * 32)
    factories.entries(1)

    with pytest.raises(LogInconsistent) as caught:
        services.checkpoint_sign(actor=SYSTEM)

    assert caught.value.status == 500
    assert caught.value.detail_en == (
        "The ledger refused to sign: the stored tree no longer gives the root signed at size 3. "
        "An operator must run “manage.py ledger_audit”."
    )
    assert list(Checkpoint.objects.values_list("size", flat=True)) == [3]


def test_a_checkpoint_larger_than_the_tree_stops_signing(ledger_key: note.Signer) -> None:
    factories.entries(2)
    signed = factories.checkpoint()
    Checkpoint.objects.filter(pk=signed.pk).update(size=5)

    with pytest.raises(LogInconsistent) as caught:
        services.checkpoint_sign(actor=SYSTEM)

    assert caught.value.code == "ledger.log_inconsistent"
    assert "the tree has 2 entries but checkpoint 5 was signed" in caught.value.detail_en
    assert list(Checkpoint.objects.values_list("size", flat=True)) == [5]
