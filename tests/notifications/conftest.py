import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.FORUMS_POST_RATE_LIMIT = (10**6, 60)
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("forums:post-rate:*")
    else:
        cache.clear()


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    from tests.world import build_world

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def w(_module_world, db):
    """The test world with fresh user and space objects (standing and memberships are
    memoised on user objects; a rolled-back test must not leave its answers behind)."""
    from accounts.models import User
    from dialogue.models import Space
    from tests.world import World

    users = User.objects.in_bulk([u.pk for u in _module_world.users.values() if u is not None])
    spaces = Space.objects.in_bulk([s.pk for s in _module_world.spaces.values()])
    fresh = World(orgs=_module_world.orgs)
    fresh.users = {k: (users[u.pk] if u else None) for k, u in _module_world.users.items()}
    fresh.spaces = {k: spaces[s.pk] for k, s in _module_world.spaces.items()}
    return fresh


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run a block and everything it schedules after commit (events, fan-out, emails)."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run
