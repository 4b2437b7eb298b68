"""Verify a receipt in a real browser: Debian's Chromium runs the page's WebCrypto check (SHA-256 and Ed25519)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import require_service
from zhizheng.ledger import leaf, note
from zhizheng.ledger.models import Entry
from zhizheng.ledger.tests import factories

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_service("Chromium (/usr/bin/chromium)", CHROMIUM.exists())
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright keeps an event loop in this thread
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
        )
        try:
            yield chromium
        finally:
            chromium.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _verify(browser: Any, url: str) -> list[tuple[str, str]]:
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url)
        page.click("#ledger-verify")
        page.wait_for_function("document.querySelectorAll('#ledger-verify-result li').length >= 5", timeout=10_000)
        items = page.eval_on_selector_all(
            "#ledger-verify-result li", "els => els.map(e => [e.className, e.textContent])"
        )
        assert errors == []
        return [(cls, text) for cls, text in items]
    finally:
        context.close()


def test_the_browser_verifies_a_genuine_receipt(browser: Any, live_server: Any, ledger_key: note.Signer) -> None:
    factories.entries(11)
    results = _verify(browser, f"{live_server.url}/ledger/view/6")
    assert [cls for cls, _ in results] == ["text-success"] * 5, results
    assert "Ed25519" not in results[3][1]  # the signature was really checked, not skipped
    assert ledger_key.verifier.vkey in results[3][1]
    assert results[-1][1].startswith("✓ Verified")


def test_the_browser_rejects_a_tampered_leaf(browser: Any, live_server: Any, ledger_key: note.Signer) -> None:
    factories.entries(5)
    entry = Entry.objects.get(index=2)
    document = json.loads(bytes(entry.leaf))
    document["payload"]["n"] = 99
    Entry.objects.filter(index=2).update(leaf=leaf.canonical(document))
    results = _verify(browser, f"{live_server.url}/ledger/view/2")
    classes = [cls for cls, _ in results]
    assert classes[2] == "text-danger"  # the proof no longer leads to the signed root
    assert classes[-1] == "text-danger"
    assert "Verification failed" in results[-1][1]
