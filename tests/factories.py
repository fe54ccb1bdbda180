"""Factories for tests. Side-effecting set-up goes through the services."""

from __future__ import annotations

import factory
from django.db import transaction

from accounts import services as account_services
from accounts.models import Affiliation, Constituency, Country, Organization, User

DEFAULT_PASSWORD = "correct horse battery staple 42"


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{chr(65 + (n // 26) % 26)}{chr(65 + n % 26)}")
    name = factory.Sequence(lambda n: f"Country {n}")
    time_zone = "Asia/Kolkata"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    acronym = factory.Sequence(lambda n: f"ORG{n}")
    country = factory.SubFactory(CountryFactory)
    constituency = Constituency.WORKERS


_user_counter = iter(range(1, 10**9))


def make_user(
    email: str | None = None,
    *,
    password: str = DEFAULT_PASSWORD,
    display_name: str = "",
    **extra,
) -> User:
    n = next(_user_counter)
    return account_services.create_user(
        email=email or f"user{n}@example.org",
        password=password,
        display_name=display_name or f"User {n}",
        **extra,
    )


def verify(user: User, organization: Organization, *, focal_point: bool = False) -> Affiliation:
    """Give ``user`` a verified affiliation to ``organization`` (bypassing the focal point,
    which tests of the verification flow exercise separately)."""
    with transaction.atomic():
        Affiliation.objects.filter(user=user, status=Affiliation.Status.VERIFIED).update(
            status=Affiliation.Status.REVOKED
        )
        affiliation = Affiliation.objects.create(
            user=user,
            organization=organization,
            status=Affiliation.Status.VERIFIED,
            is_focal_point=focal_point,
        )
    from accounts.permissions import forget_standing

    forget_standing(user)
    return affiliation


def verified_user(organization: Organization, *, focal_point: bool = False, **kwargs) -> User:
    user = make_user(**kwargs)
    verify(user, organization, focal_point=focal_point)
    return user
