"""The admin lets operators read accounts data; writes with side effects go through the
services (the admin would otherwise bypass audit, emails and socket closes)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Affiliation, Constituency, Organization
from audit.models import AuditEntry
from dialogue.models import Membership
from tests.auth import sign_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = make_user("operator@example.org", is_staff=True, is_superuser=True)
    sign_in(client, user)
    return user


@pytest.mark.parametrize(
    "model", ["user", "organization", "affiliation", "affiliationinvitation", "country"]
)
def test_operators_can_read_every_accounts_list(client, world, operator, model):
    assert client.get(reverse(f"admin:accounts_{model}_changelist")).status_code == 200


def test_an_affiliation_cannot_be_edited_in_the_admin(client, world, operator):
    affiliation = Affiliation.objects.get(
        user=world.user("member"), status=Affiliation.Status.VERIFIED
    )
    url = reverse("admin:accounts_affiliation_change", args=[affiliation.pk])
    assert client.get(url).status_code == 200  # readable
    client.post(url, {"status": "revoked", "is_focal_point": "on"})
    affiliation.refresh_from_db()
    assert (affiliation.status, affiliation.is_focal_point) == ("verified", False)


def test_appointing_a_focal_point_in_the_admin_goes_through_the_service(client, world, operator):
    affiliation = Affiliation.objects.get(
        user=world.user("member"), status=Affiliation.Status.VERIFIED
    )
    client.post(
        reverse("admin:accounts_affiliation_changelist"),
        {"action": "appoint_focal_points", "_selected_action": [affiliation.pk]},
    )
    affiliation.refresh_from_db()
    assert affiliation.is_focal_point
    assert AuditEntry.objects.filter(
        action="organization.focal_point.appoint", actor=operator
    ).exists()


def test_is_active_is_read_only_and_deactivation_is_an_audited_action(client, world, operator):
    member = world.user("member")
    url = reverse("admin:accounts_user_change", args=[member.pk])
    client.post(url, {"display_name": "Renamed", "preferred_language": "en", "time_zone": "UTC"})
    member.refresh_from_db()
    assert member.display_name == "Renamed" and member.is_active

    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate_users", "_selected_action": [member.pk]},
    )
    member.refresh_from_db()
    assert not member.is_active
    assert not Membership.objects.filter(user=member, status=Membership.Status.ACTIVE).exists()
    assert AuditEntry.objects.filter(action="user.deactivate", actor=operator).exists()


def test_organizations_added_in_the_admin_are_created_by_the_service(client, world, operator):
    client.post(
        reverse("admin:accounts_organization_add"),
        {
            "name": "Lao Federation of Trade Unions",
            "acronym": "LFTU",
            "constituency": Constituency.WORKERS,
            "country": "",
        },
    )
    organization = Organization.objects.get(acronym="LFTU")
    assert AuditEntry.objects.filter(
        action="organization.create", organization=organization
    ).exists()
