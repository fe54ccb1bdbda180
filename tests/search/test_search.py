"""Search on whichever database the suite runs on (SQLite: substring fallback; PostgreSQL:
full-text and bigram indexes): who finds what, the index following every change, ranking,
bad input, query counts, the rebuild command."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums import services
from search.models import SearchEntry
from tests.search.conftest import search_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(world, write):
    """Content in the public India space, the India workers' caucus and the members-only
    working group; one hidden post, one deleted post, one hidden thread."""
    member = world.user("member")
    public = write(
        services.start_thread,
        author=member,
        space=world.space("in"),
        title="Minimum wage review",
        body="The unions negotiated higher wages for plantation workers.",
    )
    caucus = write(
        services.start_thread,
        author=member,
        space=world.space("in-workers"),
        title="Strike fund",
        body="Our plantation strategy stays between us.",
    )
    private = write(
        services.start_thread,
        author=member,
        space=world.space("in-private"),
        title="Working group notes",
        body="The plantation survey is members only.",
    )
    hidden_post = write(
        services.reply_to_thread, author=member, thread=public, body="Rude plantation remark."
    )
    write(services.hide_post, actor=world.user("moderator"), post=hidden_post, reason="rude")
    deleted = write(
        services.reply_to_thread, author=member, thread=public, body="Taken back plantation."
    )
    write(services.delete_post, user=member, post=deleted)
    hidden_thread = write(
        services.start_thread,
        author=member,
        space=world.space("in"),
        title="Off-topic plantation thread",
        body="Nothing to see.",
    )
    write(services.hide_thread, actor=world.user("moderator"), thread=hidden_thread, reason="x")
    return {"public": public, "caucus": caucus, "private": private}


# Who finds which thread when searching "plantation": a readable matrix.
#   role:            (public space, caucus, members-only group)
FINDS = {
    "anonymous": (True, False, False),
    "unverified": (True, False, False),
    "in-employers": (True, False, False),
    "jp-workers": (True, False, False),
    "observer": (True, False, False),
    "moderator": (
        True,
        False,
        True,
    ),  # moderates the parent space (and so its working group), not the caucus
    "staff": (True, False, True),  # staff read non-caucus spaces (docs/access.md)
    "removed": (True, False, False),
    "revoked": (True, False, False),
    "caucus-pending": (True, False, False),
    "member": (True, True, True),
    "caucus-moderator": (True, True, False),
}


@pytest.mark.parametrize("role", list(FINDS))
def test_search_finds_exactly_the_posts_the_searcher_may_read(world, corpus, role):
    found = search_as(world.user(role), q="plantation")
    expected = {
        key for key, sees in zip(("public", "caucus", "private"), FINDS[role], strict=True) if sees
    }
    expected_titles = sorted(corpus[key].title for key in expected)
    assert found.status == 200
    assert sorted(found.titles) == expected_titles
    # Hidden and deleted posts and hidden threads are never search results, moderators too.
    assert found.count == len(expected_titles)
    assert "Rude" not in found.html and "Taken back" not in found.html
    assert "Off-topic plantation thread" not in found.html
    if not FINDS[role][1]:
        assert (
            "Strike fund" not in found.html
            and world.space("in-workers").slug not in found.space_facets
        )


def test_results_are_highlighted_escaped_and_carry_their_language(world, write):
    write(
        services.start_thread,
        author=world.user("member"),
        space=world.space("in"),
        title="Markup",
        body="Typed <script>alert(1)</script> beside plantation wages",
    )
    found = search_as(world.user("member"), q="plantation")
    assert "<script>alert" not in found.html
    # SQLite shows the typed tag escaped; PostgreSQL's ts_headline drops tag-like tokens.
    assert "<script" not in found.snippets[0]
    assert "alert(1)" in found.snippets[0]
    assert "<mark>plantation</mark>" in found.snippets[0].lower()
    assert 'class="search-snippet" lang="en"' in found.html


def test_a_title_match_ranks_before_a_text_match(world, write):
    member = world.user("member")
    for n in range(3):
        write(
            services.start_thread,
            author=member,
            space=world.space("in"),
            title=f"Note {n}",
            body="Overtime overtime overtime: overtime rules everywhere.",
        )
    write(
        services.start_thread,
        author=member,
        space=world.space("in"),
        title="Overtime rules",
        body="A short note.",
    )
    found = search_as(member, q="overtime")
    assert found.titles[0] == "Overtime rules"
    assert found.count == 4


def test_the_index_follows_edit_hide_restore_move_and_delete(world, write):
    member, outsider = world.user("member"), world.user("in-employers")
    mover = world.user("caucus-moderator")
    from dialogue.models import Membership
    from tests.world import _activate

    _activate(world.space("in"), mover, Membership.Role.MODERATOR)
    thread = write(
        services.start_thread,
        author=member,
        space=world.space("in"),
        title="Budget",
        body="The cashew harvest bonus.",
    )
    opening = thread.posts.get(number=1)
    assert search_as(outsider, q="cashew").count == 1

    write(services.edit_post, editor=member, post=opening, body="The mango harvest bonus.")
    assert search_as(outsider, q="cashew").count == 0
    assert search_as(outsider, q="mango").count == 1

    write(services.hide_post, actor=mover, post=opening, reason="check")
    assert search_as(outsider, q="mango").count == 0
    assert search_as(mover, q="mango").count == 0  # hidden posts are not search results
    write(services.restore_post, actor=mover, post=opening)
    assert search_as(outsider, q="mango").count == 1

    write(services.hide_thread, actor=mover, thread=thread, reason="check")
    assert search_as(outsider, q="mango").count == 0
    write(services.restore_thread, actor=mover, thread=thread)
    assert search_as(outsider, q="mango").count == 1

    write(services.move_thread, actor=mover, thread=thread, to_space=world.space("in-workers"))
    assert search_as(outsider, q="mango").count == 0
    assert search_as(member, q="mango").post_ids == [opening.pk]
    facets = search_as(member, q="mango").space_facets
    assert facets == [world.space("in-workers").slug]

    write(services.delete_post, user=member, post=opening)
    assert search_as(member, q="mango").count == 0
    assert not SearchEntry.objects.filter(post=opening).exists()


def test_a_stale_row_still_answers_to_the_posts_visibility(world, write):
    """A thread moved behind the services' back (no event, so the row says nothing of it):
    visibility is decided at query time, so the outsider still does not find it."""
    from forums.models import Thread

    thread = write(
        services.start_thread,
        author=world.user("member"),
        space=world.space("in"),
        title="Quiet move",
        body="Durian subsidy plan.",
    )
    Thread.objects.filter(pk=thread.pk).update(space=world.space("in-workers"))
    assert search_as(world.user("in-employers"), q="durian").count == 0
    assert search_as(world.user("member"), q="durian").count == 1


def test_filters_narrow_results(world, write):
    from tests.world import _activate

    member, japanese = world.user("member"), world.user("jp-workers")
    _activate(world.space("jp"), japanese)
    write(
        services.start_thread, author=member, space=world.space("in"), title="Jute one",
        body="Jute mills.", tags="textiles",
    )  # fmt: skip
    write(
        services.start_thread, author=japanese, space=world.space("jp"), title="Jute two",
        body="Jute imports.", language="ms",
    )  # fmt: skip
    everyone = search_as(member, q="jute")
    assert everyone.count == 2
    assert search_as(member, q="jute", space=world.space("in").slug).titles == ["Jute one"]
    assert search_as(member, q="jute", country="JP").titles == ["Jute two"]
    assert search_as(member, q="jute", tag="textiles").titles == ["Jute one"]
    assert search_as(member, q="jute", lang="ms").titles == ["Jute two"]
    assert search_as(member, q="jute", group="employers").count == 0
    assert search_as(member, q="jute", group="workers").count == 2
    assert search_as(member, q="jute", author=japanese.pk).titles == ["Jute two"]
    assert search_as(member, q="jute", **{"from": "2000-01-01", "to": "2000-01-02"}).count == 0
    assert sorted(everyone.language_facets) == ["en", "ms"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "x" * 201}, "Please shorten your search to 200 characters or fewer."),
        ({"q": "wage", "from": "31/02/2026"}, "Enter a date such as 2026-03-31."),
        ({"q": "wage", "from": "2026-03-02", "to": "2026-03-01"}, "The end date is before"),
        ({"q": "wage", "space": "no-such-space"}, "There is no such space among those"),
        ({"q": "wage", "lang": "xx"}, "There is no such language."),
        ({"q": "wage", "group": "pirates"}, "There is no such group."),
        ({"q": "wage", "tag": "no-such-tag"}, "No thread you can read carries the tag"),
        ({"q": "wage", "country": "ZZ"}, "There is no such country."),
    ],
)
def test_bad_input_gets_a_clear_message_and_keeps_the_query(world, params, message):
    found = search_as(world.user("member"), **params)
    assert found.status == 400
    assert message in found.html.replace("&#x27;", "'")
    assert f'value="{params["q"]}"' in found.html


def test_a_space_or_tag_the_searcher_may_not_read_is_refused_like_a_missing_one(world, corpus):
    from taggit.models import Tag

    corpus["caucus"].tags.add(Tag.objects.create(name="caucus words", slug="caucus-words"))
    outsider = world.user("in-employers")
    hidden = search_as(outsider, q="plantation", space=world.space("in-workers").slug)
    missing = search_as(outsider, q="plantation", space="no-such-space")
    assert hidden.status == missing.status == 400
    assert "There is no such space among those" in hidden.html
    assert "Strike fund" not in hidden.html
    hidden_tag = search_as(outsider, q="plantation", tag="caucus-words")
    assert hidden_tag.status == 400 and "caucus words" not in hidden_tag.html
    assert search_as(world.user("member"), q="plantation", tag="caucus-words").count == 1


def test_the_page_costs_the_same_queries_with_more_results(world, write, django_user_model):
    from django.test import Client

    member = world.user("member")
    client = Client()
    client.force_login(member)

    def make(n):
        for i in range(n):
            write(
                services.start_thread, author=member, space=world.space("in"),
                title=f"Sisal {i}", body="Sisal rope prices.", tags="fibre",
            )  # fmt: skip

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/search/", {"q": "sisal", "tag": "fibre"})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    make(2)
    small = queries()
    make(25)
    assert queries() == small
    assert small <= 16


def test_the_rebuild_command_is_idempotent_and_drops_stale_rows(world, corpus):
    from forums.models import Post

    before = set(SearchEntry.objects.values_list("post_id", flat=True))
    SearchEntry.objects.all().delete()
    call_command("rebuild_search_index", verbosity=0)
    call_command("rebuild_search_index", verbosity=0)
    assert set(SearchEntry.objects.values_list("post_id", flat=True)) == before
    post = Post.objects.get(thread=corpus["public"], number=1)
    Post.objects.filter(pk=post.pk).update(is_hidden=True, hidden_reason="behind our back")
    call_command("rebuild_search_index", verbosity=0)
    assert not SearchEntry.objects.filter(post=post).exists()


def test_the_search_page_without_a_query_shows_only_the_form(world):
    found = search_as(world.user("member"))
    assert found.status == 200
    assert 'id="search-count"' not in found.html
    assert "<fieldset" in found.html and 'role="search"' in found.html


def test_the_header_and_the_space_page_offer_search(world, client):
    client.force_login(world.user("member"))
    page = client.get(world.space("in").get_absolute_url()).content.decode()
    assert 'id="header-search-q"' in page
    assert 'name="space" value="in' in page or f'value="{world.space("in").slug}"' in page


def test_the_index_visibility_rule_is_forums_visible_posts_for_every_role(world, corpus, write):
    """search.registry writes ``visible_posts`` as joins from the index row: for every role
    of the world, both give the same posts (hidden posts count for moderators here, so the
    rows are written directly for every post, live or not)."""
    from django.db.models import Q

    from forums.models import Post
    from forums.permissions import visible_posts
    from search.registry import POST
    from search.services import _rows, _upsert

    _upsert(_rows(Post.objects.select_related("thread")))  # every post, hidden ones too
    for role in [*FINDS, "adviser", "deactivated", "secretariat", "pending"]:
        user = world.user(role)
        expected = set(visible_posts(user).values_list("pk", flat=True))
        got = set(SearchEntry.objects.filter(POST.visible(user)).values_list("post_id", flat=True))
        assert got == expected, role
    assert SearchEntry.objects.filter(~Q(post__in=visible_posts(world.user("moderator")))).exists()
