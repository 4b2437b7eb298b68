"""Fixtures of the catalogue tests: the real reference catalogue loaded through the services.

Loading takes about a second, so each test module loads it once inside an outer transaction (as Django's
``setUpTestData`` does); every test runs in a savepoint within it, and the module's end rolls everything back.
Tests here must therefore not use ``transaction=True``. The search index needs no reset between tests: it is
keyed by the catalogue revision token, which a rolled-back test leaves behind, so the next search rebuilds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction

from zhizheng.core.actor import SYSTEM
from zhizheng.govservices.services import catalogue as services
from zhizheng.orgs import services as orgs_services


@pytest.fixture(autouse=True)
def _search_checks_the_revision_every_time(settings):
    settings.GOVSERVICES_SEARCH_CHECK_SECONDS = 0


@pytest.fixture(scope="module")
def _module_catalogue(django_db_setup, django_db_blocker) -> Iterator[services.LoadResult]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            orgs_services.divisions_load(actor=SYSTEM)
            orgs_services.departments_load(actor=SYSTEM)
            yield services.catalogue_load(actor=SYSTEM)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def catalogue(_module_catalogue: services.LoadResult, db: None) -> services.LoadResult:
    """Divisions, departments and the 160-item catalogue with its themes and 12 life events (as first loaded)."""
    return _module_catalogue
