"""The HTML face of the ledger: browse, look up a receipt, verify; and the tag other apps use to link their acts."""

from __future__ import annotations

import base64
import json

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.test import Client

from zhizheng.core.actor import SYSTEM
from zhizheng.ledger import note, services
from zhizheng.ledger.tests import factories

pytestmark = pytest.mark.django_db


def test_index_lists_recent_entries_with_paging(client: Client, ledger_key: note.Signer) -> None:
    factories.entries(30)
    factories.checkpoint()
    response = client.get("/ledger/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/ledger/view/29"' in html
    assert 'href="/ledger/view/5"' in html
    assert 'href="/ledger/view/4"' not in html
    assert ledger_key.verifier.vkey in html
    assert "test.zhizheng.example/ledger\n30\n" in html
    older = client.get("/ledger/", {"page": 2}).content.decode()
    assert 'href="/ledger/view/4"' in older
    assert 'href="/ledger/view/5"' not in older


def test_index_renders_an_empty_log_without_a_key(client: Client) -> None:
    response = client.get("/ledger/")
    assert response.status_code == 200


@pytest.mark.parametrize("form", ["index", "#index", "hex", "base64"])
def test_lookup_by_receipt_number_or_leaf_hash(client: Client, form: str) -> None:
    made = factories.entries(3)[1]
    digest = bytes(made.leaf_hash)
    query = {
        "index": "1",
        "#index": "#1",
        "hex": digest.hex(),
        "base64": base64.b64encode(digest).decode(),
    }[form]
    response = client.get("/ledger/", {"q": query})
    assert response.status_code == 302
    assert response["Location"] == "/ledger/view/1"


@pytest.mark.parametrize("query", ["99", "not a receipt", base64.b64encode(b"\x00" * 32).decode()])
def test_lookup_of_an_unknown_receipt_says_so(client: Client, query: str) -> None:
    factories.entries(2)
    response = client.get("/ledger/", {"q": query}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "No ledger entry matches" in response.content.decode()


def test_entry_page_shows_the_leaf_and_a_verifiable_receipt(client: Client, ledger_key: note.Signer) -> None:
    factories.entry(payload={"applicant_name": "张三", "decision": "approved"})
    response = client.get("/ledger/view/0")
    assert response.status_code == 200
    html = response.content.decode()
    assert "张三" not in html
    assert "approved" in html
    assert 'id="ledger-receipt-data"' in html
    assert "ledger/verify.js" in html
    receipt = response.context["receipt"]
    assert receipt["size"] == 1
    assert receipt["verifier_keys"] == [ledger_key.verifier.vkey]
    messages = json.loads(json.dumps(response.context["messages_js"]))
    assert set(messages) >= {"leaf_ok", "root_ok", "sig_ok", "sig_unsupported", "all_ok", "failed"}


def test_entry_page_without_a_key_shows_the_entry_and_the_problem(client: Client) -> None:
    factories.entry()
    response = client.get("/ledger/view/0", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "LEDGER_SIGNING_KEY" in response.content.decode()
    assert "ledger/verify.js" not in response.content.decode()


def test_entry_page_of_a_missing_entry_is_404(client: Client, ledger_key: note.Signer) -> None:
    assert client.get("/ledger/view/3").status_code == 404


def test_the_receipt_tag_links_an_act_to_its_entry_and_receipt(ledger_key: note.Signer) -> None:
    user = get_user_model().objects.create_user(username="subject1")
    first = services.record(actor=SYSTEM, act="accounts.user.created", subject=user)
    services.record(actor=SYSTEM, act="accounts.user.verified", subject=user)
    template = Template("{% load ledger %}[{% ledger_receipt target %}]")
    by_entry = template.render(Context({"target": first}))
    assert 'href="/ledger/view/0"' in by_entry
    assert 'href="/ledger/receipts/0"' in by_entry
    by_index = template.render(Context({"target": 1}))
    assert 'href="/ledger/view/1"' in by_index
    by_subject = template.render(Context({"target": user}))
    assert "accounts.user.created" in by_subject
    assert "accounts.user.verified" in by_subject
    assert template.render(Context({"target": None})) == "[]"
    assert template.render(Context({"target": 5})) == "[]"
