"""Issuing, verifying, tampering, revoking, renewing, re-issuing; the ledger; the authorisation matrix."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.utils import timezone

from zhizheng.certificates import dataintegrity, selectors, services
from zhizheng.certificates.choices import CertificateStatus
from zhizheng.certificates.errors import (
    CertificateNotValid,
    HolderKindMismatch,
    HolderUnknown,
    NotIssuingDepartment,
    SubjectInvalid,
)
from zhizheng.certificates.models import Certificate, CertificateType, IssuerKey, StatusList
from zhizheng.certificates.tests.conftest import ID_CARD, World, id_card_data, staff_actor
from zhizheng.core.actor import ANONYMOUS, SYSTEM, Actor, ActorKind
from zhizheng.core.errors import PermissionDenied
from zhizheng.ledger.models import Entry

pytestmark = pytest.mark.django_db


def _checks(document: object) -> dict[str, tuple[bool, str]]:
    outcome = selectors.verify_credential(document).outcome
    return {c.name: (c.ok, c.code) for c in outcome.checks}


def test_types_load_is_idempotent(world: World) -> None:
    assert CertificateType.objects.count() == 42
    assert services.certificate_types_load(actor=SYSTEM) == services.LoadResult(created=0, updated=0)
    licence = CertificateType.objects.get(code="CT-YYZZ")
    assert (licence.name, licence.issuing_department.code, licence.holder_kind) == ("营业执照", "SCJGJ", "legal_person")
    assert licence.field_keys[0] == "uscc"


def test_types_load_is_for_the_system_only(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.certificate_types_load(actor=staff_actor(world.gaj, "department_head"))


def test_issue_signs_a_verifiable_credential(world: World, id_card: Certificate) -> None:
    credential = id_card.credential
    assert credential["type"] == ["VerifiableCredential", "ZhizhengCertificate"]
    assert credential["issuer"] == {"id": "http://127.0.0.1:8000/certificates/issuers/GAJ", "name": world.gaj.name}
    assert credential["credentialSubject"] == id_card_data(world.resident)
    assert credential["credentialStatus"]["statusListIndex"] == "0"
    assert credential["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert credential["proof"]["verificationMethod"] == "http://127.0.0.1:8000/certificates/issuers/GAJ/keys/1"
    assert "validUntil" not in credential  # 居民身份证 has no fixed validity in the type
    outcome = selectors.verify_credential(credential).outcome
    assert outcome.valid is True
    assert [c.name for c in outcome.checks] == ["structure", "key", "signature", "status", "validity"]
    assert (id_card.holder_kind, id_card.holder_resident, id_card.status) == ("person", world.resident, "valid")


def test_issue_records_the_act_with_the_holder_hashed(world: World, id_card: Certificate) -> None:
    entry = Entry.objects.get(act="certificates.certificate.issued", subject_id=str(id_card.pk))
    assert world.resident.id_number not in entry.leaf.decode()
    assert entry.payload["holder"] == world.resident.id_number
    assert entry.payload["serial"] == id_card.serial
    assert Entry.objects.filter(act="certificates.issuer_key.created").count() == 1


def test_a_type_with_validity_years_gets_a_validity_end(world: World) -> None:
    start = dt.datetime(2024, 2, 29, 8, tzinfo=dt.UTC)
    certificate = services.certificate_issue(
        actor=SYSTEM,
        certificate_type="CT-SPJY",
        holder=world.enterprise.uscc,
        subject={"operator_name": world.enterprise.name, "uscc": world.enterprise.uscc},
        valid_from=start,
    )
    assert certificate.valid_until == dt.datetime(2029, 2, 28, 8, tzinfo=dt.UTC)
    assert certificate.credential["validUntil"] == "2029-02-28T08:00:00Z"


@pytest.mark.parametrize(
    ("change", "failed", "code"),
    [
        (lambda c: c["credentialSubject"].update(name="李四"), "signature", "signature.invalid"),
        (lambda c: c.update(validUntil="2099-01-01T00:00:00Z"), "signature", "signature.invalid"),
        (lambda c: c["proof"].update(proofValue="z" + "2" * 87), "signature", "signature.invalid"),
        (lambda c: c["proof"].update(proofValue="not-base58"), "signature", "signature.malformed"),
        (lambda c: c.update(validFrom="yesterday"), "structure", "structure.invalid"),
        (lambda c: c.pop("issuer"), "structure", "structure.invalid"),
        (
            lambda c: c["proof"].update(verificationMethod="http://127.0.0.1:8000/certificates/issuers/GAJ/keys/9"),
            "key",
            "key.unknown",
        ),
        (
            lambda c: c["proof"].update(verificationMethod="https://evil.example/keys/1"),
            "key",
            "key.unknown",
        ),
    ],
)
def test_tampering_is_caught_by_the_named_check(
    world: World, id_card: Certificate, change: object, failed: str, code: str
) -> None:
    document = copy.deepcopy(id_card.credential)
    change(document)  # type: ignore[operator]
    checks = _checks(document)
    assert checks[failed] == (False, code)
    assert selectors.verify_credential(document).valid is False


def test_a_key_of_another_issuer_is_refused(world: World, id_card: Certificate) -> None:
    licence = services.certificate_issue(
        actor=SYSTEM,
        certificate_type="CT-YYZZ",
        holder=world.enterprise.uscc,
        subject={"uscc": world.enterprise.uscc, "name": world.enterprise.name},
    )
    document = copy.deepcopy(id_card.credential)
    document["proof"]["verificationMethod"] = licence.credential["proof"]["verificationMethod"]
    assert _checks(document)["key"] == (False, "key.wrong_controller")


def test_revoke_sets_the_status_bit(world: World, id_card: Certificate) -> None:
    chief = staff_actor(world.gaj, "section_chief")
    services.certificate_revoke(actor=chief, certificate=id_card, reason="lost")
    id_card.refresh_from_db()
    assert (id_card.status, id_card.revocation_reason) == ("revoked", "lost")
    assert _checks(id_card.credential)["status"] == (False, "status.revoked")
    assert Entry.objects.filter(act="certificates.certificate.revoked", subject_id=str(id_card.pk)).count() == 1
    with pytest.raises(CertificateNotValid):
        services.certificate_revoke(actor=chief, certificate=id_card, reason="lost")


def test_an_expired_and_a_not_yet_valid_certificate(world: World) -> None:
    now = timezone.now()
    expired = services.certificate_issue(
        actor=SYSTEM,
        certificate_type="CT-SFZ",
        holder=world.resident.id_number,
        subject={"name": "陈静"},
        valid_from=now - dt.timedelta(days=400),
        valid_until=now - dt.timedelta(days=1),
    )
    assert _checks(expired.credential)["validity"] == (False, "validity.expired")
    assert selectors.effective_status(expired) == CertificateStatus.EXPIRED
    future = services.certificate_issue(
        actor=SYSTEM,
        certificate_type="CT-SFZ",
        holder=world.resident.id_number,
        subject={"name": "陈静"},
        valid_from=now + dt.timedelta(days=3),
    )
    assert _checks(future.credential)["validity"] == (False, "validity.not_yet_valid")


def test_renew_supersedes_the_old_certificate(world: World, id_card: Certificate) -> None:
    until = timezone.now() + dt.timedelta(days=3650)
    renewed = services.certificate_renew(actor=SYSTEM, certificate=id_card, valid_until=until)
    id_card.refresh_from_db()
    assert (id_card.status, renewed.replaces, renewed.status_index) == ("superseded", id_card, 1)
    assert renewed.subject["valid_from"] == timezone.localdate().isoformat()
    assert renewed.subject["valid_to"] == timezone.localtime(until).date().isoformat()
    assert renewed.subject["name"] == id_card.subject["name"]
    assert _checks(id_card.credential)["status"] == (False, "status.revoked")
    assert selectors.verify_credential(renewed.credential).valid is True
    assert Entry.objects.filter(act="certificates.certificate.renewed", subject_id=str(renewed.pk)).count() == 1


def test_reissue_corrects_data_under_a_new_serial(world: World, id_card: Certificate) -> None:
    reissued = services.certificate_reissue(actor=SYSTEM, certificate=id_card, subject={"address": "示范市东城区1号"})
    assert reissued.serial != id_card.serial
    assert reissued.subject["address"] == "示范市东城区1号"
    assert reissued.subject["name"] == ID_CARD["name"]
    assert Entry.objects.filter(act="certificates.certificate.reissued").count() == 1


def test_key_rotation_keeps_old_credentials_verifying(world: World, id_card: Certificate) -> None:
    head = staff_actor(world.gaj, "department_head")
    new_key = services.issuer_key_rotate(actor=head, department=world.gaj)
    assert new_key.number == 2
    assert list(IssuerKey.objects.filter(department=world.gaj).values_list("number", "active")) == [
        (1, False),
        (2, True),
    ]
    assert selectors.verify_credential(id_card.credential).valid is True
    fresh = services.certificate_issue(
        actor=SYSTEM, certificate_type="CT-SFZ", holder=world.resident.id_number, subject={"name": "陈静"}
    )
    assert fresh.credential["proof"]["verificationMethod"].endswith("/GAJ/keys/2")
    issuer = selectors.issuer_document(code="GAJ")
    assert [m["id"].rsplit("/", 1)[1] for m in issuer["verificationMethod"]] == ["1", "2"]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"holder": "110101199003070000"}, HolderUnknown),
        ({"subject": {"nickname": "x"}}, SubjectInvalid),
        ({"subject": {"name": ""}}, SubjectInvalid),
        ({"subject": {"name": ["a"]}}, SubjectInvalid),
        ({"certificate_type": "CT-YYZZ", "subject": {"name": "x"}}, HolderKindMismatch),
    ],
)
def test_bad_issue_requests_are_refused_and_nothing_is_written(world: World, kwargs: dict, error: type) -> None:
    request = {"certificate_type": "CT-SFZ", "holder": world.resident.id_number, "subject": {"name": "陈静"}}
    request.update(kwargs)
    with pytest.raises(error):
        services.certificate_issue(actor=SYSTEM, **request)
    assert Certificate.objects.count() == 0
    assert StatusList.objects.count() == 0


def test_the_wrong_department_cannot_issue_a_type(world: World) -> None:
    with pytest.raises(NotIssuingDepartment):
        services.certificate_issue(
            actor=SYSTEM,
            certificate_type="CT-SFZ",
            holder=world.resident.id_number,
            subject={"name": "陈静"},
            issuing_department=world.scjgj,
        )


CITIZEN = Actor(kind=ActorKind.USER, user_id=999, user_kind="citizen")


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", False),
        ("citizen", False),
        ("other_department_head", False),
        ("auditor_of_gaj", False),
        ("caseworker_of_gaj", True),
        ("system", True),
    ],
)
def test_issue_authorisation_matrix(world: World, who: str, allowed: bool) -> None:
    actor = {
        "anonymous": lambda: ANONYMOUS,
        "citizen": lambda: CITIZEN,
        "other_department_head": lambda: staff_actor(world.scjgj, "department_head"),
        "auditor_of_gaj": lambda: staff_actor(world.gaj, "auditor"),
        "caseworker_of_gaj": lambda: staff_actor(world.gaj, "caseworker"),
        "system": lambda: SYSTEM,
    }[who]()
    entries = Entry.objects.count()
    request = {"certificate_type": "CT-SFZ", "holder": world.resident.id_number, "subject": {"name": "陈静"}}
    if allowed:
        services.certificate_issue(actor=actor, **request)
        assert Certificate.objects.count() == 1
        return
    with pytest.raises(PermissionDenied):
        services.certificate_issue(actor=actor, **request)
    assert (Certificate.objects.count(), Entry.objects.count()) == (0, entries)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", False),
        ("citizen", False),
        ("other_department_head", False),
        ("caseworker_of_gaj", False),
        ("section_chief_of_gaj", True),
        ("system", True),
    ],
)
def test_revoke_authorisation_matrix(world: World, id_card: Certificate, who: str, allowed: bool) -> None:
    actor = {
        "anonymous": lambda: ANONYMOUS,
        "citizen": lambda: CITIZEN,
        "other_department_head": lambda: staff_actor(world.scjgj, "department_head"),
        "caseworker_of_gaj": lambda: staff_actor(world.gaj, "caseworker"),
        "section_chief_of_gaj": lambda: staff_actor(world.gaj, "section_chief"),
        "system": lambda: SYSTEM,
    }[who]()
    bits = bytes(id_card.status_list.bits)
    if allowed:
        services.certificate_revoke(actor=actor, certificate=id_card, reason="issued_in_error")
        assert Certificate.objects.get(pk=id_card.pk).status == "revoked"
        return
    with pytest.raises(PermissionDenied):
        services.certificate_revoke(actor=actor, certificate=id_card, reason="issued_in_error")
    assert Certificate.objects.get(pk=id_card.pk).status == "valid"
    assert bytes(StatusList.objects.get(pk=id_card.status_list_id).bits) == bits
    assert not Entry.objects.filter(act="certificates.certificate.revoked").exists()


def test_an_unknown_revocation_reason_is_refused(world: World, id_card: Certificate) -> None:
    from zhizheng.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.certificate_revoke(actor=SYSTEM, certificate=id_card, reason="because")
    assert Certificate.objects.get(pk=id_card.pk).status == "valid"


def test_issuer_keys_are_encrypted_at_rest(world: World, id_card: Certificate, settings: object) -> None:
    key = IssuerKey.objects.select_related("department").get()
    blob = bytes(key.private_key_encrypted)
    assert len(blob) == 12 + 32 + 16  # nonce, key, GCM tag
    from zhizheng.certificates import keys

    private = keys.decrypt_private_key(blob, "GAJ", key.number)
    assert dataintegrity.public_key_multibase(private.public_key()) == key.public_key_multibase
    from zhizheng.certificates.errors import IssuerKeyUnusable

    with pytest.raises(IssuerKeyUnusable):
        keys.decrypt_private_key(blob, "SCJGJ", key.number)  # bound to its department


def test_certificates_for_holder_is_scoped(world: World, id_card: Certificate) -> None:
    assert list(selectors.certificates_for_holder(actor=SYSTEM, holder=world.resident.id_number)) == [id_card]
    assert (
        list(selectors.certificates_for_holder(actor=SYSTEM, holder=world.resident.id_number, type_code="CT-YYZZ"))
        == []
    )
    assert list(selectors.certificates_for_holder(actor=CITIZEN, holder=world.resident.id_number)) == []
    caseworker = staff_actor(world.scjgj, "caseworker")
    assert list(selectors.certificates_for_holder(actor=caseworker, holder=world.resident.id_number)) == [id_card]


def test_the_expiry_job_stores_expired_and_renewal_still_works(world: World) -> None:
    from zhizheng.certificates import tasks

    now = timezone.now()
    old = services.certificate_issue(
        actor=SYSTEM,
        certificate_type="CT-JSZ",
        holder=world.resident.id_number,
        subject={"name": "陈静", "valid_to": "2026-01-01"},
        valid_from=now - dt.timedelta(days=3650),
        valid_until=now - dt.timedelta(days=2),
    )
    assert tasks.expire.delay().get() == 1
    old.refresh_from_db()
    assert old.status == "expired"
    assert tasks.expire() == 0
    with pytest.raises(PermissionDenied):
        services.certificates_expire(actor=staff_actor(world.gaj, "department_head"))
    renewed = services.certificate_renew(actor=SYSTEM, certificate=old, valid_until=now + dt.timedelta(days=3650))
    assert selectors.verify_credential(renewed.credential).valid is True
    with pytest.raises(CertificateNotValid):
        services.certificate_revoke(actor=SYSTEM, certificate=old, reason="lost")  # superseded now
