"""Pages and public documents of electronic certificates: verification, share links, the wallet, the issuers'
keys and status lists. Thin: every decision is in ``selectors`` and ``services``."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from zhizheng.certificates import credentials, pdf, selectors, services
from zhizheng.certificates.api import parse_credential
from zhizheng.certificates.errors import CredentialMalformed, ShareLinkExpired
from zhizheng.certificates.models import Certificate
from zhizheng.core.actor import actor_of
from zhizheng.core.errors import DomainError, NotFound

VERDICTS: dict[str, tuple[str, Any, Any]] = {
    # verdict: (Bootstrap colour, headline, explanation)
    "valid": ("success", _("Valid"), _("Issued by the platform, unaltered, not revoked and within its validity.")),
    "revoked": ("danger", _("Revoked"), _("The issuer has withdrawn this certificate.")),
    "expired": ("warning", _("Expired"), _("The certificate is authentic but its validity period has ended.")),
    "not_yet_valid": ("warning", _("Not yet valid"), _("The certificate's validity period has not started.")),
    "tampered": ("danger", _("Tampered"), _("The content does not match the issuer's signature.")),
    "unknown_key": ("danger", _("Unknown issuer key"), _("It was not signed by a key this platform publishes.")),
    "malformed": ("danger", _("Not a certificate"), _("What was given is not a readable credential.")),
    "status_unavailable": ("warning", _("Status unknown"), _("The revocation status could not be checked.")),
}
SERIAL = re.compile(r"^[A-Z0-9]{6,40}$")
SHARE_LIFETIMES = {"1": dt.timedelta(hours=1), "24": dt.timedelta(days=1), "168": dt.timedelta(days=7)}


def _public_json(data: dict[str, Any]) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=60"
    return response


def _not_found_as_404(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


# --- public documents (JSON) ------------------------------------------------------------------------------------


@require_GET
def context_document(request: HttpRequest) -> HttpResponse:
    """The JSON-LD context of the platform's credential terms (every term under one vocabulary)."""
    return _public_json({"@context": {"@vocab": f"{credentials.site()}/certificates/vocab#"}})


@require_GET
@_not_found_as_404
def issuer(request: HttpRequest, code: str) -> HttpResponse:
    return _public_json(selectors.issuer_document(code=code))


@require_GET
@_not_found_as_404
def issuer_key(request: HttpRequest, code: str, number: int) -> HttpResponse:
    return _public_json(selectors.multikey_document(code=code, number=number))


@require_GET
@_not_found_as_404
def status_list(request: HttpRequest, code: str, number: int) -> HttpResponse:
    response = _public_json(selectors.status_list_credential(code=code, number=number))
    response["Cache-Control"] = "no-cache"
    return response


# --- verification pages -----------------------------------------------------------------------------------------


def _result(verification: selectors.Verification) -> dict[str, Any]:
    colour, headline, explanation = VERDICTS[verification.verdict]
    return {
        "verdict": verification.verdict,
        "colour": colour,
        "headline": headline,
        "explanation": explanation,
        "checks": verification.checks_json(),
    }


def _certificate_facts(certificate: Certificate | None, document: dict[str, Any]) -> dict[str, Any]:
    issuer_name = document.get("issuer", {}).get("name") if isinstance(document.get("issuer"), dict) else None
    return {
        "type_name": document.get("name") or (certificate.type.name if certificate else ""),
        "serial": document.get("serialNumber", ""),
        "issuer_name": issuer_name or "",
        "holder": certificate.holder_masked if certificate else "",
        "valid_from": str(document.get("validFrom", ""))[:10],
        "valid_until": str(document.get("validUntil", ""))[:10],
    }


def _disclosed(certificate: Certificate, document: dict[str, Any], keys: list[str]) -> list[tuple[str, Any]]:
    labels = {str(f["key"]): str(f["label"]) for f in certificate.type.fields}
    subject = document.get("credentialSubject", {})
    return [(labels.get(k, k), subject[k]) for k in keys if k in subject]


@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    """Anyone pastes a credential (JSON), a verification link or a serial number and sees the verdict."""
    context: dict[str, Any] = {"submitted": ""}
    status = 200
    text = (request.POST.get("credential") or request.GET.get("code") or "").strip()
    if text:
        context["submitted"] = text
        target = _verification_target(text)
        if target is not None:
            return redirect(target)
        try:
            document = parse_credential(text.encode("utf-8"))
            verification = selectors.verify_credential(document)
            context.update(_result(verification))
            context["facts"] = _certificate_facts(verification.certificate, document)
        except CredentialMalformed as exc:
            context["error"] = exc.detail
            status = 400
    return render(request, "certificates/verify.html", context, status=status)


def _verification_target(text: str) -> str | None:
    """A link or serial number pasted into the form, as the page that verifies it."""
    if SERIAL.match(text.upper()):
        return f"/certificates/v/{text.upper()}"
    match = re.search(r"/certificates/(v/[A-Z0-9]{6,40}|s/[A-Za-z0-9_-]{16,64})/?$", text)
    return f"/certificates/{match[1]}" if match else None


@require_GET
def verify_serial(request: HttpRequest, serial: str) -> HttpResponse:
    """The page a certificate's QR code opens: the verdict and the certificate's public facts, no personal data."""
    try:
        certificate = selectors.certificate_get(serial=serial)
    except NotFound:
        missing = {"error": _("No certificate has this number. Check the number or scan the code again.")}
        return render(request, "certificates/verify.html", missing, status=404)
    verification = selectors.verify_credential(certificate.credential)
    context = {
        **_result(verification),
        "facts": _certificate_facts(certificate, certificate.credential),
        "certificate": certificate,
    }
    return render(request, "certificates/verify.html", context)


@require_GET
def share_page(request: HttpRequest, token: str) -> HttpResponse:
    """A holder's share link: the full credential is verified here, and only the chosen fields are shown."""
    try:
        link = selectors.share_link_get(token=token)
    except NotFound:
        return render(request, "certificates/verify.html", {"error": _("This link does not exist.")}, status=404)
    except ShareLinkExpired as exc:
        return render(request, "certificates/verify.html", {"error": exc.detail}, status=410)
    certificate = link.certificate
    verification = selectors.verify_credential(certificate.credential)
    context = {
        **_result(verification),
        "facts": _certificate_facts(certificate, certificate.credential),
        "disclosed": _disclosed(certificate, certificate.credential, list(link.fields)),
        "expires_at": link.expires_at,
        "certificate": certificate,
    }
    return render(request, "certificates/verify.html", context)


# --- the wallet -------------------------------------------------------------------------------------------------


@login_required
@require_GET
def wallet(request: HttpRequest) -> HttpResponse:
    rows = [(c, selectors.effective_status(c)) for c in selectors.wallet_list(actor=actor_of(request))]
    return render(request, "certificates/wallet.html", {"rows": rows})


def _own(request: HttpRequest, serial: str) -> Certificate:
    try:
        return selectors.wallet_get(actor=actor_of(request), serial=serial)
    except NotFound:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def wallet_detail(request: HttpRequest, serial: str) -> HttpResponse:
    """One certificate: its data, downloads, and the form that makes a share link with chosen fields."""
    certificate = _own(request, serial)
    context: dict[str, Any] = {
        "certificate": certificate,
        "status": selectors.effective_status(certificate),
        "fields": _disclosed(certificate, certificate.credential, certificate.type.field_keys),
        "field_keys": [
            (str(f["key"]), str(f["label"])) for f in certificate.type.fields if f["key"] in certificate.subject
        ],
        "verify_url": credentials.verify_url(certificate.serial),
        "qr": base64.b64encode(pdf.qr_png(credentials.verify_url(certificate.serial), box_size=4)).decode(),
    }
    status = 200
    if request.method == "POST":
        chosen = request.POST.getlist("fields")
        lifetime = SHARE_LIFETIMES.get(request.POST.get("hours", ""), dt.timedelta(0))
        try:
            link, token = services.share_link_create(
                actor=actor_of(request), certificate=certificate, fields=chosen, lifetime=lifetime
            )
        except DomainError as exc:
            context["share_error"] = exc.detail
            status = 422
        else:
            url = f"{credentials.site()}/certificates/s/{token}"
            context.update(
                share_url=url,
                share_expires_at=link.expires_at,
                share_qr=base64.b64encode(pdf.qr_png(url, box_size=4)).decode(),
            )
    return render(request, "certificates/wallet_detail.html", context, status=status)


@login_required
@require_GET
def wallet_pdf(request: HttpRequest, serial: str) -> HttpResponse:
    certificate = _own(request, serial)
    body = pdf.certificate_pdf(certificate, status=selectors.effective_status(certificate))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.serial}.pdf"'
    return response


@login_required
@require_GET
def wallet_json(request: HttpRequest, serial: str) -> HttpResponse:
    certificate = _own(request, serial)
    response = HttpResponse(
        json.dumps(certificate.credential, ensure_ascii=False, indent=2), content_type="application/vc+json"
    )
    response["Content-Disposition"] = f'attachment; filename="{certificate.serial}.json"'
    return response
