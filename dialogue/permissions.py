"""Access to spaces: the one place that decides who may discover, read, write in, join and
moderate a space. Every view, selector, feed, search, API and consumer starts here.

Vocabulary (see docs/access.md for the matrix):

* **discover** — the space's name appears in the directory and its page answers (for a
  members-only space that is not readable, the page is the join page: name and a request
  button, nothing else). Not discoverable ⇒ 404 everywhere.
* **read** — content, members and counts.
* **write** — post, and (in later issues) take part in meetings.
* **moderate** — act on members and content; logged.

Rules, from ../shared/DESIGN.md:

* Public-read spaces (never caucuses) are readable by anyone, even anonymous.
* Members-only spaces are readable by their active members; discoverable by verified users
  who are eligible (group flag, and for the three groups the space's country).
* A caucus is private from everyone outside it, staff and parent moderators included.
* Staff read and moderate every space that is not a caucus (they run the platform).
* Group rights come only from a verified affiliation; inactive users are anonymous.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import TRIPARTITE_GROUPS
from accounts.permissions import Standing, can_see_people, get_standing
from dialogue.models import ELIGIBILITY_FIELDS, Membership, Space

ACTIVE = Membership.Status.ACTIVE


# --- Query building blocks ------------------------------------------------------------------


def _active_membership_q(standing: Standing) -> Q:
    # A membership stands on the verified affiliation it was granted under: a left-over
    # active row (affiliation revoked or replaced behind the services' back, e.g. in the
    # admin) gives nothing. See docs/decisions.md §3.
    if not standing.is_verified:
        return Q(pk__in=[])
    return Q(
        Exists(
            Membership.objects.filter(
                space_id=OuterRef("pk"),
                user_id=standing.user_id,
                status=ACTIVE,
                affiliation_id=standing.affiliation_id,
            )
        )
    )


def _moderator_q(standing: Standing) -> Q:
    if not standing.is_verified:
        return Q(pk__in=[])
    return Q(
        Exists(
            Membership.objects.filter(
                space_id=OuterRef("pk"),
                user_id=standing.user_id,
                status=ACTIVE,
                role=Membership.Role.MODERATOR,
                affiliation_id=standing.affiliation_id,
            )
        )
    )


def _eligible_q(standing: Standing) -> Q:
    """Spaces whose eligibility rules admit this user (verified users only)."""
    if not standing.is_verified or standing.constituency not in ELIGIBILITY_FIELDS:
        return Q(pk__in=[])
    q = Q(**{ELIGIBILITY_FIELDS[standing.constituency]: True})
    if standing.constituency in TRIPARTITE_GROUPS:
        q &= Q(country__isnull=True) | Q(country_id=standing.country_id)
    return q


_PUBLIC_Q = Q(visibility=Space.Visibility.PUBLIC) & ~Q(kind=Space.Kind.CAUCUS)
_NOT_CAUCUS_Q = ~Q(kind=Space.Kind.CAUCUS)


# --- Querysets every read path starts from -----------------------------------------------------


def readable_spaces(user) -> QuerySet[Space]:
    """Spaces whose content this user may read."""
    standing = get_standing(user)
    q = _PUBLIC_Q | _active_membership_q(standing)
    if standing.is_staff:
        q |= _NOT_CAUCUS_Q
    return Space.objects.filter(q)


def discoverable_spaces(user) -> QuerySet[Space]:
    """Spaces whose name this user may see (directory, join page)."""
    standing = get_standing(user)
    q = _PUBLIC_Q | _active_membership_q(standing) | _eligible_q(standing)
    if standing.is_staff:
        q |= _NOT_CAUCUS_Q
    return Space.objects.filter(q)


def writable_spaces(user) -> QuerySet[Space]:
    """Spaces where this user may post: active members with a verified affiliation."""
    standing = get_standing(user)
    if not standing.is_verified:
        return Space.objects.none()
    return Space.objects.filter(_active_membership_q(standing))


def moderated_spaces(user) -> QuerySet[Space]:
    standing = get_standing(user)
    q = _moderator_q(standing)
    if standing.is_staff:
        q |= _NOT_CAUCUS_Q
    return Space.objects.filter(q)


# --- Predicates on one space ----------------------------------------------------------------


def membership_of(user, space: Space) -> Membership | None:
    """The user's membership row in this space (any status), memoised per request on the user."""
    standing = get_standing(user)
    if not standing.is_authenticated:
        return None
    cache: dict[int, Membership | None] = user.__dict__.setdefault("_tripartite_memberships", {})
    if space.pk not in cache:
        cache[space.pk] = Membership.objects.filter(user_id=user.pk, space_id=space.pk).first()
    return cache[space.pk]


def forget_memberships(user) -> None:
    if user is not None:
        user.__dict__.pop("_tripartite_memberships", None)


def _is_active_member(user, space: Space) -> bool:
    # Same rule as _active_membership_q: a membership counts only under the verified
    # affiliation it was granted under.
    standing = get_standing(user)
    if not standing.is_verified:
        return False
    membership = membership_of(user, space)
    return (
        membership is not None
        and membership.status == ACTIVE
        and membership.affiliation_id == standing.affiliation_id
    )


def is_eligible(user, space: Space) -> bool:
    standing = get_standing(user)
    if not standing.is_verified or standing.constituency not in ELIGIBILITY_FIELDS:
        return False
    if not space.is_open_to(standing.constituency):
        return False
    if standing.constituency in TRIPARTITE_GROUPS and space.country_id is not None:
        return space.country_id == standing.country_id
    return True


def can_read_space(user, space: Space) -> bool:
    if space.is_public and not space.is_caucus:
        return True
    standing = get_standing(user)
    if not standing.is_authenticated:
        return False
    if standing.is_staff and not space.is_caucus:
        return True
    return _is_active_member(user, space)


def can_discover_space(user, space: Space) -> bool:
    return can_read_space(user, space) or is_eligible(user, space)


def can_write_in_space(user, space: Space) -> bool:
    standing = get_standing(user)
    return standing.is_verified and _is_active_member(user, space)


def can_moderate_space(user, space: Space) -> bool:
    standing = get_standing(user)
    if not standing.is_authenticated:
        return False
    if standing.is_staff and not space.is_caucus:
        return True
    membership = membership_of(user, space)
    return (
        standing.is_verified
        and membership is not None
        and membership.status == ACTIVE
        and membership.role == Membership.Role.MODERATOR
        and membership.affiliation_id == standing.affiliation_id
    )


def can_see_members(user, space: Space) -> bool:
    """Member lists: people who may see people (verified users, and staff — as for profiles,
    ``accounts.permissions.can_see_people``) and who may read the space (so never staff in a
    caucus)."""
    return can_see_people(user) and can_read_space(user, space)


def _blocked_from_self_service(membership: Membership | None) -> bool:
    # A removed member does not rejoin by themselves; a moderator must invite them again.
    # Pending and invited rows are handled by their own flows.
    return membership is not None and membership.status in (
        ACTIVE,
        Membership.Status.REMOVED,
        Membership.Status.PENDING,
        Membership.Status.INVITED,
    )


def can_join_space(user, space: Space) -> bool:
    """Join at once (open spaces; never a caucus)."""
    if space.is_caucus or space.join_policy != Space.JoinPolicy.OPEN:
        return False
    return is_eligible(user, space) and not _blocked_from_self_service(membership_of(user, space))


def can_request_to_join(user, space: Space) -> bool:
    """Ask to join (approval spaces, caucuses included)."""
    if space.join_policy != Space.JoinPolicy.APPROVAL:
        return False
    return is_eligible(user, space) and not _blocked_from_self_service(membership_of(user, space))


def can_leave_space(user, space: Space) -> bool:
    return _is_active_member(user, space)


def can_respond_to_invitation(user, space: Space) -> bool:
    membership = membership_of(user, space)
    return (
        membership is not None
        and membership.status == Membership.Status.INVITED
        and get_standing(user).is_verified
    )


def can_view_audit_log(user, space: Space) -> bool:
    """A space's audit entries: its own moderators; staff for spaces that are not caucuses."""
    return can_moderate_space(user, space)


# --- Fetch and authorize in one step ----------------------------------------------------------


def get_space_for_user(user, slug: str, *, need: str = "read") -> Space:
    """The space with this slug if the user may ``need`` it (discover/read/write/moderate).

    Missing and forbidden both raise Http404, so a hidden space is indistinguishable from one
    that does not exist.
    """
    querysets = {
        "discover": discoverable_spaces,
        "read": readable_spaces,
        "write": writable_spaces,
        "moderate": moderated_spaces,
    }
    try:
        space = querysets[need](user).select_related("parent", "country").get(slug=slug)
    except Space.DoesNotExist:
        raise Http404("No such space.") from None
    return space
