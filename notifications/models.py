"""Follows, notifications, email preferences and the email outbox.

A notification is one person's record that something happened; whether they may still know
about it is decided at read time and at send time (``notifications.permissions``), never
stored. Emails leave through ``Delivery`` rows: one per (recipient, notification) or per
digest run, each with a unique key, claimed by a conditional UPDATE so nothing is sent twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    OFF = "off", _("No email")


class Follow(models.Model):
    """Following (or muting) a space or a thread: exactly one of them is set."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    space = models.ForeignKey(
        "dialogue.Space", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    thread = models.ForeignKey(
        "forums.Thread", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    muted = models.BooleanField(_("muted"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=(Q(space__isnull=False) & Q(thread__isnull=True))
                | (Q(space__isnull=True) & Q(thread__isnull=False)),
                name="notifications_follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "space"],
                condition=Q(space__isnull=False),
                name="notifications_follow_unique_space",
            ),
            models.UniqueConstraint(
                fields=["user", "thread"],
                condition=Q(thread__isnull=False),
                name="notifications_follow_unique_thread",
            ),
        ]

    def __str__(self) -> str:
        target = f"space {self.space_id}" if self.space_id else f"thread {self.thread_id}"
        return f"{self.user_id} {'mutes' if self.muted else 'follows'} {target}"


class Notification(models.Model):
    """Something one person is told about. ``kind`` names an entry of
    ``notifications.kinds``; the objects it points to decide who may still see it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    space = models.ForeignKey(
        "dialogue.Space", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    thread = models.ForeignKey(
        "forums.Thread", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    post = models.ForeignKey(
        "forums.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Small, non-secret facts the text needs (a decision, an organization's name); never
    # content copied from a space (it would outlive the reader's access).
    data = models.JSONField(default=dict, blank=True)
    # Makes the same event idempotent: a retried fan-out creates nothing new.
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="notifications_notification_once"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notifications_list"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notifications_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """How a person wants email for one kind (absent: the kind's default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=64)
    email = models.CharField(max_length=16, choices=Frequency.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notifications_pref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.email}"


class DigestRun(models.Model):
    """One digest email per person and period ("daily 2026-11-25", "weekly 2026-W48")."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        EMPTY = "empty", _("nothing left to send")
        SKIPPED = "skipped", _("skipped")
        FAILED = "failed", _("failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=16, choices=Frequency.choices)
    period = models.CharField(max_length=16)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("digest run")
        verbose_name_plural = _("digest runs")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "frequency", "period"], name="notifications_digest_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.frequency} digest {self.period} for {self.user_id}"


class Delivery(models.Model):
    """The email outbox: one row per (recipient, notification), unique, claimed
    pending → sending by a conditional UPDATE before anything is sent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        DROPPED = "dropped", _("dropped: no longer visible to the recipient")
        SKIPPED = "skipped", _("skipped: the address is failing")
        FAILED = "failed", _("failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    notification = models.OneToOneField(
        Notification, on_delete=models.CASCADE, related_name="delivery"
    )
    frequency = models.CharField(max_length=16, choices=Frequency.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    digest = models.ForeignKey(
        DigestRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("email delivery")
        verbose_name_plural = _("email deliveries")
        indexes = [
            models.Index(
                fields=["frequency", "recipient"],
                condition=Q(status="pending"),
                name="notifications_delivery_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.frequency} email of {self.notification_id}: {self.status}"


class FailingAddress(models.Model):
    """An address the email provider reported as bouncing: email to it is skipped (in-app
    notifications still work) until it is cleared."""

    email = models.EmailField(unique=True)
    failing_since = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300, blank=True)
    bounces = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("failing email address")
        verbose_name_plural = _("failing email addresses")

    def __str__(self) -> str:
        return self.email
