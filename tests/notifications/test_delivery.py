"""Each kind reaches exactly the right people, once: followers who may still read, never
the actor, never the muted; a mention wins over a reply in the same post."""

from __future__ import annotations

import pytest
from django.core import mail

from dialogue import services as dialogue_services
from dialogue.models import Membership
from forums import services as forum_services
from forums.models import PostMention
from notifications import services
from notifications.models import Delivery, Notification
from tests.notifications.helpers import mails_to, told

pytestmark = pytest.mark.django_db


def test_a_reply_tells_the_threads_followers_and_the_spaces_followers_once(w, run_on_commit):
    space = w.space("in")
    member, moderator, follower = w.user("member"), w.user("moderator"), w.user("in-employers")
    from tests.world import _activate

    _activate(space, follower)
    services.set_follow(user=follower, space=space, state="follow")
    thread = run_on_commit(
        forum_services.start_thread, author=member, space=space, title="Wages", body="Opening"
    )
    # The space's follower heard of the new thread; the author follows it by posting.
    assert [n.kind for n in told(follower)] == ["forum.new_thread"]
    assert told(member) == []
    mail.outbox.clear()

    reply = run_on_commit(
        forum_services.reply_to_thread, author=moderator, thread=thread, body="Reply"
    )

    assert [n.kind for n in told(member, "forum.reply")] == ["forum.reply"]
    assert [n.kind for n in told(follower, "forum.reply")] == ["forum.reply"]
    assert told(moderator) == []  # never the actor
    # Immediate email by default, to each of them once.
    assert len(mails_to(member)) == 1 and len(mails_to(follower)) == 1
    assert mails_to(moderator) == []
    (message,) = mails_to(member)
    assert "replied in “Wages”" in message.subject
    assert "/notifications/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    assert reply.get_absolute_url() in message.body


def test_a_muted_thread_is_silent_even_for_a_space_follower(w, run_on_commit):
    space = w.space("in")
    member, moderator = w.user("member"), w.user("moderator")
    services.set_follow(user=member, space=space, state="follow")
    thread = run_on_commit(
        forum_services.start_thread, author=moderator, space=space, title="Noise", body="x"
    )
    services.set_follow(user=member, thread=thread, state="mute")
    run_on_commit(forum_services.reply_to_thread, author=moderator, thread=thread, body="more")
    assert told(member, "forum.reply") == []


def test_a_mention_and_a_reply_to_the_same_person_in_one_post_is_one_notification(
    w, run_on_commit
):
    space = w.space("in")
    member, moderator = w.user("member"), w.user("moderator")
    thread = run_on_commit(
        forum_services.start_thread, author=member, space=space, title="T", body="x"
    )
    # The mentions feature records @handle as a PostMention in the post's transaction.
    post = run_on_commit(
        forum_services.reply_to_thread,
        author=moderator,
        thread=thread,
        body=f"@{member.handle} what do the workers say?",
    )
    assert list(PostMention.objects.filter(post=post).values_list("user", flat=True)) == [member.pk]
    assert [n.kind for n in told(member)] == ["forum.mention"]
    assert len(mails_to(member)) == 1
    assert "mentioned you" in mails_to(member)[0].subject


def test_an_edit_that_adds_a_mention_tells_only_the_newly_mentioned(w, run_on_commit):
    space = w.space("in")
    member, moderator, employer = w.user("member"), w.user("moderator"), w.user("in-employers")
    from tests.world import _activate

    _activate(space, employer)
    thread = run_on_commit(
        forum_services.start_thread, author=moderator, space=space, title="T", body="x"
    )
    post = run_on_commit(
        forum_services.reply_to_thread, author=moderator, thread=thread, body=f"@{member.handle}"
    )
    assert [n.kind for n in told(member)] == ["forum.mention"]
    run_on_commit(
        forum_services.edit_post,
        editor=moderator,
        post=post,
        body=f"@{member.handle} and @{employer.handle}",
    )
    assert [n.kind for n in told(employer)] == ["forum.mention"]
    assert [n.kind for n in told(member)] == ["forum.mention"]  # not told twice


def test_a_caucus_post_mentioning_an_outsider_tells_nobody_outside(w, run_on_commit):
    caucus = w.space("in-workers")
    member, outsider = w.user("member"), w.user("in-employers")
    thread = run_on_commit(
        forum_services.start_thread,
        author=member,
        space=caucus,
        title="Our line",
        body=f"@{outsider.handle} should not hear of this",
    )
    assert PostMention.objects.filter(post__thread=thread).count() == 0
    assert told(outsider) == [] and mails_to(outsider) == []


def test_a_moderator_hiding_a_post_tells_its_author(w, run_on_commit):
    space = w.space("in")
    member, moderator = w.user("member"), w.user("moderator")
    thread = run_on_commit(
        forum_services.start_thread, author=member, space=space, title="T", body="x"
    )
    post = run_on_commit(forum_services.reply_to_thread, author=member, thread=thread, body="rude")
    run_on_commit(forum_services.hide_post, actor=moderator, post=post, reason="off topic")
    (notification,) = told(member, "forum.moderation")
    assert notification.post_id == post.pk
    assert told(moderator) == []


def test_nobody_outside_a_caucus_hears_of_its_threads_even_if_they_once_followed_it(
    w, run_on_commit
):
    caucus = w.space("in-workers")
    member, moderator = w.user("member"), w.user("caucus-moderator")
    removed, employer = w.user("removed"), w.user("in-employers")
    # Follows left over from before a removal, or written behind the services' back.
    from notifications.models import Follow

    Follow.objects.create(user=removed, space=caucus)
    Follow.objects.create(user=employer, space=caucus)
    services.set_follow(user=member, space=caucus, state="follow")
    thread = run_on_commit(
        forum_services.start_thread, author=moderator, space=caucus, title="Caucus", body="x"
    )
    assert told(removed, "forum.new_thread") == [] and told(employer) == []
    assert [n.kind for n in told(member)] == ["forum.new_thread"]
    assert all(removed.email not in m.to and employer.email not in m.to for m in mail.outbox)
    assert thread.pk


def test_membership_decisions_are_told_to_the_person(w, run_on_commit):
    private = w.space("in-private")
    asker = w.user("in-employers")
    request = run_on_commit(dialogue_services.request_to_join, user=asker, space=private)
    run_on_commit(dialogue_services.approve_request, actor=w.user("moderator"), membership=request)
    (notification,) = told(asker, "membership.decided")
    assert notification.data == {"decision": "approved"}
    (message,) = mails_to(asker)
    assert private.name in message.subject


def test_a_person_removed_between_the_event_and_the_send_gets_nothing(
    w, django_capture_on_commit_callbacks
):
    """The email is queued; the person is removed before the worker sends it: the queued
    email is dropped, and the in-app list no longer shows the notification."""
    caucus = w.space("in-workers")
    member, moderator = w.user("member"), w.user("caucus-moderator")
    with django_capture_on_commit_callbacks(execute=True):
        thread = forum_services.start_thread(author=member, space=caucus, title="T", body="x")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.notify(
            recipients=[member],
            kind="forum.reply",
            dedupe_key="test",
            actor=moderator,
            space=caucus,
            thread=thread,
            post=thread.posts.get(number=1),
        )
    assert (
        Delivery.objects.get(recipient=member, notification__kind__startswith="forum.").status
        == Delivery.Status.PENDING
    )
    with django_capture_on_commit_callbacks(execute=True):
        dialogue_services.remove_member(
            actor=moderator,
            membership=Membership.objects.get(space=caucus, user=member),
            reason="test",
        )
    for callback in queued:
        callback()
    assert (
        Delivery.objects.get(recipient=member, notification__kind__startswith="forum.").status
        == Delivery.Status.DROPPED
    )
    assert [m for m in mails_to(member) if "“T”" in m.subject] == []
    from notifications.permissions import visible_notifications

    assert not visible_notifications(member).filter(kind="forum.reply").exists()
    assert Notification.objects.filter(recipient=member, kind="forum.reply").exists()


def test_the_send_task_re_checks_access_even_when_nothing_dropped_the_email(
    w, django_capture_on_commit_callbacks
):
    """Access lost behind the services' back (an operator revoking in the admin site): the
    worker still sends nothing about what the person can no longer read."""
    from accounts.models import Affiliation

    caucus = w.space("in-workers")
    member, moderator = w.user("member"), w.user("caucus-moderator")
    with django_capture_on_commit_callbacks(execute=True):
        thread = forum_services.start_thread(author=moderator, space=caucus, title="S", body="x")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.notify(
            recipients=[member], kind="forum.reply", dedupe_key="k", actor=moderator,
            space=caucus, thread=thread, post=thread.posts.get(number=1),
        )  # fmt: skip
    Affiliation.objects.filter(user=member).update(status=Affiliation.Status.REVOKED)
    for callback in queued:
        callback()
    assert mail.outbox == []
    assert (
        Delivery.objects.get(recipient=member, notification__kind__startswith="forum.").status
        == Delivery.Status.DROPPED
    )


def test_queued_digest_email_is_dropped_when_the_affiliation_ends(w, run_on_commit):
    from accounts import services as account_services
    from accounts.models import Affiliation

    caucus = w.space("in-workers")
    member = w.user("member")
    services.set_email_preferences(user=member, choices={"forum.new_thread": "daily"})
    services.set_follow(user=member, space=caucus, state="follow")
    run_on_commit(
        forum_services.start_thread,
        author=w.user("caucus-moderator"), space=caucus, title="Q", body="x",
    )  # fmt: skip
    delivery = Delivery.objects.get(recipient=member, notification__kind__startswith="forum.")
    assert delivery.status == Delivery.Status.PENDING and delivery.frequency == "daily"
    run_on_commit(
        account_services.revoke_affiliation,
        actor=w.user("focal-point"),
        affiliation=Affiliation.objects.get(user=member, status=Affiliation.Status.VERIFIED),
        reason="left",
    )
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DROPPED


def test_a_retried_fan_out_tells_nobody_twice(w, run_on_commit):
    from notifications.forum_events import handle_forum_event

    space = w.space("in")
    member, moderator = w.user("member"), w.user("moderator")
    thread = run_on_commit(
        forum_services.start_thread, author=member, space=space, title="T", body="x"
    )
    post = run_on_commit(forum_services.reply_to_thread, author=moderator, thread=thread, body="r")
    before = len(mail.outbox)
    run_on_commit(
        handle_forum_event, kind="post.created", thread_id=thread.pk, space_id=space.pk,
        actor_id=moderator.pk, post_id=post.pk, at="",
    )  # fmt: skip
    assert len(told(member, "forum.reply")) == 1
    assert len(mail.outbox) == before
