"""The site socket (``/ws/``): one authenticated WebSocket per open page.

Protocol (JSON text frames; see docs in ``static/js/site.js`` for the client side):

client → server
    ``{"type": "ping"}``                          → ``{"type": "pong"}``
    ``{"type": "subscribe", "topic": "space:7"}``  → ``{"type": "subscribed", "topic": ...}``
    ``{"type": "unsubscribe", "topic": ...}``      → ``{"type": "unsubscribed", "topic": ...}``
server → client
    ``{"type": "error", "code": "bad_request" | "unknown_topic" | "forbidden" |
    "too_many_subscriptions" | "rate_limited", ["topic": ...]}`` — the socket stays open.
    ``{"type": "access.revoked"}`` then close 4403.
    Any pre-built payload sent to the user's group or a subscribed group.

Close codes (every refusal comes after ``accept()``: Daphne turns a close before it into an
HTTP 403 at the handshake, which a browser reports as 1006 and cannot tell from an outage):

    4401  not signed in, or this session signed out           final
    4403  access revoked (after an ``access.revoked`` frame)  final
    4009  a frame over ``WEBSOCKET_MAX_FRAME_BYTES``          final
    4408  no frame for 3 heartbeat periods (liveness)         the client reconnects
    4440  the session no longer authenticates (password      the client reconnects; the
          changed, session gone at the heartbeat re-check)  handshake then decides

Channel-layer messages (per-user group ``user.<id>``, per-session group ``session.<hash>``,
topic groups): ``access.revoked``, ``user.message``, ``password.changed``, ``session.ended``,
``group.message``. Any other type is logged and dropped (Channels would close the socket).

The consumer is thin: it authenticates, authorizes through ``dialogue.topics`` (which asks the
access module) and forwards messages. Every database touch is one ``database_sync_to_async``
call; channel-layer handlers for one recipient do no database work at all.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY

from dialogue import topics
from dialogue.realtime import session_auth_digest, session_group, user_group

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_REVOKED = 4403
# The WebSocket library accepts only 1000 and 3000-4999 from an application: 1009 would
# become 1011 with a server-side exception.
CLOSE_TOO_BIG = 4009
CLOSE_IDLE = 4408
CLOSE_SESSION_CHANGED = 4440

# A socket that sends no frame for this many heartbeat periods is closed. The client pings
# every 25 s, below one period (WEBSOCKET_HEARTBEAT_SECONDS, 30 s); three periods leave room
# for a hidden tab whose timers the browser throttles to once a minute.
IDLE_HEARTBEATS = 3

# Channel-layer message types this consumer handles; websocket.* come from Daphne.
LAYER_MESSAGE_TYPES = frozenset(
    {"access.revoked", "user.message", "password.changed", "session.ended", "group.message"}
)

MAX_SUBSCRIPTIONS = 50
# Token bucket per connection: a page subscribing to all its topics at once fits the burst;
# a client hammering the database through subscribe does not.
RATE_BURST = 60
RATE_PER_SECOND = 5.0


def _session_authenticates(user, session_key: str) -> bool:
    """Synchronous (one session read). Whether the session still signs ``user`` in, as
    ``django.contrib.auth.get_user`` decides: the session exists and has not expired, names
    this user and a configured backend, and its authentication hash matches the user's
    current one or one made with a key in ``SECRET_KEY_FALLBACKS``. Unlike ``get_user`` it
    never flushes or rotates the session: that is the next HTTP request's business."""
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
    from django.utils.crypto import constant_time_compare

    data = import_module(settings.SESSION_ENGINE).SessionStore(session_key).load()
    if data.get(SESSION_KEY) != user._meta.pk.value_to_string(user):
        return False
    if data.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return False
    session_hash = data.get(HASH_SESSION_KEY)
    if not session_hash:
        return False
    if constant_time_compare(session_hash, user.get_session_auth_hash()):
        return True
    return any(
        constant_time_compare(session_hash, fallback)
        for fallback in user.get_session_auth_fallback_hash()
    )


def _load_user(user_id: int, session_key: str | None):
    """Synchronous. A fresh user row (so standing and membership caches start empty), or None
    if the account is inactive. Raises ``SessionEnded`` if the session that opened the socket
    no longer signs this user in. (``session_key`` is None only for a scope built without
    sessions, as some tests do.)"""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    if session_key is not None and not _session_authenticates(user, session_key):
        raise SessionEnded
    return user


class SessionEnded(Exception):
    """The socket's session was signed out, expired, or its password hash changed."""


def _authorize(user_id: int, session_key: str | None, prefix: str, object_id: str):
    user = _load_user(user_id, session_key)
    if user is None:
        return None, False
    return topics.authorize(user, prefix, object_id), True


def _recheck(user_id: int, session_key: str | None, subscribed: list[tuple[str, str]]):
    """``(user still valid, allowed subset)`` in a bounded number of queries."""
    user = _load_user(user_id, session_key)
    if user is None:
        return False, set()
    return True, topics.still_allowed(user, subscribed)


class SiteConsumer(AsyncJsonWebsocketConsumer):
    user_id: int | None = None
    session_key: str | None = None

    # --- Connection ---------------------------------------------------------------------

    async def connect(self) -> None:
        self.subscriptions: dict[tuple[str, str], topics.Subscription] = {}
        self.joined: set[str] = set()
        self.closing = False
        self.tokens = float(RATE_BURST)
        self.tokens_at = time.monotonic()
        self.liveness: asyncio.Task | None = None
        self.last_frame_at = time.monotonic()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            # Accept, then close: a close before accept() reaches a browser as a failed
            # handshake (1006), which it would retry for ever.
            self.closing = True
            await self.accept()
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user_id = user.pk
        session = self.scope.get("session")
        self.session_key = getattr(session, "session_key", None) if session is not None else None
        # AuthMiddlewareStack has read the session to find the user: no query here.
        self.session_auth = (
            session_auth_digest(session.get(HASH_SESSION_KEY)) if self.session_key else None
        )
        await self._join(user_group(self.user_id))
        if self.session_key:
            await self._join(session_group(self.session_key))
        await self.accept()
        self.liveness = asyncio.create_task(self._watch_liveness())

    async def disconnect(self, code: int) -> None:
        self._stop_liveness()
        await self._leave_all()

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes the socket on a message type without a handler, and would call any
        # method whose name matches one: only Daphne's and our own layer types get through.
        kind = message.get("type")
        if not isinstance(kind, str) or not (
            kind.startswith("websocket.") or kind in LAYER_MESSAGE_TYPES
        ):
            logger.warning("site socket: dropped a channel-layer message of type %r", kind)
            return
        await super().dispatch(message)

    # --- Liveness (no database work) ----------------------------------------------------

    async def _watch_liveness(self) -> None:
        """Close a socket that stopped sending frames: its heartbeat re-check no longer runs.
        The client reconnects on 4408 (a sleeping laptop, a tab the browser froze)."""
        timeout = float(settings.WEBSOCKET_HEARTBEAT_SECONDS) * IDLE_HEARTBEATS
        while not self.closing:
            idle = time.monotonic() - self.last_frame_at
            if idle >= timeout:
                await self._close(CLOSE_IDLE)
                return
            await asyncio.sleep(timeout - idle)

    def _stop_liveness(self) -> None:
        task = getattr(self, "liveness", None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()
        self.liveness = None

    async def _join(self, group: str) -> None:
        await self.channel_layer.group_add(group, self.channel_name)
        self.joined.add(group)

    async def _leave(self, group: str) -> None:
        self.joined.discard(group)
        await self.channel_layer.group_discard(group, self.channel_name)

    async def _leave_all(self) -> None:
        for group in list(getattr(self, "joined", ())):
            await self._leave(group)

    async def _close(self, code: int) -> None:
        """Close from our side, leaving the groups at once so nothing more is delivered."""
        if self.closing:
            return
        self.closing = True
        self._stop_liveness()
        await self._leave_all()
        await self.close(code=code)

    # --- Incoming frames ----------------------------------------------------------------

    async def websocket_receive(self, message: dict[str, Any]) -> None:
        # Size is checked before anything is decoded. Daphne's own limit
        # (--websocket-max-message-size) is set just above ours, so an oversize frame gets
        # our 4009 rather than Daphne dropping the connection.
        if self.closing:
            return
        self.last_frame_at = time.monotonic()
        limit: int = settings.WEBSOCKET_MAX_FRAME_BYTES
        text = message.get("text")
        if text is None:
            data = message.get("bytes") or b""
            if len(data) > limit:
                await self._close(CLOSE_TOO_BIG)
            else:
                await self._error("bad_request")  # the protocol is JSON text only
            return
        if len(text) > limit or (len(text) * 4 > limit and len(text.encode("utf-8")) > limit):
            await self._close(CLOSE_TOO_BIG)
            return
        if not self._take_token():
            await self._error("rate_limited")
            return
        try:
            content = json.loads(text)
        except (ValueError, RecursionError):
            await self._error("bad_request")
            return
        await self.receive_json(content)

    def _take_token(self) -> bool:
        now = time.monotonic()
        self.tokens = min(RATE_BURST, self.tokens + (now - self.tokens_at) * RATE_PER_SECOND)
        self.tokens_at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self._ping()
        elif kind == "subscribe":
            await self._subscribe(content.get("topic"))
        elif kind == "unsubscribe":
            await self._unsubscribe(content.get("topic"))
        else:
            await self._error("bad_request")

    async def _error(self, code: str, topic: str | None = None) -> None:
        frame: dict[str, Any] = {"type": "error", "code": code}
        if topic is not None:
            frame["topic"] = topic
        await self.send_json(frame)

    async def _ping(self) -> None:
        # Re-join first: channels-redis expires group membership (and Daphne may have been
        # running for longer than that); a long-open tab must never silently drop out.
        for group in list(self.joined):
            await self.channel_layer.group_add(group, self.channel_name)
        # Defense in depth: if a revocation or sign-out message was lost, the heartbeat still
        # notices.
        keys = list(self.subscriptions)
        try:
            valid, allowed = await database_sync_to_async(_recheck)(
                self.user_id, self.session_key, keys
            )
        except SessionEnded:
            await self._close(CLOSE_SESSION_CHANGED)
            return
        if not valid or any(key not in allowed for key in keys):
            await self._revoke()
            return
        await self.send_json({"type": "pong"})

    async def _subscribe(self, topic: Any) -> None:
        parsed = topics.parse_topic(topic)
        if parsed is None:
            await self._error("bad_request")
            return
        if parsed not in self.subscriptions and len(self.subscriptions) >= MAX_SUBSCRIPTIONS:
            await self._error("too_many_subscriptions", topic)
            return
        try:
            subscription, valid = await database_sync_to_async(_authorize)(
                self.user_id, self.session_key, *parsed
            )
        except topics.UnknownTopic:
            await self._error("unknown_topic", topic)
            return
        except SessionEnded:
            await self._close(CLOSE_SESSION_CHANGED)
            return
        if not valid:
            await self._revoke()
            return
        if subscription is None:
            await self._error("forbidden", topic)
            return
        self.subscriptions[parsed] = subscription
        await self._join(subscription.group)
        await self.send_json({"type": "subscribed", "topic": topic})

    async def _unsubscribe(self, topic: Any) -> None:
        parsed = topics.parse_topic(topic)
        if parsed is None:
            await self._error("bad_request")
            return
        subscription = self.subscriptions.pop(parsed, None)
        if subscription is not None and not any(
            s.group == subscription.group for s in self.subscriptions.values()
        ):
            await self._leave(subscription.group)
        await self.send_json({"type": "unsubscribed", "topic": topic})

    async def _revoke(self) -> None:
        await self.send_json({"type": "access.revoked"})
        await self._close(CLOSE_REVOKED)

    # --- Channel-layer handlers (no database work here) ---------------------------------

    async def access_revoked(self, event: dict[str, Any]) -> None:
        """From ``dialogue.realtime.close_connections_on_commit``."""
        if self.closing:
            return
        space_ids = event.get("space_ids")
        if space_ids is None or {s.space_id for s in self.subscriptions.values()} & set(space_ids):
            await self._revoke()

    async def user_message(self, event: dict[str, Any]) -> None:
        """A pre-built frame for this user (notifications and the like)."""
        if not self.closing:
            await self.send_json(event["payload"])

    async def session_ended(self, event: dict[str, Any]) -> None:
        """From ``dialogue.realtime.close_session_sockets_on_commit``: this session signed out."""
        await self._close(CLOSE_UNAUTHENTICATED)

    async def password_changed(self, event: dict[str, Any]) -> None:
        """From ``dialogue.realtime.close_stale_sessions_on_commit``: the user's password
        changed; a socket whose session hash is not the new one no longer authenticates."""
        # (A scope without a session, as some tests build, has nothing to compare: it closes.)
        if self.session_auth is None or self.session_auth != event.get("session_auth"):
            await self._close(CLOSE_SESSION_CHANGED)

    async def group_message(self, event: dict[str, Any]) -> None:
        """A pre-built frame for everyone subscribed to a topic's group."""
        if not self.closing:
            await self.send_json(event["payload"])
