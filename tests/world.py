"""A small, complete cast for access tests: two countries with their spaces and caucuses, and
one person for every role the permission matrix names."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from accounts import services as account_services
from accounts.models import Affiliation, Constituency, Organization, User
from dialogue import services as dialogue_services
from dialogue.models import Membership, Space
from tests.factories import make_user, verify, verified_user

CANARY = "CANARY-7f3a9c-caucus-secret"


@dataclass
class World:
    spaces: dict[str, Space] = field(default_factory=dict)
    orgs: dict[str, Organization] = field(default_factory=dict)
    users: dict[str, User | None] = field(default_factory=dict)

    def space(self, key: str) -> Space:
        return self.spaces[key]

    def user(self, key: str) -> User | None:
        return self.users[key]


def build_world() -> World:
    """India (IN) and Japan (JP), each with a public country space and three caucuses; a
    regional public space; a members-only country working group; a cast of users.

    Space keys: ``in``, ``in-workers`` (the caucus everyone is tested against), ``in-employers``,
    ``in-government``, ``jp``, ``jp-workers``, ``regional``, ``in-private`` (members-only,
    approval, not a caucus).
    """
    w = World()
    with transaction.atomic():
        staff = make_user("staff@example.org", is_staff=True, display_name="Staff Admin")
        india, in_space, in_caucuses = dialogue_services.add_country(
            actor=None, code="IN", name="India", time_zone="Asia/Kolkata"
        )
        japan, jp_space, jp_caucuses = dialogue_services.add_country(
            actor=None, code="JP", name="Japan", time_zone="Asia/Tokyo"
        )
        w.spaces["in"] = in_space
        w.spaces["jp"] = jp_space
        for caucus in in_caucuses:
            w.spaces[f"in-{caucus.caucus_group}"] = caucus
        for caucus in jp_caucuses:
            w.spaces[f"jp-{caucus.caucus_group}"] = caucus
        w.spaces["regional"] = dialogue_services.create_space(
            actor=None,
            name="Regional peer learning",
            slug="regional",
            kind=Space.Kind.REGIONAL,
            visibility=Space.Visibility.PUBLIC,
            join_policy=Space.JoinPolicy.OPEN,
        )
        w.spaces["in-private"] = dialogue_services.create_space(
            actor=None,
            name="India labour-code working group",
            slug="in-private",
            kind=Space.Kind.COUNTRY,
            country=india,
            visibility=Space.Visibility.MEMBERS,
            join_policy=Space.JoinPolicy.APPROVAL,
        )

        def org(key: str, constituency: str, country=None) -> Organization:
            w.orgs[key] = Organization.objects.create(
                name=f"{key} organization", acronym=key.upper(), constituency=constituency, country=country
            )
            return w.orgs[key]

        for c_key, country in (("in", india), ("jp", japan)):
            org(f"{c_key}-government", Constituency.GOVERNMENT, country)
            org(f"{c_key}-employers", Constituency.EMPLOYERS, country)
            org(f"{c_key}-workers", Constituency.WORKERS, country)
        org("ilo", Constituency.SECRETARIAT)
        org("jetro", Constituency.OBSERVER, japan)

        u = w.users
        u["anonymous"] = None
        u["staff"] = staff
        u["unverified"] = make_user("unverified@example.org")
        u["pending"] = make_user("pending@example.org")
        account_services.request_affiliation(user=u["pending"], organization=w.orgs["in-workers"])
        for group in ("government", "employers", "workers"):
            u[f"in-{group}"] = verified_user(w.orgs[f"in-{group}"], email=f"in-{group}@example.org")
            u[f"jp-{group}"] = verified_user(w.orgs[f"jp-{group}"], email=f"jp-{group}@example.org")
        u["observer"] = verified_user(w.orgs["jetro"], email="observer@example.org")
        u["secretariat"] = verified_user(w.orgs["ilo"], email="secretariat@example.org")
        u["focal-point"] = verified_user(
            w.orgs["in-workers"], focal_point=True, email="focal@example.org"
        )
        u["member"] = verified_user(w.orgs["in-workers"], email="member@example.org")
        u["moderator"] = verified_user(w.orgs["in-government"], email="moderator@example.org")
        u["caucus-moderator"] = verified_user(w.orgs["in-workers"], email="caucus-mod@example.org")
        u["adviser"] = verified_user(w.orgs["ilo"], email="adviser@example.org")
        u["caucus-pending"] = verified_user(w.orgs["in-workers"], email="caucus-pending@example.org")
        u["removed"] = verified_user(w.orgs["in-workers"], email="removed@example.org")
        u["revoked"] = verified_user(w.orgs["in-workers"], email="revoked@example.org")
        u["deactivated"] = verified_user(w.orgs["in-workers"], email="deactivated@example.org")

        caucus = w.spaces["in-workers"]
        private = w.spaces["in-private"]
        in_space = w.spaces["in"]

        dialogue_services.appoint_caucus_moderator(actor=staff, space=caucus, user=u["caucus-moderator"])
        _activate(in_space, u["moderator"], Membership.Role.MODERATOR)
        _activate(private, u["moderator"], Membership.Role.MODERATOR)
        for key in ("member", "removed", "revoked", "deactivated"):
            _activate(in_space, u[key])
            _activate(caucus, u[key])
            _activate(private, u[key])
        dialogue_services.admit_adviser(actor=u["caucus-moderator"], space=caucus, user=u["adviser"])
        dialogue_services.request_to_join(user=u["caucus-pending"], space=caucus)
        dialogue_services.remove_member(
            actor=u["caucus-moderator"],
            membership=Membership.objects.get(space=caucus, user=u["removed"]),
            reason="test",
        )
        dialogue_services.remove_member(
            actor=u["moderator"],
            membership=Membership.objects.get(space=in_space, user=u["removed"]),
            reason="test",
        )
        dialogue_services.remove_member(
            actor=u["moderator"],
            membership=Membership.objects.get(space=private, user=u["removed"]),
            reason="test",
        )
        focal = u["focal-point"]
        account_services.revoke_affiliation(
            actor=focal,
            affiliation=Affiliation.objects.get(user=u["revoked"], status=Affiliation.Status.VERIFIED),
            reason="left the union",
        )
        account_services.deactivate_user(actor=staff, user=u["deactivated"], reason="test")
    for user in u.values():
        if user is not None:
            user.refresh_from_db()
    return w


def _activate(space: Space, user: User, role: str = Membership.Role.MEMBER) -> Membership:
    """Make ``user`` an active member directly (set-up only; flows are tested elsewhere)."""
    from accounts.permissions import get_standing

    membership, _ = Membership.objects.update_or_create(
        space=space,
        user=user,
        defaults={
            "status": Membership.Status.ACTIVE,
            "role": role,
            "affiliation_id": get_standing(user).affiliation_id,
        },
    )
    return membership


__all__ = ["CANARY", "CAUCUS_NAME_CANARY", "World", "build_world", "seed_canary", "verify"]


# --- Canary content (the canary crawl, tests/test_canary_crawl.py) ---------------------------

# Shown to the caucus's eligible outsiders (its join page) and to staff (who appoint its first
# moderator), and to nobody else outside it: the caucus's name carries this second marker.
CAUCUS_NAME_CANARY = "CANARY-NAME-51e0b2"


def seed_canary(w: World) -> World:
    """Put ``CANARY`` everywhere caucus content lives, in the ``in-workers`` caucus.

    Today: the caucus's description, a pending membership request's message, the reasons
    of the caucus's moderation entries in the audit log (a rejection and a removal), and its
    forum content (``tests.forums.canary``). The
    caucus's name carries ``CAUCUS_NAME_CANARY``. Adds the users ``canary-requester``
    (pending, with the message), ``canary-rejected`` and ``canary-removed``.

    Later issues append their caucus content here (threads, posts, attachments, tags used
    only in the caucus, meetings, room traffic, outcomes, events hosted there, …), each
    carrying ``CANARY``.
    """
    caucus = w.space("in-workers")
    moderator = w.user("caucus-moderator")
    workers = w.orgs["in-workers"]
    with transaction.atomic():
        Space.objects.filter(pk=caucus.pk).update(
            name=f"India workers' caucus {CAUCUS_NAME_CANARY}",
            description=f"Our position on the minimum wage: {CANARY}",
        )
        caucus.refresh_from_db()

        requester = verified_user(workers, email="canary-requester@example.org")
        dialogue_services.request_to_join(
            user=requester, space=caucus, message=f"Please admit me: {CANARY}"
        )

        rejected = verified_user(workers, email="canary-rejected@example.org")
        request = dialogue_services.request_to_join(user=rejected, space=caucus)
        dialogue_services.reject_request(
            actor=moderator, membership=request, reason=f"Rejected because {CANARY}"
        )

        removed = verified_user(workers, email="canary-removed@example.org")
        request = dialogue_services.request_to_join(user=removed, space=caucus)
        membership = dialogue_services.approve_request(actor=moderator, membership=request)
        dialogue_services.remove_member(
            actor=moderator, membership=membership, reason=f"Removed because {CANARY}"
        )
    w.users["canary-requester"] = requester
    w.users["canary-rejected"] = rejected
    w.users["canary-removed"] = removed
    seed_forum_canary(w)
    seed_notification_canary(w)
    return w


def seed_forum_canary(w: World) -> None:
    """Forums: their caucus content is seeded by ``tests.forums.canary`` (owned with the
    forums), which also provides the forum URL cases."""
    from tests.forums.canary import seed_forum_canary as seed

    seed(w)


def seed_notification_canary(w: World) -> None:
    """Notifications about the caucus's canary thread: to its members through the service,
    and — as if told before they lost access — to the removed and revoked members and to an
    outsider, written directly. Their lists must filter these out at read time."""
    from forums.models import Thread
    from notifications import services as notification_services
    from notifications.models import Notification

    thread = Thread.objects.get(pk=w.forum["caucus-thread"].pk)  # type: ignore[attr-defined]
    post = thread.posts.get(number=2)
    caucus = w.space("in-workers")
    members = [w.user("member"), w.user("adviser")]
    common = {"space": caucus, "thread": thread, "post": post}
    notification_services.notify(
        recipients=members,
        kind="forum.reply",
        dedupe_key="canary-reply",
        actor=w.user("caucus-moderator"),
        **common,
    )
    for key in ("removed", "revoked", "in-employers", "staff"):
        for kind in ("forum.reply", "forum.mention", "forum.new_thread", "forum.moderation"):
            Notification.objects.create(
                recipient=w.user(key), kind=kind, dedupe_key=f"canary-{kind}",
                actor=w.user("caucus-moderator"), **common,
            )  # fmt: skip
