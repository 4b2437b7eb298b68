"""Pages: verification (paste, QR link), the wallet (only one's own), share links with expiry, the PDF."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.certificates import pdf, services
from zhizheng.certificates.models import Certificate, ShareLink
from zhizheng.certificates.tests.conftest import World, holder_user
from zhizheng.core.actor import SYSTEM
from zhizheng.orgs.selectors import actor_for_user
from zhizheng.registries.tests import factories as registry_factories

pytestmark = pytest.mark.django_db


def _verdict(html: str) -> str:
    found = re.search(r'data-verdict="([a-z_]+)"', html)
    return found[1] if found else ""


def test_the_qr_link_shows_the_verdict_without_personal_fields(client: Client, id_card: Certificate) -> None:
    response = client.get(f"/certificates/v/{id_card.serial}")
    html = response.content.decode()
    assert (response.status_code, _verdict(html)) == (200, "valid")
    assert "居民身份证" in html
    assert id_card.subject["address"] not in html
    assert id_card.holder_identifier not in html
    assert client.get("/certificates/v/NOSUCHSERIAL1").status_code == 404


def test_pasting_a_tampered_credential_names_the_failed_check(client: Client, id_card: Certificate) -> None:
    tampered = copy.deepcopy(id_card.credential)
    tampered["credentialSubject"]["name"] = "王五"
    response = client.post("/certificates/verify/", {"credential": json.dumps(tampered, ensure_ascii=False)})
    html = response.content.decode()
    assert (response.status_code, _verdict(html)) == (200, "tampered")
    assert 'data-check="signature" data-ok="false"' in html


def test_pasting_a_serial_or_link_redirects_and_garbage_is_a_clear_400(client: Client, id_card: Certificate) -> None:
    response = client.post("/certificates/verify/", {"credential": id_card.serial.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"/certificates/v/{id_card.serial}"
    response = client.post("/certificates/verify/", {"credential": "{this is not json"})
    assert response.status_code == 400
    assert 'id="zz-verify-error"' in response.content.decode()


def test_revoked_and_expired_verdicts_on_the_page(client: Client, world: World, id_card: Certificate) -> None:
    services.certificate_revoke(actor=SYSTEM, certificate=id_card, reason="lost")
    assert _verdict(client.get(f"/certificates/v/{id_card.serial}").content.decode()) == "revoked"
    now = timezone.now()
    old = services.certificate_issue(
        actor=SYSTEM,
        certificate_type="CT-SFZ",
        holder=world.resident.id_number,
        subject={"name": "陈静"},
        valid_from=now - dt.timedelta(days=30),
        valid_until=now - dt.timedelta(days=1),
    )
    assert _verdict(client.get(f"/certificates/v/{old.serial}").content.decode()) == "expired"


def test_the_wallet_shows_only_ones_own_certificates(client: Client, world: World, id_card: Certificate) -> None:
    stranger = registry_factories.resident(name="赵强", male=True)
    other = services.certificate_issue(
        actor=SYSTEM, certificate_type="CT-SFZ", holder=stranger.id_number, subject={"name": "赵强"}
    )
    client.force_login(holder_user(world.resident))
    html = client.get("/certificates/wallet/").content.decode()
    assert id_card.serial in html
    assert other.serial not in html
    assert client.get(f"/certificates/wallet/{id_card.serial}/").status_code == 200
    for suffix in ("", "pdf", "json"):
        assert client.get(f"/certificates/wallet/{other.serial}/{suffix}").status_code == 404
    downloaded = client.get(f"/certificates/wallet/{id_card.serial}/json")
    assert json.loads(downloaded.content) == id_card.credential


def test_the_wallet_api_lists_own_certificates_within_a_query_ceiling(
    client: Client, world: World, id_card: Certificate, django_assert_max_num_queries: object
) -> None:
    client.force_login(holder_user(world.resident))
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        body = client.get("/api/v1/certificates/mine").json()
    assert (body["count"], body["items"][0]["serial"]) == (1, id_card.serial)
    assert Client().get("/api/v1/certificates/mine").status_code == 401


def test_an_agent_sees_the_enterprise_certificates(client: Client, world: World) -> None:
    licence = services.certificate_issue(
        actor=SYSTEM, certificate_type="CT-YYZZ", holder=world.enterprise.uscc, subject={"name": world.enterprise.name}
    )
    agent = accounts_factories.user(kind="agent", uscc=world.enterprise.uscc, real_name="陈静")
    client.force_login(agent)
    assert licence.serial in client.get("/certificates/wallet/").content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client: Client, id_card: Certificate) -> None:
    response = client.get(f"/certificates/wallet/{id_card.serial}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_share_link_shows_only_the_chosen_fields_until_it_expires(
    client: Client, world: World, id_card: Certificate
) -> None:
    client.force_login(holder_user(world.resident))
    response = client.post(f"/certificates/wallet/{id_card.serial}/", {"fields": ["name", "gender"], "hours": "24"})
    assert response.status_code == 200
    url = re.search(r'id="zz-share-url">([^<]+)<', response.content.decode())[1]  # type: ignore[index]
    path = url.removeprefix("http://127.0.0.1:8000")
    visitor = Client()
    html = visitor.get(path).content.decode()
    assert _verdict(html) == "valid"
    assert "陈静" in html
    assert "女" in html
    assert id_card.subject["address"] not in html
    assert id_card.subject["birth_date"] not in html
    ShareLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = visitor.get(path)
    assert expired.status_code == 410
    assert visitor.get("/certificates/s/" + "x" * 32).status_code == 404


def test_share_links_refuse_bad_choices_and_strangers(client: Client, world: World, id_card: Certificate) -> None:
    owner = holder_user(world.resident)
    client.force_login(owner)
    for data in ({"fields": [], "hours": "24"}, {"fields": ["name"], "hours": "9999"}, {"fields": ["salary"]}):
        assert client.post(f"/certificates/wallet/{id_card.serial}/", data).status_code == 422
    stranger = accounts_factories.citizen(real_name="赵强")
    with pytest.raises(Exception, match="does not exist"):
        services.share_link_create(
            actor=actor_for_user(stranger), certificate=id_card, fields=["name"], lifetime=dt.timedelta(hours=1)
        )
    assert ShareLink.objects.count() == 0


def test_the_pdf_embeds_a_chinese_font_and_the_text_reads_back(world: World, id_card: Certificate) -> None:
    reader = PdfReader(io.BytesIO(pdf.certificate_pdf(id_card)))
    page = reader.pages[0]
    fonts = page["/Resources"]["/Font"]
    embedded = []
    for font in fonts.values():
        font = font.get_object()
        descendant = font["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            embedded.append(str(font["/BaseFont"]))
    assert len(embedded) == 1
    assert "+NotoSansSC" in embedded[0]  # a subset tag, e.g. MPDFAA+NotoSansSC
    # fpdf2 writes two-byte glyph codes with its own embedded CMap; pypdf reads that CMap's high byte as a
    # separate code mapped to U+0000, so the NULs between characters are the reader's, not the document's.
    text = page.extract_text().replace("\x00", "")
    for expected in ("居民身份证", "陈静", "示范市公安局", id_card.serial, "扫码核验"):
        assert expected in text
    assert "/URI" in str(page["/Annots"][0].get_object()["/A"])  # the QR code links to the verification page


def test_pdfs_use_the_reduced_fonts_only_when_they_cover_the_text(
    world: World, id_card: Certificate, settings: object, tmp_path: Path
) -> None:
    settings.CERTIFICATES_FONT_CACHE = str(tmp_path)  # type: ignore[attr-defined]
    assert pdf.font_file(pdf.SANS, "陈静") == pdf.pylopdf_fonts_zh_cn.sans_path()  # no reduced copy yet
    reduced = pdf.reduced_font_path(pdf.SANS)
    shutil.copyfile(pdf.pylopdf_fonts_zh_cn.sans_path(), reduced)  # stands in for the GB 2312 copy
    assert pdf.font_file(pdf.SANS, "陈静 示范市东城区人民路8号") == reduced
    assert pdf.font_file(pdf.SANS, "王堃") == pdf.pylopdf_fonts_zh_cn.sans_path()  # 堃 is not in GB 2312
    assert "堃" not in pdf.gb2312_repertoire()
    assert len([c for c in pdf.gb2312_repertoire() if "\u4e00" <= c <= "\u9fff"]) == 6763
