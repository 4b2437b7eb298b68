"""Choices of the base registries."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class MaritalStatus(models.TextChoices):
    UNMARRIED = "unmarried", _("Unmarried")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced")
    WIDOWED = "widowed", _("Widowed")


class ResidentStatus(models.TextChoices):
    ALIVE = "alive", _("Alive")
    DECEASED = "deceased", _("Deceased")


class LegalPersonType(models.TextChoices):
    """The kind of legal person, after the second character of the 统一社会信用代码 for enterprises (9x)."""

    LIMITED_COMPANY = "limited_company", _("Limited liability company")
    JOINT_STOCK_COMPANY = "joint_stock_company", _("Joint-stock company")
    SOLE_PROPRIETORSHIP = "sole_proprietorship", _("Sole proprietorship enterprise")
    PARTNERSHIP = "partnership", _("Partnership")
    INDIVIDUAL_BUSINESS = "individual_business", _("Individual business")
    COOPERATIVE = "cooperative", _("Farmers' specialised cooperative")


class LegalPersonStatus(models.TextChoices):
    ACTIVE = "active", _("In business")
    SUSPENDED = "suspended", _("Business suspended")
    REVOKED = "revoked", _("Licence revoked")
    DEREGISTERED = "deregistered", _("Deregistered")


class Purpose(models.TextChoices):
    """Why someone reads a registry. Every read states one; unmasked personal data needs a purpose that justifies it."""

    IDENTITY_VERIFICATION = "identity_verification", _("Identity verification")
    SERVICE_HANDLING = "service_handling", _("Handling an application or event")
    STATISTICS = "statistics", _("Statistics")
    AUDIT = "audit", _("Audit")
    PUBLIC_DISCLOSURE = "public_disclosure", _("Public disclosure")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    DATA_SHARING = "data_sharing", _("Data sharing between departments")


class HouseholdRelation(models.TextChoices):
    """A member's relation to the head of the household (与户主关系), as printed in the household register."""

    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    GRANDPARENT = "grandparent", _("Grandparent")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other relative")


class AccessOutcome(models.TextChoices):
    GRANTED = "granted", _("Granted")
    DENIED = "denied", _("Denied")


class SpatialLevel(models.TextChoices):
    DISTRICT = "district", _("District or county")
    STREET = "street", _("Street or town")
    GRID = "grid", _("Grid")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
