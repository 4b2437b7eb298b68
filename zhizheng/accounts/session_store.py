"""Session engine backed by ``UserSession``: Django's database sessions plus owner, IP and browser."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DBStore


class SessionStore(DBStore):
    def __init__(self, session_key: str | None = None, *, ip_address: str | None = None, user_agent: str = "") -> None:
        super().__init__(session_key)
        self.ip_address = ip_address
        self.user_agent = user_agent[:256]

    @classmethod
    def get_model_class(cls) -> Any:
        from zhizheng.accounts.models import UserSession

        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        obj: Any = super().create_model_instance(data)
        user_id = data.get("_auth_user_id")
        obj.user_id = int(user_id) if user_id is not None else None
        if self.ip_address:
            obj.ip_address = self.ip_address
        if self.user_agent:
            obj.user_agent = self.user_agent
        return obj
