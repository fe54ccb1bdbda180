"""Pushing to the site socket from synchronous code: always after commit, never breaking the
request that saved the data (``robust=True``: a Redis outage is logged, not raised)."""

from __future__ import annotations

import hashlib
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


def session_group(session_key: str) -> str:
    """Every open site socket of one signed-in session is in this group. Named by a hash of
    the key: the channel layer (Redis) must never hold a value that opens the session."""
    return f"session.{hashlib.sha256(session_key.encode()).hexdigest()}"


def space_group(space_id: int) -> str:
    return f"space.{space_id}"


def session_auth_digest(session_auth_hash: str | None) -> str | None:
    """What a password change announces to the user's sockets instead of the session
    authentication hash itself (an HMAC of the password hash; it stays out of the layer)."""
    if not session_auth_hash:
        return None
    return hashlib.sha256(f"tripartite.socket:{session_auth_hash}".encode()).hexdigest()


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


def close_session_sockets_on_commit(session_key: str | None) -> None:
    """After commit, close every site socket opened by this session (it was signed out):
    close 4401, which the client takes as final."""
    if session_key:
        send_on_commit(session_group(session_key), {"type": "session.ended"})


def close_stale_sessions_on_commit(user) -> None:
    """After commit, close every site socket of ``user`` whose session no longer
    authenticates now that the password changed (Django's session verification compares the
    session's stored hash with ``user.get_session_auth_hash()``). Each consumer compares a
    digest of its own session's hash, so this costs no database work per socket; a socket
    opened after the change (by the tab whose session ``update_session_auth_hash`` kept)
    stays open. The closed ones use 4440, on which the client reconnects: a signed-out
    browser is then refused with 4401, the person's current tab carries on."""
    digest = session_auth_digest(user.get_session_auth_hash())
    if getattr(user, "_socket_stale_sessions_scheduled", None) == digest:
        return  # Django's save and allauth's signal both announce the same change
    user._socket_stale_sessions_scheduled = digest
    send_on_commit(user_group(user.pk), {"type": "password.changed", "session_auth": digest})
