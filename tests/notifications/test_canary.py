"""The canary notifications are where the crawl expects them: a caucus member's list shows
the caucus thread (so a clean crawl means the lists filter, not that nothing was there), and
the people told before they lost access see nothing of it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.access import fixtures
from tests.auth import sign_in
from tests.world import CANARY

module_world = fixtures.module_world


@pytest.mark.parametrize(("role", "sees"), [("member", True), ("adviser", True),
                                            ("removed", False), ("revoked", False),
                                            ("in-employers", False), ("staff", False)])  # fmt: skip
def test_only_caucus_members_see_the_canary_notification(module_world, db, role, sees):
    from notifications.models import Notification

    user = module_world.user(role)
    assert (
        Notification.objects.filter(recipient=user, space=module_world.space("in-workers")).exists()
        or not sees
    )
    client = sign_in(Client(), user)
    page = client.get(reverse("notifications:list"))
    assert page.status_code == 200
    assert (CANARY.encode() in page.content) is sees
    # The header badge counts only what the person may see.
    html = page.content.decode()
    unread = html.count('class="notification notification-unread"')
    if unread:
        assert f"data-notification-badge>{unread}<" in html
    else:
        assert "data-notification-badge hidden" in html
