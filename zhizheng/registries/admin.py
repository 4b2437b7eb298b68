"""Administration of the base registries. Lists show masked personal data only; searching needs the exact number."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhizheng.core.masking import mask_address, mask_id_number, mask_name
from zhizheng.registries.models import LegalPerson, RegistryAccess, Resident


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    list_display = ("masked_id_number", "masked_name", "sex", "birth_year", "district_code", "masked_address", "status")
    list_filter = ("status", "sex", "district_code", "marital_status")
    search_fields = ("=id_number",)
    show_full_result_count = False

    @admin.display(description=_("citizen ID number"))
    def masked_id_number(self, obj: Resident) -> str:
        return mask_id_number(obj.id_number)

    @admin.display(description=_("full name"))
    def masked_name(self, obj: Resident) -> str:
        return mask_name(obj.name)

    @admin.display(description=_("year of birth"), ordering="birth_on")
    def birth_year(self, obj: Resident) -> int:
        return obj.birth_on.year

    @admin.display(description=_("household registration address"))
    def masked_address(self, obj: Resident) -> str:
        return mask_address(obj.household_address)


@admin.register(LegalPerson)
class LegalPersonAdmin(admin.ModelAdmin):
    list_display = ("uscc", "name", "type", "representative", "district_code", "established_on", "status")
    list_filter = ("status", "type", "district_code")
    list_select_related = ("legal_representative",)
    search_fields = ("=uscc", "name")
    raw_id_fields = ("legal_representative",)

    @admin.display(description=_("legal representative"))
    def representative(self, obj: LegalPerson) -> str:
        return mask_name(obj.legal_representative.name)


@admin.register(RegistryAccess)
class RegistryAccessAdmin(admin.ModelAdmin):
    list_display = ("accessed_at", "actor_ref", "purpose", "subject_kind", "subject_id")
    list_filter = ("purpose", "subject_kind")
    search_fields = ("actor_ref",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
