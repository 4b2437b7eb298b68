"""免提交: a certificate the government holds is attached instead of a material, with the applicant's consent per
certificate; the caseworker sees it verified; the guide marks it; the statistics count the materials saved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from zhizheng.accounts.models import User
from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.certificates import services as certificate_services
from zhizheng.certificates.models import Certificate
from zhizheng.certificates.tests.conftest import id_card_data
from zhizheng.core.actor import SYSTEM
from zhizheng.govservices.form_schemas import FormInvalid
from zhizheng.govservices.models import Application, CertificateAttachment, ServiceItem
from zhizheng.govservices.services import applications as apply
from zhizheng.govservices.services.material_reuse import CertificateReuseRefused, reuse_statistics
from zhizheng.govservices.tests.test_applications import ITEM
from zhizheng.govservices.tests.test_applications_pages import staff_browser
from zhizheng.govservices.tests.test_forms import FOOD
from zhizheng.ledger.models import Entry
from zhizheng.orgs.selectors import actor_for_user
from zhizheng.registries.models import LegalPerson, Resident
from zhizheng.registries.tests import factories as registry_factories

FOOD_ITEM = "SFS-0005"  # 食品经营许可证核发: m2 申请人营业执照 (CT-YYZZ), m3 法定代表人居民身份证 (CT-SFZ)
APPLY = f"/services/items/{ITEM}/apply/"


@dataclass
class Person:
    resident: Resident
    user: User
    id_card: Certificate

    @property
    def browser(self) -> Client:
        client = Client()
        client.force_login(self.user)
        return client


def _person(name: str) -> Person:
    resident = registry_factories.resident(name=name)
    user = accounts_factories.citizen(id_number=resident.id_number, real_name=name, phone="13900139000")
    card = certificate_services.certificate_issue(
        actor=SYSTEM, certificate_type="CT-SFZ", holder=resident.id_number, subject=id_card_data(resident)
    )
    return Person(resident=resident, user=user, id_card=card)


@pytest.fixture
def chen(catalogue: Any) -> Person:
    certificate_services.certificate_types_load(actor=SYSTEM)
    return _person("陈静")


@pytest.fixture
def wang(chen: Person) -> Person:
    return _person("王芳")


def _form(person: Person, material: str) -> dict[str, Any]:
    return {
        "person": {"name": person.resident.name, "id_number": person.resident.id_number, "mobile": "13900139000"},
        "materials": {"m1": material},
        "delivery": "electronic",
        "remarks": "",
    }


def _submit(person: Person, material: str, consents: tuple[str, ...]) -> Application:
    return apply.application_submit(
        actor=actor_for_user(person.user),
        item=ServiceItem.objects.get(code=ITEM),
        form_data=_form(person, material),
        certificate_consents=consents,
    )


def test_with_consent_the_certificate_is_attached_instead_of_the_material(chen: Person) -> None:
    serial = chen.id_card.serial

    application = _submit(chen, f"certificate:{serial}", (serial,))

    attachment = CertificateAttachment.objects.get(application=application)
    assert (attachment.material_key, attachment.material_name, attachment.certificate_id) == (
        "m1",
        "申请人居民身份证",
        chen.id_card.pk,
    )
    assert attachment.consented_at == application.submitted_at
    entry = Entry.objects.get(act="govservices.application.submitted")
    assert entry.payload["certificates_attached"] == [serial]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no_consent", "Tick the box to agree"),
        ("someone_elses", "not a valid certificate of yours"),
        ("revoked", "not a valid certificate of yours"),
        ("unknown", "not a valid certificate of yours"),
        ("wrong_type", "not a valid certificate of yours"),
    ],
)
def test_a_certificate_that_cannot_be_attached_is_refused_and_nothing_is_stored(
    chen: Person, wang: Person, case: str, message: str
) -> None:
    serial = {
        "no_consent": chen.id_card.serial,
        "someone_elses": wang.id_card.serial,
        "revoked": chen.id_card.serial,
        "unknown": "GAJ2026NOSUCH",
        "wrong_type": "",
    }[case]
    if case == "revoked":
        certificate_services.certificate_revoke(actor=SYSTEM, certificate=chen.id_card, reason="lost")
    if case == "wrong_type":
        household = certificate_services.certificate_issue(
            actor=SYSTEM,
            certificate_type="CT-HKB",
            holder=chen.resident.id_number,
            subject={"member_name": chen.resident.name, "id_number": chen.resident.id_number},
        )
        serial = household.serial
    consents = () if case == "no_consent" else (serial,)
    entries = Entry.objects.count()

    with pytest.raises(CertificateReuseRefused) as caught:
        _submit(chen, f"certificate:{serial}", consents)

    assert list(caught.value.field_errors) == ["materials.m1"]
    assert message in caught.value.as_problem()["errors_en"]["materials.m1"][0]
    assert (Application.objects.count(), CertificateAttachment.objects.count(), Entry.objects.count()) == (
        0,
        0,
        entries,
    )


def test_an_agent_attaches_the_enterprise_business_licence(chen: Person) -> None:
    enterprise: LegalPerson = registry_factories.legal_person(
        representative=chen.resident, name="示范市华兴餐饮有限公司"
    )
    licence = certificate_services.certificate_issue(
        actor=SYSTEM,
        certificate_type="CT-YYZZ",
        holder=enterprise.uscc,
        subject={"uscc": enterprise.uscc, "name": enterprise.name},
    )
    agent = accounts_factories.user(
        kind=User.Kind.AGENT,
        real_name="陈静",
        id_number=accounts_factories.id_number(),
        uscc=enterprise.uscc,
        enterprise_name=enterprise.name,
        phone="13900139000",
    )
    item = ServiceItem.objects.get(code=FOOD_ITEM)
    materials = {f"m{m.order}": f"upload:file{m.order}" for m in item.materials.all() if m.required}
    materials["m2"] = f"certificate:{licence.serial}"
    form = {
        "organisation": {
            "name": enterprise.name,
            "uscc": enterprise.uscc,
            "representative": "陈静",
            "contact_mobile": "13900139000",
        },
        "details": FOOD,
        "materials": materials,
        "delivery": "electronic",
        "remarks": "",
    }

    application = apply.application_submit(
        actor=actor_for_user(agent), item=item, form_data=form, certificate_consents=[licence.serial]
    )

    assert list(application.certificate_attachments.values_list("material_key", "certificate__type__code")) == [
        ("m2", "CT-YYZZ")
    ]


# --- pages ---------------------------------------------------------------------------------------------------------


def test_the_apply_page_offers_the_held_certificate_with_an_unticked_consent_box(chen: Person) -> None:
    html = chen.browser.get(APPLY).content.decode()

    assert 'class="border border-success rounded p-2 mb-2 bg-success-subtle zz-held-certificate"' in html
    assert f'value="certificate:{chen.id_card.serial}" checked' in html
    assert 'name="consent" value="materials.m1" id="f-materials-m1-consent">' in html


def test_the_apply_page_refuses_without_consent_and_keeps_the_choice(chen: Person) -> None:
    post = {
        "idempotency_key": "reuse-1",
        "person.name": chen.resident.name,
        "person.id_number": chen.resident.id_number,
        "person.mobile": "13900139000",
        "materials.m1": f"certificate:{chen.id_card.serial}",
        "delivery": "electronic",
    }

    refused = chen.browser.post(APPLY, post)
    accepted = chen.browser.post(APPLY, {**post, "consent": "materials.m1"})

    assert refused.status_code == 422
    assert "f-materials-m1-consent" in refused.content.decode()
    assert accepted.status_code == 302
    assert CertificateAttachment.objects.get().certificate == chen.id_card


def test_the_guide_marks_materials_the_signed_in_person_need_not_provide(chen: Person) -> None:
    guide = chen.browser.get(f"/services/items/{ITEM}/").content.decode()
    anonymous = Client().get(f"/services/items/{ITEM}/").content.decode()

    assert guide.count('class="badge text-bg-success"') == 1
    assert anonymous.count('class="badge text-bg-success"') == 0


def test_the_case_page_shows_the_certificate_verified_and_then_revoked(chen: Person) -> None:
    application = _submit(chen, f"certificate:{chen.id_card.serial}", (chen.id_card.serial,))
    caseworker = staff_browser("GAJ", "caseworker")
    url = f"/services/queue/{application.receipt_number}/"

    before = caseworker.get(url).content.decode()
    certificate_services.certificate_revoke(actor=SYSTEM, certificate=chen.id_card, reason="lost")
    after = caseworker.get(url).content.decode()
    own_receipt = chen.browser.get(f"/services/applications/{application.receipt_number}/").content.decode()

    assert f'data-serial="{chen.id_card.serial}" data-verdict="valid"' in before
    assert f'href="/certificates/v/{chen.id_card.serial}"' in before
    assert f'data-serial="{chen.id_card.serial}" data-verdict="revoked"' in after
    assert f'data-serial="{chen.id_card.serial}"' in own_receipt


def test_staff_of_another_department_cannot_see_the_attachment(chen: Person) -> None:
    application = _submit(chen, f"certificate:{chen.id_card.serial}", (chen.id_card.serial,))

    response = staff_browser("MZJ", "caseworker").get(f"/services/queue/{application.receipt_number}/")

    assert response.status_code == 404


# --- API and statistics ---------------------------------------------------------------------------------------------


def test_api_submit_with_consent_and_detail_lists_the_attachment(chen: Person) -> None:
    body = {
        "item": ITEM,
        "form": _form(chen, f"certificate:{chen.id_card.serial}"),
        "certificate_consents": [chen.id_card.serial],
    }

    created = chen.browser.post("/api/v1/services/applications", body, content_type="application/json")
    refused = chen.browser.post(
        "/api/v1/services/applications", {**body, "certificate_consents": []}, content_type="application/json"
    )

    assert created.status_code == 201
    attached = created.json()["certificates_attached"]
    assert [(a["material_key"], a["serial"], a["type_code"]) for a in attached] == [
        ("m1", chen.id_card.serial, "CT-SFZ")
    ]
    assert refused.status_code == 422
    assert refused.json()["code"] == "govservices.certificate_reuse_refused"
    assert list(refused.json()["errors"]) == ["materials.m1"]


def test_statistics_count_materials_nobody_had_to_submit(chen: Person, wang: Person) -> None:
    _submit(chen, f"certificate:{chen.id_card.serial}", (chen.id_card.serial,))
    _submit(wang, f"certificate:{wang.id_card.serial}", (wang.id_card.serial,))
    _submit(wang, "upload:scan", ())

    count, figures = reuse_statistics()
    api = Client().get("/api/v1/services/statistics/reuse").json()
    page = Client().get("/services/statistics/reuse/").content.decode()

    assert (count, figures.materials, figures.applications) == (1, 2, 2)
    assert api == {
        "count": 1,
        "materials": 2,
        "applications": 2,
        "items": [{"code": ITEM, "name": "无犯罪记录证明开具", "materials": 2, "applications": 2}],
    }
    assert '<div class="display-6" id="zz-reuse-materials">2</div>' in page


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "offset=-1"])
def test_statistics_api_refuses_bad_paging(catalogue: Any, query: str) -> None:
    response = Client().get(f"/api/v1/services/statistics/reuse?{query}")

    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")


def test_statistics_api_query_ceiling(chen: Person, django_assert_max_num_queries: Any) -> None:
    _submit(chen, f"certificate:{chen.id_card.serial}", (chen.id_card.serial,))

    with django_assert_max_num_queries(6):
        Client().get("/api/v1/services/statistics/reuse")


def test_form_problems_and_certificate_problems_are_reported_together(chen: Person) -> None:
    form = _form(chen, f"certificate:{chen.id_card.serial}")
    form["person"]["mobile"] = "12"

    with pytest.raises(FormInvalid) as caught:
        apply.application_submit(
            actor=actor_for_user(chen.user), item=ServiceItem.objects.get(code=ITEM), form_data=form
        )

    assert sorted(caught.value.field_errors) == ["materials.m1", "person.mobile"]
    assert caught.value.params["count"] == 2
    assert Application.objects.count() == 0


def test_an_optional_material_is_not_attached_unless_chosen(chen: Person) -> None:
    marriage = certificate_services.certificate_issue(
        actor=SYSTEM,
        certificate_type="CT-JHZ",
        holder=chen.resident.id_number,
        subject={"holder_name": chen.resident.name, "registration_date": "2015-05-20"},
    )

    html = chen.browser.get("/services/items/SFS-0059/apply/").content.decode()  # 生育登记: m2 结婚证 optional

    assert f'value="certificate:{marriage.serial}">' in html  # offered, not pre-selected
    assert 'id="f-materials-m2-none" value="" checked>' in html
