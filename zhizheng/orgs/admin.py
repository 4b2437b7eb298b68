"""Administration of divisions, departments and staff roles."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from zhizheng.core.masking import mask_name
from zhizheng.orgs.models import Department, Division, Membership


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    list_select_related = ("parent",)
    search_fields = ("code", "name")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "active")
    autocomplete_fields = ("user",)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "short_name", "name", "kind", "parent", "phone")
    list_filter = ("kind",)
    list_select_related = ("parent",)
    search_fields = ("code", "name", "short_name")
    inlines = (MembershipInline,)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("username", "masked_name", "department", "role", "active", "updated_at")
    list_filter = ("role", "active", "department")
    list_select_related = ("user", "department")
    search_fields = ("user__username", "department__code", "department__name")
    autocomplete_fields = ("user", "department")

    @admin.display(description=_("user name"), ordering="user__username")
    def username(self, obj: Membership) -> str:
        return obj.user.username

    @admin.display(description=_("real name"))
    def masked_name(self, obj: Membership) -> str:
        return mask_name(getattr(obj.user, "real_name", ""))
