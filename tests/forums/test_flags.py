"""Flagging a post and the per-space review queue, as members and moderators use them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from forums import permissions, services
from forums.models import Post, PostFlag
from tests.forums.test_views import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def caucus_post(forum):
    thread = services.start_thread(
        author=forum.user("member"), space=forum.space("in-workers"), title="Strike fund",
        body="Our bottom line.",
    )
    return services.reply_to_thread(
        author=forum.user("caucus-moderator"), thread=thread, body="Something rude."
    )


@pytest.fixture
def public_post(forum):
    thread = services.start_thread(
        author=forum.user("member"), space=forum.space("in"), title="Minimum wage review",
        body="What do we propose?",
    )
    return services.reply_to_thread(author=forum.user("in-government"), thread=thread, body="Buy pills now")


def flag_url(post: Post) -> str:
    return reverse("forums:flag_post", args=[post.pk])


def review_url(space) -> str:
    return reverse("forums:review", args=[space.slug])


def test_a_member_flags_a_post_once_and_a_second_flag_is_refused_with_a_clear_message(client, forum, public_post):
    login(client, forum.user("member"))
    page = client.get(public_post.thread.get_absolute_url()).content.decode()
    assert f'href="{flag_url(public_post)}"' in page  # the "Flag" link under the post
    response = client.post(flag_url(public_post), {"reason": "spam", "note": "An advert"}, follow=True)
    assert response.status_code == 200
    assert "The post is flagged" in response.content.decode()
    flag = PostFlag.objects.get(post=public_post)
    assert (flag.flagged_by, flag.reason, flag.note, flag.is_open) == (forum.user("member"), "spam", "An advert", True)

    again = client.post(flag_url(public_post), {"reason": "abusive"})
    assert again.status_code == 409
    assert "You have already flagged this post" in again.content.decode()
    assert PostFlag.objects.filter(post=public_post).count() == 1


def test_a_flag_needs_a_reason(client, forum, public_post):
    login(client, forum.user("member"))
    response = client.post(flag_url(public_post), {"note": "no reason"})
    assert response.status_code == 400
    assert not PostFlag.objects.exists()


def test_nobody_flags_their_own_post(client, forum, public_post):
    author = forum.user("in-government")
    login(client, author)
    page = client.get(public_post.thread.get_absolute_url()).content.decode()
    assert f'action="{flag_url(public_post)}"' not in page
    assert client.post(flag_url(public_post), {"reason": "spam"}).status_code == 403
    assert not permissions.can_flag_post(author, public_post)
    assert not PostFlag.objects.exists()


def test_outsiders_get_404_when_flagging_a_caucus_post_and_anonymous_visitors_are_sent_to_sign_in(client, forum, caucus_post, public_post):
    for key in ("moderator", "staff", "in-employers"):
        login(client, forum.user(key))
        assert client.post(flag_url(caucus_post), {"reason": "spam"}).status_code == 404
    client.logout()
    assert client.post(flag_url(public_post), {"reason": "spam"}).status_code == 302
    assert not PostFlag.objects.exists()


def test_a_reader_who_is_not_a_member_cannot_flag(client, forum, public_post):
    login(client, forum.user("staff"))
    assert client.post(flag_url(public_post), {"reason": "spam"}).status_code == 403


def test_the_queue_is_visible_only_to_moderators_of_that_space(client, forum, caucus_post):
    services.flag_post(user=forum.user("member"), post=caucus_post, reason="confidential", note="Names a source")
    caucus = forum.space("in-workers")
    login(client, forum.user("caucus-moderator"))
    page = client.get(review_url(caucus))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Something rude." in text and "Names a source" in text and "Confidential information" in text
    assert forum.user("member").get_display_name() in text  # who flagged, for moderators
    assert "Our bottom line." not in text  # the thread's unflagged opening post
    # The parent space's moderator, staff, a caucus member and anonymous visitors: no such page.
    for key in ("moderator", "staff", "member", "adviser"):
        login(client, forum.user(key))
        assert client.get(review_url(caucus)).status_code == 404, key
    client.logout()
    assert client.get(review_url(caucus)).status_code == 404
    assert not permissions.visible_flags(forum.user("staff")).exists()
    assert not permissions.visible_flags(forum.user("moderator")).exists()


def test_moderators_see_a_review_link_with_the_count_on_the_thread_list(client, forum, public_post):
    services.flag_post(user=forum.user("member"), post=public_post, reason="spam")
    services.flag_post(user=forum.user("in-workers"), post=public_post, reason="off_topic")
    url = reverse("forums:space_threads", args=[forum.space("in").slug])
    login(client, forum.user("moderator"))
    assert "Review queue (1)" in client.get(url).content.decode()
    login(client, forum.user("member"))
    assert "Review queue" not in client.get(url).content.decode()


def test_dismissing_a_flag_resolves_it_and_is_audited(client, forum, public_post):
    flag = services.flag_post(user=forum.user("member"), post=public_post, reason="spam")
    space = forum.space("in")
    login(client, forum.user("moderator"))
    dismiss = reverse("forums:dismiss_flag", args=[space.slug, flag.pk])
    response = client.post(dismiss, follow=True)
    assert response.status_code == 200 and "The flag is dismissed." in response.content.decode()
    flag.refresh_from_db()
    assert (flag.resolution, flag.resolved_by, flag.is_open) == ("dismissed", forum.user("moderator"), False)
    entry = AuditEntry.objects.get(action="forums.flag.dismiss")
    assert entry.space == space and entry.actor == forum.user("moderator")
    # Once resolved, the member may flag again.
    assert permissions.can_flag_post(forum.user("member"), public_post)


def test_only_the_spaces_moderators_can_dismiss(client, forum, caucus_post):
    flag = services.flag_post(user=forum.user("member"), post=caucus_post, reason="abusive")
    caucus = forum.space("in-workers")
    dismiss = reverse("forums:dismiss_flag", args=[caucus.slug, flag.pk])
    for key in ("moderator", "staff", "member"):
        login(client, forum.user(key))
        assert client.post(dismiss).status_code == 404, key
    # A moderator of another space, through their own space's URL: no such flag there.
    login(client, forum.user("moderator"))
    assert client.post(reverse("forums:dismiss_flag", args=[forum.space("in").slug, flag.pk])).status_code == 404
    flag.refresh_from_db()
    assert flag.is_open


def test_hiding_a_post_from_the_queue_resolves_all_its_open_flags_and_is_audited(client, forum, caucus_post):
    services.flag_post(user=forum.user("member"), post=caucus_post, reason="abusive")
    services.flag_post(user=forum.user("adviser"), post=caucus_post, reason="other", note="Tone")
    caucus = forum.space("in-workers")
    login(client, forum.user("caucus-moderator"))
    missing_reason = client.post(review_url(caucus), {"post": caucus_post.pk, "reason": ""})
    assert missing_reason.status_code == 400
    response = client.post(review_url(caucus), {"post": caucus_post.pk, "reason": "Insults"}, follow=True)
    assert response.status_code == 200
    assert "No open flags" in response.content.decode()
    caucus_post.refresh_from_db()
    assert caucus_post.is_hidden and caucus_post.hidden_reason == "Insults"
    assert set(PostFlag.objects.values_list("resolution", flat=True)) == {"hidden"}
    assert not PostFlag.objects.filter(resolved_at__isnull=True).exists()
    entry = AuditEntry.objects.get(action="forums.post.hide")
    assert entry.space == caucus and entry.details == {"flags_resolved": 2}


def test_hiding_from_the_thread_page_also_resolves_flags(forum, public_post):
    services.flag_post(user=forum.user("member"), post=public_post, reason="spam")
    services.hide_post(actor=forum.user("moderator"), post=public_post, reason="Advert")
    assert PostFlag.objects.get().resolution == "hidden"


def test_a_post_of_another_space_cannot_be_hidden_through_this_queue(client, forum, caucus_post, public_post):
    login(client, forum.user("moderator"))
    other = client.post(review_url(forum.space("in")), {"post": caucus_post.pk, "reason": "x"})
    assert other.status_code == 404
    caucus_post.refresh_from_db()
    assert not caucus_post.is_hidden


def test_the_review_queue_costs_the_same_number_of_queries_at_two_sizes(client, forum, settings, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.FORUMS_POST_RATE_LIMIT = (10_000, 60)
    space = forum.space("in")
    thread = services.start_thread(author=forum.user("in-employers"), space=space, title="Many", body="x")
    flaggers = [forum.user(k) for k in ("member", "in-workers", "observer")]
    login(client, forum.user("moderator"))
    counts = []
    for grow in (2, 12):
        for i in range(grow):
            post = services.reply_to_thread(author=forum.user("in-government"), thread=thread, body=f"Post {i}")
            for flagger in flaggers:
                services.flag_post(user=flagger, post=post, reason="spam", note=f"note {i}")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(review_url(space)).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(counts[0]):
        client.get(review_url(space))
