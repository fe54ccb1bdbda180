"""Which digests are due: daily at NOTIFICATIONS_DIGEST_HOUR (07:00) in each person's time
zone, weekly on Monday at that hour. A run is keyed by (person, frequency, period), so running
the command twice sends nothing new; queued rows that arrive after a run wait for the next
period."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.tasks import enqueue_on_commit
from notifications.models import Delivery, DigestRun, Frequency


def due_period(frequency: str, local: datetime) -> str | None:
    hour = getattr(settings, "NOTIFICATIONS_DIGEST_HOUR", 7)
    if local.hour < hour:
        return None
    if frequency == Frequency.DAILY:
        return local.date().isoformat()
    if frequency == Frequency.WEEKLY and local.weekday() == 0:
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return None


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except Exception:  # an invalid stored zone must not stop everyone's digests
        return ZoneInfo("UTC")


def start_due_digests(now: datetime | None = None) -> list[int]:
    """Create the digest runs that are due and enqueue them; returns their ids."""
    from notifications.tasks import send_digest

    now = now or timezone.now()
    waiting = (
        Delivery.objects.filter(
            status=Delivery.Status.PENDING,
            digest=None,
            frequency__in=[Frequency.DAILY, Frequency.WEEKLY],
        )
        .values_list("recipient_id", "frequency")
        .distinct()
    )
    pairs = sorted(set(waiting))
    zones = dict(
        User.objects.filter(pk__in={uid for uid, _ in pairs}).values_list("pk", "time_zone")
    )
    started: list[int] = []
    for user_id, frequency in pairs:
        local = now.astimezone(_zone(zones.get(user_id, "UTC")))
        period = due_period(frequency, local)
        if period is None:
            continue
        try:
            with transaction.atomic():
                run = DigestRun.objects.create(
                    user_id=user_id, frequency=frequency, period=period, created_at=now
                )
                claimed = Delivery.objects.filter(
                    recipient_id=user_id,
                    frequency=frequency,
                    status=Delivery.Status.PENDING,
                    digest=None,
                    created_at__lte=now,
                ).update(digest=run)
                if not claimed:
                    # Nothing from before ``now``: leave the period free for a later run.
                    transaction.set_rollback(True)
                    continue
                enqueue_on_commit(send_digest, run.pk)
        except IntegrityError:
            continue  # this period's digest exists already (sent, or being sent)
        started.append(run.pk)
    return started
