"""The set-up commands: demo data (load_demo) and the production bootstrap."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Affiliation, Constituency, Country, Organization, User
from accounts.permissions import get_standing, needs_two_factor
from audit.models import AuditEntry
from dialogue import permissions as space_permissions
from dialogue.models import Membership, Space

DEMO = "@demo.example.org"
SECRET = "JBSWY3DPEHPK3PXP"
PASSWORD = "tripartite-demo"


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def demo_user(local: str) -> User:
    return User.objects.get(email=local + DEMO)


def snapshot() -> dict[str, object]:
    """Everything load_demo writes, row by row, so a second run that changed anything shows."""
    models = (
        User,
        EmailAddress,
        Country,
        Organization,
        Affiliation,
        Space,
        Membership,
        AuditEntry,
        Authenticator,
    )
    return {m.__name__: sorted(map(repr, m.objects.values())) for m in models}


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    return load_demo()


# --- load_demo ----------------------------------------------------------------------------


def test_load_demo_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo", stdout=StringIO())
    assert not User.objects.exists()


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


def test_enrolled_demo_moderator_reaches_the_site_without_being_sent_to_enrol(demo, client):
    client.force_login(demo_user("moderator.in"))
    response = client.get(reverse("dialogue:directory"))
    assert response.status_code == 200


def test_demo_verification_and_moderation_are_in_the_audit_log(demo):
    focal = demo_user("focal.wrk.in")
    assert AuditEntry.objects.filter(actor=focal, action="affiliation.verify").exists()
    caucus = Space.objects.get(slug="india-dialogue-workers-caucus")
    assert AuditEntry.objects.filter(
        actor=demo_user("caucus.wrk.in"), action="membership.approve", space=caucus
    ).exists()


# --- bootstrap ----------------------------------------------------------------------------

STRONG = "a long enough passphrase 913"


def bootstrap(*args: str) -> str:
    out = StringIO()
    call_command("bootstrap", *args, stdout=out)
    return out.getvalue()


def test_bootstrap_creates_a_staff_account_and_the_chosen_countries_without_demo_data(
    db, monkeypatch
):
    monkeypatch.setenv("BOOTSTRAP_PASSWORD", STRONG)
    bootstrap("--email", "Ops@Example.org", "--countries", "in,JP", "--noinput")
    user = User.objects.get()
    assert (user.email, user.is_staff) == ("ops@example.org", True)
    assert user.check_password(STRONG)
    assert EmailAddress.objects.filter(user=user, verified=True).exists()
    assert not Authenticator.objects.exists()
    assert set(Country.objects.values_list("code", flat=True)) == {"IN", "JP"}
    assert Space.objects.filter(slug="india-dialogue-workers-caucus").exists()
    assert not Organization.objects.exists()
    assert not Membership.objects.exists()


def test_bootstrap_staff_account_is_sent_to_enrol_in_two_factor_at_first_sign_in(
    db, monkeypatch, client
):
    monkeypatch.setenv("BOOTSTRAP_PASSWORD", STRONG)
    bootstrap("--email", "ops@example.org", "--noinput")
    client.force_login(User.objects.get())
    response = client.get(reverse("dialogue:directory"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_bootstrap_twice_changes_nothing(db, monkeypatch):
    monkeypatch.setenv("BOOTSTRAP_PASSWORD", STRONG)
    bootstrap("--email", "ops@example.org", "--countries", "IN", "--noinput")
    before = snapshot()
    monkeypatch.delenv("BOOTSTRAP_PASSWORD")  # an existing account needs no password
    out = bootstrap("--email", "ops@example.org", "--countries", "IN", "--noinput")
    assert snapshot() == before
    assert "already exists" in out and "already there" in out


def test_bootstrap_adds_any_country_given_as_code_name_and_time_zone(db, tmp_path):
    password_file = tmp_path / "password"
    password_file.write_text(STRONG + "\n")
    bootstrap(
        "--email",
        "ops@example.org",
        "--password-file",
        str(password_file),
        "--country",
        "KH:Cambodia:Asia/Phnom_Penh",
        "--noinput",
    )
    assert Country.objects.get(code="KH").time_zone == "Asia/Phnom_Penh"
    assert Space.objects.filter(slug="cambodia-dialogue").exists()
    assert User.objects.get().check_password(STRONG)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--countries", "XX"], "Unknown country code"),
        (["--country", "KH:Cambodia:Mars/Olympus"], "time zone"),
        (["--country", "Cambodia"], "CODE:Name:Time/Zone"),
    ],
)
def test_bootstrap_rejects_unknown_countries_before_writing_anything(
    db, monkeypatch, args, message
):
    monkeypatch.setenv("BOOTSTRAP_PASSWORD", STRONG)
    with pytest.raises(CommandError, match=message):
        bootstrap("--email", "ops@example.org", *args, "--noinput")
    assert not User.objects.exists() and not Country.objects.exists()


def test_bootstrap_without_input_needs_a_password_and_refuses_a_weak_one(db, monkeypatch):
    monkeypatch.delenv("BOOTSTRAP_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="BOOTSTRAP_PASSWORD"):
        bootstrap("--email", "ops@example.org", "--noinput")
    monkeypatch.setenv("BOOTSTRAP_PASSWORD", "12345")
    with pytest.raises(CommandError):
        bootstrap("--email", "ops@example.org", "--noinput")
    assert not User.objects.exists()


def test_bootstrap_does_not_promote_an_existing_non_staff_account(db, monkeypatch):
    from tests.factories import make_user

    make_user("person@example.org")
    monkeypatch.setenv("BOOTSTRAP_PASSWORD", STRONG)
    with pytest.raises(CommandError, match="not staff"):
        bootstrap("--email", "person@example.org", "--noinput")
    assert not User.objects.get().is_staff


# --- reap_stuck_tasks ---------------------------------------------------------------------


def test_reaping_fails_tasks_left_running_by_a_dead_worker_and_leaves_recent_ones(db):
    from datetime import timedelta

    from django.utils import timezone
    from django.utils.module_loading import import_string
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    def task_row(minutes_ago: int) -> DBTaskResult:
        return DBTaskResult.objects.create(
            status=TaskResultStatus.RUNNING,
            started_at=timezone.now() - timedelta(minutes=minutes_ago),
            args_kwargs={"args": [1], "kwargs": {}},
            task_path="accounts.tasks.send_affiliation_decision",
            backend_name="default",
            run_after=timezone.now(),
        )

    stuck, recent = task_row(120), task_row(5)
    out = StringIO()
    call_command("reap_stuck_tasks", "--older-than", "60", stdout=out)
    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert stuck.status == TaskResultStatus.FAILED
    # django-tasks resolves the recorded class when the result is read (admin, task_result).
    assert import_string(stuck.exception_class_path).__name__ == "WorkerLost"
    assert recent.status == TaskResultStatus.RUNNING
    assert "marked 1 stuck task" in out.getvalue()


# --- load_demo: forum content -----------------------------------------------------------------


def forum_snapshot() -> dict[str, object]:
    from forums.models import Post, PostSupport, Thread

    return {m.__name__: sorted(map(repr, m.objects.values())) for m in (Thread, Post, PostSupport)}


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
    assert AuditEntry.objects.filter(action="forums.thread.close", target_id=str(closed.pk)).exists()
    assert Thread.objects.filter(tags__name="minimum-wage").count() >= 4


def test_demo_forum_authors_are_members_of_the_space_they_wrote_in(demo):
    from forums.models import Post

    for post in Post.objects.select_related("thread__space", "author"):
        assert space_permissions.can_write_in_space(post.author, post.thread.space)


def test_running_load_demo_twice_adds_no_forum_content(demo):
    before = forum_snapshot()
    assert "nothing changed" in load_demo()
    assert forum_snapshot() == before


def test_seeding_the_demo_forums_leaves_the_demo_people_their_full_posting_allowance(
    db, settings
):
    from django.core.cache import cache

    from forums import services
    from forums.models import Thread

    # Rate counters live in the cache and user ids repeat across rolled-back tests.
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("forums:post-rate:*")
    else:
        cache.clear()
    settings.DEBUG = True
    settings.FORUMS_POST_RATE_LIMIT = (8, 60)
    load_demo()
    thread = Thread.objects.filter(space__slug="india-dialogue", closed_at=None).first()
    for n in range(8):  # wrk.in wrote 5 posts while seeding; none of them counts
        services.reply_to_thread(author=demo_user("wrk.in"), thread=thread, body=f"Reply {n}")
