"""Admin for operators.

The admin bypasses services (PITFALLS): a change made here would skip the audit log, the
emails and the closing of live connections. So every write with side effects is either
read-only here or an admin action that calls ``accounts.services``: affiliations and
invitations are read-only, focal points are appointed and removed by actions, accounts are
deactivated by an action, and organizations are created through the service.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import Affiliation, AffiliationInvitation, Country, Organization, User


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _report(modeladmin: admin.ModelAdmin, request, done: int, errors: list[str]) -> None:
    if done:
        modeladmin.message_user(
            request, gettext("%(count)d changed through the services (audited).") % {"count": done}
        )
    for error in errors:
        modeladmin.message_user(request, error, level=messages.ERROR)


@admin.register(Country)
class CountryAdmin(ReadOnlyAdmin):
    """Countries are added with their spaces by ``dialogue.services.add_country`` (the
    bootstrap command), never alone."""

    list_display = ("name", "code", "time_zone")
    search_fields = ("name", "code")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "acronym", "country", "constituency", "created_at")
    list_filter = ("constituency", "country")
    search_fields = ("name", "acronym")
    list_select_related = ("country",)

    def get_readonly_fields(self, request, obj=None):
        # A group or country change would silently move every member's group rights.
        return ("constituency", "country", "created_at") if obj else ("created_at",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.create_organization(
            actor=request.user,
            name=obj.name,
            acronym=obj.acronym,
            constituency=obj.constituency,
            country=obj.country,
            request=request,
        )
        obj.pk = created.pk
        obj.created_at = created.created_at


@admin.register(Affiliation)
class AffiliationAdmin(ReadOnlyAdmin):
    list_display = (
        "user",
        "organization",
        "status",
        "is_focal_point",
        "requested_at",
        "decided_at",
        "decided_by",
    )
    list_filter = (
        "status",
        "is_focal_point",
        "organization__constituency",
        "organization__country",
    )
    search_fields = (
        "user__email",
        "user__display_name",
        "organization__name",
        "organization__acronym",
    )
    list_select_related = ("user", "organization", "decided_by")
    actions = ["appoint_focal_points", "remove_focal_points"]

    def has_change_permission(self, request, obj=None) -> bool:
        # Needed for the actions to show; the form itself stays read-only.
        return obj is None and request.user.is_staff

    @admin.action(description=_("Appoint as focal point of their organization"))
    def appoint_focal_points(self, request, queryset) -> None:
        done, errors = 0, []
        for affiliation in queryset:
            try:
                services.appoint_focal_point(
                    actor=request.user, affiliation=affiliation, request=request
                )
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                errors.append(f"{affiliation}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
        _report(self, request, done, errors)

    @admin.action(description=_("Remove as focal point"))
    def remove_focal_points(self, request, queryset) -> None:
        done, errors = 0, []
        for affiliation in queryset:
            try:
                services.remove_focal_point(
                    actor=request.user,
                    affiliation=affiliation,
                    reason=gettext("Removed by staff in the admin."),
                    request=request,
                )
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                errors.append(f"{affiliation}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
        _report(self, request, done, errors)


@admin.register(AffiliationInvitation)
class AffiliationInvitationAdmin(ReadOnlyAdmin):
    list_display = (
        "email",
        "organization",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "cancelled_at",
    )
    list_filter = ("organization__constituency", "organization__country")
    search_fields = ("email", "organization__name")
    list_select_related = ("organization", "invited_by")
    exclude = ("token",)


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    """Basic fields are editable; deactivation goes through the service (which ends the
    affiliation and memberships and closes connections), so ``is_active`` is read-only."""

    list_display = ("email", "display_name", "is_active", "is_staff", "date_joined", "last_login")
    list_filter = ("is_active", "is_staff", "preferred_language")
    search_fields = ("email", "display_name")
    fields = (
        "email",
        "display_name",
        "preferred_language",
        "time_zone",
        "is_active",
        "is_staff",
        "is_superuser",
        "date_joined",
        "last_login",
    )
    readonly_fields = ("email", "is_active", "is_superuser", "date_joined", "last_login")
    actions = ["deactivate_users"]

    def has_add_permission(self, request) -> bool:
        # Accounts are created by sign-up (allauth) or the bootstrap command.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Deactivate the selected accounts"))
    def deactivate_users(self, request, queryset) -> None:
        done, errors = 0, []
        for user in queryset.filter(is_active=True):
            if user.pk == request.user.pk:
                errors.append(gettext("You cannot deactivate your own account."))
                continue
            try:
                services.deactivate_user(
                    actor=request.user,
                    user=user,
                    reason=gettext("Deactivated by staff in the admin."),
                    request=request,
                )
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                errors.append(f"{user}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
        _report(self, request, done, errors)


# allauth registers an editable authenticator admin that shows each TOTP secret (and the
# recovery codes' seed) in its ``data`` field: anyone with admin access could copy a secret
# and pass that person's second factor. Operators see who has enrolled, and nothing more;
# a person removes or replaces their own authenticator on the two-factor page.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(ReadOnlyAdmin):
    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type", "created_at", "last_used_at")
    search_fields = ("user__email",)
    list_select_related = ("user",)
    fields = ("user", "type", "created_at", "last_used_at")
