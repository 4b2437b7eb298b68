"""One factory per model of ``accounts`` (plain functions: explicit, typed, no magic)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import struct
import time

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhizheng.accounts import services
from zhizheng.accounts.models import ApiToken, User
from zhizheng.core.actor import SYSTEM
from zhizheng.core.validators import id_number_make, uscc_make

PASSWORD = "Zz-test-pass-2026"
_sequence = itertools.count(1)


def id_number(*, district: str = "990102", born: dt.date = dt.date(1990, 5, 17), sequence: int | None = None) -> str:
    """A valid 公民身份号码 of the demo city, different on each call unless ``sequence`` is given."""
    return id_number_make(district, born, next(_sequence) % 1000 if sequence is None else sequence)


def uscc(*, district: str = "990102", body: str | None = None) -> str:
    """A valid 统一社会信用代码 of an enterprise in the demo city."""
    return uscc_make("9", "1", district, body or f"MA{next(_sequence):06d}")


def user(
    *, username: str | None = None, kind: str = User.Kind.CITIZEN, password: str = PASSWORD, **fields: object
) -> User:
    name = username or f"user{next(_sequence)}"
    return User.objects.create_user(username=name, password=password, kind=kind, **fields)  # type: ignore[arg-type]


def citizen(*, username: str | None = None, real_name: str = "张伟", **fields: object) -> User:
    fields.setdefault("id_number", id_number())
    fields.setdefault("phone", "13800138000")
    fields.setdefault("real_name_level", User.RealNameLevel.L1)
    return user(username=username, kind=User.Kind.CITIZEN, real_name=real_name, **fields)


def staff(*, username: str | None = None, real_name: str = "李娜", **fields: object) -> User:
    return user(username=username, kind=User.Kind.STAFF, real_name=real_name, **fields)


def api_token(
    *, owner: User, scopes: tuple[str, ...] = ("registries.read",), days: int | None = 30
) -> tuple[ApiToken, str]:
    return services.api_token_create(actor=SYSTEM, owner=owner, name="test client", scopes=list(scopes), days=days)


def expire(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))


def totp_device(*, owner: User, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=owner, name="authenticator", confirmed=confirmed)


def totp_code(key_hex: str, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 TOTP computed independently of django-otp (HMAC-SHA1, dynamic truncation)."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)
