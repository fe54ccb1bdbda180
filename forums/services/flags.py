"""Flags: a member reports a post to the space's moderators; a moderator dismisses the flag
or hides the post (``hide_post`` resolves every open flag on it). Flagging is a member's
action (not audited; the queue shows moderators who flagged); resolutions are audited in the
space's log."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import record
from forums import permissions
from forums.models import Post, PostFlag
from forums.services._common import MAX_REASON, _require


def _already_flagged() -> ValidationError:
    return ValidationError(
        _("You have already flagged this post; the moderators will look at it."),
        code="already_flagged",
    )


def flag_post(*, user: User, post: Post, reason: str, note: str = "") -> PostFlag:
    """Open a flag. Raises ValidationError when this person already has an open flag on the
    post (also under a race: the partial unique constraint decides), PermissionDenied when
    they may not flag it at all."""
    if reason not in PostFlag.Reason.values:
        raise ValidationError(_("Choose a reason."), code="invalid_reason")
    note = (note or "").strip()
    if len(note) > MAX_REASON:
        raise ValidationError(
            _("Keep the note under %(max)d characters."), code="too_long", params={"max": MAX_REASON}
        )
    _require(permissions.can_flag_post_here(user, post), _("You cannot flag this post."))
    if not permissions.can_flag_post(user, post):
        raise _already_flagged()
    try:
        with transaction.atomic():
            return PostFlag.objects.create(post=post, flagged_by=user, reason=reason, note=note)
    except IntegrityError:
        raise _already_flagged() from None


@transaction.atomic
def dismiss_flag(
    *, actor: User, flag: PostFlag, request: HttpRequest | None = None
) -> PostFlag:
    flag = (
        PostFlag.objects.select_for_update(of=("self",))
        .select_related("post__thread__space")
        .get(pk=flag.pk)
    )
    if not permissions.can_resolve_flag(actor, flag):
        raise PermissionDenied(_("You do not moderate this space."))
    if not flag.is_open:
        return flag
    flag.resolved_at, flag.resolved_by, flag.resolution = (
        timezone.now(),
        actor,
        PostFlag.Resolution.DISMISSED,
    )
    flag.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    record(
        actor=actor,
        action="forums.flag.dismiss",
        target=flag,
        space=flag.post.thread.space,
        details={"post": flag.post_id, "reason": flag.reason},
        request=request,
    )
    return flag


def resolve_open_flags(*, actor: User, post: Post, resolution: str) -> int:
    """Close every open flag on ``post`` (inside the caller's transaction). Returns how many."""
    return PostFlag.objects.filter(post=post, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=actor, resolution=resolution
    )
