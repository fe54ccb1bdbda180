"""Emails: immediate and digests, in the recipient's language and time zone; one-click
unsubscribe (RFC 8058); the digest command is idempotent; failing addresses are skipped."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from forums import services as forum_services
from notifications import services
from notifications.digests import start_due_digests
from notifications.models import Delivery, DigestRun, NotificationPreference
from notifications.tokens import make_unsubscribe_token
from tests.notifications.helpers import html_of, mails_to

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")


def _queue_digest_items(w, run_on_commit, person, *, frequency="daily", at=None):
    """``person`` follows the India space with a digest; two threads are started there."""
    space = w.space("in")
    services.set_email_preferences(
        user=person, choices={"forum.new_thread": frequency, "forum.reply": frequency}
    )
    services.set_follow(user=person, space=space, state="follow")
    for title in ("Minimum wage", "Working hours"):
        run_on_commit(
            forum_services.start_thread, author=w.user("moderator"), space=space, title=title,
            body="x",
        )  # fmt: skip
    if at is not None:
        Delivery.objects.filter(recipient=person).update(created_at=at)
        from notifications.models import Notification

        Notification.objects.filter(recipient=person).update(created_at=at)


def _person(w, key, language, zone):
    person = w.user(key)
    person.preferred_language, person.time_zone = language, zone
    person.save(update_fields=["preferred_language", "time_zone"])
    return person


@pytest.mark.parametrize(
    ("language", "zone", "greeting", "local_time"),
    [
        ("ja", "Asia/Tokyo", "様", "25日5:30"),  # 20:30 UTC is 05:30 the next day in Tokyo
        ("hi", "Asia/Kolkata", "नमस्ते", "2026, 02:00"),  # and 02:00 in Kolkata
    ],
)
def test_a_daily_digest_is_in_the_recipients_language_and_local_time(
    w, run_on_commit, language, zone, greeting, local_time
):
    person = _person(w, "member", language, zone)
    _queue_digest_items(w, run_on_commit, person, at=datetime(2026, 11, 24, 20, 30, tzinfo=UTC))
    assert mails_to(person) == []  # nothing immediate

    # 06:59 local: not yet due.
    before = datetime(2026, 11, 25, 6, 59, tzinfo=ZoneInfo(zone))
    assert run_on_commit(start_due_digests, before) == []
    at_seven = datetime(2026, 11, 25, 7, 0, tzinfo=ZoneInfo(zone))
    assert len(run_on_commit(start_due_digests, at_seven)) == 1

    (message,) = mails_to(person)
    html = html_of(message)
    assert message.extra_headers["Content-Language"] == language
    assert f'<html lang="{language}">' in html
    assert greeting in message.body and greeting in html
    assert local_time in message.body and local_time in html
    assert "Minimum wage" in message.body and "Working hours" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Running it again sends nothing new.
    assert run_on_commit(start_due_digests, at_seven) == []
    assert len(mails_to(person)) == 1
    assert DigestRun.objects.get(user=person).status == DigestRun.Status.SENT


def test_the_scheduled_command_twice_in_a_row_sends_one_digest(w, run_on_commit, settings):
    settings.NOTIFICATIONS_DIGEST_HOUR = 0  # due whenever the test runs
    person = w.user("member")
    _queue_digest_items(w, run_on_commit, person)
    run_on_commit(call_command, "send_notifications", stdout=_Sink())
    run_on_commit(call_command, "send_notifications", stdout=_Sink())
    assert len(mails_to(person)) == 1
    assert "2" in mails_to(person)[0].subject


def test_a_weekly_digest_waits_for_monday_morning(w, run_on_commit):
    person = _person(w, "member", "en", "Asia/Tokyo")
    _queue_digest_items(w, run_on_commit, person, frequency="weekly",
                        at=datetime(2026, 11, 25, 0, 0, tzinfo=UTC))  # fmt: skip
    tokyo = ZoneInfo("Asia/Tokyo")
    assert run_on_commit(start_due_digests, datetime(2026, 11, 27, 9, 0, tzinfo=tokyo)) == []
    assert run_on_commit(start_due_digests, datetime(2026, 11, 30, 7, 5, tzinfo=tokyo))
    (message,) = mails_to(person)
    assert "weekly" in message.subject


class _Sink:
    def write(self, *args, **kwargs):
        return None

    def flush(self):
        return None


def test_unsubscribe_by_post_needs_no_session_and_no_csrf_token(w):
    person = w.user("member")
    token = make_unsubscribe_token(person.pk, "forum.reply")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/notifications/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=person, kind="forum.reply").email == "off"


def test_opening_the_unsubscribe_link_only_asks(w):
    person = w.user("member")
    token = make_unsubscribe_token(person.pk, "forum.reply")
    response = Client().get(f"/notifications/unsubscribe/{token}/")
    assert response.status_code == 200
    assert b'method="post"' in response.content
    assert not NotificationPreference.objects.filter(user=person).exists()


def test_a_tampered_unsubscribe_token_is_not_found(w):
    token = make_unsubscribe_token(w.user("member").pk, "forum.reply")
    client = Client(enforce_csrf_checks=True)
    assert client.post(f"/notifications/unsubscribe/{token[:-2]}xx/").status_code == 404
    assert client.get("/notifications/unsubscribe/not-a-token/").status_code == 404


def test_unsubscribing_from_a_digest_turns_off_every_kind_it_carried(w, run_on_commit):
    person = w.user("member")
    _queue_digest_items(w, run_on_commit, person)
    token = make_unsubscribe_token(person.pk, "digest.daily")
    Client(enforce_csrf_checks=True).post(f"/notifications/unsubscribe/{token}/")
    chosen = dict(NotificationPreference.objects.filter(user=person).values_list("kind", "email"))
    assert chosen["forum.new_thread"] == chosen["forum.reply"] == "off"
    assert not Delivery.objects.filter(recipient=person, status="pending").exists()


def test_email_to_a_failing_address_is_skipped_but_in_app_still_works(w, run_on_commit):
    person = w.user("member")
    call_command(
        "mark_bounced", person.email.upper(), "--reason", "550 no such user", stdout=_Sink()
    )
    space = w.space("in")
    services.set_follow(user=person, space=space, state="follow")
    services.set_email_preferences(user=person, choices={"forum.new_thread": "immediate"})
    run_on_commit(
        forum_services.start_thread, author=w.user("moderator"), space=space, title="T", body="x"
    )
    assert mails_to(person) == []
    assert Delivery.objects.get(recipient=person).status == Delivery.Status.SKIPPED
    client = Client()
    client.force_login(person)
    page = client.get("/notifications/")
    assert "“T”".encode() in page.content
    profile = client.get(person.get_absolute_url())
    assert b"is failing" in profile.content
    call_command("mark_bounced", person.email, "--clear", stdout=_Sink())
    assert b"is failing" not in client.get(person.get_absolute_url()).content


def test_an_immediate_email_is_in_the_recipients_language(w, run_on_commit):
    person = _person(w, "member", "ja", "Asia/Tokyo")
    space = w.space("in")
    services.set_follow(user=person, space=space, state="follow")
    services.set_email_preferences(user=person, choices={"forum.new_thread": "immediate"})
    run_on_commit(
        forum_services.start_thread, author=w.user("moderator"), space=space, title="T", body="x"
    )
    (message,) = mails_to(person)
    assert '<html lang="ja">' in html_of(message)
    assert "様" in message.body
    assert message.extra_headers["Content-Language"] == "ja"
    assert mail.outbox  # and only to them among the followers


def test_the_service_sends_attachments_with_the_immediate_email(w, run_on_commit):
    from notifications.services import Attachment

    person = w.user("in-employers")
    ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    run_on_commit(
        services.notify,
        recipients=[person],
        kind="membership.decided",
        dedupe_key="with-attachment",
        space=w.space("in"),
        data={"decision": "invited"},
        attachments=[Attachment("invite.ics", ics, "text/calendar")],
    )
    (message,) = mails_to(person)
    ((name, content, mimetype),) = message.attachments
    assert name == "invite.ics" and mimetype == "text/calendar"
    assert "BEGIN:VCALENDAR" in (content.decode() if isinstance(content, bytes) else content)
