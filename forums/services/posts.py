"""Threads and posts: start, reply (quote-reply), edit (with revisions), soft delete."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import get_standing
from dialogue.models import Space
from forums import mentions, permissions
from forums.models import Post, PostRevision, Thread
from forums.services._common import (
    _clean_body,
    _clean_language,
    _clean_tags,
    _clean_title,
    _lock_thread_row,
    _new_post,
    _post_event,
    _require,
    check_post_rate,
)
from forums.services.attachments import add_attachments
from forums.signals import emit_on_commit

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
    attachments=(),
) -> Thread:
    _require(permissions.can_start_thread(author, space), _("You cannot start a thread here."))
    title = _clean_title(title)
    body, html = _clean_body(body)
    html, mentioned = mentions.link_mentions(body, html, space=space, author=author)
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
        thread=thread,
        author=author,
        body=body,
        html=html,
        language=language,
        quote_of=None,
        now=now,
    )
    mentioned = mentions.record_mentions(post, mentioned)
    emit_on_commit(
        "thread.started",
        thread_id=thread.pk,
        post_id=post.pk,
        space_id=space.pk,
        actor_id=author.pk,
        mentioned_user_ids=mentioned,
    )
    if attachments:
        add_attachments(post=post, files=attachments, user=author)
    return thread


@transaction.atomic
def reply_to_thread(
    *,
    author: User,
    thread: Thread,
    body: str,
    language: str | None = None,
    quote_of: Post | None = None,
    attachments=(),
) -> Post:
    thread = _lock_thread_row(thread)
    _require(permissions.can_reply(author, thread), _("You cannot reply to this thread."))
    if quote_of is not None and (
        quote_of.thread_id != thread.pk or quote_of.is_deleted or quote_of.is_hidden
    ):
        raise ValidationError(_("You can only quote a visible post of this thread."))
    body, html = _clean_body(body)
    html, mentioned = mentions.link_mentions(
        body, html, space=thread.space, author=author, thread=thread
    )
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
    mentioned = mentions.record_mentions(post, mentioned)
    _post_event(
        post,
        "post.created",
        actor_id=author.pk,
        quote_of_id=quote_of.pk if quote_of else None,
        mentioned_user_ids=mentioned,
    )
    if attachments:
        add_attachments(post=post, files=attachments, user=author)
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
    post = (
        Post.objects.select_for_update().select_related("thread", "thread__space").get(pk=post.pk)
    )
    _require(permissions.can_edit_post(editor, post), _("You cannot edit this post."))
    body, html = _clean_body(body)
    html, mentioned = mentions.link_mentions(
        body, html, space=post.thread.space, author=editor, thread=post.thread
    )
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
    added = mentions.record_mentions(post, mentioned)
    _post_event(
        post,
        "post.edited",
        actor_id=editor.pk,
        mentioned_user_ids=added,
    )
    return post


@transaction.atomic
def delete_post(*, user: User, post: Post) -> Post:
    """The author takes a post back. Soft: the row stays (numbering, quotes, history for
    moderators) and the thread shows "deleted by its author"."""
    post = (
        Post.objects.select_for_update().select_related("thread", "thread__space").get(pk=post.pk)
    )
    _require(permissions.can_delete_post(user, post), _("You cannot delete this post."))
    post.is_deleted = True
    post.deleted_at = timezone.now()
    post.save(update_fields=["is_deleted", "deleted_at"])
    _post_event(post, "post.deleted", actor_id=user.pk)
    return post
