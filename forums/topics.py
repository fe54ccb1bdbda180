"""The ``thread`` topic of the site socket: live updates of one thread (new replies, edits,
hides, state changes). Registered from ``ForumsConfig.ready()`` into ``dialogue.topics``.

A subscription carries the thread's space, so ending someone's access to that space closes it
at once; the heartbeat re-checks every thread subscription in one query (a thread moved or
hidden since drops out there)."""

from __future__ import annotations

from collections.abc import Iterable

from dialogue.topics import Subscription, register_topic


def _int_id(object_id: str) -> int | None:
    return int(object_id) if object_id.isdigit() and len(object_id) <= 18 else None


def authorize_thread(user, object_id: str) -> Subscription | None:
    from forums.permissions import visible_threads
    from forums.services import thread_group

    pk = _int_id(object_id)
    if pk is None:
        return None
    space_id = visible_threads(user).filter(pk=pk).values_list("space_id", flat=True).first()
    if space_id is None:
        return None
    return Subscription(group=thread_group(pk), space_id=space_id)


def recheck_threads(user, object_ids: Iterable[str]) -> set[str]:
    from forums.permissions import visible_threads

    pks = {pk for pk in (_int_id(i) for i in object_ids) if pk is not None}
    if not pks:
        return set()
    return {str(pk) for pk in visible_threads(user).filter(pk__in=pks).values_list("pk", flat=True)}


def register() -> None:
    register_topic("thread", authorize_thread, recheck=recheck_threads)
