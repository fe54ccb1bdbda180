"""The notification pages: the list (unread marked, mark read, all read), email settings,
follow and mute buttons, the header badge — in a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forums import services as forum_services
from notifications import services
from notifications.models import Follow, NotificationPreference

pytestmark = pytest.mark.django_db


def _notify_many(w, person, n, thread=None):
    space = w.space("in")
    moderator = w.user("moderator")
    if thread is None:
        thread = forum_services.start_thread(author=person, space=space, title="Pay", body="x")
    for i in range(n):
        post = forum_services.reply_to_thread(author=moderator, thread=thread, body=f"r{i}")
        services.notify(
            recipients=[person], kind="forum.reply", dedupe_key=f"post:{post.pk}",
            actor=moderator, space=space, thread=thread, post=post,
        )  # fmt: skip
    return thread


def test_the_list_shows_unread_entries_linking_to_their_posts_and_marks_them_read(client, w):
    person = w.user("member")
    _notify_many(w, person, 2)
    client.force_login(person)
    page = client.get(reverse("notifications:list"))
    html = page.content.decode()
    assert html.count("notification-unread") == 2
    assert "replied in “Pay”" in html
    assert "data-notification-badge>2<" in html
    first = person.notifications.order_by("pk").first()
    assert f'href="{first.post.get_absolute_url()}"' in html

    client.post(reverse("notifications:mark_read"), {"notification": first.pk})
    html = client.get(reverse("notifications:list")).content.decode()
    assert html.count("notification-unread") == 1
    client.post(reverse("notifications:mark_read"), {"all": "1"})
    html = client.get(reverse("notifications:list")).content.decode()
    assert "notification-unread" not in html
    assert "data-notification-badge hidden" in html


def test_nobody_marks_someone_elses_notifications_read(client, w):
    person, other = w.user("member"), w.user("in-employers")
    _notify_many(w, person, 1)
    client.force_login(other)
    client.post(reverse("notifications:mark_read"), {"notification": person.notifications.get().pk})
    assert person.notifications.get().read_at is None


def test_the_list_costs_the_same_number_of_queries_at_two_sizes(client, w, settings):
    person = w.user("member")
    client.force_login(person)
    counts = []
    thread = None
    for grow in (2, 25):
        thread = _notify_many(w, person, grow, thread)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("notifications:list")).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


def test_the_list_needs_a_sign_in(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_email_settings_are_saved_and_bad_input_keeps_the_choices(client, w):
    person = w.user("member")
    client.force_login(person)
    page = client.get(reverse("notifications:settings"))
    assert b"<table" in page.content and b'name="kind-forum.reply"' in page.content
    response = client.post(
        reverse("notifications:settings"),
        {"kind-forum.reply": "weekly", "kind-forum.mention": "off"},
    )
    assert response.status_code == 302
    chosen = dict(NotificationPreference.objects.filter(user=person).values_list("kind", "email"))
    assert chosen == {"forum.reply": "weekly", "forum.mention": "off"}
    bad = client.post(
        reverse("notifications:settings"),
        {"kind-forum.reply": "hourly", "kind-forum.mention": "daily"},
    )
    assert bad.status_code == 400
    assert b'role="alert"' in bad.content
    # The person's other choice in the same form is still shown as they made it.
    assert (
        b'id="kind-forum.mention-daily" name="kind-forum.mention" value="daily" checked'
        in bad.content
    )
    assert NotificationPreference.objects.get(user=person, kind="forum.mention").email == "off"


def test_follow_and_mute_buttons_on_the_space_and_the_thread(client, w):
    person, space = w.user("member"), w.user and w.space("in")
    thread = forum_services.start_thread(
        author=w.user("moderator"), space=space, title="T", body="x"
    )
    client.force_login(person)
    home = client.get(space.get_absolute_url()).content.decode()
    assert reverse("notifications:follow_space", args=[space.slug]) in home
    client.post(reverse("notifications:follow_space", args=[space.slug]), {"state": "follow"})
    assert Follow.objects.get(user=person, space=space).muted is False
    assert "Following" in client.get(space.get_absolute_url()).content.decode()
    page = client.get(thread.get_absolute_url()).content.decode()
    assert reverse("notifications:follow_thread", args=[thread.pk]) in page
    client.post(reverse("notifications:follow_thread", args=[thread.pk]), {"state": "mute"})
    assert Follow.objects.get(user=person, thread=thread).muted is True
    listing = client.get(reverse("notifications:settings")).content.decode()
    assert "Muted" in listing and "T</a>" in listing


def test_an_outsider_cannot_follow_a_caucus_or_its_threads(client, w):
    caucus = w.space("in-workers")
    thread = forum_services.start_thread(author=w.user("member"), space=caucus, title="C", body="x")
    client.force_login(w.user("in-employers"))
    assert (
        client.post(
            reverse("notifications:follow_space", args=[caucus.slug]), {"state": "follow"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("notifications:follow_thread", args=[thread.pk]), {"state": "follow"}
        ).status_code
        == 404
    )
    assert not Follow.objects.exists()
