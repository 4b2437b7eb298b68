"""API keys of Open311 client programs (created once, kept as SHA-256, revocable)."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from zhizheng.cityevents.models import Open311Client
from zhizheng.cityevents.services.common import (
    _clean_text,
    token_hash,
)
from zhizheng.core.actor import Actor
from zhizheng.core.errors import PermissionDenied, ValidationFailed
from zhizheng.ledger import services as ledger

# --- Open311 clients ------------------------------------------------------------------------------------------


@transaction.atomic
def open311_client_create(*, actor: Actor, name: str) -> tuple[Open311Client, str]:
    """A new Open311 API key for a client program; the key is returned once and only its SHA-256 is kept."""
    if not (actor.is_system or actor.is_superuser):
        raise PermissionDenied()
    cleaned = _clean_text(name, limit=81)
    if not cleaned or len(cleaned) > 80:
        raise ValidationFailed(field_errors={"name": [_("Give the client a name of at most 80 characters.")]})
    if Open311Client.objects.filter(name=cleaned).exists():
        raise ValidationFailed(field_errors={"name": [_("A client with this name exists already.")]})
    key = "o311_" + secrets.token_urlsafe(24)
    client = Open311Client.objects.create(name=cleaned, key_prefix=key[:10], key_hash=token_hash(key))
    ledger.record(actor=actor, act="cityevents.open311_client.created", subject=client, payload={"name": cleaned})
    return client, key


@transaction.atomic
def open311_client_revoke(*, actor: Actor, name: str) -> Open311Client:
    """Turn a client's key off; its requests stay."""
    if not (actor.is_system or actor.is_superuser):
        raise PermissionDenied()
    client = Open311Client.objects.select_for_update().filter(name=name).first()
    if client is None:
        raise ValidationFailed(field_errors={"name": [_("No Open311 client has this name.")]})
    client.active = False
    client.save(update_fields=["active", "updated_at"])
    ledger.record(actor=actor, act="cityevents.open311_client.revoked", subject=client, payload={"name": name})
    return client
