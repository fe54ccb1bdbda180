"""Connections to other apps' events. Receivers only enqueue: the fan-out runs as a task."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils import timezone

from forums.signals import forum_event

# Forum events that notify someone.
NOTIFYING_EVENTS = frozenset(
    {
        "thread.started",
        "post.created",
        "post.edited",
        "post.hidden",
        "post.restored",
        "thread.locked",
        "thread.closed",
        "thread.moved",
    }
)


@receiver(forum_event, dispatch_uid="notifications.forum_event")
def on_forum_event(sender, *, kind, thread_id, post_id, space_id, actor_id, **kwargs) -> None:
    if kind not in NOTIFYING_EVENTS:
        return
    from notifications.tasks import fan_out_forum_event

    # Sent after commit already: enqueue directly.
    fan_out_forum_event.enqueue(
        kind,
        thread_id,
        space_id,
        actor_id,
        post_id,
        timezone.now().isoformat(),
    )
