"""New notifications arrive live on the site socket of the person told, and on nobody
else's."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator

from tests.world import build_world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(60)]
WAIT = 5


@pytest.fixture(autouse=True)
def _in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.FORUMS_POST_RATE_LIMIT = (10**6, 60)


def _with_user(app, user):
    async def inner(scope, receive, send):
        return await app({**scope, "user": user}, receive, send)

    return inner


def test_a_caucus_member_gets_the_notification_frame_and_an_outsider_gets_nothing():
    from accounts.models import User
    from dialogue.consumers import SiteConsumer
    from forums import services as forum_services
    from notifications import services

    world = build_world()
    caucus = world.space("in-workers")
    member = User.objects.get(pk=world.user("member").pk)
    outsider = User.objects.get(pk=world.user("in-employers").pk)
    removed = User.objects.get(pk=world.user("removed").pk)
    services.set_follow(user=member, space=caucus, state="follow")
    from notifications.models import Follow

    Follow.objects.create(user=outsider, space=caucus)  # written behind the services' back
    Follow.objects.create(user=removed, space=caucus)

    def start_thread():
        forum_services.start_thread(
            author=User.objects.get(pk=world.user("caucus-moderator").pk),
            space=caucus,
            title="Strike fund",
            body="x",
        )

    async def scenario():
        sockets = {}
        try:
            for key, user in (("member", member), ("outsider", outsider), ("removed", removed)):
                communicator = WebsocketCommunicator(
                    _with_user(SiteConsumer.as_asgi(), user), "/ws/"
                )
                connected, _ = await communicator.connect(timeout=WAIT)
                assert connected
                sockets[key] = communicator
            await sync_to_async(start_thread)()
            frame = await sockets["member"].receive_json_from(timeout=WAIT)
            assert frame["type"] == "notification"
            assert frame["kind"] == "forum.new_thread"
            assert "Strike fund" in frame["text"]
            assert frame["unread"] == 1
            assert frame["url"].startswith("/t/")
            assert await sockets["outsider"].receive_nothing(timeout=0.5)
            assert await sockets["removed"].receive_nothing(timeout=0.1)
        finally:
            for communicator in sockets.values():
                await communicator.disconnect(timeout=WAIT)

    async_to_sync(scenario)()
