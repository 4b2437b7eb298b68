"""免提交: certificates the platform already holds, attached to applications instead of uploads.

A material of a service item may name a certificate type (``Material.certificate_type``). When the applicant (a
citizen, or an agent for their enterprise) holds a valid certificate of that type, the apply page offers it, and
with the applicant's explicit consent per certificate the application carries ``certificate:<serial>`` for that
material instead of a file. Submission checks each such reference against the applicant's own valid certificates
(``reuse_check``, before anything is written) and records the attachment with the time of consent
(``attachments_store``). Caseworkers see each attached certificate verified afresh (signature, status list,
validity) by the certificates app; the statistics count the materials nobody had to submit.

Everything certificate-related is read through ``certificates.selectors``; the certificates app knows nothing of
applications.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from zhizheng.certificates.models import Certificate
from zhizheng.certificates.selectors import certificates_for_holder, holder_identifiers, verify_credential
from zhizheng.core.actor import Actor
from zhizheng.core.errors import ValidationFailed
from zhizheng.govservices.form_schemas import FormDefinition
from zhizheng.govservices.models import Application, CertificateAttachment

PREFIX = "certificate:"
NOT_HELD = _("This certificate is not a valid certificate of yours for this material. Choose another or upload.")
NO_CONSENT = _("Tick the box to agree that the government attaches this certificate, or upload the file instead.")


class CertificateReuseRefused(ValidationFailed):
    code = "govservices.certificate_reuse_refused"
    message = _("A certificate chosen as a material cannot be attached: see the marked materials.")


def held_certificates(*, actor: Actor, type_codes: Collection[str]) -> dict[str, list[Certificate]]:
    """The actor's valid, unexpired certificates of ``type_codes`` (their own, and their enterprise's for an
    agent), by type code, newest first."""
    wanted = {code for code in type_codes if code}
    held: dict[str, list[Certificate]] = {}
    if not wanted:
        return held
    for holder in sorted(holder_identifiers(actor)):
        for certificate in certificates_for_holder(actor=actor, holder=holder).filter(type__code__in=wanted):
            held.setdefault(certificate.type.code, []).append(certificate)
    return held


def material_hints(definition: FormDefinition) -> Mapping[str, Mapping[str, Any]]:
    hints: Mapping[str, Mapping[str, Any]] = definition.ui["fields"]["materials"]["fields"]
    return hints


def references(data: Mapping[str, Any]) -> dict[str, str]:
    """``{material key: serial}`` for the materials given as certificates in ``data``."""
    materials = data.get("materials") or {}
    if not isinstance(materials, Mapping):
        return {}
    return {
        str(key): value.removeprefix(PREFIX)
        for key, value in materials.items()
        if isinstance(value, str) and value.startswith(PREFIX)
    }


@dataclass(frozen=True, slots=True)
class Reuse:
    """One material answered by a certificate the applicant holds and agreed to attach."""

    material_key: str
    material_name: str
    certificate: Certificate


def reuse_check(
    *, actor: Actor, definition: FormDefinition, data: Mapping[str, Any], consents: Collection[str]
) -> list[Reuse]:
    """Check every ``certificate:<serial>`` material: it must be a valid certificate of the applicant of the type
    the material names, and its serial must be among ``consents``. Every problem at once, on its material
    (``CertificateReuseRefused``, 422); nothing is written here."""
    wanted = references(data)
    if not wanted:
        return []
    hints = material_hints(definition)
    held = held_certificates(actor=actor, type_codes={str(h.get("certificate_type") or "") for h in hints.values()})
    by_serial = {c.serial: c for certificates in held.values() for c in certificates}
    agreed = {serial.strip() for serial in consents}
    errors: dict[str, list[Any]] = {}
    reused: list[Reuse] = []
    for key, serial in sorted(wanted.items()):
        hint = hints.get(key) or {}
        certificate = by_serial.get(serial)
        if certificate is None or certificate.type.code != hint.get("certificate_type"):
            errors[f"materials.{key}"] = [NOT_HELD]
        elif serial not in agreed:
            errors[f"materials.{key}"] = [NO_CONSENT]
        else:
            reused.append(Reuse(material_key=key, material_name=str(hint.get("label", key)), certificate=certificate))
    if errors:
        raise CertificateReuseRefused(field_errors=errors)
    return reused


def attachments_store(*, application: Application, reused: list[Reuse], at: dt.datetime, first: bool = False) -> None:
    """Record the attachments of a submission (replacing those of an earlier submission of the same application;
    ``first`` when the application was created by this submission, so there are none to replace). Called inside
    ``application_submit``'s transaction."""
    if not first:
        CertificateAttachment.objects.filter(application=application).delete()
    if not reused:
        return
    CertificateAttachment.objects.bulk_create(
        [
            CertificateAttachment(
                application=application,
                material_key=r.material_key,
                material_name=r.material_name[:200],
                certificate=r.certificate,
                consented_at=at,
            )
            for r in reused
        ]
    )


# --- reading: the case page and statistics ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttachedCertificate:
    """An attached certificate as a caseworker sees it: verified now, with each check's result."""

    attachment: CertificateAttachment
    valid: bool
    verdict: str
    checks: list[dict[str, Any]]

    @property
    def certificate(self) -> Certificate:
        return self.attachment.certificate


def attachments_of(*, application: Application) -> QuerySet[CertificateAttachment]:
    """The application's attached certificates (the caller has checked that the actor may see the application)."""
    return CertificateAttachment.objects.filter(application=application).select_related(
        "certificate__type", "certificate__issuing_department"
    )


def attachments_verified(*, application: Application) -> list[AttachedCertificate]:
    """The application's attached certificates, each verified now by the certificates app (signature against the
    issuer's published key, revocation status list, validity period). The caller has already checked that the
    actor may see the application."""
    rows = attachments_of(application=application)
    out: list[AttachedCertificate] = []
    for row in rows:
        verification = verify_credential(row.certificate.credential)
        out.append(
            AttachedCertificate(
                attachment=row,
                valid=verification.valid,
                verdict=verification.verdict,
                checks=verification.checks_json(),
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class ItemReuse:
    code: str
    name: str
    materials: int
    applications: int


@dataclass(frozen=True, slots=True)
class ReuseStatistics:
    """Materials nobody had to submit because a certificate was attached instead, in total and per item."""

    materials: int
    applications: int
    items: list[ItemReuse]


def reuse_statistics(*, limit: int = 50, offset: int = 0) -> tuple[int, ReuseStatistics]:
    """``(number of items with reuse, statistics)``: totals over all applications, and items by materials saved
    (most first). Aggregates only: no applicant is identifiable, so the figures are public."""
    rows = (
        CertificateAttachment.objects.values("application__item__code", "application__item__name")
        .annotate(materials=Count("id"), applications=Count("application", distinct=True))
        .order_by("-materials", "application__item__code")
    )
    totals = CertificateAttachment.objects.aggregate(
        materials=Count("id"), applications=Count("application", distinct=True)
    )
    items = [
        ItemReuse(
            code=row["application__item__code"],
            name=row["application__item__name"],
            materials=row["materials"],
            applications=row["applications"],
        )
        for row in rows[offset : offset + limit]
    ]
    return rows.count(), ReuseStatistics(
        materials=totals["materials"] or 0, applications=totals["applications"] or 0, items=items
    )
