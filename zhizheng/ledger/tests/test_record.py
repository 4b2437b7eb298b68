"""Recording acts: the entry lives and dies with the caller's transaction, the public leaf holds no personal data in
clear, and the stored tree always equals the tree recomputed from the leaves."""

from __future__ import annotations

import base64
import json

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from zhizheng.core.actor import ANONYMOUS, SYSTEM, Actor, ActorKind
from zhizheng.ledger import leaf, merkle, selectors, services
from zhizheng.ledger.errors import InvalidAct
from zhizheng.ledger.models import Entry, TreeHead, TreeNode
from zhizheng.ledger.tests import factories

pytestmark = pytest.mark.django_db


def _document(entry: Entry) -> dict[str, object]:
    return json.loads(bytes(entry.leaf))


def test_record_appends_an_entry_with_the_documented_leaf(staff: Actor) -> None:
    user = get_user_model().objects.create_user(username="applicant1")
    entry = services.record(
        actor=staff,
        act="accounts.user.verified",
        subject=user,
        payload={"level": 2, "department": "990102-01"},
    )
    assert entry.index == 0
    stored = Entry.objects.get(index=0)
    document = _document(stored)
    assert document == {
        "v": 1,
        "index": 0,
        "time": leaf.format_time(stored.created_at),
        "act": "accounts.user.verified",
        "subject": {"type": "accounts.user", "id": str(user.pk)},
        "actor": "user:7",
        "payload": {"level": 2, "department": "990102-01"},
    }
    assert bytes(stored.leaf) == leaf.canonical(document)
    assert bytes(stored.leaf_hash) == merkle.leaf_hash(bytes(stored.leaf))
    assert selectors.tree_size() == 1


def test_personal_fields_are_salted_hashes_that_the_salt_holder_can_prove(citizen: Actor) -> None:
    entry = services.record(
        actor=citizen,
        act="govservices.application.submitted",
        subject=("govservices.application", 9),
        payload={"applicant_name": "张三", "nested": {"id_number": "110105199001011234"}, "count": 3, "x": "y"},
        personal=("x",),
    )
    text = bytes(entry.leaf).decode()
    for secret in ("张三", "110105199001011234", "user:42", "王科员"):
        assert secret not in text
    document = _document(entry)
    payload = document["payload"]
    assert isinstance(payload, dict)
    assert payload["count"] == 3
    salt = bytes(entry.salt)
    assert leaf.is_protected_match(salt, "payload.applicant_name", "张三", payload["applicant_name"])
    nested = payload["nested"]["id_number"]
    assert leaf.is_protected_match(salt, "payload.nested.id_number", "110105199001011234", nested)
    assert leaf.is_protected_match(salt, "payload.x", "y", payload["x"])
    assert not leaf.is_protected_match(salt, "payload.applicant_name", "李四", payload["applicant_name"])
    # A citizen acting for themselves appears as a hash; the private columns keep everything for auditors.
    assert leaf.is_protected_match(salt, "actor", "user:42", str(document["actor"]))
    assert entry.payload["applicant_name"] == "张三"
    assert entry.actor_ref == "user:42"


def test_the_same_value_hashes_differently_in_two_entries() -> None:
    first = factories.entry(payload={"name": "张三"})
    second = factories.entry(payload={"name": "张三"})
    assert _document(first)["payload"] != _document(second)["payload"]


@pytest.mark.parametrize(
    ("actor", "shown"),
    [
        (SYSTEM, "system"),
        (ANONYMOUS, "anonymous"),
        (Actor(kind=ActorKind.API_CLIENT, client_id=3), "client:3"),
        (Actor(kind=ActorKind.USER, user_id=7, user_kind="staff"), "user:7"),
    ],
)
def test_officials_clients_and_the_system_are_shown_in_clear(actor: Actor, shown: str) -> None:
    assert _document(factories.entry(actor=actor))["actor"] == shown


def test_the_entry_rolls_back_with_the_callers_transaction() -> None:
    factories.entry()

    def business_change_that_fails() -> None:
        with transaction.atomic():
            factories.entry()
            assert selectors.tree_size() == 2
            raise RuntimeError("the business change failed")

    with pytest.raises(RuntimeError):
        business_change_that_fails()
    assert selectors.tree_size() == 1
    assert list(Entry.objects.values_list("index", flat=True)) == [0]
    again = factories.entry()
    assert again.index == 1  # no gap where the rolled-back entry was


def test_record_many_appends_in_order_and_the_stored_tree_matches_the_reference() -> None:
    factories.entry()
    batch = factories.entries(20)
    assert [e.index for e in batch] == list(range(1, 21))
    hashes = [bytes(h) for h in Entry.objects.order_by("index").values_list("leaf_hash", flat=True)]
    size, frontier = selectors.head_read()
    assert size == 21
    assert merkle.frontier_root(frontier) == merkle.root_from_leaf_hashes(hashes)
    assert selectors.root_at(13) == merkle.root_from_leaf_hashes(hashes[:13])
    # Complete subtrees only: 21 leaves + 10 + 5 + 2 + 1 internal nodes.
    assert TreeNode.objects.count() == 21 + 10 + 5 + 2 + 1
    assert services.record_many(actor=SYSTEM, acts=[]) == []


def test_an_append_touches_a_logarithmic_number_of_rows(django_assert_max_num_queries: object) -> None:
    factories.entries(1000)
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        factories.entry()


def test_proofs_from_the_database_verify() -> None:
    factories.entries(37)
    hashes = [bytes(h) for h in Entry.objects.order_by("index").values_list("leaf_hash", flat=True)]
    for size in (1, 2, 5, 16, 37):
        root = merkle.root_from_leaf_hashes(hashes[:size])
        for index in {0, size // 2, size - 1}:
            proof = selectors.inclusion_proof(index=index, size=size)
            merkle.verify_inclusion(index, size, hashes[index], proof, root)
        for first in {1, size // 3 or 1, size}:
            proof = selectors.consistency_proof(first=first, second=size)
            merkle.verify_consistency(first, size, proof, merkle.root_from_leaf_hashes(hashes[:first]), root)


def test_a_proof_is_one_query(django_assert_num_queries: object) -> None:
    factories.entries(300)
    with django_assert_num_queries(1):  # type: ignore[operator]
        selectors.inclusion_proof(index=123, size=299)
    with django_assert_num_queries(1):  # type: ignore[operator]
        selectors.consistency_proof(first=77, second=300)


@pytest.mark.parametrize(
    ("act", "reason"),
    [
        ("approved", "<app>.<noun>.<past-verb>"),
        ("govservices.application.approve", "past-tense verb"),
        ("Govservices.application.approved", "<app>.<noun>.<past-verb>"),
        ("govservices.application.approved.again", "<app>.<noun>.<past-verb>"),
    ],
)
def test_bad_act_names_are_refused_and_nothing_is_written(act: str, reason: str) -> None:
    with pytest.raises(InvalidAct, match=reason):
        services.record(actor=SYSTEM, act=act, subject=("govservices.application", 1))
    assert Entry.objects.count() == 0
    assert TreeHead.objects.filter(size__gt=0).count() == 0


def test_irregular_past_participles_are_accepted() -> None:
    assert factories.entry(act="certificates.certificate.withdrawn").act == "certificates.certificate.withdrawn"


@pytest.mark.parametrize(
    ("subject", "payload", "reason"),
    [
        (("Bad Type", 1), None, "subject type"),
        (("govservices.application", ""), None, "subject id"),
        (("govservices.application", "x" * 65), None, "subject id"),
        ("not a subject", None, "saved model or a"),
        (("govservices.application", 1), {"big": 2**60}, "cannot be canonicalised"),
        (("govservices.application", 1), {"when": object()}, "not JSON"),
        (("govservices.application", 1), ["not", "a", "mapping"], "mapping"),
        (("govservices.application", 1), {"blob": "x" * 70_000}, "exceed"),
    ],
)
def test_bad_subjects_and_payloads_are_refused(subject: object, payload: object, reason: str) -> None:
    with pytest.raises(InvalidAct, match=reason):
        services.record(actor=SYSTEM, act="govservices.application.approved", subject=subject, payload=payload)  # type: ignore[arg-type]
    assert Entry.objects.count() == 0


def test_an_unsaved_subject_is_refused() -> None:
    user = get_user_model()(username="not-saved")
    with pytest.raises(InvalidAct, match="saved before"):
        services.record(actor=SYSTEM, act="accounts.user.created", subject=user)


def test_dates_and_decimals_in_the_payload_become_strings() -> None:
    import datetime as dt
    from decimal import Decimal

    entry = factories.entry(payload={"on": dt.date(2026, 1, 2), "fee": Decimal("12.50")})
    assert _document(entry)["payload"] == {"on": "2026-01-02", "fee": "12.50"}
    assert base64.b64encode(bytes(entry.leaf_hash))


def test_private_payload_is_for_auditors_only(staff: Actor) -> None:
    from zhizheng.core.errors import PermissionDenied

    factories.entry(payload={"name": "张三"})
    auditor = Actor(kind=ActorKind.USER, user_id=8, user_kind="staff", roles=frozenset({("990100-03", "auditor")}))
    assert selectors.entry_private_get(actor=auditor, index=0).payload == {"name": "张三"}
    assert selectors.entry_private_get(actor=SYSTEM, index=0).payload == {"name": "张三"}
    for actor in (staff, ANONYMOUS):
        with pytest.raises(PermissionDenied):
            selectors.entry_private_get(actor=actor, index=0)


def test_a_batch_numbers_acts_as_recorded_and_writes_them_once_with_the_same_tree() -> None:
    factories.entries(5)
    with transaction.atomic():
        with services.batch():
            first = services.record(actor=SYSTEM, act="certificates.certificate.issued", subject=("x.y", 1))
            more = services.record_many(
                actor=SYSTEM,
                acts=[services.Act(act="govservices.application.approved", subject=("x.y", n)) for n in (2, 3)],
            )
            assert [first.index, *(e.index for e in more)] == [5, 6, 7]
            assert Entry.objects.count() == 5  # numbered, not written yet
        assert Entry.objects.count() == 8
    hashes = [bytes(h) for h in Entry.objects.order_by("index").values_list("leaf_hash", flat=True)]
    size, frontier = selectors.head_read()
    assert size == 8
    assert merkle.frontier_root(frontier) == merkle.root_from_leaf_hashes(hashes)
    assert TreeNode.objects.count() == 8 + 4 + 2 + 1
    assert selectors.root_at(6) == merkle.root_from_leaf_hashes(hashes[:6])


def test_a_batch_reads_and_writes_the_head_once(django_assert_max_num_queries: object) -> None:
    factories.entries(3)
    # savepoint and release per call (2 x 2), one head read, entries, nodes, head update (PostgreSQL's COPY is not
    # counted); two separate records take 12
    with transaction.atomic(), django_assert_max_num_queries(8), services.batch():  # type: ignore[operator]
        services.record(actor=SYSTEM, act="certificates.certificate.issued", subject=("x.y", 1))
        services.record(actor=SYSTEM, act="govservices.application.approved", subject=("x.y", 1))
    assert selectors.tree_size() == 5


def _approval_that_fails() -> None:
    with transaction.atomic(), services.batch():
        services.record(actor=SYSTEM, act="certificates.certificate.issued", subject=("x.y", 1))
        raise RuntimeError("the approval failed")


def test_an_exception_leaving_a_batch_writes_nothing() -> None:
    factories.entries(2)
    with pytest.raises(RuntimeError):
        _approval_that_fails()
    assert selectors.tree_size() == 2
    assert Entry.objects.count() == 2
    assert services.record(actor=SYSTEM, act="certificates.certificate.issued", subject=("x.y", 1)).index == 2


def test_a_refused_act_inside_a_batch_leaves_the_numbering_intact() -> None:
    with transaction.atomic(), services.batch():
        services.record(actor=SYSTEM, act="certificates.certificate.issued", subject=("x.y", 1))
        with pytest.raises(InvalidAct):
            services.record(actor=SYSTEM, act="govservices.application.approved", subject=("x.y", 1),
                            payload={"big": 2**60})  # fmt: skip
        assert services.record(actor=SYSTEM, act="govservices.application.approved", subject=("x.y", 2)).index == 1
    assert list(Entry.objects.order_by("index").values_list("index", "subject_id")) == [(0, "1"), (1, "2")]
    hashes = [bytes(h) for h in Entry.objects.order_by("index").values_list("leaf_hash", flat=True)]
    assert merkle.frontier_root(selectors.head_read()[1]) == merkle.root_from_leaf_hashes(hashes)


@pytest.mark.django_db(transaction=True)
def test_a_batch_needs_the_callers_transaction() -> None:
    with pytest.raises(transaction.TransactionManagementError), services.batch():
        pass
