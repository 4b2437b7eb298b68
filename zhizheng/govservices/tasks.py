"""Background jobs of the online services for Celery beat (see ``CELERY_BEAT_SCHEDULE`` in settings). Tasks only
call service functions."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from zhizheng.core.actor import SYSTEM
from zhizheng.govservices.services import payments as payment_services
from zhizheng.govservices.services.proactive import eligibility_notices_send
from zhizheng.govservices.services.supervision import supervision_warnings_raise

SUPERVISION_TASK = "govservices.supervision_warnings"


@shared_task(name="govservices.benefit_eligibility_notify")
def benefit_eligibility_notify() -> int:
    """Invite residents who became eligible for a benefit to apply (daily); returns how many were told."""
    return sum(run.notified for run in eligibility_notices_send(actor=SYSTEM).values())


@shared_task(
    name=SUPERVISION_TASK,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=5,
    acks_late=True,
)
def supervision_warnings() -> int:
    """Raise the yellow, red and statutory warnings due today (once per application and level); returns how many.
    Idempotent, so beat may run it as often as it likes; a run that collides with a concurrent one rolls back and
    retries."""
    return len(supervision_warnings_raise(actor=SYSTEM))


@shared_task(name="govservices.payments_expire")
def payments_expire() -> int:
    """Close payment orders past their expiry that the provider says are unpaid; returns how many expired."""
    return payment_services.payments_expire()
