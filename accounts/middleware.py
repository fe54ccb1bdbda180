"""Per-request user preferences and the two-factor requirement."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
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
        if (
            language
            and language != user.preferred_language
            and language in dict(settings.LANGUAGES)
        ):
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

# Pages a session that skipped the second factor may still reach before it is signed out:
# none of them shows or changes anything about the account.
_UNVERIFIED_SESSION_URL_NAMES = {"account_logout", "set_language"}


def has_second_factor(request: HttpRequest, user) -> bool:
    """Whether this session passed a second factor for ``user``: allauth records one entry
    per authentication step in the session (``record_authentication``); an ``mfa`` entry is
    written by its code step at sign-in and re-authentication, and by our TOTP activation form
    (accounts.forms.ActivateTOTPForm) when the person proves the new authenticator."""
    from allauth.account.internal.flows.login import get_authentication_records

    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


class RequireTwoFactorMiddleware:
    """allauth has no "require two-factor" setting. For staff, moderators and focal points,
    on every request (static files aside):

    * without an authenticator, they are sent to enrol (only enrolment, sign-out and email
      pages stay reachable);
    * with one, the session itself must have passed it. A session that did not (one opened
      by a path that skipped allauth's code step, or from before this check) is signed out
      and sent to sign in again, where allauth asks for the code. Signing out, rather than
      offering allauth's MFA re-authentication, leaves no half-signed-in session that could
      reach the security pages (recovery codes, email addresses) on a password alone, and it
      cannot loop: signing in again records the code step.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(settings.STATIC_URL)
            and needs_two_factor(user)
        ):
            url_name = self._url_name(request)
            if not self._has_authenticator(user):
                if url_name not in _EXEMPT_URL_NAMES:
                    return redirect(reverse("mfa_activate_totp") + "?required=1")
            elif url_name not in _UNVERIFIED_SESSION_URL_NAMES and not has_second_factor(
                request, user
            ):
                return self._sign_in_again(request)
        return self.get_response(request)

    @staticmethod
    def _sign_in_again(request: HttpRequest) -> HttpResponse:
        from django.contrib.auth import logout

        logout(request)
        login_url = reverse(settings.LOGIN_URL)
        if request.method == "GET":
            login_url += "?" + urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
        return redirect(login_url)

    @staticmethod
    def _url_name(request: HttpRequest) -> str | None:
        try:
            match = resolve(request.path_info)
        except Exception:
            return None
        return match.view_name

    @staticmethod
    def _has_authenticator(user) -> bool:
        from allauth.mfa.models import Authenticator

        return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
