"""``manage.py cityevents_load_categories``: load the city-event category tree (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zhizheng.cityevents.models import Category
from zhizheng.cityevents.taxonomy import categories_load
from zhizheng.core.actor import SYSTEM


class Command(BaseCommand):
    help = "Load the three-level city-event category tree from zhizheng/cityevents/data_taxonomy/."

    def handle(self, *args: Any, **options: Any) -> None:
        created = categories_load(actor=SYSTEM)
        self.stdout.write(f"{created} categories created, {Category.objects.count()} in the tree.")
