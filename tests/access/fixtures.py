"""One world per test module, for the matrix and the crawl (building it per test would cost
a second each). Import the fixture into a test module to use it::

    from tests.access import fixtures

    module_world = fixtures.module_world

Each test still takes ``db`` (pytest-django wraps it in a savepoint inside the module's
transaction), so whatever a test writes is rolled back before the next one.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from tests.world import World, build_world, seed_canary


def give_authenticators(world: World, keys: tuple[str, ...]) -> None:
    """Staff and moderators must enrol in two-factor before any page answers them (the
    RequireTwoFactorMiddleware); give them a TOTP authenticator so the crawl sees the pages
    themselves, not the enrolment redirect."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    for key in keys:
        user = world.user(key)
        if user is not None:
            TOTP.activate(user, generate_totp_secret())


def add_stale_members(world: World) -> None:
    """``stale-member``: an active member of ``in``, ``in-private`` and the caucus whose
    affiliation was revoked behind the services' back (an operator editing the database or the
    admin site), so the memberships that stood on it were never ended. Group rights come only
    from a verified affiliation: the stale memberships must give nothing."""
    from accounts.models import Affiliation
    from tests.factories import verified_user
    from tests.world import _activate

    user = verified_user(world.orgs["in-workers"], email="stale-member@example.org")
    for key in ("in", "in-private", "in-workers"):
        _activate(world.space(key), user)
    Affiliation.objects.filter(user=user).update(status=Affiliation.Status.REVOKED)
    user.refresh_from_db()
    world.users["stale-member"] = user

    # ``switched``: moderated the caucus as an India worker; an operator then revoked that
    # affiliation and verified one to the India employers' federation, in the admin. The old
    # caucus rows stand on an affiliation that is gone: the workers' caucus is closed to them.
    switched = verified_user(world.orgs["in-workers"], email="switched@example.org")
    _activate(world.space("in-workers"), switched, "moderator")
    _activate(world.space("in"), switched)
    Affiliation.objects.filter(user=switched).update(status=Affiliation.Status.REVOKED)
    Affiliation.objects.create(
        user=switched, organization=world.orgs["in-employers"], status=Affiliation.Status.VERIFIED
    )
    world.users["switched"] = switched


def add_invitation(world: World) -> None:
    """An open invitation from the India union's focal point (its email goes out on commit,
    which never comes for the module's transaction)."""
    from accounts import services as account_services

    account_services.invite_colleague(
        actor=world.user("focal-point"),
        organization=world.orgs["in-workers"],
        email="invitee@example.org",
    )


def _shared_world(django_db_setup, django_db_blocker):
    """``build_world()`` plus ``seed_canary()`` and the harness's extra cast, built once inside
    a transaction that is rolled back when the fixture's scope ends."""
    # The autouse fast-hasher fixture is function-scoped; a module fixture needs its own.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_world()
            seed_canary(world)
            add_stale_members(world)
            add_invitation(world)
            give_authenticators(world, ("staff", "moderator", "caucus-moderator", "focal-point"))
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# Per module (the matrix), or per class (the crawl: its socket test is transactional and must
# run after the shared world's transaction has ended).
module_world = pytest.fixture(scope="module", name="module_world")(_shared_world)
class_world = pytest.fixture(scope="class", name="class_world")(_shared_world)
