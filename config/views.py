"""Site-wide trivial views."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
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
