"""A certificate shows its holder masked by kind: an ID number like an ID number, a USCC like a USCC."""

from __future__ import annotations

from zhizheng.certificates.choices import HolderKind
from zhizheng.certificates.models import Certificate


def test_person_holder_is_masked_as_an_id_number() -> None:
    certificate = Certificate(holder_kind=HolderKind.PERSON, holder_identifier="11010519491231002X")
    assert certificate.holder_masked == "110105********002X"


def test_legal_person_holder_is_masked_as_a_uscc() -> None:
    certificate = Certificate(holder_kind=HolderKind.LEGAL_PERSON, holder_identifier="91350100M000100Y43")
    assert certificate.holder_masked == "91350100********43"
