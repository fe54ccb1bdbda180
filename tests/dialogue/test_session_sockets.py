"""The site socket follows the session that opened it: signing out closes it at once, a
password change closes every socket whose session it invalidated, the heartbeat verifies the
session's authentication hash, a socket that stops sending is closed, and a channel-layer
message of an unknown type never takes a socket down."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.test import Client

from dialogue.consumers import SiteConsumer
from dialogue.realtime import session_group, user_group
from tests.dialogue.test_consumers import WAIT, Socket, run, sockets, topic

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(60)]

OLD_PASSWORD = "an old passphrase 1"
NEW_PASSWORD = "a brand new passphrase 2"


@pytest.fixture(autouse=True)
def _in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture
def member(world):
    user = world.user("member")
    user.set_password(OLD_PASSWORD)
    user.save()
    return user


def browser(user) -> Client:
    """A signed-in browser: its own session."""
    client = Client()
    client.force_login(user)
    return client


class browser_sockets:
    """``async with browser_sockets() as open_:`` — ``await open_(client)`` opens the site
    socket through the real application with that browser's session cookie; all are
    disconnected on the way out."""

    def __init__(self) -> None:
        self.opened: list[WebsocketCommunicator] = []

    async def __aenter__(self):
        from django.conf import settings

        from config.asgi import application

        async def open_(client: Client) -> Socket:
            cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
            communicator = WebsocketCommunicator(
                application,
                "/ws/",
                headers=[(b"origin", b"http://testserver"), (b"cookie", cookie.encode())],
            )
            self.opened.append(communicator)
            connected, code = await communicator.connect(timeout=WAIT)
            assert connected, code
            socket = Socket(communicator)
            assert await socket.ping() == {"type": "pong"}  # signed in, not refused
            return socket

        return open_

    async def __aexit__(self, *exc) -> None:
        for communicator in self.opened:
            await communicator.disconnect(timeout=WAIT)


# --- Signing out ----------------------------------------------------------------------------


def test_signing_out_closes_that_sessions_sockets_at_once_with_4401_and_no_other(world, member):
    laptop, phone = browser(member), browser(member)

    async def scenario():
        async with browser_sockets() as open_:
            first_tab = await open_(laptop)
            second_tab = await open_(laptop)
            on_phone = await open_(phone)
            await database_sync_to_async(laptop.post)("/accounts/logout/")
            assert await first_tab.closed_with() == 4401
            assert await second_tab.closed_with() == 4401
            assert await on_phone.ping() == {"type": "pong"}

    run(scenario)


def test_the_session_group_is_named_by_a_hash_never_by_the_session_key(world, member):
    client = browser(member)
    key = client.session.session_key
    assert key not in session_group(key)
    assert session_group(key) == session_group(key) != session_group(key + "x")


# --- Password changes -----------------------------------------------------------------------


def test_a_password_change_closes_the_other_sessions_sockets_and_the_current_tab_reconnects(
    world, member
):
    changing, elsewhere = browser(member), browser(member)

    def change_password() -> None:
        response = changing.post(
            "/accounts/password/change/",
            {"oldpassword": OLD_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert response.status_code == 302, response.content[:2000]

    async def scenario():
        async with browser_sockets() as open_:
            current_tab = await open_(changing)
            other_session = await open_(elsewhere)
            await database_sync_to_async(change_password)()
            # 4440: "reconnect and let the handshake decide".
            assert await other_session.closed_with() == 4440
            assert await current_tab.closed_with() == 4440
            # The tab that changed the password keeps its (rotated) session: it reconnects...
            reconnected = await open_(changing)
            assert await reconnected.ping() == {"type": "pong"}
            # ...and the other session's browser is refused after accepting, finally.
            other = WebsocketCommunicator(
                (await _application()),
                "/ws/",
                headers=[(b"origin", b"http://testserver"), (b"cookie", _cookie(elsewhere))],
            )
            try:
                assert await other.connect(timeout=WAIT) == (True, None)
                assert await Socket(other).closed_with() == 4401
            finally:
                await other.disconnect(timeout=WAIT)

    run(scenario)


async def _application():
    from config.asgi import application

    return application


def _cookie(client: Client) -> bytes:
    from django.conf import settings

    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


def test_a_password_set_outside_allauth_closes_the_sockets_too(world, member):
    """The admin's own password change, Django's password views and ``changepassword`` all
    end in ``set_password()`` and ``save()``."""
    client = browser(member)

    def set_password() -> None:
        user = get_user_model().objects.get(pk=member.pk)
        user.set_password(NEW_PASSWORD)
        user.save()

    async def scenario():
        async with browser_sockets() as open_:
            socket = await open_(client)
            await database_sync_to_async(set_password)()
            assert await socket.closed_with() == 4440

    run(scenario)


def test_saving_a_user_without_changing_the_password_leaves_the_sockets_open(world, member):
    client = browser(member)

    def rename() -> None:
        user = get_user_model().objects.get(pk=member.pk)
        user.display_name = "Renamed"
        user.save()

    async def scenario():
        async with browser_sockets() as open_:
            socket = await open_(client)
            await database_sync_to_async(rename)()
            assert await socket.is_silent()
            assert await socket.ping() == {"type": "pong"}

    run(scenario)


# --- The heartbeat re-check -----------------------------------------------------------------


def test_the_heartbeat_closes_a_socket_whose_session_hash_went_stale_without_any_message(
    world, member
):
    client = browser(member)

    async def scenario():
        async with browser_sockets() as open_:
            socket = await open_(client)
            # A password written without save() (a raw update): no signal, no message.
            await database_sync_to_async(get_user_model().objects.filter(pk=member.pk).update)(
                password="md5$other$0123456789abcdef0123456789abcdef"
            )
            await socket.send({"type": "ping"})
            assert await socket.closed_with() == 4440

    run(scenario)


def test_the_heartbeat_accepts_a_session_signed_under_a_key_now_in_secret_key_fallbacks(
    world, member, settings
):
    client = browser(member)

    async def scenario():
        async with browser_sockets() as open_:
            socket = await open_(client)
            # Rotating SECRET_KEY keeps the old one as a fallback: Django still signs the
            # session in, so the socket stays open.
            old = settings.SECRET_KEY
            settings.SECRET_KEY = "a-new-secret-key-for-the-rotation-" + "x" * 20
            settings.SECRET_KEY_FALLBACKS = [old]
            assert await socket.ping() == {"type": "pong"}
            settings.SECRET_KEY_FALLBACKS = []
            await socket.send({"type": "ping"})
            assert await socket.closed_with() == 4440

    run(scenario)


# --- Liveness -------------------------------------------------------------------------------


def test_a_socket_that_stops_sending_is_closed_with_4408_and_one_that_pings_stays(world, settings):
    settings.WEBSOCKET_HEARTBEAT_SECONDS = 0.2  # closed after 3 x 0.2 s of silence

    async def scenario():
        async with sockets() as open_:
            silent = await open_(world.user("member"))
            lively = await open_(world.user("member"))
            for _ in range(8):  # 1.2 s, twice the timeout
                assert await lively.ping() == {"type": "pong"}
                await asyncio.sleep(0.15)
            assert await silent.closed_with() == 4408
            assert await lively.ping() == {"type": "pong"}

    run(scenario)


def test_disconnecting_stops_the_liveness_timer(world, settings):
    settings.WEBSOCKET_HEARTBEAT_SECONDS = 0.1
    seen: list[asyncio.Task] = []

    async def scenario():
        async with sockets() as open_:
            await open_(world.user("member"))
            seen.extend(t for t in asyncio.all_tasks() if "_watch_liveness" in repr(t))
        await asyncio.sleep(0)
        assert seen and all(task.done() for task in seen)

    run(scenario)


# --- Unknown channel-layer messages ---------------------------------------------------------


def test_a_message_of_an_unknown_type_on_the_user_or_session_group_leaves_the_socket_open(
    world, member
):
    client = browser(member)
    key = client.session.session_key

    async def scenario():
        layer = get_channel_layer()
        async with browser_sockets() as open_, sockets() as open_plain:
            socket = await open_(client)
            subscribed = await open_plain(member, topic(world, "in"))
            for group in (user_group(member.pk), session_group(key)):
                # A newer process's message type, and one named like a consumer method.
                await layer.group_send(group, {"type": "meeting.started", "meeting": 4})
                await layer.group_send(group, {"type": "close", "code": 1000})
            assert await socket.is_silent()
            assert await socket.ping() == {"type": "pong"}
            assert await subscribed.ping() == {"type": "pong"}

    run(scenario)


def test_every_message_type_sent_to_a_users_or_sessions_group_has_a_handler():
    from dialogue.consumers import LAYER_MESSAGE_TYPES

    for kind in LAYER_MESSAGE_TYPES:
        assert callable(getattr(SiteConsumer, kind.replace(".", "_"), None)), kind
