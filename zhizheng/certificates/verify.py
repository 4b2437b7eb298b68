"""Verify an electronic certificate from outside the platform: ``python -m zhizheng.certificates.verify FILE.json``.

Needs no database and no Django settings: only ``checks``, ``dataintegrity`` and ``statuslist`` of this package,
``cryptography``, ``rfc8785``, ``base58`` and the standard library. It fetches exactly two kinds of document over
HTTP(S): the Multikey document named by ``proof.verificationMethod`` and the status list credential named by
``credentialStatus.statusListCredential`` (whose own proof it checks with the issuer's key).

    python -m zhizheng.certificates.verify credential.json
    python -m zhizheng.certificates.verify credential.json --base-url http://localhost:8000   # a test install
    curl -s https://gov.example/certificates/wallet/…/json | python -m zhizheng.certificates.verify - --json

``--base-url`` fetches the platform's URLs from another origin (the credential's URLs keep their meaning; only
where they are fetched from changes). Exit status: 0 valid, 1 invalid, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from zhizheng.certificates import checks

Fetch = Callable[[str], bytes]
MAX_DOCUMENT = 2 * 1024 * 1024


def fetch_url(url: str) -> bytes:
    if not url.startswith(("http://", "https://")):
        raise OSError(f"only http(s) URLs are fetched, not {url!r}")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 (scheme checked)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        data: bytes = response.read(MAX_DOCUMENT + 1)
    if len(data) > MAX_DOCUMENT:
        raise OSError(f"{url} is larger than {MAX_DOCUMENT} bytes")
    return data


def rebase(url: str, base_url: str | None, origin: str | None) -> str:
    """``url`` fetched from ``base_url`` instead of ``origin`` (the credential issuer's scheme://host:port)."""
    if not base_url or not origin or not url.startswith(origin + "/"):
        return url
    return base_url.rstrip("/") + url[len(origin) :]


def origin_of(url: str) -> str | None:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def _json(fetch: Fetch, url: str) -> dict[str, Any]:
    try:
        data = json.loads(fetch(url))
    except (OSError, ValueError, RecursionError) as exc:
        raise checks.ResolveError(f"{url}: {exc}") from exc
    if not isinstance(data, dict):
        raise checks.ResolveError(f"{url} is not a JSON object")
    return data


def resolvers(
    fetch: Fetch, *, base_url: str | None, origin: str | None
) -> tuple[checks.KeyResolver, checks.StatusResolver]:
    def resolve_key(url: str) -> checks.KeyInfo:
        document = _json(fetch, rebase(url.split("#", 1)[0], base_url, origin))
        if document.get("type") != "Multikey" or document.get("id") != url:
            raise checks.ResolveError(f"{url} is not a Multikey document for this id")
        controller, key = document.get("controller"), document.get("publicKeyMultibase")
        if not isinstance(controller, str) or not isinstance(key, str):
            raise checks.ResolveError(f"{url} lacks controller or publicKeyMultibase")
        return checks.KeyInfo(controller=controller, public_key_multibase=key)

    def resolve_status(url: str) -> Mapping[str, Any]:
        return _json(fetch, rebase(url, base_url, origin))

    return resolve_key, resolve_status


def verify_document(document: Any, *, fetch: Fetch = fetch_url, base_url: str | None = None) -> checks.Outcome:
    origin = None
    if isinstance(document, dict):
        try:
            origin = origin_of(checks.issuer_id(document))
        except ValueError:
            origin = None
    resolve_key, resolve_status = resolvers(fetch, base_url=base_url, origin=origin)
    return checks.verify(document, resolve_key=resolve_key, resolve_status=resolve_status)


def main(argv: Sequence[str] | None = None, *, fetch: Fetch = fetch_url) -> int:
    parser = argparse.ArgumentParser(prog="python -m zhizheng.certificates.verify", description=__doc__.split("\n")[0])
    parser.add_argument("file", help="the credential JSON file, or - for standard input")
    parser.add_argument("--base-url", help="fetch the issuer's documents from this origin instead")
    parser.add_argument("--json", action="store_true", help='print {"valid": …, "checks": […]} as JSON')
    args = parser.parse_args(argv)
    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
        document = json.loads(raw)
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    except (ValueError, RecursionError) as exc:
        print(f"error: {args.file} is not JSON: {exc}", file=sys.stderr)
        return 2
    outcome = verify_document(document, fetch=fetch, base_url=args.base_url)
    if args.json:
        print(json.dumps(outcome.as_json(), ensure_ascii=False, indent=2))
    else:
        for check in outcome.checks:
            print(f"{'ok  ' if check.ok else 'FAIL'} {check.name:<10} {check.detail}")
        print("VALID" if outcome.valid else f"INVALID ({', '.join(outcome.failed())})")
    return 0 if outcome.valid else 1


if __name__ == "__main__":
    sys.exit(main())
