"""``manage.py open311_key create NAME`` prints a new Open311 api_key; ``list`` and ``revoke NAME`` manage them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from zhizheng.cityevents.models import Open311Client
from zhizheng.cityevents.services import open311_client_create, open311_client_revoke
from zhizheng.core.actor import SYSTEM
from zhizheng.core.errors import DomainError


class Command(BaseCommand):
    help = "Create (prints the key once), list or revoke the api_keys of Open311 clients."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a key and print it")
        create.add_argument("name")
        sub.add_parser("list", help="list the clients")
        revoke = sub.add_parser("revoke", help="revoke a client's key")
        revoke.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "create":
                client, key = open311_client_create(actor=SYSTEM, name=options["name"])
                self.stdout.write(key)
                self.stderr.write(f"Key for “{client.name}” created; it is shown only now.")
            elif action == "revoke":
                open311_client_revoke(actor=SYSTEM, name=options["name"])
                self.stdout.write(f"revoked {options['name']}")
            else:
                for client in Open311Client.objects.order_by("name"):
                    state = "active" if client.active else "revoked"
                    self.stdout.write(f"{client.name}\t{client.key_prefix}…\t{state}\t{client.created_at:%Y-%m-%d}")
        except DomainError as exc:
            with translation.override("en"):
                fields = "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in exc.field_errors.items())
            raise CommandError(f"{exc.code}: {exc.detail_en} {fields}".strip()) from None
