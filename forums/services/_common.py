"""What the forum services share: validation, the posting rate limit, row locks, the live
broadcast and post numbering."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from taggit.utils import parse_tags

from accounts.models import User
from accounts.permissions import get_standing
from dialogue.realtime import send_on_commit, space_group
from forums import markdown
from forums.models import Post, Thread
from forums.signals import emit_on_commit

MAX_TITLE = 200
MAX_TAGS = 5
MAX_TAG_LENGTH = 40
MAX_REASON = 2000


class RateLimited(ValidationError):
    """Posting too fast. Carries a message meant for the person."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def thread_group(thread_id: int) -> str:
    """Channel-layer group of the people reading a thread live (topic ``thread.<id>``)."""
    return f"thread.{thread_id}"


# --- Helpers ----------------------------------------------------------------------------------


def _rate_limit() -> tuple[int, int]:
    return getattr(settings, "FORUMS_POST_RATE_LIMIT", (8, 60))


def check_post_rate(user: User) -> None:
    """Fixed-window limit on new threads and replies per person (cache-based: it relaxes
    while the cache is unavailable, by design — see PITFALLS, Redis down)."""
    limit, window = _rate_limit()
    key = f"forums:post-rate:{user.pk}:{int(time.time() // window)}"
    if cache.add(key, 1, timeout=window):
        return
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return
    if count is not None and count > limit:
        raise RateLimited(
            _(
                "You are posting faster than the forum allows (%(limit)d posts per "
                "%(seconds)d seconds). Please wait a moment and try again; your text is kept below."
            ),
            code="rate_limited",
            params={"limit": limit, "seconds": window},
        )


def _clean_body(body: str) -> tuple[str, str]:
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write something first."), code="empty")
    return body, markdown.render(body)


def _clean_language(language: str | None, user: User) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    if language:
        if language not in codes:
            raise ValidationError(_("Choose one of the listed languages."), code="language")
        return language
    preferred = getattr(user, "preferred_language", "")
    return preferred if preferred in codes else settings.LANGUAGE_CODE


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError(_("Give the thread a title."), code="empty_title")
    if len(title) > MAX_TITLE:
        raise ValidationError(
            _("The title is too long (the limit is %(limit)d characters)."),
            code="long_title",
            params={"limit": MAX_TITLE},
        )
    return title


def _clean_tags(tags: str | list[str] | tuple[str, ...]) -> list[str]:
    names = parse_tags(tags) if isinstance(tags, str) else [t.strip() for t in tags if t.strip()]
    names = list(dict.fromkeys(name.lower() for name in names))
    if len(names) > MAX_TAGS:
        raise ValidationError(
            _("Use at most %(limit)d tags."), code="too_many_tags", params={"limit": MAX_TAGS}
        )
    if any(len(name) > MAX_TAG_LENGTH for name in names):
        raise ValidationError(
            _("A tag may have at most %(limit)d characters."),
            code="long_tag",
            params={"limit": MAX_TAG_LENGTH},
        )
    return names


def _clean_reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError(_("Give a reason; it is shown with the hidden item and logged."))
    return reason[:MAX_REASON]


def _lock_thread_row(thread: Thread) -> Thread:
    return Thread.objects.select_for_update().get(pk=thread.pk)


def _broadcast(thread: Thread, event: str, **payload) -> None:
    """Live update for readers of the thread. Content-free on purpose (ids and numbers): the
    client fetches what changed through the access-checked fragment view, so a reader whose
    access ended meanwhile learns nothing."""
    send_on_commit(
        thread_group(thread.pk),
        {
            "type": "group.message",
            "payload": {
                "type": "forum.event",
                "topic": f"thread:{thread.pk}",
                "event": event,
                "thread": thread.pk,
                **payload,
            },
        },
    )


def _post_event(post: Post, event: str, *, actor_id: int | None, **extra) -> None:
    """What every change to a post announces, after commit: ``forum_event`` for the
    notifications and search (``extra`` travels with it) and the content-free live frame for
    readers of the thread, whose pages fetch the post's fragment."""
    emit_on_commit(
        event,
        thread_id=post.thread_id,
        post_id=post.pk,
        space_id=post.thread.space_id,
        actor_id=actor_id,
        **extra,
    )
    _broadcast(
        post.thread,
        event,
        post=post.pk,
        number=post.number,
        fragment=reverse("forums:post_fragment", args=[post.pk]),
    )


def _announce_activity(thread: Thread) -> None:
    """Tell readers of the space's thread list that something new was posted (topic
    ``space:<id>``, whose subscribers are the space's readers). Content-free: the thread's id
    only; the list page offers a reload."""
    send_on_commit(
        space_group(thread.space_id),
        {
            "type": "group.message",
            "payload": {
                "type": "forum.event",
                "topic": f"space:{thread.space_id}",
                "event": "space.activity",
                "space": thread.space_id,
                "thread": thread.pk,
            },
        },
    )


def _new_post(
    *, thread: Thread, author: User, body: str, html: str, language: str, quote_of: Post | None, now
) -> Post:
    locked = _lock_thread_row(thread)
    number = locked.last_post_number + 1
    post = Post.objects.create(
        thread=locked,
        number=number,
        author=author,
        author_organization_id=get_standing(author).organization_id,
        body_markdown=body,
        body_html=html,
        language=language,
        quote_of=quote_of,
        created_at=now,
    )
    Thread.objects.filter(pk=locked.pk).update(
        last_post_number=number,
        reply_count=max(number - 1, 0),
        last_activity_at=now,
    )
    thread.last_post_number = number
    thread.reply_count = max(number - 1, 0)
    thread.last_activity_at = now
    _announce_activity(thread)
    return post
