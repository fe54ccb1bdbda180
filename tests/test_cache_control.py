"""Responses that depend on who is signed in are sent ``Cache-Control: private, no-store``
(config/middleware.py); public pages read anonymously keep their headers.

The walk requests every URL pattern of the project URLconf (tests/access/urls.py), with the
canary crawl's values (tests/access/cases.py), as signed-in people of three kinds.
tests/test_cache_control_server.py checks the same through a real HTTP server.
"""

from __future__ import annotations

import itertools

import pytest
from django.conf import settings
from django.test import Client
from django.utils.cache import patch_cache_control

from accounts.models import User
from tests.access import fixtures
from tests.access.cases import case_for
from tests.access.urls import build_path, project_patterns, resolves_to
from tests.auth import sign_in

module_world = fixtures.module_world

# A plain member (of the caucus, its country space and the members-only working group), a
# caucus moderator (audit pages) and staff (staff pages; the admin site too).
WALKERS = ("member", "caucus-moderator", "staff")


def directives(header: str) -> set[str]:
    return {part.strip().lower() for part in header.split(",") if part.strip()}


def paths_of_every_pattern(world) -> list[tuple[str, str]]:
    """(pattern, path) for every URL pattern, filled with the crawl cases' values. A pattern
    without a case is walked only when it takes no arguments (the canary crawl reports the
    missing case itself)."""
    found = []
    for pattern in project_patterns():
        case = case_for(pattern)
        if case is None and pattern.kwargs:
            continue
        choices = []
        for name in pattern.kwargs:
            values = case.values[name](world)
            choices.append([(name, value.value) for value in values])
        for combo in itertools.product(*choices):
            path = build_path(pattern, dict(combo))
            if resolves_to(path, pattern):
                found.append((str(pattern), path))
    return found


@pytest.mark.parametrize("role", WALKERS)
def test_every_page_a_signed_in_person_gets_is_private_and_never_stored(module_world, db, role):
    user = User.objects.get(pk=module_world.user(role).pk)
    client = sign_in(Client(), user)
    walked = paths_of_every_pattern(module_world)
    assert len(walked) > 100  # the whole URLconf, not a handful of pages
    problems, kinds = [], set()
    for pattern, path in walked:
        response = client.get(path)
        kinds.add(response.get("Content-Type", "").split(";")[0])
        found = directives(response.get("Cache-Control", ""))
        if not {"private", "no-store"} <= found:
            problems.append(
                f"{path} ({pattern}): HTTP {response.status_code}, "
                f"Cache-Control {response.get('Cache-Control')!r}"
            )
        if client.cookies.get(settings.SESSION_COOKIE_NAME) is None:
            sign_in(client, user)  # a page signed the walker out: carry on signed in
    # HTML pages for everyone; JSON (mention and tag autocomplete) for the member.
    assert {"text/html", "application/json"} <= kinds if role == "member" else "text/html" in kinds
    assert not problems, f"as {role}:\n" + "\n".join(problems)


def test_a_stricter_header_a_view_set_is_kept():
    from django.http import HttpResponse

    response = HttpResponse()
    response["Cache-Control"] = "no-cache, no-store, must-revalidate, max-age=0"
    patch_cache_control(response, private=True, no_store=True)  # what the middleware does
    assert directives(response["Cache-Control"]) == {
        "no-cache", "no-store", "must-revalidate", "max-age=0", "private",
    }  # fmt: skip


def test_an_anonymous_visitor_whose_session_holds_something_is_not_cached(client, db):
    """A session that holds something (a sign-in waiting for its second step, say) makes even
    a public page personal before anyone is signed in; an empty one does not."""
    assert "no-store" not in directives(client.get("/").get("Cache-Control", ""))
    session = client.session
    session["sign_in_in_progress"] = True
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    response = client.get("/")
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response.get("Cache-Control", ""))


def test_a_page_showing_flash_messages_is_not_cached(client, db):
    """Messages ("You have signed out.") travel in a cookie: the page that shows them is
    that visitor's."""
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest, HttpResponse

    storage, response = CookieStorage(HttpRequest()), HttpResponse()
    storage._store([Message(constants.INFO, "You have signed out.")], response)
    client.cookies[CookieStorage.cookie_name] = response.cookies[CookieStorage.cookie_name].value
    page = client.get("/")
    assert b"You have signed out." in page.content
    assert {"private", "no-store"} <= directives(page.get("Cache-Control", ""))
