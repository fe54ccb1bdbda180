"""The canary crawl: caucus content carries a unique string (``tests.world.seed_canary``); as
each outsider, request every URL pattern of the project URLconf and assert the string never
appears, hidden objects answer like missing ones (404), and an empty POST changes nothing in
the caucus. The site socket gets the same treatment.

A URL pattern without a case in ``tests/access/cases.py`` fails the crawl: whoever adds a URL
adds its case (and seeds their caucus content in ``tests.world.seed_canary``).
"""

from __future__ import annotations

import json
from html import escape

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from tests.access import fixtures
from tests.access.cases import DISCOVER_ONLY_PAGES, TOPIC_CASES
from tests.access.crawl import Crawler, patterns_without_case
from tests.access.urls import build_path, project_patterns
from tests.world import CANARY, CAUCUS_NAME_CANARY, build_world, seed_canary

class_world = fixtures.class_world

# Everyone outside the India workers' caucus, and whether they may see its *name* (eligible
# verified workers of India see it on its join page; staff see it where they appoint its first
# moderator). Nobody here may see its content.
OUTSIDERS: dict[str, bool] = {
    "anonymous": False,
    "unverified": False,
    "pending": False,  # affiliation to the India union requested, not verified
    "in-employers": False,  # same country, another group
    "jp-workers": False,  # same group, another country
    "observer": False,
    "secretariat": False,
    "moderator": False,  # moderates the caucus's parent space
    "staff": True,  # the admin site aside (the documented exception)
    "removed": True,  # removed from the caucus; still an eligible India worker
    "revoked": False,
    "deactivated": False,
    "caucus-pending": True,  # eligible, asked to join: sees the name only
    "stale-member": False,  # active rows left after an affiliation revoked behind our back
    "switched": False,  # its caucus rows stand on a workers' affiliation replaced behind our back
}


def test_every_url_pattern_has_a_crawl_case():
    missing = patterns_without_case()
    assert not missing, (
        "URL patterns without a canary-crawl case (add them to tests/access/cases.py):\n  "
        + "\n  ".join(str(pattern) for pattern in missing)
    )


class TestCanaryCrawl:
    """One shared world for the whole crawl (rolled back when the class ends)."""

    @pytest.mark.parametrize("role", list(OUTSIDERS))
    def test_an_outsider_never_sees_caucus_content_on_any_page(
        self, class_world, db, role, django_capture_on_commit_callbacks, mailoutbox
    ):
        """Also fails when a pattern has no case, or its case yields no URL reaching it: every
        role requests every pattern (staff: all but the admin site's). The emails the crawl's
        requests cause (sent after commit) carry no caucus content either."""
        with django_capture_on_commit_callbacks(execute=True):
            report = Crawler(class_world, role, sees_caucus_name=OUTSIDERS[role]).crawl()
        assert not report.problems, "\n".join(report.problems)
        assert report.requests > 0
        for message in mailoutbox:
            text = "\n".join(
                [message.subject, message.body]
                + [str(content) for content, _type in getattr(message, "alternatives", [])]
            ).lower()
            assert CANARY.lower() not in text, (role, message.to, message.subject)
            assert CAUCUS_NAME_CANARY.lower() not in text or OUTSIDERS[role], (role, message.to)

    @pytest.mark.parametrize(
        ("role", "space_key"), [("in-workers", "in-workers"), ("in-government", "in-private")]
    )
    def test_a_discover_only_user_reaches_only_the_join_page_and_membership_actions(
        self, class_world, db, role, space_key
    ):
        crawler = Crawler(class_world, role, sees_caucus_name=True)
        space = class_world.space(space_key)
        join_page = crawler.client.get(space.get_absolute_url())
        assert join_page.status_code == 200
        assert escape(space.name).encode() in join_page.content
        assert CANARY.encode() not in join_page.content
        for pattern in project_patterns():
            if pattern.kwargs != ("slug",) or pattern.name in DISCOVER_ONLY_PAGES:
                continue
            path = build_path(pattern, {"slug": space.slug})
            missing = build_path(pattern, {"slug": "no-such-space"})
            status = crawler.client.get(path).status_code
            assert status == crawler.client.get(missing).status_code == 404, (pattern.name, status)

    def test_the_canary_is_where_the_crawl_expects_it(self, class_world, db):
        """A positive control: a caucus member sees the seeded content, so a clean crawl means
        the pages hide it, not that it was never there."""
        crawler = Crawler(class_world, "caucus-moderator", sees_caucus_name=True)
        caucus = class_world.space("in-workers")
        home = crawler.client.get(caucus.get_absolute_url())
        assert home.status_code == 200
        assert CANARY.encode() in home.content


# --- The site socket ----------------------------------------------------------------------------


def _with_user(app, user):
    async def inner(scope, receive, send):
        return await app({**scope, "user": user}, receive, send)

    return inner


@pytest.fixture
def _in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def test_every_socket_topic_has_a_crawl_case():
    from dialogue import topics

    missing = set(topics._registry) - set(TOPIC_CASES)
    assert not missing, f"socket topics without a case in tests/access/cases.py: {missing}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_in_memory_layer")
def test_an_outsider_subscribing_to_caucus_topics_gets_error_frames_without_its_content():
    """As each outsider, subscribe on the site socket to every caucus object of every topic
    kind (``space:<caucus>``, ``thread:<caucus thread>``, …): each answer is an error frame,
    and no frame carries caucus content."""
    from accounts.models import User
    from dialogue.consumers import SiteConsumer

    world = seed_canary(build_world())
    fixtures.add_stale_members(world)
    wanted = [
        f"{prefix}:{value.value}"
        for prefix, provider in TOPIC_CASES.items()
        for value in provider(world)
    ]
    assert wanted
    answers: dict[str, object] = {}

    async def scenario(user) -> object:
        communicator = WebsocketCommunicator(_with_user(SiteConsumer.as_asgi(), user), "/ws/")
        connected, code = await communicator.connect(timeout=5)
        if not connected:
            return {"refused": code}
        # Refusals come after accept(): an unauthenticated socket is accepted, then closed 4401.
        if not await communicator.receive_nothing(timeout=0.1):
            output = await communicator.receive_output(timeout=5)
            if output["type"] == "websocket.close":
                await communicator.disconnect()
                return {"refused": output["code"]}
        frames = []
        try:
            for topic in wanted:
                await communicator.send_json_to({"type": "subscribe", "topic": topic})
                frames.append(await communicator.receive_json_from(timeout=5))
            assert await communicator.receive_nothing(timeout=0.1)
        finally:
            await communicator.disconnect()
        return frames

    for role in OUTSIDERS:
        user = world.user(role)
        fresh = None if user is None else User.objects.get(pk=user.pk)
        answers[role] = async_to_sync(scenario)(fresh)

    for role, answer in answers.items():
        text = json.dumps(answer).lower()
        assert CANARY.lower() not in text and CAUCUS_NAME_CANARY.lower() not in text, role
        if role in ("anonymous", "deactivated"):
            assert answer == {"refused": 4401}, (role, answer)
            continue
        for topic, frame in zip(wanted, answer, strict=True):
            assert frame.get("type") == "error", (role, topic, frame)
            assert frame.get("topic") in (None, topic), (role, topic, frame)
