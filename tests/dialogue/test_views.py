"""The dialogue pages as each person sees them: directory, space home and join page, the
membership actions, moderators' member management, audit and staff pages."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Constituency, Organization
from accounts.permissions import get_standing
from audit.models import AuditEntry
from dialogue import services
from dialogue.models import Membership, Space
from tests.auth import sign_in
from tests.factories import verified_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client):
    """Sign ``user`` in (with a TOTP authenticator, so the two-factor requirement for staff and
    moderators lets them through) and return the client."""

    def _login(user):
        client.logout()
        if user is not None:
            sign_in(client, user)
        return client

    return _login


def url(name: str, space: Space, *args) -> str:
    return reverse(f"dialogue:{name}", args=[space.slug, *args])


def person(user) -> str:
    # Names are rendered as link text; the brackets keep "User 1" from matching "User 12".
    return f">{user}<"


def membership(space: Space, user) -> Membership | None:
    return Membership.objects.filter(space=space, user=user).first()


# --- Directory ----------------------------------------------------------------------------------


def test_directory_shows_anonymous_visitors_only_public_spaces(world, login):
    page = login(None).get("/").content.decode()
    assert world.space("in").name in page
    assert world.space("jp").name in page
    assert world.space("regional").name in page
    assert world.space("in-private").name not in page
    for key in ("in-workers", "in-employers", "in-government", "jp-workers"):
        assert world.space(key).name not in page


def test_directory_groups_spaces_by_country_and_region(world, login):
    page = login(world.user("member")).get("/").content.decode()
    india, japan, regional = page.index(">India<"), page.index(">Japan<"), page.index(">Regional<")
    assert india < page.index(world.space("in").name) < japan < regional
    assert page.index(world.space("in-workers").name) < japan


def test_directory_lists_a_caucus_to_eligible_users_without_its_member_count(world, login):
    page = login(world.user("in-workers")).get("/").content.decode()
    caucus = world.space("in-workers")
    assert caucus.name in page
    entry = page[page.index(caucus.name) : page.index("</li>", page.index(caucus.name))]
    assert "member-count" not in entry
    assert world.space("in-employers").name not in page
    assert world.space("jp-workers").name not in page


def test_directory_shows_members_their_caucus_with_their_status(world, login):
    page = login(world.user("member")).get("/").content.decode()
    caucus = world.space("in-workers")
    entry = page[page.index(caucus.name) : page.index("</li>", page.index(caucus.name))]
    assert "You are a member" in entry
    assert "member-count" in entry


@pytest.mark.parametrize("key", ["unverified", "pending", "revoked"])
def test_directory_tells_an_unverified_user_how_to_get_verified(world, login, key):
    page = login(world.user(key)).get("/").content.decode()
    assert f'href="{reverse("accounts:affiliations")}"' in page.split("<main", 1)[1]
    assert "not verified" in page


def test_directory_tells_an_anonymous_visitor_where_to_sign_in_or_sign_up(world, login):
    main = login(None).get("/").content.decode().split("<main", 1)[1]
    assert f'href="{reverse("account_login")}"' in main
    assert f'href="{reverse("account_signup")}"' in main


@pytest.mark.parametrize("key", ["member", "staff"])
def test_directory_does_not_ask_verified_users_or_staff_to_get_verified(world, login, key):
    page = login(world.user(key)).get("/").content.decode()
    assert "not verified" not in page


def test_directory_shows_pending_and_invited_status(world, login):
    page = login(world.user("caucus-pending")).get("/").content.decode()
    assert "Request pending" in page
    services.invite_to_space(
        actor=world.user("moderator"),
        space=world.space("in-private"),
        user=world.user("in-workers"),
    )
    page = login(world.user("in-workers")).get("/").content.decode()
    assert "You are invited" in page


@pytest.mark.parametrize(
    "key", ["moderator", "staff", "observer", "secretariat", "jp-workers", "unverified"]
)
def test_directory_never_lists_a_caucus_to_people_outside_its_group(world, login, key):
    page = login(world.user(key)).get("/").content.decode()
    assert world.space("in-workers").name not in page


def test_staff_see_members_only_spaces_but_no_caucus(world, login):
    page = login(world.user("staff")).get("/").content.decode()
    assert world.space("in-private").name in page
    for caucus in Space.objects.filter(kind=Space.Kind.CAUCUS):
        assert caucus.name not in page


# --- Space home and the join page ------------------------------------------------------------------


def test_join_page_shows_an_eligible_outsider_only_the_name_and_a_request_button(world, login):
    caucus = world.space("in-workers")
    response = login(world.user("in-workers")).get(caucus.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert caucus.name in page
    assert url("request", caucus) in page
    assert caucus.description not in page
    assert "data-live-topics" not in page
    assert "members-heading" not in page
    for key in ("member", "caucus-moderator", "adviser"):
        assert person(world.user(key)) not in page
    assert url("members", caucus) not in page
    assert url("space_audit", caucus) not in page


@pytest.mark.parametrize(
    "key",
    [
        "anonymous",
        "unverified",
        "moderator",
        "staff",
        "jp-workers",
        "secretariat",
        "observer",
        "revoked",
    ],
)
def test_caucus_answers_404_to_everyone_who_may_not_discover_it(world, login, key):
    client = login(world.user(key))
    caucus = world.space("in-workers")
    assert client.get(caucus.get_absolute_url()).status_code == 404
    assert client.post(url("request", caucus)).status_code == 404
    assert client.get(url("join", caucus)).status_code == 404


def test_space_home_shows_a_member_description_counts_members_and_the_live_topic(world, login):
    caucus = world.space("in-workers")
    page = login(world.user("member")).get(caucus.get_absolute_url()).content.decode()
    assert caucus.description in page
    assert f'data-live-topics="space:{caucus.pk}"' in page
    assert person(world.user("caucus-moderator")) in page
    assert person(world.user("adviser")) in page
    assert "Caucus adviser" in page
    # Workers: the member and the moderator; the adviser is not counted.
    assert "<dt>Workers</dt><dd>2</dd>" in page
    assert "1 caucus adviser" in page
    assert url("leave", caucus) in page


def test_space_home_shows_anonymous_readers_counts_but_no_people(world, login):
    space = world.space("in")
    page = login(None).get(space.get_absolute_url()).content.decode()
    assert space.description in page
    assert "<dt>Workers</dt>" in page
    assert person(world.user("member")) not in page
    assert person(world.user("moderator")) not in page
    assert "Sign in to join" in page


def test_space_home_lists_children_only_the_user_may_discover(world, login):
    space = world.space("in")
    anonymous_page = login(None).get(space.get_absolute_url()).content.decode()
    assert world.space("in-workers").name not in anonymous_page
    page = login(world.user("in-workers")).get(space.get_absolute_url()).content.decode()
    assert world.space("in-workers").name in page
    assert world.space("in-employers").name not in page
    staff_page = login(world.user("staff")).get(space.get_absolute_url()).content.decode()
    assert world.space("in-workers").name not in staff_page


def test_missing_space_answers_404(world, login):
    assert login(world.user("staff")).get("/s/no-such-space/").status_code == 404


# --- The member's own actions --------------------------------------------------------------------


def test_eligible_user_joins_an_open_space(world, login):
    client = login(world.user("in-employers"))
    response = client.post(url("join", world.space("in")), follow=True)
    assert membership(world.space("in"), world.user("in-employers")).status == "active"
    assert "You joined" in response.content.decode()


def test_joining_twice_shows_an_error_rather_than_a_crash(world, login):
    client = login(world.user("member"))
    response = client.post(url("join", world.space("in")), follow=True)
    assert response.status_code == 200
    assert "You cannot join this space." in response.content.decode()


def test_anonymous_post_is_sent_to_sign_in(world, login):
    response = login(None).post(url("join", world.space("in")))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_action_endpoints_refuse_get(world, login):
    assert login(world.user("in-employers")).get(url("join", world.space("in"))).status_code == 405


def test_request_approve_flow_through_the_pages(world, login):
    caucus = world.space("in-workers")
    applicant = world.user("in-workers")
    response = login(applicant).post(
        url("request", caucus), {"message": "I chair our youth wing"}, follow=True
    )
    assert "Your request was sent" in response.content.decode()
    assert "waiting for a moderator" in response.content.decode()
    mine = membership(caucus, applicant)
    assert mine.status == "pending" and mine.message == "I chair our youth wing"

    client = login(world.user("caucus-moderator"))
    page = client.get(url("members", caucus)).content.decode()
    assert "I chair our youth wing" in page
    client.post(url("approve", caucus, mine.pk))
    assert membership(caucus, applicant).status == "active"
    assert AuditEntry.objects.filter(action="membership.approve", space=caucus).exists()

    page = login(applicant).get(caucus.get_absolute_url()).content.decode()
    assert caucus.description in page


def test_moderator_rejects_a_request_with_an_optional_reason(world, login):
    caucus = world.space("in-workers")
    pending = membership(caucus, world.user("caucus-pending"))
    login(world.user("caucus-moderator")).post(
        url("reject", caucus, pending.pk), {"reason": "not known to us"}
    )
    assert membership(caucus, world.user("caucus-pending")).status == "rejected"
    assert AuditEntry.objects.get(action="membership.reject").reason == "not known to us"


def test_applicant_withdraws_their_request(world, login):
    caucus = world.space("in-workers")
    client = login(world.user("caucus-pending"))
    assert url("cancel_request", caucus) in client.get(caucus.get_absolute_url()).content.decode()
    client.post(url("cancel_request", caucus))
    assert membership(caucus, world.user("caucus-pending")).status == "left"


def test_member_leaves_a_space(world, login):
    response = login(world.user("member")).post(url("leave", world.space("in")), follow=True)
    assert membership(world.space("in"), world.user("member")).status == "left"
    assert response.redirect_chain[-1][0] == reverse("dialogue:directory")
    assert "You left" in response.content.decode()


def test_last_moderator_cannot_leave_and_is_told_why(world, login):
    response = login(world.user("caucus-moderator")).post(
        url("leave", world.space("in-workers")), follow=True
    )
    assert "last moderator" in response.content.decode()
    assert membership(world.space("in-workers"), world.user("caucus-moderator")).status == "active"


def test_invitation_accepted_through_the_pages(world, login):
    caucus = world.space("in-workers")
    invitee = world.user("in-workers")
    login(world.user("caucus-moderator")).post(url("invite", caucus), {"person": invitee.email})
    assert membership(caucus, invitee).status == "invited"
    client = login(invitee)
    assert (
        url("respond_invitation", caucus) in client.get(caucus.get_absolute_url()).content.decode()
    )
    client.post(url("respond_invitation", caucus), {"decision": "accept"})
    assert membership(caucus, invitee).status == "active"


def test_invitation_declined_through_the_pages(world, login):
    caucus = world.space("in-workers")
    invitee = world.user("in-workers")
    login(world.user("caucus-moderator")).post(url("invite", caucus), {"person": invitee.email})
    login(invitee).post(url("respond_invitation", caucus), {"decision": "decline"})
    assert membership(caucus, invitee).status == "left"


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize("form,other", [("invite", "jp-workers"), ("admit_adviser", "in-workers")])
def test_moderators_cannot_tell_an_unknown_address_from_an_ineligible_person(
    world, login, form, other
):
    # Addresses are not public: the invitation forms must not reveal who has an account.
    caucus = world.space("in-workers")
    client = login(world.user("caucus-moderator"))
    ineligible = client.post(url(form, caucus), {"person": world.user(other).email}, follow=True)
    unknown = client.post(url(form, caucus), {"person": "nobody@example.org"}, follow=True)
    assert _messages(ineligible) == _messages(unknown)
    assert len(_messages(unknown)) == 1
    assert membership(caucus, world.user(other)) is None


def test_removing_a_member_needs_a_reason(world, login):
    caucus = world.space("in-workers")
    target = membership(caucus, world.user("member"))
    client = login(world.user("caucus-moderator"))
    response = client.post(url("remove", caucus, target.pk), {"reason": ""}, follow=True)
    assert "Give a reason" in response.content.decode()
    assert membership(caucus, world.user("member")).status == "active"
    client.post(url("remove", caucus, target.pk), {"reason": "posted caucus positions in public"})
    assert membership(caucus, world.user("member")).status == "removed"
    entry = AuditEntry.objects.filter(action="membership.remove", space=caucus).first()
    assert entry.reason == "posted caucus positions in public"


def test_moderator_appoints_a_co_moderator_and_makes_them_a_member_again(world, login):
    caucus = world.space("in-workers")
    target = membership(caucus, world.user("member"))
    client = login(world.user("caucus-moderator"))
    client.post(url("set_role", caucus, target.pk), {"role": "moderator"})
    assert membership(caucus, world.user("member")).role == "moderator"
    client.post(url("set_role", caucus, target.pk), {"role": "member"})
    assert membership(caucus, world.user("member")).role == "member"
    assert AuditEntry.objects.filter(action="membership.role.moderator", space=caucus).exists()


def test_caucus_moderator_admits_a_secretariat_adviser_by_email(world, login):
    caucus = world.space("in-workers")
    client = login(world.user("caucus-moderator"))
    client.post(url("admit_adviser", caucus), {"person": world.user("secretariat").email})
    admitted = membership(caucus, world.user("secretariat"))
    assert admitted.status == "active" and admitted.role == "adviser"
    response = client.post(
        url("admit_adviser", caucus), {"person": world.user("in-workers").email}, follow=True
    )
    assert "Only verified secretariat staff" in response.content.decode()


def test_member_management_page_lists_pending_active_and_the_adviser_form_for_caucuses(
    world, login
):
    caucus = world.space("in-workers")
    page = login(world.user("caucus-moderator")).get(url("members", caucus)).content.decode()
    assert str(world.user("caucus-pending")) in page
    assert str(world.user("member")) in page
    assert url("admit_adviser", caucus) in page
    country_page = (
        login(world.user("moderator")).get(url("members", world.space("in"))).content.decode()
    )
    assert url("admit_adviser", world.space("in")) not in country_page


def test_member_management_offers_no_removal_or_demotion_of_the_moderator_themselves(world, login):
    caucus = world.space("in-workers")
    moderator = world.user("caucus-moderator")
    page = login(moderator).get(url("members", caucus)).content.decode()
    own = membership(caucus, moderator)
    other = membership(caucus, world.user("member"))
    assert url("remove", caucus, other.pk) in page
    assert url("remove", caucus, own.pk) not in page
    assert url("set_role", caucus, own.pk) not in page
    assert "This is you." in page


def test_member_management_labels_each_reason_field_with_the_person(world, login):
    caucus = world.space("in-workers")
    page = login(world.user("caucus-moderator")).get(url("members", caucus)).content.decode()
    assert f"Reason for removing {world.user('member')}" in page
    assert f"Reason for declining {world.user('caucus-pending')}" in page


def test_space_home_tells_its_moderators_how_many_requests_are_waiting(world, login):
    caucus = world.space("in-workers")
    page = login(world.user("caucus-moderator")).get(caucus.get_absolute_url()).content.decode()
    assert "1 request waiting" in page
    page = login(world.user("member")).get(caucus.get_absolute_url()).content.decode()
    assert "request waiting" not in page


@pytest.mark.parametrize(
    "key,space_key",
    [
        ("member", "in-workers"),
        ("moderator", "in-workers"),
        ("staff", "in-workers"),
        ("adviser", "in-workers"),
        ("member", "in"),
        ("anonymous", "in"),
        ("caucus-moderator", "in"),
    ],
)
def test_member_management_answers_404_to_non_moderators(world, login, key, space_key):
    space = world.space(space_key)
    client = login(world.user(key))
    assert client.get(url("members", space)).status_code == 404
    target = Membership.objects.filter(space=space, status="active").first()
    assert client.post(url("remove", space, target.pk), {"reason": "x"}).status_code == 404
    assert client.post(url("invite", space), {"person": "x@example.org"}).status_code == 404
    assert target.status == membership(space, target.user).status


def test_staff_see_the_member_list_on_a_space_home_they_may_read_but_never_a_caucus_s(world, login):
    # Staff see profiles and manage these members already (accounts.permissions.can_see_people).
    client = login(world.user("staff"))
    page = client.get(world.space("in-private").get_absolute_url()).content.decode()
    assert person(world.user("member")) in page
    assert client.get(world.space("in-workers").get_absolute_url()).status_code == 404


def test_staff_manage_members_of_a_country_space(world, login):
    assert login(world.user("staff")).get(url("members", world.space("in"))).status_code == 200


def test_moderator_cannot_act_on_another_space_s_membership_through_their_own(world, login):
    other = membership(world.space("in-workers"), world.user("member"))
    response = login(world.user("moderator")).post(
        url("remove", world.space("in"), other.pk), {"reason": "x"}
    )
    assert response.status_code == 404
    assert membership(world.space("in-workers"), world.user("member")).status == "active"


# --- Audit pages -----------------------------------------------------------------------------


def test_caucus_moderator_reads_the_caucus_audit_log(world, login):
    caucus = world.space("in-workers")
    page = login(world.user("caucus-moderator")).get(url("space_audit", caucus)).content.decode()
    assert "membership.admit_adviser" in page
    assert "membership.remove" in page


@pytest.mark.parametrize(
    "key", ["moderator", "staff", "member", "adviser", "anonymous", "in-workers"]
)
def test_caucus_audit_log_answers_404_to_everyone_but_its_moderators(world, login, key):
    assert (
        login(world.user(key)).get(url("space_audit", world.space("in-workers"))).status_code == 404
    )


def test_country_space_audit_log_is_read_by_its_moderator_and_staff(world, login):
    space = world.space("in")
    for key in ("moderator", "staff"):
        page = login(world.user(key)).get(url("space_audit", space)).content.decode()
        assert "membership.remove" in page
    assert login(world.user("member")).get(url("space_audit", space)).status_code == 404


def test_staff_audit_log_never_shows_caucus_entries_and_filters_by_action(world, login):
    client = login(world.user("staff"))
    page = client.get(reverse("dialogue:staff_audit")).content.decode()
    assert "membership.remove" in page
    assert "membership.admit_adviser" not in page
    assert "membership.appoint_first_moderator" not in page
    filtered = client.get(
        reverse("dialogue:staff_audit"), {"action": "country.add"}
    ).content.decode()
    assert ">country.add</code>" in filtered
    assert ">membership.remove</code>" not in filtered


def test_audit_pages_name_each_action_beside_its_code(world, login):
    client = login(world.user("staff"))
    page = client.get(reverse("dialogue:staff_audit")).content.decode()
    assert "Member removed" in page  # membership.remove
    assert "Country added" in page  # country.add, by the set-up (no person)
    assert ">System</td>" in page
    assert ">membership.remove</code>" in page  # the code stays, for precision
    assert '<option value="country.add">Country added</option>' in page


def test_staff_audit_log_is_paginated(world, login):
    for n in range(60):
        AuditEntry.objects.create(
            actor_label="system", action="test.filler", target_label=f"filler {n}"
        )
    client = login(world.user("staff"))
    page = client.get(reverse("dialogue:staff_audit")).content.decode()
    assert "Page 1 of" in page
    assert client.get(reverse("dialogue:staff_audit"), {"page": 2}).status_code == 200


def test_staff_pages_link_to_each_other_and_mark_the_current_one(world, login):
    client = login(world.user("staff"))
    names = ("staff_countries", "staff_caucuses", "staff_audit")
    for name in names:
        page = client.get(reverse(f"dialogue:{name}")).content.decode()
        for other in names:
            assert f'href="{reverse(f"dialogue:{other}")}"' in page
        assert f'href="{reverse(f"dialogue:{name}")}" aria-current="page"' in page


@pytest.mark.parametrize("key", ["moderator", "caucus-moderator", "focal-point", "anonymous"])
def test_staff_pages_answer_404_to_non_staff(world, login, key):
    client = login(world.user(key))
    for name in ("staff_audit", "staff_caucuses", "staff_countries"):
        assert client.get(reverse(f"dialogue:{name}")).status_code == 404


# --- Staff pages -------------------------------------------------------------------------------


def test_staff_caucus_page_shows_caucus_names_only(world, login):
    caucus = world.space("in-workers")
    page = login(world.user("staff")).get(reverse("dialogue:staff_caucuses")).content.decode()
    assert caucus.name in page
    assert caucus.description not in page
    assert person(world.user("caucus-moderator")) not in page
    assert str(world.user("member")) not in page


def test_staff_appoint_a_caucus_first_moderator(world, login):
    caucus = world.space("jp-workers")
    client = login(world.user("staff"))
    response = client.post(
        reverse("dialogue:staff_caucuses"),
        {"caucus": caucus.pk, "person": world.user("jp-workers").email},
        follow=True,
    )
    assert "is now a moderator" in response.content.decode()
    appointed = membership(caucus, world.user("jp-workers"))
    assert appointed.status == "active" and appointed.role == "moderator"
    # Appointing gives staff no view into the caucus.
    assert client.get(caucus.get_absolute_url()).status_code == 404


def test_staff_cannot_appoint_someone_outside_the_caucus_group(world, login):
    caucus = world.space("jp-workers")
    response = login(world.user("staff")).post(
        reverse("dialogue:staff_caucuses"),
        {"caucus": caucus.pk, "person": world.user("in-workers").email},
    )
    assert response.status_code == 200
    assert "not a verified member" in response.content.decode()
    assert membership(caucus, world.user("in-workers")) is None


def test_staff_add_a_country_with_its_space_and_caucuses(world, login):
    client = login(world.user("staff"))
    response = client.post(
        reverse("dialogue:staff_countries"),
        {"code": "la", "name": "Lao PDR", "time_zone": "Asia/Vientiane"},
        follow=True,
    )
    space = Space.objects.get(country__code="LA", kind=Space.Kind.COUNTRY)
    assert response.redirect_chain[-1][0] == space.get_absolute_url()
    assert space.children.filter(kind=Space.Kind.CAUCUS).count() == 3
    duplicate = client.post(
        reverse("dialogue:staff_countries"),
        {"code": "LA", "name": "Lao PDR", "time_zone": "Asia/Vientiane"},
    )
    assert duplicate.status_code == 200
    assert Space.objects.filter(country__code="LA", kind=Space.Kind.COUNTRY).count() == 1


def test_add_country_rejects_an_unknown_time_zone(world, login):
    response = login(world.user("staff")).post(
        reverse("dialogue:staff_countries"),
        {"code": "MY", "name": "Malaysia", "time_zone": "Mars/Base"},
    )
    assert "not a known time zone" in response.content.decode()


# --- Query counts ------------------------------------------------------------------------------


def _count_queries(client, path: str) -> int:
    client.get(path)  # warm caches that are not per-page (sessions, content types)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow(world, n: int = 20) -> None:
    """More spaces, caucuses, members and advisers everywhere the pages look."""
    in_space, caucus = world.space("in"), world.space("in-workers")
    workers = world.orgs["in-workers"]
    for i in range(n):
        extra = services.create_space(
            actor=None, name=f"Extra space {i}", kind=Space.Kind.COUNTRY, country=in_space.country
        )
        services.create_caucus(actor=None, parent=extra, group=Constituency.WORKERS)
        person_ = verified_user(workers, email=f"grow-{i}@example.org")
        affiliation_id = get_standing(person_).affiliation_id
        for space in (in_space, caucus, extra):
            Membership.objects.create(
                space=space, user=person_, status="active", affiliation_id=affiliation_id
            )
        Membership.objects.create(space=extra, user=world.user("member"), status="active")
    ilo = Organization.objects.get(constituency=Constituency.SECRETARIAT)
    for i in range(3):
        adviser = verified_user(ilo, email=f"grow-adviser-{i}@example.org")
        services.admit_adviser(actor=world.user("caucus-moderator"), space=caucus, user=adviser)


@pytest.mark.parametrize("key", ["anonymous", "member", "staff", "in-workers"])
def test_directory_costs_the_same_queries_at_two_data_sizes(world, login, key):
    client = login(world.user(key))
    small = _count_queries(client, "/")
    _grow(world)
    assert _count_queries(client, "/") == small


@pytest.mark.parametrize(
    "key,space_key",
    [
        ("member", "in-workers"),
        ("member", "in"),
        ("anonymous", "in"),
        ("staff", "in"),
        ("in-workers", "in-workers"),
    ],
)
def test_space_home_costs_the_same_queries_at_two_data_sizes(world, login, key, space_key):
    client = login(world.user(key))
    path = world.space(space_key).get_absolute_url()
    small = _count_queries(client, path)
    _grow(world)
    assert _count_queries(client, path) == small


@pytest.mark.parametrize("page", ["members", "space_audit"])
def test_moderator_pages_cost_the_same_queries_at_two_data_sizes(world, login, page):
    caucus = world.space("in-workers")
    client = login(world.user("caucus-moderator"))
    path = url(page, caucus)
    small = _count_queries(client, path)
    _grow(world)
    for i in range(5):
        applicant = verified_user(world.orgs["in-workers"], email=f"applicant-{i}@example.org")
        services.request_to_join(user=applicant, space=caucus)
    assert _count_queries(client, path) == small


def test_staff_audit_page_costs_the_same_queries_at_two_data_sizes(world, login):
    client = login(world.user("staff"))
    path = reverse("dialogue:staff_audit")
    small = _count_queries(client, path)
    _grow(world)
    assert _count_queries(client, path) == small


def test_members_only_space_shows_eligible_outsiders_its_join_page(world, login):
    private = world.space("in-private")
    client = login(world.user("in-employers"))
    page = client.get(private.get_absolute_url()).content.decode()
    assert url("request", private) in page
    assert person(world.user("member")) not in page
    client.post(url("request", private), {"message": ""})
    assert membership(private, world.user("in-employers")).status == "pending"


def test_invitation_only_space_says_so_on_its_join_page(world, login):
    caucus = world.space("in-workers")
    Space.objects.filter(pk=caucus.pk).update(join_policy=Space.JoinPolicy.INVITE)
    page = login(world.user("in-workers")).get(caucus.get_absolute_url()).content.decode()
    assert "by invitation only" in page
    assert url("request", caucus) not in page


# --- Not found --------------------------------------------------------------------------------


def test_a_hidden_space_and_a_missing_one_answer_the_same_site_page(world, login, settings):
    settings.DEBUG = False
    client = login(world.user("moderator"))  # the caucus inside their space is hidden from them
    hidden = client.get(world.space("in-workers").get_absolute_url())
    missing = client.get("/s/no-such-space/")
    assert hidden.status_code == missing.status_code == 404
    page = hidden.content.decode()
    assert "Page not found" in page
    assert 'class="site-nav"' in page  # the way back: the site's own navigation
    same = missing.content.decode().replace("no-such-space", world.space("in-workers").slug)
    assert _without_csrf_tokens(page) == _without_csrf_tokens(same)


def _without_csrf_tokens(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def test_the_server_error_page_renders_without_a_request(world):
    from django.template import loader

    page = loader.get_template("500.html").render()
    assert "Something went wrong" in page


def test_a_form_sent_without_its_csrf_token_gets_a_page_that_says_what_to_do(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("member"))
    response = client.post(url("leave", world.space("in")))
    assert response.status_code == 403
    assert "The form could not be sent" in response.content.decode()


def test_the_last_moderator_is_told_to_appoint_another_instead_of_a_leave_button(world, login):
    caucus = world.space("in-workers")
    page = login(world.user("caucus-moderator")).get(caucus.get_absolute_url()).content.decode()
    assert url("leave", caucus) not in page
    assert "You are the last moderator" in page
    page = login(world.user("member")).get(caucus.get_absolute_url()).content.decode()
    assert url("leave", caucus) in page


def test_a_space_without_members_says_so_on_its_home_and_management_pages(world, login):
    regional = world.space("regional")  # nobody has joined it in the world
    page = login(world.user("member")).get(regional.get_absolute_url()).content.decode()
    assert "No members yet." in page
    page = login(world.user("staff")).get(url("members", regional)).content.decode()
    assert "No members yet." in page
    page = login(world.user("member")).get(world.space("in").get_absolute_url()).content.decode()
    assert "No members yet." not in page
