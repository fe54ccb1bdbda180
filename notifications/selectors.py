"""Page reads for notifications, in a constant number of queries."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Q

from notifications import kinds
from notifications.models import Follow, Frequency, Notification
from notifications.permissions import visible_notifications
from notifications.services import email_preferences

PER_PAGE = 30


def notification_page(user, page_number) -> Page:
    """The person's visible notifications, newest first; each gets ``text`` and ``url`` in
    the active language."""
    queryset = visible_notifications(user).select_related(
        "actor", "space", "thread", "thread__space", "post"
    )
    page = Paginator(queryset, PER_PAGE).get_page(page_number)
    for notification in page.object_list:
        spec = kinds.get(notification.kind)
        notification.text = spec.text(notification)
        notification.url = spec.url(notification)
    return page


def unread_count(user) -> int:
    """Unread notifications the user may still see. Most pages are seen with nothing unread:
    a plain indexed lookup of the unread kinds says so first, and only when there is something
    unread is the visibility query asked to count it — built for the scopes of those kinds
    only (its subqueries cost more to build than to run)."""
    present = set(
        Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
        .order_by()
        .values_list("kind", flat=True)
        .distinct()
    )
    if not present:
        return 0
    return visible_notifications(user, among_kinds=present).filter(read_at__isnull=True).count()


def preference_rows(user) -> list[dict]:
    chosen = email_preferences(user)
    return [
        {"kind": spec, "choice": chosen[spec.key], "field": "kind-" + spec.key}
        for spec in kinds.all_kinds()
    ]


FREQUENCIES = Frequency.choices


def follows_of(user):
    """The spaces and threads the person follows or mutes, that they may still read."""
    from dialogue.permissions import readable_spaces
    from forums.permissions import visible_threads

    return (
        Follow.objects.filter(user=user)
        .filter(
            Q(space__in=readable_spaces(user).values("pk"))
            | Q(thread__in=visible_threads(user).values("pk"))
        )
        .select_related("space", "thread", "thread__space")
        .order_by("-created_at")
    )


def follow_state(user, *, space=None, thread=None) -> str:
    """ "follow", "mute" or "none"."""
    if user is None or not user.is_authenticated:
        return "none"
    target = {"space": space} if space is not None else {"thread": thread}
    follow = Follow.objects.filter(user=user, **target).only("muted").first()
    if follow is None:
        return "none"
    return "mute" if follow.muted else "follow"
