"""The set-up commands: demo data (load_demo) and the production bootstrap."""

from __future__ import annotations

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Affiliation, Country, Organization, User
from audit.models import AuditEntry
from dialogue.models import Membership, Space

DEMO = "@demo.example.org"
SECRET = "TRIPARTITEDEMOACCOUNTSTOTPSECRET"
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


# --- load_demo ----------------------------------------------------------------------------


def test_load_demo_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo", stdout=StringIO())
    assert not User.objects.exists()


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
