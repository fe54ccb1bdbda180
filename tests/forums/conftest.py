import pytest
from django.core.cache import cache

from dialogue.models import Membership


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Posting rate limits live in the cache; user ids repeat across rolled-back tests.
    cache.clear()
    yield
    cache.clear()


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
