"""``manage.py api_token create|list|revoke``: bearer tokens for programs, through the same services as the admin."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from zhizheng.accounts import selectors, services
from zhizheng.accounts.models import ApiToken, User
from zhizheng.core.actor import SYSTEM
from zhizheng.core.errors import DomainError


class Command(BaseCommand):
    help = "Create, list or revoke API tokens. The plain token is printed once, at creation."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print it once.")
        create.add_argument("--user", required=True, help="User name of the token's owner.")
        create.add_argument("--name", default="", help="What the token is for (default: cli-<user>).")
        create.add_argument("--scope", action="append", default=[], help="A scope; repeat for several.")
        create.add_argument("--days", type=int, default=90, help="Days until it expires (1-366; 0 = never).")
        listing = sub.add_parser("list", help="List tokens (no secrets).")
        listing.add_argument("--user", help="Only this user's tokens.")
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix", help="The 10 characters after zz_ in the token.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except DomainError as exc:
            with translation.override("en"):
                details = "; ".join(f"{name}: {', '.join(map(str, msgs))}" for name, msgs in exc.field_errors.items())
            raise CommandError(f"{exc.detail_en} {details}".strip()) from exc

    def _create(self, options: dict[str, Any]) -> None:
        owner = User.objects.filter(username=options["user"]).first()
        if owner is None:
            raise CommandError(f"No user named {options['user']!r}.")
        days = options["days"] or None
        token, plain = services.api_token_create(
            actor=SYSTEM,
            owner=owner,
            name=options["name"] or f"cli-{owner.username}",
            scopes=options["scope"],
            days=days,
        )
        expires = token.expires_at.isoformat() if token.expires_at else "never"
        self.stderr.write(f"Token {token.name!r} for {owner.username}, scopes {token.scopes}, expires {expires}.")
        self.stderr.write("Copy it now; it is not stored and will not be shown again:")
        self.stdout.write(plain)

    def _list(self, options: dict[str, Any]) -> None:
        tokens = selectors.api_token_list(actor=SYSTEM)
        if options.get("user"):
            tokens = tokens.filter(owner__username=options["user"])
        for token in tokens:
            state = "revoked" if token.revoked_at else ("usable" if token.is_usable() else "expired")
            self.stdout.write(
                f"zz_{token.prefix}_…  {token.owner.username:<16} {state:<8} {' '.join(token.scopes):<30} {token.name}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        prefix = options["prefix"].removeprefix("zz_").split("_")[0]
        token = ApiToken.objects.filter(prefix=prefix).first()
        if token is None:
            raise CommandError(f"No token with prefix {prefix!r}.")
        services.api_token_revoke(actor=SYSTEM, token=token)
        self.stdout.write(f"Revoked zz_{token.prefix}_… ({token.name}).")
