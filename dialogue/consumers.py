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

Close codes: 4401 unauthenticated (before accepting), 4403 access revoked, 1009 frame too big.

The consumer is thin: it authenticates, authorizes through ``dialogue.topics`` (which asks the
access module) and forwards messages. Every database touch is one ``database_sync_to_async``
call; channel-layer handlers for one recipient do no database work at all.
"""

from __future__ import annotations

import json
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from dialogue import topics
from dialogue.realtime import user_group

CLOSE_UNAUTHENTICATED = 4401
CLOSE_REVOKED = 4403
CLOSE_TOO_BIG = 1009

MAX_SUBSCRIPTIONS = 50
# Token bucket per connection: a page subscribing to all its topics at once fits the burst;
# a client hammering the database through subscribe does not.
RATE_BURST = 60
RATE_PER_SECOND = 5.0


def _load_user(user_id: int, session_key: str | None):
    """Synchronous. A fresh user row (so standing and membership caches start empty), or None
    if the account is inactive or the session that opened the socket has ended."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    if session_key is not None and settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        if not Session.objects.filter(session_key=session_key, expire_date__gt=timezone.now()).exists():
            return None
    return user


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
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            self.closing = True
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user_id = user.pk
        session = self.scope.get("session")
        self.session_key = getattr(session, "session_key", None) if session is not None else None
        await self._join(user_group(self.user_id))
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self._leave_all()

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
        await self._leave_all()
        await self.close(code=code)

    # --- Incoming frames ----------------------------------------------------------------

    async def websocket_receive(self, message: dict[str, Any]) -> None:
        # Size is checked before anything is decoded (Daphne imposes no limit of its own).
        if self.closing:
            return
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
        # Defense in depth: if a revocation message was lost, the heartbeat still notices.
        keys = list(self.subscriptions)
        valid, allowed = await database_sync_to_async(_recheck)(
            self.user_id, self.session_key, keys
        )
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

    async def group_message(self, event: dict[str, Any]) -> None:
        """A pre-built frame for everyone subscribed to a topic's group."""
        if not self.closing:
            await self.send_json(event["payload"])
