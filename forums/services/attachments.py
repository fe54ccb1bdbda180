"""Attachments: files stored through Django's storage API (``STORAGES["default"]``) under a
random name, described by a ``PostAttachment`` row, served only by ``forums:attachment``."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files import File
from django.db import transaction

from accounts.models import User
from forums import attachments as rules
from forums.models import Post, PostAttachment


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
