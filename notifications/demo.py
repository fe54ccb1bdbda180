"""Demo follows and email preferences for ``manage.py load_demo``.

The members of each country's dialogue (``gov.<c>``, ``emp.<c>``, ``wrk.<c>``) follow their
country space, with varied email choices: government members get email immediately (the
defaults), employers' members a daily digest, workers' members a weekly digest of new threads.
Each of them also finds the newest threads of their space in their notification list (written
directly: the demo's history, no email). Idempotent: existing follows, choices and
notifications are left alone.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils.text import slugify

from accounts.models import Country, User
from dialogue.models import Space
from dialogue.permissions import can_read_space
from forums.models import Thread
from notifications.models import Follow, Frequency, Notification, NotificationPreference

DEMO_DOMAIN = "demo.example.org"
CHOICES = {
    "gov": {},
    "emp": {"forum.reply": Frequency.DAILY, "forum.new_thread": Frequency.DAILY},
    "wrk": {"forum.new_thread": Frequency.WEEKLY},
}


@transaction.atomic
def load_notifications(count: Callable[[str], None]) -> None:
    for country in Country.objects.all():
        space = Space.objects.filter(slug=slugify(f"{country.name}-dialogue")).first()
        if space is None:
            continue
        newest = list(
            Thread.objects.filter(space=space, is_hidden=False)
            .select_related("space")
            .order_by("-created_at")[:3]
        )
        for group, choices in CHOICES.items():
            member = User.objects.filter(
                email=f"{group}.{country.code.lower()}@{DEMO_DOMAIN}"
            ).first()
            if member is None or not can_read_space(member, space):
                continue
            _, created = Follow.objects.get_or_create(user=member, space=space)
            if created:
                count("follow")
            for kind, frequency in choices.items():
                NotificationPreference.objects.get_or_create(
                    user=member, kind=kind, defaults={"email": frequency}
                )
            for thread in newest:
                opening = thread.posts.filter(number=1).first()
                if opening is None or thread.author_id == member.pk:
                    continue
                _, created = Notification.objects.get_or_create(
                    recipient=member,
                    dedupe_key=f"post:{opening.pk}",
                    defaults={
                        "kind": "forum.new_thread",
                        "actor_id": thread.author_id,
                        "space": space,
                        "thread": thread,
                        "post": opening,
                    },
                )
                if created:
                    count("notification")
