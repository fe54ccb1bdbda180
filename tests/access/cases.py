"""The canary crawl's cases: for every URL pattern, how to fill its keyword arguments from the
test world and which methods to try.

**Adding a URL pattern? Add its case here**, or tests/test_canary_crawl.py fails and lists
it. A case maps each keyword argument to a *provider*: a function of the world returning
``Value``s. Give a value ``hidden=`` — a predicate on the requesting user that is true when
the object must look as if it did not exist to them (e.g. ``not can_discover_space``) — and
the crawl checks that the object answers exactly like a missing one, and never 200 or 403.

GET is always tried; an endpoint that accepts POST (a form or an action) says so with
``.posting()`` and also gets an empty POST.

Cases are keyed by URL name (``"dialogue:space"``), or by route for unnamed patterns;
``PREFIX_CASES`` cover whole third-party trees (the admin site).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from accounts.models import Affiliation, AffiliationInvitation, User
from dialogue.models import Membership
from dialogue.permissions import can_discover_space
from tests.world import World

# --- Values and providers ---------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    value: object
    hidden: Callable[[User | None], bool] | None = None
    label: str = ""


Provider = Callable[[World], list[Value]]


@dataclass(frozen=True)
class Case:
    values: dict[str, Provider] = field(default_factory=dict)
    # GET always; endpoints that accept POST (forms and actions) also get an empty POST, which
    # must change nothing in the caucus and leak nothing. Use ``.posting()`` for those.
    methods: tuple[str, ...] = ("get",)
    # False for the admin site: operators with admin access are the documented exception.
    crawl_as_staff: bool = True
    # Limit the crawl to these roles when every other role is answered the same way (the
    # admin site turns away every non-staff account alike); None: every outsider.
    only_roles: tuple[str, ...] | None = None

    def posting(self) -> Case:
        """The same case, for an endpoint that accepts POST."""
        return Case(self.values, ("get", "post"), self.crawl_as_staff, self.only_roles)


# Spaces the crawl requests: the caucus under test, another country's caucus, the caucus's
# parent (public), a members-only space that is not a caucus.
CRAWLED_SPACES = ("in-workers", "jp-workers", "in", "in-private")


def hidden_unless_discoverable(space) -> Callable[[User | None], bool]:
    """Anything in a space the user may not discover must look as if it did not exist."""
    return lambda user: not can_discover_space(user, space)


def space_slugs(*keys: str) -> Provider:
    def provide(world: World) -> list[Value]:
        return [
            Value(
                world.space(key).slug,
                hidden=hidden_unless_discoverable(world.space(key)),
                label=key,
            )
            for key in keys or CRAWLED_SPACES
        ]

    return provide


def caucus_memberships(world: World) -> list[Value]:
    """Rows of the caucus (an active member, the pending request carrying the canary) and one
    row of its parent space."""
    caucus = world.space("in-workers")
    rows = [
        Membership.objects.get(space=caucus, user=world.user(key))
        for key in ("member", "canary-requester")
    ]
    rows.append(Membership.objects.get(space=world.space("in"), user=world.user("member")))
    return [Value(m.pk, hidden=hidden_unless_discoverable(m.space), label=str(m)) for m in rows]


# People whose profiles must not reveal the caucus: its moderator, a member, its adviser,
# the person whose request carries the canary.
CAUCUS_PEOPLE = ("caucus-moderator", "member", "adviser", "canary-requester")


def caucus_people(world: World) -> list[Value]:
    return [Value(world.user(key).pk, label=key) for key in CAUCUS_PEOPLE]


def affiliations(world: World) -> list[Value]:
    """A pending request, a caucus member's verified affiliation, the canary requester's."""
    rows = [
        Affiliation.objects.filter(user=world.user(key), status=status).first()
        for key, status in (
            ("pending", Affiliation.Status.PENDING),
            ("member", Affiliation.Status.VERIFIED),
            ("canary-requester", Affiliation.Status.VERIFIED),
        )
    ]
    return [Value(a.pk, label=str(a)) for a in rows if a is not None]


def invitations(world: World) -> list[Value]:
    return [Value(i.pk, label=str(i)) for i in AffiliationInvitation.objects.all()]


def invitation_tokens(world: World) -> list[Value]:
    return [Value(i.token, label=str(i)) for i in AffiliationInvitation.objects.all()] + [
        Value("not-a-token")
    ]


def constant(*values: object) -> Provider:
    return lambda world: [Value(v) for v in values]


def admin_objects(world: World) -> list[Value]:
    # One id is enough: admin_view sends non-staff to the admin login before any lookup.
    return [Value(world.space("in-workers").pk)]


def admin_content_types(world: World) -> list[Value]:
    from django.contrib.contenttypes.models import ContentType

    from dialogue.models import Space

    return [Value(ContentType.objects.get_for_model(Space).pk)]


def admin_app_labels(world: World) -> list[Value]:
    # Only the labels the app_list regex accepts resolve; the crawl drops the others.
    return [Value(label) for label in ("dialogue", "accounts", "audit", "auth")]


def admin_catch_all(world: World) -> list[Value]:
    # A path no registered model claims, so it reaches the catch-all pattern itself.
    return [Value("no-such-page/")]


# --- Cases --------------------------------------------------------------------------------------

# What a user who may discover a space but not read it (its join page) may reach, by URL name.
# The space's page renders as the join page (name and request button); the membership actions
# need only discover, and their services refuse what the user may not do. Every other page of
# the space answers as if the space did not exist (tests/test_canary_crawl.py checks it).
DISCOVER_ONLY_PAGES = (
    "dialogue:space",
    "dialogue:request",
    "dialogue:cancel_request",
    "dialogue:join",
    "dialogue:leave",
    "dialogue:respond_invitation",
)

NO_ARGUMENTS = Case()
SPACE_PAGE = Case(values={"slug": space_slugs()})
SPACE_MEMBER_ACTION = Case(
    values={"slug": space_slugs("in-workers", "in"), "pk": caucus_memberships}
)
PERSON = Case(values={"pk": caucus_people})
AFFILIATION = Case(values={"pk": affiliations})

CASES: dict[str, Case] = {
    # dialogue
    "dialogue:directory": NO_ARGUMENTS,
    "dialogue:space": SPACE_PAGE,
    "dialogue:join": SPACE_PAGE.posting(),
    "dialogue:request": SPACE_PAGE.posting(),
    "dialogue:cancel_request": SPACE_PAGE.posting(),
    "dialogue:leave": SPACE_PAGE.posting(),
    "dialogue:respond_invitation": SPACE_PAGE.posting(),
    "dialogue:members": SPACE_PAGE.posting(),
    "dialogue:invite": SPACE_PAGE.posting(),
    "dialogue:admit_adviser": SPACE_PAGE.posting(),
    "dialogue:approve": SPACE_MEMBER_ACTION.posting(),
    "dialogue:reject": SPACE_MEMBER_ACTION.posting(),
    "dialogue:remove": SPACE_MEMBER_ACTION.posting(),
    "dialogue:set_role": SPACE_MEMBER_ACTION.posting(),
    "dialogue:space_audit": SPACE_PAGE,
    "dialogue:staff_audit": NO_ARGUMENTS,
    "dialogue:staff_caucuses": NO_ARGUMENTS.posting(),
    "dialogue:staff_countries": NO_ARGUMENTS.posting(),
    # accounts (people/)
    "accounts:profile_edit": NO_ARGUMENTS.posting(),
    "accounts:profile": PERSON,
    "accounts:profile_activity": PERSON,
    "accounts:deactivate_user": PERSON.posting(),
    "accounts:affiliations": NO_ARGUMENTS.posting(),
    "accounts:withdraw_affiliation": AFFILIATION.posting(),
    "accounts:focal_point": NO_ARGUMENTS.posting(),
    "accounts:verify_affiliation": AFFILIATION.posting(),
    "accounts:reject_affiliation": AFFILIATION.posting(),
    "accounts:revoke_affiliation": AFFILIATION.posting(),
    "accounts:appoint_focal_point": AFFILIATION.posting(),
    "accounts:remove_focal_point": AFFILIATION.posting(),
    "accounts:invite_colleague": NO_ARGUMENTS.posting(),
    "accounts:cancel_invitation": Case(values={"pk": invitations}).posting(),
    "accounts:accept_invitation": Case(values={"token": invitation_tokens}).posting(),
    # allauth (accounts/): sign-up, login, email, password, two-factor
    "account_login": NO_ARGUMENTS.posting(),
    "account_logout": NO_ARGUMENTS.posting(),
    "account_inactive": NO_ARGUMENTS,
    "account_signup": NO_ARGUMENTS.posting(),
    "account_reauthenticate": NO_ARGUMENTS.posting(),
    # allauth 65.22: reauthenticating by a code sent by email (off here: login by code is not
    # enabled, and the views must still leak nothing to anyone).
    "account_request_reauthentication_code": NO_ARGUMENTS.posting(),
    "account_confirm_reauthentication_code": NO_ARGUMENTS.posting(),
    "account_email": NO_ARGUMENTS.posting(),
    "account_email_verification_sent": NO_ARGUMENTS,
    "account_confirm_email": Case(values={"key": constant("not-a-key")}).posting(),
    "account_change_password": NO_ARGUMENTS.posting(),
    "account_set_password": NO_ARGUMENTS.posting(),
    "account_reset_password": NO_ARGUMENTS.posting(),
    "account_reset_password_done": NO_ARGUMENTS,
    "account_reset_password_from_key": Case(
        values={"uidb36": constant("1z"), "key": constant("set-password")}
    ).posting(),
    "account_reset_password_from_key_done": NO_ARGUMENTS,
    "account_confirm_login_code": NO_ARGUMENTS.posting(),
    "mfa_index": NO_ARGUMENTS,
    "mfa_authenticate": NO_ARGUMENTS.posting(),
    "mfa_reauthenticate": NO_ARGUMENTS.posting(),
    "mfa_activate_totp": NO_ARGUMENTS.posting(),
    "mfa_deactivate_totp": NO_ARGUMENTS.posting(),
    "mfa_view_recovery_codes": NO_ARGUMENTS,
    "mfa_generate_recovery_codes": NO_ARGUMENTS.posting(),
    "mfa_download_recovery_codes": NO_ARGUMENTS,
    # Django
    "set_language": NO_ARGUMENTS.posting(),
    "javascript-catalog": NO_ARGUMENTS,
    # site (config/views.py): constant text, the benchmark's baseline
    "healthz": NO_ARGUMENTS,
    # a redirect to the static icon, the same for everyone
    "favicon": NO_ARGUMENTS,
    # search: the crawl requests the bare page; tests/search/test_canary_search.py searches
    # for the canary itself (results, counts, facets, filters) as every outsider
    "search:search": NO_ARGUMENTS,
}


# --- Notifications (the canary notifications: tests.world.seed_notification_canary) -----------


def _follow_threads(world: World) -> list[Value]:
    from tests.forums.canary import _threads

    return _threads(world)


def _unsubscribe_tokens(world: World) -> list[Value]:
    """A caucus member's real tokens (a kind and a digest) and a forged one."""
    from notifications.tokens import make_unsubscribe_token

    member = world.user("member")
    return [
        Value(make_unsubscribe_token(member.pk, "forum.reply"), label="member reply token"),
        Value(make_unsubscribe_token(member.pk, "digest.daily"), label="member digest token"),
        Value("not-a-token"),
    ]


CASES.update(
    {
        "notifications:list": NO_ARGUMENTS,
        "notifications:mark_read": NO_ARGUMENTS.posting(),
        "notifications:settings": NO_ARGUMENTS.posting(),
        "notifications:follow_space": SPACE_PAGE.posting(),
        "notifications:follow_thread": Case(values={"pk": _follow_threads}).posting(),
        "notifications:unsubscribe": Case(values={"token": _unsubscribe_tokens}).posting(),
    }
)

# The admin site: every pattern, however many models get registered. Crawled as non-staff only
# (they are sent to the admin login); staff's admin access is the documented exception
# (docs/access.md). admin_view checks only is_active and is_staff, turning every method and
# every other account away alike: GET, as an anonymous visitor, a verified moderator and an
# account with a stale membership is enough.
PREFIX_CASES: dict[str, Case] = {
    "admin/": Case(
        values={
            "object_id": admin_objects,
            "content_type_id": admin_content_types,
            "app_label": admin_app_labels,
            "url": admin_catch_all,
        },
        methods=("get",),
        crawl_as_staff=False,
        only_roles=("anonymous", "moderator", "stale-member"),
    ),
}


def _forum_cases() -> dict[str, Case]:
    """The forums' cases live with their seed (tests/forums/canary.py); here they are merged,
    with POST for the endpoints that accept it."""
    from tests.forums.canary import forum_cases

    accepts_post = {
        "forums:new_thread", "forums:reply", "forums:moderate", "forums:edit_post",
        "forums:delete_post", "forums:support_post", "forums:hide_post", "forums:restore_post",
    }  # fmt: skip
    return {
        name: case.posting() if name in accepts_post and "post" not in case.methods else case
        for name, case in forum_cases().items()
    }


CASES.update(_forum_cases())


# --- Site socket topics -------------------------------------------------------------------------

# For every topic prefix registered in ``dialogue.topics``, the caucus objects an outsider
# must not be able to subscribe to (object ids). A prefix without an entry fails the crawl.


def _caucus_threads(world: World) -> list[Value]:
    from forums.models import Thread

    return [Value(t.pk) for t in Thread.objects.filter(space=world.space("in-workers"))]


TOPIC_CASES: dict[str, Provider] = {
    "space": lambda world: [Value(world.space("in-workers").pk)],
    "thread": _caucus_threads,
}


def case_for(pattern) -> Case | None:
    case = CASES.get(pattern.key)
    if case is not None:
        return case
    for prefix, prefix_case in PREFIX_CASES.items():
        if pattern.route.startswith(prefix):
            return prefix_case
    return None
