"""The admin never bypasses the services: spaces, memberships and audit entries are read-only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEntry
from dialogue.models import Membership
from tests.auth import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, world):
    admin = User.objects.create_superuser("root@example.org", "x")
    return sign_in(client, admin)


@pytest.mark.parametrize("model", ["dialogue/space", "dialogue/membership", "audit/auditentry"])
def test_admin_lists_but_cannot_add_or_delete(superuser_client, model):
    base = f"/admin/{model}/"
    assert superuser_client.get(base).status_code == 200
    assert superuser_client.get(base + "add/").status_code == 403


def test_admin_cannot_change_a_membership(superuser_client, world):
    m = Membership.objects.get(space=world.space("in-workers"), user=world.user("member"))
    path = reverse("admin:dialogue_membership_change", args=[m.pk])
    page = superuser_client.get(path)
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
    superuser_client.post(path, {"status": "removed", "role": "moderator"})
    m.refresh_from_db()
    assert (m.status, m.role) == ("active", "member")


def test_admin_cannot_delete_an_audit_entry(superuser_client, world):
    entry = AuditEntry.objects.first()
    response = superuser_client.post(
        reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
