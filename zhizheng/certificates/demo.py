"""The demo city's certificates: ID cards, household registers, driving licences, marriage certificates for
residents; business licences and food business permits for enterprises. Deterministic, idempotent and batched.

Called once by ``manage.py load_demo_city`` (after the registries are loaded). A certificate type a holder already
has is not issued again, so a second run issues nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from zhizheng.accounts.models import User
from zhizheng.certificates import services
from zhizheng.certificates.models import Certificate
from zhizheng.core.actor import Actor
from zhizheng.registries.choices import LegalPersonStatus, LegalPersonType, MaritalStatus, ResidentStatus, Sex
from zhizheng.registries.models import LegalPerson, Resident

DISTRICT_NAMES = {
    "990102": "东城",
    "990103": "西城",
    "990104": "南湖",
    "990105": "北山",
    "990106": "高新",
    "990121": "青河",
}
ENTITY_TYPES = {
    LegalPersonType.LIMITED_COMPANY: "有限责任公司",
    LegalPersonType.JOINT_STOCK_COMPANY: "股份有限公司",
    LegalPersonType.SOLE_PROPRIETORSHIP: "个人独资企业",
    LegalPersonType.PARTNERSHIP: "有限合伙企业",
    LegalPersonType.INDIVIDUAL_BUSINESS: "个体工商户",
    LegalPersonType.COOPERATIVE: "农民专业合作社",
}


@dataclass(frozen=True)
class DemoResult:
    issued: int
    by_type: dict[str, int]


def _draw(key: str, modulo: int) -> int:
    """A stable pseudo-random number for ``key`` (the same city always gets the same certificates)."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big") % modulo


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _police(resident: Resident) -> str:
    return f"示范市公安局{DISTRICT_NAMES.get(resident.district_code, '')}分局"


def _id_card(resident: Resident, today: dt.date) -> services.IssueRequest:
    """居民身份证: valid 5 years under 16, 10 under 26, 20 under 46, then without end (GB/T 居民身份证法 §5)."""
    issued = today - dt.timedelta(days=_draw("sfz" + resident.id_number, 3 * 365))
    age = _age(resident.birth_on, issued)
    years = 5 if age < 16 else 10 if age < 26 else 20 if age < 46 else None
    until = _years_after(issued, years) if years else None
    subject = {
        "name": resident.name,
        "gender": "男" if resident.sex == Sex.MALE else "女",
        "ethnicity": resident.ethnicity.removesuffix("族"),
        "birth_date": resident.birth_on.isoformat(),
        "address": resident.household_address,
        "id_number": resident.id_number,
        "issuing_authority": _police(resident),
        "valid_from": issued.isoformat(),
        "valid_to": until.isoformat() if until else "长期",
    }
    return services.IssueRequest(
        "CT-SFZ", resident.id_number, subject, valid_from=_moment(issued), valid_until=_moment(until) if until else None
    )


def _household(resident: Resident) -> services.IssueRequest:
    registered = resident.birth_on + dt.timedelta(days=30 + _draw("hk" + resident.id_number, 300))
    subject = {
        "household_number": f"{resident.district_code}{_draw('hh' + resident.id_number, 10**8):08d}",
        "household_type": "家庭户",
        "head_name": resident.name,
        "address": resident.household_address,
        "member_name": resident.name,
        "relation_to_head": "户主",
        "gender": "男" if resident.sex == Sex.MALE else "女",
        "ethnicity": resident.ethnicity,
        "birth_date": resident.birth_on.isoformat(),
        "birthplace": "示范市",
        "id_number": resident.id_number,
        "registration_authority": _police(resident),
        "registration_date": registered.isoformat(),
    }
    return services.IssueRequest("CT-HKB", resident.id_number, subject, valid_from=_moment(registered))


def _driving_licence(resident: Resident, today: dt.date) -> services.IssueRequest:
    first = _years_after(resident.birth_on, 19 + _draw("jz" + resident.id_number, 12))
    first = min(first, today - dt.timedelta(days=30))
    current = first
    while _years_after(current, 10) < today:
        current = _years_after(current, 10)  # renewed every 6 then 10 years; the demo keeps it simple
    until = _years_after(current, 10)
    subject = {
        "license_number": resident.id_number,
        "name": resident.name,
        "gender": "男" if resident.sex == Sex.MALE else "女",
        "nationality": resident.nationality,
        "address": resident.household_address,
        "birth_date": resident.birth_on.isoformat(),
        "first_issue_date": first.isoformat(),
        "vehicle_class": "C1",
        "valid_from": current.isoformat(),
        "valid_to": until.isoformat(),
        "file_number": f"9901{_draw('da' + resident.id_number, 10**8):08d}",
        "issuing_authority": "示范市公安局交通警察支队",
    }
    return services.IssueRequest(
        "CT-JSZ", resident.id_number, subject, valid_from=_moment(current), valid_until=_moment(until)
    )


def _marriage(man: Resident, woman: Resident, holder: Resident, today: dt.date) -> services.IssueRequest:
    youngest = max(man.birth_on, woman.birth_on)
    earliest = _years_after(youngest, 22)
    span = max(1, (today - earliest).days)
    registered = earliest + dt.timedelta(days=_draw("jh" + man.id_number + woman.id_number, span))
    subject = {
        "certificate_number": f"J990100-{registered.year}-{_draw('jn' + man.id_number, 10**6):06d}",
        "holder_name": holder.name,
        "registration_date": registered.isoformat(),
        "man_name": man.name,
        "man_nationality": man.nationality,
        "man_id_number": man.id_number,
        "woman_name": woman.name,
        "woman_nationality": woman.nationality,
        "woman_id_number": woman.id_number,
        "registration_authority": f"示范市{DISTRICT_NAMES.get(man.district_code, '')}区民政局婚姻登记处",
    }
    return services.IssueRequest("CT-JHZ", holder.id_number, subject, valid_from=_moment(registered))


def _business_licence(enterprise: LegalPerson, today: dt.date) -> services.IssueRequest:
    issued = max(enterprise.established_on, today - dt.timedelta(days=_draw("yy" + enterprise.uscc, 5 * 365)))
    subject = {
        "uscc": enterprise.uscc,
        "name": enterprise.name,
        "entity_type": ENTITY_TYPES.get(LegalPersonType(enterprise.type), enterprise.type),
        "legal_representative": enterprise.legal_representative.name,
        "business_scope": enterprise.business_scope,
        "registered_capital": f"{enterprise.registered_capital_fen // 1_000_000:,}万元人民币",
        "establishment_date": enterprise.established_on.isoformat(),
        "business_term": "长期",
        "address": enterprise.address,
        "registration_authority": "示范市市场监督管理局",
        "issue_date": issued.isoformat(),
    }
    return services.IssueRequest("CT-YYZZ", enterprise.uscc, subject, valid_from=_moment(issued))


def _food_permit(enterprise: LegalPerson, today: dt.date) -> services.IssueRequest:
    issued = today - dt.timedelta(days=_draw("sp" + enterprise.uscc, 4 * 365))
    subject = {
        "license_number": f"JY{enterprise.uscc[2:8]}{_draw('spn' + enterprise.uscc, 10**8):08d}",
        "operator_name": enterprise.name,
        "uscc": enterprise.uscc,
        "legal_representative": enterprise.legal_representative.name,
        "address": enterprise.address,
        "business_address": enterprise.address,
        "main_business": "餐饮服务经营者",
        "business_items": "热食类食品制售；冷食类食品制售",
        "daily_supervisor": "示范市市场监督管理局",
        "issuing_authority": "示范市市场监督管理局",
        "issue_date": issued.isoformat(),
        "valid_to": _years_after(issued, 5).isoformat(),
    }
    return services.IssueRequest("CT-SPJY", enterprise.uscc, subject, valid_from=_moment(issued))


def demo_certificates(*, actor: Actor, today: dt.date) -> DemoResult:
    """Load the certificate types, then issue the demo city's certificates not issued yet (one batch, one ledger
    append)."""
    services.certificate_types_load(actor=actor)
    residents = list(Resident.objects.filter(status=ResidentStatus.ALIVE).order_by("id_number"))
    enterprises = list(
        LegalPerson.objects.filter(status=LegalPersonStatus.ACTIVE).select_related("legal_representative")
    )
    requests: list[services.IssueRequest] = []
    for resident in residents:
        age = _age(resident.birth_on, today)
        requests.append(_household(resident))
        if age >= 16:
            requests.append(_id_card(resident, today))
        if 20 <= age <= 70 and _draw("drive" + resident.id_number, 100) < 35:
            requests.append(_driving_licence(resident, today))
    men = [r for r in residents if r.marital_status == MaritalStatus.MARRIED and r.sex == Sex.MALE]
    women = [r for r in residents if r.marital_status == MaritalStatus.MARRIED and r.sex == Sex.FEMALE]
    for man, woman in list(zip(men, women, strict=False))[:200]:
        requests += [_marriage(man, woman, man, today), _marriage(man, woman, woman, today)]
    for enterprise in sorted(enterprises, key=lambda e: e.uscc):
        requests.append(_business_licence(enterprise, today))
        if "餐饮" in enterprise.name or "食品" in enterprise.name:
            requests.append(_food_permit(enterprise, today))
    have = set(Certificate.objects.values_list("holder_identifier", "type__code"))
    wanted = [r for r in requests if (r.holder, r.certificate_type) not in have]
    issued = services.certificates_issue_many(actor=actor, requests=wanted)
    by_type: dict[str, int] = {}
    for certificate in issued:
        by_type[certificate.type.code] = by_type.get(certificate.type.code, 0) + 1
    return DemoResult(issued=len(issued), by_type=by_type)


def _social_security_card(resident: Resident, until: dt.date) -> services.IssueRequest:
    issued = _years_after(until, -10)
    subject = {
        "card_number": f"D{_draw('sbkn' + resident.id_number, 10**8):08d}",
        "name": resident.name,
        "social_security_number": resident.id_number,
        "gender": "男" if resident.sex == Sex.MALE else "女",
        "issue_date": issued.isoformat(),
        "valid_to": until.isoformat(),
        "card_bank": "示范市商业银行",
        "issuing_authority": "示范市人力资源和社会保障局",
    }
    return services.IssueRequest(
        "CT-SBK", resident.id_number, subject, valid_from=_moment(issued), valid_until=_moment(until)
    )


def _hygiene_permit(enterprise: LegalPerson, until: dt.date) -> services.IssueRequest:
    issued = _years_after(until, -4)
    subject = {
        "license_number": f"WS{enterprise.uscc[2:8]}{_draw('ws' + enterprise.uscc, 10**6):06d}",
        "unit_name": enterprise.name,
        "legal_representative": enterprise.legal_representative.name,
        "address": enterprise.address,
        "license_items": "住宿场所",
        "issuing_authority": "示范市卫生健康委员会",
        "issue_date": issued.isoformat(),
        "valid_to": until.isoformat(),
    }
    return services.IssueRequest(
        "CT-GGCSWS", enterprise.uscc, subject, valid_from=_moment(issued), valid_until=_moment(until)
    )


def demo_expiring_certificates(*, actor: Actor, today: dt.date) -> DemoResult:
    """Certificates that expire within 90 days of the real ``today``, so that the proactive service (主动服务)
    finds something to remind: social security cards (10 years) of about one resident in a hundred and of every
    resident with an account (the demo ``citizen``: in 25 days, the 30-day reminder), and public-venue hygiene
    permits (4 years) of about one enterprise in fifty and of every enterprise an agent acts for (in 80 days, the
    90-day reminder). Deterministic for a day; a holder who already has the type gets nothing (idempotent)."""
    with_accounts = set(User.objects.exclude(id_number=None).values_list("id_number", flat=True))
    agents_for = set(User.objects.filter(kind=User.Kind.AGENT).exclude(uscc="").values_list("uscc", flat=True))
    requests: list[services.IssueRequest] = []
    for resident in Resident.objects.filter(status=ResidentStatus.ALIVE).order_by("id_number"):
        if resident.id_number in with_accounts:
            requests.append(_social_security_card(resident, today + dt.timedelta(days=25)))
        elif _draw("sbk-expiring" + resident.id_number, 100) == 0:
            days = 5 + _draw("sbk-days" + resident.id_number, 85)
            requests.append(_social_security_card(resident, today + dt.timedelta(days=days)))
    enterprises = LegalPerson.objects.filter(status=LegalPersonStatus.ACTIVE).select_related("legal_representative")
    for enterprise in enterprises.order_by("uscc"):
        if enterprise.uscc in agents_for:
            requests.append(_hygiene_permit(enterprise, today + dt.timedelta(days=80)))
        elif _draw("ws-expiring" + enterprise.uscc, 50) == 0:
            days = 5 + _draw("ws-days" + enterprise.uscc, 85)
            requests.append(_hygiene_permit(enterprise, today + dt.timedelta(days=days)))
    have = set(
        Certificate.objects.filter(type__code__in=("CT-SBK", "CT-GGCSWS")).values_list(
            "holder_identifier", "type__code"
        )
    )
    wanted = [r for r in requests if (r.holder, r.certificate_type) not in have]
    issued = services.certificates_issue_many(actor=actor, requests=wanted)
    by_type: dict[str, int] = {}
    for certificate in issued:
        by_type[certificate.type.code] = by_type.get(certificate.type.code, 0) + 1
    return DemoResult(issued=len(issued), by_type=by_type)
