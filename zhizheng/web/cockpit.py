"""What the leaders' cockpit shows: figures computed now from the registries, the departments and the ledger.

Reads go through the lower apps' selectors with the leader's own actor; a source the leader may not read is left
out rather than faked. Residents and legal persons are counted per district of this installation's city.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhizheng.core import errors
from zhizheng.core.actor import Actor
from zhizheng.ledger import selectors as ledger_selectors
from zhizheng.orgs import selectors as orgs_selectors
from zhizheng.registries import selectors as registries_selectors
from zhizheng.registries.choices import Purpose


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: list[int]


@dataclass(frozen=True, slots=True)
class Chart:
    """A bar chart and the table that says the same for screen readers."""

    key: str
    title: str | Promise
    caption: str | Promise
    category_label: str | Promise
    unit: str | Promise
    categories: list[str]
    series: list[Series]
    empty_text: str | Promise = ""

    @property
    def data_id(self) -> str:
        return f"{self.key}-data"

    @property
    def has_data(self) -> bool:
        return any(value for s in self.series for value in s.values)

    @property
    def rows(self) -> list[tuple[str, list[int]]]:
        return [(c, [s.values[i] for s in self.series]) for i, c in enumerate(self.categories)]

    def as_json(self) -> dict[str, object]:
        return {
            "categories": self.categories,
            "unit": str(self.unit),
            "series": [{"name": s.name, "values": s.values} for s in self.series],
        }


@dataclass(frozen=True, slots=True)
class Kpi:
    label: str | Promise
    value: int


@dataclass(slots=True)
class Overview:
    generated_at: datetime
    kpis: list[Kpi] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


def city_districts() -> list[tuple[str, str]]:
    """``(code, name)`` of the districts and counties of this installation's city, by code.

    The city is the prefecture-level code among ``ZHIZHENG_LOCAL_DIVISION_CODES``; its children come from the
    divisions table when loaded, else from the setting itself.
    """
    local: dict[str, str] = dict(getattr(settings, "ZHIZHENG_LOCAL_DIVISION_CODES", {}))
    cities = sorted(code for code in local if code.endswith("00") and not code.endswith("0000"))
    if not cities:
        return []
    city = cities[0]
    loaded = [(d.code, d.name) for d in orgs_selectors.division_list(parent_code=city)]
    if loaded:
        return loaded
    return sorted((code, name) for code, name in local.items() if code[:4] == city[:4] and code != city)


def _registry_counts(actor: Actor, districts: list[tuple[str, str]]) -> tuple[list[int], list[int]] | None:
    residents: list[int] = []
    legal_persons: list[int] = []
    try:
        for code, _name in districts:
            resident_count, _residents = registries_selectors.resident_list(
                actor=actor, purpose=Purpose.STATISTICS, district_code=code, limit=0
            )
            residents.append(resident_count)
            legal_person_count, _legal_persons = registries_selectors.legal_person_list(
                actor=actor, purpose=Purpose.STATISTICS, district_code=code, limit=0
            )
            legal_persons.append(legal_person_count)
    except errors.PermissionDenied:
        return None
    return residents, legal_persons


def cockpit_overview(*, actor: Actor) -> Overview:
    """The cockpit's figures for ``actor`` (a leader or an administrator), computed at request time."""
    overview = Overview(generated_at=timezone.now())
    districts = city_districts()
    counts = _registry_counts(actor, districts) if districts else None
    if counts is not None:
        residents, legal_persons = counts
        overview.kpis.append(Kpi(label=_("Registered residents"), value=sum(residents)))
        overview.kpis.append(Kpi(label=_("Legal persons"), value=sum(legal_persons)))
        overview.charts.append(
            Chart(
                key="zz-chart-districts",
                title=_("Residents and legal persons by district"),
                caption=_("Counted in the population and legal-person registries."),
                category_label=_("District"),
                unit=_("count"),
                categories=[name for _code, name in districts],
                series=[
                    Series(name=str(_("Residents")), values=residents),
                    Series(name=str(_("Legal persons")), values=legal_persons),
                ],
                empty_text=_("The registries hold no records yet."),
            )
        )
    overview.kpis.append(Kpi(label=_("Departments"), value=orgs_selectors.department_list().count()))
    overview.kpis.append(Kpi(label=_("Acts in the transparency ledger"), value=ledger_selectors.tree_size()))
    return overview
