"""Online services: the whole application lifecycle (submit → accept → approve) over HTTP against a real gunicorn
server with concurrent clients — lifecycles per second and p50/p95 latency per step, each also as a ratio to a
trivial authenticated endpoint (``GET /api/v1/me``) measured in the same run.

    .venv/bin/python bench/services.py                          (or `make bench`; SQLite)
    .venv/bin/python bench/services.py --clients 8 --lifecycles 600 --workers 3
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/services.py

The bench makes its own database (a SQLite file in a temporary directory, or a fresh PostgreSQL database created
on BENCH_DATABASE_URL and dropped afterwards), migrates it and loads the minimum: divisions, departments, the
service catalogue, certificate types, one resident and one signed-in citizen per client, one caseworker of the
public security bureau (公安局). It starts ``gunicorn`` (sync workers, local settings: DEBUG off; its files — the
task queue of the filesystem broker — in the bench's temporary folder) on 127.0.0.1 on a free port, and client
*processes* (not threads of this one, which would share its interpreter lock) drive it over loopback HTTP with the
citizens' and the caseworker's session cookies (and CSRF tokens, as a browser would send them). The clients start
together behind a barrier, so their start-up is not timed.

Every lifecycle is the real path of item SFS-0018 (无犯罪记录证明开具): the submission is validated against the
item's generated form, the deadline counted in working days, the caseworker's acceptance and approval checked
against the policy and the transition table, the approval issues a signed certificate (Ed25519, status-list slot)
to the applicant — and every act is appended to the ledger, one transaction per request.

Load is bounded: at most ``--lifecycles`` lifecycles and ``--seconds`` seconds, after a warm-up of one lifecycle
per client. The baseline runs the same clients against ``GET /api/v1/me`` just before and just after the
lifecycles; its figures are the average of the two (the machine is shared, so the ratios are what compare). The
clients and the server share the machine's cores: the first line of the figures says how many, and the load
average before and after.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ITEM = "SFS-0018"  # 无犯罪记录证明开具: 公安局 (GAJ), individuals, fully online, result certificate CT-WFZJLZM
DEPARTMENT = "GAJ"
SETTINGS = "zhizheng.settings.local"


def _configure(database_url: str, secret_key: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ["DATABASE_URL"] = database_url
    os.environ["SECRET_KEY"] = secret_key
    import logging

    import django

    django.setup()
    logging.getLogger("axes").setLevel(logging.WARNING)  # the sessions made below are not worth a line each
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


@dataclass
class Session:
    """A signed-in browser: its session and CSRF cookies and the header that echoes the token."""

    cookie: str
    csrf: str

    def headers(self) -> dict[str, str]:
        return {"Cookie": self.cookie, "X-CSRFToken": self.csrf, "Content-Type": "application/json"}


def _session_for(user: Any) -> Session:
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string  # the secret form a browser's cookie holds
    from django.test import Client

    client = Client()
    client.force_login(user)  # a real session row in the configured session engine
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    csrf = _get_new_csrf_string()
    return Session(cookie=f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}", csrf=csrf)


def _fixtures(clients: int) -> tuple[list[tuple[Session, dict[str, Any]]], Session]:
    """Reference data through the services, ``clients`` citizens (each a resident of the registry) and a
    caseworker of the item's department."""
    import datetime as dt

    from zhizheng.accounts import services as accounts_services
    from zhizheng.accounts.models import User
    from zhizheng.certificates import services as certificates_services
    from zhizheng.core.actor import SYSTEM
    from zhizheng.core.validators import id_number_make
    from zhizheng.govservices.services import catalogue as govservices_services
    from zhizheng.orgs import services as orgs_services
    from zhizheng.registries import services as registries_services

    orgs_services.divisions_load(actor=SYSTEM)
    orgs_services.departments_load(actor=SYSTEM)
    govservices_services.catalogue_load(actor=SYSTEM)
    certificates_services.certificate_types_load(actor=SYSTEM)
    records = [
        registries_services.ResidentRecord(
            id_number=id_number_make("990103", dt.date(1980, 1, 1) + dt.timedelta(days=37 * i), 2 * i),
            name=f"陈{'静敏芳娜丽艳娟霞'[i % 8]}{'一二三四五六七八九十'[i // 8 % 10]}",
            sex="female",
            birth_on=dt.date(1980, 1, 1) + dt.timedelta(days=37 * i),
            household_address="示范市西城区青山路8号3单元501室",
            district_code="990103",
        )
        for i in range(clients)
    ]
    registries_services.residents_import(actor=SYSTEM, records=records)
    accounts_services.people_create_many(
        actor=SYSTEM,
        people=[
            accounts_services.PersonSpec(
                username=f"bench-citizen-{i}",
                kind=User.Kind.CITIZEN,
                real_name=r.name,
                id_number=r.id_number,
                phone="13800138000",
                real_name_level=User.RealNameLevel.L2,
            )
            for i, r in enumerate(records)
        ],
    )
    (caseworker,) = accounts_services.staff_create_many(
        actor=SYSTEM, people=[accounts_services.StaffSpec(username="bench-caseworker", real_name="刘洋")]
    )
    orgs_services.memberships_grant_many(actor=SYSTEM, grants=[(caseworker.pk, DEPARTMENT, "caseworker")])
    citizens = []
    for i, record in enumerate(records):
        # 免提交: the ID card the government issued is attached with the applicant's consent, not uploaded.
        id_card = certificates_services.certificate_issue(
            actor=SYSTEM,
            certificate_type="CT-SFZ",
            holder=record.id_number,
            subject={
                "name": record.name,
                "id_number": record.id_number,
                "gender": "女",
                "ethnicity": "汉族",
                "birth_date": record.birth_on.isoformat(),
                "address": record.household_address,
                "issuing_authority": "示范市公安局西城分局",
                "valid_from": "2020-01-01",
                "valid_to": "2040-01-01",
            },
        )
        form = {
            "person": {"name": record.name, "id_number": record.id_number, "mobile": "13800138000"},
            "materials": {"m1": f"certificate:{id_card.serial}"},
            "delivery": "electronic",
            "remarks": "",
        }
        application = {"item": ITEM, "form": form, "certificate_consents": [id_card.serial]}
        citizens.append((_session_for(User.objects.get(username=f"bench-citizen-{i}")), application))
    return citizens, _session_for(caseworker)


# --- the server ---------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _server_start(port: int, workers: int, database_url: str, secret_key: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "DATABASE_URL": database_url, "SECRET_KEY": secret_key}
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "zhizheng.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            status, _body = _request(port, "GET", "/api/v1/health", None, {})
            if status in (200, 503):
                return server
        except OSError:
            time.sleep(0.2)
    _server_stop(server)
    raise RuntimeError("gunicorn did not answer within 60 s")


def _server_stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # the master stops its workers gracefully
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- the clients --------------------------------------------------------------------------------------------------


def _request(port: int, method: str, path: str, body: Any, headers: dict[str, str]) -> tuple[int, bytes]:
    """One request on a fresh loopback connection (gunicorn's sync workers close every connection)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, None if body is None else json.dumps(body), headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class Timings:
    steps: dict[str, list[float]] = field(default_factory=dict)

    def add(self, step: str, seconds: float) -> None:
        self.steps.setdefault(step, []).append(seconds)

    def merge(self, other: dict[str, list[float]]) -> None:
        for step, values in other.items():
            self.steps.setdefault(step, []).extend(values)


def _timed(
    timings: Timings | None, step: str, port: int, method: str, path: str, body: Any, session: Session, expect: int
) -> dict[str, Any]:
    started = time.perf_counter()
    status, content = _request(port, method, path, body, session.headers())
    elapsed = time.perf_counter() - started
    if status != expect:
        raise RuntimeError(f"{method} {path} answered {status}: {content[:300]!r}")
    if timings is not None:
        timings.add(step, elapsed)
    return json.loads(content) if content else {}


def _lifecycle(
    port: int, citizen: Session, application: dict[str, Any], caseworker: Session, timings: Timings | None
) -> None:
    base = "/api/v1/services/applications"
    submitted = _timed(timings, "submit", port, "POST", base, application, citizen, 201)
    receipt = submitted["receipt_number"]
    _timed(timings, "accept", port, "POST", f"{base}/{receipt}/accept", {}, caseworker, 200)
    approved = _timed(timings, "approve", port, "POST", f"{base}/{receipt}/approve", {}, caseworker, 200)
    if approved["status"] != "approved" or not approved["certificate"]:
        raise RuntimeError(f"{receipt} was not approved with a certificate: {approved}")


@dataclass(frozen=True)
class Work:
    """What one client process does: the baseline (``me``) or lifecycles, as one citizen (and the caseworker)."""

    kind: str
    port: int
    citizen: Session
    application: dict[str, Any]
    caseworker: Session


def _client(work: Work, remaining: Any, barrier: Any, deadline_after: float, results: Any) -> None:
    """One client process: wait for the others, then call until the shared budget or the time is spent; report
    the timings, the errors, how many calls it made and when it finished (``time.monotonic`` is system-wide)."""
    timings = Timings()
    errors: list[str] = []
    count = 0
    barrier.wait()
    deadline = time.monotonic() + deadline_after
    while time.monotonic() < deadline:
        with remaining.get_lock():
            if remaining.value <= 0:
                break
            remaining.value -= 1
        count += 1
        try:
            if work.kind == "me":
                _timed(timings, "me", work.port, "GET", "/api/v1/me", None, work.citizen, 200)
            else:
                _lifecycle(work.port, work.citizen, work.application, work.caseworker, timings)
        except Exception as error:  # noqa: BLE001 - counted and reported with the figures; the bench then fails
            errors.append(repr(error)[:300])
    results.put((timings.steps, errors, count, time.monotonic()))


def _run_clients(works: list[Work], budget: int, seconds: float) -> tuple[Timings, int, float, list[str]]:
    """One process per ``Work``, each calling until ``budget`` calls in all or ``seconds`` have passed; returns the
    timings, the calls made, the seconds from the common start to the last client's end, and the errors."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing of the fixtures' Django state
    remaining = context.Value("i", budget)
    barrier = context.Barrier(len(works) + 1)
    results = context.Queue()
    processes = [
        context.Process(target=_client, args=(work, remaining, barrier, seconds, results), daemon=True)
        for work in works
    ]
    for process in processes:
        process.start()
    barrier.wait(timeout=60)
    started = time.monotonic()
    timings, errors, count, finished = Timings(), [], 0, started
    for _ in processes:
        steps, more_errors, made, ended = results.get(timeout=seconds + 120)
        timings.merge(steps)
        errors += more_errors
        count += made
        finished = max(finished, ended)
    for process in processes:
        process.join(timeout=30)
    return timings, count, finished - started, errors


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] * 1000


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def run(database_url: str, *, clients: int, lifecycles: int, seconds: float, workers: int) -> None:
    secret_key = secrets.token_urlsafe(50)
    _configure(database_url, secret_key)
    citizens, caseworker = _fixtures(clients)
    from django.db import connections

    connections.close_all()  # the server owns the database from here on
    port = _free_port()
    load_before = _load()
    server = _server_start(port, workers, database_url, secret_key)
    try:
        for citizen, form in citizens:  # warm-up: every worker imports, builds forms, opens its connection
            _lifecycle(port, citizen, form, caseworker, None)

        def works(kind: str) -> list[Work]:
            return [Work(kind, port, citizen, form, caseworker) for citizen, form in citizens]

        before, count_before, seconds_before, errors = _run_clients(works("me"), lifecycles, seconds / 4)
        steps, done, elapsed, lifecycle_errors = _run_clients(works("lifecycle"), lifecycles, seconds)
        after, count_after, seconds_after, more_errors = _run_clients(works("me"), lifecycles, seconds / 4)
    finally:
        _server_stop(server)
    problems = errors + lifecycle_errors + more_errors
    for problem in problems[:5]:
        print("  error:", problem)

    print(
        f"  {os.cpu_count()} cores; {clients} client processes; gunicorn {workers} sync workers; "
        f"load average {load_before} before, {_load()} after"
    )
    for label, timings, count, spent in (
        ("before", before, count_before, seconds_before),
        ("after", after, count_after, seconds_after),
    ):
        print(f"  (baseline {label}: {count / spent:.1f} req/s, p50 {_percentile(timings.steps['me'], 0.5):.1f} ms)")
    me = before.steps["me"] + after.steps["me"]
    me_rate = (count_before + count_after) / (seconds_before + seconds_after)
    me_p50, me_p95 = _percentile(me, 0.5), _percentile(me, 0.95)
    rate = (done - len(lifecycle_errors)) / elapsed  # completed lifecycles only
    print(f"  {done} lifecycles in {elapsed:.1f} s, {len(lifecycle_errors)} failed")
    print(f"  baseline GET /api/v1/me      {me_rate:8.1f} req/s   p50 {me_p50:6.1f} ms   p95 {me_p95:6.1f} ms")
    print(
        f"  lifecycles (3 requests each) {rate:8.1f} /s      "
        f"= {3 * rate / me_rate:.2f} × baseline requests/s ({3 * rate:.1f} req/s)"
    )
    for step in ("submit", "accept", "approve"):
        values = steps.steps.get(step) or [float("nan")]
        p50, p95 = _percentile(values, 0.5), _percentile(values, 0.95)
        print(
            f"  {step:<8} p50 {p50:6.1f} ms ({p50 / me_p50:4.1f} × baseline)   "
            f"p95 {p95:6.1f} ms ({p95 / me_p95:4.1f} × baseline)   mean {statistics.fmean(values) * 1000:6.1f} ms"
        )
    if problems:
        raise SystemExit(f"{len(problems)} requests failed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--lifecycles", type=int, default=600, help="at most this many lifecycles (default 600)")
    parser.add_argument("--seconds", type=float, default=30.0, help="and at most this long (default 30 s)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    args = parser.parse_args()
    options = {"clients": args.clients, "lifecycles": args.lifecycles, "seconds": args.seconds, "workers": args.workers}
    server = os.environ.get("BENCH_DATABASE_URL", "")
    with tempfile.TemporaryDirectory() as folder:
        # The server's files (the filesystem broker's task queue above all) go with the bench, not into var/.
        os.environ["ZHIZHENG_VAR_DIR"] = folder
        (Path(folder) / "static").mkdir()
        if not server.startswith("postgres"):
            print("SQLite (temporary file)")
            run(f"sqlite:///{folder}/bench.sqlite3", **options)
            return
        import psycopg

        name = f"zz_bench_services_{os.getpid()}"
        base = urllib.parse.urlsplit(server)
        admin = urllib.parse.urlunsplit(base._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        try:
            print(f"PostgreSQL ({name})")
            run(urllib.parse.urlunsplit(base._replace(path=f"/{name}")), **options)
        finally:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
