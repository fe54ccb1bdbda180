from django.apps import AppConfig
from django.conf.locale import LANG_INFO
from django.db import router
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sqlite_pragmas(sender, connection, **kwargs) -> None:
    # WAL lets readers proceed while one writer holds the lock (embedded default only).
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL;")
            cursor.execute("PRAGMA synchronous=NORMAL;")


# What emails call the site (allauth's "Hello from …", "Thank you for using …").
SITE_NAME = "Tripartite"


def sync_site(sender, apps=None, using: str = "default", **kwargs) -> None:
    """Keep the Sites row allauth reads (SITE_ID) named Tripartite, at SITE_URL's host.

    Runs after every ``migrate``: on a fresh database it corrects the "example.com" row
    django.contrib.sites has just created, on an existing one it follows a changed SITE_URL
    (``run.py serve`` migrates at each start, so a new PORT is picked up too).
    """
    from urllib.parse import urlsplit

    from django.apps import apps as installed_apps
    from django.conf import settings

    try:
        # ``flush`` (transactional tests) sends post_migrate without the migration state.
        site_model = (apps or installed_apps).get_model("sites", "Site")
    except LookupError:
        return
    if not router.allow_migrate_model(using, site_model):
        return
    domain = urlsplit(settings.SITE_URL).netloc or settings.SITE_URL
    site_model.objects.using(using).update_or_create(
        pk=getattr(settings, "SITE_ID", 1), defaults={"name": SITE_NAME, "domain": domain}
    )
    from django.contrib.sites.models import Site

    Site.objects.clear_cache()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and constituents")

    def ready(self) -> None:
        # Django ships no Lao entry; the language selector raises KeyError without it.
        LANG_INFO.setdefault(
            "lo", {"bidi": False, "code": "lo", "name": "Lao", "name_local": "ລາວ"}
        )
        connection_created.connect(_sqlite_pragmas, dispatch_uid="tripartite_sqlite_pragmas")
        # After django.contrib.sites' own post_migrate handler (it is earlier in
        # INSTALLED_APPS), which creates "example.com" on a fresh database.
        post_migrate.connect(sync_site, sender=self, dispatch_uid="tripartite_sync_site")
