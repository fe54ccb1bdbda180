"""Pushing to the site socket from synchronous code: always after commit, never breaking the
request that saved the data (``robust=True``: a Redis outage is logged, not raised)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    """Every open site socket of a user is in this group (re-joined on each heartbeat)."""
    return f"user.{user_id}"


def space_group(space_id: int) -> str:
    return f"space.{space_id}"


def _send_now(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(group, message)


def send_on_commit(group: str, message: dict[str, Any]) -> None:
    """Send ``message`` to a channel-layer group once the current transaction commits."""
    transaction.on_commit(lambda: _send_now(group, message), robust=True)


def close_connections_on_commit(
    user_ids: Iterable[int], *, space_ids: Iterable[int] | None = None, reason: str = "revoked"
) -> None:
    """After commit, close these users' site sockets that are subscribed to any of
    ``space_ids`` (or every socket of theirs when ``space_ids`` is None)."""
    spaces = None if space_ids is None else sorted(set(space_ids))
    for user_id in set(user_ids):
        send_on_commit(
            user_group(user_id),
            {"type": "access.revoked", "space_ids": spaces, "reason": reason},
        )
