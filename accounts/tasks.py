"""Background work for accounts: emails about affiliations and invitations.

Tasks are enqueued with ``enqueue_on_commit`` so they never run before the transaction that
created their data commits (the immediate backend would otherwise run them at once).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from accounts.models import Affiliation, AffiliationInvitation


def enqueue_on_commit(task_obj: Any, *args: Any, **kwargs: Any) -> None:
    transaction.on_commit(lambda: task_obj.enqueue(*args, **kwargs), robust=True)


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(*, to: str, language: str, template: str, context: dict[str, Any]) -> None:
    with translation.override(language):
        subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
        text = render_to_string(f"accounts/email/{template}.txt", context)
        html = render_to_string(f"accounts/email/{template}.html", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()


@task()
def send_affiliation_decision(affiliation_id: int) -> None:
    """Tell the person that their affiliation was verified, rejected or revoked."""
    affiliation = (
        Affiliation.objects.select_related("user", "organization")
        .filter(pk=affiliation_id)
        .first()
    )
    if affiliation is None or affiliation.status not in (
        Affiliation.Status.VERIFIED,
        Affiliation.Status.REJECTED,
        Affiliation.Status.REVOKED,
    ):
        return
    user = affiliation.user
    if not user.is_active:
        return
    _send(
        to=user.email,
        language=user.preferred_language,
        template="affiliation_decision",
        context={
            "user": user,
            "affiliation": affiliation,
            "verified": affiliation.status == Affiliation.Status.VERIFIED,
            "url": absolute_url(reverse("accounts:affiliations")),
        },
    )


@task()
def send_affiliation_invitation(invitation_id: int, language: str) -> None:
    invitation = (
        AffiliationInvitation.objects.select_related("organization", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_open:
        return
    _send(
        to=invitation.email,
        language=language,
        template="affiliation_invitation",
        context={
            "invitation": invitation,
            "url": absolute_url(reverse("accounts:accept_invitation", args=[invitation.token])),
        },
    )
