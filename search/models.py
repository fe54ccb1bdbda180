"""The search index: one row per searchable object (today a forum post; a thread is found
through its opening post, whose row carries the thread's title).

Only live content is indexed (a post neither hidden nor deleted, in a thread that is not
hidden); reads still go through ``forums.permissions`` at query time (``search.registry``),
so a stale row can never show anything its reader may not see. On PostgreSQL ``tsv`` holds
the words (configuration by language) and ``bigrams`` the character pairs of Japanese, Lao
and other unspaced runs; both have GIN indexes (migration 0002, skipped on SQLite, where the
query falls back to substring matching on ``title`` and ``body``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    class Kind(models.TextChoices):
        POST = "post", _("Post")

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.POST)
    post = models.OneToOneField(
        "forums.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="search_entry"
    )
    thread = models.ForeignKey(
        "forums.Thread", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    # The thread's title on the opening post's row (it ranks first), empty on replies.
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField()
    indexed_at = models.DateTimeField(default=timezone.now)
    tsv = SearchVectorField(null=True, blank=True)
    bigrams = SearchVectorField(null=True, blank=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="post") | models.Q(post__isnull=False),
                name="search_entry_post_kind_has_post",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.post_id}"
