"""Forum writes: what each service does, refuses, records and announces."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import User
from audit.models import AuditEntry
from forums import permissions, services
from forums.models import Post, PostRevision, PostSupport, Thread
from forums.signals import forum_event

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


@pytest.fixture
def thread(forum):
    return services.start_thread(
        author=forum.user("member"),
        space=forum.space("in"),
        title="  Minimum   wage review ",
        body="What do we *propose*?",
        tags="Wages, osh, wages",
    )


# --- Threads and replies --------------------------------------------------------------------


def test_starting_a_thread_writes_the_opening_post_with_the_authors_badge_and_language(forum):
    author = forum.user("in-government")
    User.objects.filter(pk=author.pk).update(preferred_language="ja")
    author = fresh(author)
    thread = services.start_thread(
        author=author, space=forum.space("in"), title="賃金", body="意見を**ください**"
    )
    opening = thread.posts.get()
    assert opening.number == 1 and thread.reply_count == 0
    assert opening.language == "ja"
    assert opening.body_html == "<p>意見を<strong>ください</strong></p>"
    assert thread.author_organization == forum.orgs["in-government"]
    assert opening.author_organization == forum.orgs["in-government"]


def test_a_thread_title_is_tidied_and_tags_are_deduplicated(thread):
    assert thread.title == "Minimum wage review"
    assert sorted(thread.tags.names()) == ["osh", "wages"]


@pytest.mark.parametrize("role", ["anonymous", "unverified", "in-workers", "jp-workers", "removed", "staff"])
def test_only_active_verified_members_start_threads(forum, role):
    from django.contrib.auth.models import AnonymousUser

    user = forum.user(role) or AnonymousUser()
    with pytest.raises(PermissionDenied):
        services.start_thread(author=user, space=forum.space("in-private"), title="t", body="b")


def test_replies_are_numbered_in_order_and_counted(thread, forum):
    first = services.reply_to_thread(author=forum.user("in-employers"), thread=thread, body="one")
    second = services.reply_to_thread(author=forum.user("in-workers"), thread=thread, body="two")
    thread.refresh_from_db()
    assert (first.number, second.number) == (2, 3)
    assert thread.reply_count == 2 and thread.last_post_number == 3
    assert thread.last_activity_at == second.created_at


def test_a_quote_reply_links_the_quoted_post(thread, forum):
    opening = thread.posts.get(number=1)
    reply = services.reply_to_thread(
        author=forum.user("in-employers"), thread=thread, body="> propose\n\nThis.", quote_of=opening
    )
    assert reply.quote_of == opening
    assert "<blockquote>" in reply.body_html


def test_quoting_a_post_of_another_thread_is_refused(thread, forum):
    other = services.start_thread(author=forum.user("member"), space=forum.space("in"), title="x", body="y")
    with pytest.raises(ValidationError):
        services.reply_to_thread(
            author=forum.user("in-employers"), thread=thread, body="z", quote_of=other.posts.get()
        )


@pytest.mark.parametrize("action", ["lock", "close", "hide"])
def test_nobody_replies_to_a_locked_closed_or_hidden_thread(thread, forum, action):
    moderator = forum.user("moderator")
    if action == "lock":
        services.lock_thread(actor=moderator, thread=thread)
    elif action == "close":
        services.close_thread(actor=moderator, thread=thread, summary="Agreed on a review.")
    else:
        services.hide_thread(actor=moderator, thread=thread, reason="duplicate")
    for role in ("member", "moderator"):
        with pytest.raises(PermissionDenied):
            services.reply_to_thread(author=fresh(forum.user(role)), thread=thread, body="late")


def test_an_empty_or_unbounded_post_is_refused_and_nothing_is_saved(thread, forum):
    for body in ("   ", "x" * 50_001, "> " * 50 + "deep"):
        with pytest.raises(ValidationError):
            services.reply_to_thread(author=forum.user("in-employers"), thread=thread, body=body)
    assert thread.posts.count() == 1


def test_posting_too_fast_is_refused_with_a_clear_message(thread, forum, settings):
    settings.FORUMS_POST_RATE_LIMIT = (2, 60)
    author = forum.user("in-employers")
    services.reply_to_thread(author=author, thread=thread, body="1")
    services.reply_to_thread(author=author, thread=thread, body="2")
    with pytest.raises(services.RateLimited) as excinfo:
        services.reply_to_thread(author=author, thread=thread, body="3")
    assert "wait" in excinfo.value.messages[0]
    # Someone else is not slowed down.
    services.reply_to_thread(author=forum.user("in-workers"), thread=thread, body="4")


def test_a_post_whose_author_deleted_their_account_stays(thread, forum):
    reply = services.reply_to_thread(author=forum.user("in-employers"), thread=thread, body="kept")
    forum.user("in-employers").delete()
    reply.refresh_from_db()
    assert reply.author is None and reply.body_markdown == "kept"
    assert reply.author_organization == forum.orgs["in-employers"]


# --- Editing and deleting ---------------------------------------------------------------------


def test_editing_keeps_the_previous_text_as_a_revision_and_marks_the_post(thread, forum):
    opening = thread.posts.get()
    services.edit_post(editor=forum.user("member"), post=opening, body="New text", title="Renamed")
    opening.refresh_from_db()
    assert opening.edited_at is not None and opening.body_html == "<p>New text</p>"
    revision = PostRevision.objects.get(post=opening)
    assert revision.body_markdown == "What do we *propose*?"
    assert Thread.objects.get(pk=thread.pk).title == "Renamed"


def test_saving_an_unchanged_post_makes_no_revision(thread, forum):
    opening = thread.posts.get()
    services.edit_post(editor=forum.user("member"), post=opening, body=opening.body_markdown)
    assert not PostRevision.objects.exists()
    assert Post.objects.get(pk=opening.pk).edited_at is None


@pytest.mark.parametrize("role", ["moderator", "in-workers", "staff"])
def test_only_the_author_edits_or_deletes_a_post(thread, forum, role):
    opening = thread.posts.get()
    with pytest.raises(PermissionDenied):
        services.edit_post(editor=forum.user(role), post=opening, body="hijack")
    with pytest.raises(PermissionDenied):
        services.delete_post(user=forum.user(role), post=opening)


def test_deleting_is_soft_and_keeps_the_numbering(thread, forum):
    reply = services.reply_to_thread(author=forum.user("in-employers"), thread=thread, body="oops")
    services.delete_post(user=forum.user("in-employers"), post=reply)
    reply.refresh_from_db()
    assert reply.is_deleted and reply.number == 2
    assert not permissions.visible_posts(forum.user("member")).filter(pk=reply.pk).exists()


def test_an_author_who_left_the_space_can_no_longer_edit(thread, forum):
    from dialogue import services as dialogue_services

    dialogue_services.leave_space(user=forum.user("member"), space=forum.space("in"))
    with pytest.raises(PermissionDenied):
        services.edit_post(editor=fresh(forum.user("member")), post=thread.posts.get(), body="x")


# --- Support ----------------------------------------------------------------------------------


def test_support_is_counted_once_per_person_by_their_group(thread, forum):
    opening = thread.posts.get()
    for role in ("in-government", "in-employers", "in-workers"):
        services.support_post(user=forum.user(role), post=opening)
    services.support_post(user=forum.user("in-workers"), post=opening)  # a second click
    assert sorted(PostSupport.objects.values_list("constituency", flat=True)) == [
        "employers", "government", "workers"
    ]
    services.withdraw_support(user=forum.user("in-workers"), post=opening)
    assert PostSupport.objects.count() == 2


@pytest.mark.parametrize("role", ["observer", "secretariat", "member"])
def test_observers_the_secretariat_and_the_author_cannot_support(thread, forum, role):
    with pytest.raises(PermissionDenied):
        services.support_post(user=forum.user(role), post=thread.posts.get())


def test_a_caucus_adviser_cannot_support_in_the_caucus(forum):
    caucus_thread = services.start_thread(
        author=forum.user("member"), space=forum.space("in-workers"), title="t", body="b"
    )
    with pytest.raises(PermissionDenied):
        services.support_post(user=forum.user("adviser"), post=caucus_thread.posts.get())
    services.support_post(user=forum.user("caucus-moderator"), post=caucus_thread.posts.get())


# --- Moderation -------------------------------------------------------------------------------


def test_hiding_a_post_needs_a_reason_and_is_audited_in_the_space(thread, forum):
    moderator = forum.user("moderator")
    reply = services.reply_to_thread(author=forum.user("in-employers"), thread=thread, body="rude")
    with pytest.raises(ValidationError):
        services.hide_post(actor=moderator, post=reply, reason=" ")
    services.hide_post(actor=moderator, post=reply, reason="personal attack")
    entry = AuditEntry.objects.get(action="forums.post.hide")
    assert entry.space == forum.space("in") and entry.reason == "personal attack"
    services.restore_post(actor=moderator, post=reply)
    assert not Post.objects.get(pk=reply.pk).is_hidden
    assert AuditEntry.objects.filter(action="forums.post.restore", space=forum.space("in")).exists()


def test_staff_and_parent_moderators_cannot_moderate_a_caucus_thread(forum):
    caucus_thread = services.start_thread(
        author=forum.user("member"), space=forum.space("in-workers"), title="t", body="b"
    )
    for role in ("staff", "moderator"):
        with pytest.raises(PermissionDenied):
            services.hide_post(actor=forum.user(role), post=caucus_thread.posts.get(), reason="x")
        with pytest.raises(PermissionDenied):
            services.lock_thread(actor=forum.user(role), thread=caucus_thread)
    services.lock_thread(actor=forum.user("caucus-moderator"), thread=caucus_thread)


def test_thread_states_are_set_by_moderators_and_audited(thread, forum):
    moderator = forum.user("moderator")
    services.pin_thread(actor=moderator, thread=thread)
    services.lock_thread(actor=moderator, thread=thread, reason="cooling off")
    services.lock_thread(actor=moderator, thread=thread, locked=False)
    with pytest.raises(ValidationError):
        services.close_thread(actor=moderator, thread=thread, summary="")
    services.close_thread(actor=moderator, thread=thread, summary="We agreed on **a review**.")
    thread.refresh_from_db()
    assert thread.is_pinned and not thread.is_locked and thread.is_closed
    assert thread.closed_summary_html == "<p>We agreed on <strong>a review</strong>.</p>"
    services.reopen_thread(actor=moderator, thread=thread)
    actions = set(AuditEntry.objects.filter(space=forum.space("in")).values_list("action", flat=True))
    assert {
        "forums.thread.pin", "forums.thread.lock", "forums.thread.unlock",
        "forums.thread.close", "forums.thread.reopen",
    } <= actions


def test_a_member_cannot_lock_pin_or_close(thread, forum):
    member = forum.user("in-employers")
    with pytest.raises(PermissionDenied):
        services.pin_thread(actor=member, thread=thread)
    with pytest.raises(PermissionDenied):
        services.close_thread(actor=member, thread=thread, summary="done")


def test_a_moved_thread_takes_the_visibility_of_its_new_space(thread, forum):
    moderator = forum.user("moderator")  # moderates "in" and the members-only "in-private"
    reply = services.reply_to_thread(author=forum.user("in-employers"), thread=thread, body="r")
    services.move_thread(actor=moderator, thread=thread, to_space=forum.space("in-private"))
    outsider = fresh(forum.user("in-employers"))
    assert not permissions.visible_threads(outsider).filter(pk=thread.pk).exists()
    assert not permissions.visible_posts(outsider).filter(pk=reply.pk).exists()
    assert not permissions.visible_tags_in_space(outsider, forum.space("in")).exists()
    assert permissions.visible_threads(fresh(forum.user("member"))).filter(pk=thread.pk).exists()
    assert AuditEntry.objects.filter(action="forums.thread.move_out", space=forum.space("in")).exists()
    assert AuditEntry.objects.filter(action="forums.thread.move_in", space=forum.space("in-private")).exists()


def test_a_thread_moves_only_to_a_space_the_moderator_moderates(thread, forum):
    with pytest.raises(PermissionDenied):
        services.move_thread(actor=forum.user("moderator"), thread=thread, to_space=forum.space("in-workers"))
    with pytest.raises(PermissionDenied):
        services.move_thread(actor=forum.user("staff"), thread=thread, to_space=forum.space("in-workers"))


def test_moving_into_a_caucus_does_not_name_the_caucus_in_the_old_spaces_log(forum):
    from dialogue.models import Membership
    from tests.world import _activate

    # A person who moderates both the country space and its workers' caucus.
    both = forum.user("caucus-moderator")
    _activate(forum.space("in"), both, Membership.Role.MODERATOR)
    thread = services.start_thread(author=forum.user("member"), space=forum.space("in"), title="t", body="b")
    services.move_thread(actor=fresh(both), thread=thread, to_space=forum.space("in-workers"))
    out = AuditEntry.objects.get(action="forums.thread.move_out")
    assert out.space == forum.space("in") and out.details == {}


# --- Events after commit ---------------------------------------------------------------------


def test_a_reply_announces_itself_once_and_only_after_commit(thread, forum, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    forum_event.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            reply = services.reply_to_thread(author=forum.user("in-employers"), thread=thread, body="hi")
        assert received == []  # nothing before commit
        for callback in callbacks:
            callback()
    finally:
        forum_event.disconnect(receiver)
    assert [(e["kind"], e["post_id"], e["thread_id"]) for e in received] == [
        ("post.created", reply.pk, thread.pk)
    ]


def test_a_reply_is_pushed_to_the_threads_live_group_after_commit(
    thread, forum, settings, django_capture_on_commit_callbacks
):
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(services.thread_group(thread.pk), channel)
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply_to_thread(author=forum.user("in-employers"), thread=thread, body="live")
    message = async_to_sync(layer.receive)(channel)
    assert message["type"] == "group.message"
    payload = message["payload"]
    assert payload["event"] == "post.created" and payload["post"] == reply.pk
    assert "live" not in str(payload)  # content-free: the client fetches the checked fragment


def test_new_posts_are_announced_to_the_spaces_thread_list_without_content(
    thread, forum, settings, django_capture_on_commit_callbacks
):
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    from dialogue.realtime import space_group

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(space_group(forum.space("in").pk), channel)
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_to_thread(author=forum.user("in-employers"), thread=thread, body="secret words")
    payload = async_to_sync(layer.receive)(channel)["payload"]
    assert payload == {
        "type": "forum.event", "topic": f"space:{forum.space('in').pk}", "event": "space.activity",
        "space": forum.space("in").pk, "thread": thread.pk,
    }
