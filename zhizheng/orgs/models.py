"""Administrative divisions (GB/T 2260 codes), government departments and staff memberships with roles."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhizheng.core.models import TimeStampedModel
from zhizheng.orgs.choices import DepartmentKind, DivisionLevel, Role


class Division(models.Model):
    """An administrative division identified by its six-digit GB/T 2260 code, with its parent division."""

    code = models.CharField(_("division code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=DivisionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent division"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("administrative division")
        verbose_name_plural = _("administrative divisions")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Department(models.Model):
    """A government department (委办局) or a unit under one (``parent``), known by a short stable code."""

    code = models.CharField(_("department code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=64)
    short_name = models.CharField(_("short name"), max_length=32)
    kind = models.CharField(_("kind"), max_length=32, choices=DepartmentKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    division = models.ForeignKey(
        Division,
        verbose_name=_("administrative division"),
        on_delete=models.PROTECT,
        related_name="departments",
    )
    phone = models.CharField(_("public phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.short_name or self.name


class Membership(TimeStampedModel):
    """A staff member holds ``role`` in ``department``. Only active memberships grant the role."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["department__code", "role", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "department", "role"], name="orgs_membership_unique_role"),
        ]
        indexes = [models.Index(fields=["user", "active"], name="orgs_membership_user_active")]

    def __str__(self) -> str:
        return f"{self.user} · {self.department.code} · {self.get_role_display()}"
