"""Read state: how far each person has read each thread, unread counts for lists, and where
"jump to first unread" goes.

One row per (user, thread) in ``ThreadReadState`` holds the highest post number the person has
been shown. It only ever moves forward (``mark_read`` is a monotonic upsert, race-safe under
the unique constraint), so two tabs, a late request or a re-read of an earlier page never make
a thread unread again.

Costs, by design (the thread page benchmark is tight, docs/benchmarks.md):

* a list page: ``annotate_unread`` — one query for the whole page of threads;
* a thread page: ``mark_read`` — one statement on PostgreSQL (it returns the previous position
  and writes only when something new was shown); on SQLite a read and, only when something new
  was shown, the upsert.

Read state never decides access and never reveals anything: every function takes threads the
caller already fetched through ``forums.permissions`` (``mark_space_read`` starts from
``visible_threads`` itself), and counts are numbers of posts in threads the person can open.

**Never-opened threads.** A thread with no read state counts as *new* only when it was started
after the person's account was created and within ``FORUMS_NEW_THREAD_DAYS`` (default 14):
someone who joins the platform has not "missed" years of discussion, and a months-old thread
nobody pointed them to is not news. Once opened, a thread counts the replies after the last post
the person was shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone

from forums.models import POSTS_PER_PAGE, ThreadReadState

if TYPE_CHECKING:
    from collections.abc import Iterable

    from dialogue.models import Space
    from forums.models import Thread

DEFAULT_NEW_THREAD_DAYS = 14


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "pk", None) is not None


def _table() -> str:
    return connection.ops.quote_name(ThreadReadState._meta.db_table)


def _now_param():
    return connection.ops.adapt_datetimefield_value(timezone.now())


# --- Writing ------------------------------------------------------------------------------------


def _upsert_sql(table: str) -> str:
    """INSERT, or move an existing row forward; never backward (the WHERE of the DO UPDATE is
    evaluated against the row as it is when the statement gets its lock, so two concurrent calls
    end at the larger number). Same text on PostgreSQL and SQLite (≥ 3.24)."""
    return (
        f"INSERT INTO {table} (user_id, thread_id, last_read_number, updated_at) "
        f"VALUES (%s, %s, %s, %s) "
        f"ON CONFLICT (user_id, thread_id) DO UPDATE "
        f"SET last_read_number = excluded.last_read_number, updated_at = excluded.updated_at "
        f"WHERE {table}.last_read_number < excluded.last_read_number"
    )


def mark_read(user, thread: Thread, up_to_number: int) -> int | None:
    """Record that ``user`` has been shown ``thread`` up to post ``up_to_number``; return how far
    they had read before (``None``: never opened; also for anonymous visitors, who have no
    state). Writes nothing when the position would not move forward.

    Precondition: the caller has checked that the user may read the thread."""
    if not _signed_in(user):
        return None
    number = max(0, min(int(up_to_number), thread.last_post_number))
    table = _table()
    now = _now_param()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement: the previous position (the CTE's snapshot is taken before the
            # INSERT runs) and the upsert, which is not even attempted — no row lock, no dead
            # tuple — when the person had already read this far.
            cursor.execute(
                f"WITH old AS (SELECT last_read_number FROM {table} "
                f"WHERE user_id = %s AND thread_id = %s), "
                f"up AS (INSERT INTO {table} (user_id, thread_id, last_read_number, updated_at) "
                f"SELECT %s, %s, %s, %s WHERE NOT EXISTS "
                f"(SELECT 1 FROM old WHERE last_read_number >= %s) "
                f"ON CONFLICT (user_id, thread_id) DO UPDATE "
                f"SET last_read_number = excluded.last_read_number, "
                f"updated_at = excluded.updated_at "
                f"WHERE {table}.last_read_number < excluded.last_read_number RETURNING 1) "
                f"SELECT (SELECT last_read_number FROM old)",
                [user.pk, thread.pk, user.pk, thread.pk, number, now, number],
            )
            return cursor.fetchone()[0]
        cursor.execute(
            f"SELECT last_read_number FROM {table} WHERE user_id = %s AND thread_id = %s",
            [user.pk, thread.pk],
        )
        row = cursor.fetchone()
        previous = None if row is None else row[0]
        if previous is None or previous < number:
            cursor.execute(_upsert_sql(table), [user.pk, thread.pk, number, now])
        return previous


def mark_space_read(user, space: Space) -> None:
    """ "Mark all read": every thread of ``space`` the user may see, up to its last post, in one
    statement (threads the user may not see are not touched, and the rows say nothing anyone
    else can read)."""
    from forums.permissions import visible_threads

    if not _signed_in(user):
        return
    # Named columns, so the statement below can address them whatever the backend calls "pk".
    threads = (
        visible_threads(user)
        .filter(space=space)
        .order_by()
        .annotate(rs_thread=F("pk"), rs_number=F("last_post_number"))
        .values_list("rs_thread", "rs_number")
    )
    inner_sql, inner_params = threads.query.sql_with_params()
    table = _table()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, thread_id, last_read_number, updated_at) "
            f"SELECT %s, visible.rs_thread, visible.rs_number, %s FROM ({inner_sql}) visible "
            # "WHERE 1 = 1": SQLite needs a WHERE before ON CONFLICT in INSERT … SELECT.
            f"WHERE 1 = 1 "
            f"ON CONFLICT (user_id, thread_id) DO UPDATE "
            f"SET last_read_number = excluded.last_read_number, updated_at = excluded.updated_at "
            f"WHERE {table}.last_read_number < excluded.last_read_number",
            [user.pk, _now_param(), *inner_params],
        )


# --- Reading ------------------------------------------------------------------------------------


def _new_since(user):
    days = getattr(settings, "FORUMS_NEW_THREAD_DAYS", DEFAULT_NEW_THREAD_DAYS)
    window_start = timezone.now() - timedelta(days=days)
    joined = getattr(user, "date_joined", None)
    return max(window_start, joined) if joined is not None else window_start


@dataclass(frozen=True)
class Unread:
    """What a list shows of one thread: ``is_new`` (never opened, started recently),
    ``new_replies`` (posts after the last one shown to the person)."""

    is_new: bool = False
    new_replies: int = 0

    @property
    def is_unread(self) -> bool:
        return self.is_new or self.new_replies > 0


NOTHING_UNREAD = Unread()


def annotate_unread(threads: Iterable[Thread], user) -> None:
    """Set ``thread.unread`` (an ``Unread``) on each thread of a page, in one query (none for
    anonymous visitors). The threads must come from ``forums.permissions``."""
    threads = list(threads)
    if not _signed_in(user) or not threads:
        for thread in threads:
            thread.unread = NOTHING_UNREAD
        return
    read = dict(
        ThreadReadState.objects.filter(
            user_id=user.pk, thread_id__in=[t.pk for t in threads]
        ).values_list("thread_id", "last_read_number")
    )
    new_since = _new_since(user)
    for thread in threads:
        last_read = read.get(thread.pk)
        if last_read is None:
            thread.unread = Unread(is_new=thread.created_at >= new_since)
        elif last_read < thread.last_post_number:
            thread.unread = Unread(new_replies=thread.last_post_number - last_read)
        else:
            thread.unread = NOTHING_UNREAD


def last_read_number(user, thread: Thread) -> int | None:
    if not _signed_in(user):
        return None
    return (
        ThreadReadState.objects.filter(user_id=user.pk, thread_id=thread.pk)
        .values_list("last_read_number", flat=True)
        .first()
    )


def first_unread_after(thread: Thread, last_read: int | None) -> int:
    """The number of the first post after ``last_read``; the opening post for a thread never
    opened, the last post when everything has been read."""
    if last_read is None:
        return 1
    return max(1, min(last_read + 1, thread.last_post_number))


def first_unread_number(user, thread: Thread) -> int:
    """Where "jump to first unread" lands (one query)."""
    return first_unread_after(thread, last_read_number(user, thread))


def page_of(number: int) -> int:
    return (number - 1) // POSTS_PER_PAGE + 1
