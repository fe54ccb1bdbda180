"""Handles: assigned at sign-up, unique case-insensitively, editable on the profile page."""

from __future__ import annotations

import importlib

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts import services
from accounts.models import User, handle_base
from tests.auth import sign_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Asha Rao", "asha_rao"),
        ("José Núñez", "jose_nunez"),  # accents dropped
        ("  ...Keidanren!! ", "keidanren"),
        ("山田太郎", ""),  # no transliteration: the caller falls back
        ("ab", ""),  # too short
        ("x" * 40, "x" * 30),
    ],
)
def test_a_handle_is_made_from_a_name_without_transliteration(text, expected):
    assert handle_base(text) == expected


def test_new_accounts_get_a_free_handle_from_their_name_or_a_fallback():
    first = make_user("asha@example.org", display_name="Asha Rao")
    second = make_user("asha2@example.org", display_name="ASHA RAO")
    japanese = make_user("taro@example.org", display_name="山田太郎")
    assert first.handle == "asha_rao"
    assert second.handle == "asha_rao2"
    assert japanese.handle == "taro"  # the address's local part, already its public name


def test_a_name_in_another_script_with_a_short_address_falls_back_to_member_digits():
    user = make_user("t@example.org", display_name="ທ່ານ ສົມພອນ")
    assert user.handle.startswith("member") and user.handle[6:].isdigit()


def test_handles_are_unique_whatever_their_case_in_the_database():
    User.objects.create_user("a@example.org", handle="Wrk.In")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("b@example.org", handle="wrk.in")


@pytest.fixture
def signed_in(client):
    user = make_user("me@example.org", display_name="Me Myself")
    sign_in(client, user)
    return client, user


def _profile_form(**changes):
    data = {"display_name": "Me Myself", "preferred_language": "en", "time_zone": "UTC",
            "gender": "", "handle": ""}  # fmt: skip
    data.update(changes)
    return data


def test_a_person_changes_their_handle_on_the_profile_page(signed_in):
    client, user = signed_in
    response = client.post(reverse("accounts:profile_edit"), _profile_form(handle="@me.mine"))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.handle == "me.mine"
    page = client.get(reverse("accounts:profile", args=[user.pk])).content.decode()
    assert "@me.mine" in page


def test_a_taken_handle_is_refused_on_its_field_and_the_form_keeps_what_was_typed(signed_in):
    client, user = signed_in
    make_user("other@example.org", handle="Taken.One")
    response = client.post(
        reverse("accounts:profile_edit"), _profile_form(display_name="New name", handle="taken.one")
    )
    assert response.status_code == 200
    assert "This handle is taken" in str(response.context["form"].errors["handle"])
    assert b"New name" in response.content and b"taken.one" in response.content
    user.refresh_from_db()
    assert user.handle == "me_myself" and user.display_name == "Me Myself"


@pytest.mark.parametrize("bad", ["ab", "has space", "ends.", "-starts", "émile", "a" * 31])
def test_a_malformed_handle_is_refused_with_the_rule(signed_in, bad):
    client, user = signed_in
    response = client.post(reverse("accounts:profile_edit"), _profile_form(handle=bad))
    assert response.status_code == 200
    assert response.context["form"].errors["handle"]
    user.refresh_from_db()
    assert user.handle == "me_myself"


def test_an_empty_handle_keeps_the_current_one(signed_in):
    client, user = signed_in
    assert client.post(reverse("accounts:profile_edit"), _profile_form()).status_code == 302
    user.refresh_from_db()
    assert user.handle == "me_myself"


def test_the_service_refuses_a_handle_taken_in_another_case():
    make_user("x@example.org", handle="someone")
    user = make_user("y@example.org")
    with pytest.raises(ValidationError) as error:
        services.update_profile(
            user=user, display_name="", preferred_language="en", time_zone="UTC", handle="SomeOne"
        )
    assert "handle" in error.value.message_dict


def test_the_migration_gives_existing_accounts_distinct_handles():
    migration = importlib.import_module("accounts.migrations.0002_user_handle")
    make_user("p@example.org", display_name="Same Name")
    make_user("q@example.org", display_name="Same Name")
    third = make_user("r@example.org", display_name="山田")
    User.objects.update(handle=None)

    class Apps:
        @staticmethod
        def get_model(app, model):
            return User

    migration.assign_handles(Apps, None)
    handles = list(User.objects.order_by("pk").values_list("handle", flat=True))
    assert handles == ["same_name", "same_name2", f"member{third.pk}"]


def test_signing_up_gives_a_handle_from_the_address(client):
    password = "a sufficiently long new password 9"
    make_user("other@example.org", handle="new.person")
    response = client.post(
        reverse("account_signup"),
        {"email": "new.person@example.org", "password1": password, "password2": password},
    )
    assert response.status_code == 302
    assert User.objects.get(email="new.person@example.org").handle == "new.person2"
