from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def unread(request: HttpRequest) -> dict:
    """The unread badge: one count query, paid only by pages that show it."""

    def count() -> int:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        from notifications.selectors import unread_count

        return unread_count(user)

    return {"notifications_unread": SimpleLazyObject(count)}
