"""The accounts services: affiliation workflow, one verified affiliation at a time,
invitations and focal points."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import services
from accounts.models import Affiliation, AffiliationInvitation
from accounts.permissions import get_standing
from audit.models import AuditEntry
from dialogue.models import Membership
from tests.factories import make_user, verified_user

pytestmark = pytest.mark.django_db


def test_only_one_verified_affiliation_per_person_is_allowed_by_the_database(world):
    member = world.user("member")
    with pytest.raises(IntegrityError), transaction.atomic():
        Affiliation.objects.create(
            user=member, organization=world.orgs["jp-workers"], status="verified"
        )


def test_verifying_a_new_affiliation_ends_the_previous_one_and_its_memberships(world):
    member = world.user("member")
    old = Affiliation.objects.get(user=member, status=Affiliation.Status.VERIFIED)
    new = services.request_affiliation(user=member, organization=world.orgs["in-employers"])
    services.verify_affiliation(actor=world.user("staff"), affiliation=new)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status) == ("revoked", "verified")
    assert Affiliation.objects.filter(user=member, status="verified").count() == 1
    assert not Membership.objects.filter(user=member, status=Membership.Status.ACTIVE).exists()
    # A fresh load (the standing is cached per user object, i.e. per request).
    assert (
        get_standing(type(member).objects.get(pk=member.pk)).organization_id
        == world.orgs["in-employers"].pk
    )


def test_revoking_ends_memberships_in_the_same_transaction(world):
    member = world.user("member")
    affiliation = Affiliation.objects.get(user=member, status=Affiliation.Status.VERIFIED)
    with transaction.atomic():
        services.revoke_affiliation(
            actor=world.user("focal-point"), affiliation=affiliation, reason="Left"
        )
        # Inside the very transaction that revoked, no membership is still active.
        assert not Membership.objects.filter(user=member, status=Membership.Status.ACTIVE).exists()
    assert AuditEntry.objects.filter(action="affiliation.revoke", reason="Left").exists()


def test_a_revocation_that_fails_leaves_memberships_untouched(world, monkeypatch):
    member = world.user("member")
    affiliation = Affiliation.objects.get(user=member, status=Affiliation.Status.VERIFIED)

    def boom(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "record", boom)
    with pytest.raises(RuntimeError):
        services.revoke_affiliation(
            actor=world.user("focal-point"), affiliation=affiliation, reason="Left"
        )
    affiliation.refresh_from_db()
    assert affiliation.status == Affiliation.Status.VERIFIED
    assert Membership.objects.filter(user=member, status=Membership.Status.ACTIVE).count() == 3


def test_a_focal_point_of_another_organization_cannot_decide(world):
    jp_focal = verified_user(world.orgs["jp-workers"], focal_point=True)
    pending = Affiliation.objects.get(user=world.user("pending"), status=Affiliation.Status.PENDING)
    with pytest.raises(PermissionDenied):
        services.verify_affiliation(actor=jp_focal, affiliation=pending)
    with pytest.raises(PermissionDenied):
        services.reject_affiliation(actor=jp_focal, affiliation=pending, reason="no")
    member = Affiliation.objects.get(user=world.user("member"), status=Affiliation.Status.VERIFIED)
    with pytest.raises(PermissionDenied):
        services.revoke_affiliation(actor=jp_focal, affiliation=member, reason="no")


def test_nobody_verifies_their_own_request_not_even_staff(world):
    staff = world.user("staff")
    own = services.request_affiliation(user=staff, organization=world.orgs["ilo"])
    with pytest.raises(PermissionDenied):
        services.verify_affiliation(actor=staff, affiliation=own)


def test_a_plain_member_cannot_verify(world):
    pending = Affiliation.objects.get(user=world.user("pending"), status=Affiliation.Status.PENDING)
    with pytest.raises(PermissionDenied):
        services.verify_affiliation(actor=world.user("member"), affiliation=pending)


def test_verify_and_reject_are_audited(world):
    focal = world.user("focal-point")
    pending = Affiliation.objects.get(user=world.user("pending"), status=Affiliation.Status.PENDING)
    services.verify_affiliation(actor=focal, affiliation=pending)
    other = services.request_affiliation(user=make_user(), organization=world.orgs["in-workers"])
    services.reject_affiliation(actor=focal, affiliation=other, reason="Unknown")
    actions = set(AuditEntry.objects.filter(actor=focal).values_list("action", flat=True))
    assert {"affiliation.verify", "affiliation.reject"} <= actions


def test_only_staff_appoint_focal_points_and_only_verified_members(world):
    member = Affiliation.objects.get(user=world.user("member"), status=Affiliation.Status.VERIFIED)
    with pytest.raises(PermissionDenied):
        services.appoint_focal_point(actor=world.user("focal-point"), affiliation=member)
    pending = Affiliation.objects.get(user=world.user("pending"), status=Affiliation.Status.PENDING)
    with pytest.raises(ValidationError):
        services.appoint_focal_point(actor=world.user("staff"), affiliation=pending)
    services.appoint_focal_point(actor=world.user("staff"), affiliation=member)
    member.refresh_from_db()
    assert member.is_focal_point


# --- Invitations ----------------------------------------------------------------------------


def _invite(world, email="invitee@example.org") -> AffiliationInvitation:
    return services.invite_colleague(
        actor=world.user("focal-point"), organization=world.orgs["in-workers"], email=email
    )


def test_accepting_an_invitation_with_the_matching_verified_email(world):
    invitation = _invite(world, email="Invitee@Example.org")
    invitee = make_user("invitee@example.org")
    affiliation = services.accept_invitation(user=invitee, invitation=invitation)
    assert affiliation.status == Affiliation.Status.VERIFIED
    assert affiliation.organization == world.orgs["in-workers"]
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee


def test_an_invitation_cannot_be_accepted_with_another_address(world):
    invitation = _invite(world)
    with pytest.raises(ValidationError):
        services.accept_invitation(user=world.user("unverified"), invitation=invitation)
    assert not Affiliation.objects.filter(user=world.user("unverified")).exists()


def test_an_invitation_cannot_be_accepted_with_an_unverified_address(world):
    invitation = _invite(world)
    invitee = make_user("invitee@example.org")
    EmailAddress.objects.filter(user=invitee).update(verified=False)
    with pytest.raises(ValidationError):
        services.accept_invitation(user=invitee, invitation=invitation)


def test_an_invitation_is_used_once_and_expires(world):
    invitation = _invite(world)
    invitee = make_user("invitee@example.org")
    services.accept_invitation(user=invitee, invitation=invitation)
    with pytest.raises(ValidationError):
        services.accept_invitation(user=invitee, invitation=invitation)
    expired = _invite(world, email="late@example.org")
    AffiliationInvitation.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(ValidationError):
        services.accept_invitation(user=make_user("late@example.org"), invitation=expired)


def test_accepting_an_invitation_replaces_a_verified_affiliation_elsewhere(world):
    person = world.user("in-employers")
    person_invitation = services.invite_colleague(
        actor=world.user("focal-point"), organization=world.orgs["in-workers"], email=person.email
    )
    services.accept_invitation(user=person, invitation=person_invitation)
    statuses = dict(
        Affiliation.objects.filter(user=person).values_list("organization__name", "status")
    )
    assert statuses == {
        "in-employers organization": "revoked",
        "in-workers organization": "verified",
    }


def test_only_the_organizations_focal_point_or_staff_invite(world):
    with pytest.raises(PermissionDenied):
        services.invite_colleague(
            actor=world.user("member"), organization=world.orgs["in-workers"], email="a@b.org"
        )
    with pytest.raises(PermissionDenied):
        services.invite_colleague(
            actor=world.user("focal-point"), organization=world.orgs["jp-workers"], email="a@b.org"
        )
    assert services.invite_colleague(
        actor=world.user("staff"), organization=world.orgs["jp-workers"], email="a@b.org"
    )


def test_a_replaced_affiliation_is_logged_for_the_organization_it_leaves(world):
    member = world.user("member")
    new = services.request_affiliation(user=member, organization=world.orgs["in-employers"])
    services.verify_affiliation(actor=world.user("staff"), affiliation=new)
    entry = AuditEntry.objects.get(action="affiliation.replace")
    assert entry.organization == world.orgs["in-workers"]
    assert entry.target_id == str(member.pk)


def test_the_reason_for_a_revocation_stays_with_the_organization_not_the_spaces(world):
    member = world.user("member")
    affiliation = Affiliation.objects.get(user=member, status=Affiliation.Status.VERIFIED)
    services.revoke_affiliation(
        actor=world.user("focal-point"), affiliation=affiliation, reason="Private matter"
    )
    ended = AuditEntry.objects.filter(
        action="membership.end_with_affiliation", target_id=str(member.pk)
    )
    assert ended.count() == 3  # the India space, the workers' caucus, the private space
    assert not ended.filter(reason__contains="Private matter").exists()


def test_someone_verified_again_may_rejoin_the_spaces_their_old_affiliation_gave(world):
    from dialogue import permissions as space_permissions
    from dialogue import services as space_services

    member = world.user("member")
    affiliation = Affiliation.objects.get(user=member, status=Affiliation.Status.VERIFIED)
    services.revoke_affiliation(
        actor=world.user("focal-point"), affiliation=affiliation, reason="x"
    )
    again = services.request_affiliation(user=member, organization=world.orgs["in-workers"])
    services.verify_affiliation(actor=world.user("focal-point"), affiliation=again)
    member = type(member).objects.get(pk=member.pk)
    space = world.space("in")
    assert space_permissions.can_join_space(member, space)
    space_services.join_space(user=member, space=space)
    assert space_permissions.can_read_space(member, world.space("in-private")) is False
    assert space_permissions.can_request_to_join(member, world.space("in-workers"))
