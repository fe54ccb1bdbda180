from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialogueConfig(AppConfig):
    name = "dialogue"
    verbose_name = _("Dialogue spaces")

    def ready(self) -> None:
        from dialogue import receivers

        receivers.connect()
