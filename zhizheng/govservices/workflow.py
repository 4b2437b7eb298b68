"""Processes (办理流程): how an item's catalogue steps become the steps of an application, who acts at each, and how
an application moves from step to step. Domain code: it reads and writes ``ProcessStep`` rows and is called only
by the service functions, which check the transition table, lock the application and record the act.

How a catalogue step list becomes a process (``process_for``):

* steps before the first 受理 are the applicant's own (``apply``); without a 受理 step one is added;
* 受理 → ``accept``; names with 决定 / 审批 / 签发 / 核准 / 审定 / 确认 / 裁决 / 批准 → ``decide``; after the decision,
  制证 / 送达 and the like → ``issue`` / ``deliver``; everything between acceptance and decision → ``review``;
* without a named decision step, the first step after the reviews is the decision, and the reviewing officer
  (a caseworker) may take it; a named decision belongs to section chiefs and heads (and caseworkers and window
  officers for 即办件, decided on the spot);
* an item that charges a fee gets a ``payment`` step (缴费) right before the decision;
* a step whose name names another department (残联审核, 信息网络安全审核（公安机关）…) is that department's; consecutive
  review steps of different other departments run in parallel (joint review); ``data/processes.json`` lists joint
  reviews the names do not show (several departments at one step).

Positions are multiples of ``POSITION_STEP`` so a transfer can put a new acceptance step between two of them.

Within one act the steps are read once (``steps_of``: one query, with their departments) and kept on the
application; the functions here that change steps write them with one ``UPDATE`` per change and update the kept
rows the same way, so the checks and moves of an act (may act, complete, advance, run through) read no row twice.
The service functions hold the application's row lock while they do, so no one else moves its steps meanwhile.
Code that writes steps outside these functions calls ``steps_forget`` afterwards."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils import timezone

from zhizheng.core.actor import Actor
from zhizheng.govservices.choices import ApplicationStatus, ProcessingKind, StepKind, StepStatus
from zhizheng.govservices.models import Application, ProcessStep, ServiceItem
from zhizheng.orgs.models import Department

K = StepKind
POSITION_STEP = 10
ACCEPT_ROLES = ("window_officer", "caseworker", "section_chief", "department_head")
REVIEW_ROLES = ("caseworker", "section_chief", "department_head")
DECIDE_ROLES = ("section_chief", "department_head")
SYSTEM_ROLES: tuple[str, ...] = ()
"""Steps nobody on staff acts on: payment (the applicant pays), issuing and delivery (done on approval)."""

DECIDE_WORDS = ("决定", "审批", "签发", "核准", "审定", "确认", "裁决", "批准")
AFTER_WORDS = ("制证", "缮证", "发证", "颁证", "发照", "换发", "制卡", "出具", "生成", "核发", "登簿", "办结")
DELIVER_WORDS = ("送达", "邮寄", "领取", "发放", "下载", "支付", "推送", "激活")
DEPARTMENT_WORDS = (
    ("公安", "GAJ"),
    ("消防", "XFZD"),
    ("残联", "CL"),
    ("民政", "MZJ"),
    ("教育", "JYJ"),
    ("税务", "SWJ"),
    ("卫健", "WJW"),
    ("医保", "YBJ"),
    ("人社", "RSJ"),
    ("住建", "ZJJ"),
    ("生态环境", "STHJJ"),
    ("市场监管", "SCJGJ"),
)
PAYMENT_STEP_NAME = "缴费"
ACCEPT_STEP_NAME = "受理"


@dataclass(frozen=True)
class StepSpec:
    """One step of an item's process before any application exists."""

    position: int
    name: str
    kind: str
    department: str
    roles: tuple[str, ...]


@cache
def _joint_reviews() -> dict[str, dict[str, list[str]]]:
    path = Path(__file__).resolve().parent / "data" / "processes.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return dict(data["joint_reviews"])


def _named_department(name: str, own: str) -> str:
    for word, code in DEPARTMENT_WORDS:
        if word in name:
            return code
    return own


def _kinds(names: Sequence[str]) -> list[tuple[str, str]]:
    """(name, kind) for each catalogue step, with an acceptance step added when the catalogue has none."""
    accept_at = next((i for i, name in enumerate(names) if "受理" in name), None)
    out: list[tuple[str, str]] = []
    if accept_at is None:
        out.append((names[0] if names else "申请", K.APPLY))
        out.append((ACCEPT_STEP_NAME, K.ACCEPT))
        rest = list(names[1:])
    else:
        out.extend((name, K.APPLY) for name in names[:accept_at])
        if not out:
            out.append(("申请", K.APPLY))
        out.append((names[accept_at], K.ACCEPT))
        rest = list(names[accept_at + 1 :])
    decided = False
    for name in rest:
        if not decided and any(word in name for word in DECIDE_WORDS):
            out.append((name, K.DECIDE))
            decided = True
        elif decided:
            out.append((name, K.DELIVER if any(w in name for w in DELIVER_WORDS) else K.ISSUE))
        elif any(word in name for word in AFTER_WORDS + DELIVER_WORDS):
            out.append((name, K.ISSUE if any(w in name for w in AFTER_WORDS) else K.DELIVER))
        else:
            out.append((name, K.REVIEW))
    return out


def _decision_placed(steps: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], bool]:
    """The steps with exactly one decision; True when it was named by the catalogue."""
    if any(kind == K.DECIDE for _, kind in steps):
        return steps, True
    # No named decision: the first step after the reviews decides (or a decision is added at the end).
    for i, (name, kind) in enumerate(steps):
        if kind in (K.ISSUE, K.DELIVER):
            steps[i] = (name, K.DECIDE)
            return steps, False
    return [*steps, ("办结", K.DECIDE)], False


def process_for(item: ServiceItem) -> list[StepSpec]:
    """The process an application for ``item`` goes through (see the module's docstring)."""
    own = item.department.code
    steps, named = _decision_placed(_kinds(list(item.steps)))
    immediate = item.processing_kind == ProcessingKind.IMMEDIATE
    decide_roles = ("window_officer", *REVIEW_ROLES) if immediate else (DECIDE_ROLES if named else REVIEW_ROLES)
    joint = _joint_reviews().get(item.code, {})
    out: list[StepSpec] = []
    position = 0
    previous_foreign: str | None = None
    for name, kind in steps:
        if kind == K.DECIDE and item.fee_charged:
            position += POSITION_STEP
            out.append(StepSpec(position, PAYMENT_STEP_NAME, K.PAYMENT, own, SYSTEM_ROLES))
        department = _named_department(name, own) if kind in (K.REVIEW, K.DECIDE) else own
        foreign = kind == K.REVIEW and department != own
        # Consecutive reviews by different other departments do not depend on each other: they run in parallel.
        if not (foreign and previous_foreign is not None and previous_foreign != department):
            position += POSITION_STEP
        previous_foreign = department if foreign else None
        roles = {
            K.APPLY: SYSTEM_ROLES,
            K.ACCEPT: ACCEPT_ROLES,
            K.REVIEW: REVIEW_ROLES,
            K.DECIDE: decide_roles,
        }.get(K(kind), SYSTEM_ROLES)
        for code in joint.get(name, [department]) if kind == K.REVIEW else [department]:
            out.append(StepSpec(position, name, kind, code, tuple(roles)))
    return out


def process_start(application: Application, *, actor: Actor) -> list[ProcessStep]:
    """Create the application's steps (on first submission): the applicant's steps done, the acceptance active."""
    specs = process_for(application.item)
    own = application.item.department
    codes = {s.department for s in specs}
    if codes == {own.code}:  # most processes stay in the item's department: no need to look it up again
        departments = {own.code: own}
    else:
        departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
    now = timezone.now()
    rows = [
        ProcessStep(
            application=application,
            position=spec.position,
            name=spec.name,
            kind=spec.kind,
            department=departments.get(spec.department, application.item.department),
            roles=list(spec.roles),
            status=StepStatus.DONE if spec.kind == K.APPLY else StepStatus.WAITING,
            actor_ref=actor.ref if spec.kind == K.APPLY else "",
            completed_at=now if spec.kind == K.APPLY else None,
        )
        for spec in specs
    ]
    ProcessStep.objects.bulk_create(rows)
    if all(row.pk is not None for row in rows):  # the database returned the keys (PostgreSQL, SQLite ≥ 3.35)
        _keep(application, rows)
    else:
        steps_forget(application)
    steps_advance(application)
    return rows


def process_ensure(application: Application, *, actor: Actor) -> None:
    """Give an application submitted before processes existed its steps, with those its status passed done."""
    if application.status == ApplicationStatus.DRAFT or steps_of(application):
        return
    process_start(application, actor=actor)
    if application.status in (ApplicationStatus.ACCEPTED, ApplicationStatus.AWAITING_PAYMENT):
        steps_complete(application, kinds=(K.ACCEPT,), actor=actor)


_KEPT = "_process_steps"


def _keep(application: Application, steps: Iterable[ProcessStep]) -> list[ProcessStep]:
    kept = sorted(steps, key=lambda s: (s.position, s.id or 0))
    vars(application)[_KEPT] = kept
    return kept


def steps_of(application: Application) -> list[ProcessStep]:
    """The application's steps in order, with their departments: read once (or taken from a ``steps`` prefetch the
    caller made) and kept on the application for the rest of the act."""
    kept: list[ProcessStep] | None = vars(application).get(_KEPT)
    if kept is not None:
        return kept
    prefetched = getattr(application, "_prefetched_objects_cache", {}).get("steps")
    if prefetched is not None:
        return _keep(application, prefetched)
    if application.pk is None:
        return []
    return _keep(application, ProcessStep.objects.filter(application=application).select_related("department"))


def steps_forget(application: Application) -> None:
    """Drop the steps kept on the application (after writing steps other than through this module)."""
    vars(application).pop(_KEPT, None)
    if hasattr(application, "_prefetched_objects_cache"):
        application._prefetched_objects_cache.pop("steps", None)


def active_steps(application: Application) -> list[ProcessStep]:
    return [s for s in steps_of(application) if s.status == StepStatus.ACTIVE]


def steps_advance(application: Application) -> list[ProcessStep]:
    """When no step is active, activate the steps at the next position; returns the active steps."""
    steps = [s for s in steps_of(application) if s.status != StepStatus.CANCELLED]
    active = [s for s in steps if s.status == StepStatus.ACTIVE]
    if active:
        return active
    waiting = [s for s in steps if s.status == StepStatus.WAITING]
    if not waiting:
        return []
    position = waiting[0].position
    nxt = [s for s in waiting if s.position == position]
    ProcessStep.objects.filter(pk__in=[s.pk for s in nxt]).update(status=StepStatus.ACTIVE)
    for step in nxt:
        step.status = StepStatus.ACTIVE
    return nxt


def steps_complete(
    application: Application,
    *,
    kinds: Iterable[str],
    actor: Actor,
    department: str | None = None,
    note: str = "",
) -> list[ProcessStep]:
    """Mark the active steps of ``kinds`` (of ``department`` when given) done and advance; returns those done."""
    wanted = set(kinds)
    done = [
        s
        for s in steps_of(application)
        if s.status == StepStatus.ACTIVE
        and s.kind in wanted
        and (department is None or s.department.code == department)
    ]
    if done:
        now = timezone.now()
        ProcessStep.objects.filter(pk__in=[s.pk for s in done]).update(
            status=StepStatus.DONE, actor_ref=actor.ref, note=note, completed_at=now
        )
        for step in done:
            step.status, step.actor_ref, step.note, step.completed_at = StepStatus.DONE, actor.ref, note, now
    steps_advance(application)
    return done


def steps_run_through(application: Application, *, kinds: Iterable[str], actor: Actor) -> None:
    """Complete steps of ``kinds`` one position after another while they are the active ones (e.g. on approval:
    the decision, then issuing and delivery)."""
    wanted = set(kinds)
    for _ in range(50):  # a process has at most a few dozen steps
        active = steps_advance(application)
        if not active or any(s.kind not in wanted for s in active):
            return
        steps_complete(application, kinds=wanted, actor=actor)


def steps_cancel_open(application: Application) -> None:
    """Cancel the steps not done yet (the application was decided against or withdrawn)."""
    application.steps.filter(status__in=[StepStatus.WAITING, StepStatus.ACTIVE]).update(status=StepStatus.CANCELLED)
    for step in vars(application).get(_KEPT) or ():
        if step.status in (StepStatus.WAITING, StepStatus.ACTIVE):
            step.status = StepStatus.CANCELLED


def steps_transfer(application: Application, *, source: Department, target: Department) -> None:
    """Hand the source department's open steps to the target; the target accepts the application anew."""
    open_steps = list(application.steps.filter(department=source, status__in=[StepStatus.WAITING, StepStatus.ACTIVE]))
    current = min((s.position for s in open_steps if s.status == StepStatus.ACTIVE), default=None)
    application.steps.filter(pk__in=[s.pk for s in open_steps]).update(status=StepStatus.CANCELLED)
    ProcessStep.objects.bulk_create(
        [
            ProcessStep(
                application=application,
                position=s.position,
                name=s.name,
                kind=s.kind,
                department=target,
                roles=s.roles,
                status=StepStatus.WAITING,
            )
            for s in open_steps
            if s.kind != StepKind.ACCEPT
        ]
    )
    position = (current if current is not None else POSITION_STEP) - 1
    ProcessStep.objects.create(
        application=application,
        position=position,
        name=ACCEPT_STEP_NAME,
        kind=K.ACCEPT,
        department=target,
        roles=list(ACCEPT_ROLES),
        status=StepStatus.ACTIVE,
    )
    steps_forget(application)
    steps_advance(application)


def may_act(
    actor: Actor,
    application: Application,
    kinds: Iterable[str],
    *,
    own_department: bool = False,
    waiting_too: bool = False,
) -> bool:
    """True when the actor holds a role of an active step of ``kinds`` in that step's department (only in the
    handling department when ``own_department``; steps still waiting count too when ``waiting_too``)."""
    wanted = set(kinds)
    handling = application.handling_department.code
    statuses = {StepStatus.ACTIVE, StepStatus.WAITING} if waiting_too else {StepStatus.ACTIVE}
    for step in (s for s in steps_of(application) if s.status in statuses):
        if step.kind not in wanted or (own_department and step.department.code != handling):
            continue
        if any(actor.has_role(role, step.department.code) for role in step.roles):
            return True
    return False
