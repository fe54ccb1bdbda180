from django.conf import settings
from django.db import models
from django.urls import reverse


class Memo(models.Model):
    """A short text in a space. It inherits the space's visibility, as forum threads do."""

    space = models.ForeignKey("dialogue.Space", on_delete=models.CASCADE, related_name="memos")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="memos"
    )
    title = models.CharField(max_length=200)
    body = models.TextField()
    language = models.CharField(max_length=10, default="en")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("memos:detail", args=[self.space.slug, self.pk])
