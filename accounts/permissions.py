"""Who a user is, for access decisions: their *standing*.

Group rights come only from a verified affiliation. Every access decision in the project
starts from ``get_standing(user)``, which loads the verified affiliation once per request
(cached on the user object) and never trusts anything else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.models import (
    TRIPARTITE_GROUPS,
    Affiliation,
    AffiliationInvitation,
    Organization,
    User,
)

_CACHE_ATTR = "_tripartite_standing"


@dataclass(frozen=True)
class Standing:
    user_id: int | None
    is_authenticated: bool
    is_staff: bool
    affiliation_id: int | None = None
    organization_id: int | None = None
    constituency: str | None = None
    country_id: int | None = None
    is_focal_point: bool = False

    @property
    def is_verified(self) -> bool:
        return self.affiliation_id is not None

    @property
    def in_tripartite_group(self) -> bool:
        return self.constituency in TRIPARTITE_GROUPS


ANONYMOUS = Standing(user_id=None, is_authenticated=False, is_staff=False)


def get_standing(user) -> Standing:
    """The user's standing; one query, cached on the user object for its lifetime.

    Inactive users have no standing at all (they are treated as anonymous).
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    affiliation = (
        Affiliation.objects.filter(user_id=user.pk, status=Affiliation.Status.VERIFIED)
        .select_related("organization")
        .first()
    )
    if affiliation is None:
        standing = Standing(user_id=user.pk, is_authenticated=True, is_staff=user.is_staff)
    else:
        org = affiliation.organization
        standing = Standing(
            user_id=user.pk,
            is_authenticated=True,
            is_staff=user.is_staff,
            affiliation_id=affiliation.pk,
            organization_id=org.pk,
            constituency=org.constituency,
            country_id=org.country_id,
            is_focal_point=affiliation.is_focal_point,
        )
    setattr(user, _CACHE_ATTR, standing)
    return standing


def forget_standing(user) -> None:
    """Drop the cached standing (after a service changed the user's affiliation)."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


# --- People ---------------------------------------------------------------------------------


def can_see_people(user) -> bool:
    """Profiles and member lists are shown to signed-in verified users only — and to staff,
    who appoint focal points and deactivate accounts (they still see no caucus: member lists
    are behind ``can_read_space`` too)."""
    standing = get_standing(user)
    return standing.is_verified or standing.is_staff


def visible_profiles(user) -> QuerySet[User]:
    if not can_see_people(user):
        return User.objects.none()
    return User.objects.filter(is_active=True)


def can_view_profile(user, profile_user: User) -> bool:
    if user.is_authenticated and user.pk == profile_user.pk:
        return True
    return can_see_people(user) and profile_user.is_active


# --- Organizations and affiliations ----------------------------------------------------------


def focal_point_organizations(user) -> QuerySet[Organization]:
    """Organizations this user acts for as focal point (at most one: one verified affiliation)."""
    standing = get_standing(user)
    if not standing.is_focal_point:
        return Organization.objects.none()
    return Organization.objects.filter(pk=standing.organization_id)


def can_decide_affiliation(user, affiliation: Affiliation) -> bool:
    """A focal point of the same organization, or staff, verifies or rejects a request."""
    if affiliation.status != Affiliation.Status.PENDING:
        return False
    standing = get_standing(user)
    if not standing.is_authenticated or affiliation.user_id == standing.user_id:
        return False
    return standing.is_staff or (
        standing.is_focal_point and standing.organization_id == affiliation.organization_id
    )


def can_revoke_affiliation(user, affiliation: Affiliation) -> bool:
    if affiliation.status != Affiliation.Status.VERIFIED:
        return False
    standing = get_standing(user)
    if not standing.is_authenticated or affiliation.user_id == standing.user_id:
        return False
    return standing.is_staff or (
        standing.is_focal_point and standing.organization_id == affiliation.organization_id
    )


def can_invite_to_organization(user, organization: Organization) -> bool:
    standing = get_standing(user)
    return standing.is_staff or (
        standing.is_focal_point and standing.organization_id == organization.pk
    )


def can_appoint_focal_points(user) -> bool:
    return get_standing(user).is_staff


def affiliations_to_decide(user) -> QuerySet[Affiliation]:
    """Affiliations this user may act on: their organization's (focal point) or all (staff)."""
    standing = get_standing(user)
    qs = Affiliation.objects.select_related("user", "organization", "organization__country")
    if standing.is_staff:
        return qs
    if standing.is_focal_point:
        return qs.filter(organization_id=standing.organization_id)
    return qs.none()


def invitations_visible_to(user) -> QuerySet[AffiliationInvitation]:
    standing = get_standing(user)
    qs = AffiliationInvitation.objects.select_related("organization", "invited_by")
    if standing.is_staff:
        return qs
    if standing.is_focal_point:
        return qs.filter(organization_id=standing.organization_id)
    return qs.none()


def needs_two_factor(user) -> bool:
    """Staff, moderators and focal points must use two-factor authentication."""
    from dialogue.models import Membership

    standing = get_standing(user)
    if not standing.is_authenticated:
        return False
    if standing.is_staff or standing.is_focal_point:
        return True
    return Membership.objects.filter(
        user_id=standing.user_id,
        status=Membership.Status.ACTIVE,
        role=Membership.Role.MODERATOR,
    ).exists()


def organizations_open_to_request(user) -> QuerySet[Organization]:
    return Organization.objects.select_related("country").exclude(
        Q(affiliations__user_id=getattr(user, "pk", None))
        & Q(affiliations__status=Affiliation.Status.PENDING)
    )
