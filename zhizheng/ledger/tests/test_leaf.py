"""The leaf's canonical form is RFC 8785 exactly: the fast path agrees with the reference package on any value."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from zhizheng.ledger import leaf

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_canonical_equals_the_reference_implementation(value: Any) -> None:
    try:
        expected = rfc8785.dumps(value)
    except rfc8785.CanonicalizationError:
        with pytest.raises(leaf.LeafError):
            leaf.canonical(value)
        return
    assert leaf.canonical(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        {"\U0001f600": 1, "\ue000": 2, "a": 3},  # UTF-16 order differs from code point order here
        {"n": 1.0, "m": 1e21, "k": -0.0, "s": 5e-7},
        {"text": 'tab\t quote" backslash\\ control\x01 del\x7f line\u2028 中文'},
        [2**53 - 1, -(2**53) + 1, True, None],
    ],
)
def test_canonical_on_the_hard_cases(value: Any) -> None:
    assert leaf.canonical(value) == rfc8785.dumps(value)


@pytest.mark.parametrize("value", [2**53, {"x": float("nan")}, "\ud800", {1: "non-string key"}, {"x": object()}])
def test_values_outside_i_json_are_refused(value: Any) -> None:
    with pytest.raises(leaf.LeafError, match="cannot be canonicalised"):
        leaf.canonical(value)


def test_leaf_documents_are_canonical_and_times_are_utc_microseconds() -> None:
    moment = dt.datetime(2026, 3, 1, 10, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    data = leaf.leaf_bytes(
        index=3,
        created_at=moment,
        act="orgs.department.created",
        subject_type="orgs.department",
        subject_id="7",
        actor_ref="system",
        actor_disclosed=True,
        payload={"b": 1, "a": [1, 2]},
        personal=(),
        salt=b"\x00" * 32,
    )
    assert data == (
        b'{"act":"orgs.department.created","actor":"system","index":3,"payload":{"a":[1,2],"b":1},'
        b'"subject":{"id":"7","type":"orgs.department"},"time":"2026-03-01T02:03:04.000005Z","v":1}'
    )
    assert json.loads(data)["time"].endswith("Z")
    with pytest.raises(leaf.LeafError, match="timezone-aware"):
        leaf.format_time(dt.datetime(2026, 3, 1))
    with pytest.raises(leaf.LeafError, match="32 bytes"):
        leaf.leaf_document(
            index=0,
            created_at=moment,
            act="a.b.created",
            subject_type="a.b",
            subject_id="1",
            actor_ref="system",
            actor_disclosed=True,
            payload={},
            personal=(),
            salt=b"short",
        )
