"""Supervision (电子监察) and the public figures on a city's worth of applications: the warning job, the auditor's
overview and the public figures, each also as a ratio to a plain grouped count over the same table in the same run.

    .venv/bin/python bench/supervision.py                        (or `make bench`)
    .venv/bin/python bench/supervision.py --applications 50000   (more)

Runs against a fresh SQLite file in a temporary directory (test settings, real migrations), or the database named
by ``--database`` (e.g. a PostgreSQL URL of a scratch database). The catalogue is loaded; ``--applications``
applications are spread over the 160 items, submitted on working days between June and November 2026 (deadlines
counted with the working-day calendar), about 70 % decided (15 % of those after their deadline), the rest open;
one in three decided applications has a visit, one in four two; 60 % of the decided ones are rated (8 % 差评, each
with a rectification). Measured:

* the warning job (``supervision_warnings_raise`` for 30 November 2026) the first time (it raises and records
  every warning due) and a second time the same day (idempotent: raises nothing);
* ``supervision_overview`` for an auditor (every department) and ``public_figures`` per department and per item,
  median of five runs each;
* the baseline: ``Application.objects.values(department).annotate(Count)`` over the same rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from _timing import median_seconds, ratio

ROOT = Path(__file__).resolve().parent.parent


def _configure(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhizheng.settings.test"
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _populate(count: int, seed: int) -> None:
    from django.utils import timezone

    from zhizheng.accounts.models import User
    from zhizheng.core.validators import id_number_make
    from zhizheng.core.workdays import add_working_days, is_working_day
    from zhizheng.govservices.models import Application, Rating, Rectification, ServiceItem, Visit

    rng = random.Random(seed)
    born = dt.date(1970, 1, 1)
    people = User.objects.bulk_create(
        [
            User(
                username=f"bench{i}",
                kind=User.Kind.CITIZEN,
                id_number=id_number_make("990102", born + dt.timedelta(days=i // 500), i % 500 * 2 + 1),
                real_name=f"申请人{i}",
                password="!",  # noqa: S106 - an unusable password hash: these people never log in
            )
            for i in range(max(count // 20, 10))
        ]
    )
    items = list(ServiceItem.objects.select_related("department"))
    days = [
        dt.date(2026, 6, 1) + dt.timedelta(days=n)
        for n in range(183)
        if is_working_day(dt.date(2026, 6, 1) + dt.timedelta(days=n))
    ]
    zone = timezone.get_current_timezone()
    rows: list[Application] = []
    for n in range(count):
        item = rng.choice(items)
        day = rng.choice(days)
        submitted = dt.datetime.combine(day, dt.time(9 + rng.randrange(8)), zone)
        deadline, _w = add_working_days(day, item.promised_days)
        decided = day < dt.date(2026, 11, 16) and rng.random() < 0.8
        status, decided_at = rng.choice(["submitted", "accepted", "accepted"]), None
        if decided:
            late = rng.random() < 0.15
            took = item.promised_days + rng.randrange(1, 6) if late else rng.randrange(0, item.promised_days + 1)
            decided_on, _w = add_working_days(day, took)
            status = "approved" if rng.random() < 0.9 else "rejected"
            decided_at = dt.datetime.combine(decided_on, dt.time(16), zone)
        rows.append(
            Application(
                receipt_number=f"ZWB{n:015d}",
                item=item,
                applicant=people[n % len(people)],
                status=status,
                submitted_at=submitted,
                deadline_on=deadline,
                decided_at=decided_at,
            )
        )
    Application.objects.bulk_create(rows, batch_size=2000)
    done = [a for a in rows if a.decided_at is not None]
    visits = []
    for application in done:
        roll = rng.random()
        number = 2 if roll < 0.25 else 1 if roll < 0.58 else 0
        visits += [
            Visit(
                application=application, visited_at=application.submitted_at, place="市政务服务中心", purpose="submit"
            )
            for _ in range(number)
        ]
    Visit.objects.bulk_create(visits, batch_size=2000)
    ratings = []
    for application in done:
        if rng.random() < 0.6:
            score = rng.choice([1, 2]) if rng.random() < 0.08 else rng.choice([3, 4, 5, 5, 5])
            ratings.append(
                Rating(
                    application=application,
                    score=score,
                    reasons=["N02"] if score <= 2 else ["P02"],
                    rated_by_id=application.applicant_id,
                )
            )
    Rating.objects.bulk_create(ratings, batch_size=2000)
    Rectification.objects.bulk_create(
        [
            Rectification(
                rating=r, department=r.application.item.department, due_on=dt.date(2026, 12, 1), status="open"
            )
            for r in ratings
            if r.score <= 2
        ],
        batch_size=2000,
    )


def run(count: int, seed: int) -> None:
    from django.db.models import Count

    from zhizheng.core.actor import SYSTEM
    from zhizheng.govservices.models import Application
    from zhizheng.govservices.selectors import supervision as figures
    from zhizheng.govservices.services import catalogue as services
    from zhizheng.govservices.services.supervision import supervision_warnings_raise
    from zhizheng.orgs import services as orgs_services

    orgs_services.divisions_load(actor=SYSTEM)
    orgs_services.departments_load(actor=SYSTEM)
    services.catalogue_load(actor=SYSTEM)
    start = time.perf_counter()
    _populate(count, seed)
    print(f"applications: {count} (populated in {time.perf_counter() - start:.1f} s)")

    def baseline() -> object:
        return list(Application.objects.order_by().values("item__department__code").annotate(n=Count("pk")))

    base = median_seconds(baseline)
    print(f"baseline grouped count by department: {base * 1000:.1f} ms")

    today = dt.date(2026, 11, 30)
    start = time.perf_counter()
    raised = supervision_warnings_raise(actor=SYSTEM, today=today)
    first = time.perf_counter() - start
    levels: dict[str, int] = {}
    for warning in raised:
        levels[str(warning.level)] = levels.get(str(warning.level), 0) + 1
    print(
        f"warning job, first run: {len(raised)} warnings {levels} in {first:.2f} s ({ratio(first, base):.0f}x baseline)"
    )
    start = time.perf_counter()
    again = supervision_warnings_raise(actor=SYSTEM, today=today)
    second = time.perf_counter() - start
    print(f"warning job, second run the same day: {len(again)} warnings in {second:.2f} s ({ratio(second, base):.0f}x)")

    overview = median_seconds(lambda: figures.supervision_overview(actor=SYSTEM, today=today))
    print(f"supervision_overview (all departments): {overview * 1000:.0f} ms ({ratio(overview, base):.1f}x baseline)")
    for group in ("department", "item"):
        took = median_seconds(lambda group=group: figures.public_figures(group=group))  # type: ignore[misc]
        print(f"public_figures by {group}: {took * 1000:.0f} ms ({ratio(took, base):.1f}x baseline)")
    result = figures.supervision_overview(actor=SYSTEM, today=today)
    total = result.total
    print(
        f"figures: submitted {total.submitted}, completed {total.completed}, on-time rate {total.on_time_rate}, "
        f"average {total.average_days} days, open and overdue {total.overdue_open}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applications", type=int, default=20000, help="applications to create (default 20000)")
    parser.add_argument("--seed", type=int, default=4, help="random seed (default 4)")
    parser.add_argument("--database", default="", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    if args.database:
        _configure(args.database)
        run(args.applications, args.seed)
        return
    with tempfile.TemporaryDirectory(prefix="zz-bench-supervision-") as folder:
        _configure(f"sqlite:///{folder}/bench.sqlite3")
        run(args.applications, args.seed)


if __name__ == "__main__":
    main()
