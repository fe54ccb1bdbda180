"""The people pages as people use them: profiles, affiliations, the focal point's page and
invitations."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from accounts import services
from accounts.models import Affiliation, AffiliationInvitation, Constituency, Organization
from dialogue.models import Membership
from tests.auth import sign_in
from tests.factories import make_user, verified_user

pytestmark = pytest.mark.django_db

FOCAL = reverse("accounts:focal_point")
AFFILIATIONS = reverse("accounts:affiliations")


@pytest.fixture
def as_user(client):
    """Sign in as a user (with an authenticator, which roles needing two-factor require)."""

    def _as(user):
        return sign_in(client, user)

    return _as


def _pending(world, user=None, org="in-workers", **kwargs) -> Affiliation:
    user = user or make_user()
    return services.request_affiliation(user=user, organization=world.orgs[org], **kwargs)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Profiles -------------------------------------------------------------------------------


def test_profiles_are_hidden_from_anonymous_visitors(client, world):
    response = client.get(reverse("accounts:profile", args=[world.user("member").pk]))
    assert response.status_code == 404


def test_profiles_are_hidden_from_signed_in_people_without_a_verified_affiliation(as_user, world):
    client = as_user(world.user("unverified"))
    assert (
        client.get(reverse("accounts:profile", args=[world.user("member").pk])).status_code == 404
    )
    # ... but they see their own.
    assert (
        client.get(reverse("accounts:profile", args=[world.user("unverified").pk])).status_code
        == 200
    )


def test_a_verified_user_sees_name_organization_badge_country_language_and_time_zone(
    as_user, world
):
    member = world.user("member")
    services.update_profile(
        user=member,
        display_name="Asha Rao",
        preferred_language="hi",
        time_zone="Asia/Kolkata",
        gender="woman",
    )
    response = as_user(world.user("jp-employers")).get(
        reverse("accounts:profile", args=[member.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Asha Rao" in html
    assert "in-workers organization" in html
    assert '<span class="badge badge-workers">Workers</span>' in html
    assert "India" in html
    assert "Asia/Kolkata" in html
    assert "Hindi" in html
    # Gender is used only in aggregate figures, never shown.
    assert "Woman" not in html and "woman" not in html


def test_a_deactivated_persons_profile_answers_404(as_user, world):
    client = as_user(world.user("member"))
    assert (
        client.get(reverse("accounts:profile", args=[world.user("deactivated").pk])).status_code
        == 404
    )


def test_editing_the_profile_saves_through_the_service_and_shows_a_message(as_user, world):
    user = world.user("unverified")
    client = as_user(user)
    response = client.post(
        reverse("accounts:profile_edit"),
        {
            "display_name": "Noy",
            "preferred_language": "lo",
            "time_zone": "Asia/Vientiane",
            "gender": "",
        },
        follow=True,
    )
    user.refresh_from_db()
    assert (user.display_name, user.preferred_language, user.time_zone) == (
        "Noy",
        "lo",
        "Asia/Vientiane",
    )
    assert "Your profile was saved." in _messages(response)


def test_an_unknown_time_zone_is_refused_and_what_was_typed_is_kept(as_user, world):
    user = world.user("unverified")
    response = as_user(user).post(
        reverse("accounts:profile_edit"),
        {
            "display_name": "Kept name",
            "preferred_language": "en",
            "time_zone": "Mars/Olympus",
            "gender": "",
        },
    )
    assert response.status_code == 200
    assert b"Kept name" in response.content
    assert response.context["form"].errors["time_zone"]
    user.refresh_from_db()
    assert user.display_name != "Kept name"


def test_the_language_selector_also_changes_the_preferred_language(as_user, world):
    user = world.user("member")
    as_user(user).post(reverse("set_language"), {"language": "ms", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == "ms"


# --- The person's affiliations ----------------------------------------------------------------


def test_requesting_an_affiliation_creates_a_pending_request_shown_in_the_list(as_user, world):
    user = world.user("unverified")
    client = as_user(user)
    org = world.orgs["jp-employers"]
    response = client.post(
        AFFILIATIONS,
        {"organization": org.pk, "job_title": "Policy adviser", "message": "HR department"},
        follow=True,
    )
    affiliation = Affiliation.objects.get(user=user, organization=org)
    assert affiliation.status == Affiliation.Status.PENDING
    assert affiliation.job_title == "Policy adviser"
    assert any("was sent" in m for m in _messages(response))
    assert "jp-employers organization" in response.content.decode()


def test_the_organization_choice_is_grouped_by_country_and_group(as_user, world):
    response = as_user(world.user("unverified")).get(AFFILIATIONS)
    html = response.content.decode()
    assert '<optgroup label="India — Workers">' in html
    assert '<optgroup label="International — Secretariat">' in html


def test_a_second_request_to_the_same_organization_is_refused_and_nothing_typed_is_lost(
    as_user, world
):
    user = world.user("pending")  # already asked to join in-workers
    response = as_user(user).post(
        AFFILIATIONS,
        {"organization": world.orgs["in-workers"].pk, "job_title": "Organiser", "message": "again"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["organization"]
    assert b'value="Organiser"' in response.content
    assert Affiliation.objects.filter(user=user, status=Affiliation.Status.PENDING).count() == 1


def test_withdrawing_a_pending_request(as_user, world):
    user = world.user("pending")
    affiliation = Affiliation.objects.get(user=user, status=Affiliation.Status.PENDING)
    response = as_user(user).post(
        reverse("accounts:withdraw_affiliation", args=[affiliation.pk]), follow=True
    )
    affiliation.refresh_from_db()
    assert affiliation.status == Affiliation.Status.WITHDRAWN
    assert "Your request was withdrawn." in _messages(response)


def test_nobody_can_withdraw_someone_elses_request(as_user, world):
    affiliation = Affiliation.objects.get(
        user=world.user("pending"), status=Affiliation.Status.PENDING
    )
    response = as_user(world.user("member")).post(
        reverse("accounts:withdraw_affiliation", args=[affiliation.pk])
    )
    assert response.status_code == 404


def test_the_history_says_who_decided_when_and_why(as_user, world):
    user = make_user()
    affiliation = _pending(world, user)
    services.reject_affiliation(
        actor=world.user("focal-point"), affiliation=affiliation, reason="Not on our staff list"
    )
    html = as_user(user).get(AFFILIATIONS).content.decode()
    assert "Rejected on" in html
    assert f"by {world.user('focal-point').get_display_name()}" in html
    assert "Not on our staff list" in html


def test_the_affiliation_list_costs_the_same_queries_with_more_history(
    as_user, world, django_assert_num_queries
):
    user = make_user()
    client = as_user(user)
    _pending(world, user, org="jp-workers")
    revoked = _pending(world, user, org="jp-employers")
    services.verify_affiliation(actor=world.user("staff"), affiliation=revoked)
    services.revoke_affiliation(actor=world.user("staff"), affiliation=revoked, reason="moved")
    client.get(AFFILIATIONS)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(AFFILIATIONS).status_code == 200
    for key in ("in-government", "in-employers", "jp-government", "ilo"):
        a = _pending(world, user, org=key)
        services.reject_affiliation(actor=world.user("staff"), affiliation=a, reason="no")
        a = _pending(world, user, org=key)
        services.verify_affiliation(actor=world.user("staff"), affiliation=a)
        services.revoke_affiliation(actor=world.user("staff"), affiliation=a, reason="moved")
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(AFFILIATIONS).status_code == 200


# --- The focal point's page ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "unverified", "in-employers", "moderator"])
def test_people_who_are_not_focal_points_get_404(as_user, world, who):
    client = as_user(world.user(who))
    assert client.get(FOCAL).status_code == 404
    pending = Affiliation.objects.get(user=world.user("pending"), status=Affiliation.Status.PENDING)
    assert client.post(reverse("accounts:verify_affiliation", args=[pending.pk])).status_code == 404
    pending.refresh_from_db()
    assert pending.status == Affiliation.Status.PENDING


def test_anonymous_visitors_are_asked_to_sign_in(client):
    response = client.get(FOCAL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_focal_point_sees_only_their_organizations_requests(as_user, world):
    other = _pending(world, org="jp-workers")
    response = as_user(world.user("focal-point")).get(FOCAL)
    pending_ids = [a.pk for a in response.context["pending"]]
    assert Affiliation.objects.get(user=world.user("pending"), status="pending").pk in pending_ids
    assert other.pk not in pending_ids


def test_verifying_a_request_tells_the_requester_by_email(
    as_user, world, django_capture_on_commit_callbacks
):
    requester = world.user("pending")
    affiliation = Affiliation.objects.get(user=requester, status=Affiliation.Status.PENDING)
    client = as_user(world.user("focal-point"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:verify_affiliation", args=[affiliation.pk]))
    assert response.status_code == 302 and response["Location"] == FOCAL
    affiliation.refresh_from_db()
    assert affiliation.status == Affiliation.Status.VERIFIED
    assert affiliation.decided_by == world.user("focal-point")
    assert [m.to for m in mail.outbox] == [[requester.email]]
    assert "verified" in mail.outbox[0].subject


def test_a_focal_point_of_another_organization_gets_404(as_user, world):
    jp_focal = verified_user(world.orgs["jp-workers"], focal_point=True)
    affiliation = Affiliation.objects.get(
        user=world.user("pending"), status=Affiliation.Status.PENDING
    )
    client = as_user(jp_focal)
    for name in ("verify_affiliation", "reject_affiliation"):
        assert (
            client.post(
                reverse(f"accounts:{name}", args=[affiliation.pk]), {"reason": "x"}
            ).status_code
            == 404
        )
    member = Affiliation.objects.get(user=world.user("member"), status=Affiliation.Status.VERIFIED)
    assert (
        client.post(
            reverse("accounts:revoke_affiliation", args=[member.pk]), {"reason": "x"}
        ).status_code
        == 404
    )
    affiliation.refresh_from_db()
    member.refresh_from_db()
    assert (affiliation.status, member.status) == ("pending", "verified")


def test_rejecting_needs_a_reason(as_user, world):
    affiliation = Affiliation.objects.get(
        user=world.user("pending"), status=Affiliation.Status.PENDING
    )
    client = as_user(world.user("focal-point"))
    response = client.post(
        reverse("accounts:reject_affiliation", args=[affiliation.pk]), {"reason": "  "}, follow=True
    )
    assert any("Give a reason" in m for m in _messages(response))
    affiliation.refresh_from_db()
    assert affiliation.status == Affiliation.Status.PENDING


def test_rejecting_with_a_reason_tells_the_requester(
    as_user, world, django_capture_on_commit_callbacks
):
    affiliation = Affiliation.objects.get(
        user=world.user("pending"), status=Affiliation.Status.PENDING
    )
    client = as_user(world.user("focal-point"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:reject_affiliation", args=[affiliation.pk]),
            {"reason": "Unknown to us"},
        )
    affiliation.refresh_from_db()
    assert (affiliation.status, affiliation.reason) == ("rejected", "Unknown to us")
    assert "Unknown to us" in mail.outbox[0].body


def test_revoking_ends_memberships_and_emails_the_person_in_their_language(
    as_user, world, django_capture_on_commit_callbacks
):
    member = world.user("member")
    services.update_profile(
        user=member,
        display_name=member.display_name,
        preferred_language="ja",
        time_zone="Asia/Tokyo",
    )
    affiliation = Affiliation.objects.get(user=member, status=Affiliation.Status.VERIFIED)
    assert Membership.objects.filter(user=member, status=Membership.Status.ACTIVE).count() == 3
    client = as_user(world.user("focal-point"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:revoke_affiliation", args=[affiliation.pk]),
            {"reason": "Left the union"},
        )
    assert response.status_code == 302
    affiliation.refresh_from_db()
    assert affiliation.status == Affiliation.Status.REVOKED
    assert not Membership.objects.filter(user=member, status=Membership.Status.ACTIVE).exists()
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert '<html lang="ja">' in message.alternatives[0][0]
    assert "Left the union" in message.body


def test_revoking_needs_a_reason(as_user, world):
    affiliation = Affiliation.objects.get(
        user=world.user("member"), status=Affiliation.Status.VERIFIED
    )
    as_user(world.user("focal-point")).post(
        reverse("accounts:revoke_affiliation", args=[affiliation.pk]), {"reason": ""}
    )
    affiliation.refresh_from_db()
    assert affiliation.status == Affiliation.Status.VERIFIED


def test_inviting_a_colleague_sends_an_email_with_the_acceptance_link(
    as_user, world, django_capture_on_commit_callbacks
):
    client = as_user(world.user("focal-point"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:invite_colleague"),
            {"email": "New.Colleague@example.org", "language": "hi"},
            follow=True,
        )
    invitation = AffiliationInvitation.objects.get(email="new.colleague@example.org")
    assert invitation.organization == world.orgs["in-workers"]
    assert any("invitation" in m for m in _messages(response))
    (message,) = mail.outbox
    assert message.to == ["new.colleague@example.org"]
    assert reverse("accounts:accept_invitation", args=[invitation.token]) in message.body
    assert '<html lang="hi">' in message.alternatives[0][0]
    assert invitation in response.context["invitations"]


def test_a_bad_email_address_is_shown_with_what_was_typed(as_user, world):
    response = as_user(world.user("focal-point")).post(
        reverse("accounts:invite_colleague"), {"email": "not-an-address", "language": "en"}
    )
    assert response.status_code == 400
    assert response.context["invitation_form"].errors["email"]
    assert b'value="not-an-address"' in response.content
    assert not AffiliationInvitation.objects.exists()


def test_cancelling_an_open_invitation(as_user, world):
    invitation = services.invite_colleague(
        actor=world.user("focal-point"),
        organization=world.orgs["in-workers"],
        email="x@example.org",
    )
    client = as_user(world.user("focal-point"))
    client.post(reverse("accounts:cancel_invitation", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.cancelled_at is not None
    assert invitation not in client.get(FOCAL).context["invitations"]


def test_a_focal_point_cannot_cancel_another_organizations_invitation(as_user, world):
    invitation = services.invite_colleague(
        actor=world.user("staff"), organization=world.orgs["jp-workers"], email="x@example.org"
    )
    response = as_user(world.user("focal-point")).post(
        reverse("accounts:cancel_invitation", args=[invitation.pk])
    )
    assert response.status_code == 404


def test_focal_points_cannot_appoint_focal_points_or_deactivate(as_user, world):
    member = Affiliation.objects.get(user=world.user("member"), status=Affiliation.Status.VERIFIED)
    client = as_user(world.user("focal-point"))
    assert client.post(reverse("accounts:appoint_focal_point", args=[member.pk])).status_code == 404
    assert (
        client.post(
            reverse("accounts:deactivate_user", args=[member.user_id]), {"reason": "x"}
        ).status_code
        == 404
    )
    member.refresh_from_db()
    assert not member.is_focal_point and member.user.is_active


def test_staff_filter_by_organization_and_appoint_and_remove_focal_points(as_user, world):
    client = as_user(world.user("staff"))
    org = world.orgs["in-employers"]
    page = client.get(FOCAL, {"organization": org.pk})
    assert page.context["organization"] == org
    member = Affiliation.objects.get(
        user=world.user("in-employers"), status=Affiliation.Status.VERIFIED
    )
    assert [a.pk for a in page.context["members"]] == [member.pk]

    response = client.post(
        reverse("accounts:appoint_focal_point", args=[member.pk]), {"organization": org.pk}
    )
    assert response["Location"] == f"{FOCAL}?organization={org.pk}"
    member.refresh_from_db()
    assert member.is_focal_point
    client.post(reverse("accounts:remove_focal_point", args=[member.pk]), {"organization": org.pk})
    member.refresh_from_db()
    assert not member.is_focal_point


def test_staff_see_pending_requests_of_every_organization(as_user, world):
    other = _pending(world, org="jp-government")
    pending_ids = [a.pk for a in as_user(world.user("staff")).get(FOCAL).context["pending"]]
    assert other.pk in pending_ids


def test_staff_reach_the_profiles_of_requesters_and_members_from_the_page(as_user, world):
    # Staff may see profiles (can_see_people) though they hold no verified affiliation.
    other = _pending(world, org="jp-government")
    member = world.user("member")
    client = as_user(world.user("staff"))
    page = client.get(FOCAL, {"organization": world.orgs["in-workers"].pk}).content.decode()
    assert reverse("accounts:profile", args=[member.pk]) in page
    page = client.get(FOCAL).content.decode()
    assert reverse("accounts:profile", args=[other.user_id]) in page


def test_staff_deactivate_an_account_with_a_reason(as_user, world):
    member = world.user("member")
    client = as_user(world.user("staff"))
    client.post(reverse("accounts:deactivate_user", args=[member.pk]), {"reason": ""})
    member.refresh_from_db()
    assert member.is_active
    response = client.post(
        reverse("accounts:deactivate_user", args=[member.pk]), {"reason": "Left"}, follow=True
    )
    member.refresh_from_db()
    assert not member.is_active
    assert not Affiliation.objects.filter(user=member, status=Affiliation.Status.VERIFIED).exists()
    assert any("deactivated" in m for m in _messages(response))


def test_the_focal_point_page_costs_the_same_queries_with_more_requests(
    as_user, world, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(world.user("focal-point"))
    client.get(FOCAL)
    with CaptureQueriesContext(connection) as small:
        assert client.get(FOCAL).status_code == 200
    for _ in range(4):
        _pending(world, job_title="Organiser", message="Hello")
        services.invite_colleague(
            actor=world.user("staff"), organization=world.orgs["in-workers"], email=f"{_}@x.org"
        )
        services.verify_affiliation(actor=world.user("staff"), affiliation=_pending(world))
        services.reject_affiliation(
            actor=world.user("staff"), affiliation=_pending(world), reason="no"
        )
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(FOCAL).status_code == 200


def test_the_staff_view_of_one_organization_costs_the_same_queries_with_more_members(
    as_user, world, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    org = world.orgs["in-workers"]
    client = as_user(world.user("staff"))
    client.get(FOCAL, {"organization": org.pk})
    with CaptureQueriesContext(connection) as small:
        assert client.get(FOCAL, {"organization": org.pk}).status_code == 200
    for _ in range(4):
        verified_user(org)
        _pending(world)
        Organization.objects.create(name=f"Extra {_}", constituency=Constituency.OBSERVER)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(FOCAL, {"organization": org.pk}).status_code == 200


# --- Accepting an invitation --------------------------------------------------------------------


def _invitation(world, email: str = "invitee@example.org") -> AffiliationInvitation:
    return services.invite_colleague(
        actor=world.user("focal-point"), organization=world.orgs["in-workers"], email=email
    )


def test_an_unknown_invitation_token_answers_404(client):
    assert (
        client.get(reverse("accounts:accept_invitation", args=["no-such-token"])).status_code == 404
    )


def test_anonymous_visitors_see_the_organization_and_links_to_sign_in_or_up_that_come_back(
    client, world
):
    invitation = _invitation(world)
    url = reverse("accounts:accept_invitation", args=[invitation.token])
    html = client.get(url).content.decode()
    assert "in-workers organization" in html
    assert f"{reverse('account_login')}?next={url.replace('/', '%2F')}" in html
    assert f"{reverse('account_signup')}?next={url.replace('/', '%2F')}" in html
    response = client.post(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_accepting_with_the_invited_verified_address_gives_a_verified_affiliation(client, world):
    invitation = _invitation(world)
    invitee = make_user("invitee@example.org")
    client.force_login(invitee)
    response = client.post(
        reverse("accounts:accept_invitation", args=[invitation.token]), follow=True
    )
    assert response.redirect_chain[-1][0] == AFFILIATIONS
    assert (
        Affiliation.objects.get(user=invitee, status=Affiliation.Status.VERIFIED).organization
        == world.orgs["in-workers"]
    )


def test_accepting_with_another_address_is_refused_with_a_clear_message(client, world):
    invitation = _invitation(world)
    client.force_login(world.user("unverified"))
    response = client.post(reverse("accounts:accept_invitation", args=[invitation.token]))
    assert response.status_code == 400
    assert "invitee@example.org" in response.context["error"]
    assert not Affiliation.objects.filter(user=world.user("unverified"), status="verified").exists()


def test_a_used_invitation_says_so(client, world):
    invitation = _invitation(world)
    services.cancel_invitation(actor=world.user("focal-point"), invitation=invitation)
    response = client.get(reverse("accounts:accept_invitation", args=[invitation.token]))
    assert b"expired, was cancelled or was already used" in response.content


def test_a_profile_page_costs_a_small_fixed_number_of_queries(
    as_user, world, django_assert_max_num_queries
):
    client = as_user(world.user("in-employers"))
    url = reverse("accounts:profile", args=[world.user("member").pk])
    client.get(url)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


def test_an_invited_newcomer_signs_up_confirms_and_comes_back_to_accept(client, world):
    import re

    invitation = _invitation(world, email="newcomer@example.org")
    url = reverse("accounts:accept_invitation", args=[invitation.token])
    password = "a-long-and-unusual-passphrase-91"
    client.post(
        f"{reverse('account_signup')}?next={url}",
        {
            "email": "newcomer@example.org",
            "password1": password,
            "password2": password,
            "next": url,
        },
    )
    confirm = re.search(
        r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[-1].body
    ).group(1)
    response = client.post(confirm)
    assert response.status_code == 302
    assert response["Location"] == url
    response = client.post(url, follow=True)
    newcomer = Affiliation.objects.get(user__email="newcomer@example.org")
    assert newcomer.status == Affiliation.Status.VERIFIED


def test_a_revoked_affiliation_still_shows_who_verified_it(as_user, world):
    user = make_user()
    affiliation = _pending(world, user)
    services.verify_affiliation(actor=world.user("focal-point"), affiliation=affiliation)
    services.revoke_affiliation(
        actor=world.user("staff"), affiliation=affiliation, reason="Moved to another union"
    )
    html = as_user(user).get(AFFILIATIONS).content.decode()
    assert "Verified on" in html and f"by {world.user('focal-point').get_display_name()}" in html
    assert f"by {world.user('staff').get_display_name()}" in html
    assert "Moved to another union" in html


# --- Navigation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path_name,label",
    [
        ("accounts:affiliations", "My organization"),
        ("accounts:focal_point", "Affiliation requests"),
        ("accounts:profile", "Profile"),
    ],
)
def test_the_main_navigation_marks_the_page_the_person_is_on(as_user, world, path_name, label):
    focal_point = world.user("focal-point")
    args = [focal_point.pk] if path_name == "accounts:profile" else []
    page = as_user(focal_point).get(reverse(path_name, args=args)).content.decode()
    nav = page.split('class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert f'aria-current="page">{label}</a>' in nav
    assert nav.count('aria-current="page"') == 1


def test_a_focal_point_finds_their_page_from_their_organization_page(as_user, world):
    page = as_user(world.user("focal-point")).get(AFFILIATIONS).content.decode()
    main = page.split("<main", 1)[1]
    assert f'href="{FOCAL}"' in main
    page = as_user(world.user("member")).get(AFFILIATIONS).content.decode()
    assert f'href="{FOCAL}"' not in page


def test_staff_can_deactivate_an_account_without_affiliation_from_its_profile(as_user, world):
    person = world.user("unverified")
    url = reverse("accounts:profile", args=[person.pk])
    page = as_user(world.user("staff")).get(url).content.decode()
    assert reverse("accounts:deactivate_user", args=[person.pk]) in page
    for key in ("member", "focal-point"):
        page = as_user(world.user(key)).get(url).content.decode()
        assert reverse("accounts:deactivate_user", args=[person.pk]) not in page
