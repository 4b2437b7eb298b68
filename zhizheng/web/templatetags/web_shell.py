"""Template tags of the shell: navigation per face and the faces a person may switch to."""

from __future__ import annotations

from typing import Any

from django import template

from zhizheng.core.actor import ANONYMOUS, actor_of
from zhizheng.web.error_pages import ErrorText
from zhizheng.web.error_pages import error_texts as _error_texts
from zhizheng.web.navigation import NavLink, nav_links
from zhizheng.web.navigation import face_links as _face_links

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_items(context: dict[str, Any], face: str) -> list[NavLink]:
    """``{% nav_items "portal" as items %}``: the face's links whose pages exist."""
    request = context.get("request")
    return nav_links(face, path=request.path if request is not None else "")


@register.simple_tag(takes_context=True)
def face_links(context: dict[str, Any]) -> list[NavLink]:
    """``{% face_links as faces %}``: the faces the signed-in person may open."""
    request = context.get("request")
    actor = actor_of(request) if request is not None else ANONYMOUS
    return _face_links(actor)


@register.simple_tag
def error_texts(key: str) -> list[ErrorText]:
    """``{% error_texts "404" as texts %}``: the error page's texts, the active language first."""
    return _error_texts(key)
