"""Affiliation emails: sent after commit by the background task, in the recipient's
language, with plain-text and HTML parts and a link back to the site."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from accounts import services
from accounts.models import Affiliation
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _html(message) -> str:
    (alternative,) = message.alternatives
    assert alternative[1] == "text/html"
    return alternative[0]


def test_no_email_leaves_before_the_transaction_commits(world, django_capture_on_commit_callbacks):
    pending = Affiliation.objects.get(user=world.user("pending"), status=Affiliation.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.verify_affiliation(actor=world.user("focal-point"), affiliation=pending)
        assert mail.outbox == []
    assert len(callbacks) >= 1
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


def test_the_verification_email_is_in_the_requesters_preferred_language(
    world, django_capture_on_commit_callbacks
):
    requester = make_user(preferred_language="lo")
    affiliation = services.request_affiliation(
        user=requester, organization=world.orgs["in-workers"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.verify_affiliation(actor=world.user("focal-point"), affiliation=affiliation)
    (message,) = mail.outbox
    assert message.to == [requester.email]
    assert '<html lang="lo">' in _html(message)
    assert "in-workers organization" in message.subject
    assert reverse("accounts:affiliations") in message.body
    assert "\n" not in message.subject


def test_the_rejection_email_gives_the_reason(world, django_capture_on_commit_callbacks):
    affiliation = services.request_affiliation(
        user=make_user(), organization=world.orgs["in-workers"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_affiliation(
            actor=world.user("focal-point"), affiliation=affiliation, reason="Not a member <b>"
        )
    (message,) = mail.outbox
    assert "Not a member <b>" in message.body  # plain text is not HTML-escaped
    assert "Not a member &lt;b&gt;" in _html(message)


def test_the_revocation_email_says_memberships_ended(world, django_capture_on_commit_callbacks):
    member = world.user("member")
    affiliation = Affiliation.objects.get(user=member, status=Affiliation.Status.VERIFIED)
    with django_capture_on_commit_callbacks(execute=True):
        services.revoke_affiliation(
            actor=world.user("focal-point"), affiliation=affiliation, reason="Retired"
        )
    (message,) = mail.outbox
    assert "revoked" in message.subject
    assert "memberships" in message.body and "Retired" in message.body


def test_the_invitation_email_is_in_the_chosen_language_and_links_to_the_acceptance_page(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_colleague(
            actor=world.user("focal-point"),
            organization=world.orgs["in-workers"],
            email="colleague@example.org",
            language="ja",
        )
    (message,) = mail.outbox
    assert message.to == ["colleague@example.org"]
    assert '<html lang="ja">' in _html(message)
    url = reverse("accounts:accept_invitation", args=[invitation.token])
    assert url in message.body and url in _html(message)
    assert "in-workers organization" in message.subject


def test_a_cancelled_invitation_is_not_sent(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = services.invite_colleague(
            actor=world.user("focal-point"),
            organization=world.orgs["in-workers"],
            email="colleague@example.org",
        )
    services.cancel_invitation(actor=world.user("focal-point"), invitation=invitation)
    for callback in callbacks:
        callback()
    assert mail.outbox == []
