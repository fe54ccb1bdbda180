from django.apps import AppConfig


class MemosConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tests.memos"
    label = "memos"
    verbose_name = "Memos (test-only app)"

    def ready(self) -> None:
        # Each seam's registration lives in its own module of this app.
        pass
