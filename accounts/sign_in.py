"""Signing in: allauth's login view answering 429 when it is rate-limited, and the one 429 page.

allauth limits sign-ins in two places. Its ``login`` limit (per address, on every POST)
answers through ``respond_429``, which calls ``<ROOT_URLCONF>.handler429`` —
``config.urls.handler429`` is :func:`too_many_requests`. Its ``login_failed`` limit (per
address and per address and account, ``accounts.adapters``) is raised as a form error and
would answer 200; :class:`LoginView` answers those with the same page and status, the form and
its error kept visible. Django itself has no 429 handler: this function is the only place
that renders one.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from allauth.account.views import LoginView as AllauthLoginView
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# The error code allauth's adapter raises when ``login_failed`` is exhausted.
_RATE_LIMITED_CODES = {"too_many_login_attempts"}


def too_many_requests(request: HttpRequest, context: dict[str, Any] | None = None) -> HttpResponse:
    """The site's 429 page, in the reader's language. ``context`` may carry the sign-in
    ``form`` (with its error) and allauth's ``redirect_field``, which the page then shows."""
    return render(request, "429.html", context or {}, status=HTTPStatus.TOO_MANY_REQUESTS)


def is_rate_limited(form: Form) -> bool:
    return any(
        error.code in _RATE_LIMITED_CODES
        for errors in form.errors.as_data().values()
        for error in errors
    )


class LoginView(AllauthLoginView):
    """allauth's sign-in page; a rate-limited attempt answers 429 instead of 200."""

    def form_invalid(self, form) -> HttpResponse:
        if is_rate_limited(form):
            return too_many_requests(self.request, self.get_context_data(form=form))
        return super().form_invalid(form)


login = LoginView.as_view()
