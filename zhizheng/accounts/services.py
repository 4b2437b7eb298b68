"""State changes of ``accounts``: sign-up, real-name levels, staff accounts, sessions, API tokens and TOTP.

Every function validates everything before it writes and runs in one transaction, so a refused request leaves
nothing behind. Errors are ``DomainError`` subclasses whose ``field_errors`` name the field and the broken rule.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhizheng.accounts.models import ApiToken, User, UserSession
from zhizheng.accounts.notification_services import (  # the entry point other apps import is this module
    NotificationDraft as NotificationDraft,
)
from zhizheng.accounts.notification_services import NotificationInvalid as NotificationInvalid
from zhizheng.accounts.notification_services import notification_mark_all_read as notification_mark_all_read
from zhizheng.accounts.notification_services import notification_mark_read as notification_mark_read
from zhizheng.accounts.notification_services import notification_send as notification_send
from zhizheng.accounts.notification_services import notification_send_many as notification_send_many
from zhizheng.accounts.permissions import Perm, policy
from zhizheng.accounts.selectors import session_public_id
from zhizheng.core.actor import Actor
from zhizheng.core.errors import Conflict, NotAuthenticated, NotFound, ValidationFailed
from zhizheng.core.validators import check_id_number, check_uscc, violation_text

# --- errors ----------------------------------------------------------------------------------------------------


class SignUpInvalid(ValidationFailed):
    code = "accounts.sign_up_invalid"
    message = _("The sign-up form has errors. Correct the marked fields and try again.")


class IdNumberTaken(ValidationFailed):
    code = "accounts.id_number_taken"
    message = _("An account with this citizen identity number already exists. Log in, or reset your password.")


class SessionIsCurrent(Conflict):
    code = "accounts.session_is_current"
    message = _("This is the session you are using now. Log out to end it.")


class ApiTokenInvalid(NotAuthenticated):
    code = "accounts.api_token_invalid"
    message = _("The API token is not valid.")


class ApiTokenExpired(NotAuthenticated):
    code = "accounts.api_token_expired"
    message = _("The API token has expired. Create a new one.")


class ApiTokenRevoked(NotAuthenticated):
    code = "accounts.api_token_revoked"
    message = _("The API token has been revoked.")


class TotpCodeWrong(ValidationFailed):
    code = "accounts.totp_code_wrong"
    message = _("The code is wrong or has expired. Enter the current six-digit code from your authenticator app.")


class TotpNotEnrolled(Conflict):
    code = "accounts.totp_not_enrolled"
    message = _("No authenticator app is set up for this account.")


# --- sign-up ---------------------------------------------------------------------------------------------------

PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
_username_validator = UnicodeUsernameValidator()
MSG_PHONE = _("Enter an 11-digit mainland mobile number starting with 1, e.g. 13800138000.")
MSG_USERNAME_TAKEN = _("This user name is taken. Choose another one.")
MSG_PHONE_TAKEN = _("An account already logs in with this mobile number. Choose a user name, or log in.")
MSG_ID_TAKEN = _("An account with this citizen identity number already exists.")
MSG_USERNAME = _("A user name may contain letters, digits and @ . + - _ only (at most 150 characters).")
MSG_REAL_NAME = _("Enter your name as written on your identity card (2 to 32 characters).")
MSG_ENTERPRISE_NAME = _("Enter the enterprise's registered name.")


@dataclass(frozen=True, slots=True)
class SignUp:
    """What a person enters to sign up. ``username`` may be empty: the phone number is then the user name."""

    real_name: str
    id_number: str
    phone: str
    password: str
    username: str = ""
    uscc: str = ""
    enterprise_name: str = ""


def _sign_up_errors(data: SignUp, *, agent: bool) -> tuple[dict[str, list[str | Promise]], dict[str, str]]:
    """Every field error of a sign-up (all at once, so a form can mark them together) and the cleaned values."""
    errors: dict[str, list[str | Promise]] = {}
    clean: dict[str, str] = {}

    real_name = (data.real_name or "").strip()
    if not 2 <= len(real_name) <= 32:
        errors["real_name"] = [MSG_REAL_NAME]
    clean["real_name"] = real_name

    id_result = check_id_number(data.id_number)
    if not id_result.valid:
        violation = id_result.violations[0]
        errors["id_number"] = [violation_text(violation)]
    elif User.objects.filter(id_number=id_result.value).exists():
        errors["id_number"] = [MSG_ID_TAKEN]
    clean["id_number"] = id_result.value

    phone = re.sub(r"[\s-]", "", data.phone or "")
    if not PHONE_PATTERN.match(phone):
        errors["phone"] = [MSG_PHONE]
    clean["phone"] = phone

    username = (data.username or "").strip() or phone
    try:
        _username_validator(username)
        if len(username) > 150:
            raise ValidationError(MSG_USERNAME)
    except ValidationError:
        errors.setdefault("username", []).append(MSG_USERNAME)
    else:
        if User.objects.filter(username__iexact=username).exists():
            if data.username:
                errors.setdefault("username", []).append(MSG_USERNAME_TAKEN)
            else:
                errors.setdefault("phone", []).append(MSG_PHONE_TAKEN)
    clean["username"] = username

    candidate = User(username=username, real_name=real_name, phone=phone)
    problems = _password_problems(data.password or "", candidate)
    if problems:
        errors["password"] = problems

    if agent:
        uscc_result = check_uscc(data.uscc)
        if not uscc_result.valid:
            errors["uscc"] = [violation_text(uscc_result.violations[0])]
        clean["uscc"] = uscc_result.value
        enterprise_name = (data.enterprise_name or "").strip()
        if not 2 <= len(enterprise_name) <= 128:
            errors["enterprise_name"] = [MSG_ENTERPRISE_NAME]
        clean["enterprise_name"] = enterprise_name
    return errors, clean


class _Text(Promise):
    """A message prepared per language (Django's password validators translate eagerly), rendered in whichever
    language is active when it is shown."""

    def __init__(self, *, per_language: dict[str, str]) -> None:
        self.per_language = per_language

    def __str__(self) -> str:
        language = (translation.get_language() or "zh-hans").lower()
        return self.per_language.get(language) or self.per_language.get("zh-hans") or ""


def _password_problems(password: str, user: User) -> list[str | Promise]:
    """The password validators' complaints, prepared in both interface languages."""
    by_language: dict[str, list[str]] = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            try:
                password_validation.validate_password(password, user=user)
            except ValidationError as exc:
                by_language[language] = list(exc.messages)
            else:
                by_language[language] = []
    count = len(by_language["en"])
    return [
        _Text(per_language={language: texts[index] for language, texts in by_language.items()})
        for index in range(count)
    ]


def _register(data: SignUp, *, kind: str) -> User:
    agent = kind == User.Kind.AGENT
    errors, clean = _sign_up_errors(data, agent=agent)
    if errors:
        if set(errors) == {"id_number"} and errors["id_number"][0] is MSG_ID_TAKEN:
            raise IdNumberTaken(field_errors=errors)
        raise SignUpInvalid(field_errors=errors)
    user = User(
        username=clean["username"],
        kind=kind,
        real_name=clean["real_name"],
        id_number=clean["id_number"],
        phone=clean["phone"],
        real_name_level=User.RealNameLevel.L1,
        real_name_verified_at=timezone.now(),
        uscc=clean.get("uscc", ""),
        enterprise_name=clean.get("enterprise_name", ""),
    )
    user.set_password(data.password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Someone took the ID number or user name between the check and the insert.
        raise IdNumberTaken(field_errors={"id_number": [MSG_ID_TAKEN]}) from None
    return user


@transaction.atomic
def citizen_register(*, data: SignUp) -> User:
    """Create a citizen account at level L1 (phone given). Identity matching (L2) is a separate step by the
    population registry's ``identity_verify``."""
    return _register(data, kind=User.Kind.CITIZEN)


@transaction.atomic
def agent_register(*, data: SignUp) -> User:
    """Create the account of a person acting for a legal person, identified by a valid 统一社会信用代码."""
    return _register(data, kind=User.Kind.AGENT)


# --- real-name level -------------------------------------------------------------------------------------------


@transaction.atomic
def user_real_name_level_raise(*, actor: Actor, user: User, level: int) -> User:
    """Raise ``user`` to ``level`` (never lowers it). L3 (in person) may be granted by a service-hall window
    officer; other levels only by the system's verification services and superusers."""
    if level not in User.RealNameLevel.values:
        raise ValidationFailed(field_errors={"level": [_("Unknown real-name level.")]})
    if level == User.RealNameLevel.L3:
        if not (policy.has(actor, Perm.RAISE_REAL_NAME_LEVEL) or policy.has(actor, Perm.VERIFY_IN_PERSON)):
            policy.require(actor, Perm.VERIFY_IN_PERSON)
    else:
        policy.require(actor, Perm.RAISE_REAL_NAME_LEVEL)
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.real_name_level < level:
        locked.real_name_level = level
        locked.real_name_verified_at = timezone.now()
        locked.save(update_fields=["real_name_level", "real_name_verified_at"])
    user.real_name_level = locked.real_name_level
    user.real_name_verified_at = locked.real_name_verified_at
    return user


# --- staff accounts --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StaffSpec:
    """A staff account to create: no password means the person cannot log in with one (unusable password)."""

    username: str
    real_name: str
    phone: str = ""
    password: str | None = None
    is_superuser: bool = False


@transaction.atomic
def staff_create_many(*, actor: Actor, people: Sequence[StaffSpec]) -> list[User]:
    """Create the staff accounts that do not exist yet (by user name) and return all of them, in input order.
    Existing accounts are left exactly as they are, so loading the same list twice changes nothing."""
    policy.require(actor, Perm.CREATE_STAFF)
    for spec in people:
        _username_validator(spec.username)
    existing = {user.username: user for user in User.objects.filter(username__in=[p.username for p in people])}
    new: list[User] = []
    for spec in people:
        if spec.username in existing:
            continue
        user = User(
            username=spec.username,
            kind=User.Kind.STAFF,
            real_name=spec.real_name,
            phone=spec.phone,
            is_staff=spec.is_superuser,
            is_superuser=spec.is_superuser,
        )
        if spec.password:
            user.set_password(spec.password)
        else:
            user.set_unusable_password()
        new.append(user)
        existing[spec.username] = user
    User.objects.bulk_create(new, batch_size=500)
    created = {user.username: user for user in User.objects.filter(username__in=[u.username for u in new])}
    return [created.get(p.username) or existing[p.username] for p in people]


@dataclass(frozen=True, slots=True)
class PersonSpec:
    """A citizen or agent account loaded in bulk (demo data, migrations from an older system)."""

    username: str
    kind: str
    real_name: str
    id_number: str
    phone: str
    real_name_level: int
    password: str | None = None
    uscc: str = ""
    enterprise_name: str = ""


@transaction.atomic
def people_create_many(*, actor: Actor, people: Iterable[PersonSpec]) -> int:
    """Create citizen and agent accounts that do not exist yet (by user name); returns how many were created.
    Every ID number and USCC is validated first; nothing is written when one is invalid."""
    policy.require(actor, Perm.RAISE_REAL_NAME_LEVEL)
    specs = list(people)
    for spec in specs:
        if spec.kind not in (User.Kind.CITIZEN, User.Kind.AGENT):
            raise ValidationFailed(field_errors={"kind": [_("Only citizens and agents are loaded this way.")]})
        result = check_id_number(spec.id_number)
        if not result.valid:
            raise ValidationFailed(field_errors={"id_number": [violation_text(result.violations[0])]})
        if spec.kind == User.Kind.AGENT and not (uscc_result := check_uscc(spec.uscc)).valid:
            raise ValidationFailed(field_errors={"uscc": [violation_text(uscc_result.violations[0])]})
    existing = set(User.objects.filter(username__in=[s.username for s in specs]).values_list("username", flat=True))
    now = timezone.now()
    new: list[User] = []
    for spec in specs:
        if spec.username in existing:
            continue
        user = User(
            username=spec.username,
            kind=spec.kind,
            real_name=spec.real_name,
            id_number=spec.id_number,
            phone=spec.phone,
            real_name_level=spec.real_name_level,
            real_name_verified_at=now if spec.real_name_level else None,
            uscc=spec.uscc,
            enterprise_name=spec.enterprise_name,
        )
        if spec.password:
            user.set_password(spec.password)
        else:
            user.set_unusable_password()
        new.append(user)
        existing.add(spec.username)
    User.objects.bulk_create(new, batch_size=500)
    return len(new)


# --- sessions --------------------------------------------------------------------------------------------------


def _own_session(actor: Actor, public_id: str) -> UserSession:
    if actor.user_id is not None:
        for session in UserSession.objects.filter(user_id=actor.user_id).only("session_key", "user_id"):
            if hmac.compare_digest(session_public_id(session.session_key), public_id):
                return session
    raise NotFound()  # someone else's session looks exactly like a missing one


@transaction.atomic
def session_end(*, actor: Actor, public_id: str, current_session_key: str | None) -> None:
    """End one of the actor's other sessions: the browser holding it is logged out at its next request."""
    session = _own_session(actor, public_id)
    policy.require(actor, Perm.MANAGE_OWN_SECURITY, session)
    if session.session_key == current_session_key:
        raise SessionIsCurrent()
    UserSession.objects.filter(session_key=session.session_key).delete()


@transaction.atomic
def sessions_end_others(*, actor: Actor, current_session_key: str | None) -> int:
    """End every session of the actor except the current one; returns how many were ended."""
    if actor.user_id is None:
        raise NotAuthenticated()
    deleted, _detail = (
        UserSession.objects.filter(user_id=actor.user_id).exclude(session_key=current_session_key or "").delete()
    )
    return deleted


# --- API tokens ------------------------------------------------------------------------------------------------

TOKEN_LABEL = "zz"  # noqa: S105 - the public label of Zhizheng tokens, not a secret
TOKEN_PATTERN = re.compile(r"^zz_([a-z0-9]{10})_([A-Za-z0-9_-]{43})$")
SCOPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(?:[.:][a-z0-9_*]+)*$")
MAX_TOKEN_DAYS = 366
LAST_USED_PRECISION = timedelta(minutes=1)
_PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, actor: Actor, owner: User, name: str, scopes: Sequence[str], days: int | None = 90
) -> tuple[ApiToken, str]:
    """Create a bearer token for ``owner`` and return it with its plain text, which is never shown again.

    ``days`` (1 to 366) sets the expiry; None makes a token that lasts until revoked (administrators only)."""
    policy.require(actor, Perm.MANAGE_API_TOKEN, owner)
    errors: dict[str, list[str | Promise]] = {}
    name = (name or "").strip()
    if not 1 <= len(name) <= 100:
        errors["name"] = [_("Give the token a name of 1 to 100 characters, e.g. the program that uses it.")]
    clean_scopes = sorted({scope.strip() for scope in scopes if scope.strip()})
    bad = [scope for scope in clean_scopes if not SCOPE_PATTERN.match(scope)]
    if bad:
        errors["scopes"] = [_("Scopes are lower-case words joined by dots or colons, e.g. “registries.read”.")]
    if days is None:
        if not actor.is_superuser:
            errors["days"] = [_("Only administrators may create tokens that never expire.")]
    elif not 1 <= days <= MAX_TOKEN_DAYS:
        errors["days"] = [_("A token is valid for 1 to 366 days.")]
    if errors:
        raise ValidationFailed(field_errors=errors)
    while True:
        prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _index in range(10))
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    plain = f"{TOKEN_LABEL}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        name=name,
        owner=owner,
        prefix=prefix,
        secret_hash=_token_hash(plain),
        scopes=clean_scopes,
        expires_at=timezone.now() + timedelta(days=days) if days is not None else None,
    )
    return token, plain


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke a token at once; revoking twice keeps the first time."""
    policy.require(actor, Perm.MANAGE_API_TOKEN, token)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token


def api_token_authenticate(*, plain: str) -> ApiToken:
    """The token for a presented bearer value, or ``ApiTokenInvalid``/``ApiTokenExpired``/``ApiTokenRevoked``.

    Records the last use at most once a minute, so a busy client does not write on every request."""
    match = TOKEN_PATTERN.match(plain or "")
    if match is None:
        raise ApiTokenInvalid()
    token = ApiToken.objects.select_related("owner").filter(prefix=match.group(1)).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _token_hash(plain)):
        raise ApiTokenInvalid()
    now = timezone.now()
    if token.revoked_at is not None:
        raise ApiTokenRevoked()
    if token.expires_at is not None and token.expires_at <= now:
        raise ApiTokenExpired()
    if not token.owner.is_active:
        raise ApiTokenInvalid()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- TOTP second factor ----------------------------------------------------------------------------------------

TOTP_DEVICE_NAME = "authenticator"


@transaction.atomic
def totp_enrolment_start(*, actor: Actor, user: User) -> TOTPDevice:
    """Begin enrolment: a new unconfirmed TOTP secret (replacing an earlier unconfirmed one) for the person to
    scan. It counts only after ``totp_enrolment_confirm``."""
    policy.require(actor, Perm.MANAGE_OWN_SECURITY, user)
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def totp_pending_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


@transaction.atomic
def totp_enrolment_confirm(*, actor: Actor, user: User, code: str) -> TOTPDevice:
    """Finish enrolment with a code from the app: the new device replaces any earlier one."""
    policy.require(actor, Perm.MANAGE_OWN_SECURITY, user)
    device = totp_pending_device(user=user)
    if device is None:
        raise TotpNotEnrolled()
    if not device.verify_token(_digits(code)):
        raise TotpCodeWrong(field_errors={"code": [TotpCodeWrong.message]})
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


def totp_verify(*, user: User, code: str) -> TOTPDevice:
    """Check a code against the user's confirmed device (the second step of log-in). Failures are throttled by
    the device (exponential back-off), so guessing is slow."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()
    if device is None:
        raise TotpNotEnrolled()
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        ok = locked.verify_token(_digits(code))
    if not ok:
        raise TotpCodeWrong(field_errors={"code": [TotpCodeWrong.message]})
    return locked


@transaction.atomic
def totp_device_remove(*, actor: Actor, user: User) -> int:
    """Remove the person's authenticator (e.g. a lost phone); returns how many devices were removed."""
    policy.require(actor, Perm.MANAGE_OWN_SECURITY, user)
    deleted, _detail = TOTPDevice.objects.filter(user=user).delete()
    return int(deleted)


def _digits(code: str) -> str:
    return re.sub(r"\s+", "", code or "")
