from django.core import mail

from notifications.models import Notification


def told(user, kind=None) -> list[Notification]:
    rows = Notification.objects.filter(recipient=user)
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows)


def mails_to(user) -> list:
    return [m for m in mail.outbox if user.email in m.to]


def html_of(message) -> str:
    (alternative,) = message.alternatives
    return alternative[0]
