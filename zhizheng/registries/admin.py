"""Administration of the base registries. Lists show masked personal data only; searching needs the exact number.

Registry records are read-only here: they change through the registration services, which keep their history and
record them in the ledger. The access log and the change history are append-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhizheng.core.masking import mask_address, mask_id_number, mask_name
from zhizheng.registries.models import (
    EconomicIndicator,
    Household,
    LegalPerson,
    RecordChange,
    RegistryAccess,
    Resident,
    SpatialUnit,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Resident)
class ResidentAdmin(ReadOnlyAdmin):
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
class LegalPersonAdmin(ReadOnlyAdmin):
    list_display = ("uscc", "name", "type", "representative", "district_code", "established_on", "status")
    list_filter = ("status", "type", "district_code")
    list_select_related = ("legal_representative",)
    search_fields = ("=uscc", "name")
    raw_id_fields = ("legal_representative",)

    @admin.display(description=_("legal representative"))
    def representative(self, obj: LegalPerson) -> str:
        return mask_name(obj.legal_representative.name)


@admin.register(RegistryAccess)
class RegistryAccessAdmin(ReadOnlyAdmin):
    list_display = ("accessed_at", "actor_ref", "purpose", "subject_kind", "subject_id", "unmasked", "outcome", "via")
    list_filter = ("outcome", "unmasked", "purpose", "subject_kind")
    search_fields = ("actor_ref",)


@admin.register(RecordChange)
class RecordChangeAdmin(ReadOnlyAdmin):
    list_display = ("changed_at", "subject_kind", "subject_id", "service", "actor_ref", "ledger_index")
    list_filter = ("service", "subject_kind")
    search_fields = ("actor_ref",)
    exclude = ("changes",)  # the values are personal; the registry pages and the auditors' API list the fields


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ("number", "district_code")
    list_filter = ("district_code",)
    search_fields = ("=number",)
    exclude = ("address",)


@admin.register(SpatialUnit)
class SpatialUnitAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level", "area_km2")
    list_filter = ("level",)
    search_fields = ("code", "name")
    exclude = ("geometry",)


@admin.register(EconomicIndicator)
class EconomicIndicatorAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "unit", "frequency", "source")
