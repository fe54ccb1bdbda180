"""The site socket (/ws/): who may connect, what they may subscribe to, and that losing access
closes their connections after commit (and only then)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts import services as account_services
from accounts.models import Affiliation
from dialogue import consumers, services
from dialogue.consumers import SiteConsumer
from dialogue.models import Membership
from dialogue.realtime import close_connections_on_commit, space_group, user_group
from tests.world import build_world

# Generous: the suite shares two cores with a browser and other processes. Only a failing
# test waits this long.
WAIT = 5

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(60)]


@pytest.fixture(autouse=True)
def _in_memory_layer(settings):
    # Changing the setting resets channels' cached layer backends (a backend holds queues bound
    # to the previous test's event loop).
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture
def world(transactional_db):
    return build_world()


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    async_to_sync(scenario)()


def with_user(app, user):
    """The consumer with ``scope["user"]`` set, as AuthMiddlewareStack would."""

    async def inner(scope, receive, send):
        return await app({**scope, "user": user}, receive, send)

    return inner


class Socket:
    """A connected communicator; always disconnected by the ``sockets`` helper."""

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.c = communicator

    async def send(self, frame: Any) -> None:
        await self.c.send_json_to(frame)

    async def receive(self) -> dict[str, Any]:
        return await self.c.receive_json_from(timeout=WAIT)

    async def subscribe(self, topic: str) -> dict[str, Any]:
        await self.send({"type": "subscribe", "topic": topic})
        return await self.receive()

    async def ping(self) -> dict[str, Any]:
        await self.send({"type": "ping"})
        return await self.receive()

    async def closed_with(self) -> int:
        output = await self.c.receive_output(timeout=WAIT)
        assert output["type"] == "websocket.close", output
        return output["code"]

    async def revoked_and_closed(self) -> int:
        assert await self.receive() == {"type": "access.revoked"}
        return await self.closed_with()

    async def is_silent(self) -> bool:
        return await self.c.receive_nothing(timeout=0.2)


class sockets:
    """``async with sockets() as open_:`` — ``await open_(user, *topics)`` connects (and
    subscribes); every communicator is disconnected on the way out."""

    def __init__(self) -> None:
        self.opened: list[WebsocketCommunicator] = []

    async def __aenter__(self):
        async def open_(user, *topics: str) -> Socket:
            communicator = WebsocketCommunicator(with_user(SiteConsumer.as_asgi(), user), "/ws/")
            self.opened.append(communicator)
            connected, code = await communicator.connect(timeout=WAIT)
            assert connected, code
            socket = Socket(communicator)
            for topic in topics:
                assert await socket.subscribe(topic) == {"type": "subscribed", "topic": topic}
            return socket

        return open_

    async def __aexit__(self, *exc) -> None:
        for communicator in self.opened:
            await communicator.disconnect(timeout=WAIT)


def topic(world, key: str) -> str:
    return f"space:{world.space(key).pk}"


# --- Authentication -------------------------------------------------------------------------


def test_a_signed_in_browser_connects_through_the_real_application_with_its_session_cookie(
    world, settings
):
    from config.asgi import application

    client = Client()
    client.force_login(world.user("member"))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    async def scenario():
        communicator = WebsocketCommunicator(
            application,
            "/ws/",
            headers=[(b"origin", b"http://testserver"), (b"cookie", cookie.encode())],
        )
        try:
            connected, _ = await communicator.connect(timeout=WAIT)
            assert connected
            await communicator.send_json_to(
                {"type": "subscribe", "topic": topic(world, "in-workers")}
            )
            assert (await communicator.receive_json_from(timeout=WAIT))["type"] == "subscribed"
        finally:
            await communicator.disconnect(timeout=WAIT)

    run(scenario)


def test_an_anonymous_visitor_is_accepted_then_turned_away_with_4401_through_the_real_application(
    world,
):
    from config.asgi import application

    async def scenario():
        communicator = WebsocketCommunicator(
            application, "/ws/", headers=[(b"origin", b"http://testserver")]
        )
        try:
            # Accepted first: a close before accepting reaches a browser as 1006, not 4401.
            assert await communicator.connect(timeout=WAIT) == (True, None)
            assert await Socket(communicator).closed_with() == 4401
        finally:
            await communicator.disconnect(timeout=WAIT)

    run(scenario)


def test_a_page_from_a_foreign_origin_cannot_open_the_socket(world, settings):
    from config.asgi import application

    client = Client()
    client.force_login(world.user("member"))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    async def scenario():
        communicator = WebsocketCommunicator(
            application,
            "/ws/",
            headers=[(b"origin", b"https://evil.example"), (b"cookie", cookie.encode())],
        )
        try:
            connected, _ = await communicator.connect(timeout=WAIT)
            assert not connected
        finally:
            await communicator.disconnect(timeout=WAIT)

    run(scenario)


def test_a_session_that_ended_unannounced_closes_the_socket_at_the_next_heartbeat(world, settings):
    from config.asgi import application

    client = Client()
    client.force_login(world.user("member"))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    async def scenario():
        communicator = WebsocketCommunicator(
            application,
            "/ws/",
            headers=[(b"origin", b"http://testserver"), (b"cookie", cookie.encode())],
        )
        try:
            assert (await communicator.connect(timeout=WAIT))[0]
            # The session row goes without a sign-out signal (expired, deleted by clearsessions).
            await database_sync_to_async(Session.objects.all().delete)()
            socket = Socket(communicator)
            await socket.send({"type": "ping"})
            # 4440: the client reconnects, and the handshake refuses a signed-out browser.
            assert await socket.closed_with() == 4440
        finally:
            await communicator.disconnect(timeout=WAIT)

    run(scenario)


def test_an_anonymous_or_deactivated_user_is_accepted_then_closed_with_4401_and_sent_nothing(
    world,
):
    from django.contrib.auth.models import AnonymousUser

    async def scenario():
        for user in (AnonymousUser(), world.user("deactivated")):
            communicator = WebsocketCommunicator(with_user(SiteConsumer.as_asgi(), user), "/ws/")
            try:
                assert await communicator.connect(timeout=WAIT) == (True, None)
                # The close is the first thing sent: no frame before it.
                assert await Socket(communicator).closed_with() == 4401
            finally:
                await communicator.disconnect(timeout=WAIT)

    run(scenario)


# --- Subscriptions --------------------------------------------------------------------------


def test_a_caucus_member_subscribes_to_the_caucus_and_outsiders_staff_and_parent_moderators_are_refused(
    world,
):
    caucus = topic(world, "in-workers")

    async def scenario():
        async with sockets() as open_:
            member = await open_(world.user("member"))
            assert await member.subscribe(caucus) == {"type": "subscribed", "topic": caucus}
            for key in ("in-employers", "staff", "moderator", "removed", "caucus-pending"):
                outsider = await open_(world.user(key))
                assert await outsider.subscribe(caucus) == {
                    "type": "error",
                    "code": "forbidden",
                    "topic": caucus,
                }, key

    run(scenario)


def test_a_refusal_looks_the_same_for_a_caucus_and_a_space_that_does_not_exist(world):
    async def scenario():
        async with sockets() as open_:
            outsider = await open_(world.user("in-employers"))
            hidden = await outsider.subscribe(topic(world, "in-workers"))
            missing = await outsider.subscribe("space:987654")
            assert hidden.pop("topic") != missing.pop("topic")
            assert hidden == missing == {"type": "error", "code": "forbidden"}

    run(scenario)


def test_unknown_topics_and_malformed_frames_get_an_error_and_the_socket_stays_open(world):
    bad_frames = [
        "not json{",
        "[]",
        '"ping"',
        "{}",
        '{"type": "dance"}',
        '{"type": "subscribe"}',
        '{"type": "subscribe", "topic": 7}',
        '{"type": "subscribe", "topic": "space 7"}',
        '{"type": "unsubscribe", "topic": null}',
        "[" * 5000,
    ]

    async def scenario():
        async with sockets() as open_:
            socket = await open_(world.user("member"))
            for frame in bad_frames:
                await socket.c.send_to(text_data=frame)
                assert await socket.receive() == {"type": "error", "code": "bad_request"}, frame
            await socket.c.send_to(bytes_data=b"\x00\x01")
            assert await socket.receive() == {"type": "error", "code": "bad_request"}
            assert await socket.subscribe("galaxy:1") == {
                "type": "error",
                "code": "unknown_topic",
                "topic": "galaxy:1",
            }
            assert await socket.ping() == {"type": "pong"}

    run(scenario)


def test_a_frame_over_64_kib_closes_the_socket_with_4009_counting_bytes_not_characters(world):
    async def scenario():
        async with sockets() as open_:
            ascii_socket = await open_(world.user("member"))
            await ascii_socket.c.send_to(text_data="x" * (64 * 1024 + 1))
            assert await ascii_socket.closed_with() == 4009

            # 40 000 characters, 80 000 bytes in UTF-8.
            wide_socket = await open_(world.user("member"))
            await wide_socket.c.send_to(
                text_data=json.dumps({"type": "ping", "x": "é" * 40000}, ensure_ascii=False)
            )
            assert await wide_socket.closed_with() == 4009

    run(scenario)


def test_subscriptions_per_connection_are_capped(world, monkeypatch):
    monkeypatch.setattr(consumers, "MAX_SUBSCRIPTIONS", 2)

    async def scenario():
        async with sockets() as open_:
            socket = await open_(
                world.user("member"), topic(world, "in"), topic(world, "in-workers")
            )
            assert (await socket.subscribe(topic(world, "regional")))[
                "code"
            ] == "too_many_subscriptions"
            # Subscribing again to a topic already held is not a new subscription.
            assert (await socket.subscribe(topic(world, "in")))["type"] == "subscribed"

    run(scenario)


def test_after_unsubscribing_a_connection_no_longer_receives_the_topics_messages(world):
    layer_message = {"type": "group.message", "payload": {"type": "space.event", "n": 1}}

    async def scenario():
        layer = get_channel_layer()
        async with sockets() as open_:
            socket = await open_(world.user("member"), topic(world, "in"))
            await layer.group_send(space_group(world.space("in").pk), layer_message)
            assert await socket.receive() == {"type": "space.event", "n": 1}
            await socket.send({"type": "unsubscribe", "topic": topic(world, "in")})
            assert await socket.receive() == {"type": "unsubscribed", "topic": topic(world, "in")}
            await layer.group_send(space_group(world.space("in").pk), layer_message)
            assert await socket.is_silent()

    run(scenario)


# --- Revocation -----------------------------------------------------------------------------


def remove_from_caucus(world, member) -> None:
    services.remove_member(
        actor=world.user("caucus-moderator"),
        membership=Membership.objects.get(space=world.space("in-workers"), user=member),
        reason="left the union",
    )


def revoke_affiliation(world, member) -> None:
    account_services.revoke_affiliation(
        actor=world.user("focal-point"),
        affiliation=Affiliation.objects.get(user=member, status=Affiliation.Status.VERIFIED),
        reason="left the union",
    )


def test_removing_a_member_closes_their_caucus_socket_with_4403_and_leaves_other_sockets_open(
    world,
):
    member = world.user("member")

    async def scenario():
        async with sockets() as open_:
            on_caucus = await open_(member, topic(world, "in-workers"))
            on_country = await open_(member, topic(world, "in"))
            bystander = await open_(world.user("caucus-moderator"), topic(world, "in-workers"))
            await database_sync_to_async(remove_from_caucus)(world, member)
            assert await on_caucus.revoked_and_closed() == 4403
            assert await on_country.ping() == {"type": "pong"}
            assert await bystander.ping() == {"type": "pong"}

    run(scenario)


def test_revoking_an_affiliation_closes_every_socket_of_that_person(world):
    member = world.user("member")

    async def scenario():
        async with sockets() as open_:
            idle = await open_(member)
            on_country = await open_(member, topic(world, "in"))
            unrelated = await open_(world.user("in-employers"), topic(world, "in"))
            await database_sync_to_async(revoke_affiliation)(world, member)
            assert await idle.revoked_and_closed() == 4403
            assert await on_country.revoked_and_closed() == 4403
            assert await unrelated.ping() == {"type": "pong"}

    run(scenario)


def test_deactivating_a_user_closes_every_socket_of_theirs(world):
    member = world.user("member")

    async def scenario():
        async with sockets() as open_:
            first = await open_(member, topic(world, "in-workers"))
            second = await open_(member)
            unrelated = await open_(world.user("caucus-moderator"), topic(world, "in-workers"))
            await database_sync_to_async(account_services.deactivate_user)(
                actor=world.user("staff"), user=member, reason="left the organization"
            )
            assert await first.revoked_and_closed() == 4403
            assert await second.revoked_and_closed() == 4403
            assert await unrelated.ping() == {"type": "pong"}

    run(scenario)


class Rollback(Exception):
    pass


def test_nothing_is_pushed_when_the_removal_rolls_back(world):
    member = world.user("member")

    def remove_then_roll_back() -> None:
        try:
            with transaction.atomic():
                remove_from_caucus(world, member)
                raise Rollback
        except Rollback:
            pass

    async def scenario():
        async with sockets() as open_:
            socket = await open_(member, topic(world, "in-workers"))
            await database_sync_to_async(remove_then_roll_back)()
            assert await socket.is_silent()
            assert await socket.ping() == {"type": "pong"}

    run(scenario)


def test_the_revocation_message_leaves_only_when_the_transaction_commits(world, monkeypatch):
    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(
        "dialogue.realtime._send_now", lambda group, message: sent.append((group, message))
    )
    with transaction.atomic():
        close_connections_on_commit([world.user("member").pk], space_ids=[3, 1], reason="removed")
        assert sent == []
    assert sent == [
        (
            user_group(world.user("member").pk),
            {"type": "access.revoked", "space_ids": [1, 3], "reason": "removed"},
        )
    ]


# --- Heartbeat ------------------------------------------------------------------------------


def test_a_ping_re_joins_the_user_group_and_every_subscribed_group_and_answers_pong(world):
    member = world.user("member")

    async def scenario():
        layer = get_channel_layer()
        joined: list[str] = []
        original = layer.group_add

        async def spy(group, channel):
            joined.append(group)
            await original(group, channel)

        layer.group_add = spy
        async with sockets() as open_:
            socket = await open_(member, topic(world, "in"), topic(world, "in-workers"))
            joined.clear()
            assert await socket.ping() == {"type": "pong"}
            assert sorted(joined) == sorted(
                [
                    user_group(member.pk),
                    space_group(world.space("in").pk),
                    space_group(world.space("in-workers").pk),
                ]
            )
            await layer.group_send(
                user_group(member.pk), {"type": "user.message", "payload": {"type": "note"}}
            )
            assert await socket.receive() == {"type": "note"}

    run(scenario)


def test_a_ping_notices_lost_access_even_if_the_revocation_message_was_lost(world):
    member = world.user("member")

    async def scenario():
        async with sockets() as open_:
            socket = await open_(member, topic(world, "in"), topic(world, "in-workers"))
            # Simulates a revocation whose channel-layer message never arrived.
            await database_sync_to_async(
                Membership.objects.filter(space=world.space("in-workers"), user=member).update
            )(status=Membership.Status.REMOVED)
            assert await socket.ping() == {"type": "access.revoked"}
            assert await socket.closed_with() == 4403

    run(scenario)


def test_the_heartbeat_check_costs_the_same_few_queries_however_many_topics_are_subscribed(world):
    member = world.user("member")
    counts: list[int] = []

    async def ping_counting(socket: Socket) -> None:
        context = CaptureQueriesContext(connection)
        await database_sync_to_async(context.__enter__)()
        assert await socket.ping() == {"type": "pong"}
        await database_sync_to_async(context.__exit__)(None, None, None)
        # (Counted from the thread that ran the queries: the captured list itself is read
        # through a per-thread connection.)
        counts.append(context.final_queries - context.initial_queries)

    async def scenario():
        async with sockets() as open_:
            await ping_counting(await open_(member, topic(world, "in")))
            await ping_counting(
                await open_(
                    member,
                    topic(world, "in"),
                    topic(world, "in-workers"),
                    topic(world, "in-private"),
                    topic(world, "regional"),
                    topic(world, "jp"),
                )
            )

    run(scenario)
    # The user, their standing, and one query for all subscribed spaces.
    assert 1 <= counts[0] == counts[1] <= 3
