""""Something happened in a forum": one signal, sent once, after the transaction commits.

The notifications and search issues connect receivers here. Receivers get ids only (never
objects loaded before commit) and must re-check access themselves at send time with
``forums.permissions`` — the event says what happened, not who may know.

    from forums.signals import forum_event

    @receiver(forum_event)
    def on_forum_event(sender, *, kind, thread_id, post_id, space_id, actor_id, **kwargs): ...

``kind`` is one of ``EVENT_KINDS``. Sent with ``robust=True`` on commit: a failing receiver
is logged and cannot break the request that saved the data.

Extra keyword arguments by kind:

* ``thread.started``, ``post.created``: ``mentioned_user_ids`` — the people the post mentions
  (``forums.mentions``), in order of first mention; ``post.created`` also ``quote_of_id``.
* ``post.edited``: ``mentioned_user_ids`` — only the mentions the edit *added* (people already
  mentioned before the edit were told then; removed mentions are simply gone).

Each id has a ``forums.models.PostMention`` row written in the same transaction as the post,
only for active members of the space who could read the thread at that moment, never the
author. Access may have changed by the time a receiver runs: re-check it
(``forums.permissions.visible_posts(user)``) before telling anyone anything.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

forum_event = Signal()

EVENT_KINDS = frozenset(
    {
        "thread.started",
        "post.created",
        "post.edited",
        "post.deleted",
        "post.hidden",
        "post.restored",
        "post.supported",
        "post.support_withdrawn",
        "thread.locked",
        "thread.unlocked",
        "thread.pinned",
        "thread.unpinned",
        "thread.closed",
        "thread.reopened",
        "thread.hidden",
        "thread.restored",
        "thread.moved",
    }
)


def emit_on_commit(
    kind: str,
    *,
    thread_id: int,
    space_id: int,
    actor_id: int | None,
    post_id: int | None = None,
    **extra,
) -> None:
    """Queue ``forum_event`` for after the current transaction commits."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"Unknown forum event kind: {kind}")

    def send() -> None:
        for receiver, response in forum_event.send_robust(
            sender=None,
            kind=kind,
            thread_id=thread_id,
            post_id=post_id,
            space_id=space_id,
            actor_id=actor_id,
            **extra,
        ):
            if isinstance(response, Exception):
                logger.error("forum_event receiver %r failed", receiver, exc_info=response)

    transaction.on_commit(send, robust=True)
