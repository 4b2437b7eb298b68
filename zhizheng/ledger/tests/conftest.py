"""Ledger test fixtures: a signing key in a temporary directory (never var/), actors, and a fetcher that lets the
standalone verifier read the real views through Django's test client."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from zhizheng.core.actor import Actor, ActorKind
from zhizheng.ledger import keys, note


@pytest.fixture(autouse=True)
def ledger_key_paths(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """Every test gets its own key locations, empty until ``ledger_key`` creates a key."""
    directory = tmp_path / "ledger-keys"
    settings.LEDGER_SIGNING_KEY = ""
    settings.LEDGER_SIGNING_KEY_FILE = str(directory / "signing.key")
    settings.LEDGER_RETIRED_KEYS_FILE = str(directory / "retired.vkeys")
    settings.LEDGER_OLD_VERIFIER_KEYS = []
    settings.LEDGER_ORIGIN = "test.zhizheng.example/ledger"
    settings.LEDGER_KEY_NAME = "test.zhizheng.example/ledger"
    return directory


@pytest.fixture
def ledger_key(ledger_key_paths: Path) -> note.Signer:
    keys.keygen()
    return keys.load_signer()


@pytest.fixture
def staff() -> Actor:
    return Actor(kind=ActorKind.USER, user_id=7, display="王科员", user_kind="staff")


@pytest.fixture
def citizen() -> Actor:
    return Actor(kind=ActorKind.USER, user_id=42, display="张三", user_kind="citizen")


def client_fetch(client: Client) -> Callable[[str], bytes]:
    """A ``fetch`` for ``zhizheng.ledger.verify`` that answers from the Django views (like urllib: errors raise)."""

    def fetch(url: str) -> bytes:
        parts = urllib.parse.urlsplit(url)
        response = client.get(parts.path, dict(urllib.parse.parse_qsl(parts.query)))
        if response.status_code != 200:
            raise OSError(f"HTTP {response.status_code} for {url}: {response.content[:200]!r}")
        return bytes(response.content)

    return fetch
