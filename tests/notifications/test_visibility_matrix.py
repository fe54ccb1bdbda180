"""Who may still see a notification about the India workers' caucus, by kind scope — the
table `notifications.permissions.visible_notifications` must answer (read time and send time
use the same query). Columns: post text (reply, mention), own post (moderation), thread (new
thread), space name (membership decisions)."""

from __future__ import annotations

import pytest

from forums import services as forum_services
from notifications.models import Notification
from notifications.permissions import visible_notifications

pytestmark = pytest.mark.django_db

KINDS = ("forum.reply", "forum.moderation", "forum.new_thread", "membership.decided")

#  role               reply  moderation  new_thread  membership (the caucus's name)
MATRIX = {
    "member":           (True,  True,  True,  True),
    "adviser":          (True,  True,  True,  True),
    "caucus-moderator": (True,  True,  True,  True),
    "caucus-pending":   (False, False, False, True),   # eligible: sees the name only
    "removed":          (False, False, False, True),   # removed, still eligible: the name
    "revoked":          (False, False, False, False),  # no affiliation: nothing
    "deactivated":      (False, False, False, False),
    "in-employers":     (False, False, False, False),  # same country, another group
    "jp-workers":       (False, False, False, False),  # same group, another country
    "moderator":        (False, False, False, False),  # moderates the parent space
    "staff":            (False, False, False, False),  # staff never see caucuses
    "observer":         (False, False, False, False),
    "unverified":       (False, False, False, False),
}  # fmt: skip


@pytest.mark.parametrize("role", list(MATRIX))
def test_caucus_notifications_are_visible_exactly_to_the_caucus(w, role, settings):
    settings.FORUMS_POST_RATE_LIMIT = (10**6, 60)
    caucus = w.space("in-workers")
    thread = forum_services.start_thread(
        author=w.user("caucus-moderator"), space=caucus, title="T", body="x"
    )
    post = thread.posts.get(number=1)
    user = w.user(role)
    user.refresh_from_db()
    rows = {
        kind: Notification.objects.create(
            recipient=user,
            kind=kind,
            dedupe_key=f"matrix-{kind}",
            space=caucus,
            thread=None if kind == "membership.decided" else thread,
            post=None if kind in ("membership.decided", "forum.new_thread") else post,
        )  # fmt: skip
        for kind in KINDS
    }
    visible = set(visible_notifications(user).values_list("pk", flat=True))
    got = tuple(rows[kind].pk in visible for kind in KINDS)
    assert got == MATRIX[role], dict(zip(KINDS, got, strict=True))


def test_a_thread_moved_out_of_a_caucus_is_named_by_its_new_space_not_the_caucus(w):
    """Visibility follows the thread; so must the text: a former caucus member told (by an
    old notification) about a thread that has since left the caucus must not read the
    caucus's name."""
    from forums import services as forum_services
    from forums.models import Thread
    from notifications.models import Notification
    from notifications.selectors import notification_page

    caucus, public = w.space("in-workers"), w.space("in")
    author, former = w.user("caucus-moderator"), w.user("revoked")
    thread = forum_services.start_thread(author=author, space=caucus, title="Moved", body="x")
    Notification.objects.create(
        recipient=former, kind="forum.new_thread", dedupe_key="moved", space=caucus,
        thread=thread, actor=author,
    )  # fmt: skip
    Thread.objects.filter(pk=thread.pk).update(space=public)  # as a move by a moderator of both
    texts = [n.text for n in notification_page(former, 1).object_list]
    assert texts and all(caucus.name not in text for text in texts)
    assert any(public.name in text for text in texts)
