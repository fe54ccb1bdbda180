"""The permission matrix: who may do what in which space, as a table a reviewer can check at a
glance against ../shared/DESIGN.md ("Access rules") and docs/access.md (the same table, with the
reasons).

Each cell is six letters, one per ability, a dash where the ability is absent:

    D  discover   the name shows in the directory; the space's page answers (for a
                  members-only space the user cannot read, that page is the join page)
    R  read       content, counts (and members, for verified users: ``can_see_members``)
    W  write      post; take part
    J  join       join at once (open spaces; never a caucus)
    Q  request    ask to join (approval spaces, caucuses included)
    M  moderate   act on members and content; every action audited

A space the user may not discover is hidden: 404 on every page (the canary crawl checks it).

The test checks every cell against the predicates in ``dialogue.permissions`` and checks
that the querysets every list page starts from (``discoverable_spaces``, ``readable_spaces``,
``writable_spaces``, ``moderated_spaces``) agree with the predicates for every user and every
space, so a list page and a detail page can never disagree.
"""

from __future__ import annotations

import pytest

from accounts.models import User
from accounts.permissions import can_see_people
from audit.models import AuditEntry
from audit.permissions import visible_audit_entries
from dialogue import permissions as p
from dialogue.models import Space
from tests.access import cases, fixtures

module_world = fixtures.module_world

# Columns: the India public country space, a members-only India working group, the India
# workers' caucus (the caucus under test), the India employers' caucus, Japan's workers'
# caucus, the public regional peer-learning space.
SPACES = ("in", "in-private", "in-workers", "in-employers", "jp-workers", "regional")

# fmt: off
MATRIX: dict[str, tuple[str, str, str, str, str, str]] = {
    #                    in        in-private  in-workers  in-employers jp-workers  regional
    "anonymous":        ("DR----", "------",   "------",   "------",    "------",   "DR----"),
    "unverified":       ("DR----", "------",   "------",   "------",    "------",   "DR----"),
    "pending":          ("DR----", "------",   "------",   "------",    "------",   "DR----"),
    "in-government":    ("DR-J--", "D---Q-",   "------",   "------",    "------",   "DR-J--"),
    "in-employers":     ("DR-J--", "D---Q-",   "------",   "D---Q-",    "------",   "DR-J--"),
    "in-workers":       ("DR-J--", "D---Q-",   "D---Q-",   "------",    "------",   "DR-J--"),
    "jp-government":    ("DR----", "------",   "------",   "------",    "------",   "DR-J--"),
    "jp-employers":     ("DR----", "------",   "------",   "------",    "------",   "DR-J--"),
    "jp-workers":       ("DR----", "------",   "------",   "------",    "D---Q-",   "DR-J--"),
    "observer":         ("DR-J--", "D---Q-",   "------",   "------",    "------",   "DR-J--"),
    "secretariat":      ("DR-J--", "D---Q-",   "------",   "------",    "------",   "DR-J--"),
    "adviser":          ("DR-J--", "D---Q-",   "DRW---",   "------",    "------",   "DR-J--"),
    "focal-point":      ("DR-J--", "D---Q-",   "D---Q-",   "------",    "------",   "DR-J--"),
    "member":           ("DRW---", "DRW---",   "DRW---",   "------",    "------",   "DR-J--"),
    "moderator":        ("DRW--M", "DRW--M",   "------",   "------",    "------",   "DR-J--"),
    "caucus-moderator": ("DR-J--", "D---Q-",   "DRW--M",   "------",    "------",   "DR-J--"),
    "caucus-pending":   ("DR-J--", "D---Q-",   "D-----",   "------",    "------",   "DR-J--"),
    "removed":          ("DR----", "D-----",   "D-----",   "------",    "------",   "DR-J--"),
    "revoked":          ("DR----", "------",   "------",   "------",    "------",   "DR----"),
    "deactivated":      ("DR----", "------",   "------",   "------",    "------",   "DR----"),
    "stale-member":     ("DR----", "------",   "------",   "------",    "------",   "DR----"),
    "switched":         ("DR----", "D---Q-",   "------",   "D---Q-",    "------",   "DR-J--"),
    "staff":            ("DR---M", "DR---M",   "------",   "------",    "------",   "DR---M"),
}
# fmt: on
# Who the rows are (tests/world.py builds them):
#   in-/jp-<group>    verified user of that group's organization in India / Japan, no memberships
#   observer          verified at JETRO (observer, Japan); secretariat: verified at the ILO
#   adviser           ILO staff admitted to the India workers' caucus as caucus adviser
#   focal-point       focal point of the India trade-union federation, no memberships
#   member            India workers' union member; active in ``in``, ``in-private`` and the caucus
#   moderator         India government; moderates ``in`` and ``in-private`` (the caucus's parent)
#   caucus-moderator  India workers; moderates the caucus only
#   caucus-pending    India workers; asked to join the caucus, not yet approved
#   removed           India workers; removed from ``in``, ``in-private`` and the caucus
#   revoked           was a member everywhere ``member`` is; the affiliation was revoked
#   deactivated       was a member everywhere ``member`` is; the account was deactivated
#   stale-member      active memberships left standing after the affiliation was revoked
#                     behind the services' back (admin/database): they must give nothing
#   switched          caucus moderator whose workers' affiliation was replaced by an employers'
#                     one behind the services' back: an India employer, nothing more (the
#                     stale row in ``in`` still blocks joining it at once: a moderator must act)
#   staff             platform staff, no affiliation

# Pages a discover-only user (e.g. ``in-workers`` on the caucus) may open: the space's page,
# which shows the join page (name and a request button, nothing else), and the membership
# actions (request, cancel, …), whose services refuse what the user may not do. Every other
# page of the space answers as if it did not exist (checked by the canary crawl's
# test_a_discover_only_user_reaches_only_the_join_page_and_membership_actions).
DISCOVER_ONLY_PAGES = cases.DISCOVER_ONLY_PAGES

LETTERS = "DRWJQM"
PREDICATES = (
    p.can_discover_space,
    p.can_read_space,
    p.can_write_in_space,
    p.can_join_space,
    p.can_request_to_join,
    p.can_moderate_space,
)
QUERYSETS = {
    p.can_discover_space: p.discoverable_spaces,
    p.can_read_space: p.readable_spaces,
    p.can_write_in_space: p.writable_spaces,
    p.can_moderate_space: p.moderated_spaces,
}


def fresh(user: User | None) -> User | None:
    """A new instance per check: standing and memberships are memoised on the user object."""
    return None if user is None else User.objects.get(pk=user.pk)


def abilities(user: User | None, space: Space) -> str:
    return "".join(
        letter if predicate(user, space) else "-"
        for letter, predicate in zip(LETTERS, PREDICATES, strict=True)
    )


CELLS = [
    pytest.param(role, space, expected, id=f"{role}-{space}")
    for role, row in MATRIX.items()
    for space, expected in zip(SPACES, row, strict=True)
]


@pytest.mark.parametrize(("role", "space_key", "expected"), CELLS)
def test_each_role_has_exactly_the_abilities_the_matrix_lists(
    module_world, db, role, space_key, expected
):
    user = fresh(module_world.user(role))
    assert abilities(user, module_world.space(space_key)) == expected


def test_the_matrix_covers_every_role_in_the_world(module_world):
    canary_cast = {"canary-requester", "canary-rejected", "canary-removed"}
    missing = set(module_world.users) - set(MATRIX) - canary_cast
    assert missing == set()


@pytest.mark.parametrize("role", list(MATRIX))
def test_list_querysets_agree_with_the_predicates_for_every_space(module_world, db, role):
    user = fresh(module_world.user(role))
    every_space = list(Space.objects.all())
    for predicate, queryset in QUERYSETS.items():
        listed = set(queryset(user).values_list("pk", flat=True))
        allowed = {space.pk for space in every_space if predicate(user, space)}
        assert listed == allowed, (predicate.__name__, queryset.__name__)


@pytest.mark.parametrize("role", list(MATRIX))
def test_abilities_are_nested_so_no_page_can_show_more_than_discover_allows(module_world, db, role):
    """Write and moderate imply read; read, join and request imply discover; member lists need
    read; nobody both joins at once and asks."""
    user = fresh(module_world.user(role))
    for space in Space.objects.all():
        cell = abilities(user, space)
        if "W" in cell or "M" in cell:
            assert "R" in cell, (space.slug, cell)
        if cell.strip("-"):
            assert cell[0] == "D", (space.slug, cell)
        assert not ("J" in cell and "Q" in cell), (space.slug, cell)
        if p.can_see_members(user, space):
            assert "R" in cell, (space.slug, cell)


def test_a_caucus_is_never_visible_to_staff_or_the_parent_spaces_moderators(module_world, db):
    # ``moderator`` is in the government group: the India government caucus is theirs to
    # discover, the other two India caucuses are not.
    for role, caucus_keys in (
        ("staff", ("in-government", "in-employers", "in-workers", "jp-workers")),
        ("moderator", ("in-employers", "in-workers")),
    ):
        user = fresh(module_world.user(role))
        caucuses = [module_world.space(key).pk for key in caucus_keys]
        assert not p.discoverable_spaces(user).filter(pk__in=caucuses).exists()
        assert not p.readable_spaces(user).filter(pk__in=caucuses).exists()
        assert not p.moderated_spaces(user).filter(pk__in=caucuses).exists()


# --- People: profiles and member lists --------------------------------------------------------

# Profiles and member lists are shown to signed-in verified users only, and to staff (who
# administer accounts); member lists also need read access to the space, so staff never see a
# caucus's members.
SEES_PEOPLE = {
    "anonymous": False, "unverified": False, "pending": False,
    "in-government": True, "in-employers": True, "in-workers": True,
    "jp-government": True, "jp-employers": True, "jp-workers": True,
    "observer": True, "secretariat": True, "adviser": True, "focal-point": True,
    "member": True, "moderator": True, "caucus-moderator": True, "caucus-pending": True,
    "removed": True, "revoked": False, "deactivated": False, "stale-member": False,
    "switched": True, "staff": True,
}  # fmt: skip


@pytest.mark.parametrize(("role", "expected"), SEES_PEOPLE.items())
def test_only_signed_in_verified_users_see_people(module_world, db, role, expected):
    assert can_see_people(fresh(module_world.user(role))) is expected


# --- Audit log --------------------------------------------------------------------------------

# Scopes of audit entries: one per space (its moderation entries), the India trade-union
# federation's affiliation decisions, and platform entries (no space, no organization).
AUDIT_SCOPES = ("in", "in-private", "in-workers", "regional", "org", "platform")

# fmt: off
AUDIT: dict[str, set[str]] = {
    "staff":            {"in", "in-private", "regional", "org", "platform"},  # never a caucus
    "moderator":        {"in", "in-private"},  # not the caucus inside ``in``
    "caucus-moderator": {"in-workers"},
    "focal-point":      {"org"},
}
# fmt: on
# Every other role sees no audit entry at all.


def audit_scope(world, key: str):
    entries = AuditEntry.objects.all()
    if key == "org":
        return entries.filter(space__isnull=True, organization=world.orgs["in-workers"])
    if key == "platform":
        return entries.filter(space__isnull=True, organization__isnull=True)
    return entries.filter(space=world.space(key))


@pytest.mark.parametrize("role", list(MATRIX))
def test_audit_entries_are_visible_exactly_as_the_audit_matrix_lists(module_world, db, role):
    user = fresh(module_world.user(role))
    visible = visible_audit_entries(user)
    seen = set()
    for key in AUDIT_SCOPES:
        scope = audit_scope(module_world, key)
        assert scope.exists(), f"the world has no audit entry in scope {key}"
        shown = visible.filter(pk__in=scope).count()
        if shown:
            assert shown == scope.count(), f"{role} sees only part of {key}"
            seen.add(key)
    assert seen == AUDIT.get(role, set())
    caucus_entries = AuditEntry.objects.filter(space__kind=Space.Kind.CAUCUS)
    if role != "caucus-moderator":
        assert not visible.filter(pk__in=caucus_entries).exists()


def test_the_parent_spaces_moderator_does_not_see_the_caucus_entries(module_world, db):
    user = fresh(module_world.user("moderator"))
    caucus = module_world.space("in-workers")
    assert not visible_audit_entries(user).filter(space=caucus).exists()
    assert not p.can_view_audit_log(user, caucus)


# --- Mentions -----------------------------------------------------------------------------------

# Spaces where each role gets the mention autocomplete (``forums.permissions.
# can_suggest_mentions``: it lists people, so only to those who write there), and where each
# role can be mentioned (``mentionable_users``: active members on their current verified
# affiliation, active accounts). The two coincide: those who write in a space are exactly
# those who can be mentioned in it. Every role not listed: nowhere (stale and switched rows,
# removed, revoked and deactivated people included).
MENTION_SPACES = ("in", "in-private", "in-workers", "in-employers", "jp-workers", "regional")
# fmt: off
MENTIONS: dict[str, set[str]] = {
    "member":           {"in", "in-private", "in-workers"},
    "moderator":        {"in", "in-private"},
    "caucus-moderator": {"in-workers"},
    "adviser":          {"in-workers"},
}
# fmt: on


@pytest.mark.parametrize("role", list(MATRIX))
def test_mention_autocomplete_and_being_mentioned_follow_the_mentions_table(module_world, db, role):
    from forums.permissions import can_suggest_mentions, mentionable_users

    user = fresh(module_world.user(role))
    suggests, mentionable = set(), set()
    for key in MENTION_SPACES:
        space = module_world.space(key)
        if can_suggest_mentions(user, space):
            suggests.add(key)
        if user is not None and mentionable_users(space).filter(pk=user.pk).exists():
            mentionable.add(key)
    assert suggests == MENTIONS.get(role, set())
    assert mentionable == MENTIONS.get(role, set())
