"""Issuing reads the holders through the registries' logged selector: one check and one access-log statement per
batch, with its purpose; an actor who may not issue is refused by the certificates' own rule before any read."""

from __future__ import annotations

import pytest

from zhizheng.certificates import services
from zhizheng.certificates.tests.conftest import World, id_card_data, staff_actor
from zhizheng.core.actor import SYSTEM
from zhizheng.core.errors import PermissionDenied
from zhizheng.registries.models import RegistryAccess
from zhizheng.registries.tests import factories as registry_factories

pytestmark = pytest.mark.django_db


def test_a_batch_logs_each_resident_read_once_with_its_purpose(world: World) -> None:
    others = [registry_factories.resident(name=name) for name in ("王芳", "李强")]
    residents = [world.resident, *others]
    requests = [services.IssueRequest("CT-SFZ", r.id_number, id_card_data(r)) for r in residents] + [
        services.IssueRequest("CT-YYZZ", world.enterprise.uscc, {"uscc": world.enterprise.uscc, "name": "青山"})
    ]

    issued = services.certificates_issue_many(actor=staff_actor(world.gaj, "caseworker"), requests=requests[:3])
    issued += services.certificates_issue_many(actor=SYSTEM, requests=requests[3:])

    assert len(issued) == 4
    rows = list(RegistryAccess.objects.order_by("subject_id").values_list("purpose", "via", "outcome", "subject_id"))
    assert rows == [("service_handling", "batch", "granted", r.pk) for r in sorted(residents, key=lambda r: r.pk)]
    assert {c.holder_resident_id for c in issued[:3]} == {r.pk for r in residents}
    assert issued[3].holder_legal_person_id == world.enterprise.pk


def test_an_actor_who_may_not_issue_is_refused_before_anything_is_read(world: World) -> None:
    market = staff_actor(world.scjgj, "caseworker")  # a case role, but not in the department issuing ID cards

    with pytest.raises(PermissionDenied) as caught:
        services.certificate_issue(
            actor=market,
            certificate_type="CT-SFZ",
            holder=world.resident.id_number,
            subject=id_card_data(world.resident),
        )

    assert caught.value.instance_code == "core.permission_denied"
    assert RegistryAccess.objects.count() == 0
