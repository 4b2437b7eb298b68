"""The public documents, the verify API, the standalone verifier over HTTP, and the management commands."""

from __future__ import annotations

import copy
import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from zhizheng.certificates import checks, services, statuslist
from zhizheng.certificates import verify as verify_tool
from zhizheng.certificates.choices import CHECK_MESSAGES
from zhizheng.certificates.models import Certificate
from zhizheng.certificates.tests.conftest import World, client_fetch
from zhizheng.core.actor import SYSTEM

pytestmark = pytest.mark.django_db


def test_every_check_message_has_a_translation_with_the_same_parameters() -> None:
    assert set(CHECK_MESSAGES) == set(checks.MESSAGES)
    for code, english in checks.MESSAGES.items():
        with translation.override("en"):
            assert str(CHECK_MESSAGES[code]) == english
        with translation.override("zh-hans"):
            chinese = str(CHECK_MESSAGES[code])
        assert chinese != english
        assert sorted(re.findall(r"%\(\w+\)s", chinese)) == sorted(re.findall(r"%\(\w+\)s", english))


def test_the_multikey_and_issuer_documents_are_public(client: Client, id_card: Certificate) -> None:
    key = client.get("/certificates/issuers/GAJ/keys/1").json()
    assert key["type"] == "Multikey"
    assert key["id"] == id_card.credential["proof"]["verificationMethod"]
    assert key["controller"] == "http://127.0.0.1:8000/certificates/issuers/GAJ"
    assert key["publicKeyMultibase"].startswith("z6Mk")
    issuer = client.get("/certificates/issuers/GAJ").json()
    assert issuer["assertionMethod"] == [key["id"]]
    assert client.get("/certificates/issuers/GAJ/keys/2").status_code == 404
    assert client.get("/certificates/issuers/NOPE").status_code == 404


def test_the_status_list_credential_is_signed_and_tracks_revocation(client: Client, id_card: Certificate) -> None:
    url = "/certificates/issuers/GAJ/status/1"
    document = client.get(url).json()
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    bits = statuslist.decode(document["credentialSubject"]["encodedList"])
    assert (len(bits) * 8, statuslist.get_bit(bits, 0)) == (131_072, False)
    services.certificate_revoke(actor=SYSTEM, certificate=id_card, reason="lost")
    bits = statuslist.decode(client.get(url).json()["credentialSubject"]["encodedList"])
    assert statuslist.get_bit(bits, 0) is True


def test_verify_api_valid_and_tampered(client: Client, id_card: Certificate) -> None:
    response = client.post("/api/v1/certificates/verify", id_card.credential, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert (body["valid"], body["verdict"]) == (True, "valid")
    assert [c["name"] for c in body["checks"]] == ["structure", "key", "signature", "status", "validity"]
    tampered = copy.deepcopy(id_card.credential)
    tampered["credentialSubject"]["name"] = "王五"
    body = client.post("/api/v1/certificates/verify", tampered, content_type="application/json").json()
    assert (body["valid"], body["verdict"]) == (False, "tampered")
    assert [c["name"] for c in body["checks"] if not c["ok"]] == ["signature"]


def test_verify_api_names_revocation(client: Client, id_card: Certificate) -> None:
    services.certificate_revoke(actor=SYSTEM, certificate=id_card, reason="lost")
    body = client.post("/api/v1/certificates/verify", id_card.credential, content_type="application/json").json()
    assert (body["valid"], body["verdict"]) == (False, "revoked")
    status = next(c for c in body["checks"] if c["name"] == "status")
    assert status["code"] == "status.revoked"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b"\xff\xfe", "not UTF-8"),
        (b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested deeper than 32 levels"),
        (b'{"a": ' + b"[" * 40 + b"]" * 40 + b"}", "nested deeper than 32 levels"),
        (b"{" + b" " * 300_000 + b"}", "larger than 256 KiB"),
    ],
)
def test_verify_api_malformed_input_is_a_clear_400(client: Client, world: World, body: bytes, reason: str) -> None:
    response = client.post("/api/v1/certificates/verify", body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "certificates.credential_malformed"
    assert reason in problem["detail_en"]


def test_verify_api_an_object_that_is_no_credential_is_invalid_structure(client: Client, world: World) -> None:
    body = client.post("/api/v1/certificates/verify", {"hello": 1}, content_type="application/json").json()
    assert (body["valid"], body["verdict"], body["checks"][0]["name"]) == (False, "malformed", "structure")


def test_types_api_lists_the_42_types(client: Client, world: World) -> None:
    body = client.get("/api/v1/certificates/types?limit=5").json()
    assert body["count"] == 42
    assert [t["code"] for t in body["items"]][:2] == ["CT-BDCDJZM", "CT-BDCQZ"]


def test_standalone_verifier_fetches_only_key_and_status_list(
    client: Client, id_card: Certificate, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fetched: list[str] = []
    inner = client_fetch(client)

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return inner(url)

    path = tmp_path / "c.json"
    path.write_text(json.dumps(id_card.credential, ensure_ascii=False), encoding="utf-8")
    assert verify_tool.main([str(path)], fetch=fetch) == 0
    assert capsys.readouterr().out.strip().endswith("VALID")
    assert sorted(set(fetched)) == [
        "http://127.0.0.1:8000/certificates/issuers/GAJ/keys/1",
        "http://127.0.0.1:8000/certificates/issuers/GAJ/status/1",
    ]
    services.certificate_revoke(actor=SYSTEM, certificate=id_card, reason="lost")
    assert verify_tool.main([str(path), "--json"], fetch=fetch) == 1
    report = json.loads(capsys.readouterr().out)
    assert [c["code"] for c in report["checks"] if not c["ok"]] == ["status.revoked"]


def test_standalone_verifier_base_url_and_bad_input(
    client: Client, id_card: Certificate, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[str] = []
    inner = client_fetch(client)

    def fetch(url: str) -> bytes:
        seen.append(url)
        return inner(url.replace("http://mirror.example", "http://127.0.0.1:8000"))

    path = tmp_path / "c.json"
    path.write_text(json.dumps(id_card.credential), encoding="utf-8")
    assert verify_tool.main([str(path), "--base-url", "http://mirror.example"], fetch=fetch) == 0
    assert all(url.startswith("http://mirror.example/certificates/") for url in seen)
    bad = tmp_path / "bad.json"
    bad.write_text("{oops", encoding="utf-8")
    assert verify_tool.main([str(bad)], fetch=fetch) == 2
    assert "is not JSON" in capsys.readouterr().err

    def offline(url: str) -> bytes:
        raise OSError("connection refused")

    assert verify_tool.main([str(path)], fetch=offline) == 1
    assert "INVALID (key, signature, status)" in capsys.readouterr().out


def test_certificate_list_and_export_commands(id_card: Certificate, world: World) -> None:
    out = io.StringIO()
    call_command("certificate_list", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[-1] == "1 certificate(s)"
    assert world.resident.id_number not in out.getvalue()
    assert lines[0].split("\t")[:2] == [id_card.serial, "CT-SFZ"]
    out = io.StringIO()
    call_command("certificate_export", id_card.serial, stdout=out)
    assert json.loads(out.getvalue()) == id_card.credential
    with pytest.raises(CommandError, match="no certificate"):
        call_command("certificate_export", "NOPE")


def test_certificate_import_is_all_or_nothing(world: World, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(
        "type,holder,valid_from,valid_until,field:name,uscc\n"
        f"CT-YYZZ,{world.enterprise.uscc},2024-01-01,,{world.enterprise.name},{world.enterprise.uscc}\n"
        f"CT-SFZ,{world.resident.id_number},2024-01-01,2044-01-01,陈静,\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("certificate_import", str(good), stdout=out)
    assert out.getvalue().startswith("Issued 2 certificate(s)")
    licence = Certificate.objects.get(type__code="CT-YYZZ")
    assert licence.subject == {"uscc": world.enterprise.uscc, "name": world.enterprise.name}
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"type,holder,name\nCT-SFZ,{world.resident.id_number},陈静\nCT-SFZ,110101199003070000,张三\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match=r"line 3: .*neither a resident nor a legal person"):
        call_command("certificate_import", str(bad))
    wrong_date = tmp_path / "date.csv"
    wrong_date.write_text(f"type,holder,valid_from,name\nCT-SFZ,{world.resident.id_number},soon,陈静\n")
    with pytest.raises(CommandError, match=r"Line 2 .*not a date"):
        call_command("certificate_import", str(wrong_date))
    assert Certificate.objects.count() == 2
