from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "forums"
    verbose_name = _("Forums")

    def ready(self) -> None:
        # The site socket's registry must know "thread" before the first connection.
        from forums import topics

        topics.register()
