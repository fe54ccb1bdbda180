"""Writes to the search index. Every function reads the content's state *now* and makes the
index agree with it (upsert what is live, delete what is not), so calling one twice, late,
or for content that has since changed is always safe — which is what lets the index be kept
on commit from ``forums.signals.forum_event`` and rebuilt by ``rebuild_search_index``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from forums.models import Post
from search.models import SearchEntry
from search.text import bigram_vector, normalize, plain_text

# The text-search configuration for each post language; everything else uses ``simple``
# (no stemming, no stop words): Malay and Hindi have no configuration shipped with
# PostgreSQL, and Japanese and Lao are served by the bigram index.
CONFIG_BY_LANGUAGE = {"en": "english"}
DEFAULT_CONFIG = "simple"
BATCH_SIZE = 1000


def config_for(language: str) -> str:
    return CONFIG_BY_LANGUAGE.get(language, DEFAULT_CONFIG)


def _config_sql(column: str) -> str:
    """A SQL ``regconfig`` expression choosing the configuration from ``column``."""
    cases = " ".join(
        f"WHEN '{language}' THEN '{config}'::regconfig"
        for language, config in CONFIG_BY_LANGUAGE.items()
    )
    return f"(CASE {column} {cases} ELSE '{DEFAULT_CONFIG}'::regconfig END)"


def live_posts():
    """Posts the index holds: neither hidden nor deleted, in a thread that is not hidden."""
    return Post.objects.filter(is_deleted=False, is_hidden=False, thread__is_hidden=False)


_UPSERT_POSTGRES = f"""
INSERT INTO search_searchentry
    (kind, post_id, thread_id, language, title, body, created_at, indexed_at, tsv, bigrams)
SELECT 'post', v.post_id, v.thread_id, v.language, v.title, v.body, v.created_at, %s,
       setweight(to_tsvector({_config_sql("v.language")}, v.title), 'A')
       || setweight(to_tsvector({_config_sql("v.language")}, v.body), 'B'),
       v.bigrams::tsvector
FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[], %s::text[],
            %s::timestamptz[], %s::text[])
     AS v(post_id, thread_id, language, title, body, created_at, bigrams)
ON CONFLICT (post_id) DO UPDATE SET
    thread_id = EXCLUDED.thread_id, language = EXCLUDED.language, title = EXCLUDED.title,
    body = EXCLUDED.body, created_at = EXCLUDED.created_at, indexed_at = EXCLUDED.indexed_at,
    tsv = EXCLUDED.tsv, bigrams = EXCLUDED.bigrams
"""


def _rows(posts: Iterable[Post]) -> list[dict]:
    rows = []
    for post in posts:
        title = normalize(post.thread.title) if post.number == 1 else ""
        body = plain_text(post.body_html)
        rows.append(
            {
                "post_id": post.pk,
                "thread_id": post.thread_id,
                "language": post.language,
                "title": title,
                "body": body,
                "created_at": post.created_at,
                "bigrams": bigram_vector(title, body),
            }
        )
    return rows


def _upsert(rows: list[dict]) -> None:
    if not rows:
        return
    now = timezone.now()
    if connection.vendor == "postgresql":
        columns = ("post_id", "thread_id", "language", "title", "body", "created_at", "bigrams")
        with connection.cursor() as cursor:
            cursor.execute(_UPSERT_POSTGRES, [now, *([row[c] for row in rows] for c in columns)])
        return
    SearchEntry.objects.bulk_create(
        [
            SearchEntry(
                kind=SearchEntry.Kind.POST,
                indexed_at=now,
                **{k: v for k, v in row.items() if k != "bigrams"},
            )
            for row in rows
        ],
        update_conflicts=True,
        unique_fields=["post"],
        update_fields=["thread", "language", "title", "body", "created_at", "indexed_at"],
    )


@transaction.atomic
def index_posts(post_ids: Iterable[int]) -> tuple[int, int]:
    """Make the index agree with these posts as they are now. Returns (indexed, removed)."""
    wanted = set(post_ids)
    if not wanted:
        return 0, 0
    posts = list(
        live_posts()
        .filter(pk__in=wanted)
        .select_related("thread")
        .only("pk", "number", "language", "body_html", "created_at", "thread_id", "thread__title")
    )
    removed, _ = SearchEntry.objects.filter(post_id__in=wanted - {p.pk for p in posts}).delete()
    _upsert(_rows(posts))
    return len(posts), removed


def index_thread(thread_id: int) -> tuple[int, int]:
    """Every post of a thread (after it was hidden, restored, moved or renamed)."""
    ids = list(Post.objects.filter(thread_id=thread_id).values_list("pk", flat=True))
    indexed = removed = 0
    for start in range(0, len(ids), BATCH_SIZE):
        i, r = index_posts(ids[start : start + BATCH_SIZE])
        indexed, removed = indexed + i, removed + r
    return indexed, removed


def rebuild_index(*, batch_size: int = BATCH_SIZE, progress=None) -> tuple[int, int]:
    """Every post, in batches of ``batch_size`` by primary key (each batch its own
    transaction, so a long rebuild never holds one huge transaction). Idempotent; rows of
    posts that no longer exist went with them (CASCADE)."""
    indexed = removed = 0
    last = 0
    while True:
        ids = list(
            Post.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            if connection.vendor == "postgresql":
                # Fresh statistics, so the planner knows how many rows a word matches.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE search_searchentry")
            return indexed, removed
        i, r = index_posts(ids)
        indexed, removed, last = indexed + i, removed + r, ids[-1]
        if progress is not None:
            progress(indexed, removed)
