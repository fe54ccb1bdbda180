import pytest
from django.core.cache import cache

from dialogue.models import Membership


def _forget_rate_limits() -> None:
    # Only our keys: on Redis, cache.clear() would flush a database other test runs share.
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("forums:post-rate:*")
    else:
        cache.clear()  # local memory: this process only


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Posting rate limits live in the cache; user ids repeat across rolled-back tests.
    _forget_rate_limits()
    yield
    _forget_rate_limits()


@pytest.fixture
def forum(world):
    """The world, plus a member of each group in the India country space (``in``), so group
    tallies have someone to count."""
    from tests.world import _activate

    space = world.space("in")
    for key in ("in-government", "in-employers", "in-workers", "observer", "secretariat"):
        _activate(space, world.user(key))
    _activate(world.space("regional"), world.user("moderator"), Membership.Role.MODERATOR)
    return world
