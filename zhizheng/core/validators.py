"""Validators for the 公民身份号码 (GB 11643) and the 统一社会信用代码 (GB 32100) that say which rule an input breaks.

Each ``check_*`` function is pure: it returns a result with ``valid``, the broken rule as a stable ``code`` (e.g.
``core.id_number.check_character``), a translated ``message`` (``detail`` / ``detail_en``) and the facts parsed from
the input (birth date, sex, address code; registration authority, organisation code). Forms use the Django validator
callables (``validate_id_number``, ``validate_uscc``), which raise ``ValidationError`` with that code; services use
``require_id_number`` / ``require_uscc``, which raise ``ValidationFailed`` (problem+json, field named). The
``*_make`` functions compute check characters so the demo-city generator can produce valid numbers.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.deconstruct import deconstructible
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhizheng.core.divisions import division
from zhizheng.core.errors import ValidationFailed

# --- results ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: a stable ``code`` and a translatable message with its parameters."""

    code: str
    message: str | Promise
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, language: str | None = None) -> str:
        if language is None:
            text = str(self.message)
        else:
            with translation.override(language):
                text = str(self.message)
        return text % dict(self.params) if self.params else text

    @property
    def detail(self) -> str:
        """The message in the active language."""
        return self.render()

    @property
    def detail_en(self) -> str:
        return self.render("en")


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What a check found. ``violations`` lists every broken rule, most specific first; empty when valid."""

    value: str
    violations: tuple[Violation, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.violations

    @property
    def code(self) -> str | None:
        """The stable code of the first broken rule, or None when the input is valid."""
        return self.violations[0].code if self.violations else None

    @property
    def message(self) -> str:
        """The first broken rule's message in the active language ("" when valid)."""
        return self.violations[0].detail if self.violations else ""

    @property
    def message_en(self) -> str:
        return self.violations[0].detail_en if self.violations else ""


class Sex(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


@dataclass(frozen=True, slots=True)
class IdNumberResult(CheckResult):
    birth_date: dt.date | None = None
    sex: Sex | None = None
    address_code: str | None = None
    address_name: str | None = None


@dataclass(frozen=True, slots=True)
class UsccResult(CheckResult):
    registration_authority: str | None = None
    organisation_type: str | None = None
    division_code: str | None = None
    division_name: str | None = None
    organisation_code: str | None = None  # GB 11714 form, e.g. "60003734-1"


def _normalise(value: object) -> str:
    """Strip surrounding and inner spaces and upper-case; people paste numbers with spaces and a lower-case x."""
    if value is None:
        return ""
    return re.sub(r"\s+", "", str(value)).upper()


# --- 公民身份号码, GB 11643-1999 ----------------------------------------------------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"  # index = (sum of weighted digits) mod 11; ISO 7064 MOD 11-2
EARLIEST_BIRTH_DATE = dt.date(1880, 1, 1)

ID_REQUIRED = "core.id_number.required"
ID_LENGTH = "core.id_number.length"
ID_CHARACTERS = "core.id_number.characters"
ID_ADDRESS_CODE = "core.id_number.address_code"
ID_BIRTH_DATE = "core.id_number.birth_date"
ID_CHECK_CHARACTER = "core.id_number.check_character"


def id_number_check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits of an identity number."""
    if len(first17) != 17 or not first17.isdigit() or not first17.isascii():
        raise ValueError("an identity number body is exactly 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARACTERS[total % 11]


def _birth_date_violation(digits: str, today: dt.date) -> tuple[dt.date | None, Violation | None]:
    try:
        born = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None, Violation(
            ID_BIRTH_DATE,
            _("Digits 7 to 14 (%(digits)s) are not a real date of birth."),
            {"digits": digits},
        )
    if born > today:
        return born, Violation(
            ID_BIRTH_DATE, _("The date of birth %(digits)s lies in the future."), {"digits": born.isoformat()}
        )
    if born < EARLIEST_BIRTH_DATE:
        return born, Violation(
            ID_BIRTH_DATE,
            _("The date of birth %(digits)s is before 1880 and cannot be right."),
            {"digits": born.isoformat()},
        )
    return born, None


def check_id_number(value: object, *, today: dt.date | None = None) -> IdNumberResult:
    """Check a 公民身份号码 against GB 11643: 18 characters, a GB/T 2260 address code (retired codes and this
    installation's codes included), a real date of birth, and the ISO 7064 MOD 11-2 check character."""
    text = _normalise(value)
    if not text:
        return IdNumberResult(text, (Violation(ID_REQUIRED, _("Enter the citizen identity number.")),))
    if len(text) != 18:
        return IdNumberResult(
            text,
            (
                Violation(
                    ID_LENGTH,
                    _("A citizen identity number has 18 characters; this one has %(length)d."),
                    {"length": len(text)},
                ),
            ),
        )
    if not (text[:17].isdigit() and text[:17].isascii() and (text[17].isdigit() or text[17] == "X")):
        return IdNumberResult(
            text,
            (
                Violation(
                    ID_CHARACTERS,
                    _("The first 17 characters must be digits and the last a digit or X."),
                ),
            ),
        )

    violations: list[Violation] = []
    address_code = text[:6]
    place = division(address_code)
    if place is None:
        violations.append(
            Violation(
                ID_ADDRESS_CODE,
                _("The first six digits %(code)s are not an administrative division code (GB/T 2260)."),
                {"code": address_code},
            )
        )
    born, birth_violation = _birth_date_violation(text[6:14], today or timezone.localdate())
    if birth_violation is not None:
        violations.append(birth_violation)
    if id_number_check_character(text[:17]) != text[17]:
        violations.append(
            Violation(
                ID_CHECK_CHARACTER,
                _(
                    "The last character does not match the check character computed from the first 17 digits "
                    "(ISO 7064 MOD 11-2); the number contains a typing error."
                ),
            )
        )
    return IdNumberResult(
        text,
        tuple(violations),
        birth_date=born,
        sex=Sex.MALE if int(text[16]) % 2 else Sex.FEMALE,
        address_code=address_code,
        address_name=place.name if place else None,
    )


def id_number_make(address_code: str, birth_date: dt.date, sequence: int) -> str:
    """Compose a valid identity number. ``sequence`` (0-999) is the order code; odd means male, even female."""
    if division(address_code) is None:
        raise ValueError(f"{address_code!r} is not a known division code")
    if not 0 <= sequence <= 999:
        raise ValueError("sequence runs from 0 to 999")
    if birth_date.year < EARLIEST_BIRTH_DATE.year:
        raise ValueError("birth date before 1880")
    body = f"{address_code}{birth_date:%Y%m%d}{sequence:03d}"
    return body + id_number_check_character(body)


# --- 统一社会信用代码, GB 32100-2015, with the GB 11714 organisation code inside -------------------------------------

USCC_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

USCC_REQUIRED = "core.uscc.required"
USCC_LENGTH = "core.uscc.length"
USCC_CHARACTERS_RULE = "core.uscc.characters"
USCC_DIVISION_CODE = "core.uscc.division_code"
USCC_ORGANISATION_CODE = "core.uscc.organisation_code_check"
USCC_CHECK_CHARACTER = "core.uscc.check_character"


def uscc_check_character(first17: str) -> str:
    """The GB 32100 MOD 31 check character for the first 17 characters of a USCC."""
    if len(first17) != 17 or any(c not in USCC_CHARACTERS for c in first17):
        raise ValueError("a USCC body is 17 characters from the GB 32100 set")
    total = sum(USCC_CHARACTERS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARACTERS[(31 - total % 31) % 31]


def organisation_code_check_character(body: str) -> str:
    """The GB 11714 MOD 11 check character for an 8-character organisation code body (digits, capital letters)."""
    if len(body) != 8 or not body.isascii() or not all(c.isdigit() or c.isupper() for c in body):
        raise ValueError("an organisation code body is 8 ASCII digits or capital letters")
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, ORGANISATION_CODE_WEIGHTS, strict=True)
    )
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def check_uscc(value: object, *, check_organisation_code: bool = True) -> UsccResult:
    """Check a 统一社会信用代码 against GB 32100: 18 characters from the 31-character set, a six-digit division code,
    the embedded GB 11714 organisation code's own check character, and the MOD 31 check character.

    ``check_organisation_code=False`` skips the embedded check for data from a source known to hold codes whose
    subject identifier was not assigned under GB 11714 (none is known today; both kinds of real code pass)."""
    text = _normalise(value)
    if not text:
        return UsccResult(text, (Violation(USCC_REQUIRED, _("Enter the unified social credit code.")),))
    if len(text) != 18:
        return UsccResult(
            text,
            (
                Violation(
                    USCC_LENGTH,
                    _("A unified social credit code has 18 characters; this one has %(length)d."),
                    {"length": len(text)},
                ),
            ),
        )
    for position, character in enumerate(text, start=1):
        if character not in USCC_CHARACTERS:
            return UsccResult(
                text,
                (
                    Violation(
                        USCC_CHARACTERS_RULE,
                        _(
                            "Character %(position)d (%(character)s) is not allowed: a unified social credit code "
                            "uses digits and capital letters except I, O, Z, S and V."
                        ),
                        {"position": position, "character": character},
                    ),
                ),
            )

    violations: list[Violation] = []
    division_code = text[2:8]
    if not division_code.isdigit():
        violations.append(
            Violation(
                USCC_DIVISION_CODE,
                _("Characters 3 to 8 (%(code)s) must be the six-digit division code of the registration authority."),
                {"code": division_code},
            )
        )
    organisation_body, organisation_check = text[8:16], text[16]
    if check_organisation_code and organisation_code_check_character(organisation_body) != organisation_check:
        violations.append(
            Violation(
                USCC_ORGANISATION_CODE,
                _(
                    "Characters 9 to 17 (%(code)s) are not a valid organisation code: its own check character "
                    "(GB 11714) does not match."
                ),
                {"code": f"{organisation_body}-{organisation_check}"},
            )
        )
    if uscc_check_character(text[:17]) != text[17]:
        violations.append(
            Violation(
                USCC_CHECK_CHARACTER,
                _(
                    "The last character does not match the check character computed from the first 17 "
                    "(GB 32100 MOD 31); the code contains a typing error."
                ),
            )
        )
    place = division(division_code) if division_code.isdigit() else None
    return UsccResult(
        text,
        tuple(violations),
        registration_authority=text[0],
        organisation_type=text[1],
        division_code=division_code,
        division_name=place.name if place else None,
        organisation_code=f"{organisation_body}-{organisation_check}",
    )


def uscc_make(registration_authority: str, organisation_type: str, division_code: str, organisation_body: str) -> str:
    """Compose a valid USCC: e.g. ``uscc_make("9", "1", "990102", "MA000001")`` for an enterprise in 东城区."""
    if len(registration_authority) != 1 or registration_authority not in USCC_CHARACTERS:
        raise ValueError("registration authority is one character from the GB 32100 set")
    if len(organisation_type) != 1 or organisation_type not in USCC_CHARACTERS:
        raise ValueError("organisation type is one character from the GB 32100 set")
    if len(division_code) != 6 or not division_code.isdigit():
        raise ValueError("division code is six digits")
    if any(c not in USCC_CHARACTERS for c in organisation_body):
        raise ValueError("organisation code body uses characters from the GB 32100 set")
    organisation_code = organisation_body + organisation_code_check_character(organisation_body)
    body = f"{registration_authority}{organisation_type}{division_code}{organisation_code}"
    return body + uscc_check_character(body)


# --- Django and service adapters -------------------------------------------------------------------------------


def _raise_for_form(result: CheckResult) -> None:
    if not result.valid:
        violation = result.violations[0]
        raise ValidationError(cast(Any, violation.message), code=violation.code, params=dict(violation.params) or None)


def validate_id_number(value: object) -> None:
    """Django validator (forms and model fields): raises ``ValidationError`` whose ``code`` names the broken rule."""
    _raise_for_form(check_id_number(value))


def validate_uscc(value: object) -> None:
    """Django validator (forms and model fields): raises ``ValidationError`` whose ``code`` names the broken rule."""
    _raise_for_form(check_uscc(value))


@deconstructible
class IdNumberValidator:
    """Model-field validator (``validators=[IdNumberValidator()]``) with the behaviour of ``validate_id_number``."""

    def __call__(self, value: object) -> None:
        validate_id_number(value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IdNumberValidator)

    def __hash__(self) -> int:
        return hash(type(self))


@deconstructible
class UsccValidator:
    """Model-field validator with the behaviour of ``validate_uscc``."""

    def __call__(self, value: object) -> None:
        validate_uscc(value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UsccValidator)

    def __hash__(self) -> int:
        return hash(type(self))


def _require(result: CheckResult, field_name: str) -> None:
    if not result.valid:
        violation = result.violations[0]
        raise ValidationFailed(
            violation.message,
            code=violation.code,
            params=violation.params,
            field_errors={field_name: [violation_text(violation)]},
        )


class _Interpolated(Promise):
    """A lazy message with its parameters applied when rendered, so field errors translate per language."""

    def __init__(self, violation: Violation) -> None:
        self.violation = violation

    def __str__(self) -> str:
        return self.violation.render()


def violation_text(violation: Violation) -> str | Promise:
    """The violation's message for a field error: lazy, with its parameters applied in the language of display."""
    return _Interpolated(violation) if violation.params else violation.message


def require_id_number(value: object, *, field_name: str = "id_number") -> IdNumberResult:
    """For services: the parsed result, or ``ValidationFailed`` (422) whose code names the broken rule."""
    result = check_id_number(value)
    _require(result, field_name)
    return result


def require_uscc(value: object, *, field_name: str = "uscc") -> UsccResult:
    """For services: the parsed result, or ``ValidationFailed`` (422) whose code names the broken rule."""
    result = check_uscc(value)
    _require(result, field_name)
    return result
