from django.apps import AppConfig
from django.conf.locale import LANG_INFO
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def _sqlite_pragmas(sender, connection, **kwargs) -> None:
    # WAL lets readers proceed while one writer holds the lock (embedded default only).
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL;")
            cursor.execute("PRAGMA synchronous=NORMAL;")


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and constituents")

    def ready(self) -> None:
        # Django ships no Lao entry; the language selector raises KeyError without it.
        LANG_INFO.setdefault(
            "lo", {"bidi": False, "code": "lo", "name": "Lao", "name_local": "ລາວ"}
        )
        connection_created.connect(_sqlite_pragmas, dispatch_uid="tripartite_sqlite_pragmas")
