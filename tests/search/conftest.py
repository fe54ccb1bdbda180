"""Helpers for the search tests: write forum content through the services with the on-commit
index hook actually running, and search as a given person through the real page."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.test import Client, override_settings

from accounts.models import User
from tests.auth import sign_in


@dataclass
class Found:
    status: int
    count: int
    titles: list[str]
    snippets: list[str]
    post_ids: list[int]
    html: str
    space_facets: list[str]
    language_facets: list[str]


def search_as(user: User | None, **params) -> Found:
    client = Client()
    if user is not None:
        sign_in(client, User.objects.get(pk=user.pk))
    response = client.get("/search/", params)
    html = response.content.decode()
    assert response.status_code in (200, 400), (response.status_code, response.get("Location"))
    context = response.context
    results = context.get("results") or []
    facets = context.get("facets") or {"space": [], "language": []}
    marker = re.search(r'id="search-count"[^>]*data-count="(\d+)"', html)
    return Found(
        status=response.status_code,
        count=int(marker.group(1)) if marker else 0,
        titles=[r.title or r.thread.title for r in results],
        snippets=[str(r.snippet) for r in results],
        post_ids=[r.post_id for r in results],
        html=html,
        space_facets=[f.value for f in facets["space"]],
        language_facets=[f.value for f in facets["language"]],
    )


@pytest.fixture
def write(django_capture_on_commit_callbacks):
    """``write(services.start_thread, author=..., ...)``: call a forum service and run its
    on-commit callbacks (the search index hook among them), as a real request would."""

    def call(service, **kwargs):
        with (
            override_settings(FORUMS_POST_RATE_LIMIT=(10**6, 60)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return service(**kwargs)

    return call


@pytest.fixture
def world(db):
    """The test world, with two-factor enrolled for the roles that must have it (so their
    searches reach the page, not the enrolment redirect)."""
    from tests.access.fixtures import give_authenticators
    from tests.world import build_world

    w = build_world()
    give_authenticators(w, ("staff", "moderator", "caucus-moderator", "focal-point"))
    return w
