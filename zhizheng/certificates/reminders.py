"""主动服务 for certificates: tell holders, 90 and then 30 days ahead, that a certificate expires, with a link that
opens the pre-filled application renewing it.

A daily job (``tasks.expiry_remind`` on beat; ``manage.py proactive_service`` runs it now). Day arithmetic is in
the installation's time zone: a certificate valid until 2027-03-01 08:00 (Beijing) has 90 days left on 2026-12-01.
A certificate is reminded at the first stage whose window it is in (30: 0–30 days left; 90: 31–90 days left), so a
job that did not run for a few days still reminds, and a certificate issued with 20 days left gets only the 30-day
reminder. ``ExpiryReminder`` records each stage sent (unique per certificate and stage): nobody is told twice.
Holders are matched to accounts: a person by 公民身份号码, an enterprise by the USCC its agents act for. Holders
without an account are not recorded, so they are reminded once they sign up, within the window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from zhizheng.accounts.models import User
from zhizheng.accounts.services import NotificationDraft, notification_send_many
from zhizheng.certificates.choices import CertificateStatus
from zhizheng.certificates.models import Certificate, ExpiryReminder
from zhizheng.certificates.permissions import Perm, policy
from zhizheng.core.actor import Actor

EXPIRY_STAGES = (30, 90)
"""Days before the end of validity at which holders are told, smallest first."""
NOTIFICATION_KIND = "certificates.expiry_warning"
BATCH_SIZE = 1000
RENEWAL_PREFIX = "/services/"
"""Links under this prefix open an application; any other link (the wallet) gets the message without one."""


def expiry_stage(days_left: int) -> int | None:
    """The reminder stage for a certificate with ``days_left`` (0 = its last day): the smallest stage whose window
    holds it, or None when it is further away or already past."""
    if days_left < 0:
        return None
    return next((stage for stage in EXPIRY_STAGES if days_left <= stage), None)


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the installation's time zone."""
    return dt.datetime.combine(day, dt.time.min, timezone.get_current_timezone())


def days_left(certificate: Certificate, today: dt.date) -> int:
    """Whole days from ``today`` to the local date on which the certificate stops being valid."""
    assert certificate.valid_until is not None
    return (timezone.localdate(certificate.valid_until) - today).days


def _renewal_link_resolver() -> Callable[[str], str]:
    resolver: Callable[[str], str] = import_string(settings.CERTIFICATES_RENEWAL_LINK)
    return resolver


def recipients_for(identifiers: set[str]) -> dict[str, list[User]]:
    """Active accounts by holder identifier: citizens and agents by their ID number, agents also by their USCC."""
    found: dict[str, list[User]] = {}
    if not identifiers:
        return found
    users = User.objects.filter(is_active=True).filter(
        Q(id_number__in=identifiers) | Q(kind=User.Kind.AGENT, uscc__in=identifiers)
    )
    for user in users.order_by("pk"):
        if user.id_number in identifiers:
            found.setdefault(user.id_number, []).append(user)
        if user.kind == User.Kind.AGENT and user.uscc in identifiers and user.uscc != user.id_number:
            found.setdefault(user.uscc, []).append(user)
    return found


@dataclass
class ReminderRun:
    """What one run found and did."""

    expiring: int = 0
    reminded: int = 0
    notifications: int = 0
    without_account: int = 0
    already_reminded: int = 0


def _message(certificate: Certificate, left: int, link: str) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        if left == 0:
            title = _("Your %(type)s expires today") % {"type": certificate.type.name}
        else:
            title = _("Your %(type)s expires in %(days)d days") % {"type": certificate.type.name, "days": left}
        assert certificate.valid_until is not None
        body = _(
            "Certificate %(serial)s is valid until %(date)s. Renew it in time: the link opens the application, "
            "already filled in with what the government holds."
        ) % {"serial": certificate.serial, "date": timezone.localdate(certificate.valid_until).isoformat()}
        if not link.startswith(RENEWAL_PREFIX):
            body = _("Certificate %(serial)s is valid until %(date)s. See the guide for how to renew it.") % {
                "serial": certificate.serial,
                "date": timezone.localdate(certificate.valid_until).isoformat(),
            }
    return title, body


def expiry_reminders_send(*, actor: Actor, today: dt.date | None = None) -> ReminderRun:
    """Remind the holders of valid certificates that expire within 90 days (see the module's notes), in batches of
    ``BATCH_SIZE`` certificates, each batch one transaction: reminders recorded and notifications stored together,
    e-mail and SMS after commit. Only the system runs it."""
    policy.require(actor, Perm.REMIND)
    today = today or timezone.localdate()
    horizon = max(EXPIRY_STAGES)
    candidates = Certificate.objects.filter(
        status=CertificateStatus.VALID,
        valid_until__gte=day_start(today),
        valid_until__lt=day_start(today + dt.timedelta(days=horizon + 1)),
    ).order_by("pk")
    resolve = _renewal_link_resolver()
    links: dict[str, str] = {}
    run = ReminderRun()
    last_pk = 0
    while True:
        batch = list(candidates.filter(pk__gt=last_pk).select_related("type")[:BATCH_SIZE])
        if not batch:
            return run
        last_pk = batch[-1].pk
        run.expiring += len(batch)
        _remind_batch(batch, today, resolve, links, run)


def _remind_batch(
    batch: list[Certificate],
    today: dt.date,
    resolve: Callable[[str], str],
    links: dict[str, str],
    run: ReminderRun,
) -> None:
    sent = set(ExpiryReminder.objects.filter(certificate__in=batch).values_list("certificate_id", "stage_days"))
    people = recipients_for({c.holder_identifier for c in batch})
    reminders: list[ExpiryReminder] = []
    drafts: list[NotificationDraft] = []
    now = timezone.now()
    for certificate in batch:
        left = days_left(certificate, today)
        stage = expiry_stage(left)
        if stage is None:
            continue
        if (certificate.pk, stage) in sent:
            run.already_reminded += 1
            continue
        users = people.get(certificate.holder_identifier, [])
        if not users:
            run.without_account += 1
            continue
        code = certificate.type.code
        if code not in links:
            links[code] = resolve(code)
        link = links[code] or reverse("certificates:wallet_detail", args=[certificate.serial])
        title, body = _message(certificate, left, link)
        reminders.append(
            ExpiryReminder(
                certificate=certificate, stage_days=stage, days_left=left, recipients=len(users), sent_at=now
            )
        )
        drafts += [
            NotificationDraft(recipient=user, kind=NOTIFICATION_KIND, title=title, body=body, link=link)
            for user in users
        ]
    if not reminders:
        return
    with transaction.atomic():
        ExpiryReminder.objects.bulk_create(reminders)  # the unique constraint stops a concurrent run twice
        notification_send_many(drafts)
    run.reminded += len(reminders)
    run.notifications += len(drafts)
