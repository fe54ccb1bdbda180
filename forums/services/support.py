"""“I support this”: once per person per post, revocable, counted by group."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import get_standing
from forums import permissions
from forums.models import Post, PostSupport
from forums.services._common import (
    _broadcast,
    _require,
)
from forums.signals import emit_on_commit

# --- Support ----------------------------------------------------------------------------------


@transaction.atomic
def support_post(*, user: User, post: Post) -> PostSupport:
    """ "I support this" — once per person, idempotent. Only active, verified members of the
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
        "post.supported",
        thread_id=post.thread_id,
        post_id=post.pk,
        space_id=post.thread.space_id,
        actor_id=user.pk,
    )
    _broadcast(post.thread, "post.supported", post=post.pk, number=post.number)
    return support


@transaction.atomic
def withdraw_support(*, user: User, post: Post) -> None:
    deleted, _rows = PostSupport.objects.filter(post=post, user=user).delete()
    if deleted:
        emit_on_commit(
            "post.support_withdrawn",
            thread_id=post.thread_id,
            post_id=post.pk,
            space_id=post.thread.space_id,
            actor_id=user.pk,
        )
        _broadcast(post.thread, "post.supported", post=post.pk, number=post.number)
