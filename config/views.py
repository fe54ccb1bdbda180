"""Site-wide trivial views."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

# Constant text: the page says nothing about the request, the user or the data, so it is safe
# for anyone (it is also the benchmark's baseline and carries its marker, see bench/).
HEALTHZ_TEXT = "tripartite ok\n"


@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """A tiny 200 page behind the full middleware stack (session, user, two-factor check, CSP):
    a liveness check for the proxy, and the baseline `bench/forum_pages.py` compares forum pages
    with, for the same signed-in user."""
    return HttpResponse(HEALTHZ_TEXT, content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers and feed readers ask for whatever the page declares:
    a temporary redirect to the static icon (its URL carries a content hash in production,
    which changes with each release, so the redirect itself must not be cached for long)."""
    response = HttpResponseRedirect(static("favicon.svg"))
    patch_cache_control(response, public=True, max_age=86400)
    return response
