"""Forum pages as people use them: without JavaScript, through plain forms."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from forums import services
from forums.models import Post, PostSupport, Thread
from tests.auth import sign_in

pytestmark = pytest.mark.django_db


def login(client, user):
    """Sign in, with a TOTP authenticator so the two-factor requirement for staff and
    moderators lets them through to the page itself."""
    return sign_in(client, user)


@pytest.fixture
def thread(forum):
    thread = services.start_thread(
        author=forum.user("member"), space=forum.space("in"), title="Minimum wage review",
        body="What do we propose?", tags="wages",
    )
    services.reply_to_thread(author=forum.user("in-government"), thread=thread, body="A review board.")
    return thread


# --- Reading ------------------------------------------------------------------------------------


def test_anyone_reads_a_public_space_threads_but_only_verified_users_see_names(client, forum, thread):
    listing = client.get(reverse("forums:space_threads", args=[forum.space("in").slug]))
    assert listing.status_code == 200
    assert b"Minimum wage review" in listing.content
    page = client.get(thread.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "A review board." in text
    assert forum.user("member").get_display_name() not in text  # people's details: verified only
    assert "IN-GOVERNMENT" in text and "badge-government" in text
    login(client, forum.user("in-employers"))
    assert forum.user("member").get_display_name() in client.get(thread.get_absolute_url()).content.decode()


def test_a_post_carries_its_language_for_screen_readers(client, forum, thread):
    services.reply_to_thread(author=forum.user("in-workers"), thread=thread, body="賃金", language="ja")
    page = client.get(thread.get_absolute_url()).content.decode()
    assert '<div class="post-body" lang="ja"><p>賃金</p></div>' in page


@pytest.mark.parametrize("role", ["anonymous", "staff", "moderator", "in-workers", "caucus-pending", "removed"])
def test_caucus_forum_pages_answer_404_to_outsiders(client, forum, role):
    caucus = forum.space("in-workers")
    thread = services.start_thread(author=forum.user("member"), space=caucus, title="Our line", body="x", tags="strike")
    post = thread.posts.get()
    if forum.user(role) is not None:
        login(client, forum.user(role))
    urls = [
        reverse("forums:space_threads", args=[caucus.slug]),
        reverse("forums:new_thread", args=[caucus.slug]),
        reverse("forums:tag", args=[caucus.slug, "strike"]),
        reverse("forums:thread", args=[thread.pk]),
        reverse("forums:reply", args=[thread.pk]),
        reverse("forums:moderate", args=[thread.pk]),
        reverse("forums:post", args=[post.pk]),
        reverse("forums:post_fragment", args=[post.pk]),
        reverse("forums:edit_post", args=[post.pk]),
        reverse("forums:post_history", args=[post.pk]),
        reverse("forums:hide_post", args=[post.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in (reverse("forums:support_post", args=[post.pk]), reverse("forums:restore_post", args=[post.pk]),
                reverse("forums:delete_post", args=[post.pk])):
        assert client.post(url).status_code == 404, url
    # And the caucus's tag never shows on the parent space's pages.
    assert client.get(reverse("forums:tag", args=[forum.space("in").slug, "strike"])).status_code == 404


def test_a_caucus_member_reads_the_caucus_forum(client, forum):
    caucus = forum.space("in-workers")
    thread = services.start_thread(author=forum.user("member"), space=caucus, title="Our line", body="x")
    login(client, forum.user("adviser"))
    assert client.get(reverse("forums:space_threads", args=[caucus.slug])).status_code == 200
    assert b"Our line" in client.get(thread.get_absolute_url()).content


def test_a_tag_page_lists_only_visible_threads_with_that_tag(client, forum, thread):
    services.start_thread(author=forum.user("member"), space=forum.space("in"), title="Other", body="x", tags="osh")
    hidden = services.start_thread(author=forum.user("member"), space=forum.space("in"), title="Secret wages", body="x", tags="wages")
    services.hide_thread(actor=forum.user("moderator"), thread=hidden, reason="spam")
    page = client.get(reverse("forums:tag", args=[forum.space("in").slug, "wages"]))
    assert page.status_code == 200
    assert b"Minimum wage review" in page.content
    assert b"Other" not in page.content and b"Secret wages" not in page.content
    assert client.get(reverse("forums:tag", args=[forum.space("in").slug, "no-such"])).status_code == 404


def test_pinned_threads_come_first(client, forum, thread):
    newer = services.start_thread(author=forum.user("member"), space=forum.space("in"), title="Newer", body="x")
    services.pin_thread(actor=forum.user("moderator"), thread=thread)
    text = client.get(reverse("forums:space_threads", args=[forum.space("in").slug])).content.decode()
    assert text.index("Minimum wage review") < text.index(newer.title)


# --- Writing ------------------------------------------------------------------------------------


def test_a_member_starts_a_thread_with_the_form(client, forum):
    login(client, forum.user("in-employers"))
    url = reverse("forums:new_thread", args=[forum.space("in").slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Skills levy", "body": "Proposal **A**", "language": "en", "tags": "skills"})
    thread = Thread.objects.get(title="Skills levy")
    assert response.status_code == 302 and response["Location"] == thread.get_absolute_url()
    assert list(thread.tags.names()) == ["skills"]


def test_a_reader_who_is_not_a_member_cannot_start_a_thread(client, forum):
    login(client, forum.user("jp-workers"))
    assert client.get(reverse("forums:new_thread", args=[forum.space("in").slug])).status_code == 403
    anonymous = client.__class__()
    response = anonymous.get(reverse("forums:new_thread", args=[forum.space("in").slug]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_replying_lands_on_the_new_post(client, forum, thread):
    login(client, forum.user("in-workers"))
    response = client.post(reverse("forums:reply", args=[thread.pk]), {"body": "Agreed.", "language": "en"})
    post = Post.objects.get(body_markdown="Agreed.")
    assert response.status_code == 302
    assert response["Location"] == f"{thread.get_absolute_url()}?page=1#post-{post.number}"


def test_quote_reply_prefills_the_quoted_text(client, forum, thread):
    login(client, forum.user("in-workers"))
    quoted = thread.posts.get(number=2)
    page = client.get(reverse("forums:reply", args=[thread.pk]) + f"?quote={quoted.pk}")
    assert "&gt; A review board." in page.content.decode()
    client.post(reverse("forums:reply", args=[thread.pk]), {"body": "> A review board.\n\nYes", "language": "en", "quote_of": quoted.pk})
    assert Post.objects.get(number=3, thread=thread).quote_of == quoted


def test_posting_too_fast_answers_429_and_keeps_the_text(client, forum, thread, settings):
    settings.FORUMS_POST_RATE_LIMIT = (1, 60)
    login(client, forum.user("in-workers"))
    url = reverse("forums:reply", args=[thread.pk])
    client.post(url, {"body": "first", "language": "en"})
    response = client.post(url, {"body": "my careful second reply", "language": "en"})
    assert response.status_code == 429
    text = response.content.decode()
    assert "posting faster than the forum allows" in text
    assert "my careful second reply" in text


def test_script_in_a_post_is_shown_as_text(client, forum, thread):
    services.reply_to_thread(author=forum.user("in-workers"), thread=thread, body="<script>alert(1)</script>")
    text = client.get(thread.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_supporting_shows_in_the_group_tally(client, forum, thread):
    reply = thread.posts.get(number=2)
    for role in ("in-workers", "member", "in-employers"):
        c = client.__class__()
        login(c, forum.user(role))
        assert c.post(reverse("forums:support_post", args=[reply.pk])).status_code == 302
    text = client.get(thread.get_absolute_url()).content.decode()
    tally = re.search(r'id="post-2".*?<p class="support-tally".*?</p>', text, re.S).group(0)
    plain = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", tally))
    assert "Government 0 · Employers 1 · Workers 2" in plain
    login(client, forum.user("in-workers"))
    client.post(reverse("forums:support_post", args=[reply.pk]), {"action": "withdraw"})
    assert PostSupport.objects.filter(post=reply).count() == 2


def test_an_observer_sees_no_support_button(client, forum, thread):
    login(client, forum.user("observer"))
    text = client.get(thread.get_absolute_url()).content.decode()
    assert "I support this" not in text
    assert client.post(reverse("forums:support_post", args=[thread.posts.get(number=2).pk])).status_code == 403


def test_editing_marks_the_post_and_moderators_read_the_history(client, forum, thread):
    opening = thread.posts.get(number=1)
    login(client, forum.user("member"))
    response = client.post(reverse("forums:edit_post", args=[opening.pk]), {"title": "Wage review", "body": "Revised", "language": "en"})
    assert response.status_code == 302
    text = client.get(thread.get_absolute_url()).content.decode()
    assert "edited" in text and "Wage review" in text
    other = client.__class__()
    login(other, forum.user("in-employers"))
    assert other.get(reverse("forums:post_history", args=[opening.pk])).status_code == 403
    login(other, forum.user("moderator"))
    history = other.get(reverse("forums:post_history", args=[opening.pk]))
    assert history.status_code == 200 and b"What do we propose?" in history.content


def test_deleting_leaves_a_placeholder(client, forum, thread):
    reply = thread.posts.get(number=2)
    login(client, forum.user("in-government"))
    assert client.get(reverse("forums:delete_post", args=[reply.pk])).status_code == 200
    client.post(reverse("forums:delete_post", args=[reply.pk]))
    text = client.get(thread.get_absolute_url()).content.decode()
    assert "deleted by its author" in text and "A review board." not in text


# --- Moderating ---------------------------------------------------------------------------------


def test_a_moderator_hides_a_post_with_a_reason_readers_see_a_placeholder(client, forum, thread):
    reply = thread.posts.get(number=2)
    login(client, forum.user("moderator"))
    assert client.post(reverse("forums:hide_post", args=[reply.pk]), {"reason": ""}).status_code == 400
    client.post(reverse("forums:hide_post", args=[reply.pk]), {"reason": "off topic"})
    mod_view = client.get(thread.get_absolute_url()).content.decode()
    assert "A review board." in mod_view and "off topic" in mod_view
    reader = client.__class__()
    login(reader, forum.user("in-employers"))
    text = reader.get(thread.get_absolute_url()).content.decode()
    assert "hidden by a moderator" in text and "A review board." not in text and "off topic" not in text
    client.post(reverse("forums:restore_post", args=[reply.pk]))
    assert "A review board." in reader.get(thread.get_absolute_url()).content.decode()


def test_moderator_actions_from_the_moderation_page(client, forum, thread):
    login(client, forum.user("moderator"))
    url = reverse("forums:moderate", args=[thread.pk])
    assert client.get(url).status_code == 200
    for action in ("pin", "lock", "unlock"):
        assert client.post(url, {"action": action}).status_code == 302
    client.post(url, {"action": "close", "summary": "A review board will be set up."})
    text = client.get(thread.get_absolute_url()).content.decode()
    assert "What the discussion concluded" in text and "A review board will be set up." in text
    assert "Post reply" not in text
    assert client.post(url, {"action": "dance"}).status_code == 400
    assert AuditEntry.objects.filter(action="forums.thread.close", space=forum.space("in")).exists()


def test_a_member_cannot_open_the_moderation_page(client, forum, thread):
    login(client, forum.user("in-employers"))
    assert client.get(reverse("forums:moderate", args=[thread.pk])).status_code == 403


def test_a_moved_thread_is_gone_from_its_old_space(client, forum, thread):
    login(client, forum.user("moderator"))
    client.post(reverse("forums:moderate", args=[thread.pk]), {"action": "move", "to_space": forum.space("in-private").pk})
    assert Thread.objects.get(pk=thread.pk).space == forum.space("in-private")
    reader = client.__class__()
    login(reader, forum.user("in-employers"))
    assert reader.get(thread.get_absolute_url()).status_code == 404
    assert b"Minimum wage review" not in reader.get(reverse("forums:space_threads", args=[forum.space("in").slug])).content
    assert reader.get(reverse("forums:tag", args=[forum.space("in").slug, "wages"])).status_code == 404


def test_a_hidden_thread_is_404_for_readers_and_listed_for_moderators(client, forum, thread):
    services.hide_thread(actor=forum.user("moderator"), thread=thread, reason="duplicate")
    assert client.get(thread.get_absolute_url()).status_code == 404
    assert b"Minimum wage review" not in client.get(reverse("forums:space_threads", args=[forum.space("in").slug])).content
    login(client, forum.user("moderator"))
    assert client.get(thread.get_absolute_url()).status_code == 200


# --- Query counts -------------------------------------------------------------------------------


def _grow(forum, n_threads: int, n_replies: int, thread):
    authors = [forum.user(k) for k in ("in-government", "in-employers", "in-workers", "member", "observer")]
    for i in range(n_threads):
        services.start_thread(author=authors[i % 5], space=forum.space("in"), title=f"T{i}", body="b", tags=f"t{i % 3}, common")
    posts = []
    for i in range(n_replies):
        quote = posts[-1] if posts else None
        posts.append(services.reply_to_thread(author=authors[i % 5], thread=thread, body=f"r{i}", quote_of=quote))
    for post in posts[:5]:
        for supporter in ("in-government", "in-employers"):
            if post.author != forum.user(supporter):
                services.support_post(user=forum.user(supporter), post=post)


@pytest.mark.parametrize("role", ["anonymous", "in-employers", "moderator"])
def test_the_thread_list_costs_the_same_number_of_queries_at_two_sizes(client, forum, thread, settings, django_assert_max_num_queries, role):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.FORUMS_POST_RATE_LIMIT = (10_000, 60)
    if forum.user(role) is not None:
        login(client, forum.user(role))
    url = reverse("forums:space_threads", args=[forum.space("in").slug])
    counts = []
    for grow in (2, 25):
        _grow(forum, grow, 0, thread)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(counts[0]):
        client.get(url)


@pytest.mark.parametrize("role", ["anonymous", "in-employers", "moderator"])
def test_the_thread_page_costs_the_same_number_of_queries_at_two_sizes(client, forum, thread, settings, django_assert_max_num_queries, role):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.FORUMS_POST_RATE_LIMIT = (10_000, 60)
    if forum.user(role) is not None:
        login(client, forum.user(role))
    counts = []
    for grow in (3, 45):
        _grow(forum, 0, grow, thread)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(thread.get_absolute_url()).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(counts[0]):
        client.get(thread.get_absolute_url() + "?page=1")


def test_a_tag_across_spaces_shows_only_threads_the_viewer_may_see(client, forum, thread):
    services.start_thread(author=forum.user("member"), space=forum.space("in-workers"), title="Caucus wages", body="x", tags="wages")
    services.start_thread(author=forum.user("moderator"), space=forum.space("regional"), title="Regional wages", body="x", tags="wages")
    services.start_thread(author=forum.user("member"), space=forum.space("in-workers"), title="Only here", body="x", tags="strike")
    url = reverse("forums:tag_everywhere", args=["wages"])
    login(client, forum.user("staff"))
    text = client.get(url).content.decode()
    assert "Minimum wage review" in text and "Regional wages" in text and "Caucus wages" not in text
    assert client.get(reverse("forums:tag_everywhere", args=["strike"])).status_code == 404
    login(client, forum.user("member"))
    assert "Caucus wages" in client.get(url).content.decode()
    assert client.get(reverse("forums:tag_everywhere", args=["strike"])).status_code == 200


def test_a_late_page_of_a_long_thread_costs_what_the_first_page_costs(client, forum, thread, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.FORUMS_POST_RATE_LIMIT = (10_000, 60)
    _grow(forum, 0, 110, thread)
    login(client, forum.user("in-employers"))
    from forums.models import POSTS_PER_PAGE

    last = -(-112 // POSTS_PER_PAGE)  # 112 posts: the opening post and 111 replies
    counts = []
    for page in (1, last):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"{thread.get_absolute_url()}?page={page}")
        assert response.status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts
    text = response.content.decode()
    first_shown = (last - 1) * POSTS_PER_PAGE + 1
    assert f'id="post-{first_shown}"' in text and f'id="post-{first_shown - 1}"' not in text
    assert 'id="post-112"' in text and "Post reply" in text


def test_the_tag_page_across_spaces_costs_the_same_at_two_sizes(client, forum, thread, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.FORUMS_POST_RATE_LIMIT = (10_000, 60)
    login(client, forum.user("in-employers"))
    counts = []
    for grow in (2, 20):
        _grow(forum, grow, 0, thread)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("forums:tag_everywhere", args=["common"])).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


def test_a_space_home_links_to_its_threads(client, forum):
    space = forum.space("in")
    page = client.get(space.get_absolute_url()).content.decode()
    assert reverse("forums:space_threads", args=[space.slug]) in page


def test_a_deleted_account_shows_as_former_member_and_titles_are_escaped(client, forum):
    author = forum.user("in-employers")
    thread = services.start_thread(author=author, space=forum.space("in"), title="<img src=x onerror=alert(1)>", body="kept")
    author.delete()
    text = client.get(thread.get_absolute_url()).content.decode()
    assert "Former member" in text and "kept" in text
    assert "<img src=x" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text


def test_the_live_fragment_is_one_post_for_a_reader(client, forum, thread):
    reply = thread.posts.get(number=2)
    response = client.get(reverse("forums:post_fragment", args=[reply.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert text.lstrip().startswith("<article") and 'id="post-2"' in text and "<html" not in text
