"""Fees and payment through the sandbox provider: assessing the fee, the order, signed and idempotent callbacks,
expiry, approval only when paid, refunds, and the API and pages around them."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from django.test import Client
from django.utils import timezone

from zhizheng.core.errors import NotFound, PermissionDenied
from zhizheng.govservices.models import Application, Payment, PaymentNotification, SandboxOrder, ServiceItem
from zhizheng.govservices.payments import SignatureInvalid
from zhizheng.govservices.payments.sandbox import SIGNATURE_HEADER, SandboxProvider, sign
from zhizheng.govservices.services import actions as application_actions
from zhizheng.govservices.services import applications as apply
from zhizheng.govservices.services import payments as payment_services
from zhizheng.govservices.services import workflow as workflow_services
from zhizheng.govservices.tests.helpers import staff
from zhizheng.govservices.tests.test_workflow import World, snapshot, steps, submit
from zhizheng.govservices.tests.test_workflow import world as world
from zhizheng.ledger.models import Entry

ITEM = "SFS-0020"  # 机动车驾驶证有效期满换证: 公安局, 即办件, fee 10 元, certificate CT-JSZ
NOTIFY = "/api/v1/services/payments/notify/sandbox"


def assessed(world: World) -> Application:
    application = submit(world, ITEM)
    officer = staff("GAJ", "caseworker")
    apply.application_accept(actor=officer, application=application)
    return workflow_services.application_fee_assess(
        actor=officer, application=application, amount_fen=1000, note="驾驶证工本费"
    )


def pay(payment: Payment) -> tuple[bytes, dict[str, str]]:
    outcome = SandboxProvider().payer_act(reference=payment.provider_reference, pay=True)
    assert outcome is not None
    _order, body, headers = outcome
    return body, headers


def test_fee_suggestions_come_from_the_standard() -> None:
    assert workflow_services.fee_suggestions("换领20元/证；丢失补领或者损坏换领40元/证") == [2000, 4000]
    assert workflow_services.fee_suggestions("普通护照120元/本") == [12000]
    assert workflow_services.fee_suggestions("按国家核定标准收取") == []


def test_the_application_is_decided_only_once_paid(world: World) -> None:
    application = assessed(world)
    assert (application.status, application.fee_fen) == ("awaiting_payment", 1000)
    chief = staff("GAJ", "section_chief")
    with pytest.raises(application_actions.ApplicationInvalidTransition):
        apply.application_approve(actor=chief, application=application)
    payment = payment_services.payment_create(actor=world.me, application=application, return_url="/back/")
    assert (payment.amount_fen, payment.status, payment.provider) == (1000, "pending", "sandbox")
    assert payment.pay_url == f"/services/pay/sandbox/{payment.provider_reference}/"
    # A double click opens no second order.
    assert payment_services.payment_create(actor=world.me, application=application).pk == payment.pk
    body, headers = pay(payment)
    payment_services.payment_notification_handle(provider_name="sandbox", body=body, headers=headers)
    application.refresh_from_db()
    payment.refresh_from_db()
    assert (application.status, payment.status) == ("accepted", "paid")
    assert next(s for s in steps(application) if s[1] == "payment")[3] == "done"
    paid = Entry.objects.get(act="govservices.application.paid")
    assert (paid.payload["amount_fen"], paid.payload["order_number"]) == (1000, payment.order_number)
    assert apply.application_approve(actor=chief, application=application).status == "approved"


def test_a_callback_with_a_bad_or_stale_signature_changes_nothing(world: World) -> None:
    application = assessed(world)
    payment = payment_services.payment_create(actor=world.me, application=application)
    body, headers = pay(payment)
    before = snapshot(application)
    forged = [
        {SIGNATURE_HEADER: sign(body, secret=b"not the secret")},
        {SIGNATURE_HEADER: sign(body, at=int(time.time()) - 3600)},
        {SIGNATURE_HEADER: "t=abc,v1=00"},
        {},
        {SIGNATURE_HEADER: sign(body.replace(b'"amount_fen":1000', b'"amount_fen":1'))},
    ]
    for bad in forged:
        with pytest.raises(SignatureInvalid):
            payment_services.payment_notification_handle(provider_name="sandbox", body=body, headers=bad)
    tampered = body.replace(b'"amount_fen":1000', b'"amount_fen":1')
    with pytest.raises(SignatureInvalid):
        payment_services.payment_notification_handle(provider_name="sandbox", body=tampered, headers=headers)
    assert snapshot(application) == before
    assert Payment.objects.get().status == "pending"
    assert PaymentNotification.objects.count() == 0


def test_the_same_notification_twice_is_applied_once(world: World, client: Client) -> None:
    application = assessed(world)
    payment = payment_services.payment_create(actor=world.me, application=application)
    body, headers = pay(payment)
    extra = {"HTTP_SANDBOX_SIGNATURE": headers[SIGNATURE_HEADER]}
    first = client.post(NOTIFY, body, content_type="application/json", **extra)
    assert (first.status_code, first.json()) == (200, {"code": "SUCCESS"})
    entries = Entry.objects.count()
    again = client.post(NOTIFY, body, content_type="application/json", **extra)
    assert (again.status_code, again.json()) == (200, {"code": "SUCCESS"})
    assert Entry.objects.count() == entries
    assert PaymentNotification.objects.count() == 1
    assert Entry.objects.filter(act="govservices.application.paid").count() == 1
    forged = client.post(NOTIFY, body, content_type="application/json", HTTP_SANDBOX_SIGNATURE="t=1,v1=00")
    assert forged.status_code == 400
    assert forged["Content-Type"].startswith("application/problem+json")
    assert forged.json()["code"] == "govservices.payment.signature_invalid"
    assert forged.json()["detail_en"] == "The payment notification's signature is missing, wrong or too old."
    assert forged.json()["detail"] == "支付通知的签名缺失、错误或已过期。"
    application.refresh_from_db()
    assert application.status == "accepted"


def test_an_expired_order_cannot_be_paid_and_a_new_one_is_opened(world: World) -> None:
    application = assessed(world)
    payment = payment_services.payment_create(actor=world.me, application=application)
    past = timezone.now() - dt.timedelta(minutes=1)
    Payment.objects.filter(pk=payment.pk).update(expires_at=past)
    SandboxOrder.objects.filter(reference=payment.provider_reference).update(expires_at=past)
    assert SandboxProvider().payer_act(reference=payment.provider_reference, pay=True) is None
    assert payment_services.payments_expire() == 1
    payment.refresh_from_db()
    assert payment.status == "expired"
    assert SandboxOrder.objects.get(reference=payment.provider_reference).state == "closed"
    fresh = payment_services.payment_create(actor=world.me, application=application)
    assert fresh.pk != payment.pk
    assert fresh.status == "pending"
    assert fresh.expires_at > timezone.now() + dt.timedelta(minutes=29)


def test_an_order_paid_but_never_notified_is_found_paid_at_expiry(world: World) -> None:
    application = assessed(world)
    payment = payment_services.payment_create(actor=world.me, application=application)
    pay(payment)  # the notification is lost
    Payment.objects.filter(pk=payment.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert payment_services.payments_expire() == 0
    application.refresh_from_db()
    assert application.status == "accepted"
    assert Payment.objects.get(pk=payment.pk).status == "paid"


def test_refund_of_a_rejected_applications_fee(world: World) -> None:
    application = assessed(world)
    payment = payment_services.payment_create(actor=world.me, application=application)
    body, headers = pay(payment)
    payment_services.payment_notification_handle(provider_name="sandbox", body=body, headers=headers)
    officer = staff("GAJ", "caseworker")
    with pytest.raises(payment_services.PaymentNotRefundable.__mro__[1]):  # 409 while the application is open
        payment_services.payment_refund(actor=officer, payment=payment, reason="申请人撤回")
    basis = application.item.legal_basis[0]
    apply.application_reject(actor=officer, application=application, reason="驾驶证已被注销", legal_basis=basis)
    for outsider, error in ((world.me, PermissionDenied), (staff("SCJGJ", "caseworker"), NotFound)):
        with pytest.raises(error):
            payment_services.payment_refund(actor=outsider, payment=payment, reason="退还工本费")
        assert Payment.objects.get(pk=payment.pk).status == "paid"
    refunded = payment_services.payment_refund(actor=officer, payment=payment, reason="不予许可，退还工本费")
    assert (refunded.status, refunded.refund_number) == ("refunded", f"TK{payment.order_number[2:]}")
    assert SandboxOrder.objects.get(reference=payment.provider_reference).state == "refunded"
    assert Entry.objects.get(act="govservices.application.refunded").payload["amount_fen"] == 1000
    with pytest.raises(payment_services.PaymentNotRefundable):
        payment_services.payment_refund(actor=officer, payment=refunded, reason="再退一次")


def test_money_for_a_withdrawn_application_goes_straight_back(world: World) -> None:
    application = assessed(world)
    payment = payment_services.payment_create(actor=world.me, application=application)
    body, headers = pay(payment)
    apply.application_withdraw(actor=world.me, application=application)
    payment_services.payment_notification_handle(provider_name="sandbox", body=body, headers=headers)
    payment.refresh_from_db()
    assert payment.status == "refunded"
    assert Entry.objects.filter(act="govservices.application.refunded").count() == 1


@pytest.mark.parametrize(
    ("who", "error"),
    [("applicant", PermissionDenied), ("market_caseworker", NotFound), ("police_caseworker", None)],
)
def test_who_may_assess_a_fee(world: World, who: str, error: type[Exception] | None) -> None:
    application = submit(world, ITEM)
    apply.application_accept(actor=staff("GAJ", "caseworker"), application=application)
    actor = {
        "applicant": lambda: world.me,
        "market_caseworker": lambda: staff("SCJGJ", "caseworker"),
        "police_caseworker": lambda: staff("GAJ", "caseworker"),
    }[who]()
    before = snapshot(application)
    if error is None:
        assert workflow_services.application_fee_assess(
            actor=actor, application=application, amount_fen=1000
        ).status == ("awaiting_payment")
        return
    with pytest.raises(error):
        workflow_services.application_fee_assess(actor=actor, application=application, amount_fen=1000)
    assert snapshot(application) == before


def test_fee_errors(world: World) -> None:
    officer = staff("GAJ", "caseworker")
    application = submit(world, ITEM)
    apply.application_accept(actor=officer, application=application)
    for bad in (0, -5, 10_000_001, True):
        with pytest.raises(workflow_services.FeeAmountInvalid):
            workflow_services.application_fee_assess(actor=officer, application=application, amount_fen=bad)
    free = submit(world, "SFS-0018")
    apply.application_accept(actor=officer, application=free)
    with pytest.raises(workflow_services.FeeNotCharged) as caught:
        workflow_services.application_fee_assess(actor=officer, application=free, amount_fen=1000)
    assert caught.value.status == 409
    # Only the applicant opens an order, and only when a fee is due.
    with pytest.raises(application_actions.ApplicationInvalidTransition):
        payment_services.payment_create(actor=world.me, application=free)
    with pytest.raises(NotFound):
        payment_services.payment_create(actor=world.agent, application=application)


def test_the_sandbox_pages_pay_and_return(world: World, client: Client) -> None:
    application = assessed(world)
    client.force_login(world.citizen)
    page = client.get(f"/services/applications/{application.receipt_number}/").content.decode()
    assert "¥10.00" in page
    response = client.post(f"/services/applications/{application.receipt_number}/pay/")
    payment = Payment.objects.get()
    assert response["Location"] == payment.pay_url
    sandbox = client.get(payment.pay_url).content.decode()
    assert "¥10.00" in sandbox
    assert payment.order_number in sandbox
    back = client.post(payment.pay_url, {"action": "pay"})
    assert back["Location"].endswith(f"/services/applications/{application.receipt_number}/")
    application.refresh_from_db()
    assert application.status == "accepted"
    again = client.post(payment.pay_url, {"action": "pay"})
    assert again.status_code == 200
    assert Entry.objects.filter(act="govservices.application.paid").count() == 1


def test_the_payment_api(world: World, client: Client) -> None:
    application = assessed(world)
    client.force_login(world.citizen)
    url = f"/api/v1/services/applications/{application.receipt_number}/payments"
    created = client.post(url, json.dumps({"return_url": ""}), content_type="application/json")
    assert created.status_code == 201
    assert created.json()["amount_fen"] == 1000
    detail = client.get(f"/api/v1/services/applications/{application.receipt_number}").json()
    assert detail["fee_fen"] == 1000
    assert [p["order_number"] for p in detail["payments"]] == [created.json()["order_number"]]
    assert [s["kind"] for s in detail["steps"]][:3] == ["apply", "accept", "review"]
    other = ServiceItem.objects.get(code="SFS-0018")
    assert other.fee_charged is False
