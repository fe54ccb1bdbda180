"""The demo data ``load_demo`` writes (README, "Demo accounts"): loaded once for the module.

Loading the demo takes seconds; every test here reads it (or runs ``load_demo`` again to
show nothing changes), each inside its own savepoint of the module's transaction, so nothing
one test does reaches the next. The command's refusals and the bootstrap live in
``tests/test_setup_commands.py``.
"""

from __future__ import annotations

import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from accounts.models import Constituency, Country, Organization, User
from accounts.permissions import get_standing, needs_two_factor
from audit.models import AuditEntry
from dialogue import permissions as space_permissions
from dialogue.models import Space
from tests.auth import sign_in
from tests.test_setup_commands import (
    DEMO,
    PASSWORD,
    SECRET,
    demo_user,
    forum_snapshot,
    load_demo,
    snapshot,
)


@pytest.fixture(scope="module")
def _module_demo(django_db_setup, django_db_blocker):
    fast = override_settings(
        DEBUG=True, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )  # as tests/conftest.py sets for every test
    with django_db_blocker.unblock(), fast:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield load_demo()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(_module_demo, db, settings):
    """The output of the module's one ``load_demo`` run (the data is in the database)."""
    settings.DEBUG = True
    return _module_demo


def test_running_load_demo_twice_changes_nothing(demo, settings):
    before = snapshot()
    second = load_demo()
    assert snapshot() == before
    assert "nothing changed" in second
    assert User.objects.filter(email__endswith=DEMO).count() == 33


def test_load_demo_prints_the_shared_password_and_totp_secret(demo):
    assert PASSWORD in demo
    assert SECRET in demo
    assert "admin" + DEMO in demo


def test_every_demo_account_signs_in_with_the_demo_password_and_a_verified_email(demo, client):
    for user in User.objects.filter(email__endswith=DEMO):
        assert user.check_password(PASSWORD), user.email
        assert EmailAddress.objects.filter(
            user=user, email=user.email, verified=True, primary=True
        ).exists()
    assert client.login(email="wrk.in" + DEMO, password=PASSWORD)


def test_demo_countries_spaces_and_caucuses_have_the_documented_slugs(demo):
    for country in ("india", "lao-pdr", "malaysia", "japan"):
        space = Space.objects.get(slug=f"{country}-dialogue")
        assert space.kind == Space.Kind.COUNTRY and space.is_public
        for group in ("government", "employers", "workers"):
            caucus = Space.objects.get(slug=f"{country}-dialogue-{group}-caucus")
            assert caucus.parent == space and caucus.caucus_group == group
    regional = Space.objects.get(slug="regional-peer-learning")
    assert regional.kind == Space.Kind.REGIONAL and regional.is_public
    assert regional.join_policy == Space.JoinPolicy.OPEN
    assert set(Country.objects.values_list("code", "time_zone")) == {
        ("IN", "Asia/Kolkata"),
        ("LA", "Asia/Vientiane"),
        ("MY", "Asia/Kuala_Lumpur"),
        ("JP", "Asia/Tokyo"),
    }


def test_demo_organizations_cover_each_group_in_each_country_plus_ilo_and_jetro(demo):
    for code in ("IN", "LA", "MY", "JP"):
        groups = set(
            Organization.objects.filter(country__code=code).values_list("constituency", flat=True)
        )
        assert {"government", "employers", "workers"} <= groups
    assert (
        Organization.objects.get(acronym="ILO", country=None).constituency
        == Constituency.SECRETARIAT
    )
    jetro = Organization.objects.get(acronym="JETRO")
    assert (jetro.constituency, jetro.country.code) == (Constituency.OBSERVER, "JP")
    assert Organization.objects.get(acronym="INTUC").constituency == Constituency.WORKERS


def test_demo_members_belong_to_their_country_space_and_their_groups_caucus(demo):
    for c, country in (("in", "india"), ("la", "lao-pdr"), ("my", "malaysia"), ("jp", "japan")):
        for g, group in (("gov", "government"), ("emp", "employers"), ("wrk", "workers")):
            user = demo_user(f"{g}.{c}")
            standing = get_standing(user)
            assert standing.is_verified and standing.constituency == group
            assert not standing.is_focal_point
            for slug in (f"{country}-dialogue", f"{country}-dialogue-{group}-caucus"):
                space = Space.objects.get(slug=slug)
                assert space_permissions.can_write_in_space(user, space), (user.email, slug)
                assert not space_permissions.can_moderate_space(user, space)
            other = "workers" if group != "workers" else "employers"
            other_caucus = Space.objects.get(slug=f"{country}-dialogue-{other}-caucus")
            assert not space_permissions.can_read_space(user, other_caucus)


def test_demo_focal_points_moderators_and_admin_have_their_roles(demo):
    admin = demo_user("admin")
    assert admin.is_staff
    for c in ("in", "la", "my", "jp"):
        for g in ("gov", "emp", "wrk"):
            assert get_standing(demo_user(f"focal.{g}.{c}")).is_focal_point
        moderator = demo_user(f"moderator.{c}")
        assert get_standing(moderator).constituency == Constituency.GOVERNMENT
        country_space = Space.objects.get(country__code=c.upper(), kind=Space.Kind.COUNTRY)
        assert space_permissions.can_moderate_space(moderator, country_space)
    caucus_mod = demo_user("caucus.wrk.in")
    assert space_permissions.can_moderate_space(
        caucus_mod, Space.objects.get(slug="india-dialogue-workers-caucus")
    )
    assert not space_permissions.can_moderate_space(
        caucus_mod, Space.objects.get(slug="india-dialogue")
    )


def test_demo_observer_secretariat_and_unverified_accounts(demo):
    regional = Space.objects.get(slug="regional-peer-learning")
    observer, secretariat = demo_user("observer"), demo_user("secretariat")
    assert get_standing(observer).constituency == Constituency.OBSERVER
    assert get_standing(secretariat).constituency == Constituency.SECRETARIAT
    assert space_permissions.can_write_in_space(observer, regional)
    assert space_permissions.can_write_in_space(secretariat, regional)
    assert not get_standing(demo_user("unverified")).is_verified


def test_everyone_the_site_requires_to_use_two_factor_is_enrolled_with_the_printed_secret(demo):
    required = [u for u in User.objects.filter(email__endswith=DEMO) if needs_two_factor(u)]
    assert len(required) == 1 + 12 + 4 + 1  # admin, focal points, moderators, caucus moderator
    code = format_hotp_value(hotp_value(SECRET, int(time.time()) // 30))
    for user in required:
        authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        assert TOTP(authenticator).validate_code(code), user.email
        assert Authenticator.objects.filter(
            user=user, type=Authenticator.Type.RECOVERY_CODES
        ).exists()


def test_the_demo_totp_secret_is_long_enough_for_current_authenticator_libraries():
    """RFC 4226 asks for 128 bits at least (160 recommended) and pyotp refuses under 112:
    the old 80-bit ``JBSWY3DPEHPK3PXP`` failed there while oathtool accepted it."""
    import base64

    assert len(SECRET) == 32
    assert len(base64.b32decode(SECRET)) * 8 == 160


def _secret_of(user) -> str:
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return decrypt(authenticator.data["secret"])


def test_load_demo_gives_an_old_demo_database_the_new_secret_and_keeps_ones_own(demo):
    from allauth.mfa.utils import encrypt

    old, own = demo_user("moderator.in"), demo_user("focal.gov.la")
    for user, secret in ((old, "JBSWY3DPEHPK3PXP"), (own, "MYOWNAUTHENTICATORAPPSECRET23456")):
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).update(
            data={"secret": encrypt(secret)}
        )
    output = load_demo()
    assert "TOTP secrets renewed: 1" in output
    assert _secret_of(old) == SECRET
    assert _secret_of(own) == "MYOWNAUTHENTICATORAPPSECRET23456"  # enrolled while trying it


def test_enrolled_demo_moderator_reaches_the_site_without_being_sent_to_enrol(demo, client):
    sign_in(client, demo_user("moderator.in"))
    response = client.get(reverse("dialogue:directory"))
    assert response.status_code == 200


def test_demo_verification_and_moderation_are_in_the_audit_log(demo):
    focal = demo_user("focal.wrk.in")
    assert AuditEntry.objects.filter(actor=focal, action="affiliation.verify").exists()
    caucus = Space.objects.get(slug="india-dialogue-workers-caucus")
    assert AuditEntry.objects.filter(
        actor=demo_user("caucus.wrk.in"), action="membership.approve", space=caucus
    ).exists()


def test_demo_forums_have_threads_with_replies_in_every_country_space_caucus_and_region(demo):
    from forums.models import Thread

    for slug in ("india-dialogue", "lao-pdr-dialogue", "malaysia-dialogue", "japan-dialogue"):
        threads = Thread.objects.filter(space__slug=slug)
        assert 3 <= threads.count() <= 4, slug
        assert all(3 <= t.reply_count <= 6 for t in threads), slug
    for slug in (
        "india-dialogue-workers-caucus",
        "japan-dialogue-employers-caucus",
        "regional-peer-learning",
    ):
        assert Thread.objects.filter(space__slug=slug).exists(), slug


def test_demo_posts_are_written_in_the_five_languages_each_in_its_country(demo):
    from forums.models import Post

    assert set(Post.objects.values_list("language", flat=True)) == {"en", "ja", "lo", "ms", "hi"}
    for slug, language in (
        ("india-dialogue", "hi"),
        ("lao-pdr-dialogue", "lo"),
        ("malaysia-dialogue", "ms"),
        ("japan-dialogue", "ja"),
    ):
        assert Post.objects.filter(thread__space__slug=slug, language=language).exists(), slug
        assert Post.objects.filter(thread__space__slug=slug, language="en").exists(), slug


def test_demo_forums_show_supports_by_group_a_pinned_and_a_closed_thread_and_tags(demo):
    from forums.models import PostSupport, Thread

    groups = set(PostSupport.objects.values_list("constituency", flat=True))
    assert groups == {Constituency.GOVERNMENT, Constituency.EMPLOYERS, Constituency.WORKERS}
    assert Thread.objects.filter(is_pinned=True).count() == 1
    closed = Thread.objects.get(closed_at__isnull=False)
    assert closed.closed_summary
    assert AuditEntry.objects.filter(
        action="forums.thread.close", target_id=str(closed.pk)
    ).exists()
    assert Thread.objects.filter(tags__name="minimum-wage").count() >= 4


def test_demo_forum_authors_are_members_of_the_space_they_wrote_in(demo):
    from forums.models import Post

    for post in Post.objects.select_related("thread__space", "author"):
        assert space_permissions.can_write_in_space(post.author, post.thread.space)


def test_running_load_demo_twice_adds_no_forum_content(demo):
    before = forum_snapshot()
    assert "nothing changed" in load_demo()
    assert forum_snapshot() == before
