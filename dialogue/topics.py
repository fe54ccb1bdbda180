"""What a site socket may subscribe to: a small registry of topic kinds.

A topic is ``"<prefix>:<object id>"`` (``space:12``). Each prefix has an *authorizer*, a
synchronous function ``(user, object_id) -> Subscription | None`` that asks the access module
(never its own rules) and answers ``None`` alike for a missing object and a forbidden one, so a
refusal reveals nothing. The consumer runs it under ``database_sync_to_async``.

A prefix may also have a *rechecker* ``(user, object_ids) -> allowed object ids`` that answers
for many objects in a bounded number of queries; the heartbeat uses it to re-authorize every
subscription of a connection at once. Without one, the authorizer is called per object.

This module registers ``space``. Later issues register their own kinds (``thread``,
``meeting``...) from their app's ``AppConfig.ready()`` so the registry is complete before the
first connection.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from dialogue.realtime import space_group

# Prefix and id are deliberately narrow: anything else is a malformed request.
TOPIC_RE = re.compile(r"^(?P<prefix>[a-z][a-z0-9_]{0,31}):(?P<object_id>[A-Za-z0-9_-]{1,64})$")


@dataclass(frozen=True)
class Subscription:
    """The channel-layer group a topic maps to, and the space it belongs to (so revoking access
    to a space closes every connection subscribed to anything inside it)."""

    group: str
    space_id: int | None


Authorizer = Callable[..., Subscription | None]
Rechecker = Callable[..., Iterable[str]]


@dataclass(frozen=True)
class TopicKind:
    prefix: str
    authorize: Authorizer
    recheck: Rechecker | None = None


class UnknownTopic(Exception):
    """The prefix is not registered."""


_registry: dict[str, TopicKind] = {}


def register_topic(prefix: str, authorizer: Authorizer, *, recheck: Rechecker | None = None) -> None:
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,31}", prefix):
        raise ValueError(f"Bad topic prefix: {prefix!r}")
    _registry[prefix] = TopicKind(prefix, authorizer, recheck)


def parse_topic(topic: object) -> tuple[str, str] | None:
    """``(prefix, object_id)`` for a well-formed topic string, else ``None``."""
    if not isinstance(topic, str):
        return None
    match = TOPIC_RE.match(topic)
    if match is None:
        return None
    return match["prefix"], match["object_id"]


def authorize(user, prefix: str, object_id: str) -> Subscription | None:
    """Synchronous (database). Raises ``UnknownTopic`` for an unregistered prefix."""
    kind = _registry.get(prefix)
    if kind is None:
        raise UnknownTopic(prefix)
    return kind.authorize(user, object_id)


def still_allowed(user, topics: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
    """Synchronous (database). Which of these ``(prefix, object_id)`` the user may still have:
    one rechecker call per prefix, so the cost does not grow with the number of subscriptions
    of a kind that has a rechecker."""
    by_prefix: dict[str, list[str]] = defaultdict(list)
    for prefix, object_id in topics:
        by_prefix[prefix].append(object_id)
    allowed: set[tuple[str, str]] = set()
    for prefix, ids in by_prefix.items():
        kind = _registry.get(prefix)
        if kind is None:
            continue
        if kind.recheck is not None:
            allowed.update((prefix, object_id) for object_id in kind.recheck(user, ids))
        else:
            allowed.update(
                (prefix, object_id) for object_id in ids if kind.authorize(user, object_id)
            )
    return allowed


# --- Spaces ---------------------------------------------------------------------------------


def _int_id(object_id: str) -> int | None:
    return int(object_id) if object_id.isdigit() and len(object_id) <= 18 else None


def authorize_space(user, object_id: str) -> Subscription | None:
    from dialogue.models import Space
    from dialogue.permissions import can_read_space

    pk = _int_id(object_id)
    if pk is None:
        return None
    space = Space.objects.filter(pk=pk).first()
    if space is None or not can_read_space(user, space):
        return None
    return Subscription(group=space_group(space.pk), space_id=space.pk)


def recheck_spaces(user, object_ids: Iterable[str]) -> set[str]:
    """One query: the subset of these spaces the user may still read."""
    from dialogue.permissions import readable_spaces

    pks = {pk for pk in (_int_id(i) for i in object_ids) if pk is not None}
    if not pks:
        return set()
    return {str(pk) for pk in readable_spaces(user).filter(pk__in=pks).values_list("pk", flat=True)}


register_topic("space", authorize_space, recheck=recheck_spaces)
