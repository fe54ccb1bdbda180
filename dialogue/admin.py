"""Admin for operators: read-only. Spaces are created and memberships changed only through
``dialogue.services``, which audit every change and close live connections; the admin would
bypass both (see PITFALLS: the admin bypasses services)."""

from __future__ import annotations

from django.contrib import admin

from dialogue.models import Membership, Space


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Space)
class SpaceAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "kind", "country", "visibility", "join_policy", "parent")
    list_filter = ("kind", "visibility", "join_policy", "country")
    search_fields = ("name", "slug")
    list_select_related = ("country", "parent")


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "space", "role", "status", "updated_at")
    list_filter = ("status", "role", "space__kind")
    search_fields = ("user__email", "user__display_name", "space__name")
    list_select_related = ("user", "space")
    raw_id_fields = ("user", "space", "affiliation", "acted_by")
