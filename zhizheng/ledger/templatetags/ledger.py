"""``{% ledger_receipt x %}``: link an official act shown on any page to its ledger entry and receipt.

``x`` may be an ``Entry`` (what ``ledger.record`` returned), an entry index, or the model instance the act was about
(then every act recorded about it is listed). Renders nothing when there is nothing to link.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db import models

from zhizheng.ledger import selectors
from zhizheng.ledger.errors import EntryNotFound
from zhizheng.ledger.models import Entry

register = template.Library()


@register.inclusion_tag("ledger/partials/receipt_link.html")
def ledger_receipt(target: Any) -> dict[str, Any]:
    entries: list[Entry] = []
    if isinstance(target, Entry):
        entries = [target]
    elif isinstance(target, int) and not isinstance(target, bool):
        try:
            entries = [selectors.entry_get(index=target)]
        except EntryNotFound:
            entries = []
    elif isinstance(target, models.Model) and target.pk is not None:
        entries = selectors.entries_for_subject(subject_type=target._meta.label_lower, subject_id=str(target.pk))
    return {"entries": entries}
