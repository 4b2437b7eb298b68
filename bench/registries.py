"""Base registries: spatial lookups, logged masked reads and unmasked disclosures, and registrations per second.

    .venv/bin/python bench/registries.py                  (or `make bench`)
    .venv/bin/python bench/registries.py --seconds 3

Runs against a fresh SQLite file in a temporary directory (test settings, real migrations). What is measured:

* generate: ``spatial.generate_units`` (the Voronoi partition of the city into 6 districts, 29 streets, ~160 grids);
* locate: ``spatial.spatial_unit_at`` for random points in the city's bounding box (one version query plus an
  STRtree query each; the index is built once);
* masked read: ``selectors.resident_get`` with a purpose (the policy check, the read and one access-log row);
* disclose: ``services.resident_disclose`` (unmasked, logged);
* registration: ``registrations.household_move`` (policy, validation, history row, ledger append, committed).
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

from _timing import rate

ROOT = Path(__file__).resolve().parent.parent


def _configure(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhizheng.settings.test"
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def run(seconds: float) -> None:
    from zhizheng.core.actor import SYSTEM, Actor, ActorKind
    from zhizheng.core.validators import id_number_make
    from zhizheng.registries import registrations, selectors, services, spatial
    from zhizheng.registries.models import Resident

    started = time.perf_counter()
    units = spatial.generate_units()
    print(f"generate   {len(units)} units in {(time.perf_counter() - started) * 1000:.0f} ms")
    spatial.spatial_units_load(actor=SYSTEM)
    rng = random.Random(1)
    spatial.spatial_unit_at(*spatial.CENTRE)

    def locate() -> None:
        spatial.spatial_unit_at(rng.uniform(116.85, 117.55), rng.uniform(31.52, 32.08))

    print(f"locate     {rate(locate, seconds):10,.0f} points/s")

    born = dt.date(1980, 1, 1)
    numbers = [id_number_make("990102", born + dt.timedelta(days=i // 400), i % 400 * 2 + 1) for i in range(2000)]
    Resident.objects.bulk_create(
        Resident(
            id_number=number,
            name=f"测试{index}",
            sex="male",
            birth_on=born + dt.timedelta(days=index // 400),
            household_address=f"示范市东城区人民路{index}号",
            district_code="990102",
        )
        for index, number in enumerate(numbers)
    )
    police = Actor(kind=ActorKind.USER, user_id=1, roles=frozenset({("GAJ", "caseworker")}))

    def read() -> None:
        selectors.resident_get(actor=police, purpose="law_enforcement", id_number=rng.choice(numbers))

    def disclose() -> None:
        services.resident_disclose(actor=police, purpose="law_enforcement", id_number=rng.choice(numbers))

    print(f"read       {rate(read, seconds):10,.0f} masked, logged reads/s")
    print(f"disclose   {rate(disclose, seconds):10,.0f} unmasked, logged reads/s")
    counter = iter(range(10**9))

    def move() -> None:
        registrations.household_move(
            actor=police,
            id_number=rng.choice(numbers),
            address=f"示范市南湖区湖滨路{next(counter)}号",
            district_code="990104",
        )

    print(f"register   {rate(move, seconds):10,.0f} household moves/s (history + ledger, committed)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=1.5, help="seconds per rate measurement (default 1.5)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zz-bench-registries-") as folder:
        _configure(f"sqlite:///{folder}/bench.sqlite3")
        run(args.seconds)


if __name__ == "__main__":
    main()
