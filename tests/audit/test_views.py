"""Every moderator, focal-point and staff action taken through the pages is in the audit log,
with who acted and from which address."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Affiliation
from audit.models import AuditEntry
from dialogue.models import Membership
from tests.auth import sign_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ADDRESS = "93.184.216.34"


def _client(client, user):
    return sign_in(client, user)


def _membership(world, space_key: str, user_key: str) -> Membership:
    return Membership.objects.get(space=world.space(space_key), user=world.user(user_key))


def _actions(world):
    """(actor, url, data, expected action) for each audited page action."""
    caucus, in_space = world.space("in-workers"), world.space("in")
    pending = _membership(world, "in-workers", "caucus-pending")
    member_in_country = _membership(world, "in", "member")
    affiliation_request = Affiliation.objects.get(user=world.user("pending"))
    verified = Affiliation.objects.get(user=world.user("member"), status="verified")
    return [
        ("caucus-moderator", reverse("dialogue:approve", args=[caucus.slug, pending.pk]), {},
         "membership.approve"),
        ("moderator", reverse("dialogue:set_role", args=[in_space.slug, member_in_country.pk]),
         {"role": "moderator"}, "membership.role.moderator"),
        ("moderator", reverse("dialogue:invite", args=[in_space.slug]),
         {"person": world.user("in-employers").email}, "membership.invite"),
        ("focal-point", reverse("accounts:verify_affiliation", args=[affiliation_request.pk]), {},
         "affiliation.verify"),
        ("staff", reverse("accounts:appoint_focal_point", args=[verified.pk]), {},
         "organization.focal_point.appoint"),
        ("staff", reverse("dialogue:staff_countries"),
         {"code": "TH", "name": "Thailand", "time_zone": "Asia/Bangkok"}, "country.add"),
    ]  # fmt: skip


def test_moderator_focal_point_and_staff_actions_record_the_address_they_came_from(world, client):
    for actor_key, url, data, action in _actions(world):
        before = AuditEntry.objects.count()
        response = _client(client, world.user(actor_key)).post(url, data, REMOTE_ADDR=ADDRESS)
        assert response.status_code == 302, (url, response.status_code)
        entries = AuditEntry.objects.order_by("pk")[before:]
        assert action in [e.action for e in entries], (url, [e.action for e in entries])
        for entry in entries:
            assert entry.ip_address == ADDRESS, (entry.action, entry.ip_address)
            assert entry.actor == world.user(actor_key)


def test_deactivating_an_account_records_the_staff_member_and_address(world, client):
    person = make_user("leaving@example.org")
    _client(client, world.user("staff")).post(
        reverse("accounts:deactivate_user", args=[person.pk]),
        {"reason": "left the ministry"},
        REMOTE_ADDR=ADDRESS,
    )
    entry = AuditEntry.objects.get(action="user.deactivate", target_id=str(person.pk))
    assert (entry.actor, entry.ip_address, entry.reason) == (
        world.user("staff"),
        ADDRESS,
        "left the ministry",
    )
