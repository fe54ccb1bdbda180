"""Notification pages: the list (mark read), email settings, follow/mute buttons and the
one-click unsubscribe. Adapters only: permissions decide, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from dialogue.permissions import get_space_for_user
from forums.permissions import get_thread_for_user
from notifications import selectors, services
from notifications.models import Frequency


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = selectors.notification_page(request.user, request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("notification") if v.isdigit()]
    if request.POST.get("all"):
        services.mark_all_read(user=request.user)
        messages.success(request, _("All notifications are marked as read."))
    elif ids:
        services.mark_read(user=request.user, notification_ids=ids)
        messages.success(request, _("Marked as read."))
    return redirect(_next(request, "notifications:list"))


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    from django.urls import reverse

    return reverse(default)


@login_required
def email_settings(request: HttpRequest) -> HttpResponse:
    rows = selectors.preference_rows(request.user)
    error = None
    if request.method == "POST":
        choices = {}
        for row in rows:
            value = request.POST.get(row["field"])
            if value is not None:
                choices[row["kind"].key] = value
                row["choice"] = value
        try:
            services.set_email_preferences(user=request.user, choices=choices)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Your email settings were saved."))
            return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {
            "rows": rows,
            "frequencies": Frequency.choices,
            "error": error,
            "follows": selectors.follows_of(request.user),
            "failing": services.is_failing(request.user.email),
        },
        status=400 if error else 200,
    )


@login_required
def follow_space(request: HttpRequest, slug: str) -> HttpResponse:
    # Look up first: a hidden space answers 404 to every method, like a missing one.
    space = get_space_for_user(request.user, slug)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return _set_follow(request, space.get_absolute_url(), space=space)


@login_required
def follow_thread(request: HttpRequest, pk: int) -> HttpResponse:
    thread = get_thread_for_user(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return _set_follow(request, thread.get_absolute_url(), thread=thread)


def _set_follow(request: HttpRequest, back: str, **target) -> HttpResponse:
    state = request.POST.get("state", "")
    try:
        services.set_follow(user=request.user, state=state, **target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            {
                "follow": _("You follow it now."),
                "mute": _("Muted: you will not be notified about it."),
                "none": _("You no longer follow it."),
            }[state],
        )
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(back)


@csrf_exempt  # RFC 8058: mail providers POST with no session and no CSRF token
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a confirmation (mail scanners follow links); POST unsubscribes."""
    resolved = services.resolve_unsubscribe(token)
    if resolved is None:
        raise Http404("No such link.")
    user, scope = resolved
    context = {"token": token, "scope_label": services.unsubscribe_scope_label(scope)}
    if request.method == "POST":
        services.unsubscribe(token=token)
        return render(request, "notifications/unsubscribed.html", context)
    return render(request, "notifications/unsubscribe.html", context)
