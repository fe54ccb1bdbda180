"""Per-request user preferences and the two-factor requirement."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import resolve, reverse
from django.utils import timezone, translation

from accounts.permissions import needs_two_factor


class UserPreferencesMiddleware:
    """Activate a signed-in person's time zone and, unless they picked a language with the
    selector in this browser, their preferred language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
            if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
                translation.activate(user.preferred_language)
                request.LANGUAGE_CODE = translation.get_language()
        else:
            timezone.deactivate()
        response = self.get_response(request)
        if user is not None and user.is_authenticated and request.method == "POST":
            self._remember_language_choice(request, response, user)
        return response

    @staticmethod
    def _remember_language_choice(request: HttpRequest, response: HttpResponse, user) -> None:
        """The language selector (Django's set_language) also updates a signed-in person's
        preferred language, so emails and other browsers follow their choice."""
        match = getattr(request, "resolver_match", None)
        if match is None or match.url_name != "set_language":
            return
        morsel = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
        language = morsel.value if morsel is not None else ""
        if language and language != user.preferred_language and language in dict(settings.LANGUAGES):
            from django.core.exceptions import ValidationError

            from accounts.services import update_profile

            try:
                update_profile(
                    user=user,
                    display_name=user.display_name,
                    preferred_language=language,
                    time_zone=user.time_zone,
                    gender=user.gender,
                )
            except ValidationError:
                pass  # the cookie still switches this browser; the profile page shows the error


# Pages a person who must enrol can still reach: enrolment itself, signing out, email
# verification, the language selector, static files.
_EXEMPT_URL_NAMES = {
    "account_logout",
    "account_email",
    "account_confirm_email",
    "account_email_verification_sent",
    "account_reauthenticate",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_reauthenticate",
    "set_language",
}


class RequireTwoFactorMiddleware:
    """allauth has no "require two-factor" setting: staff, moderators and focal points without
    an authenticator are sent to enrol before they can do anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(settings.STATIC_URL)
            and not self._is_exempt(request)
            and needs_two_factor(user)
            and not self._has_authenticator(user)
        ):
            return redirect(reverse("mfa_activate_totp") + "?required=1")
        return self.get_response(request)

    @staticmethod
    def _is_exempt(request: HttpRequest) -> bool:
        try:
            match = resolve(request.path_info)
        except Exception:
            return False
        return match.url_name in _EXEMPT_URL_NAMES

    @staticmethod
    def _has_authenticator(user) -> bool:
        from allauth.mfa.models import Authenticator

        return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
