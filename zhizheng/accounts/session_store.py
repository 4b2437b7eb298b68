"""Session engine backed by ``UserSession``: Django's database sessions plus owner, IP, browser and last-seen time.

Django's database engine rewrites every column on each save, which would blank the sign-in time and the client
details of sessions loaded on later requests. This engine inserts all columns once and afterwards updates only
the session data, expiry, owner, last-seen time and (when known) the client details.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.db import router
from django.utils import timezone

USER_AGENT_MAX_LENGTH = 256


class SessionStore(DBStore):
    def __init__(self, session_key: str | None = None, *, ip_address: str | None = None, user_agent: str = "") -> None:
        super().__init__(session_key)
        self.ip_address = ip_address
        self.user_agent = user_agent[:USER_AGENT_MAX_LENGTH]

    @classmethod
    def get_model_class(cls) -> Any:
        from zhizheng.accounts.models import UserSession

        return UserSession

    def set_client(self, *, ip_address: str | None, user_agent: str) -> None:
        """Remember where the request came from; saved with the session."""
        self.ip_address = ip_address or None
        self.user_agent = (user_agent or "")[:USER_AGENT_MAX_LENGTH]

    @staticmethod
    def _owner_id(data: dict[str, Any]) -> int | None:
        user_id = data.get("_auth_user_id")
        try:
            return int(user_id) if user_id is not None else None
        except (TypeError, ValueError):
            return None

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        obj: Any = super().create_model_instance(data)
        obj.user_id = self._owner_id(data)
        obj.ip_address = self.ip_address
        obj.user_agent = self.user_agent
        obj.last_seen_at = timezone.now()
        return obj

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            self.create()
            return
        if must_create:
            super().save(must_create=True)
            return
        data: dict[str, Any] = self._get_session(no_load=False)  # type: ignore[attr-defined]
        values: dict[str, Any] = {
            "session_data": self.encode(data),
            "expire_date": self.get_expiry_date(),
            "user_id": self._owner_id(data),
            "last_seen_at": timezone.now(),
        }
        if self.ip_address:
            values["ip_address"] = self.ip_address
        if self.user_agent:
            values["user_agent"] = self.user_agent
        using = router.db_for_write(self.model)
        if not self.model.objects.using(using).filter(session_key=self.session_key).update(**values):
            raise UpdateError
