"""Service behaviour the dialogue pages rely on (each action audited, refusals explained)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from dialogue import services
from dialogue.models import Membership, Space

pytestmark = pytest.mark.django_db


def test_appointing_a_caucus_moderator_is_audited_on_the_caucus(world):
    caucus = world.space("jp-workers")
    services.appoint_caucus_moderator(
        actor=world.user("staff"), space=caucus, user=world.user("jp-workers")
    )
    entry = AuditEntry.objects.get(action="membership.appoint_first_moderator", space=caucus)
    assert entry.actor == world.user("staff")


def test_staff_cannot_appoint_moderators_to_a_caucus_that_has_one(world):
    # The caucus runs itself once it has a moderator: staff appoint only the first (or a new
    # first one, when none is left), never a second moderator over the caucus's head.
    caucus = world.space("in-workers")  # moderated by ``caucus-moderator``
    with pytest.raises(ValidationError):
        services.appoint_caucus_moderator(
            actor=world.user("staff"), space=caucus, user=world.user("in-workers")
        )
    assert not Membership.objects.filter(space=caucus, user=world.user("in-workers")).exists()


def test_only_staff_appoint_a_caucus_first_moderator(world):
    with pytest.raises(PermissionDenied):
        services.appoint_caucus_moderator(
            actor=world.user("moderator"),
            space=world.space("jp-workers"),
            user=world.user("jp-workers"),
        )


def test_add_country_creates_a_public_space_and_three_private_caucuses(world):
    country, space, caucuses = services.add_country(
        actor=world.user("staff"), code="my", name="Malaysia", time_zone="Asia/Kuala_Lumpur"
    )
    assert country.code == "MY"
    assert space.slug == "malaysia-dialogue" and space.is_public
    assert sorted(c.slug for c in caucuses) == [
        "malaysia-dialogue-employers-caucus",
        "malaysia-dialogue-government-caucus",
        "malaysia-dialogue-workers-caucus",
    ]
    assert all(c.visibility == Space.Visibility.MEMBERS for c in caucuses)
    assert AuditEntry.objects.filter(action="country.add").exists()


def test_add_country_refuses_a_duplicate_code(world):
    with pytest.raises(ValidationError):
        services.add_country(
            actor=world.user("staff"), code="IN", name="India again", time_zone="Asia/Kolkata"
        )


def test_cancelled_request_can_be_made_again(world):
    caucus = world.space("in-workers")
    user = world.user("caucus-pending")
    services.cancel_request(user=user, space=caucus)
    services.request_to_join(user=user, space=caucus, message="second try")
    assert Membership.objects.get(space=caucus, user=user).status == "pending"


def test_removed_member_cannot_rejoin_by_themselves(world):
    with pytest.raises(PermissionDenied):
        services.join_space(user=world.user("removed"), space=world.space("in"))


def test_removing_a_member_is_audited_with_its_reason(world):
    caucus = world.space("in-workers")
    services.remove_member(
        actor=world.user("caucus-moderator"),
        membership=Membership.objects.get(space=caucus, user=world.user("member")),
        reason="spam",
    )
    assert AuditEntry.objects.filter(
        action="membership.remove", space=caucus, reason="spam"
    ).exists()


def test_parent_moderator_cannot_act_in_a_caucus(world):
    with pytest.raises(PermissionDenied):
        services.remove_member(
            actor=world.user("moderator"),
            membership=Membership.objects.get(
                space=world.space("in-workers"), user=world.user("member")
            ),
            reason="x",
        )
