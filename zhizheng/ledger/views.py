"""The ledger's public HTTP interface: a small verifiable-log protocol (plain Django views, JSON and text) and the
HTML pages where anyone can browse entries and verify a receipt in the browser.

Protocol errors are ``application/problem+json`` with Chinese and English messages; the paths are fixed by
docs/ledger.md and must not change.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from zhizheng.core.actor import actor_of
from zhizheng.core.errors import DomainError
from zhizheng.core.problems import problem_response
from zhizheng.ledger import keys, leaf, merkle, note, selectors, services
from zhizheng.ledger.errors import (
    InvalidBody,
    InvalidParameter,
    MissingParameter,
    NoWitnessedCheckpoint,
    SigningKeyMissing,
)
from zhizheng.ledger.models import Entry

PAGE_SIZE = 25
MAX_PARAMETER_DIGITS = 18  # anything longer cannot be a tree size we hold (and stays inside 64-bit integers)
_DIGITS = re.compile(r"^[0-9]+$")
View = Callable[..., HttpResponse]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def parse_index(value: str | None, name: str) -> int:
    """A non-negative integer parameter, or a 400 that names the parameter and echoes (a bounded part of) the value."""
    if value is None or value == "":
        raise MissingParameter(params={"name": name})
    if len(value) > MAX_PARAMETER_DIGITS or not _DIGITS.match(value):
        raise InvalidParameter(params={"name": name, "value": value[:40]})
    return int(value)


def _protocol(view: View) -> View:
    """Domain errors become problem+json; every answer may be read by any origin (the log is public)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except DomainError as exc:
            response = problem_response(request, exc)
            response["Cache-Control"] = "no-store"
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


def _text(body: str, *, cache: str = "no-cache") -> HttpResponse:
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = cache
    return response


def _json(data: dict[str, Any], *, cache: str = "no-cache") -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = cache
    return response


def entry_json(entry: Entry) -> dict[str, Any]:
    """The public form of an entry. ``leaf_hash`` is computed from the leaf served, never taken on trust."""
    data = bytes(entry.leaf)
    return {
        "index": entry.index,
        "leaf": b64(data),
        "leaf_hash": b64(merkle.leaf_hash(data)),
        "act": entry.act,
        "subject": {"type": entry.subject_type, "id": entry.subject_id},
        "created_at": leaf.format_time(entry.created_at),
    }


# --- protocol -------------------------------------------------------------------------------------------------------


@require_GET
@_protocol
def checkpoint(request: HttpRequest) -> HttpResponse:
    """The latest signed checkpoint with witness cosignatures, as a C2SP signed note (text/plain).

    ``?witnessed=1`` asks for the latest one that every required witness has cosigned. Without a usable signing key
    the answer is 503 naming the setting to fix, never an unsigned head.
    """
    keys.load_signer()
    witnessed = request.GET.get("witnessed") in ("1", "true", "yes")
    latest = selectors.checkpoint_latest(witnessed=witnessed)
    if latest is None and not witnessed:
        latest = services.checkpoint_sign(actor=actor_of(request))
    if latest is None:
        raise NoWitnessedCheckpoint()
    return _text(selectors.checkpoint_note(latest))


@require_GET
@_protocol
def key(request: HttpRequest) -> HttpResponse:
    """The verifier keys, one per line: the current signing key first, then every retired one."""
    published = keys.verifier_keys()
    if not published:
        raise SigningKeyMissing(params={"path": str(keys.key_file())})
    return _text("".join(k + "\n" for k in published), cache="max-age=300")


@require_GET
@_protocol
def entry(request: HttpRequest, index: str) -> HttpResponse:
    found = selectors.entry_get(index=parse_index(index, "index"))
    return _json(entry_json(found), cache="public, max-age=31536000, immutable")


@require_GET
@_protocol
def inclusion_proof(request: HttpRequest) -> HttpResponse:
    index = parse_index(request.GET.get("index"), "index")
    size = parse_index(request.GET.get("size"), "size")
    proof = selectors.inclusion_proof(index=index, size=size)
    data = bytes(selectors.entry_get(index=index).leaf)
    return _json(
        {"index": index, "size": size, "leaf_hash": b64(merkle.leaf_hash(data)), "proof": [b64(p) for p in proof]},
        cache="public, max-age=31536000, immutable",
    )


@require_GET
@_protocol
def consistency_proof(request: HttpRequest) -> HttpResponse:
    first = parse_index(request.GET.get("first"), "first")
    second = parse_index(request.GET.get("second"), "second")
    proof = selectors.consistency_proof(first=first, second=second)
    return _json(
        {"first": first, "second": second, "proof": [b64(p) for p in proof]},
        cache="public, max-age=31536000, immutable",
    )


def receipt_json(receipt: services.Receipt) -> dict[str, Any]:
    return {
        **entry_json(receipt.entry),
        "size": receipt.checkpoint.size,
        "root_hash": b64(bytes(receipt.checkpoint.root_hash)),
        "proof": [b64(p) for p in receipt.proof],
        "checkpoint": receipt.note,
        "verifier_keys": receipt.verifier_keys,
        "entry_url": reverse("ledger:entry_page", args=[receipt.entry.index]),
    }


@require_GET
@_protocol
def receipt(request: HttpRequest, index: str) -> HttpResponse:
    """Entry + inclusion proof + a signed checkpoint covering it (signed on the spot if needed)."""
    issued = services.receipt_issue(actor=actor_of(request), index=parse_index(index, "index"))
    return _json(receipt_json(issued))


def _cosignature_request(request: HttpRequest) -> tuple[int, str, str | None]:
    content_type = request.content_type or ""
    body = request.body.decode("utf-8", errors="replace")
    if content_type == "application/json":
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise InvalidBody() from exc
        if not isinstance(data, dict):
            raise InvalidBody()
        size = parse_index(str(data.get("size", "")), "size")
        lines = data.get("cosignature")
        if not isinstance(lines, str) or not lines.strip():
            raise MissingParameter(params={"name": "cosignature"})
        return size, lines, None
    # text/plain: the cosigned checkpoint itself (checkpoint text, blank line, signature lines).
    try:
        parsed = note.parse_note(body)
        size = note.parse_checkpoint(parsed.text).size
    except note.NoteError as exc:
        raise InvalidBody() from exc
    return size, "".join(s.line for s in parsed.signatures), parsed.text


@csrf_exempt  # a machine endpoint without cookies: the cosignature itself is the credential
@require_http_methods(["POST"])
@_protocol
def cosignatures(request: HttpRequest) -> HttpResponse:
    """Accept witness cosignatures: JSON ``{"size", "cosignature"}`` or a text/plain cosigned checkpoint note."""
    size, lines, text = _cosignature_request(request)
    stored = services.cosignature_add(actor=actor_of(request), size=size, lines=lines, checkpoint_text=text)
    response = _json({"size": size, "witnesses": [c.witness.name for c in stored]})
    response.status_code = 201
    return response


# --- pages ----------------------------------------------------------------------------------------------------------


def _lookup(query: str) -> int | None:
    """An entry index from a receipt: its number (``#12`` or ``12``) or its leaf hash (base64 or hex)."""
    text = query.strip().lstrip("#")
    if _DIGITS.match(text) and len(text) <= MAX_PARAMETER_DIGITS:
        return int(text)
    digest: bytes | None = None
    if re.fullmatch(r"[0-9a-fA-F]{64}", text):
        digest = bytes.fromhex(text)
    else:
        try:
            candidate = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            candidate = b""
        digest = candidate if len(candidate) == merkle.HASH_SIZE else None
    if digest is None:
        return None
    found = selectors.entry_find_by_leaf_hash(digest)
    return found.index if found is not None else None


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Recent entries, a receipt look-up, the latest checkpoint and its witnesses."""
    query = request.GET.get("q", "").strip()
    not_found = False
    if query:
        found = _lookup(query)
        if found is not None and found < selectors.tree_size():
            return redirect("ledger:entry_page", index=found)
        not_found = True
    size = selectors.tree_size()
    paginator = Paginator(range(size), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    offset = (page.number - 1) * PAGE_SIZE
    _, entries = selectors.entries_recent(offset=offset, limit=PAGE_SIZE)
    latest = selectors.checkpoint_latest()
    context = {
        "entries": entries,
        "page": page,
        "size": size,
        "query": query,
        "not_found": not_found,
        "checkpoint": latest,
        "checkpoint_note": selectors.checkpoint_note(latest) if latest else "",
        "witnesses": selectors.checkpoint_witnesses(latest),
        "verifier_keys": keys.verifier_keys(),
    }
    return render(request, "ledger/index.html", context)


@require_GET
def entry_page(request: HttpRequest, index: int) -> HttpResponse:
    """One entry: its public fields, the decoded leaf, and a receipt the browser can verify."""
    try:
        issued = services.receipt_issue(actor=actor_of(request), index=index)
    except SigningKeyMissing as exc:
        found = selectors.entry_get(index=index)
        return render(request, "ledger/entry.html", {"entry": found, "receipt_error": exc.detail}, status=200)
    except DomainError as exc:
        return render(request, "ledger/entry.html", {"entry": None, "receipt_error": exc.detail}, status=exc.status)
    data = receipt_json(issued)
    document = json.loads(bytes(issued.entry.leaf))
    context = {
        "entry": issued.entry,
        "receipt": data,
        "document": json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True),
        "checkpoint": issued.checkpoint,
        "witnesses": selectors.checkpoint_witnesses(issued.checkpoint),
        "messages_js": _browser_messages(),
    }
    return render(request, "ledger/entry.html", context)


def _browser_messages() -> dict[str, str]:
    """The verifier script's messages in the page's language."""
    return {
        "leaf_ok": _("The leaf hash is the SHA-256 hash of this leaf."),
        "leaf_bad": _("The leaf hash does not match the leaf."),
        "content_ok": _("The leaf records entry #%(index)s and this act."),
        "content_bad": _("The leaf does not record entry #%(index)s and this act."),
        "root_ok": _("The inclusion proof leads to the root hash of the signed checkpoint."),
        "root_bad": _("The inclusion proof does not lead to the root hash of the checkpoint."),
        "sig_ok": _("The checkpoint signature verifies with the published key %(key)s."),
        "sig_bad": _("The checkpoint signature does not verify with any published key."),
        "sig_unsupported": _(
            "This browser cannot check Ed25519 signatures; check the signature with the command-line verifier."
        ),
        "no_crypto": _("This browser cannot compute SHA-256 on this page (a secure connection is needed)."),
        "all_ok": _("Verified: this act is in the signed public ledger."),
        "failed": _("Verification failed: do not rely on this receipt."),
    }
