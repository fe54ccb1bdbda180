"""The site socket across processes, on a real Redis channel layer: a revocation committed in
another OS process closes a connection held by this one, and the heartbeat keeps a long-open
tab in its groups past channels-redis's group expiry."""

from __future__ import annotations

import asyncio
import copy
import os
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from channels.layers import get_channel_layer
from django.conf import settings as django_settings

from dialogue.realtime import user_group
from tests.dialogue.test_consumers import run, sockets, topic
from tests.world import build_world

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True), pytest.mark.timeout(60)]

PRIVATE_REDIS_DB = 13
PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def prefix(settings) -> str:
    """The project's Redis channel layer configuration (REDIS_URL is set, so settings chose
    it), private to this test through a unique prefix."""
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    layer = copy.deepcopy(settings.CHANNEL_LAYERS["default"])
    assert layer["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    # Short enough to watch a group membership expire within the test.
    layer["CONFIG"].update(prefix=prefix, group_expiry=3)
    (host,) = layer["CONFIG"]["hosts"]
    host["address"] = private_redis_url()
    settings.CHANNEL_LAYERS = {"default": layer}
    return prefix


def private_redis_url() -> str:
    """REDIS_URL on a database of its own: other test runs sharing the server clear the
    cache (FLUSHDB) on the configured database, which would wipe our queues mid-test."""
    return urlunsplit(urlsplit(os.environ["REDIS_URL"])._replace(path=f"/{PRIVATE_REDIS_DB}"))


@pytest.fixture
def world(transactional_db):
    return build_world()


def other_process(prefix: str, code: str) -> None:
    """Run ``code`` in a fresh Python process with the project's settings on the same Redis
    and prefix (and a throwaway database: it must not touch the test database)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "PYTEST_CURRENT_TEST"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        REDIS_URL=private_redis_url(),
        CHANNEL_PREFIX=prefix,
        SQLITE_PATH=":memory:",
    )
    script = "import django\ndjango.setup()\n" + textwrap.dedent(code)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr


def test_a_revocation_committed_in_another_process_closes_the_socket_held_here(world, prefix):
    member = world.user("member")
    caucus = world.space("in-workers")
    assert django_settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] == prefix

    async def scenario():
        async with sockets() as open_:
            on_caucus = await open_(member, topic(world, "in-workers"))
            bystander = await open_(world.user("caucus-moderator"), topic(world, "in-workers"))
            await asyncio.to_thread(
                other_process,
                prefix,
                f"""
                from django.db import transaction
                from dialogue.realtime import close_connections_on_commit
                with transaction.atomic():
                    close_connections_on_commit([{member.pk}], space_ids=[{caucus.pk}], reason="removed")
                """,
            )
            assert await on_caucus.receive() == {"type": "access.revoked"}
            assert await on_caucus.closed_with() == 4403
            assert await bystander.ping() == {"type": "pong"}
        await get_channel_layer().flush()

    run(scenario)


def test_the_heartbeat_keeps_a_socket_in_its_user_group_past_the_group_expiry(world, prefix):
    member = world.user("member")

    async def scenario():
        layer = get_channel_layer()
        async with sockets() as open_:
            pinging = await open_(member)
            silent = await open_(member)
            started = time.monotonic()  # both joins happened before this
            # group_expiry is 3 s: ping once in between, then send after both joins are > 3 s
            # old but the re-join is not.
            await asyncio.sleep(2.5 - (time.monotonic() - started))
            assert await pinging.ping() == {"type": "pong"}
            await asyncio.sleep(4.2 - (time.monotonic() - started))
            await layer.group_send(
                user_group(member.pk), {"type": "user.message", "payload": {"type": "note"}}
            )
            assert await pinging.receive() == {"type": "note"}
            assert await silent.is_silent()
        await layer.flush()

    run(scenario)


def test_an_idle_consumer_outlives_the_blocking_pop_of_the_channel_layer():
    """redis-py 8 defaults socket_timeout to 5 s, the length of channels-redis's blocking
    BZPOPMIN: every consumer idle for 5 s would crash (channels_redis#422). The configured
    hosts must wait longer than the pop."""
    from channels_redis.core import RedisChannelLayer

    (host,) = django_settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"]
    timeout = host.get("socket_timeout", 5) if isinstance(host, dict) else 5
    assert timeout is None or timeout > RedisChannelLayer.brpop_timeout + 1
