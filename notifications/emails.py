"""Rendering notification emails in the RECIPIENT's language and time zone, with plain text
and HTML, a link to the object and RFC 8058 one-click unsubscribe headers."""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tasks import absolute_url
from notifications import kinds
from notifications.models import Frequency, Notification
from notifications.tokens import DIGEST_PREFIX, make_unsubscribe_token

SUBJECT_PREFIX = "[Tripartite] "


def unsubscribe_url(user_id: int, scope: str) -> str:
    return absolute_url(
        reverse("notifications:unsubscribe", args=[make_unsubscribe_token(user_id, scope)])
    )


def _headers(user, scope: str) -> dict[str, str]:
    url = unsubscribe_url(user.pk, scope)
    headers = {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Content-Language": user.preferred_language,
        # Automatic: replies and vacation responders should not answer it.
        "Auto-Submitted": "auto-generated",
    }
    mailto = getattr(settings, "NOTIFICATIONS_UNSUBSCRIBE_MAILTO", "")
    if mailto:
        headers["List-Unsubscribe"] += f", <mailto:{mailto}?subject=unsubscribe>"
    return headers


def _message(*, user, subject: str, text: str, html: str, scope: str) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[user.email],
        headers=_headers(user, scope),
    )
    message.attach_alternative(html, "text/html")
    return message


def _in_recipients_world(user):
    """Language and time zone of the person reading, not of whoever caused the email."""

    class _Both:
        def __enter__(self):
            self.lang = translation.override(user.preferred_language)
            self.tz = timezone.override(user.time_zone or "UTC")
            self.lang.__enter__()
            self.tz.__enter__()

        def __exit__(self, *exc):
            self.tz.__exit__(*exc)
            self.lang.__exit__(*exc)

    return _Both()


def notification_email(notification: Notification) -> EmailMultiAlternatives:
    """One notification, sent immediately."""
    user = notification.recipient
    spec = kinds.get(notification.kind)
    scope = notification.kind
    with _in_recipients_world(user):
        url = absolute_url(spec.url(notification))
        context: dict[str, Any] = {
            "user": user,
            "notification": notification,
            "text": spec.text(notification),
            "url": url,
            "unsubscribe_url": unsubscribe_url(user.pk, scope),
            "settings_url": absolute_url(reverse("notifications:settings")),
            "kind_label": spec.label,
        }
        if spec.email is not None:
            template, own = spec.email(notification)
            context.update(own)
            context["url"] = url
            subject = render_to_string(f"{template}_subject.txt", context).strip()
            text = render_to_string(f"{template}.txt", context)
            html = render_to_string(f"{template}.html", context)
        else:
            subject = SUBJECT_PREFIX + context["text"]
            text = render_to_string("notifications/email/notification.txt", context)
            html = render_to_string("notifications/email/notification.html", context)
    message = _message(user=user, subject=subject, text=text, html=html, scope=scope)
    for item in notification.data.get("attachments", []):
        message.attach(item["filename"], base64.b64decode(item["content"]), item["mimetype"])
    return message


def digest_email(user, frequency: str, notifications: list[Notification]) -> EmailMultiAlternatives:
    scope = DIGEST_PREFIX + frequency
    with _in_recipients_world(user):
        items = [
            {
                "text": kinds.get(n.kind).text(n),
                "url": absolute_url(kinds.get(n.kind).url(n)),
                "at": n.created_at,
                "kind": n.kind,
            }
            for n in notifications
        ]
        context = {
            "user": user,
            "items": items,
            "daily": frequency == Frequency.DAILY,
            "list_url": absolute_url(reverse("notifications:list")),
            "settings_url": absolute_url(reverse("notifications:settings")),
            "unsubscribe_url": unsubscribe_url(user.pk, scope),
        }
        subject = render_to_string("notifications/email/digest_subject.txt", context).strip()
        text = render_to_string("notifications/email/digest.txt", context)
        html = render_to_string("notifications/email/digest.html", context)
    return _message(user=user, subject=subject, text=text, html=html, scope=scope)
