"""The pages of applying online: the pre-filled form with errors per field, uploads, the receipt and timeline with
ledger receipts, "my applications", the staff queue and the case page's HTMX actions."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhizheng.accounts.models import User
from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.certificates import services as certificate_services
from zhizheng.certificates.models import Certificate
from zhizheng.certificates.tests.conftest import id_card_data
from zhizheng.core.actor import SYSTEM
from zhizheng.govservices.models import Application
from zhizheng.govservices.tests.test_applications import ITEM
from zhizheng.ledger.models import Entry
from zhizheng.orgs.models import Department, Membership
from zhizheng.registries.models import Resident
from zhizheng.registries.tests import factories as registry_factories

APPLY = f"/services/items/{ITEM}/apply/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def resident(catalogue: Any) -> Resident:
    certificate_services.certificate_types_load(actor=SYSTEM)
    return registry_factories.resident(name="陈静")


@pytest.fixture
def citizen(resident: Resident) -> User:
    return accounts_factories.citizen(id_number=resident.id_number, real_name=resident.name, phone="13900139000")


@pytest.fixture
def browser(citizen: User) -> Client:
    client = Client()
    client.force_login(citizen)
    return client


@pytest.fixture
def id_card(resident: Resident) -> Certificate:
    return certificate_services.certificate_issue(
        actor=SYSTEM, certificate_type="CT-SFZ", holder=resident.id_number, subject=id_card_data(resident)
    )


def staff_browser(code: str, role: str) -> Client:
    user = accounts_factories.staff()
    Membership.objects.create(user=user, department=Department.objects.get(code=code), role=role)
    client = Client()
    client.force_login(user)
    return client


def valid_post(resident: Resident, id_card: Certificate, **extra: Any) -> dict[str, Any]:
    return {
        "idempotency_key": "page-1",
        "person.name": resident.name,
        "person.id_number": resident.id_number,
        "person.mobile": "13900139000",
        "materials.m1": f"certificate:{id_card.serial}",
        "consent": "materials.m1",
        "delivery": "electronic",
        **extra,
    }


def test_the_guide_links_to_the_form_which_is_prefilled(browser: Client, citizen: User, id_card: Certificate) -> None:
    guide = browser.get(f"/services/items/{ITEM}/").content.decode()
    assert f'href="{APPLY}"' in guide
    page = browser.get(APPLY)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'value="{citizen.id_number}"' in html
    assert 'value="13900139000"' in html
    assert f'value="certificate:{id_card.serial}"' in html
    assert 'name="idempotency_key"' in html


def test_anonymous_is_sent_to_sign_in() -> None:
    response = Client().get(APPLY)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login")


def test_errors_show_on_their_fields_and_nothing_is_stored(browser: Client, resident: Resident) -> None:
    entries = Entry.objects.count()
    response = browser.post(APPLY, {"person.name": "陈", "person.mobile": "12", "delivery": "fax"})
    assert response.status_code == 422
    html = response.content.decode()
    for name in ("person.name", "person.mobile", "person.id_number", "delivery"):
        assert re.search(rf'class="[^"]*is-invalid[^"]*"[^>]*name="{re.escape(name)}"', html), name
    assert html.count("invalid-feedback d-block") == 5  # name, ID number, mobile, material, delivery
    assert (Application.objects.count(), Entry.objects.count()) == (0, entries)


def test_submitting_twice_makes_one_application_and_shows_the_receipt(
    browser: Client, resident: Resident, id_card: Certificate
) -> None:
    first = browser.post(APPLY, valid_post(resident, id_card))
    second = browser.post(APPLY, valid_post(resident, id_card))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    application = Application.objects.get()
    assert first["Location"] == f"/services/applications/{application.receipt_number}/"
    receipt = browser.get(first["Location"]).content.decode()
    assert application.receipt_number in receipt
    assert "data-ledger-receipt" in receipt
    assert "govservices.application.submitted" in receipt


def test_an_uploaded_file_is_sniffed(
    browser: Client, resident: Resident, id_card: Certificate, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    body = valid_post(resident, id_card)
    body["materials.m2"] = SimpleUploadedFile("letter.pdf", b"just text, not a PDF", content_type="application/pdf")
    refused = browser.post(APPLY, body)
    assert refused.status_code == 422
    assert Application.objects.count() == 0
    body["materials.m2"] = SimpleUploadedFile("letter.png", PNG, content_type="image/png")
    assert browser.post(APPLY, body).status_code == 302
    reference = Application.objects.get().form_data["materials"]["m2"]
    assert reference.startswith("upload:")
    assert (tmp_path / "applications" / f"{reference.removeprefix('upload:')}.png").read_bytes() == PNG


def test_my_applications_lists_only_mine_within_a_query_ceiling(
    browser: Client, resident: Resident, id_card: Certificate, django_assert_max_num_queries: Any
) -> None:
    for n in range(3):
        browser.post(APPLY, valid_post(resident, id_card, idempotency_key=f"k{n}"))
    with django_assert_max_num_queries(12):
        html = browser.get("/services/applications/").content.decode()
    assert html.count("/services/applications/ZW") == 3
    other = Client()
    other.force_login(accounts_factories.citizen(real_name="王五"))
    receipt = Application.objects.first()
    assert receipt is not None
    assert "/services/applications/ZW" not in other.get("/services/applications/").content.decode()
    assert other.get(f"/services/applications/{receipt.receipt_number}/").status_code == 404


def test_staff_queue_and_case_actions_with_htmx(browser: Client, resident: Resident, id_card: Certificate) -> None:
    browser.post(APPLY, valid_post(resident, id_card))
    application = Application.objects.get()
    caseworker = staff_browser("GAJ", "caseworker")
    queue = caseworker.get("/services/queue/").content.decode()
    assert application.receipt_number in queue
    assert staff_browser("SCJGJ", "caseworker").get(f"/services/queue/{application.receipt_number}/").status_code == 404
    case_url = f"/services/queue/{application.receipt_number}/"
    assert "hx-confirm" in caseworker.get(case_url).content.decode()
    htmx = {"HX-Request": "true"}
    early = caseworker.post(f"{case_url}approve/", headers=htmx).content.decode()
    assert "alert-danger" in early
    accepted = caseworker.post(f"{case_url}accept/", headers=htmx).content.decode()
    assert "<html" not in accepted
    assert "govservices.application.accepted" in accepted
    no_reason = caseworker.post(f"{case_url}reject/", {"reason": ""}, headers=htmx).content.decode()
    assert "is-invalid" in no_reason
    caseworker.post(f"{case_url}approve/", headers=htmx)
    application.refresh_from_db()
    assert application.status == "approved"
    assert application.certificate is not None
    assert browser.post(f"{case_url}accept/").status_code == 403
    application.refresh_from_db()
    assert application.status == "approved"


def test_a_draft_is_saved_continued_and_submitted(browser: Client, resident: Resident, id_card: Certificate) -> None:
    saved = browser.post(APPLY, {"person.name": resident.name, "save_draft": "1"})
    draft = Application.objects.get()
    assert saved["Location"] == f"/services/applications/{draft.receipt_number}/"
    assert (draft.status, draft.form_data["person"]) == ("draft", {"name": "陈静"})
    assert "?application=" in browser.get(saved["Location"]).content.decode()
    page = browser.get(f"{APPLY}?application={draft.receipt_number}").content.decode()
    assert f'name="application" value="{draft.receipt_number}"' in page
    body = valid_post(resident, id_card, application=draft.receipt_number)
    assert browser.post(APPLY, body).status_code == 302
    draft.refresh_from_db()
    assert (Application.objects.count(), draft.status) == (1, "submitted")


def test_after_a_supplement_request_the_same_application_is_resubmitted(
    browser: Client, resident: Resident, id_card: Certificate
) -> None:
    browser.post(APPLY, valid_post(resident, id_card))
    application = Application.objects.get()
    caseworker = staff_browser("GAJ", "caseworker")
    caseworker.post(
        f"/services/queue/{application.receipt_number}/supplement/", {"materials": "请补充委托书原件扫描件"}
    )
    page = browser.get(f"/services/applications/{application.receipt_number}/").content.decode()
    assert "请补充委托书原件扫描件" in page
    body = valid_post(resident, id_card, application=application.receipt_number, remarks="已补充")
    assert browser.post(APPLY, body).status_code == 302
    application.refresh_from_db()
    assert (Application.objects.count(), application.status, application.form_data["remarks"]) == (
        1,
        "submitted",
        "已补充",
    )
    stranger = Client()
    stranger.force_login(accounts_factories.citizen(real_name="王五"))
    assert stranger.get(f"{APPLY}?application={application.receipt_number}").status_code == 404


def test_posting_a_continued_form_twice_keeps_one_submission(
    browser: Client, resident: Resident, id_card: Certificate
) -> None:
    browser.post(APPLY, {"person.name": resident.name, "save_draft": "1"})
    draft = Application.objects.get()
    body = valid_post(resident, id_card, application=draft.receipt_number)
    first = browser.post(APPLY, body)
    second = browser.post(APPLY, body)
    assert first["Location"] == second["Location"] == f"/services/applications/{draft.receipt_number}/"
    assert Entry.objects.filter(act="govservices.application.submitted").count() == 1
