"""Who may still see a notification: the one place that decides, at read time (the list, the
badge, the socket) and at send time (every email). A notification about something the
recipient can no longer see is as if it did not exist — in-app, by email, even its subject.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Q, QuerySet

from dialogue import permissions as space_permissions
from forums import permissions as forum_permissions
from forums.models import Post
from notifications import kinds
from notifications.kinds import Scope
from notifications.models import Notification


def _scope_filters(user) -> dict[str, Callable[[], Q]]:
    """Each scope's condition, built only when asked for: the subqueries are costly to
    build (Python time, not database time), and most counts need one or two of them."""

    def threads():
        return forum_permissions.visible_threads(user).values("pk")

    return {
        Scope.POST: lambda: Q(post__in=forum_permissions.visible_posts(user).values("pk")),
        Scope.OWN_POST: lambda: (
            Q(post__in=Post.objects.filter(thread__in=threads()).values("pk"))
            | Q(post__isnull=True, thread__in=threads())
        ),
        Scope.THREAD: lambda: Q(thread__in=threads()),
        Scope.SPACE: lambda: Q(space__in=space_permissions.readable_spaces(user).values("pk")),
        Scope.SPACE_NAME: lambda: Q(
            space__in=space_permissions.discoverable_spaces(user).values("pk")
        ),
        Scope.PERSON: Q,
    }


def visible_notifications(
    user, *, among_kinds: Iterable[str] | None = None
) -> QuerySet[Notification]:
    """This user's notifications that they may still see (one query, whatever the kinds).

    ``among_kinds`` limits the answer to those kinds, and the query to their scopes' conditions
    (the unread badge passes the kinds it found unread)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Notification.objects.none()
    wanted = None if among_kinds is None else set(among_kinds)
    allowed = Q(pk__in=[])
    for scope, condition in _scope_filters(user).items():
        keys = kinds.keys_with_scope(scope)
        if wanted is not None:
            keys = [key for key in keys if key in wanted]
        if keys:
            allowed |= Q(kind__in=keys) & condition()
    return Notification.objects.filter(recipient_id=user.pk).filter(allowed)


def can_see_notification(user, notification: Notification) -> bool:
    return visible_notifications(user).filter(pk=notification.pk).exists()
