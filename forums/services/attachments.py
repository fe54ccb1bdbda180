"""Attachments: files stored through Django's storage API (``STORAGES["default"]``) under a
random name, described by a ``PostAttachment`` row, served only by ``forums:attachment``."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from forums import attachments as rules
from forums import permissions
from forums.models import Post, PostAttachment
from forums.services._common import _post_event, _require


def add_attachments(*, post: Post, files: Iterable, user: User) -> list[PostAttachment]:
    """Validate ``files`` (sniffed from their bytes; see ``forums.attachments``) and attach
    them to ``post``. Call inside the transaction that writes the post: a refused file raises
    ValidationError before anything is stored, so the post is not saved either.

    The files are written to storage before their rows; if writing fails here, the files
    already stored are deleted. A rollback of the caller's transaction *after* this returns
    leaves stored files without rows: unreachable (random names, no URL), but taking space
    (Django has no on-rollback hook; see docs/forums.md, Attachments)."""
    files = [f for f in files if f]
    if not files:
        return []
    already = post.attachments.count() if post.pk else 0
    checked = rules.check_files(files, already=already)
    stored: list[PostAttachment] = []
    try:
        with transaction.atomic():
            for item in checked:
                attachment = PostAttachment(
                    post=post,
                    original_name=item.name,
                    content_type=item.kind.content_type,
                    size=item.size,
                    uploaded_by=user,
                )
                # The name passed here is ignored by ``upload_to`` (a random one is used).
                attachment.file.save(item.name, File(item.file), save=False)
                stored.append(attachment)
                attachment.save()
    except BaseException:
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    return stored


@transaction.atomic
def change_post_attachments(
    *, editor: User, post: Post, add: Iterable = (), remove: Iterable[int] = ()
) -> Post:
    """The author adds files to their post or takes some away (while they may edit it). The
    post is marked edited and readers' pages refresh it; removed files leave storage once the
    transaction commits. ``remove``: ids of the post's own attachments (others are ignored)."""
    post = (
        Post.objects.select_for_update().select_related("thread", "thread__space").get(pk=post.pk)
    )
    _require(permissions.can_edit_post(editor, post), _("You cannot edit this post."))
    remove_ids = {int(pk) for pk in remove}
    removed = [a for a in post.attachments.all() if a.pk in remove_ids]
    files = [f for f in add if f]
    if not removed and not files:
        return post
    kept = post.attachments.count() - len(removed)
    rules.check_files(files, already=kept)  # before anything changes
    for attachment in removed:
        name, storage = attachment.file.name, attachment.file.storage
        attachment.delete()
        transaction.on_commit(lambda n=name, s=storage: s.delete(n), robust=True)
    add_attachments(post=post, files=files, user=editor)
    post.edited_at = timezone.now()
    post.save(update_fields=["edited_at"])
    _post_event(post, "post.edited", actor_id=editor.pk)
    return post
