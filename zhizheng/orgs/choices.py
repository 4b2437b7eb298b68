"""Choices of the ``orgs`` app: division levels, department kinds and staff roles."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DivisionLevel(models.TextChoices):
    """The level of an administrative division in the GB/T 2260 hierarchy."""

    PROVINCE = "province", _("Province")
    CITY = "city", _("Prefecture-level city")
    DISTRICT = "district", _("District")
    COUNTY = "county", _("County")


class DepartmentKind(models.TextChoices):
    """What sort of body a department is (机构类型)."""

    OFFICE = "office", _("General office")
    COMMISSION = "commission", _("Commission")
    BUREAU = "bureau", _("Bureau")
    CENTER = "center", _("Centre")
    VERTICAL_AGENCY = "vertical_agency", _("Vertically managed agency")
    DETACHMENT = "detachment", _("Fire and rescue detachment")
    PEOPLE_ORGANIZATION = "people_organization", _("People's organisation")


class Role(models.TextChoices):
    """A staff member's role in one department. Policies check ``(department_code, role)`` pairs on the Actor."""

    CASEWORKER = "caseworker", _("Caseworker")
    SECTION_CHIEF = "section_chief", _("Section chief")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    WINDOW_OFFICER = "window_officer", _("Service-hall window officer")
    HOTLINE_OPERATOR = "hotline_operator", _("Hotline operator")
    DISPATCHER = "dispatcher", _("Dispatcher")
    INSPECTOR = "inspector", _("Inspector")
    DATA_OFFICER = "data_officer", _("Data officer")
    AUDITOR = "auditor", _("Auditor")
    LEADER = "leader", _("Leader")
    ADMINISTRATOR = "administrator", _("Administrator")
