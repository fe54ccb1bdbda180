"""People pages: profiles, affiliations, the focal point's page and invitations.

Views are adapters: they parse input, ask ``accounts.permissions``, call one service and
render or redirect. Every write is a POST that redirects with a message; a service's refusal
(``ValidationError``/``PermissionDenied``) is shown to the person, never swallowed.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions, selectors, services
from accounts.forms import (
    AffiliationRequestForm,
    InvitationForm,
    OptionalReasonForm,
    ProfileForm,
    ReasonForm,
)
from accounts.models import Affiliation, AffiliationInvitation, Organization, User


def _error_text(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("You are not allowed to do that.")


# --- Profiles -------------------------------------------------------------------------------


def _viewable_person(request: HttpRequest, pk: int) -> User:
    if not request.user.is_authenticated:
        raise Http404
    person = get_object_or_404(User, pk=pk)
    if not permissions.can_view_profile(request.user, person):
        raise Http404
    return person


def profile(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's profile: shown to signed-in verified users (and to the person); 404 else.
    Their forum activity is what the viewer may read (``forums.activity``)."""
    from forums import activity

    person = _viewable_person(request, pk)
    posts = list(activity.member_posts(request.user, person)[: activity.ACTIVITY_ON_PROFILE])
    for post in posts:
        post.excerpt = activity.excerpt(post.body_html)
    counts = activity.member_counts(request.user, person) if posts else None
    return render(
        request,
        "accounts/profile.html",
        {
            "person": person,
            "affiliation": selectors.verified_affiliation_of(person) if person.is_active else None,
            "is_self": person.pk == request.user.pk,
            "activity_posts": posts,
            "activity_counts": counts,
            "activity_has_more": counts is not None and counts.posts > len(posts),
        },
    )


def profile_activity(request: HttpRequest, pk: int) -> HttpResponse:
    """All of a person's forum posts the viewer may read, newest first, 20 a page."""
    from django.core.paginator import Paginator

    from forums import activity

    person = _viewable_person(request, pk)
    page = Paginator(activity.member_posts(request.user, person), activity.ACTIVITY_PER_PAGE)
    page = page.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for post in page.object_list:
        post.excerpt = activity.excerpt(post.body_html)
    return render(
        request,
        "accounts/profile_activity.html",
        {"person": person, "page": page, "activity_posts": page.object_list},
    )


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.update_profile(user=user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Your profile was saved."))
                response = redirect("accounts:profile_edit")
                # The language selector's cookie would otherwise keep overriding the newly
                # chosen preferred language in this browser.
                response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
                return response
    else:
        form = ProfileForm(
            initial={
                "display_name": user.display_name,
                "handle": user.handle,
                "preferred_language": user.preferred_language,
                "time_zone": user.time_zone,
                "gender": user.gender,
            }
        )
    return render(request, "accounts/profile_edit.html", {"form": form})


# --- The person's own affiliations ----------------------------------------------------------


def _affiliations_page(
    request: HttpRequest, form: AffiliationRequestForm, status: int = 200
) -> HttpResponse:
    affiliations = selectors.affiliations_of(request.user)
    current = next((a for a in affiliations if a.status == Affiliation.Status.VERIFIED), None)
    return render(
        request,
        "accounts/affiliations.html",
        {"affiliations": affiliations, "current": current, "form": form},
        status=status,
    )


@login_required
def affiliations(request: HttpRequest) -> HttpResponse:
    """The person's affiliations with their history, and a form to ask to join one."""
    organizations = selectors.organizations_for_request(request.user)
    if request.method == "POST":
        form = AffiliationRequestForm(request.POST, organizations=organizations)
        if form.is_valid():
            try:
                services.request_affiliation(
                    user=request.user,
                    organization=form.cleaned_data["organization"],
                    job_title=form.cleaned_data["job_title"],
                    message=form.cleaned_data["message"],
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, _error_text(exc))
            else:
                messages.success(
                    request,
                    _(
                        "Your request was sent. The focal point of %(organization)s will review it; you will get an email either way."
                    )
                    % {"organization": form.cleaned_data["organization"]},
                )
                return redirect("accounts:affiliations")
        return _affiliations_page(request, form, status=400)
    return _affiliations_page(request, AffiliationRequestForm(organizations=organizations))


@login_required
@require_POST
def withdraw_affiliation(request: HttpRequest, pk: int) -> HttpResponse:
    affiliation = get_object_or_404(Affiliation, pk=pk, user=request.user)
    try:
        services.withdraw_affiliation_request(user=request.user, affiliation=affiliation)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Your request was withdrawn."))
    return redirect("accounts:affiliations")


# --- The focal point's page -----------------------------------------------------------------


def _require_focal_point_or_staff(request: HttpRequest) -> None:
    standing = permissions.get_standing(request.user)
    if not (standing.is_staff or standing.is_focal_point):
        raise Http404


def _organization_filter(request: HttpRequest, data) -> Organization | None:
    """Staff may narrow the page to one organization (?organization=<pk>)."""
    if not permissions.get_standing(request.user).is_staff:
        return None
    value = data.get("organization", "")
    if not value.isdigit():
        return None
    return Organization.objects.select_related("country").filter(pk=int(value)).first()


def _back_to_focal_point(request: HttpRequest) -> HttpResponseRedirect:
    organization = _organization_filter(request, request.POST)
    url = reverse("accounts:focal_point")
    if organization is not None:
        url += "?" + urlencode({"organization": organization.pk})
    return redirect(url)


def _focal_point_page(
    request: HttpRequest, *, invitation_form: InvitationForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    standing = permissions.get_standing(user)
    organization = _organization_filter(
        request, request.GET if request.method == "GET" else request.POST
    )
    if standing.is_staff:
        all_orgs = selectors.all_organizations()
        invite_orgs = all_orgs
    else:
        all_orgs = []
        invite_orgs = list(permissions.focal_point_organizations(user).select_related("country"))
        organization = invite_orgs[0] if invite_orgs else None
    if invitation_form is None:
        invitation_form = InvitationForm(
            organizations=invite_orgs,
            initial={
                "language": get_language(),
                "organization": organization.pk if organization else None,
            },
        )
    # Staff see members only for one chosen organization: the whole user base is not a list.
    show_members = organization is not None
    return render(
        request,
        "accounts/focal_point.html",
        {
            "organization": organization,
            "all_organizations": all_orgs,
            "is_staff": standing.is_staff,
            "pending": selectors.pending_requests(user, organization),
            "members": selectors.verified_members(user, organization) if show_members else [],
            "show_members": show_members,
            "history": selectors.recent_decisions(user, organization),
            "invitations": selectors.open_invitations(user, organization),
            "invitation_form": invitation_form,
            "filter_value": organization.pk if (organization and standing.is_staff) else "",
        },
        status=status,
    )


@login_required
def focal_point(request: HttpRequest) -> HttpResponse:
    """Pending requests, members and invitations of the focal point's organization (staff:
    every organization, optionally one)."""
    _require_focal_point_or_staff(request)
    return _focal_point_page(request)


def _decidable_affiliation(request: HttpRequest, pk: int) -> Affiliation:
    """An affiliation the user may act on as focal point or staff; 404 for any other."""
    _require_focal_point_or_staff(request)
    return get_object_or_404(permissions.affiliations_to_decide(request.user), pk=pk)


def _run(request: HttpRequest, action, success: str) -> None:
    try:
        action()
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, success)


@login_required
@require_POST
def verify_affiliation(request: HttpRequest, pk: int) -> HttpResponse:
    affiliation = _decidable_affiliation(request, pk)
    _run(
        request,
        lambda: services.verify_affiliation(
            actor=request.user, affiliation=affiliation, request=request
        ),
        _("%(person)s is now a verified member of %(organization)s.")
        % {"person": affiliation.user, "organization": affiliation.organization},
    )
    return _back_to_focal_point(request)


@login_required
@require_POST
def reject_affiliation(request: HttpRequest, pk: int) -> HttpResponse:
    affiliation = _decidable_affiliation(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Give a reason for rejecting the request from %(person)s.")
            % {"person": affiliation.user},
        )
    else:
        _run(
            request,
            lambda: services.reject_affiliation(
                actor=request.user,
                affiliation=affiliation,
                reason=form.cleaned_data["reason"],
                request=request,
            ),
            _("The request from %(person)s was rejected.") % {"person": affiliation.user},
        )
    return _back_to_focal_point(request)


@login_required
@require_POST
def revoke_affiliation(request: HttpRequest, pk: int) -> HttpResponse:
    affiliation = _decidable_affiliation(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Give a reason for revoking the affiliation of %(person)s.")
            % {"person": affiliation.user},
        )
    else:
        _run(
            request,
            lambda: services.revoke_affiliation(
                actor=request.user,
                affiliation=affiliation,
                reason=form.cleaned_data["reason"],
                request=request,
            ),
            _(
                "The affiliation of %(person)s was revoked; their memberships that depended on it have ended."
            )
            % {"person": affiliation.user},
        )
    return _back_to_focal_point(request)


def _staff_only(request: HttpRequest) -> None:
    if not permissions.can_appoint_focal_points(request.user):
        raise Http404


@login_required
@require_POST
def appoint_focal_point(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    affiliation = _decidable_affiliation(request, pk)
    _run(
        request,
        lambda: services.appoint_focal_point(
            actor=request.user, affiliation=affiliation, request=request
        ),
        _("%(person)s is now a focal point of %(organization)s.")
        % {"person": affiliation.user, "organization": affiliation.organization},
    )
    return _back_to_focal_point(request)


@login_required
@require_POST
def remove_focal_point(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    affiliation = _decidable_affiliation(request, pk)
    form = OptionalReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _run(
        request,
        lambda: services.remove_focal_point(
            actor=request.user, affiliation=affiliation, reason=reason, request=request
        ),
        _("%(person)s is no longer a focal point of %(organization)s.")
        % {"person": affiliation.user, "organization": affiliation.organization},
    )
    return _back_to_focal_point(request)


@login_required
@require_POST
def deactivate_user(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    person = get_object_or_404(User, pk=pk, is_active=True)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Give a reason for deactivating the account of %(person)s.") % {"person": person},
        )
    elif person.pk == request.user.pk:
        messages.error(request, _("You cannot deactivate your own account."))
    else:
        _run(
            request,
            lambda: services.deactivate_user(
                actor=request.user, user=person, reason=form.cleaned_data["reason"], request=request
            ),
            _("The account of %(person)s was deactivated.") % {"person": person},
        )
    return _back_to_focal_point(request)


@login_required
@require_POST
def invite_colleague(request: HttpRequest) -> HttpResponse:
    _require_focal_point_or_staff(request)
    standing = permissions.get_standing(request.user)
    if standing.is_staff:
        organizations = selectors.all_organizations()
    else:
        organizations = list(
            permissions.focal_point_organizations(request.user).select_related("country")
        )
    form = InvitationForm(request.POST, organizations=organizations)
    if form.is_valid():
        organization = form.chosen_organization()
        try:
            if organization is None:
                raise PermissionDenied(_("You have no organization to invite to."))
            services.invite_colleague(
                actor=request.user,
                organization=organization,
                email=form.cleaned_data["email"],
                language=form.cleaned_data["language"],
                request=request,
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(
                request,
                _("An invitation to join %(organization)s was sent to %(email)s.")
                % {"organization": organization, "email": form.cleaned_data["email"]},
            )
            return _back_to_focal_point(request)
    # Re-render with what was typed, so nothing is lost.
    return _focal_point_page(request, invitation_form=form, status=400)


@login_required
@require_POST
def cancel_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    _require_focal_point_or_staff(request)
    invitation = get_object_or_404(permissions.invitations_visible_to(request.user), pk=pk)
    _run(
        request,
        lambda: services.cancel_invitation(
            actor=request.user, invitation=invitation, request=request
        ),
        _("The invitation to %(email)s was cancelled.") % {"email": invitation.email},
    )
    return _back_to_focal_point(request)


# --- Accepting an invitation ----------------------------------------------------------------


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invited colleague confirms; anonymous visitors are asked to sign in or sign up
    first (and come back here afterwards)."""
    invitation = get_object_or_404(
        AffiliationInvitation.objects.select_related(
            "organization", "organization__country", "invited_by"
        ),
        token=token,
    )
    error = ""
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
        try:
            services.accept_invitation(user=request.user, invitation=invitation, request=request)
        except (ValidationError, PermissionDenied) as exc:
            error = _error_text(exc)
        else:
            messages.success(
                request,
                _("You are now a verified member of %(organization)s.")
                % {"organization": invitation.organization},
            )
            return redirect("accounts:affiliations")
    return render(
        request,
        "accounts/accept_invitation.html",
        {
            "invitation": invitation,
            "error": error,
            "next_query": urlencode({"next": request.path}),
        },
        status=400 if error else 200,
    )
