"""Electronic certificates: issue-and-sign, verify, PDF renders and status-list checks per second, each also as a
ratio to raw Ed25519 sign/verify of the same run.

    .venv/bin/python bench/certificates.py                 (or `make bench`)
    .venv/bin/python bench/certificates.py --issue 5000    (more certificates)

Runs against a fresh SQLite file in a temporary directory (test settings, real migrations). What is measured:

* issue-and-sign: ``certificates_issue_many`` in batches of 500 — validation, status-list slots, credential,
  eddsa-jcs-2022 proof, bulk insert and the ledger append, committed;
* issue one at a time: ``certificate_issue``, each its own transaction (the path of an approved application);
* verify: ``selectors.verify_credential`` — structure, key (from the database), signature, status list credential
  (built and signed afresh, then its proof checked) and validity; plus the pure signature check alone;
* status-list checks: decoding an ``encodedList`` and reading one bit (what a verifier does per credential once it
  has the list);
* PDF: ``pdf.certificate_pdf`` with an embedded font subset and a QR code, from the full font and from the
  GB 2312 copy (``manage.py certificate_fonts``; the bench prepares them once if missing).

The baselines sign and verify 64-byte messages (the eddsa-jcs-2022 hash data) with ``cryptography``'s Ed25519.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

from _timing import rate, ratio

ROOT = Path(__file__).resolve().parent.parent


def _configure(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhizheng.settings.test"
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--issue", type=int, default=3000, help="certificates issued in batches (default 3000)")
    parser.add_argument("--seconds", type=float, default=1.5, help="seconds per rate measurement (default 1.5)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zz-bench-certificates-") as folder:
        _configure(f"sqlite:///{folder}/bench.sqlite3")
        run(args.issue, args.seconds)


def run(issue_count: int, seconds: float) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from zhizheng.certificates import dataintegrity, pdf, selectors, services, statuslist
    from zhizheng.certificates.models import Certificate
    from zhizheng.core.actor import SYSTEM
    from zhizheng.core.validators import id_number_make
    from zhizheng.orgs import services as orgs_services
    from zhizheng.registries.models import Resident

    orgs_services.divisions_load(actor=SYSTEM)
    orgs_services.departments_load(actor=SYSTEM)
    services.certificate_types_load(actor=SYSTEM)
    born = dt.date(1980, 1, 1)
    residents = [
        Resident(
            id_number=id_number_make("990102", born + dt.timedelta(days=i // 400), i % 400 * 2 + 1),
            name=f"测试{i}",
            sex="male",
            birth_on=born + dt.timedelta(days=i // 400),
            household_address=f"示范市东城区人民路{i}号",
            district_code="990102",
        )
        for i in range(issue_count + 400)
    ]
    Resident.objects.bulk_create(residents)

    def subject(resident: Resident) -> dict[str, str]:
        return {
            "name": resident.name,
            "gender": "男",
            "ethnicity": "汉",
            "birth_date": resident.birth_on.isoformat(),
            "address": resident.household_address,
            "id_number": resident.id_number,
            "issuing_authority": "示范市公安局东城分局",
            "valid_from": "2026-01-01",
            "valid_to": "2036-01-01",
        }

    # --- baselines
    key = Ed25519PrivateKey.generate()
    message = bytes(64)
    signature = key.sign(message)
    public = key.public_key()
    sign_rate = rate(lambda: key.sign(message), seconds)
    verify_rate = rate(lambda: public.verify(signature, message), seconds)

    # --- issue and sign, in batches
    batch = 500
    start = time.perf_counter()
    for offset in range(0, issue_count, batch):
        chunk = residents[offset : min(offset + batch, issue_count)]
        requests = [services.IssueRequest("CT-SFZ", r.id_number, subject(r)) for r in chunk]
        services.certificates_issue_many(actor=SYSTEM, requests=requests)
    issue_batch_rate = issue_count / (time.perf_counter() - start)

    # --- issue one at a time (each its own transaction)
    singles = residents[issue_count : issue_count + 400]
    position = iter(range(len(singles)))

    def issue_one() -> None:
        resident = singles[next(position) % len(singles)]
        services.certificate_issue(
            actor=SYSTEM, certificate_type="CT-SFZ", holder=resident.id_number, subject=subject(resident)
        )

    issue_single_rate = rate(issue_one, min(seconds, 1.0))

    credentials = list(Certificate.objects.order_by("?").values_list("credential", flat=True)[:200])
    cycle = iter(range(10**9))

    def verify_full() -> None:
        document = credentials[next(cycle) % len(credentials)]
        assert selectors.verify_credential(document).valid

    verify_full_rate = rate(verify_full, seconds)
    public_key = selectors.multikey_document(code="GAJ", number=1)["publicKeyMultibase"]

    def verify_signature() -> None:
        assert dataintegrity.verify_proof(credentials[next(cycle) % len(credentials)], public_key)

    verify_signature_rate = rate(verify_signature, seconds)

    encoded = selectors.status_list_credential(code="GAJ", number=1)["credentialSubject"]["encodedList"]
    status_rate = rate(lambda: statuslist.get_bit(statuslist.decode(encoded), next(cycle) % 131_072), seconds)
    bits = statuslist.decode(encoded)
    bit_rate = rate(lambda: statuslist.get_bit(bits, next(cycle) % 131_072), seconds)

    certificate = Certificate.objects.select_related("type", "issuing_department").first()
    assert certificate is not None
    from django.conf import settings

    full_cache = settings.CERTIFICATES_FONT_CACHE
    settings.CERTIFICATES_FONT_CACHE = "/nonexistent"  # no reduced copies: the full fonts
    pdf_full_rate = rate(lambda: pdf.certificate_pdf(certificate), max(seconds, 2.0))
    settings.CERTIFICATES_FONT_CACHE = full_cache
    started = time.perf_counter()
    pdf.fonts_prepare()  # once per installation (manage.py certificate_fonts); instant when already there
    prepare_seconds = time.perf_counter() - started
    pdf_rate = rate(lambda: pdf.certificate_pdf(certificate), max(seconds, 2.0))
    pdf_size = len(pdf.certificate_pdf(certificate))

    rows = [
        ("Ed25519 sign, 64 bytes (baseline)", sign_rate, sign_rate),
        ("Ed25519 verify, 64 bytes (baseline)", verify_rate, verify_rate),
        (f"issue and sign, batches of {batch}", issue_batch_rate, sign_rate),
        ("issue and sign, one per transaction", issue_single_rate, sign_rate),
        ("verify credential (all five checks)", verify_full_rate, verify_rate),
        ("verify signature only (JCS + Ed25519)", verify_signature_rate, verify_rate),
        ("status list: decode encodedList + read bit", status_rate, verify_rate),
        ("status list: read bit of a decoded list", bit_rate, verify_rate),
        ("PDF render from the full font", pdf_full_rate, sign_rate),
        (f"PDF render from the GB 2312 font ({pdf_size // 1024} KiB)", pdf_rate, sign_rate),
    ]
    print(f"certificates benchmark: {issue_count} issued in batches, SQLite, one process")
    print(f"{'operation':<48} {'per second':>12} {'ratio to baseline':>18}")
    for name, measured, baseline in rows:
        print(f"{name:<48} {measured:>12,.1f} {ratio(measured, baseline):>18.5f}")
    print(f"(GB 2312 font copy prepared in {prepare_seconds:.1f} s, once, into {settings.CERTIFICATES_FONT_CACHE})")


if __name__ == "__main__":
    main()
