"""Moderator actions, each audited in the space's log: hide/restore posts and threads, lock,
pin, close with a conclusion, reopen, move."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import record
from dialogue import permissions as space_permissions
from dialogue.models import Space
from forums import markdown, permissions
from forums.models import Post, PostFlag, Thread
from forums.services._common import (
    _broadcast,
    _clean_reason,
    _lock_thread_row,
    _post_event,
    _require,
)
from forums.services.flags import resolve_open_flags
from forums.signals import emit_on_commit

# --- Moderation (audited) ---------------------------------------------------------------------


def _require_moderator(actor: User, thread: Thread) -> None:
    _require(permissions.can_moderate_thread(actor, thread), _("You do not moderate this space."))


@transaction.atomic
def hide_post(*, actor: User, post: Post, reason: str, request: HttpRequest | None = None) -> Post:
    post = (
        Post.objects.select_for_update().select_related("thread", "thread__space").get(pk=post.pk)
    )
    _require_moderator(actor, post.thread)
    reason = _clean_reason(reason, required=True)
    post.is_hidden, post.hidden_reason, post.hidden_by, post.hidden_at = (
        True,
        reason,
        actor,
        timezone.now(),
    )
    post.save(update_fields=["is_hidden", "hidden_reason", "hidden_by", "hidden_at"])
    # Hiding answers every open flag on the post (from the review queue or the thread page).
    resolved = resolve_open_flags(actor=actor, post=post, resolution=PostFlag.Resolution.HIDDEN)
    record(
        actor=actor,
        action="forums.post.hide",
        target=post,
        space=post.thread.space,
        reason=reason,
        request=request,
        details={"flags_resolved": resolved} if resolved else None,
    )
    _post_event(post, "post.hidden", actor_id=actor.pk)
    return post


@transaction.atomic
def restore_post(*, actor: User, post: Post, request: HttpRequest | None = None) -> Post:
    post = (
        Post.objects.select_for_update().select_related("thread", "thread__space").get(pk=post.pk)
    )
    _require_moderator(actor, post.thread)
    if not post.is_hidden:
        return post
    post.is_hidden, post.hidden_reason, post.hidden_by, post.hidden_at = False, "", None, None
    post.save(update_fields=["is_hidden", "hidden_reason", "hidden_by", "hidden_at"])
    record(
        actor=actor,
        action="forums.post.restore",
        target=post,
        space=post.thread.space,
        request=request,
    )
    _post_event(post, "post.restored", actor_id=actor.pk)
    return post


def _set_thread_state(
    *,
    actor: User,
    thread: Thread,
    fields: dict,
    action: str,
    event: str,
    reason: str = "",
    request: HttpRequest | None = None,
    details: dict | None = None,
) -> Thread:
    thread = _lock_thread_row(thread)
    _require_moderator(actor, thread)
    for name, value in fields.items():
        setattr(thread, name, value)
    thread.save(update_fields=list(fields))
    record(
        actor=actor,
        action=action,
        target=thread,
        space=thread.space,
        reason=reason,
        request=request,
        details=details,
    )
    emit_on_commit(event, thread_id=thread.pk, space_id=thread.space_id, actor_id=actor.pk)
    _broadcast(thread, event)
    return thread


@transaction.atomic
def lock_thread(
    *,
    actor: User,
    thread: Thread,
    locked: bool = True,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Thread:
    """Lock (no new replies or edits) or unlock."""
    return _set_thread_state(
        actor=actor,
        thread=thread,
        fields={"is_locked": locked},
        action="forums.thread.lock" if locked else "forums.thread.unlock",
        event="thread.locked" if locked else "thread.unlocked",
        reason=_clean_reason(reason, required=False),
        request=request,
    )


@transaction.atomic
def pin_thread(
    *, actor: User, thread: Thread, pinned: bool = True, request: HttpRequest | None = None
) -> Thread:
    return _set_thread_state(
        actor=actor,
        thread=thread,
        fields={"is_pinned": pinned},
        action="forums.thread.pin" if pinned else "forums.thread.unpin",
        event="thread.pinned" if pinned else "thread.unpinned",
        request=request,
    )


@transaction.atomic
def close_thread(
    *, actor: User, thread: Thread, summary: str, request: HttpRequest | None = None
) -> Thread:
    """Close with a summary of what the discussion concluded (shown at the top)."""
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError(_("Write what the discussion concluded."), code="empty_summary")
    html = markdown.render(summary)
    return _set_thread_state(
        actor=actor,
        thread=thread,
        fields={
            "closed_at": timezone.now(),
            "closed_summary": summary,
            "closed_summary_html": html,
        },
        action="forums.thread.close",
        event="thread.closed",
        request=request,
    )


@transaction.atomic
def reopen_thread(*, actor: User, thread: Thread, request: HttpRequest | None = None) -> Thread:
    return _set_thread_state(
        actor=actor,
        thread=thread,
        fields={"closed_at": None, "closed_summary": "", "closed_summary_html": ""},
        action="forums.thread.reopen",
        event="thread.reopened",
        request=request,
    )


@transaction.atomic
def hide_thread(
    *, actor: User, thread: Thread, reason: str, request: HttpRequest | None = None
) -> Thread:
    """Hide a whole thread: only the space's moderators still see it (and its reason)."""
    reason = _clean_reason(reason, required=True)
    return _set_thread_state(
        actor=actor,
        thread=thread,
        fields={"is_hidden": True, "hidden_reason": reason},
        action="forums.thread.hide",
        event="thread.hidden",
        reason=reason,
        request=request,
    )


@transaction.atomic
def restore_thread(*, actor: User, thread: Thread, request: HttpRequest | None = None) -> Thread:
    return _set_thread_state(
        actor=actor,
        thread=thread,
        fields={"is_hidden": False, "hidden_reason": ""},
        action="forums.thread.restore",
        event="thread.restored",
        request=request,
    )


@transaction.atomic
def move_thread(
    *, actor: User, thread: Thread, to_space: Space, request: HttpRequest | None = None
) -> Thread:
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
    record(
        actor=actor,
        action="forums.thread.move_out",
        target=thread,
        space=from_space,
        details={} if to_space.is_caucus else {"to_space": to_space.slug},
        request=request,
    )
    # Neither log names a caucus on the other side (its name is not for the other space's
    # moderators).
    record(
        actor=actor,
        action="forums.thread.move_in",
        target=thread,
        space=to_space,
        details={} if from_space.is_caucus else {"from_space": from_space.slug},
        request=request,
    )
    emit_on_commit(
        "thread.moved",
        thread_id=thread.pk,
        space_id=to_space.pk,
        actor_id=actor.pk,
        from_space_id=from_space.pk,
    )
    return thread
