from django.http import HttpRequest

from accounts.permissions import get_standing


def standing(request: HttpRequest) -> dict:
    """The signed-in person's standing (lazily: only pages that use it pay the query)."""
    from django.utils.functional import SimpleLazyObject

    return {"standing": SimpleLazyObject(lambda: get_standing(getattr(request, "user", None)))}
