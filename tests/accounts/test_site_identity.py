"""Emails name the site Tripartite and link to where it is served: allauth reads the Sites row
(kept right by accounts.apps.sync_site after every migrate), our own emails SITE_URL
(which defaults from HOST and PORT: tests/test_settings.py)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.urls import reverse

from accounts import services
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase-91"


def _served_host() -> str:
    return settings.SITE_URL.split("://", 1)[1]


def test_the_sites_row_is_tripartite_at_site_url():
    site = Site.objects.get_current()
    assert (site.name, site.domain) == ("Tripartite", _served_host())


def test_the_verification_email_greets_from_tripartite(client, mailoutbox):
    client.post(
        reverse("account_signup"),
        {"email": "new.person@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    (message,) = mailoutbox
    assert message.body.startswith("Hello from Tripartite!")
    assert "Thank you for using Tripartite!" in message.body
    assert "example.com" not in message.body.lower() + message.subject.lower()
    assert message.subject.startswith("[Tripartite] ")
    # Inside a request allauth links to the host the request came to (the test client's).
    assert "http://testserver/accounts/confirm-email/" in message.body


def test_an_existing_database_is_corrected_by_the_next_migrate():
    Site.objects.filter(pk=settings.SITE_ID).update(name="example.com", domain="example.com")
    Site.objects.clear_cache()
    call_command("migrate", interactive=False, verbosity=0)
    site = Site.objects.get_current()
    assert (site.name, site.domain) == ("Tripartite", _served_host())


def test_a_new_site_url_reaches_the_sites_row_at_the_next_migrate(settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    call_command("migrate", interactive=False, verbosity=0)
    assert Site.objects.get_current().domain == "127.0.0.1:8123"


def test_links_built_outside_a_request_use_the_served_address():
    """allauth builds a link from the Sites row when there is no request (a background job)."""
    from allauth.utils import build_absolute_uri

    assert build_absolute_uri(None, "/accounts/login/") == settings.SITE_URL + "/accounts/login/"


def test_affiliation_emails_link_to_site_url(
    world, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://127.0.0.1:8123"
    affiliation = services.request_affiliation(
        user=make_user(), organization=world.orgs["in-workers"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.verify_affiliation(actor=world.user("focal-point"), affiliation=affiliation)
    (message,) = mailoutbox
    assert "http://127.0.0.1:8123" + reverse("accounts:affiliations") in message.body
