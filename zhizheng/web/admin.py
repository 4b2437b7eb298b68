from django.contrib import admin

from zhizheng.web.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """Read-only: heartbeats are written by the worker, never by hand."""

    list_display = ("name", "beat_at", "beats")
    readonly_fields = ("name", "beat_at", "beats")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
