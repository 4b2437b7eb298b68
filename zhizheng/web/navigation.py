"""What each face links to. An entry appears only once the app that serves it is installed and routed.

Entries name URL patterns by convention (``<app>:<name>``); when an app adds its pages under that name, the link
shows up in the navigation without touching templates. Until then the link is absent rather than a dead end.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhizheng.core.actor import Actor
from zhizheng.web.permissions import can_use_cockpit, can_use_workbench


@dataclass(frozen=True, slots=True)
class NavEntry:
    """A link in a face's navigation: a URL name and its translated label."""

    url_name: str
    label: str | Promise
    description: str | Promise = ""
    exact: bool = False
    signed_in: bool | None = None
    """Show only to signed-in people (True), only to visitors (False), or to everyone (None)."""


FACES: dict[str, tuple[NavEntry, ...]] = {
    "portal": (
        NavEntry("govservices:index", _("Services"), _("Find a service and apply online.")),
        NavEntry("govservices:my_applications", _("My applications"), _("Track the applications you submitted.")),
        NavEntry("certificates:wallet", _("My certificates"), _("Your electronic certificates and licences.")),
        NavEntry("cityevents:report", _("Report a problem"), _("Report a problem in the city with a photo.")),
        NavEntry("participation:index", _("Take part"), _("Consultations, proposals and votes.")),
        NavEntry("datahub:index", _("Open data"), _("Datasets the government publishes.")),
        NavEntry(
            "ledger:index",
            _("Transparency ledger"),
            _("Every official act, signed and verifiable by anyone."),
        ),
    ),
    "workbench": (
        NavEntry("web:workbench", _("Workbench"), _("Your departments and roles."), exact=True),
        NavEntry("govservices:queue", _("To-do: applications"), _("Applications waiting for your department.")),
        NavEntry("cityevents:queue", _("To-do: city events"), _("Events dispatched to your department.")),
        NavEntry("govservices:supervision", _("Supervision"), _("Deadlines at risk and overdue work.")),
        NavEntry(
            "certificates:staff_index",
            _("Certificates"),
            _("Issue certificates by hand and revoke them, for your department."),
        ),
        NavEntry(
            "registries:index",
            _("Base registries"),
            _("Births, marriages, moves and legal persons; look-ups and the access log."),
        ),
        NavEntry(
            "datahub:catalogue",
            _("Data sharing"),
            _("The government information resource catalogue, sharing requests and grants."),
        ),
    ),
    "cockpit": (
        NavEntry("web:cockpit", _("City operations"), _("The state of the city today."), exact=True),
        NavEntry("cityevents:operations", _("City events"), _("Cases, deadlines, hotspots and the map.")),
        NavEntry("insights:services", _("Service statistics"), _("Applications, deadlines and ratings.")),
        NavEntry("insights:evaluation", _("Evaluation index"), _("How departments perform.")),
    ),
}


THEMES: dict[str, tuple[NavEntry, ...]] = {
    # What the portal home offers each audience; entries whose pages do not exist yet are left out.
    "individual": (
        NavEntry("govservices:index", _("Services"), _("Find a service and apply online.")),
        NavEntry("govservices:my_applications", _("My applications"), _("Track the applications you submitted.")),
        NavEntry("certificates:wallet", _("My certificates"), _("Your electronic certificates and licences.")),
        NavEntry("cityevents:report", _("Report a problem"), _("Report a problem in the city with a photo.")),
        NavEntry("participation:index", _("Take part"), _("Consultations, proposals and votes.")),
        NavEntry(
            "accounts:signup",
            _("Create an account"),
            _("Sign up to apply for services and track them."),
            signed_in=False,
        ),
        NavEntry(
            "accounts:sessions",
            _("My sessions"),
            _("See where you are signed in and sign out elsewhere."),
            signed_in=True,
        ),
    ),
    "business": (
        NavEntry("govservices:business", _("Services for businesses"), _("Licences, permits and filings.")),
        NavEntry("datahub:index", _("Open data"), _("Datasets the government publishes.")),
        NavEntry(
            "api-v1:openapi-view",
            _("API for developers"),
            _("The documented JSON API (OpenAPI) for connecting your systems."),
        ),
        NavEntry(
            "ledger:index",
            _("Transparency ledger"),
            _("Every official act, signed and verifiable by anyone."),
        ),
    ),
}


@dataclass(frozen=True, slots=True)
class NavLink:
    """A resolved navigation entry, ready for a template."""

    url: str
    label: str | Promise
    description: str | Promise
    active: bool


def nav_links(face: str, *, path: str = "") -> list[NavLink]:
    """The links of ``face`` whose pages exist, marking the one ``path`` is on as active."""
    return _resolve(FACES.get(face, ()), path=path)


def theme_links(theme: str, *, signed_in: bool) -> list[NavLink]:
    """The portal home's links for an audience (``individual`` or ``business``) whose pages exist."""
    entries = tuple(e for e in THEMES.get(theme, ()) if e.signed_in is None or e.signed_in == signed_in)
    return _resolve(entries, path="")


def _resolve(entries: tuple[NavEntry, ...], *, path: str) -> list[NavLink]:
    links: list[NavLink] = []
    for entry in entries:
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        active = bool(path) and (path == url if entry.exact or url == "/" else path.startswith(url))
        links.append(NavLink(url=url, label=entry.label, description=entry.description, active=active))
    return links


def face_links(actor: Actor) -> list[NavLink]:
    """The faces ``actor`` may use, for the user menu: the portal for everyone, the others by role."""
    links = [NavLink(url=reverse("web:portal"), label=_("Public service portal"), description="", active=False)]
    if can_use_workbench(actor):
        links.append(NavLink(url=reverse("web:workbench"), label=_("Workbench"), description="", active=False))
    if can_use_cockpit(actor):
        links.append(NavLink(url=reverse("web:cockpit"), label=_("Cockpit"), description="", active=False))
    return links


def portal_search(query: str) -> list[NavLink]:
    """Portal sections whose name or description contains ``query``, in Chinese or English (case-insensitive).

    The portal's own pages are few; once service items exist, their search takes over this box.
    """
    needle = query.strip().casefold()
    if not needle:
        return []
    seen: set[str] = set()
    candidates: list[NavEntry] = []
    for entry in (*FACES["portal"], *THEMES["individual"], *THEMES["business"]):
        if entry.url_name not in seen:
            seen.add(entry.url_name)
            candidates.append(entry)
    matching: list[NavEntry] = []
    for entry in candidates:
        texts: list[str] = []
        for language in ("zh-hans", "en"):
            with translation.override(language):
                texts.extend((str(entry.label).casefold(), str(entry.description).casefold()))
        if any(needle in text for text in texts):
            matching.append(entry)
    return _resolve(tuple(matching), path="")
