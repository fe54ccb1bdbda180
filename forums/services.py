"""Every forum write. Each validates, saves, audits moderator actions (into the space's audit
log), and queues its "something happened" event and any live update for after commit."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from taggit.utils import parse_tags

from accounts.models import User
from accounts.permissions import get_standing
from audit.services import record
from dialogue import permissions as space_permissions
from dialogue.models import Space
from dialogue.realtime import send_on_commit
from forums import markdown, permissions
from forums.models import Post, PostRevision, PostSupport, Thread
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


def _new_post(*, thread: Thread, author: User, body: str, html: str, language: str,
              quote_of: Post | None, now) -> Post:
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
    return post


# --- Threads and posts ------------------------------------------------------------------------


@transaction.atomic
def start_thread(
    *,
    author: User,
    space: Space,
    title: str,
    body: str,
    language: str | None = None,
    tags: str | list[str] | tuple[str, ...] = (),
) -> Thread:
    _require(permissions.can_start_thread(author, space), _("You cannot start a thread here."))
    title = _clean_title(title)
    body, html = _clean_body(body)
    language = _clean_language(language, author)
    tag_names = _clean_tags(tags)
    check_post_rate(author)
    now = timezone.now()
    thread = Thread.objects.create(
        space=space,
        title=title,
        author=author,
        author_organization_id=get_standing(author).organization_id,
        created_at=now,
        last_activity_at=now,
    )
    if tag_names:
        thread.tags.add(*tag_names)
    post = _new_post(
        thread=thread, author=author, body=body, html=html, language=language, quote_of=None, now=now
    )
    emit_on_commit(
        "thread.started", thread_id=thread.pk, post_id=post.pk, space_id=space.pk, actor_id=author.pk
    )
    return thread


@transaction.atomic
def reply_to_thread(
    *,
    author: User,
    thread: Thread,
    body: str,
    language: str | None = None,
    quote_of: Post | None = None,
) -> Post:
    thread = _lock_thread_row(thread)
    _require(permissions.can_reply(author, thread), _("You cannot reply to this thread."))
    if quote_of is not None and (
        quote_of.thread_id != thread.pk or quote_of.is_deleted or quote_of.is_hidden
    ):
        raise ValidationError(_("You can only quote a visible post of this thread."))
    body, html = _clean_body(body)
    language = _clean_language(language, author)
    check_post_rate(author)
    post = _new_post(
        thread=thread,
        author=author,
        body=body,
        html=html,
        language=language,
        quote_of=quote_of,
        now=timezone.now(),
    )
    emit_on_commit(
        "post.created",
        thread_id=thread.pk,
        post_id=post.pk,
        space_id=thread.space_id,
        actor_id=author.pk,
        quote_of_id=quote_of.pk if quote_of else None,
    )
    _broadcast(
        thread,
        "post.created",
        post=post.pk,
        number=post.number,
        fragment=reverse("forums:post_fragment", args=[post.pk]),
    )
    return post


@transaction.atomic
def edit_post(
    *,
    editor: User,
    post: Post,
    body: str,
    language: str | None = None,
    title: str | None = None,
) -> Post:
    """Edit one's own post; the previous text is kept as a revision and the post is marked
    edited. ``title`` renames the thread when the post is the opening post."""
    post = Post.objects.select_for_update().select_related("thread", "thread__space").get(pk=post.pk)
    _require(permissions.can_edit_post(editor, post), _("You cannot edit this post."))
    body, html = _clean_body(body)
    language = _clean_language(language or post.language, editor)
    new_title = _clean_title(title) if title is not None and post.is_opening else None
    changed_title = new_title is not None and new_title != post.thread.title
    if body == post.body_markdown and language == post.language and not changed_title:
        return post
    now = timezone.now()
    PostRevision.objects.create(
        post=post,
        body_markdown=post.body_markdown,
        body_html=post.body_html,
        language=post.language,
        written_at=post.edited_at or post.created_at,
        replaced_at=now,
        replaced_by=editor,
    )
    post.body_markdown, post.body_html, post.language, post.edited_at = body, html, language, now
    post.save(update_fields=["body_markdown", "body_html", "language", "edited_at"])
    if changed_title:
        Thread.objects.filter(pk=post.thread_id).update(title=new_title)
        post.thread.title = new_title
    emit_on_commit(
        "post.edited",
        thread_id=post.thread_id,
        post_id=post.pk,
        space_id=post.thread.space_id,
        actor_id=editor.pk,
    )
    _broadcast(post.thread, "post.edited", post=post.pk, number=post.number,
               fragment=reverse("forums:post_fragment", args=[post.pk]))
    return post


@transaction.atomic
def delete_post(*, user: User, post: Post) -> Post:
    """The author takes a post back. Soft: the row stays (numbering, quotes, history for
    moderators) and the thread shows "deleted by its author"."""
    post = Post.objects.select_for_update().select_related("thread", "thread__space").get(pk=post.pk)
    _require(permissions.can_delete_post(user, post), _("You cannot delete this post."))
    post.is_deleted = True
    post.deleted_at = timezone.now()
    post.save(update_fields=["is_deleted", "deleted_at"])
    emit_on_commit(
        "post.deleted", thread_id=post.thread_id, post_id=post.pk,
        space_id=post.thread.space_id, actor_id=user.pk,
    )
    _broadcast(post.thread, "post.deleted", post=post.pk, number=post.number,
               fragment=reverse("forums:post_fragment", args=[post.pk]))
    return post


# --- Support ----------------------------------------------------------------------------------


@transaction.atomic
def support_post(*, user: User, post: Post) -> PostSupport:
    """"I support this" — once per person, idempotent. Only active, verified members of the
    three groups (not observers, secretariat or caucus advisers) can support; see
    ``permissions.can_support``."""
    _require(permissions.can_support_post(user, post), _("You cannot support this post."))
    constituency = get_standing(user).constituency
    existing = PostSupport.objects.filter(post=post, user=user).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            support = PostSupport.objects.create(post=post, user=user, constituency=constituency)
    except IntegrityError:  # a concurrent click won the race
        return PostSupport.objects.get(post=post, user=user)
    emit_on_commit(
        "post.supported", thread_id=post.thread_id, post_id=post.pk,
        space_id=post.thread.space_id, actor_id=user.pk,
    )
    _broadcast(post.thread, "post.supported", post=post.pk, number=post.number)
    return support


@transaction.atomic
def withdraw_support(*, user: User, post: Post) -> None:
    deleted, _rows = PostSupport.objects.filter(post=post, user=user).delete()
    if deleted:
        emit_on_commit(
            "post.support_withdrawn", thread_id=post.thread_id, post_id=post.pk,
            space_id=post.thread.space_id, actor_id=user.pk,
        )
        _broadcast(post.thread, "post.supported", post=post.pk, number=post.number)


# --- Moderation (audited) ---------------------------------------------------------------------


def _require_moderator(actor: User, thread: Thread) -> None:
    _require(permissions.can_moderate_thread(actor, thread), _("You do not moderate this space."))


@transaction.atomic
def hide_post(*, actor: User, post: Post, reason: str, request: HttpRequest | None = None) -> Post:
    post = Post.objects.select_for_update().select_related("thread", "thread__space").get(pk=post.pk)
    _require_moderator(actor, post.thread)
    reason = _clean_reason(reason, required=True)
    post.is_hidden, post.hidden_reason, post.hidden_by, post.hidden_at = True, reason, actor, timezone.now()
    post.save(update_fields=["is_hidden", "hidden_reason", "hidden_by", "hidden_at"])
    record(actor=actor, action="forums.post.hide", target=post, space=post.thread.space,
           reason=reason, request=request)
    emit_on_commit("post.hidden", thread_id=post.thread_id, post_id=post.pk,
                   space_id=post.thread.space_id, actor_id=actor.pk)
    _broadcast(post.thread, "post.hidden", post=post.pk, number=post.number,
               fragment=reverse("forums:post_fragment", args=[post.pk]))
    return post


@transaction.atomic
def restore_post(*, actor: User, post: Post, request: HttpRequest | None = None) -> Post:
    post = Post.objects.select_for_update().select_related("thread", "thread__space").get(pk=post.pk)
    _require_moderator(actor, post.thread)
    if not post.is_hidden:
        return post
    post.is_hidden, post.hidden_reason, post.hidden_by, post.hidden_at = False, "", None, None
    post.save(update_fields=["is_hidden", "hidden_reason", "hidden_by", "hidden_at"])
    record(actor=actor, action="forums.post.restore", target=post, space=post.thread.space,
           request=request)
    emit_on_commit("post.restored", thread_id=post.thread_id, post_id=post.pk,
                   space_id=post.thread.space_id, actor_id=actor.pk)
    _broadcast(post.thread, "post.restored", post=post.pk, number=post.number,
               fragment=reverse("forums:post_fragment", args=[post.pk]))
    return post


def _set_thread_state(
    *, actor: User, thread: Thread, fields: dict, action: str, event: str,
    reason: str = "", request: HttpRequest | None = None, details: dict | None = None,
) -> Thread:
    thread = _lock_thread_row(thread)
    _require_moderator(actor, thread)
    for name, value in fields.items():
        setattr(thread, name, value)
    thread.save(update_fields=list(fields))
    record(actor=actor, action=action, target=thread, space=thread.space, reason=reason,
           request=request, details=details)
    emit_on_commit(event, thread_id=thread.pk, space_id=thread.space_id, actor_id=actor.pk)
    _broadcast(thread, event)
    return thread


@transaction.atomic
def lock_thread(*, actor: User, thread: Thread, locked: bool = True, reason: str = "",
                request: HttpRequest | None = None) -> Thread:
    """Lock (no new replies or edits) or unlock."""
    return _set_thread_state(
        actor=actor, thread=thread, fields={"is_locked": locked},
        action="forums.thread.lock" if locked else "forums.thread.unlock",
        event="thread.locked" if locked else "thread.unlocked",
        reason=_clean_reason(reason, required=False), request=request,
    )


@transaction.atomic
def pin_thread(*, actor: User, thread: Thread, pinned: bool = True,
               request: HttpRequest | None = None) -> Thread:
    return _set_thread_state(
        actor=actor, thread=thread, fields={"is_pinned": pinned},
        action="forums.thread.pin" if pinned else "forums.thread.unpin",
        event="thread.pinned" if pinned else "thread.unpinned", request=request,
    )


@transaction.atomic
def close_thread(*, actor: User, thread: Thread, summary: str,
                 request: HttpRequest | None = None) -> Thread:
    """Close with a summary of what the discussion concluded (shown at the top)."""
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError(_("Write what the discussion concluded."), code="empty_summary")
    html = markdown.render(summary)
    return _set_thread_state(
        actor=actor, thread=thread,
        fields={"closed_at": timezone.now(), "closed_summary": summary, "closed_summary_html": html},
        action="forums.thread.close", event="thread.closed", request=request,
    )


@transaction.atomic
def reopen_thread(*, actor: User, thread: Thread, request: HttpRequest | None = None) -> Thread:
    return _set_thread_state(
        actor=actor, thread=thread,
        fields={"closed_at": None, "closed_summary": "", "closed_summary_html": ""},
        action="forums.thread.reopen", event="thread.reopened", request=request,
    )


@transaction.atomic
def hide_thread(*, actor: User, thread: Thread, reason: str,
                request: HttpRequest | None = None) -> Thread:
    """Hide a whole thread: only the space's moderators still see it (and its reason)."""
    reason = _clean_reason(reason, required=True)
    return _set_thread_state(
        actor=actor, thread=thread, fields={"is_hidden": True, "hidden_reason": reason},
        action="forums.thread.hide", event="thread.hidden", reason=reason, request=request,
    )


@transaction.atomic
def restore_thread(*, actor: User, thread: Thread, request: HttpRequest | None = None) -> Thread:
    return _set_thread_state(
        actor=actor, thread=thread, fields={"is_hidden": False, "hidden_reason": ""},
        action="forums.thread.restore", event="thread.restored", request=request,
    )


@transaction.atomic
def move_thread(*, actor: User, thread: Thread, to_space: Space,
                request: HttpRequest | None = None) -> Thread:
    """Move a thread (with its posts, supports and tags) to another space the moderator also
    moderates. Visibility follows the space: every read path derives from ``thread.space``,
    so nothing stays reachable where it was."""
    thread = _lock_thread_row(thread)
    _require_moderator(actor, thread)
    _require(
        space_permissions.can_moderate_space(actor, to_space),
        _("You can only move a thread to a space you moderate."),
    )
    if to_space.pk == thread.space_id:
        raise ValidationError(_("The thread is already in this space."))
    from_space = thread.space
    # Readers of the old space are told before the move (content-free), so their open page
    # stops expecting updates; their next request answers by the new space's rules.
    _broadcast(thread, "thread.moved")
    thread.space = to_space
    thread.save(update_fields=["space"])
    record(actor=actor, action="forums.thread.move_out", target=thread, space=from_space,
           details={} if to_space.is_caucus else {"to_space": to_space.slug}, request=request)
    # Neither log names a caucus on the other side (its name is not for the other space's
    # moderators).
    record(actor=actor, action="forums.thread.move_in", target=thread, space=to_space,
           details={} if from_space.is_caucus else {"from_space": from_space.slug},
           request=request)
    emit_on_commit("thread.moved", thread_id=thread.pk, space_id=to_space.pk, actor_id=actor.pk,
                   from_space_id=from_space.pk)
    return thread
