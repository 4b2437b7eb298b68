"""Third-party applications (政府即平台): registration by signed-in people, a key shown once and hashed at rest,
revocation by the owner only, and the owner's usage statistics per day and per resource."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from zhizheng.accounts.models import ApiToken
from zhizheng.core.actor import ANONYMOUS
from zhizheng.core.errors import NotFound, PermissionDenied
from zhizheng.datahub import selectors, services
from zhizheng.datahub.errors import AppAlreadyRevoked, AppInvalid, AppKeyInvalid
from zhizheng.datahub.models import AppUsage, OpenApp


def test_registering_an_app_gives_a_key_once_hashed_at_rest(hub):
    app, key = services.app_register(
        actor=hub.citizen.actor, name=" 公交查询 ", description="查询公交线路", url="https://bus.example.cn"
    )
    assert app.name == "公交查询"
    assert app.owner == hub.citizen.user
    assert app.rate_limit == 120
    token = ApiToken.objects.get(pk=app.token_id)
    assert key.startswith(f"zz_{token.prefix}_")
    assert token.secret_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(list(ApiToken.objects.values()))
    assert token.scopes == ["datahub.open"]
    assert services.app_authenticate(key=key) == app


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"url": "ftp://x"}, "url"),
        ({"description": "长" * 2001}, "description"),
    ],
)
def test_an_incomplete_app_is_refused_and_nothing_is_written(hub, fields, field):
    with pytest.raises(AppInvalid) as raised:
        services.app_register(actor=hub.citizen.actor, **{"name": "应用", **fields})
    assert list(raised.value.field_errors) == [field]
    assert OpenApp.objects.count() == 0
    assert ApiToken.objects.count() == 0


def test_visitors_cannot_register(hub):
    with pytest.raises(PermissionDenied):
        services.app_register(actor=ANONYMOUS, name="匿名应用")
    assert OpenApp.objects.count() == 0


@pytest.mark.parametrize("who", ["owner", "other", "staff"])
def test_only_the_owner_revokes_and_sees_an_app(hub, who):
    app, key = services.app_register(actor=hub.citizen.actor, name="应用")
    actor = {"owner": hub.citizen, "other": hub.civil_caseworker, "staff": hub.reviewer}[who].actor
    if who == "owner":
        revoked = services.app_revoke(actor=actor, app=app)
        assert revoked.revoked_at is not None
        assert ApiToken.objects.get(pk=app.token_id).revoked_at is not None
        with pytest.raises(AppKeyInvalid):
            services.app_authenticate(key=key)
        with pytest.raises(AppAlreadyRevoked):
            services.app_revoke(actor=actor, app=app)
        assert selectors.app_get(actor=actor, pk=app.pk) == app
    else:
        with pytest.raises(PermissionDenied):
            services.app_revoke(actor=actor, app=app)
        with pytest.raises(NotFound):
            selectors.app_get(actor=actor, pk=app.pk)
        assert OpenApp.objects.get(pk=app.pk).revoked_at is None
        assert services.app_authenticate(key=key) == app


def test_statistics_count_calls_per_day_and_per_resource(hub):
    app, _key = services.app_register(actor=hub.citizen.actor, name="应用")
    for code in ("10301/000001", "10301/000001", "", "10401/000001"):
        services.usage_record(app=app, resource_code=code)
    today = timezone.localdate()
    AppUsage.objects.create(app=app, used_on=today - dt.timedelta(days=2), resource_code="10401/000001", calls=5)
    AppUsage.objects.create(app=app, used_on=today - dt.timedelta(days=40), resource_code="10401/000001", calls=9)
    statistics = selectors.app_statistics(actor=hub.citizen.actor, app=app, days=7)
    assert statistics.total == 9
    assert statistics.per_day[-1] == (today, 4)
    assert statistics.per_day[-3] == (today - dt.timedelta(days=2), 5)
    assert len(statistics.per_day) == 7
    assert statistics.per_resource == [("10401/000001", 6), ("10301/000001", 2), ("", 1)]
    with pytest.raises(NotFound):
        selectors.app_statistics(actor=hub.civil_caseworker.actor, app=app)


def test_the_apps_pages(client, hub):
    assert client.get("/data/apps/").status_code == 302  # visitors sign in first
    client.force_login(hub.citizen.user)
    bad = client.post("/data/apps/", {"name": ""})
    assert bad.status_code == 422
    assert OpenApp.objects.count() == 0
    created = client.post("/data/apps/", {"name": "公交查询", "url": "https://bus.example.cn"})
    app = OpenApp.objects.get()
    text = created.content.decode()
    assert created.status_code == 200
    assert f'value="zz_{app.token.prefix}_' in text
    listing = client.get("/data/apps/").content.decode()
    assert "公交查询" in listing
    assert f"zz_{app.token.prefix}_…" in listing
    assert f'value="zz_{app.token.prefix}_' not in listing  # the key is never shown again
    services.usage_record(app=app, resource_code="10301/000001")
    detail = client.get(f"/data/apps/{app.pk}/").content.decode()
    assert "10301/000001" in detail
    revoked = client.post(f"/data/apps/{app.pk}/revoke/")
    assert revoked.status_code == 302
    assert OpenApp.objects.get().revoked_at is not None
    assert client.post(f"/data/apps/{app.pk}/revoke/").status_code == 409
    client.force_login(hub.civil_caseworker.user)
    assert client.get(f"/data/apps/{app.pk}/").status_code == 404
    assert client.post(f"/data/apps/{app.pk}/revoke/").status_code == 404
