import os

import pytest

os.environ.setdefault("TRIPARTITE_TESTING", "1")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    from tests.world import build_world

    return build_world()


def pytest_collection_modifyitems(config, items):
    """Tests marked postgres/redis run only where those servers are configured."""
    has_pg = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
    has_redis = bool(os.environ.get("REDIS_URL"))
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL")
    skip_redis = pytest.mark.skip(reason="needs Redis: set REDIS_URL")
    for item in items:
        if "postgres" in item.keywords and not has_pg:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not has_redis:
            item.add_marker(skip_redis)
    # Browser tests last: their session-scoped Playwright (sync API) keeps an event loop
    # running in the main thread, so any later test that touches the database outside a
    # function-scoped fixture raises SynchronousOnlyOperation. A stable sort keeps the order
    # pytest-django chose (its hook runs first) for everything else. Browser tests outside
    # tests/browser start and stop their own Playwright, which the sync API refuses while
    # that session's loop runs: they go before tests/browser.
    def order(item: pytest.Item) -> int:
        if item.get_closest_marker("browser") is None:
            return 0
        return 2 if "tests/browser/" in item.nodeid else 1

    items.sort(key=order)
