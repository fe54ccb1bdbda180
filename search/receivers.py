"""Keep the search index current from forum events (sent after commit, ids only)."""

from __future__ import annotations

from django.dispatch import receiver

from forums.signals import forum_event
from search import services

# Events that change what one post's row should hold (its text, or whether it is live).
POST_EVENTS = frozenset(
    {"thread.started", "post.created", "post.edited", "post.deleted", "post.hidden",
     "post.restored"}
)  # fmt: skip
# Events that change every post of a thread (whether it is live, or where it lives).
THREAD_EVENTS = frozenset({"thread.hidden", "thread.restored", "thread.moved"})


@receiver(forum_event, dispatch_uid="search.index_forum_event")
def index_forum_event(sender, *, kind: str, thread_id: int, post_id: int | None = None, **kwargs):
    if kind in POST_EVENTS and post_id is not None:
        services.index_posts([post_id])
    elif kind in THREAD_EVENTS:
        services.index_thread(thread_id)
