"""Workbench pages for staff of issuing departments: the department's certificates, issuing one by hand (for types
not issued through an application) and revoking one with its reason. Thin: every decision is in ``services``
(which check the certificates policy and record each act in the ledger) and ``selectors`` (scoped by actor)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from zhizheng.certificates import selectors, services
from zhizheng.certificates.choices import RevocationReason
from zhizheng.certificates.errors import HolderKindMismatch, HolderUnknown
from zhizheng.certificates.models import Certificate, CertificateType
from zhizheng.certificates.permissions import Perm, policy
from zhizheng.core.actor import Actor, actor_of
from zhizheng.core.errors import DomainError, NotFound

LIST_SIZE = 50
REASONS = [(value, label) for value, label in RevocationReason.choices if value != RevocationReason.SUPERSEDED]


def _errors(exc: DomainError) -> dict[str, list[str]]:
    return {name: [str(m) for m in found] for name, found in exc.field_errors.items()}


@login_required
def staff_index(request: HttpRequest) -> HttpResponse:
    """The certificates of the departments where the person issues or revokes, newest first; find one by number."""
    actor = actor_of(request)
    serial = request.GET.get("serial", "").strip()
    rows = list(selectors.department_certificates(actor=actor, serial=serial)[:LIST_SIZE])
    context = {
        "certificates": [(c, selectors.effective_status(c)) for c in rows],
        "serial": serial,
        "types": list(selectors.types_issuable(actor=actor)),
    }
    return render(request, "certificates/staff_index.html", context)


def _local_midnight(raw: str, field: str, errors: dict[str, list[str]]) -> dt.datetime | None:
    if not raw.strip():
        return None
    try:
        day = dt.date.fromisoformat(raw.strip())
    except ValueError:
        errors[field] = [str(_("Enter a date as YYYY-MM-DD, for example 2026-07-01."))]
        return None
    return dt.datetime.combine(day, dt.time.min, timezone.get_current_timezone())


@login_required
@require_http_methods(["GET", "POST"])
def staff_issue(request: HttpRequest) -> HttpResponse:
    """Issue a certificate by hand: choose a type of one's department, the holder (公民身份号码 or 统一社会信用代码),
    the data printed on it and, when the type has no fixed validity, its dates."""
    actor = actor_of(request)
    types = list(selectors.types_issuable(actor=actor))
    if not types:
        raise Http404
    code = request.POST.get("type") or request.GET.get("type") or types[0].code
    chosen: CertificateType | None = next((t for t in types if t.code == code), None)
    if chosen is None:
        raise Http404
    values: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    message = ""
    status = 200
    if request.method == "POST":
        values = {key: request.POST.get(f"field.{key}", "").strip() for key in chosen.field_keys}
        valid_from = _local_midnight(request.POST.get("valid_from", ""), "valid_from", errors)
        valid_until = _local_midnight(request.POST.get("valid_until", ""), "valid_until", errors)
        if not errors:
            try:
                certificate = services.certificate_issue(
                    actor=actor,
                    certificate_type=chosen,
                    holder=request.POST.get("holder", ""),
                    subject={k: v for k, v in values.items() if v},
                    valid_from=valid_from,
                    valid_until=valid_until,
                )
            except (HolderUnknown, HolderKindMismatch) as exc:
                errors, message, status = {"holder": [exc.detail]}, exc.detail, exc.status
            except DomainError as exc:
                errors, message, status = _errors(exc), exc.detail, exc.status
            else:
                messages.success(request, _("Certificate %(serial)s issued.") % {"serial": certificate.serial})
                return redirect("certificates:staff_certificate", serial=certificate.serial)
        else:
            message, status = str(_("Some fields are invalid. Correct them and try again.")), 422
    context = {
        "types": types,
        "chosen": chosen,
        "fields": [(f["key"], f["label"], values.get(f["key"], "")) for f in chosen.fields],
        "post": request.POST,
        "errors": errors,
        "message": message,
    }
    return render(request, "certificates/staff_issue.html", context, status=status)


def _certificate_context(actor: Actor, certificate: Certificate, **extra: Any) -> dict[str, Any]:
    verification = selectors.verify_credential(certificate.credential)
    return {
        "certificate": certificate,
        "status": selectors.effective_status(certificate),
        "verdict": verification.verdict,
        "may_revoke": policy.has(actor, Perm.REVOKE, certificate) and certificate.status == "valid",
        "reasons": REASONS,
        "errors": {},
        "message": "",
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def staff_certificate(request: HttpRequest, serial: str) -> HttpResponse:
    """One certificate of the department: its facts, its verification now, and (for section chiefs and heads of the
    issuing department) revocation with a reason."""
    actor = actor_of(request)
    try:
        certificate = selectors.department_certificate_get(actor=actor, serial=serial)
    except NotFound:
        raise Http404 from None
    if request.method == "POST":
        try:
            services.certificate_revoke(actor=actor, certificate=certificate, reason=request.POST.get("reason", ""))
        except DomainError as exc:
            if exc.status == 404:
                raise Http404 from None
            context = _certificate_context(actor, certificate, errors=_errors(exc), message=exc.detail)
            return render(request, "certificates/staff_certificate.html", context, status=exc.status)
        messages.success(request, _("Certificate %(serial)s revoked.") % {"serial": certificate.serial})
        return redirect("certificates:staff_certificate", serial=certificate.serial)
    return render(request, "certificates/staff_certificate.html", _certificate_context(actor, certificate))
