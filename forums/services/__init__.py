"""Every forum write. Each validates, saves, audits moderator actions (into the space's audit
log), and queues its "something happened" event and any live update for after commit.

A package (threads and posts, support, moderation); import from here:
``from forums import services; services.reply_to_thread(...)``.
"""

from forums.services._common import (
    MAX_REASON,
    MAX_TAG_LENGTH,
    MAX_TAGS,
    MAX_TITLE,
    RateLimited,
    check_post_rate,
    thread_group,
)
from forums.services.attachments import add_attachments, change_post_attachments
from forums.services.flags import dismiss_flag, flag_post
from forums.services.moderation import (
    close_thread,
    hide_post,
    hide_thread,
    lock_thread,
    move_thread,
    pin_thread,
    reopen_thread,
    restore_post,
    restore_thread,
)
from forums.services.posts import delete_post, edit_post, reply_to_thread, start_thread
from forums.services.support import support_post, withdraw_support

__all__ = [
    "MAX_REASON",
    "MAX_TAGS",
    "MAX_TAG_LENGTH",
    "MAX_TITLE",
    "RateLimited",
    "add_attachments",
    "change_post_attachments",
    "check_post_rate",
    "close_thread",
    "delete_post",
    "dismiss_flag",
    "edit_post",
    "flag_post",
    "hide_post",
    "hide_thread",
    "lock_thread",
    "move_thread",
    "pin_thread",
    "reopen_thread",
    "reply_to_thread",
    "restore_post",
    "restore_thread",
    "start_thread",
    "support_post",
    "thread_group",
    "withdraw_support",
]
