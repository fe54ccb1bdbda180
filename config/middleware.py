"""Site-wide middleware of our own (the accounts app keeps the sign-in related ones)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control


class PrivateResponseCacheControlMiddleware:
    """Send ``Cache-Control: private, no-store`` on every response that depends on who asks.

    That is every response to a signed-in person (members-only pages, notifications,
    profiles, search, settings, audit, staff pages: the same URL shows each person their
    own page), and every response to an anonymous visitor whose session holds something
    (a sign-in in progress, a two-factor step) or who carried flash messages. Neither a
    shared cache nor the browser's back/forward cache on a shared computer may keep them.
    Public pages read anonymously keep whatever headers they had: they may be cached.

    ``patch_cache_control`` only adds directives, so a stricter header a view set (an
    attachment's ``no-store``, the admin's ``no-cache, must-revalidate``) stays as it is.
    Place it after ``AuthenticationMiddleware``: its response phase then runs after every
    view and inner middleware has read the session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.is_personal(request):
            patch_cache_control(response, private=True, no_store=True)
        return response

    @staticmethod
    def is_personal(request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.is_empty():
            return True
        return CookieStorage.cookie_name in request.COOKIES
