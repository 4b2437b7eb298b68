"""Generating the demo history (pure: the same seed, items, applicants and day give the same cases)."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.utils import timezone

from zhizheng.core.workdays import add_working_days
from zhizheng.core.workdays import is_working_day as _is_working_day
from zhizheng.govservices.choices import ApplicationAction, ApplicationStatus, RatingScore, VisitPurpose, WarningLevel
from zhizheng.govservices.form_tuning import TUNED

A = ApplicationAction
S = ApplicationStatus
CENTRE = "示范市政务服务中心"
WEEKDAY_FACTOR = (1.18, 1.06, 1.0, 0.97, 0.86, 0.75, 0.75)  # Monday … Sunday (weekend ones: 调休 working days)
REST_DAY_FACTOR = 0.07  # online submissions on weekends and holidays
MONTH_END_FACTOR = 1.35  # the last three working days of a month
COMMENTS_GOOD = ("办事很方便，网上就办完了。", "工作人员很耐心，一次就讲清楚了。", "比承诺的时间还快，点赞！", "")
COMMENTS_BAD = ("等了很久才办结。", "材料要求前后说法不一致。", "跑了好几趟才办成。", "系统经常打不开。")
ANSWERS = (
    "已约谈经办人员，对办理流程进行梳理，压缩审查环节一个工作日，并向申请人当面致歉。",
    "已更新办事指南中的材料清单，统一窗口与网上的口径，并对窗口人员进行业务培训。",
    "已优化网上申报系统，修复提交失败的问题，并安排专人回访申请人。",
)
REJECT_REASONS = (
    "申请材料不符合法定形式，经一次性告知后仍未补正。",
    "经核查，申请人不符合办理条件。",
    "申请事项不属于本部门职责范围，已告知向有关部门申请。",
)
SUPPLEMENTS = ("请补充提交经营场所产权证明复印件。", "请补充提交身份证明原件核验。", "请补充提交近三个月的缴费记录。")


@dataclass(frozen=True, slots=True)
class Applicant:
    """A person (or an agent acting for an enterprise) who applied: an existing account and its public facts."""

    user_id: int
    name: str
    id_number: str
    uscc: str = ""
    enterprise_name: str = ""


@dataclass(frozen=True, slots=True)
class ItemFacts:
    """What the history needs of a service item."""

    pk: int
    code: str
    department_id: int
    department_code: str
    promised_days: int
    statutory_days: int
    online_level: int
    for_individuals: bool
    for_legal_persons: bool
    hall_address: str


@dataclass(slots=True)
class Case:
    """One generated application with its timeline, rating, rectification, visits and warnings."""

    receipt_number: str
    item: ItemFacts
    applicant: Applicant
    form_data: dict[str, Any]
    status: str
    submitted_at: dt.datetime
    deadline_on: dt.date
    paused_working_days: int = 0
    clock_paused_on: dt.date | None = None
    supplement_request: str = ""
    decided_at: dt.datetime | None = None
    decision_reason: str = ""
    events: list[tuple[str, str, dt.datetime, str]] = field(default_factory=list)  # action, status, at, note
    rating: tuple[int, list[str], str, dt.datetime] | None = None
    rectification: tuple[dt.date, dt.datetime | None, str] | None = None  # due, answered at, answer
    visits: list[tuple[dt.datetime, str]] = field(default_factory=list)  # at, purpose
    warnings: list[tuple[str, dt.date, dt.date, int, int]] = field(default_factory=list)

    @property
    def last_at(self) -> dt.datetime:
        return max(at for _a, _s, at, _n in self.events)


@dataclass
class HistoryResult:
    created: int = 0
    existing: int = 0
    events: int = 0
    ratings: int = 0
    rectifications: int = 0
    visits: int = 0
    warnings: int = 0


@lru_cache(maxsize=4096)
def is_working_day(day: dt.date) -> bool:
    return _is_working_day(day)


@lru_cache(maxsize=65536)
def _plus(start: dt.date, days: int) -> dt.date:
    return add_working_days(start, days)[0]


def at_hour(day: dt.date, hour: float) -> dt.datetime:
    moment = dt.datetime.combine(day, dt.time(int(hour), int(hour % 1 * 60)))
    return timezone.make_aware(moment, timezone.get_default_timezone())


def spring_festival(year: int) -> tuple[dt.date, dt.date]:
    """The longest run of rest days in January to March of ``year``: the Spring Festival holiday."""
    best: tuple[int, dt.date, dt.date] = (0, dt.date(year, 2, 1), dt.date(year, 2, 1))
    day, run_start = dt.date(year, 1, 1), None
    while day <= dt.date(year, 3, 31):
        if not is_working_day(day):
            run_start = run_start or day
            length = (day - run_start).days + 1
            if length > best[0]:
                best = (length, run_start, day)
        else:
            run_start = None
        day += dt.timedelta(days=1)
    return best[1], best[2]


def day_weights(start: dt.date, end: dt.date, rng: random.Random) -> list[tuple[dt.date, float]]:
    """How busy each day is: working days by weekday, month-end peaks, the Spring Festival dip, a little noise."""
    festivals = [spring_festival(year) for year in range(start.year, end.year + 1)]
    weights: list[tuple[dt.date, float]] = []
    day = start
    while day <= end:
        if is_working_day(day):
            weight = WEEKDAY_FACTOR[day.weekday()]
            if _plus(day, 3).month != day.month:
                weight *= MONTH_END_FACTOR
        else:
            weight = REST_DAY_FACTOR
        for first, last in festivals:
            if first - dt.timedelta(days=10) <= day < first:
                weight *= 0.7  # people leave for home, few start a procedure
            elif first <= day <= last:
                weight *= 0.4
            elif last < day <= last + dt.timedelta(days=10):
                weight *= 0.8
        if day.month in (7, 8):
            weight *= 0.95
        weights.append((day, weight * rng.lognormvariate(0, 0.12)))
        day += dt.timedelta(days=1)
    return weights


def _daily_counts(weights: list[tuple[dt.date, float]], count: int) -> list[tuple[dt.date, int]]:
    """``count`` spread over the days by weight (largest remainders, so the total is exact)."""
    total = sum(w for _d, w in weights)
    shares = [count * w / total for _d, w in weights]
    counts = [math.floor(share) for share in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: (counts[i] - shares[i], i))
    for index in by_remainder[: count - sum(counts)]:
        counts[index] += 1
    return [(day, n) for (day, _w), n in zip(weights, counts, strict=True)]


class HistoryGenerator:
    """The same cases for the same seed, items, applicants and day. Pure: it never writes."""

    def __init__(self, *, seed: int, items: Sequence[ItemFacts], applicants: Sequence[Applicant], today: dt.date):
        self.rng = random.Random(seed)
        self.today = today
        self.items = sorted(items, key=lambda i: i.code)
        order = list(range(len(self.items)))
        self.rng.shuffle(order)
        # Zipf-like popularity over a shuffled order, the hand-tuned "most used" forms well ahead.
        self.weights = [
            (4.0 if item.code in TUNED else 1.0) / (order[rank] + 3) ** 0.9 for rank, item in enumerate(self.items)
        ]
        self.cumulative = list(itertools.accumulate(self.weights))
        self.people = [a for a in applicants if not a.uscc]
        self.agents = [a for a in applicants if a.uscc]
        self.receipts: set[str] = set()

    def cases(self, count: int) -> Iterator[Case]:
        start = self.today.replace(year=self.today.year - 1) + dt.timedelta(days=1)
        for day, n in _daily_counts(day_weights(start, self.today, self.rng), count):
            for _index in range(n):
                yield self.case(day)

    def _item(self, day: dt.date) -> ItemFacts:
        while True:
            item = self.rng.choices(self.items, cum_weights=self.cumulative)[0]
            if is_working_day(day) or item.online_level >= 3:  # on rest days only online applications
                return item

    def _receipt(self, day: dt.date) -> str:
        while True:
            number = f"ZW{day:%Y%m%d}{self.rng.getrandbits(32):08X}"
            if number not in self.receipts:
                self.receipts.add(number)
                return number

    def case(self, day: dt.date) -> Case:
        rng = self.rng
        item = self._item(day)
        as_business = item.for_legal_persons and (not item.for_individuals or rng.random() < 0.3) and self.agents
        applicant = rng.choice(self.agents if as_business else self.people)
        working = is_working_day(day)
        hour = rng.choice((9, 9.5, 10, 10.5, 11, 14.5, 15, 15.5, 16, 8.75, 13.5, 17)) if working else rng.uniform(9, 22)
        submitted_at = at_hour(day, hour + rng.random() * 0.4)
        start = day if working else _plus(day, 1)  # handled from the next working day on
        case = Case(
            receipt_number=self._receipt(day),
            item=item,
            applicant=applicant,
            form_data=self._form(item, applicant, bool(as_business)),
            status=S.SUBMITTED,
            submitted_at=submitted_at,
            deadline_on=_plus(start, item.promised_days),
        )
        case.events.append((A.SUBMITTED, S.SUBMITTED, submitted_at, ""))
        self._handle(case, start)
        self._visits(case)
        if case.status in (S.APPROVED, S.REJECTED):
            self._rate(case)
        return case

    def _form(self, item: ItemFacts, applicant: Applicant, as_business: bool) -> dict[str, Any]:
        data: dict[str, Any] = {"delivery": "electronic" if item.online_level >= 4 else "pickup", "remarks": ""}
        if as_business:
            data["organisation"] = {
                "name": applicant.enterprise_name,
                "uscc": applicant.uscc,
                "representative": applicant.name,
                "contact_mobile": "13800000000",
            }
        else:
            data["person"] = {"name": applicant.name, "id_number": applicant.id_number, "mobile": "13800000000"}
        if item.for_individuals and item.for_legal_persons:
            data["applicant_kind"] = "legal_person" if as_business else "individual"
        return data

    def _when(self, day: dt.date, after: dt.datetime) -> dt.datetime:
        moment = at_hour(day, self.rng.uniform(9, 17.5))
        return moment if moment > after else after + dt.timedelta(minutes=self.rng.randint(5, 90))

    def _handle(self, case: Case, start: dt.date) -> None:
        """Acceptance, perhaps supplements, the decision (or a withdrawal): stop at ``today`` for open cases."""
        rng, item, today = self.rng, case.item, self.today
        promised = item.promised_days
        if promised == 0:
            used = 0 if rng.random() < 0.95 else rng.randint(1, 2)
        elif rng.random() < 0.92 - min(0.06, promised / 500):
            used = min(promised, max(1 if promised > 1 else 0, round(promised * rng.betavariate(2.2, 2.6))))
        else:
            used = promised + 1 + min(20, int(rng.expovariate(1 / 3)))
        accepted_on = start if rng.random() < 0.7 or used == 0 else _plus(start, 1)
        if accepted_on > today:
            return
        case.status = S.ACCEPTED
        case.events.append((A.ACCEPTED, S.ACCEPTED, self._when(accepted_on, case.submitted_at), ""))
        pause = 0
        if promised > 0 and rng.random() < 0.16:  # about one case in ten overall
            asked_on = _plus(start, min(used, rng.randint(1, 2)))
            if asked_on > today:
                return
            text = rng.choice(SUPPLEMENTS)
            case.status, case.supplement_request = S.SUPPLEMENT_REQUESTED, text
            case.events.append(
                (A.SUPPLEMENT_REQUESTED, S.SUPPLEMENT_REQUESTED, self._when(asked_on, case.last_at), text)
            )
            pause = rng.randint(1, 6)
            back_on = _plus(asked_on, pause)
            if back_on > today or rng.random() < 0.04:  # still waiting, or never came back and withdrew
                case.clock_paused_on = asked_on
                if back_on <= today:
                    case.status = S.WITHDRAWN
                    case.clock_paused_on = None
                    case.events.append((A.WITHDRAWN, S.WITHDRAWN, self._when(back_on, case.last_at), ""))
                return
            case.paused_working_days = pause
            case.deadline_on = _plus(case.deadline_on, pause)
            case.status = S.SUBMITTED
            case.events.append((A.SUBMITTED, S.SUBMITTED, self._when(back_on, case.last_at), ""))
            case.status = S.ACCEPTED
            case.events.append((A.ACCEPTED, S.ACCEPTED, self._when(back_on, case.last_at), ""))
        decided_on = _plus(start, used + pause)
        self._warnings(case, start, pause, min(decided_on, today), decided=decided_on <= today)
        if decided_on > today:
            return
        roll = rng.random()
        if roll < 0.025:
            case.status = S.WITHDRAWN
            case.events.append((A.WITHDRAWN, S.WITHDRAWN, self._when(decided_on, case.last_at), ""))
            return
        case.decided_at = self._when(decided_on, case.last_at)
        if roll < 0.085:
            case.status, case.decision_reason = S.REJECTED, rng.choice(REJECT_REASONS)
            case.events.append((A.REJECTED, S.REJECTED, case.decided_at, case.decision_reason))
        else:
            case.status = S.APPROVED
            case.events.append((A.APPROVED, S.APPROVED, case.decided_at, ""))

    def _warnings(self, case: Case, start: dt.date, pause: int, until: dt.date, *, decided: bool) -> None:
        """The warnings the daily job raised: the first working day on which each threshold was crossed."""
        item = case.item
        if item.promised_days > 0:
            yellow_on = _plus(start, math.ceil(item.promised_days * 0.8) + pause)
            if yellow_on < until or (not decided and yellow_on <= until):
                case.warnings.append(
                    (
                        WarningLevel.YELLOW,
                        yellow_on,
                        case.deadline_on,
                        math.ceil(item.promised_days * 0.8),
                        item.promised_days,
                    )
                )
        red_on = _plus(case.deadline_on, 1)
        if red_on <= until:
            used = item.promised_days + 1
            case.warnings.append((WarningLevel.RED, red_on, case.deadline_on, used, item.promised_days))
        statutory = _plus(start, item.statutory_days + pause)
        if _plus(statutory, 1) <= until:
            used = item.statutory_days + 1
            case.warnings.append((WarningLevel.STATUTORY, _plus(statutory, 1), statutory, used, item.statutory_days))

    def _visits(self, case: Case) -> None:
        rng, level = self.rng, case.item.online_level
        if level >= 4:
            plan = [] if rng.random() < 0.86 else [VisitPurpose.VERIFICATION]
        elif level == 3:
            roll = rng.random()
            plan = (
                []
                if roll < 0.35
                else [VisitPurpose.VERIFICATION]
                if roll < 0.88
                else [VisitPurpose.SUBMIT, VisitPurpose.COLLECT]
            )
        else:
            plan = [VisitPurpose.SUBMIT] + ([VisitPurpose.COLLECT] if rng.random() < 0.8 else [])
        if case.supplement_request and level < 4 and rng.random() < 0.5:
            plan.append(VisitPurpose.SUPPLEMENT)
        for purpose in plan:
            if purpose == VisitPurpose.COLLECT and case.decided_at is None:
                continue
            base = case.decided_at if purpose == VisitPurpose.COLLECT and case.decided_at else case.submitted_at
            at = base + dt.timedelta(days=rng.randint(0, 3), hours=rng.uniform(0, 2))
            if timezone.localdate(at) <= self.today:
                case.visits.append((at, purpose))

    def _rate(self, case: Case) -> None:
        rng = self.rng
        if rng.random() >= 0.55 or case.decided_at is None:
            return
        late = case.decided_at.date() > case.deadline_on
        weights = (
            (10, 15, 20, 25, 30) if late else (8, 12, 25, 25, 30) if case.status == S.REJECTED else (1, 2, 5, 20, 72)
        )
        score = rng.choices((1, 2, 3, 4, 5), weights=weights)[0]
        reasons: list[str] = []
        if score >= 3:
            reasons += ["P02"] if not late and rng.random() < 0.6 else []
            reasons += ["P06"] if not case.visits and rng.random() < 0.4 else []
            reasons += ["P01"] if rng.random() < 0.3 else []
        if score <= 3:
            reasons += ["N02"] if late else []
            reasons += ["N06"] if len(case.visits) >= 2 else []
            reasons += [rng.choice(("N01", "N03", "N05", "N07"))] if rng.random() < 0.6 or not reasons else []
        rated_at = case.decided_at + dt.timedelta(hours=rng.uniform(0.5, 96))
        if timezone.localdate(rated_at) > self.today:
            return
        comment = rng.choice(COMMENTS_BAD if score <= RatingScore.DISSATISFIED else COMMENTS_GOOD)
        case.rating = (score, sorted(set(reasons)), comment, rated_at)
        if score <= RatingScore.DISSATISFIED:
            rated_on = timezone.localdate(rated_at)
            due_on = _plus(rated_on, 15)
            answered_on = _plus(rated_on, rng.randint(3, 19))
            answered = answered_on <= self.today and rng.random() < 0.9
            case.rectification = (due_on, self._when(answered_on, rated_at) if answered else None, rng.choice(ANSWERS))


def history_generate(
    *, seed: int, items: Sequence[ItemFacts], applicants: Sequence[Applicant], today: dt.date, count: int
) -> list[Case]:
    """The history's cases, oldest first (pure: the same arguments give the same cases)."""
    is_working_day.cache_clear()  # the calendar may have changed since the last run in this process
    _plus.cache_clear()
    return list(HistoryGenerator(seed=seed, items=items, applicants=applicants, today=today).cases(count))
