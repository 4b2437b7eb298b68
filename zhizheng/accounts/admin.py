"""Administration of accounts. List views never show personal data unmasked; API tokens are created and revoked
through the same services as the command line, and a new token's plain text is shown exactly once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhizheng.accounts import services
from zhizheng.accounts.models import ApiToken, Notification, NotificationDelivery, User, UserSession
from zhizheng.accounts.selectors import describe_user_agent
from zhizheng.core.actor import actor_of
from zhizheng.core.errors import DomainError
from zhizheng.core.masking import mask_id_number, mask_name, mask_phone


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "masked_name",
        "kind",
        "masked_id_number",
        "masked_phone",
        "real_name_level",
        "is_active",
    )
    list_filter = ("kind", "real_name_level", "is_active", "is_staff", "is_superuser")
    search_fields = ("username", "real_name", "=id_number", "=phone", "=uscc", "enterprise_name")
    ordering = ("username",)
    readonly_fields = ("real_name_level", "real_name_verified_at", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password", "kind")}),
        (_("Identity"), {"fields": ("real_name", "id_number", "phone", "real_name_level", "real_name_verified_at")}),
        (_("Enterprise (agents)"), {"fields": ("uscc", "enterprise_name")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "kind", "real_name", "password1", "password2")}),
    )

    @admin.display(description=_("real name"), ordering="real_name")
    def masked_name(self, obj: User) -> str:
        return mask_name(obj.real_name)

    @admin.display(description=_("citizen ID number"))
    def masked_id_number(self, obj: User) -> str:
        return mask_id_number(obj.id_number)

    @admin.display(description=_("mobile phone"))
    def masked_phone(self, obj: User) -> str:
        return mask_phone(obj.phone)


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    list_display = ("user", "browser", "ip_address", "created_at", "last_seen_at", "expire_date")
    list_select_related = ("user",)
    search_fields = ("user__username",)
    fields = ("user", "ip_address", "user_agent", "created_at", "last_seen_at", "expire_date")
    readonly_fields = fields

    @admin.display(description=_("browser"))
    def browser(self, obj: UserSession) -> str:
        return describe_user_agent(obj.user_agent)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ApiTokenCreateForm(forms.ModelForm):
    scopes_text = forms.CharField(
        label=_("scopes"),
        required=False,
        help_text=_("Separated by spaces or commas, e.g. “registries.read cityevents.write”."),
    )
    days = forms.IntegerField(label=_("valid for (days)"), min_value=1, max_value=366, initial=90)

    class Meta:
        model = ApiToken
        fields = ("name", "owner")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "prefix", "scope_list", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("revoked_at",)
    list_select_related = ("owner",)
    search_fields = ("name", "prefix", "owner__username")
    readonly_fields = ("name", "owner", "prefix", "scopes", "expires_at", "revoked_at", "last_used_at", "created_at")
    actions = ("revoke",)
    autocomplete_fields = ("owner",)

    @admin.display(description=_("scopes"))
    def scope_list(self, obj: ApiToken) -> str:
        return " ".join(obj.scopes)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = ApiTokenCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("name", "owner", "scopes_text", "days")
        return self.readonly_fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else ()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        """Create through the service (the plain token is shown once, here) instead of saving the form's object."""
        scopes = form.cleaned_data.get("scopes_text", "").replace(",", " ").split()
        token, plain = services.api_token_create(
            actor=actor_of(request), owner=obj.owner, name=obj.name, scopes=scopes, days=form.cleaned_data["days"]
        )
        obj.pk = token.pk
        obj.__dict__.update({k: v for k, v in token.__dict__.items() if not k.startswith("_")})
        messages.warning(
            request,
            _("Copy the token now; it will not be shown again: %(token)s") % {"token": plain},
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset:
            try:
                services.api_token_revoke(actor=actor_of(request), token=token)
                count += 1
            except DomainError as exc:
                messages.error(request, exc.detail)
        messages.success(request, _("Tokens revoked: %(count)d") % {"count": count})


class NotificationDeliveryInline(admin.TabularInline):
    model = NotificationDelivery
    extra = 0
    can_delete = False
    fields = ("channel", "status", "attempts", "attempted_at", "error")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: what was sent to whom and whether e-mail and SMS went out (for support and audits)."""

    list_display = ("kind", "title", "recipient", "created_at", "read_at")
    list_filter = ("kind", "deliveries__status")
    search_fields = ("=recipient__username", "kind")
    readonly_fields = ("recipient", "kind", "title", "body", "link", "created_at", "read_at")
    inlines = [NotificationDeliveryInline]
    list_select_related = ("recipient",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
