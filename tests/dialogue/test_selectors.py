"""The reads behind the dialogue pages: what they return for each person."""

from __future__ import annotations

import pytest

from dialogue import selectors, services
from dialogue.models import Space

pytestmark = pytest.mark.django_db


def _by_slug(user) -> dict[str, Space]:
    return {space.slug: space for space in selectors.directory_spaces(user)}


def test_directory_counts_members_only_where_the_user_may_read(world):
    caucus = world.space("in-workers")
    outsider = _by_slug(world.user("in-workers"))
    assert outsider[caucus.slug].member_count is None
    assert outsider[world.space("in").slug].member_count is not None
    member = _by_slug(world.user("member"))
    # The member and the moderator; the adviser is never counted.
    assert member[caucus.slug].member_count == 2


def test_directory_annotates_the_user_s_own_status_and_role(world):
    mine = _by_slug(world.user("caucus-moderator"))[world.space("in-workers").slug]
    assert (mine.my_status, mine.my_role) == ("active", "moderator")
    pending = _by_slug(world.user("caucus-pending"))[world.space("in-workers").slug]
    assert pending.my_status == "pending"


def test_directory_nests_caucuses_under_their_country_space(world):
    groups = selectors.directory_for(world.user("member"))
    assert [g.title for g in groups] == ["India", "Japan", "Regional"]
    india = groups[0]
    country_space = next(s for s in india.spaces if s.pk == world.space("in").pk)
    assert [c.pk for c in country_space.caucuses] == [world.space("in-workers").pk]
    assert all(not s.is_caucus for s in india.spaces)


def test_directory_lists_a_caucus_on_its_own_when_its_parent_is_hidden(world):
    hidden_parent = services.create_space(
        actor=None,
        name="Invitation-only regional group",
        kind=Space.Kind.REGIONAL,
        visibility=Space.Visibility.MEMBERS,
        join_policy=Space.JoinPolicy.INVITE,
        groups=("government",),
    )
    caucus = services.create_caucus(actor=None, parent=hidden_parent, group="workers")
    groups = selectors.directory_for(world.user("in-workers"))
    regional = next(g for g in groups if g.title == "Regional")
    assert caucus.pk in [s.pk for s in regional.spaces]
    assert hidden_parent.pk not in [s.pk for s in regional.spaces]


def test_space_members_keeps_advisers_out_of_group_figures(world):
    figures = selectors.space_members(world.user("member"), world.space("in-workers"))
    counts = {g.constituency: g.count for g in figures.group_counts}
    assert counts == {"workers": 2}  # a caucus shows its own group's figure only
    assert figures.adviser_count == 1
    assert [m.user for m in figures.advisers] == [world.user("adviser")]
    assert [m.user for m in figures.moderators] == [world.user("caucus-moderator")]


def test_space_members_gives_counts_but_no_people_to_anonymous_readers(world):
    figures = selectors.space_members(None, world.space("in"))
    assert not figures.shows_people
    assert figures.moderators == [] and figures.by_group == []
    assert sum(g.count for g in figures.group_counts) > 0


def test_space_members_lists_observers_and_secretariat_apart_from_the_groups(world):
    regional = world.space("regional")
    services.join_space(user=world.user("observer"), space=regional)
    services.join_space(user=world.user("secretariat"), space=regional)
    services.join_space(user=world.user("in-workers"), space=regional)
    figures = selectors.space_members(world.user("in-workers"), regional)
    assert {g.constituency: g.count for g in figures.group_counts}["workers"] == 1
    assert figures.observer_count == 1 and figures.secretariat_count == 1
    assert [m.user for m in figures.observers] == [world.user("observer")]
    assert [m.user for m in figures.secretariat] == [world.user("secretariat")]


def test_child_spaces_hide_caucuses_from_those_who_may_not_discover_them(world):
    in_space = world.space("in")
    assert list(selectors.child_spaces(world.user("moderator"), in_space)) == [
        world.space("in-government")
    ]
    assert list(selectors.child_spaces(world.user("staff"), in_space)) == []
    assert list(selectors.child_spaces(None, in_space)) == []


def test_pending_requests_carry_the_requester_s_organization(world):
    [pending] = selectors.pending_requests(world.space("in-workers"))
    assert pending.user == world.user("caucus-pending")
    assert [a.organization for a in pending.user.verified_affiliations] == [
        world.orgs["in-workers"]
    ]
