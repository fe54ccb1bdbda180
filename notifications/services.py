"""Every write about notifications: telling people (``notify``), reading, following and
muting, email preferences, unsubscribing, dropping what someone may no longer know, and
failing addresses.

``notify`` is the one door every kind goes through (later issues: meetings, outcomes,
events). It re-checks access for each recipient, writes the notifications and their outbox
rows in one transaction, and after commit pushes them to open sockets and enqueues the
immediate emails.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.tasks import enqueue_on_commit
from dialogue.realtime import send_on_commit, user_group
from notifications import kinds
from notifications.models import (
    Delivery,
    FailingAddress,
    Follow,
    Frequency,
    Notification,
    NotificationPreference,
)
from notifications.permissions import visible_notifications
from notifications.tokens import DIGEST_PREFIX, read_unsubscribe_token


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes | str
    mimetype: str

    def as_data(self) -> dict:
        raw = self.content.encode() if isinstance(self.content, str) else self.content
        return {
            "filename": self.filename,
            "mimetype": self.mimetype,
            "content": base64.b64encode(raw).decode("ascii"),
        }


# --- Telling people ---------------------------------------------------------------------------


def email_frequencies(user_ids: Iterable[int], kind: kinds.Kind) -> dict[int, str]:
    ids = list(user_ids)
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=ids, kind=kind.key).values_list(
            "user_id", "email"
        )
    )
    return {uid: chosen.get(uid, kind.default_email) for uid in ids}


@transaction.atomic
def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    dedupe_key: str,
    actor: User | None = None,
    space=None,
    thread=None,
    post=None,
    data: dict | None = None,
    attachments: Iterable[Attachment] = (),
) -> list[Notification]:
    """Tell ``recipients`` (never the actor) that something of ``kind`` happened.

    Each recipient is told at most once per ``dedupe_key`` (a retried event creates nothing
    new; a mention and a reply in one post share the key, so whichever is told first wins).
    Recipients who may not see it are silently left out. Returns the notifications created.
    """
    spec = kinds.get(kind)
    if spec is None:
        raise ValueError(f"Unknown notification kind: {kind}")
    payload = dict(data or {})
    files = [a.as_data() for a in attachments]
    if files:
        payload["attachments"] = files
    people = {
        u.pk: u
        for u in recipients
        if u is not None and u.is_active and (actor is None or u.pk != actor.pk)
    }
    if not people:
        return []
    already = set(
        Notification.objects.filter(recipient_id__in=people, dedupe_key=dedupe_key).values_list(
            "recipient_id", flat=True
        )
    )
    now = timezone.now()
    created: list[Notification] = []
    for uid, person in people.items():
        if uid in already:
            continue
        notification = Notification.objects.create(
            recipient=person,
            kind=kind,
            actor=actor,
            space=space,
            thread=thread,
            post=post,
            data=payload,
            dedupe_key=dedupe_key,
            created_at=now,
        )
        # Access at the moment of telling: the same rule as the list and the emails.
        if not visible_notifications(person).filter(pk=notification.pk).exists():
            notification.delete()
            continue
        created.append(notification)
    if not created:
        return []
    frequencies = email_frequencies([n.recipient_id for n in created], spec)
    for notification in created:
        frequency = frequencies[notification.recipient_id]
        if frequency == Frequency.OFF:
            continue
        delivery = Delivery.objects.create(
            recipient_id=notification.recipient_id,
            notification=notification,
            frequency=frequency,
            created_at=now,
        )
        if frequency == Frequency.IMMEDIATE:
            from notifications.tasks import send_delivery

            enqueue_on_commit(send_delivery, delivery.pk)
    for notification in created:
        _push_on_commit(notification)
    return created


def _push_on_commit(notification: Notification) -> None:
    """Send the new notification to the recipient's open sockets, rendered in their language
    (the per-recipient handler forwards it as it is)."""
    recipient = notification.recipient
    spec = kinds.get(notification.kind)
    with translation.override(recipient.preferred_language):
        text = spec.text(notification)
    unread = visible_notifications(recipient).filter(read_at__isnull=True).count()
    send_on_commit(
        user_group(recipient.pk),
        {
            "type": "user.message",
            "payload": {
                "type": "notification",
                "id": notification.pk,
                "kind": notification.kind,
                "text": text,
                "url": spec.url(notification),
                "unread": unread,
            },
        },
    )


# --- Reading ----------------------------------------------------------------------------------


@transaction.atomic
def mark_read(*, user: User, notification_ids: Iterable[int]) -> int:
    return (
        visible_notifications(user)
        .filter(pk__in=list(notification_ids), read_at__isnull=True)
        .update(read_at=timezone.now())
    )


@transaction.atomic
def mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- Following and muting ---------------------------------------------------------------------


def _target(space, thread) -> dict:
    if (space is None) == (thread is None):
        raise ValueError("Follow a space or a thread.")
    return {"space": space} if space is not None else {"thread": thread}


@transaction.atomic
def set_follow(*, user: User, space=None, thread=None, state: str) -> Follow | None:
    """``state``: "follow", "mute" or "none" (forget: back to the defaults). The caller has
    checked that the user may read the space or thread."""
    target = _target(space, thread)
    if state == "none":
        Follow.objects.filter(user=user, **target).delete()
        return None
    if state not in ("follow", "mute"):
        raise ValidationError(_("Choose to follow or to mute."))
    follow, _created = Follow.objects.update_or_create(
        user=user, **target, defaults={"muted": state == "mute"}
    )
    return follow


def follow_thread_after_posting(*, user: User, thread) -> None:
    """Posting in a thread follows it (an earlier mute stays a mute)."""
    Follow.objects.get_or_create(user=user, thread=thread, defaults={"muted": False})


# --- Email preferences and unsubscribing ------------------------------------------------------


@transaction.atomic
def set_email_preferences(*, user: User, choices: dict[str, str]) -> None:
    valid = set(Frequency.values)
    for key, frequency in choices.items():
        if kinds.get(key) is None or frequency not in valid:
            raise ValidationError(_("Choose one of the listed options."))
    now = timezone.now()
    for key, frequency in choices.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=key, defaults={"email": frequency, "updated_at": now}
        )
        # Queued email of a kind now off (or moved to another frequency) follows the choice.
        pending = Delivery.objects.filter(
            recipient=user, notification__kind=key, status=Delivery.Status.PENDING, digest=None
        )
        if frequency == Frequency.OFF:
            pending.update(status=Delivery.Status.DROPPED, error="email turned off")
        elif frequency != Frequency.IMMEDIATE:
            pending.exclude(frequency=Frequency.IMMEDIATE).update(frequency=frequency)


def unsubscribe_scope_label(scope: str) -> str:
    if scope == DIGEST_PREFIX + Frequency.DAILY:
        return str(_("daily digests"))
    if scope == DIGEST_PREFIX + Frequency.WEEKLY:
        return str(_("weekly digests"))
    spec = kinds.get(scope)
    return str(spec.label) if spec else ""


def resolve_unsubscribe(token: str) -> tuple[User, str] | None:
    """The person and scope a token stands for, or None for a bad token or a scope that no
    longer exists."""
    read = read_unsubscribe_token(token)
    if read is None:
        return None
    user_id, scope = read
    valid = kinds.get(scope) is not None or scope in (
        DIGEST_PREFIX + Frequency.DAILY,
        DIGEST_PREFIX + Frequency.WEEKLY,
    )
    user = User.objects.filter(pk=user_id).first()
    return (user, scope) if valid and user is not None else None


@transaction.atomic
def unsubscribe(*, token: str) -> tuple[User, str] | None:
    """Turn off the email a token stands for: one kind, or every kind sent in the daily or
    weekly digest. Idempotent."""
    resolved = resolve_unsubscribe(token)
    if resolved is None:
        return None
    user, scope = resolved
    if scope.startswith(DIGEST_PREFIX):
        frequency = scope.removeprefix(DIGEST_PREFIX)
        current = email_preferences(user)
        keys = [key for key, chosen in current.items() if chosen == frequency]
    else:
        keys = [scope]
    set_email_preferences(user=user, choices=dict.fromkeys(keys, Frequency.OFF))
    return user, scope


def email_preferences(user: User) -> dict[str, str]:
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email"))
    return {k.key: chosen.get(k.key, k.default_email) for k in kinds.all_kinds()}


# --- Access lost ------------------------------------------------------------------------------


def drop_queued(*, user_id: int, space_ids: Iterable[int] | None = None) -> int:
    """Drop the person's queued emails about these spaces (all of their space-bound ones when
    ``space_ids`` is None). Call inside the transaction that ends their access; the send
    tasks re-check access too, this makes the drop visible in the outbox at once."""
    pending = Delivery.objects.filter(recipient_id=user_id, status=Delivery.Status.PENDING)
    if space_ids is None:
        pending = pending.filter(notification__space__isnull=False)
    else:
        pending = pending.filter(notification__space_id__in=list(space_ids))
    return pending.update(status=Delivery.Status.DROPPED, error="access ended")


def drop_all_queued(*, user_id: int) -> int:
    """A deactivated account gets nothing more."""
    return Delivery.objects.filter(recipient_id=user_id, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.DROPPED, error="account deactivated"
    )


# --- Failing addresses ------------------------------------------------------------------------


@transaction.atomic
def mark_address_failing(*, email: str, reason: str = "") -> FailingAddress:
    email = email.strip().lower()
    entry = FailingAddress.objects.select_for_update().filter(email=email).first()
    if entry is None:
        return FailingAddress.objects.create(email=email, reason=reason[:300])
    entry.bounces += 1
    entry.reason = reason[:300] or entry.reason
    entry.save(update_fields=["bounces", "reason"])
    return entry


@transaction.atomic
def clear_failing_address(*, email: str) -> bool:
    deleted, _ = FailingAddress.objects.filter(email=email.strip().lower()).delete()
    return bool(deleted)


def is_failing(email: str) -> bool:
    return FailingAddress.objects.filter(email=email.strip().lower()).exists()
