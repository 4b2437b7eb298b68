"""Messages between the applicant and the handling department: who may write (authorisation matrix; refused
writes change nothing), validation in both languages, notifications to the other side, the ledger record of staff
messages (hash only in the public leaf), read state, the pages (HTMX) and the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from zhizheng.accounts.models import Notification, User
from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.certificates import services as certificate_services
from zhizheng.core.actor import ANONYMOUS, SYSTEM, Actor
from zhizheng.core.errors import NotAuthenticated, NotFound, PermissionDenied
from zhizheng.govservices.form_schemas import form_definition
from zhizheng.govservices.models import Application, ApplicationMessage, ServiceItem
from zhizheng.govservices.services import applications as apply
from zhizheng.govservices.services import messages as message_services
from zhizheng.govservices.services import workflow as workflow_services
from zhizheng.govservices.tests.helpers import staff, valid_form
from zhizheng.ledger.models import Entry
from zhizheng.orgs.selectors import actor_for_user
from zhizheng.registries.tests import factories as registry_factories

QUESTION = "请问还需要补充哪些材料？我的手机号是13800138000。"


@dataclass
class Thread:
    citizen: User
    me: Actor
    caseworker: Actor  # 公安局, accepted the application
    application: Application  # SFS-0018, accepted


@pytest.fixture
def thread(catalogue: Any) -> Thread:
    certificate_services.certificate_types_load(actor=SYSTEM)
    resident = registry_factories.resident(name="陈静")
    citizen = accounts_factories.citizen(id_number=resident.id_number, real_name=resident.name)
    me = actor_for_user(citizen)
    item = ServiceItem.objects.get(code="SFS-0018")
    application = apply.application_submit(actor=me, item=item, form_data=valid_form(form_definition(item), resident))
    caseworker = staff("GAJ", "caseworker")
    staff("GAJ", "caseworker")  # a colleague who never touched it
    apply.application_accept(actor=caseworker, application=application)
    return Thread(citizen, me, caseworker, application)


def notified(user_id: int | None) -> list[str]:
    return list(
        Notification.objects.filter(recipient_id=user_id, kind="govservices.application.message").values_list(
            "body", flat=True
        )
    )


def test_the_applicant_writes_and_the_handler_is_told_nothing_enters_the_ledger(thread: Thread) -> None:
    entries = Entry.objects.count()
    message = message_services.application_message_post(actor=thread.me, application=thread.application, text=QUESTION)
    assert (message.side, message.text, message.ledger_index, message.read_at) == ("applicant", QUESTION, None, None)
    assert Entry.objects.count() == entries  # a citizen's correspondence is not an official act
    assert notified(thread.caseworker.user_id) == [f"无犯罪记录证明开具：{QUESTION}"]
    assert Notification.objects.filter(kind="govservices.application.message").count() == 1  # not the colleague


def test_staff_write_recorded_in_the_ledger_as_a_hash_and_the_applicant_is_told(thread: Thread) -> None:
    text = "请补充户口簿首页复印件，谢谢。"
    message = message_services.application_message_post(
        actor=thread.caseworker, application=thread.application, text=text
    )
    entry = Entry.objects.get(index=message.ledger_index)
    assert (entry.act, entry.payload["text"]) == ("govservices.message.sent", text)
    assert "text" in entry.personal_fields
    assert text.encode() not in bytes(entry.leaf)
    assert thread.application.receipt_number.encode() in bytes(entry.leaf)
    assert notified(thread.citizen.pk) == [f"无犯罪记录证明开具：{text}"]


def test_reading_marks_only_the_other_sides_messages(thread: Thread) -> None:
    asked = message_services.application_message_post(actor=thread.me, application=thread.application, text=QUESTION)
    answered = message_services.application_message_post(
        actor=thread.caseworker, application=thread.application, text="无需补充，请耐心等待。"
    )
    assert message_services.application_messages_read(actor=thread.me, application=thread.application) == 1
    asked.refresh_from_db()
    answered.refresh_from_db()
    assert (asked.read_at, answered.read_at is not None) == (None, True)
    assert message_services.application_messages_read(actor=thread.caseworker, application=thread.application) == 1
    assert message_services.application_messages_read(actor=thread.caseworker, application=thread.application) == 0


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("anonymous", NotAuthenticated),
        ("another citizen", NotFound),
        ("another department", NotFound),
    ],
)
def test_outsiders_cannot_write_and_nothing_changes(thread: Thread, who: str, error: type[Exception]) -> None:
    actor = {
        "anonymous": lambda: ANONYMOUS,
        "another citizen": lambda: actor_for_user(accounts_factories.citizen(real_name="王五")),
        "another department": lambda: staff("SCJGJ", "caseworker", "section_chief"),
    }[who]()
    before = (ApplicationMessage.objects.count(), Entry.objects.count(), Notification.objects.count())
    with pytest.raises(error):
        message_services.application_message_post(actor=actor, application=thread.application, text=QUESTION)
    assert (ApplicationMessage.objects.count(), Entry.objects.count(), Notification.objects.count()) == before


def test_a_department_that_only_reviews_one_step_may_read_but_not_write(catalogue: Any) -> None:
    certificate_services.certificate_types_load(actor=SYSTEM)
    resident = registry_factories.resident(name="王芳")
    company = registry_factories.legal_person(representative=resident)
    agent = actor_for_user(accounts_factories.citizen(id_number=resident.id_number, real_name=resident.name))
    item = ServiceItem.objects.get(code="SFS-0120")  # 现场核查 by 水务局 and 生态环境局 together
    application = apply.application_submit(
        actor=agent, item=item, form_data=valid_form(form_definition(item), resident, company)
    )
    water = staff("SWUJ", "caseworker")
    apply.application_accept(actor=water, application=application)
    workflow_services.application_review(actor=water, application=application, opinion="审查通过。")
    environment = staff("STHJJ", "caseworker")
    with pytest.raises(PermissionDenied):
        message_services.application_message_post(actor=environment, application=application, text="请提供排放数据。")
    assert ApplicationMessage.objects.count() == 0
    assert message_services.application_messages_read(actor=environment, application=application) == 0
    assert message_services.application_message_post(actor=water, application=application, text="请提供排放数据。")


@pytest.mark.parametrize("text", ["", "   ", "字" * 2001, None])
def test_the_text_is_1_to_2000_characters(thread: Thread, text: Any) -> None:
    with pytest.raises(message_services.MessageInvalid) as caught:
        message_services.application_message_post(actor=thread.me, application=thread.application, text=text)
    assert caught.value.status == 422
    assert list(caught.value.field_errors) == ["text"]
    assert ApplicationMessage.objects.count() == 0
    assert message_services.application_message_post(actor=thread.me, application=thread.application, text="字" * 2000)


def test_no_messages_on_a_draft(thread: Thread) -> None:
    item = ServiceItem.objects.get(code="SFS-0018")
    draft = apply.application_draft_save(actor=thread.me, item=item, form_data={})
    with pytest.raises(message_services.MessageOnDraft):
        message_services.application_message_post(actor=thread.me, application=draft, text=QUESTION)


def client_of(user_id: int | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(User.objects.get(pk=user_id))
    return client


def test_the_pages_post_with_htmx_and_show_the_conversation(thread: Thread) -> None:
    receipt = thread.application.receipt_number
    applicant = client_of(thread.citizen.pk)
    panel = applicant.post(
        f"/services/applications/{receipt}/messages/", {"text": QUESTION}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in panel
    assert QUESTION in panel
    assert 'hx-post="/services/applications/' in panel
    empty = applicant.post(f"/services/applications/{receipt}/messages/", {"text": ""}, headers={"HX-Request": "true"})
    assert empty.status_code == 200
    assert "is-invalid" in empty.content.decode()
    assert "请填写 1 至 2000 字的留言。" in empty.content.decode()

    case = client_of(thread.caseworker.user_id).get(f"/services/queue/{receipt}/").content.decode()
    assert QUESTION in case
    assert ApplicationMessage.objects.get().read_at is not None  # the department opened it
    reply = client_of(thread.caseworker.user_id).post(
        f"/services/applications/{receipt}/messages/", {"text": "无需补充。"}
    )
    assert reply.status_code == 302
    assert reply["Location"] == f"/services/queue/{receipt}/"
    page = applicant.get(f"/services/applications/{receipt}/").content.decode()
    assert "无需补充。" in page
    assert "/ledger/view/" in page[page.index('id="messages"') :]
    outsider = Client()
    outsider.force_login(accounts_factories.citizen(real_name="王五"))
    assert outsider.post(f"/services/applications/{receipt}/messages/", {"text": QUESTION}).status_code == 404
    assert ApplicationMessage.objects.count() == 2


def test_the_api_lists_and_posts_with_problem_details_in_both_languages(thread: Thread) -> None:
    url = f"/api/v1/services/applications/{thread.application.receipt_number}/messages"
    applicant = client_of(thread.citizen.pk)
    created = applicant.post(url, {"text": QUESTION}, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["side"] == "applicant"
    bad = applicant.post(url, {"text": ""}, content_type="application/json")
    assert bad.status_code == 422
    assert bad["Content-Type"].startswith("application/problem+json")
    assert (bad.json()["code"], bad.json()["detail"], bad.json()["detail_en"]) == (
        "govservices.message.invalid",
        "请填写 1 至 2000 字的留言。",
        "Write a message of 1 to 2000 characters.",
    )
    staff_client = client_of(thread.caseworker.user_id)
    listed = staff_client.get(url).json()
    assert listed["count"] == 1
    assert [(m["side"], m["text"]) for m in listed["items"]] == [("applicant", QUESTION)]
    answered = staff_client.post(url, {"text": "已收到。"}, content_type="application/json").json()
    assert answered["author"].startswith("示范市公安局")
    assert answered["ledger_index"] is not None
    assert client_of(accounts_factories.citizen(real_name="王五").pk).get(url).status_code == 404
    assert Client().get(url).status_code == 401
