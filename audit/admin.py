"""The audit log in the admin: fully read-only, as the log itself is append-only."""

from __future__ import annotations

from django.contrib import admin

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor_label", "action", "target_label", "space", "ip_address")
    list_filter = ("action",)
    search_fields = ("actor_label", "target_label", "action", "reason")
    list_select_related = ("space",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
