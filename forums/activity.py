"""A member's forum activity, as one viewer may see it (the profile page and its "activity"
page). Everything starts from ``forums.permissions.visible_posts(viewer)``: a caucus post
shows only to a viewer in that caucus, and the counts are counts of what the viewer may read.
Posts deleted by their author, hidden posts and posts in hidden threads are left out for
everyone (moderators included: a profile is not a moderation tool)."""

from __future__ import annotations

import html
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.html import strip_tags

from accounts.models import User
from forums.models import Post
from forums.permissions import visible_posts

ACTIVITY_PER_PAGE = 20
ACTIVITY_ON_PROFILE = 5


@dataclass(frozen=True)
class ActivityCounts:
    threads: int
    posts: int


def member_posts(viewer, person: User) -> QuerySet[Post]:
    """``person``'s posts that ``viewer`` may read, newest first, with their thread and space
    (one query for a page of them)."""
    return (
        visible_posts(viewer)
        .filter(author=person, is_hidden=False, thread__is_hidden=False)
        .select_related("thread", "thread__space")
        .only(
            "number", "body_html", "language", "created_at", "thread_id",
            "thread__title", "thread__space_id", "thread__space__name", "thread__space__slug",
        )
        .order_by("-created_at", "-pk")
    )  # fmt: skip


EXCERPT_LENGTH = 200


def excerpt(body_html: str) -> str:
    """The opening words of a rendered post as plain text (entities decoded: the template
    escapes it once), cut at a word where possible."""
    text = " ".join(html.unescape(strip_tags(body_html.replace("<", " <"))).split())
    if len(text) <= EXCERPT_LENGTH:
        return text
    cut = text[: EXCERPT_LENGTH - 1]
    if " " in cut[EXCERPT_LENGTH // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut + "…"


def member_counts(viewer, person: User) -> ActivityCounts:
    """Threads started and posts written by ``person`` that ``viewer`` may read (one query)."""
    row = (
        visible_posts(viewer)
        .filter(author=person, is_hidden=False, thread__is_hidden=False)
        .aggregate(posts=Count("pk"), threads=Count("pk", filter=Q(number=1)))
    )
    return ActivityCounts(threads=row["threads"], posts=row["posts"])
