"""Reads for forum pages, each a constant number of queries whatever the data size.
Every function takes querysets that already start from ``forums.permissions``."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, QuerySet

from accounts.models import TRIPARTITE_GROUPS, Constituency
from dialogue.models import Space
from forums import permissions
from forums.models import POSTS_PER_PAGE, Post, PostFlag, PostSupport, TaggedThread, Thread


def space_threads(user, space: Space, *, tag_slug: str | None = None) -> QuerySet[Thread]:
    """Visible threads of a space for its list: pinned first, then latest activity."""
    qs = permissions.visible_threads(user).filter(space=space)
    if tag_slug is not None:
        qs = qs.filter(tags__slug=tag_slug)
    # Tags: attach_tags() on the page of threads (not prefetch_related, see there).
    return qs.select_related("author", "author_organization").order_by(
        "-is_pinned", "-last_activity_at", "-pk"
    )


def attach_tags(threads: list[Thread]) -> None:
    """Set ``thread.tag_list`` (the thread's tags, by name) on each
    thread, in one query. ``prefetch_related("tags")`` also takes one query, but taggit's
    manager builds a queryset per thread to hold the result, which cost more than the query."""
    by_thread: dict[int, list] = {thread.pk: [] for thread in threads}
    if by_thread:
        items = (
            TaggedThread.objects.filter(content_object_id__in=list(by_thread))
            .select_related("tag")
            .order_by("tag__name", "tag__pk")
        )
        for item in items:
            by_thread[item.content_object_id].append(item.tag)
    for thread in threads:
        thread.tag_list = by_thread[thread.pk]


def tagged_threads(user, tag_slug: str) -> QuerySet[Thread]:
    """Visible threads with a tag, across every space the user may read, latest first."""
    return (
        permissions.visible_threads(user)
        .filter(tags__slug=tag_slug)
        .select_related("space", "author", "author_organization")
        .prefetch_related("tags")
        .order_by("-last_activity_at", "-pk")
    )


@dataclass
class PostPage:
    """One page of a thread. Pages are ranges of post numbers (numbers are dense), so a late
    page of a long thread is an index range scan, not an OFFSET."""

    number: int
    num_pages: int
    posts: list[Post] = field(default_factory=list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def page_range(self) -> range:
        return range(1, self.num_pages + 1)

    @property
    def paginator(self) -> PostPage:
        """dialogue/_pagination.html reads ``page.paginator.num_pages`` (Django's Page API);
        without this the thread page said "Page 1 of " with no total."""
        return self


def thread_page(thread: Thread, page: int) -> PostPage:
    """Posts of ``page`` (clamped to the existing pages) with their authors and organizations,
    and ``quote_number``, the number of the post each one quotes (None if none).

    Only what the page shows is loaded: the quoted post's number rather than the whole quoted
    post and its author, and not the Markdown source (the page shows the rendered HTML). Building
    those extra model instances was a measurable part of a thread page (docs/benchmarks.md)."""
    num_pages = max(1, -(-thread.last_post_number // POSTS_PER_PAGE))
    page = min(max(page, 1), num_pages)
    first = (page - 1) * POSTS_PER_PAGE + 1
    posts = list(
        Post.objects.filter(thread=thread, number__gte=first, number__lt=first + POSTS_PER_PAGE)
        .select_related("author", "author_organization")
        .annotate(quote_number=F("quote_of__number"))
        .defer("body_markdown")
        .order_by("number")
    )
    return PostPage(number=page, num_pages=num_pages, posts=posts)


@dataclass(frozen=True)
class Tally:
    """Supports of one post by group, in the fixed order government, employers, workers."""

    counts: tuple[tuple[str, str, int], ...]

    @property
    def total(self) -> int:
        return sum(count for _g, _l, count in self.counts)


def _tally(by_group: dict[str, int]) -> Tally:
    return Tally(
        tuple(
            (group, Constituency(group).label, by_group.get(group, 0)) for group in TRIPARTITE_GROUPS
        )
    )


def support_tallies(post_ids: list[int]) -> dict[int, Tally]:
    """One query: the support tally of each post (posts without support get zeros)."""
    rows = (
        PostSupport.objects.filter(post_id__in=post_ids, constituency__in=TRIPARTITE_GROUPS)
        .values("post_id", "constituency")
        .annotate(n=Count("pk"))
    )
    grouped: dict[int, dict[str, int]] = {pk: {} for pk in post_ids}
    for row in rows:
        grouped[row["post_id"]][row["constituency"]] = row["n"]
    return {pk: _tally(by_group) for pk, by_group in grouped.items()}


def supported_by(user, post_ids: list[int]) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        PostSupport.objects.filter(user_id=user.pk, post_id__in=post_ids).values_list(
            "post_id", flat=True
        )
    )


# --- Flags (callers have checked that the user moderates ``space``) ------------------------------


def open_flag_count(space: Space) -> int:
    """Posts of the space with at least one open flag (the "Review queue (N)" link)."""
    return (
        PostFlag.objects.filter(post__thread__space=space, resolved_at__isnull=True)
        .values("post_id")
        .distinct()
        .count()
    )


def flagged_posts(space: Space) -> QuerySet[Post]:
    """Posts of the space with open flags, the longest-waiting first, with their open count."""
    from django.db.models import Min, Q

    # Not ``filter(flags__resolved_at__isnull=True)``: through the reverse join that also
    # matches posts without any flag.
    open_flags = Q(flags__resolved_at__isnull=True)
    flagged = PostFlag.objects.filter(resolved_at__isnull=True).values("post_id")
    return (
        Post.objects.filter(thread__space=space, pk__in=flagged)
        .annotate(
            open_flag_count=Count("flags", filter=open_flags),
            first_flagged_at=Min("flags__created_at", filter=open_flags),
        )
        .select_related("thread", "author", "author_organization")
        .order_by("first_flagged_at", "pk")
    )


def attach_open_flags(posts: list[Post]) -> None:
    """Set ``post.open_flags`` (with who flagged) and ``post.reason_counts`` on each post, in
    one query."""
    by_post: dict[int, list[PostFlag]] = {post.pk: [] for post in posts}
    if by_post:
        flags = (
            PostFlag.objects.filter(post_id__in=list(by_post), resolved_at__isnull=True)
            .select_related("flagged_by")
            .order_by("created_at", "pk")
        )
        for flag in flags:
            by_post[flag.post_id].append(flag)
    labels = dict(PostFlag.Reason.choices)
    for post in posts:
        post.open_flags = by_post[post.pk]
        counts: dict[str, int] = {}
        for flag in post.open_flags:
            counts[flag.reason] = counts.get(flag.reason, 0) + 1
        post.reason_counts = [(labels[code], n) for code, n in counts.items()]
