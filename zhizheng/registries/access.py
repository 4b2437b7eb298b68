"""The access log of the population registry: every read of personal data, granted or refused, leaves one row.

Selectors and services call :func:`access_log` (granted reads) and :func:`require_read` (which logs a refusal
before raising). Rows are written in autocommit or in the caller's transaction; refusals are raised after the row
is written and outside any transaction of ours, so a refused read stays logged.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from zhizheng.core.actor import Actor
from zhizheng.core.errors import NotFound, PermissionDenied
from zhizheng.registries.choices import AccessOutcome, Purpose
from zhizheng.registries.models import RegistryAccess
from zhizheng.registries.permissions import Perm, policy


class PurposeRequired(PermissionDenied):
    code = "registries.purpose_required"
    message = _("State why you read the population registry: one of %(purposes)s.")


class PurposeNotAllowed(PermissionDenied):
    code = "registries.purpose_not_allowed"
    message = _("Your roles do not allow reading the population registry for this purpose.")


class DisclosureNotAllowed(PermissionDenied):
    code = "registries.disclosure_not_allowed"
    message = _("Your roles do not allow seeing unmasked personal data for this purpose.")


def access_log(
    *,
    actor: Actor,
    purpose: str,
    subject_kind: str,
    subject_ids: Sequence[int | None],
    fields: Collection[str],
    unmasked: bool = False,
    outcome: str = AccessOutcome.GRANTED,
    via: str,
) -> None:
    """Write one access row per subject (one statement)."""
    RegistryAccess.objects.bulk_create(
        [
            RegistryAccess(
                actor_ref=actor.ref,
                purpose=purpose[:32],
                subject_kind=subject_kind,
                subject_id=subject_id,
                fields=sorted(fields),
                unmasked=unmasked,
                outcome=outcome,
                via=via,
            )
            for subject_id in subject_ids
        ]
    )


def may_read_somehow(actor: Actor) -> bool:
    """True when the actor may read the registry for at least one purpose (otherwise records are hidden: 404)."""
    return any(policy.has(actor, Perm.READ, purpose) for purpose in Purpose.values)


def require_read(
    *,
    actor: Actor,
    purpose: str | None,
    subject_kind: str,
    subject_id: int | None,
    fields: Collection[str],
    via: str,
    unmasked: bool = False,
) -> Purpose:
    """Check a read of the population registry for ``purpose``; a refusal is logged, then raised: ``NotFound`` for
    an actor who may not read the registry at all, otherwise a 403 that names what is missing."""
    allowed = policy.has(actor, Perm.READ, purpose)
    if allowed and unmasked:
        allowed = policy.has(actor, Perm.DISCLOSE, purpose)
    if allowed and purpose is not None:
        return Purpose(purpose)
    access_log(
        actor=actor,
        purpose=purpose or "",
        subject_kind=subject_kind,
        subject_ids=[subject_id],
        fields=fields,
        unmasked=unmasked,
        outcome=AccessOutcome.DENIED,
        via=via,
    )
    if not may_read_somehow(actor):
        raise NotFound()
    if not purpose or purpose not in Purpose.values:
        raise PurposeRequired(params={"purposes": ", ".join(Purpose.values)})
    # The purpose's label is composed lazily so that ``detail`` and ``detail_en`` each show it in their language.
    label = Purpose(purpose).label
    if unmasked and policy.has(actor, Perm.READ, purpose):
        template = _("Your roles do not allow seeing unmasked personal data for the purpose “{purpose}”.")
        raise DisclosureNotAllowed(format_lazy(template, purpose=label))
    template = _("Your roles do not allow reading the population registry for the purpose “{purpose}”.")
    raise PurposeNotAllowed(format_lazy(template, purpose=label))
