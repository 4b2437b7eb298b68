"""One factory per ledger model (plain functions). Entries are only ever made through the real append path."""

from __future__ import annotations

import itertools
from typing import Any

from zhizheng.core.actor import SYSTEM, Actor
from zhizheng.ledger import note, services
from zhizheng.ledger.models import Checkpoint, Cosignature, Entry, Witness

_sequence = itertools.count(1)


def entry(*, actor: Actor = SYSTEM, act: str = "registries.record.updated", **fields: Any) -> Entry:
    subject = fields.pop("subject", ("registries.record", next(_sequence)))
    return services.record(actor=actor, act=act, subject=subject, **fields)


def entries(count: int, *, actor: Actor = SYSTEM, act: str = "registries.record.updated") -> list[Entry]:
    acts = [
        services.Act(act=act, subject=("registries.record", next(_sequence)), payload={"n": i, "name": f"人{i}"})
        for i in range(count)
    ]
    return services.record_many(actor=actor, acts=acts)


def checkpoint() -> Checkpoint:
    """A checkpoint of the current tree (needs the ``ledger_key`` fixture)."""
    return services.checkpoint_sign(actor=SYSTEM)


def witness(*, name: str | None = None, required: bool = False, active: bool = True) -> tuple[Witness, note.Signer]:
    signer = note.Signer.generate(name or f"witness{next(_sequence)}.example/w", note.SIG_COSIGNATURE_V1)
    row = Witness(name=signer.name, verifier_key=signer.verifier.vkey, required=required, active=active)
    row.full_clean()
    row.save()
    return row, signer


def cosignature(*, on: Checkpoint, by: tuple[Witness, note.Signer], timestamp: int = 1_700_000_000) -> Cosignature:
    text = note.parse_note(on.note).text
    (stored,) = services.cosignature_add(
        actor=SYSTEM, size=on.size, lines=by[1].signature_line(text, timestamp=timestamp)
    )
    return stored
