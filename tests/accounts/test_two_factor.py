"""Two-factor authentication is required for staff, focal points and moderators: without an
authenticator they are sent to enrol, and can still reach enrolment and sign out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accounts.conftest import mark_recently_authenticated
from tests.auth import sign_in

pytestmark = pytest.mark.django_db

MUST_ENROL = ["staff", "focal-point", "moderator", "caucus-moderator"]
ENROLMENT = reverse("mfa_activate_totp") + "?required=1"


@pytest.mark.parametrize("who", MUST_ENROL)
def test_people_who_must_use_two_factor_are_sent_to_enrol_from_normal_pages(client, world, who):
    client.force_login(world.user(who))
    for url in (
        reverse("dialogue:directory"),
        reverse("accounts:affiliations"),
        reverse("accounts:profile_edit"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == ENROLMENT


@pytest.mark.parametrize("who", MUST_ENROL)
def test_enrolment_and_sign_out_stay_reachable_without_an_authenticator(client, world, who):
    user = world.user(who)
    client.force_login(user)
    # allauth asks for the password first: that page is reachable too.
    response = client.get(ENROLMENT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(response["Location"]).status_code == 200

    mark_recently_authenticated(client, user)
    page = client.get(ENROLMENT)
    assert page.status_code == 200
    assert b"Two-factor authentication is required for your account." in page.content
    assert client.get(reverse("mfa_index")).status_code == 200

    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_the_enrolment_page_explains_nothing_when_enrolment_is_voluntary(client, world):
    user = world.user("member")
    client.force_login(user)
    mark_recently_authenticated(client, user)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert b"Two-factor authentication is required" not in page.content


@pytest.mark.parametrize("who", MUST_ENROL)
def test_with_an_authenticator_they_reach_every_page(client, world, who):
    sign_in(client, world.user(who))
    assert client.get(reverse("dialogue:directory")).status_code == 200
    assert client.get(reverse("accounts:affiliations")).status_code == 200


@pytest.mark.parametrize("who", ["member", "unverified", "in-employers"])
def test_people_without_those_roles_are_not_asked_to_enrol(client, world, who):
    client.force_login(world.user(who))
    assert client.get(reverse("accounts:affiliations")).status_code == 200


def test_a_member_who_becomes_focal_point_must_enrol_on_the_next_request(client, world):
    from accounts import services
    from accounts.models import Affiliation

    member = world.user("member")
    client.force_login(member)
    assert client.get(reverse("accounts:affiliations")).status_code == 200
    services.appoint_focal_point(
        actor=world.user("staff"),
        affiliation=Affiliation.objects.get(user=member, status=Affiliation.Status.VERIFIED),
    )
    assert client.get(reverse("accounts:affiliations"))["Location"] == ENROLMENT
