"""The issue's "done when": a demo member who follows the country space gets an email in their
language when a reply or a mention arrives, and a correct daily digest from the scheduled
command; no outsider is notified of caucus activity."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from dialogue.models import Space
from forums import services as forum_services
from forums.models import PostMention, Thread
from notifications.models import Delivery, Follow
from tests.notifications.helpers import html_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    settings.DEBUG = False
    mail.outbox.clear()


def _user(local: str) -> User:
    return User.objects.get(email=f"{local}@demo.example.org")


def test_a_demo_member_following_the_country_space_is_emailed_in_their_language(
    demo, django_capture_on_commit_callbacks
):
    member = _user("gov.jp")
    member.preferred_language = "ja"
    member.save(update_fields=["preferred_language"])
    space = Space.objects.get(slug="japan-dialogue")
    assert Follow.objects.filter(user=member, space=space, muted=False).exists()
    thread = Thread.objects.filter(space=space).exclude(author=member).first()
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.reply_to_thread(author=_user("emp.jp"), thread=thread, body="返信です")
    with django_capture_on_commit_callbacks(execute=True):
        post = forum_services.reply_to_thread(author=_user("wrk.jp"), thread=thread, body="@gov")
        PostMention.objects.create(post=post, user=member)
    mine = [m for m in mail.outbox if m.to == [member.email]]
    assert len(mine) == 2  # the reply, then the mention
    for message in mine:
        assert message.extra_headers["Content-Language"] == "ja"
        assert '<html lang="ja">' in html_of(message)
        assert "様" in message.body
        assert thread.title in message.subject


def test_a_demo_members_daily_digest_comes_from_the_scheduled_command(
    demo, django_capture_on_commit_callbacks, settings
):
    member = _user("emp.in")  # daily digest of replies and new threads (notifications/demo.py)
    space = Space.objects.get(slug="india-dialogue")
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.start_thread(
            author=_user("gov.in"), space=space, title="Digest test thread", body="x"
        )
    assert [m for m in mail.outbox if member.email in m.to] == []
    Delivery.objects.filter(recipient=member).update(
        created_at=timezone.now() - timedelta(minutes=1)
    )
    settings.NOTIFICATIONS_DIGEST_HOUR = 0
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_notifications", stdout=StringIO())
        call_command("send_notifications", stdout=StringIO())
    (digest,) = [m for m in mail.outbox if member.email in m.to]
    assert "daily digest" in digest.subject
    assert "Digest test thread" in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_no_demo_outsider_is_notified_of_caucus_activity(demo, django_capture_on_commit_callbacks):
    caucus = Space.objects.get(slug="india-dialogue-workers-caucus")
    # Everyone follows the caucus, even people who cannot read it (rows written directly).
    for user in User.objects.filter(is_active=True):
        Follow.objects.get_or_create(user=user, space=caucus)
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.start_thread(
            author=_user("caucus.wrk.in"), space=caucus, title="Caucus only", body="x"
        )
    from dialogue.permissions import can_read_space
    from notifications.models import Notification

    told = set(
        Notification.objects.filter(thread__title="Caucus only").values_list(
            "recipient__email", flat=True
        )
    )
    emailed = {m.to[0] for m in mail.outbox}
    assert _user("wrk.in").email in told  # a caucus member (weekly digest in the demo)
    for email in told | emailed:
        assert can_read_space(User.objects.get(email=email), caucus), email
