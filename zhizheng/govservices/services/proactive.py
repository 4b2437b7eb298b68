"""主动服务 in govservices: invite residents who became eligible for a benefit to apply, and name the application
that renews a certificate (for the certificates' expiry reminders).

Benefits are declared in ``BENEFITS``: who becomes eligible (today, an age reached) and which catalogue item to
apply for. The daily job (``tasks.benefit_eligibility_notify`` on beat; ``manage.py proactive_service`` now) reads
the population registry through ``registries.selectors.residents_born_between`` with its purpose (checked and
logged once per run), matches residents to accounts by 公民身份号码, and sends each person one notification whose
link opens the item's application, pre-filled from what the government holds. ``EligibilityNotice`` records it:
nobody is told twice. Someone who already applied for the item is not invited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhizheng.accounts.models import User
from zhizheng.accounts.services import NotificationDraft, notification_send_many
from zhizheng.core.actor import Actor
from zhizheng.core.errors import PermissionDenied
from zhizheng.govservices.choices import OnlineLevel
from zhizheng.govservices.models import Application, EligibilityNotice, ServiceItem
from zhizheng.registries.choices import Purpose
from zhizheng.registries.selectors import residents_born_between

NOTIFICATION_KIND = "govservices.benefit_eligible"
RENEWAL_WORDS = ("换", "延续", "补")


@dataclass(frozen=True, slots=True)
class Benefit:
    """A benefit one becomes eligible for at ``age``; people are invited within ``window_days`` after that day."""

    code: str
    item_code: str
    age: int
    window_days: int
    title: str | Promise
    body: str | Promise


BENEFITS = (
    Benefit(
        code="elderly_allowance_80",
        item_code="SFS-0033",  # 高龄津贴发放 (民政局)
        age=80,
        window_days=30,
        title=_("You can now claim the old-age allowance (高龄津贴)"),
        body=_(
            "Residents aged 80 and over receive a monthly old-age allowance. You turned 80 on %(date)s: apply "
            "online. The form is already filled in with what the government holds, and certificates it holds for "
            "you can be attached instead of copies."
        ),
    ),
)


def birthday(born: dt.date, age: int) -> dt.date:
    """The day someone born on ``born`` reaches ``age`` (born on 29 February: 28 February in common years)."""
    try:
        return born.replace(year=born.year + age)
    except ValueError:
        return born.replace(year=born.year + age, day=28)


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def eligible_since(born: dt.date, benefit: Benefit, today: dt.date) -> dt.date | None:
    """The day the person became eligible when that falls within the benefit's window ending ``today``."""
    day = birthday(born, benefit.age)
    return day if 0 <= (today - day).days <= benefit.window_days else None


@dataclass
class EligibilityRun:
    eligible: int = 0
    notified: int = 0
    without_account: int = 0
    already_told: int = 0
    already_applied: int = 0


def _apply_item(code: str) -> ServiceItem | None:
    return ServiceItem.objects.filter(code=code, published=True, online_level__gte=OnlineLevel.APPLY).first()


def eligibility_notices_send(*, actor: Actor, today: dt.date | None = None) -> dict[str, EligibilityRun]:
    """Invite everyone who became eligible for a benefit within its window (see the module's notes); returns what
    was found per benefit. Only the system (or an administrator) reads the registry for this purpose."""
    if not actor.is_system and not actor.is_superuser:
        raise PermissionDenied()
    today = today or timezone.localdate()
    runs: dict[str, EligibilityRun] = {}
    for benefit in BENEFITS:
        item = _apply_item(benefit.item_code)
        if item is None:  # the installation's catalogue does not offer it online
            continue
        runs[benefit.code] = _benefit_run(actor, benefit, item, today)
    return runs


def _benefit_run(actor: Actor, benefit: Benefit, item: ServiceItem, today: dt.date) -> EligibilityRun:
    run = EligibilityRun()
    first = years_before(today - dt.timedelta(days=benefit.window_days), benefit.age) - dt.timedelta(days=1)
    last = years_before(today, benefit.age) + dt.timedelta(days=1)
    people = residents_born_between(actor=actor, purpose=Purpose.SERVICE_HANDLING, first=first, last=last)
    eligible = {p.id_number: since for p in people if (since := eligible_since(p.birth_on, benefit, today))}
    run.eligible = len(eligible)
    users = list(User.objects.filter(is_active=True, id_number__in=eligible).order_by("pk"))
    run.without_account = len(eligible) - len({u.id_number for u in users})
    told = set(EligibilityNotice.objects.filter(benefit=benefit.code, user__in=users).values_list("user_id", flat=True))
    applied = set(Application.objects.filter(item=item, applicant__in=users).values_list("applicant_id", flat=True))
    link = reverse("govservices:apply", args=[item.code])
    now = timezone.now()
    notices: list[EligibilityNotice] = []
    drafts: list[NotificationDraft] = []
    for user in users:
        if user.pk in told:
            run.already_told += 1
            continue
        if user.pk in applied:
            run.already_applied += 1
            continue
        since = eligible[str(user.id_number)]
        notices.append(
            EligibilityNotice(user=user, benefit=benefit.code, item_code=item.code, eligible_on=since, sent_at=now)
        )
        with translation.override(settings.LANGUAGE_CODE):
            title, body = str(benefit.title), str(benefit.body) % {"date": since.isoformat()}
        drafts.append(NotificationDraft(recipient=user, kind=NOTIFICATION_KIND, title=title, body=body, link=link))
    if notices:
        with transaction.atomic():
            EligibilityNotice.objects.bulk_create(notices)  # the unique constraint stops a concurrent run twice
            notification_send_many(drafts)
    run.notified = len(notices)
    return run


def renewal_apply_path(type_code: str) -> str:
    """The path of the online application that renews certificates of ``type_code`` ("" when none): an item whose
    result is that type, preferring one for renewal (换证, 延续, 补领), else the first by code. Named by the setting
    ``CERTIFICATES_RENEWAL_LINK`` for the certificates' expiry reminders."""
    items = list(
        ServiceItem.objects.filter(
            result_certificate_type=type_code, published=True, online_level__gte=OnlineLevel.APPLY
        ).order_by("code")
    )
    if not items:
        return ""
    chosen = next((i for i in items if any(word in i.name for word in RENEWAL_WORDS)), items[0])
    return reverse("govservices:apply", args=[chosen.code])
