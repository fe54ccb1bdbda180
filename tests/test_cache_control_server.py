"""Through a real HTTP server, with a real session cookie: a members-only space's page is sent
``Cache-Control: private, no-store`` to its member; a public page read anonymously is not.

Its own module: the walk in tests/test_cache_control.py holds a module-wide world in an open
transaction, which this transactional test must not run inside.
"""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.test import override_settings

from tests.test_cache_control import directives
from tests.world import build_world


def _get(url: str, cookie: str | None = None):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture
def live_server(transactional_db):
    """pytest-django's live server, started here rather than from its session fixture: its
    media handler calls ``urlparse(settings.MEDIA_URL)``, which for our ``MEDIA_URL = None``
    (uploads are never public) yields bytes and fails every request with a TypeError. The
    test server alone gets a media prefix nothing links to."""
    from pytest_django.live_server_helper import LiveServer

    with override_settings(MEDIA_URL="/test-server-media-never-linked/"):
        server = LiveServer("localhost")
    yield server
    server.stop()


def test_a_real_server_sends_no_store_to_a_member_and_not_to_an_anonymous_reader(
    live_server, client
):
    world = build_world()
    member = world.user("member")
    private_space = world.space("in-private")  # members-only; the member is active there
    public_space = world.space("in")
    client.force_login(member)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    status, headers, body = _get(live_server.url + private_space.get_absolute_url(), cookie)
    assert status == 200
    assert private_space.name.encode() in body  # really the members-only page, not a 404
    assert {"private", "no-store"} <= directives(headers.get("Cache-Control", ""))

    # The same page without the cookie: as if it did not exist, and nothing to keep.
    status, headers, _body = _get(live_server.url + private_space.get_absolute_url())
    assert status == 404

    status, headers, body = _get(live_server.url + public_space.get_absolute_url())
    assert status == 200 and public_space.name.encode() in body
    assert "no-store" not in directives(headers.get("Cache-Control", ""))
    assert "private" not in directives(headers.get("Cache-Control", ""))
