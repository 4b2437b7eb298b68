"""Who may read and change the service catalogue.

Published items, life events and themes are public. Unpublished items exist only for catalogue editors (the
platform's administrators); loading reference data is for the system."""

from __future__ import annotations

import enum
from typing import Any

from django.db.models import QuerySet

from zhizheng.core.actor import Actor
from zhizheng.core.policy import Policy, deny, has_role

CATALOGUE_EDITOR_ROLE = "administrator"
"""The ``orgs`` role that edits the catalogue (superusers and the system pass every rule anyway)."""


class Perm(enum.StrEnum):
    VIEW_ITEM = "govservices.item.view"
    EDIT_ITEM = "govservices.item.edit"
    LOAD_CATALOGUE = "govservices.catalogue.load"


def _is_published(actor: Actor, item: Any) -> bool:
    return bool(getattr(item, "published", False))


_is_editor = has_role(CATALOGUE_EDITOR_ROLE)


class CataloguePolicy(Policy[Perm]):
    """Everyone sees published items; editors see and change all of them."""

    permission_enum = Perm
    view_permission = Perm.VIEW_ITEM
    rules = {
        Perm.VIEW_ITEM: lambda actor, item: _is_published(actor, item) or _is_editor(actor, item),
        Perm.EDIT_ITEM: _is_editor,
        Perm.LOAD_CATALOGUE: deny,
    }

    def scope_for(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if _is_editor(actor, None):
            return queryset
        return queryset.filter(published=True)


policy = CataloguePolicy()
