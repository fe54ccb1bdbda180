"""Who a forum event concerns. Runs in a background task, after the event's transaction
committed; ``notifications.services.notify`` re-checks each recipient's access."""

from __future__ import annotations

from django.db.models import Q

from accounts.models import User
from forums.models import Post, PostMention, Thread
from notifications import services
from notifications.models import Follow

MODERATION_EVENTS = {
    "post.hidden",
    "post.restored",
    "thread.locked",
    "thread.closed",
    "thread.moved",
}


def _users(ids) -> list[User]:
    return list(User.objects.filter(pk__in=set(ids), is_active=True))


def _mentioned(post: Post, *, since=None) -> list[User]:
    mentions = PostMention.objects.filter(post=post)
    if since is not None:
        mentions = mentions.filter(created_at__gte=since)
    return _users(mentions.values_list("user_id", flat=True))


def thread_audience(thread: Thread) -> set[int]:
    """Who hears about replies: followers of the thread, and followers of its space who have
    not muted the thread (a thread's own follow or mute wins over the space's)."""
    rows = Follow.objects.filter(Q(thread=thread) | Q(space_id=thread.space_id)).values_list(
        "user_id", "thread_id", "muted"
    )
    thread_choice: dict[int, bool] = {}
    space_followers: set[int] = set()
    for user_id, on_thread, muted in rows:
        if on_thread:
            thread_choice[user_id] = muted
        elif not muted:
            space_followers.add(user_id)
    audience = {uid for uid, muted in thread_choice.items() if not muted}
    audience |= {uid for uid in space_followers if uid not in thread_choice}
    return audience


def handle_forum_event(
    *, kind: str, thread_id: int, space_id: int, actor_id: int | None, post_id: int | None, at: str
) -> None:
    thread = Thread.objects.select_related("space").filter(pk=thread_id).first()
    if thread is None:
        return
    post = Post.objects.filter(pk=post_id).first() if post_id else None
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    common = {"actor": actor, "space": thread.space, "thread": thread}

    if kind in ("thread.started", "post.created") and post is not None:
        if actor is not None:
            services.follow_thread_after_posting(user=actor, thread=thread)
        key = f"post:{post.pk}"
        # A mention wins over a reply or a new thread: they share the key.
        services.notify(
            recipients=_mentioned(post), kind="forum.mention", dedupe_key=key, post=post, **common
        )
        if kind == "post.created":
            audience = thread_audience(thread)
            services.notify(
                recipients=_users(audience),
                kind="forum.reply",
                dedupe_key=key,
                post=post,
                **common,
            )
        else:
            space_followers = Follow.objects.filter(
                space_id=thread.space_id, muted=False
            ).values_list("user_id", flat=True)
            services.notify(
                recipients=_users(space_followers),
                kind="forum.new_thread",
                dedupe_key=key,
                post=post,
                **common,
            )
        return

    if kind == "post.edited" and post is not None:
        # Only people newly mentioned by this edit: whoever was told about this post already
        # (mentioned before, or told of the reply) shares the key and is not told again.
        services.notify(
            recipients=_mentioned(post),
            kind="forum.mention",
            dedupe_key=f"post:{post.pk}",
            post=post,
            **common,
        )
        return

    if kind in MODERATION_EVENTS:
        if kind.startswith("post."):
            if post is None or post.author_id is None:
                return
            author_id = post.author_id
        else:
            author_id = thread.author_id
        if author_id is None:
            return
        services.notify(
            recipients=_users([author_id]),
            kind="forum.moderation",
            dedupe_key=f"moderation:{kind}:{post_id or thread_id}:{at}",
            post=post,
            data={"event": kind},
            **common,
        )
