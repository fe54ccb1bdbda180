"""Live replies over the site socket: the ``thread`` topic lets in exactly the thread's
readers, pushes content-free frames after commit, and drops people whose access ended."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from accounts.models import User
from dialogue import services as dialogue_services
from dialogue.consumers import SiteConsumer
from dialogue.models import Membership
from forums import services
from forums.topics import authorize_thread, recheck_threads
from tests.world import build_world

WAIT = 5
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(90)]


@pytest.fixture(autouse=True)
def _in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture
def live_world(transactional_db):
    from tests.world import _activate

    world = build_world()
    _activate(world.space("in"), world.user("in-employers"))
    return world


def fresh(user):
    return None if user is None else User.objects.get(pk=user.pk)


def with_user(app, user):
    async def inner(scope, receive, send):
        return await app({**scope, "user": user}, receive, send)

    return inner


async def connect(user) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(with_user(SiteConsumer.as_asgi(), user), "/ws/")
    connected, _ = await communicator.connect(timeout=WAIT)
    assert connected
    return communicator


async def subscribe(communicator, topic: str) -> dict[str, Any]:
    await communicator.send_json_to({"type": "subscribe", "topic": topic})
    return await communicator.receive_json_from(timeout=WAIT)


def test_only_the_threads_readers_may_subscribe(live_world):
    w = live_world
    caucus_thread = services.start_thread(author=w.user("member"), space=w.space("in-workers"), title="t", body="b")
    for role in ("staff", "moderator", "in-workers", "caucus-pending", "removed", "jp-workers"):
        assert authorize_thread(fresh(w.user(role)), str(caucus_thread.pk)) is None, role
    subscription = authorize_thread(fresh(w.user("adviser")), str(caucus_thread.pk))
    assert subscription.group == f"thread.{caucus_thread.pk}"
    assert subscription.space_id == w.space("in-workers").pk
    assert authorize_thread(fresh(w.user("member")), "987654321") is None
    assert authorize_thread(fresh(w.user("member")), "x1") is None


def test_a_reader_sees_a_reply_arrive_and_an_outsider_cannot_listen(live_world):
    w = live_world
    thread = services.start_thread(author=w.user("member"), space=w.space("in-workers"), title="t", body="b")
    topic = f"thread:{thread.pk}"
    reader, outsider = fresh(w.user("caucus-moderator")), fresh(w.user("moderator"))
    author = fresh(w.user("member"))

    async def scenario():
        listening = await connect(reader)
        refused = await connect(outsider)
        try:
            assert await subscribe(listening, topic) == {"type": "subscribed", "topic": topic}
            assert (await subscribe(refused, topic))["code"] == "forbidden"
            post = await database_sync_to_async(services.reply_to_thread)(
                author=author, thread=thread, body="secret reply"
            )
            frame = await listening.receive_json_from(timeout=WAIT)
            assert frame["type"] == "forum.event" and frame["event"] == "post.created"
            assert frame["post"] == post.pk and frame["fragment"] == f"/p/{post.pk}/fragment/"
            assert "secret" not in str(frame)
            assert await refused.receive_nothing(timeout=0.3)
        finally:
            await listening.disconnect()
            await refused.disconnect()

    async_to_sync(scenario)()


def test_someone_removed_from_the_space_stops_receiving_at_once(live_world):
    w = live_world
    thread = services.start_thread(author=w.user("moderator"), space=w.space("in-private"), title="t", body="b")
    member = fresh(w.user("member"))
    moderator = fresh(w.user("moderator"))

    async def scenario():
        socket = await connect(member)
        try:
            await subscribe(socket, f"thread:{thread.pk}")
            membership = await database_sync_to_async(Membership.objects.get)(space=w.space("in-private"), user=member)
            await database_sync_to_async(dialogue_services.remove_member)(
                actor=moderator, membership=membership, reason="test"
            )
            assert (await socket.receive_json_from(timeout=WAIT))["type"] == "access.revoked"
            output = await socket.receive_output(timeout=WAIT)
            assert output["type"] == "websocket.close" and output["code"] == 4403
        finally:
            await socket.disconnect()

    async_to_sync(scenario)()


def test_a_moved_or_hidden_thread_fails_the_heartbeat_recheck(live_world):
    w = live_world
    moved = services.start_thread(author=w.user("member"), space=w.space("in"), title="m", body="b")
    hidden = services.start_thread(author=w.user("member"), space=w.space("in"), title="h", body="b")
    kept = services.start_thread(author=w.user("member"), space=w.space("in"), title="k", body="b")
    services.move_thread(actor=w.user("moderator"), thread=moved, to_space=w.space("in-private"))
    services.hide_thread(actor=w.user("moderator"), thread=hidden, reason="spam")
    ids = [str(t.pk) for t in (moved, hidden, kept)]
    assert recheck_threads(fresh(w.user("in-employers")), ids) == {str(kept.pk)}
