"""Audit pages: a space's entries for its moderators, and staff's view of everything but
caucuses. Reads start from ``audit.permissions``."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import get_standing
from audit.permissions import space_audit_entries, visible_audit_entries
from dialogue import permissions as space_permissions
from dialogue.forms import AuditFilterForm
from dialogue.models import Space

PAGE_SIZE = 50


def space_audit(request: HttpRequest, slug: str) -> HttpResponse:
    """A space's audit entries: its moderators (and staff, for spaces that are not caucuses).
    A parent space's moderators get 404 on a caucus's page."""
    space = space_permissions.get_space_for_user(request.user, slug, need="moderate")
    if not space_permissions.can_view_audit_log(request.user, space):
        raise Http404
    entries = space_audit_entries(request.user, space)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/space_audit.html", {"space": space, "page": page})


def staff_audit(request: HttpRequest) -> HttpResponse:
    """Every entry staff may read — never a caucus's, even when the staff member also
    moderates one — filterable by action."""
    if not get_standing(request.user).is_staff:
        raise Http404
    entries = visible_audit_entries(request.user).exclude(space__kind=Space.Kind.CAUCUS)
    actions = list(entries.order_by("action").values_list("action", flat=True).distinct())
    form = AuditFilterForm(request.GET or None, actions=actions)
    if form.is_valid() and form.cleaned_data["action"]:
        entries = entries.filter(action=form.cleaned_data["action"])
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/staff_audit.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
