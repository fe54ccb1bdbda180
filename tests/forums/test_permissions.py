"""Who may see and do what in the forums, as a table a reader can check at a glance.

Threads inherit their space's rules; a caucus thread is invisible to everyone outside the
caucus — staff and the parent space's moderators included — and its pages answer 404."""

from __future__ import annotations

import pytest
from django.http import Http404

from accounts.models import User
from forums import permissions, services
from forums.models import Thread

ROLES = [
    "anonymous", "unverified", "pending", "in-government", "in-employers", "in-workers",
    "jp-workers", "observer", "secretariat", "focal-point", "member", "moderator",
    "caucus-moderator", "adviser", "caucus-pending", "removed", "revoked", "deactivated", "staff",
]

# Legend: R read, W reply/start, S support, M moderate. "-" nothing (and 404 on its pages).
MATRIX: dict[str, dict[str, str]] = {
    #                   caucus thread   public country-space thread   hidden public thread
    "anonymous":        {"caucus": "-",    "public": "R",    "hidden": "-"},
    "unverified":       {"caucus": "-",    "public": "R",    "hidden": "-"},
    "pending":          {"caucus": "-",    "public": "R",    "hidden": "-"},
    "in-government":    {"caucus": "-",    "public": "RWS",  "hidden": "-"},
    "in-employers":     {"caucus": "-",    "public": "RWS",  "hidden": "-"},
    "in-workers":       {"caucus": "-",    "public": "RWS",  "hidden": "-"},
    "jp-workers":       {"caucus": "-",    "public": "R",    "hidden": "-"},
    "observer":         {"caucus": "-",    "public": "RW",   "hidden": "-"},
    "secretariat":      {"caucus": "-",    "public": "RW",   "hidden": "-"},
    "focal-point":      {"caucus": "-",    "public": "R",    "hidden": "-"},
    "member":           {"caucus": "RWS",  "public": "RWS",  "hidden": "-"},
    "moderator":        {"caucus": "-",    "public": "RWSM", "hidden": "RM"},
    "caucus-moderator": {"caucus": "RWSM", "public": "R",    "hidden": "-"},
    "adviser":          {"caucus": "RW",   "public": "R",    "hidden": "-"},
    "caucus-pending":   {"caucus": "-",    "public": "R",    "hidden": "-"},
    "removed":          {"caucus": "-",    "public": "R",    "hidden": "-"},
    "revoked":          {"caucus": "-",    "public": "R",    "hidden": "-"},
    "deactivated":      {"caucus": "-",    "public": "R",    "hidden": "-"},
    "staff":            {"caucus": "-",    "public": "RM",   "hidden": "RM"},
}


@pytest.fixture
def threads(forum):
    w = forum
    caucus = services.start_thread(
        author=w.user("member"), space=w.space("in-workers"), title="Our line", body="secret"
    )
    public = services.start_thread(
        author=w.user("moderator"), space=w.space("in"), title="Open", body="hello"
    )
    hidden = services.start_thread(
        author=w.user("member"), space=w.space("in"), title="Hidden", body="oops"
    )
    services.hide_thread(actor=w.user("moderator"), thread=hidden, reason="off topic")
    return {"caucus": caucus, "public": public, "hidden": hidden}


def fresh(user: User | None) -> User | None:
    # Standing and memberships are memoised on user objects; each check starts clean.
    return None if user is None else User.objects.get(pk=user.pk)


def test_the_matrix_covers_every_role():
    assert set(MATRIX) == set(ROLES)


def test_forum_access_matrix(threads, forum):
    """One world, every role: the table above is what the access module answers."""
    from django.contrib.auth.models import AnonymousUser

    problems = []
    for role in ROLES:
        for key, thread in threads.items():
            user = fresh(forum.user(role)) or AnonymousUser()
            thread = Thread.objects.select_related("space").get(pk=thread.pk)
            expected = MATRIX[role][key]
            got = ""
            if permissions.visible_threads(user).filter(pk=thread.pk).exists():
                got += "R"
            if permissions.can_reply(user, thread):
                got += "W"
            if "R" in got and not thread.is_hidden and permissions.can_support(user, thread.space):
                got += "S"
            if permissions.can_moderate_thread(user, thread):
                got += "M"
            if (got or "-") != expected:
                problems.append(f"{role} on the {key} thread: {got or '-'} (want {expected})")
            # The predicate and the queryset agree.
            if permissions.can_read_thread(user, thread) != ("R" in expected):
                problems.append(f"{role} on the {key} thread: can_read_thread disagrees")
    assert not problems, "\n".join(problems)


def test_a_caucus_thread_and_its_posts_answer_404_to_outsiders(threads, forum):
    from django.contrib.auth.models import AnonymousUser

    thread = threads["caucus"]
    services.reply_to_thread(author=forum.user("member"), thread=thread, body="more")
    thread.tags.add("strike-fund")
    for role in (r for r in ROLES if "R" not in MATRIX[r]["caucus"]):
        user = fresh(forum.user(role)) or AnonymousUser()
        with pytest.raises(Http404):
            permissions.get_thread_for_user(user, thread.pk)
        for post in thread.posts.all():
            with pytest.raises(Http404):
                permissions.get_post_for_user(user, post.pk)
        assert not permissions.visible_posts(user).filter(thread=thread).exists(), role
        assert not permissions.visible_tags_in_space(user, thread.space).exists(), role


def test_a_missing_thread_answers_like_a_forbidden_one(forum):
    with pytest.raises(Http404):
        permissions.get_thread_for_user(forum.user("member"), 987654321)


def test_hidden_and_deleted_posts_drop_out_of_visible_posts_for_readers(threads, forum):
    w = forum
    thread = threads["public"]
    reply = services.reply_to_thread(author=w.user("member"), thread=thread, body="rude")
    gone = services.reply_to_thread(author=w.user("member"), thread=thread, body="regret")
    services.hide_post(actor=w.user("moderator"), post=reply, reason="rude")
    services.delete_post(user=w.user("member"), post=gone)
    reader = fresh(w.user("in-employers"))
    moderator = fresh(w.user("moderator"))
    assert set(permissions.visible_posts(reader).filter(thread=thread)) == {thread.posts.get(number=1)}
    assert reply in permissions.visible_posts(moderator)
    assert gone not in permissions.visible_posts(moderator)


def test_tags_of_a_space_are_only_those_on_threads_the_viewer_may_see(forum):
    w = forum
    services.start_thread(
        author=w.user("member"), space=w.space("in-workers"), title="t", body="b", tags="strike-fund"
    )
    services.start_thread(
        author=w.user("member"), space=w.space("in"), title="t", body="b", tags="wages"
    )
    staff = fresh(w.user("staff"))
    member = fresh(w.user("member"))
    assert list(permissions.visible_tags_in_space(staff, w.space("in")).values_list("name", flat=True)) == ["wages"]
    assert not permissions.visible_tags_in_space(staff, w.space("in-workers")).exists()
    assert list(
        permissions.visible_tags_in_space(member, w.space("in-workers")).values_list("name", flat=True)
    ) == ["strike-fund"]
