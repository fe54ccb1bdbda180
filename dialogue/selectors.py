"""Reads for the dialogue pages. Every query starts from ``dialogue.permissions`` and costs a
constant number of queries, whatever the number of spaces or members."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, When
from django.utils.translation import gettext_lazy as _

from accounts.models import TRIPARTITE_GROUPS, Affiliation, Constituency
from accounts.permissions import get_standing
from dialogue import permissions
from dialogue.models import Membership, Space

ACTIVE = Membership.Status.ACTIVE


# --- Directory --------------------------------------------------------------------------------


@dataclass
class DirectoryGroup:
    """One heading of the directory: a country, or the regional spaces."""

    title: str
    spaces: list[Space] = field(default_factory=list)


def directory_spaces(user) -> QuerySet[Space]:
    """Discoverable spaces, each annotated with the user's own membership (``my_status``,
    ``my_role``) and, only where the user may read the space, ``member_count`` (None
    otherwise, so a caucus's size never leaves the database for an outsider)."""
    standing = get_standing(user)
    qs = permissions.discoverable_spaces(user).select_related("country", "parent")
    if standing.is_authenticated:
        mine = Membership.objects.filter(space_id=OuterRef("pk"), user_id=standing.user_id)
        qs = qs.annotate(
            my_status=Subquery(mine.values("status")[:1]),
            my_role=Subquery(mine.values("role")[:1]),
        )
    counted = (
        Membership.objects.filter(space_id=OuterRef("pk"), status=ACTIVE)
        .exclude(role=Membership.Role.ADVISER)
        .order_by()
        .values("space_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    readable = permissions.readable_spaces(user).values("pk")
    return qs.annotate(
        member_count=Case(
            When(pk__in=readable, then=Subquery(counted, output_field=IntegerField())),
            default=None,
            output_field=IntegerField(),
        )
    ).order_by("name")


def directory_for(user) -> list[DirectoryGroup]:
    """Discoverable spaces grouped by country (each country space with its caucuses nested
    beneath it) and a final "Regional" group. A caucus whose parent the user cannot discover
    is listed on its own in its group."""
    spaces = list(directory_spaces(user))
    by_id = {space.pk: space for space in spaces}
    for space in spaces:
        space.caucuses = []
        if not hasattr(space, "my_status"):
            space.my_status = None
            space.my_role = None
    countries: dict[int, DirectoryGroup] = {}
    regional = DirectoryGroup(title=str(_("Regional")))
    for space in spaces:
        if space.is_caucus and space.parent_id in by_id:
            by_id[space.parent_id].caucuses.append(space)
            continue
        if space.country_id is None:
            regional.spaces.append(space)
        else:
            group = countries.setdefault(space.country_id, DirectoryGroup(title=space.country.name))
            group.spaces.append(space)
    groups = sorted(countries.values(), key=lambda g: g.title)
    if regional.spaces:
        groups.append(regional)
    return groups


# --- Space home -------------------------------------------------------------------------------


@dataclass
class GroupCount:
    constituency: str
    label: str
    count: int


@dataclass
class SpaceMembers:
    """Counts for any reader; the lists only for those who may see members."""

    group_counts: list[GroupCount]  # government, employers, workers
    observer_count: int
    secretariat_count: int
    adviser_count: int
    moderators: list[Membership]
    by_group: list[tuple[str, list[Membership]]]  # label → members, tripartite groups first
    observers: list[Membership]
    secretariat: list[Membership]
    advisers: list[Membership]
    shows_people: bool


def _constituency(membership: Membership) -> str | None:
    affiliation = membership.affiliation
    return affiliation.organization.constituency if affiliation is not None else None


def active_memberships(space: Space) -> QuerySet[Membership]:
    """Active memberships with the person and the organization they stand on (one query)."""
    return (
        Membership.objects.filter(space=space, status=ACTIVE)
        .select_related("user", "affiliation__organization")
        .order_by("user__display_name", "user__email")
    )


def space_members(user, space: Space) -> SpaceMembers:
    """Member figures for a reader of ``space``. Call only after ``can_read_space``.

    Advisers are badged and never counted in group figures; observers and the secretariat are
    shown apart from the three groups."""
    rows = (
        Membership.objects.filter(space=space, status=ACTIVE)
        .order_by()
        .values("role", "affiliation__organization__constituency")
        .annotate(n=Count("pk"))
    )
    counts: dict[str, int] = defaultdict(int)
    adviser_count = 0
    for row in rows:
        if row["role"] == Membership.Role.ADVISER:
            adviser_count += row["n"]
        else:
            counts[row["affiliation__organization__constituency"] or ""] += row["n"]
    # A caucus belongs to one group: the other two figures would always read 0.
    groups = (space.caucus_group,) if space.is_caucus and space.caucus_group else TRIPARTITE_GROUPS
    group_counts = [
        GroupCount(constituency=g, label=str(Constituency(g).label), count=counts[g])
        for g in groups
    ]
    shows_people = permissions.can_see_members(user, space)
    moderators: list[Membership] = []
    grouped: dict[str, list[Membership]] = defaultdict(list)
    observers: list[Membership] = []
    secretariat: list[Membership] = []
    advisers: list[Membership] = []
    if shows_people:
        for membership in active_memberships(space):
            if membership.role == Membership.Role.MODERATOR:
                moderators.append(membership)
            if membership.role == Membership.Role.ADVISER:
                advisers.append(membership)
                continue
            constituency = _constituency(membership)
            if constituency == Constituency.OBSERVER:
                observers.append(membership)
            elif constituency == Constituency.SECRETARIAT:
                secretariat.append(membership)
            else:
                grouped[constituency or ""].append(membership)
    by_group = [(str(Constituency(g).label), grouped[g]) for g in TRIPARTITE_GROUPS if grouped[g]]
    if grouped[""]:
        by_group.append((str(_("Other")), grouped[""]))
    return SpaceMembers(
        group_counts=group_counts,
        observer_count=counts[Constituency.OBSERVER],
        secretariat_count=counts[Constituency.SECRETARIAT],
        adviser_count=adviser_count,
        moderators=moderators,
        by_group=by_group,
        observers=observers,
        secretariat=secretariat,
        advisers=advisers,
        shows_people=shows_people,
    )


def child_spaces(user, space: Space) -> QuerySet[Space]:
    """Children of ``space`` the user may discover (a caucus is never listed to others)."""
    return permissions.discoverable_spaces(user).filter(parent=space).order_by("name")


# --- Member management -------------------------------------------------------------------------


def _verified_affiliations() -> Prefetch:
    return Prefetch(
        "user__affiliations",
        queryset=Affiliation.objects.filter(status=Affiliation.Status.VERIFIED).select_related(
            "organization"
        ),
        to_attr="verified_affiliations",
    )


def pending_requests(space: Space) -> QuerySet[Membership]:
    """Requests awaiting a moderator, with the requester's verified organization prefetched
    (a pending row does not yet stand on an affiliation)."""
    return (
        Membership.objects.filter(space=space, status=Membership.Status.PENDING)
        .select_related("user")
        .prefetch_related(_verified_affiliations())
        .order_by("created_at")
    )


def is_last_moderator(membership: Membership) -> bool:
    """No other active moderator in the membership's space."""
    return not (
        Membership.objects.filter(
            space_id=membership.space_id, status=ACTIVE, role=Membership.Role.MODERATOR
        )
        .exclude(pk=membership.pk)
        .exists()
    )


def pending_request_count(space: Space) -> int:
    """How many requests to join wait for the space's moderators (for its moderators only)."""
    return Membership.objects.filter(space=space, status=Membership.Status.PENDING).count()


def open_invitations(space: Space) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(space=space, status=Membership.Status.INVITED)
        .select_related("user", "acted_by")
        .order_by("-updated_at")
    )


def caucuses_by_name() -> QuerySet[Space]:
    """Caucuses for staff's first-moderator page: names only (``only``), nothing else."""
    return Space.objects.filter(kind=Space.Kind.CAUCUS).only("pk", "name", "slug").order_by("name")


__all__ = [
    "DirectoryGroup",
    "SpaceMembers",
    "active_memberships",
    "caucuses_by_name",
    "child_spaces",
    "directory_for",
    "directory_spaces",
    "is_last_moderator",
    "open_invitations",
    "pending_request_count",
    "pending_requests",
    "space_members",
]
