import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

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


@pytest.fixture(scope="module")
def _module_forum(django_db_setup, django_db_blocker):
    """One world per test module (building it costs about a second), inside a transaction
    rolled back when the module ends; each test's own writes are rolled back by ``db``."""
    from tests.world import _activate, build_world

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_world()
            space = world.space("in")
            for key in ("in-government", "in-employers", "in-workers", "observer", "secretariat"):
                _activate(space, world.user(key))
            _activate(world.space("regional"), world.user("moderator"), Membership.Role.MODERATOR)
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def forum(_module_forum, db):
    """The world, plus a member of each group (and an observer and a secretariat member) in
    the India country space (``in``), so group tallies have someone to count.

    Fresh user and space objects for every test: standing and memberships are memoised on
    user objects, and a rolled-back test must not leave its answers behind."""
    from accounts.models import Organization, User
    from dialogue.models import Space
    from tests.world import World

    users = User.objects.in_bulk([u.pk for u in _module_forum.users.values() if u is not None])
    spaces = Space.objects.in_bulk([s.pk for s in _module_forum.spaces.values()])
    orgs = Organization.objects.in_bulk([o.pk for o in _module_forum.orgs.values()])
    return World(
        spaces={k: spaces[s.pk] for k, s in _module_forum.spaces.items()},
        orgs={k: orgs[o.pk] for k, o in _module_forum.orgs.items()},
        users={k: None if u is None else users[u.pk] for k, u in _module_forum.users.items()},
    )
