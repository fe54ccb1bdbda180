"""Background work: fanning a forum event out to the people it concerns, and sending email.

Every send claims its row with a conditional UPDATE (pending → sending) first: a duplicate
task or a worker restarted mid-way never sends the same email twice. A worker killed after
the claim leaves the row "sending" (at most once, never twice; see docs/notifications.md).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from notifications.models import Delivery, DigestRun
from notifications.permissions import visible_notifications

logger = logging.getLogger(__name__)


@task()
def fan_out_forum_event(
    kind: str,
    thread_id: int,
    space_id: int,
    actor_id: int | None,
    post_id: int | None = None,
    at: str = "",
) -> None:
    from notifications.forum_events import handle_forum_event

    handle_forum_event(
        kind=kind, thread_id=thread_id, space_id=space_id, actor_id=actor_id, post_id=post_id, at=at
    )


def _claim(delivery_id: int) -> bool:
    return bool(
        Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING, digest=None).update(
            status=Delivery.Status.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
        )
    )


def _finish(delivery_id: int, status: str, error: str = "") -> None:
    Delivery.objects.filter(pk=delivery_id).update(
        status=status,
        error=error[:1000],
        sent_at=timezone.now() if status == Delivery.Status.SENT else None,
    )


@task()
def send_delivery(delivery_id: int) -> None:
    """Send one immediate email, if the recipient may still see what it is about."""
    from notifications.emails import notification_email
    from notifications.services import is_failing

    if not _claim(delivery_id):
        return  # already sent, being sent, dropped, or never existed
    delivery = Delivery.objects.select_related("recipient").get(pk=delivery_id)
    user = delivery.recipient
    notification = (
        visible_notifications(user)
        .select_related("recipient", "actor", "space", "thread", "thread__space", "post")
        .filter(pk=delivery.notification_id)
        .first()
    )
    if notification is None:
        _finish(delivery_id, Delivery.Status.DROPPED, "no longer visible to the recipient")
        return
    if is_failing(user.email):
        _finish(delivery_id, Delivery.Status.SKIPPED, "the address is failing")
        return
    try:
        notification_email(notification).send()
    except Exception as error:  # the SMTP server refused: keep the reason for the operator
        logger.exception("notification email %s failed", delivery_id)
        _finish(delivery_id, Delivery.Status.FAILED, str(error))
        return
    _finish(delivery_id, Delivery.Status.SENT)


@task()
def send_digest(run_id: int) -> None:
    """Send one digest run: what the person may still see, in one email."""
    from notifications.emails import digest_email
    from notifications.services import is_failing

    claimed = DigestRun.objects.filter(pk=run_id, status=DigestRun.Status.PENDING).update(
        status=DigestRun.Status.SENDING
    )
    if not claimed:
        return
    run = DigestRun.objects.select_related("user").get(pk=run_id)
    user = run.user
    deliveries = Delivery.objects.filter(digest=run, status=Delivery.Status.PENDING)
    ids = list(deliveries.values_list("notification_id", flat=True))
    visible = list(
        visible_notifications(user)
        .filter(pk__in=ids)
        .select_related("recipient", "actor", "space", "thread", "thread__space", "post")
        .order_by("created_at", "pk")
    )
    seen = {n.pk for n in visible}
    with transaction.atomic():
        deliveries.exclude(notification_id__in=seen).update(
            status=Delivery.Status.DROPPED, error="no longer visible to the recipient"
        )
        if not visible or not user.is_active:
            deliveries.update(status=Delivery.Status.DROPPED)
            DigestRun.objects.filter(pk=run_id).update(status=DigestRun.Status.EMPTY)
            return
        if is_failing(user.email):
            deliveries.update(status=Delivery.Status.SKIPPED, error="the address is failing")
            DigestRun.objects.filter(pk=run_id).update(status=DigestRun.Status.SKIPPED)
            return
    try:
        digest_email(user, run.frequency, visible).send()
    except Exception as error:
        logger.exception("digest %s failed", run_id)
        deliveries.update(status=Delivery.Status.FAILED, error=str(error)[:1000])
        DigestRun.objects.filter(pk=run_id).update(
            status=DigestRun.Status.FAILED, error=str(error)[:1000]
        )
        return
    now = timezone.now()
    deliveries.filter(notification_id__in=seen).update(status=Delivery.Status.SENT, sent_at=now)
    DigestRun.objects.filter(pk=run_id).update(status=DigestRun.Status.SENT, sent_at=now)
