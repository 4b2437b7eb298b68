"""Tamper evidence: change, delete, insert or reorder entries directly in the database, and the audit fails and
names the first entry concerned."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from zhizheng.ledger import leaf, merkle, note
from zhizheng.ledger.audit import audit_log
from zhizheng.ledger.models import Checkpoint, Entry, TreeHead, TreeNode
from zhizheng.ledger.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(ledger_key: note.Signer) -> list[Entry]:
    """Twelve entries with checkpoints signed at sizes 4 and 10."""
    made = factories.entries(4)
    factories.checkpoint()
    made += factories.entries(6)
    factories.checkpoint()
    made += factories.entries(2)
    return made


def _rederive(entry: Entry, **changes: object) -> bytes:
    fields = {
        "index": entry.index,
        "created_at": entry.created_at,
        "act": entry.act,
        "subject_type": entry.subject_type,
        "subject_id": entry.subject_id,
        "actor_ref": entry.actor_ref,
        "actor_disclosed": entry.actor_disclosed,
        "payload": entry.payload,
        "personal": entry.personal_fields,
        "salt": bytes(entry.salt),
    }
    fields.update(changes)
    return leaf.leaf_bytes(**fields)


def _first(kind: str | None = None) -> tuple[str, int | None]:
    report = audit_log(chunk_size=5)  # small chunks: the paging must not hide anything
    assert not report.ok
    first = report.first
    assert first is not None
    if kind is not None:
        assert kind in {f.kind for f in report.findings}
    return first.kind, first.index


def test_an_untouched_log_passes_the_audit(log: list[Entry]) -> None:
    report = audit_log(chunk_size=5)
    assert report.ok, report.findings
    assert (report.head_size, report.entries_checked, report.checkpoints_checked) == (12, 12, 2)
    out = StringIO()
    call_command("ledger_audit", stdout=out)
    assert "ledger audit OK" in out.getvalue()


def test_an_altered_payload_names_its_entry(log: list[Entry]) -> None:
    Entry.objects.filter(index=3).update(payload={"n": 3, "name": "李四"})
    assert _first() == ("entry_altered", 3)
    with pytest.raises(CommandError, match="entry #3"):
        call_command("ledger_audit", stdout=StringIO())


def test_an_altered_act_column_names_its_entry(log: list[Entry]) -> None:
    Entry.objects.filter(index=8).update(act="registries.record.deleted")
    assert _first() == ("entry_altered", 8)


def test_a_rewritten_leaf_with_its_hash_names_its_entry(log: list[Entry]) -> None:
    entry = Entry.objects.get(index=5)
    forged = _rederive(entry, payload={"n": 99, "name": "人5"})
    changed = {"payload": {"n": 99, "name": "人5"}, "leaf": forged, "leaf_hash": merkle.leaf_hash(forged)}
    Entry.objects.filter(index=5).update(**changed)
    assert _first("node_mismatch") == ("node_mismatch", 5)


def test_a_leaf_hash_changed_alone_names_its_entry(log: list[Entry]) -> None:
    Entry.objects.filter(index=11).update(leaf_hash=b"\x00" * 32)
    assert _first() == ("leaf_hash_mismatch", 11)


def test_a_deleted_entry_is_named(log: list[Entry]) -> None:
    Entry.objects.filter(index=4).delete()
    assert _first("entry_missing") == ("entry_missing", 4)
    report = audit_log()
    assert [f.kind for f in report.findings if f.kind == "entry_missing"] == ["entry_missing"]


def test_the_last_entry_deleted_is_named(log: list[Entry]) -> None:
    Entry.objects.filter(index=11).delete()
    assert _first() == ("entry_missing", 11)


def test_an_entry_inserted_in_the_middle_is_named(log: list[Entry]) -> None:
    for index in range(11, 5, -1):  # make room at 6, highest first so that the keys never collide
        Entry.objects.filter(index=index).update(index=index + 1)
    template = Entry.objects.get(index=5)
    inserted = Entry(
        index=6,
        created_at=template.created_at,
        act="registries.record.created",
        subject_type="registries.record",
        subject_id="forged",
        actor_ref="system",
        actor_disclosed=True,
        payload={},
        personal_fields=[],
        salt=bytes(template.salt),
    )
    inserted.leaf = _rederive(inserted)
    inserted.leaf_hash = merkle.leaf_hash(inserted.leaf)
    inserted.save(force_insert=True)
    kind, index = _first("entry_outside_tree")
    assert index == 6
    assert kind in {"node_mismatch", "checkpoint_mismatch"}


def test_an_entry_appended_outside_the_log_is_named(log: list[Entry]) -> None:
    extra = Entry.objects.get(index=11)
    extra.index = 12
    extra.save(force_insert=True)
    assert _first() == ("entry_outside_tree", 12)


def test_reordered_entries_are_named(log: list[Entry]) -> None:
    Entry.objects.filter(index=2).update(index=1_000_000)
    Entry.objects.filter(index=7).update(index=2)
    Entry.objects.filter(index=1_000_000).update(index=7)
    assert _first() == ("entry_altered", 2)
    report = audit_log()
    assert {f.index for f in report.findings if f.kind == "entry_altered"} == {2, 7}


def test_a_wholesale_rewrite_is_caught_by_the_signed_checkpoints(log: list[Entry]) -> None:
    """Someone rewrites entry 3 and recomputes leaves, nodes and head: only the signatures remember the truth."""
    entry = Entry.objects.get(index=3)
    forged = _rederive(entry, payload={"n": 3, "name": "改"})
    changed = {"payload": {"n": 3, "name": "改"}, "leaf": forged, "leaf_hash": merkle.leaf_hash(forged)}
    Entry.objects.filter(index=3).update(**changed)
    TreeNode.objects.all().delete()
    frontier: list[bytes] = []
    rows = []
    for position, digest in enumerate(Entry.objects.order_by("index").values_list("leaf_hash", flat=True)):
        for level, index, value in merkle.append_to_frontier(frontier, position, bytes(digest)):
            rows.append(TreeNode(key=merkle.node_key(level, index), hash=value))
    TreeNode.objects.bulk_create(rows)
    TreeHead.objects.filter(pk=1).update(frontier=merkle.encode_frontier(frontier))
    with translation.override("en"):
        report = audit_log()
    assert [f.kind for f in report.findings] == ["checkpoint_mismatch", "checkpoint_mismatch"]
    assert report.first is not None
    assert report.first.index == 0
    assert "between #0 and #3" in report.first.message


def test_a_forged_checkpoint_signature_is_reported(log: list[Entry]) -> None:
    checkpoint = Checkpoint.objects.get(size=4)
    other = note.Signer.generate("test.zhizheng.example/ledger")
    forged = note.sign_note(note.parse_note(checkpoint.note).text, [other])
    Checkpoint.objects.filter(pk=checkpoint.pk).update(note=forged)
    report = audit_log()
    assert [f.kind for f in report.findings] == ["checkpoint_signature"]


def test_a_truncated_log_is_reported(log: list[Entry]) -> None:
    Entry.objects.filter(index__gte=9).delete()
    TreeHead.objects.filter(pk=1).update(size=9)
    kinds = {f.kind for f in audit_log().findings}
    assert "checkpoint_mismatch" in kinds


def test_audit_json_output_names_the_first_entry(log: list[Entry]) -> None:
    import json

    Entry.objects.filter(index=9).update(subject_id="other")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("ledger_audit", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["ok"] is False
    assert data["first_divergent_entry"] == 9
    assert data["findings"][0]["kind"] == "entry_altered"
