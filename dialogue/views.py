"""Pages for spaces and memberships. Thin adapters: parse, ask ``dialogue.permissions``, call
one service, render. Hidden spaces answer 404 on every page, whatever the method."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Country
from accounts.permissions import get_standing
from dialogue import forms, permissions, selectors, services
from dialogue.models import Membership, Space

AUDIT_PAGE_SIZE = 50


# --- Helpers ----------------------------------------------------------------------------------


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(str(m) for m in error.messages)
    return str(error) or _("You cannot do that here.")


def _attempt(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run one service call; show its refusal as an error message instead of a crash page."""
    try:
        action()
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, _error_text(error))
        return False
    messages.success(request, success)
    return True


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _space_for_action(request: HttpRequest, slug: str, need: str) -> Space | HttpResponse:
    """The space for a POST endpoint: 404 when hidden (checked before the method, so a hidden
    space answers the same to every request), 405 for other methods, login for anonymous."""
    space = permissions.get_space_for_user(request.user, slug, need=need)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(space.get_absolute_url())
    return space


def _require_staff(request: HttpRequest) -> None:
    if not get_standing(request.user).is_staff:
        raise Http404


def _members_url(space: Space) -> str:
    return reverse("dialogue:members", args=[space.slug])


# --- Directory and space home -----------------------------------------------------------------


def directory(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "dialogue/directory.html",
        {"groups": selectors.directory_for(request.user)},
    )


def _own_actions(user, space: Space, membership: Membership | None) -> dict[str, bool]:
    return {
        "can_join": permissions.can_join_space(user, space),
        "can_request": permissions.can_request_to_join(user, space),
        "can_leave": permissions.can_leave_space(user, space),
        # The service refuses to let the last moderator leave: say so instead of a button
        # that can only fail (one query, for moderators only).
        "is_last_moderator": membership is not None
        and membership.role == Membership.Role.MODERATOR
        and membership.status == Membership.Status.ACTIVE
        and selectors.is_last_moderator(membership),
        "can_respond": permissions.can_respond_to_invitation(user, space),
        "can_cancel": membership is not None and membership.status == Membership.Status.PENDING,
    }


def space_home(request: HttpRequest, slug: str) -> HttpResponse:
    space = permissions.get_space_for_user(request.user, slug, need="discover")
    user = request.user
    membership = permissions.membership_of(user, space)
    context: dict[str, Any] = {
        "space": space,
        "membership": membership,
        "request_form": forms.RequestToJoinForm(),
        **_own_actions(user, space, membership),
    }
    if not permissions.can_read_space(user, space):
        # The join page: the space's name and the user's own way in — nothing else.
        return render(request, "dialogue/join.html", context)
    can_moderate = permissions.can_moderate_space(user, space)
    context.update(
        {
            "members": selectors.space_members(user, space),
            "children": list(selectors.child_spaces(user, space)),
            "parent_visible": space.parent is not None
            and permissions.can_discover_space(user, space.parent),
            "can_moderate": can_moderate,
            "pending_count": selectors.pending_request_count(space) if can_moderate else 0,
            "can_view_audit": permissions.can_view_audit_log(user, space),
        }
    )
    return render(request, "dialogue/space.html", context)


# --- The member's own actions -----------------------------------------------------------------


def join(request: HttpRequest, slug: str) -> HttpResponse:
    space = _space_for_action(request, slug, "discover")
    if isinstance(space, HttpResponse):
        return space
    _attempt(
        request,
        lambda: services.join_space(user=request.user, space=space),
        _("You joined %(space)s.") % {"space": space.name},
    )
    return redirect(space)


def request_to_join(request: HttpRequest, slug: str) -> HttpResponse:
    space = _space_for_action(request, slug, "discover")
    if isinstance(space, HttpResponse):
        return space
    form = forms.RequestToJoinForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(space)
    _attempt(
        request,
        lambda: services.request_to_join(
            user=request.user, space=space, message=form.cleaned_data["message"]
        ),
        _("Your request was sent to the moderators of %(space)s.") % {"space": space.name},
    )
    return redirect(space)


def cancel_request(request: HttpRequest, slug: str) -> HttpResponse:
    space = _space_for_action(request, slug, "discover")
    if isinstance(space, HttpResponse):
        return space
    _attempt(
        request,
        lambda: services.cancel_request(user=request.user, space=space),
        _("Your request was withdrawn."),
    )
    return redirect(space)


def leave(request: HttpRequest, slug: str) -> HttpResponse:
    space = _space_for_action(request, slug, "discover")
    if isinstance(space, HttpResponse):
        return space
    left = _attempt(
        request,
        lambda: services.leave_space(user=request.user, space=space),
        _("You left %(space)s.") % {"space": space.name},
    )
    # After leaving, the space may no longer be discoverable (an adviser leaving a caucus).
    return redirect("dialogue:directory") if left else redirect(space)


def respond_to_invitation(request: HttpRequest, slug: str) -> HttpResponse:
    space = _space_for_action(request, slug, "discover")
    if isinstance(space, HttpResponse):
        return space
    form = forms.InvitationResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or decline the invitation."))
        return redirect(space)
    accept = form.cleaned_data["decision"] == "accept"
    success = (
        _("Welcome to %(space)s.") % {"space": space.name}
        if accept
        else _("You declined the invitation.")
    )
    _attempt(
        request,
        lambda: services.respond_to_invitation(user=request.user, space=space, accept=accept),
        success,
    )
    return redirect(space)


# --- Moderators' member management --------------------------------------------------------------


def members(request: HttpRequest, slug: str) -> HttpResponse:
    space = permissions.get_space_for_user(request.user, slug, need="moderate")
    return render(
        request,
        "dialogue/members.html",
        {
            "space": space,
            "pending": list(selectors.pending_requests(space)),
            "invited": list(selectors.open_invitations(space)),
            "active": list(selectors.active_memberships(space)),
            "invite_form": forms.InviteForm(auto_id="invite-%s"),
            "adviser_form": forms.AdviserForm(auto_id="adviser-%s") if space.is_caucus else None,
            "roles": Membership.Role,
        },
    )


def _moderated_membership(request: HttpRequest, slug: str, pk: int):
    space = _space_for_action(request, slug, "moderate")
    if isinstance(space, HttpResponse):
        return space, None
    return space, get_object_or_404(Membership.objects.select_related("user"), pk=pk, space=space)


def approve_request(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    space, membership = _moderated_membership(request, slug, pk)
    if membership is None:
        return space
    _attempt(
        request,
        lambda: services.approve_request(
            actor=request.user, membership=membership, request=request
        ),
        _("%(person)s is now a member.") % {"person": membership.user},
    )
    return redirect(_members_url(space))


def reject_request(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    space, membership = _moderated_membership(request, slug, pk)
    if membership is None:
        return space
    form = forms.RejectRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(_members_url(space))
    _attempt(
        request,
        lambda: services.reject_request(
            actor=request.user,
            membership=membership,
            reason=form.cleaned_data["reason"],
            request=request,
        ),
        _("The request from %(person)s was declined.") % {"person": membership.user},
    )
    return redirect(_members_url(space))


def remove_member(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    space, membership = _moderated_membership(request, slug, pk)
    if membership is None:
        return space
    form = forms.RemoveMemberForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for removing a member."))
        return redirect(_members_url(space))
    _attempt(
        request,
        lambda: services.remove_member(
            actor=request.user,
            membership=membership,
            reason=form.cleaned_data["reason"],
            request=request,
        ),
        _("%(person)s was removed.") % {"person": membership.user},
    )
    return redirect(_members_url(space))


def set_role(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    space, membership = _moderated_membership(request, slug, pk)
    if membership is None:
        return space
    form = forms.SetRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(_members_url(space))
    role = form.cleaned_data["role"]
    success = (
        _("%(person)s is now a moderator.")
        if role == Membership.Role.MODERATOR
        else _("%(person)s is now a member.")
    ) % {"person": membership.user}
    _attempt(
        request,
        lambda: services.set_member_role(
            actor=request.user, membership=membership, role=role, request=request
        ),
        success,
    )
    return redirect(_members_url(space))


def invite(request: HttpRequest, slug: str) -> HttpResponse:
    space = _space_for_action(request, slug, "moderate")
    if isinstance(space, HttpResponse):
        return space
    form = forms.InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(_members_url(space))
    person = form.cleaned_data["person"]
    _attempt(
        request,
        lambda: services.invite_to_space(
            actor=request.user, space=space, user=person, request=request
        ),
        _("%(person)s was invited.") % {"person": person},
    )
    return redirect(_members_url(space))


def admit_adviser(request: HttpRequest, slug: str) -> HttpResponse:
    space = _space_for_action(request, slug, "moderate")
    if isinstance(space, HttpResponse):
        return space
    form = forms.AdviserForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(_members_url(space))
    person = form.cleaned_data["person"]
    _attempt(
        request,
        lambda: services.admit_adviser(
            actor=request.user, space=space, user=person, request=request
        ),
        _("%(person)s was admitted as a caucus adviser.") % {"person": person},
    )
    return redirect(_members_url(space))


# --- Staff pages --------------------------------------------------------------------------------


def staff_caucuses(request: HttpRequest) -> HttpResponse:
    """Appoint a caucus's first moderator. Staff see caucus names only."""
    _require_staff(request)
    form = forms.CaucusModeratorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        caucus = form.cleaned_data["caucus"]
        person = form.cleaned_data["person"]
        done = _attempt(
            request,
            lambda: services.appoint_caucus_moderator(
                actor=request.user, space=caucus, user=person, request=request
            ),
            _("%(person)s is now a moderator of %(caucus)s.")
            % {"person": person, "caucus": caucus.name},
        )
        if done:
            return redirect("dialogue:staff_caucuses")
    return render(request, "dialogue/staff_caucuses.html", {"form": form})


def staff_countries(request: HttpRequest) -> HttpResponse:
    """Add a partner country: its dialogue space and three caucuses come with it."""
    _require_staff(request)
    form = forms.CountryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _country, space, _caucuses = services.add_country(
                actor=request.user,
                code=data["code"],
                name=data["name"],
                time_zone=data["time_zone"],
                request=request,
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(
                request,
                _("%(country)s was added with its dialogue space and three caucuses.")
                % {"country": data["name"]},
            )
            return redirect(space)
    return render(
        request,
        "dialogue/staff_countries.html",
        {"form": form, "countries": Country.objects.order_by("name")},
    )
