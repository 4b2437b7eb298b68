"""Life events (一件事一次办): the combined form, one submission with one receipt, stage progression, failure, the
applicant's pages and the API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from zhizheng.core.actor import ANONYMOUS, SYSTEM
from zhizheng.core.errors import PermissionDenied
from zhizheng.govservices.form_schemas import FormInvalid
from zhizheng.govservices.life_event_forms import combined_form
from zhizheng.govservices.models import Application, LifeEvent, LifeEventCase
from zhizheng.govservices.selectors import applications as application_selectors
from zhizheng.govservices.services import applications as apply
from zhizheng.govservices.services import life_events as life_event_services
from zhizheng.govservices.tests.helpers import staff, valid_form
from zhizheng.govservices.tests.test_workflow import World
from zhizheng.govservices.tests.test_workflow import world as world
from zhizheng.ledger.models import Entry

EVENT = "LE-12"  # 就业一件事: stage 1 SFS-0037 alone, stage 2 four items in parallel (人社, 医保, 公积金)


def event() -> LifeEvent:
    return LifeEvent.objects.prefetch_related("stages__items__materials", "stages__items__department").get(code=EVENT)


def submit_case(world: World) -> LifeEventCase:
    form = combined_form(event())
    return life_event_services.life_event_case_submit(
        actor=world.me, event=event(), form_data=valid_form(form.definition, world.resident), idempotency_key="k1"
    )


def statuses(case: LifeEventCase) -> list[tuple[int, str, str]]:
    return [(row["stage"], row["item"], row["status"]) for row in life_event_services.case_items(case)]


def decide_all(case: LifeEventCase, stage: int) -> None:
    for application in Application.objects.filter(life_event_case=case, stage=stage).select_related("item__department"):
        code = application.item.department.code
        officer = staff(code, "caseworker", "section_chief")
        apply.application_accept(actor=officer, application=application)
        apply.application_approve(actor=officer, application=application)


def test_the_combined_form_asks_each_field_once(catalogue: Any) -> None:
    form = combined_form(event())
    props = form.definition.schema["properties"]
    assert [i.code for i in form.items] == ["SFS-0037", "SFS-0039", "SFS-0041", "SFS-0052", "SFS-0143"]
    total = sum(len(i.materials.all()) for i in form.items)
    names = [m["title"] for m in props["materials"]["properties"].values()]
    assert len(names) == len(set(names)) < total  # shared materials (the ID card …) asked once
    assert "person" in props
    assert set(form.material_keys) == {i.code for i in form.items}


def test_one_submission_one_receipt_and_the_stages_follow_each_other(world: World) -> None:
    case = submit_case(world)
    assert case.receipt_number.startswith("YS")
    assert LifeEventCase.objects.count() == 1
    # A retry with the same key is the same case.
    assert submit_case(world).pk == case.pk
    assert statuses(case) == [
        (1, "SFS-0037", "submitted"),
        (2, "SFS-0039", "draft"),
        (2, "SFS-0041", "draft"),
        (2, "SFS-0052", "draft"),
        (2, "SFS-0143", "draft"),
    ]
    # Departments see only what has started.
    assert list(application_selectors.application_queue(actor=staff("YBJ", "caseworker"))) == []
    decide_all(case, 1)
    case.refresh_from_db()
    assert case.current_stage == 2
    assert [s for _stage, _item, s in statuses(case)] == ["approved", *["submitted"] * 4]
    assert len(list(application_selectors.application_queue(actor=staff("YBJ", "caseworker")))) == 1
    decide_all(case, 2)
    case.refresh_from_db()
    assert case.status == "completed"
    assert case.completed_at is not None
    acts = [e.act for e in Entry.objects.filter(act__startswith="govservices.life_event_case.").order_by("index")]
    assert acts == [
        "govservices.life_event_case.submitted",
        "govservices.life_event_case.advanced",
        "govservices.life_event_case.completed",
    ]
    timeline = application_selectors.life_event_case_timelines(cases=[case])[case.pk]
    assert len({row["item"] for row in timeline}) == 5


def test_a_rejected_item_stops_the_case_and_later_stages_never_start(world: World) -> None:
    case = submit_case(world)
    first = Application.objects.get(life_event_case=case, stage=1)
    officer = staff("RSJ", "caseworker")
    apply.application_reject(
        actor=officer, application=first, reason="不符合登记条件", legal_basis=first.item.legal_basis[0]
    )
    case.refresh_from_db()
    assert case.status == "stopped"
    assert [s for _stage, _item, s in statuses(case)] == ["rejected", "draft", "draft", "draft", "draft"]
    assert Entry.objects.filter(act="govservices.life_event_case.stopped").count() == 1


def test_combined_form_errors_name_the_combined_fields_and_nothing_is_stored(world: World) -> None:
    data = valid_form(combined_form(event()).definition, world.resident)
    data["person"]["id_number"] = "110101199003077777"
    data["materials"].pop("k1")
    entries = Entry.objects.count()
    with pytest.raises(FormInvalid) as caught:
        life_event_services.life_event_case_submit(actor=world.me, event=event(), form_data=data)
    assert caught.value.status == 422
    assert set(caught.value.field_errors) == {"person.id_number", "materials.k1"}
    assert (LifeEventCase.objects.count(), Application.objects.count(), Entry.objects.count()) == (0, 0, entries)
    with pytest.raises(PermissionDenied):
        life_event_services.life_event_case_submit(actor=ANONYMOUS, event=event(), form_data=data)


def test_the_pages(world: World, client: Client) -> None:
    client.force_login(world.citizen)
    page = client.get(f"/services/life-events/{EVENT}/").content.decode()
    assert f"/services/life-events/{EVENT}/apply/" in page
    form_page = client.get(f"/services/life-events/{EVENT}/apply/").content.decode()
    assert world.resident.id_number in form_page  # pre-filled from the account
    bad = client.post(f"/services/life-events/{EVENT}/apply/", {"person.name": world.resident.name})
    assert bad.status_code == 422
    case = submit_case(world)
    mine = client.get("/services/applications/").content.decode()
    assert case.receipt_number in mine
    detail = client.get(f"/services/life-event-cases/{case.receipt_number}/").content.decode()
    assert "就业一件事" in detail
    assert detail.count("/services/applications/ZW") == 5
    other = Client()
    other.force_login(world.agent_user)
    assert other.get(f"/services/life-event-cases/{case.receipt_number}/").status_code == 404


def test_the_api(world: World, client: Client, django_assert_max_num_queries: Any) -> None:
    client.force_login(world.citizen)
    form = client.get(f"/api/v1/services/life-events/{EVENT}/form").json()
    assert form["prefill"]["person"]["id_number"] == world.resident.id_number
    data = valid_form(combined_form(event()).definition, world.resident)
    created = client.post(
        "/api/v1/services/life-event-cases",
        json.dumps({"event": EVENT, "form": data}),
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert [i["status"] for i in body["items"]] == ["submitted", "draft", "draft", "draft", "draft"]
    bad = client.post(
        "/api/v1/services/life-event-cases",
        json.dumps({"event": EVENT, "form": {}}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "govservices.form_invalid"
    for n in range(3):
        life_event_services.life_event_case_submit(
            actor=world.me, event=event(), form_data=data, idempotency_key=f"more{n}"
        )
    with django_assert_max_num_queries(12):
        listed = client.get("/api/v1/services/life-event-cases?limit=10").json()
    assert listed["count"] == 4
    assert client.get(f"/api/v1/services/life-event-cases/{body['receipt_number']}").status_code == 200
    assert client.get("/api/v1/services/life-event-cases/YS000").status_code == 404


def test_a_certificate_given_once_is_attached_to_every_item_that_asks_for_it(world: World) -> None:
    from zhizheng.certificates import services as certificate_services
    from zhizheng.certificates.tests.conftest import id_card_data
    from zhizheng.govservices.models import CertificateAttachment
    from zhizheng.govservices.services.material_reuse import CertificateReuseRefused

    card = certificate_services.certificate_issue(
        actor=SYSTEM, certificate_type="CT-SFZ", holder=world.resident.id_number, subject=id_card_data(world.resident)
    )
    form = combined_form(event())
    keys = [
        k
        for k, hint in form.definition.ui["fields"]["materials"]["fields"].items()
        if hint.get("certificate_type") == "CT-SFZ"
    ]
    assert len(keys) == 1  # 居民身份证 asked once for all items
    data = valid_form(form.definition, world.resident)
    data["materials"][keys[0]] = f"certificate:{card.serial}"
    with pytest.raises(CertificateReuseRefused):
        life_event_services.life_event_case_submit(actor=world.me, event=event(), form_data=data)
    assert LifeEventCase.objects.count() == 0
    case = life_event_services.life_event_case_submit(
        actor=world.me, event=event(), form_data=data, certificate_consents=[card.serial]
    )
    decide_all(case, 1)
    users = {
        code for code, _key in CertificateAttachment.objects.values_list("application__item__code", "material_key")
    }
    asking = {item.code for item in form.items if keys[0] in form.material_keys[item.code].values()}
    assert users == asking
    assert len(asking) >= 2
