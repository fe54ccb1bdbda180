"""Access to threads and posts: the one place that decides. Every forum read path starts from
``visible_threads``/``visible_posts`` or a ``get_*_for_user`` (404 for missing and forbidden
alike). Everything inherits its space's rules from ``dialogue.permissions``:

* read a thread ⇔ read its space; a hidden thread only for the space's moderators;
* write (start, reply, edit, support) ⇔ write in the space (active member, verified);
* moderate ⇔ moderate the space (a caucus: its own moderators only — never staff or the
  parent space's moderators).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import Affiliation, User
from accounts.permissions import get_standing
from dialogue import permissions as space_permissions
from dialogue.models import Membership, Space
from forums.models import Post, PostAttachment, PostFlag, Thread

# --- Querysets --------------------------------------------------------------------------------


def visible_threads(user) -> QuerySet[Thread]:
    """Threads whose title and content this user may see."""
    readable = space_permissions.readable_spaces(user).values("pk")
    moderated = space_permissions.moderated_spaces(user).values("pk")
    return Thread.objects.filter(space__in=readable).filter(
        Q(is_hidden=False) | Q(space__in=moderated)
    )


def visible_posts(user) -> QuerySet[Post]:
    """Posts whose text this user may read (for search, notifications, profiles, counts):
    in visible threads, not deleted by their author, and not hidden (unless the user
    moderates the space). Thread pages show a short notice ("deleted", "hidden") in place of the others."""
    moderated = space_permissions.moderated_spaces(user).values("pk")
    return Post.objects.filter(thread__in=visible_threads(user), is_deleted=False).filter(
        Q(is_hidden=False) | Q(thread__space__in=moderated)
    )


def visible_tags_in_space(user, space: Space):
    """Tags used on threads of ``space`` this user may see (tags are global objects)."""
    from taggit.models import Tag

    return Tag.objects.filter(
        forums_taggedthread_items__content_object__in=visible_threads(user).filter(space=space)
    ).distinct()


def visible_tags(user):
    """Tags used on any thread this user may see (across every space they may read)."""
    from taggit.models import Tag

    return Tag.objects.filter(
        forums_taggedthread_items__content_object__in=visible_threads(user)
    ).distinct()


# --- Predicates -------------------------------------------------------------------------------


def can_read_thread(user, thread: Thread) -> bool:
    if not space_permissions.can_read_space(user, thread.space):
        return False
    return not thread.is_hidden or space_permissions.can_moderate_space(user, thread.space)


def can_start_thread(user, space: Space) -> bool:
    return space_permissions.can_write_in_space(user, space)


def can_moderate_thread(user, thread: Thread) -> bool:
    return space_permissions.can_moderate_space(user, thread.space)


def _thread_open(thread: Thread) -> bool:
    return not thread.is_locked and not thread.is_closed and not thread.is_hidden


def can_reply(user, thread: Thread) -> bool:
    """Write access, and the thread is neither locked, closed nor hidden (moderators too:
    they unlock or reopen first, which is logged)."""
    return _thread_open(thread) and space_permissions.can_write_in_space(user, thread.space)


@dataclass(frozen=True, slots=True)
class ThreadViewer:
    """What one viewer may do in one thread, decided once (memoised space checks, no
    queries of its own): the per-post predicates below are plain arithmetic on it, so a
    thread page asks them for a page of posts at no cost (issue #3's benchmark)."""

    user_id: int | None
    thread_open: bool
    can_write: bool
    can_moderate: bool
    can_support_here: bool
    thread_hidden: bool
    thread_closed: bool

    def is_author(self, post: Post) -> bool:
        return self.user_id is not None and post.author_id == self.user_id

    def can_edit(self, post: Post) -> bool:
        return (
            self.is_author(post)
            and not post.is_deleted
            and not post.is_hidden
            and self.thread_open
            and self.can_write
        )

    def can_delete(self, post: Post) -> bool:
        """Authors soft-delete their own posts (also in a locked thread: taking words back
        is always allowed while one still belongs to the space)."""
        return self.is_author(post) and not post.is_deleted and self.can_write

    def can_view_history(self, post: Post) -> bool:
        return self.is_author(post) or self.can_moderate

    def can_support(self, post: Post) -> bool:
        return (
            self.can_support_here
            and not post.is_deleted
            and not post.is_hidden
            and not self.thread_hidden
            and not self.thread_closed
            and not self.is_author(post)
        )

    def may_flag(self) -> bool:
        """The part of flagging shared by every post of the thread: active writers of the
        space who can read the thread (the caller has already checked reading)."""
        return self.can_write

    def can_flag_here(self, post: Post) -> bool:
        return (
            self.may_flag() and not post.is_deleted and not post.is_hidden
            and not self.is_author(post)
        )


def thread_viewer(user, thread: Thread) -> ThreadViewer:
    """The viewer's abilities in ``thread`` (read access is the caller's: a thread is only
    ever in hand through ``get_thread_for_user``/``visible_threads``)."""
    space = thread.space
    standing = get_standing(user)
    can_write = space_permissions.can_write_in_space(user, space)
    return ThreadViewer(
        user_id=standing.user_id if standing.is_authenticated else None,
        thread_open=_thread_open(thread),
        can_write=can_write,
        can_moderate=space_permissions.can_moderate_space(user, space),
        can_support_here=can_write and can_support(user, space),
        thread_hidden=thread.is_hidden,
        thread_closed=thread.is_closed,
    )


def can_edit_post(user, post: Post) -> bool:
    return thread_viewer(user, post.thread).can_edit(post)


def can_delete_post(user, post: Post) -> bool:
    return thread_viewer(user, post.thread).can_delete(post)


def can_view_post_history(user, post: Post) -> bool:
    return thread_viewer(user, post.thread).can_view_history(post)


def can_support(user, space: Space) -> bool:
    """Who may say "I support this" in a space at all: active, verified members of one of the
    three groups. Observers, the secretariat and caucus advisers take part in the discussion
    but do not count in a group tally, so they are not offered the button (decision recorded
    in docs/forums.md)."""
    standing = get_standing(user)
    if not standing.in_tripartite_group or not space_permissions.can_write_in_space(user, space):
        return False
    membership = space_permissions.membership_of(user, space)
    return membership is not None and membership.role != Membership.Role.ADVISER


def can_support_post(user, post: Post) -> bool:
    return thread_viewer(user, post.thread).can_support(post)


def can_hide_post(user, post: Post) -> bool:
    return can_moderate_thread(user, post.thread)


def may_flag_in_thread(user, thread: Thread) -> bool:
    """The part of ``can_flag_post`` shared by every post of a thread page: active writers of
    the space who can read the thread."""
    return can_read_thread(user, thread) and thread_viewer(user, thread).may_flag()


def can_flag_post_here(user, post: Post) -> bool:
    """``can_flag_post`` without the "already flagged" lookup (for the thread page's forms;
    the service refuses a second open flag with a clear message)."""
    return can_read_thread(user, post.thread) and thread_viewer(user, post.thread).can_flag_here(
        post
    )


def can_flag_post(user, post: Post) -> bool:
    """Flag a post for the moderators: an active writer of the space who can read it, not
    the author, and without an open flag of their own on it."""
    if not can_flag_post_here(user, post):
        return False
    return not PostFlag.objects.filter(
        post=post, flagged_by_id=get_standing(user).user_id, resolved_at__isnull=True
    ).exists()


def visible_flags(user) -> QuerySet[PostFlag]:
    """Flags this user may see: those on posts of spaces they moderate (a caucus's flags only
    to its own moderators; staff never see caucus flags — ``moderated_spaces`` decides)."""
    moderated = space_permissions.moderated_spaces(user).values("pk")
    return PostFlag.objects.filter(post__thread__space__in=moderated)


def can_resolve_flag(user, flag: PostFlag) -> bool:
    return space_permissions.can_moderate_space(user, flag.post.thread.space)


# --- Mentions ----------------------------------------------------------------------------------


def mentionable_memberships(space: Space, *, thread: Thread | None = None) -> QuerySet[Membership]:
    """Memberships of the people who may be mentioned in ``space``: active members whose
    membership stands on their current verified affiliation (the rule of
    ``dialogue.permissions._active_membership_q``, so each of them reads the space), with an
    active account and a handle. In a hidden thread (which nobody writes in today) only the
    space's moderators read it, so only they qualify."""
    memberships = Membership.objects.filter(
        space=space,
        status=Membership.Status.ACTIVE,
        affiliation__status=Affiliation.Status.VERIFIED,
        affiliation__user_id=F("user_id"),
        user__is_active=True,
        user__handle__isnull=False,
    )
    if thread is not None and thread.is_hidden:
        memberships = memberships.filter(role=Membership.Role.MODERATOR)
    return memberships


def mentionable_users(space: Space, *, thread: Thread | None = None) -> QuerySet[User]:
    """People an ``@handle`` in ``space`` may name (see ``mentionable_memberships``)."""
    memberships = mentionable_memberships(space, thread=thread).filter(user_id=OuterRef("pk"))
    return User.objects.filter(Exists(memberships))


def can_suggest_mentions(user, space: Space) -> bool:
    """Mention autocomplete (members' handles and names): only to people who may write in
    the space — active members with a verified affiliation — so a caucus's members are never
    listed to anyone outside it, and unverified visitors get no list of people."""
    return space_permissions.can_write_in_space(user, space)


# --- Fetch and authorize in one step ----------------------------------------------------------


def get_thread_for_user(user, pk: int) -> Thread:
    """The thread if this user may see it; Http404 for missing and forbidden alike.

    The same rule as ``visible_threads`` (the permission matrix checks that the predicates
    and the querysets agree), asked as a predicate: a plain lookup by primary key and the
    viewer's membership of that one space (memoised for the rest of the request), instead of
    compiling the queryset's subqueries on every thread page (docs/benchmarks.md)."""
    thread = (
        Thread.objects.select_related("space", "space__parent", "author", "author_organization")
        .filter(pk=pk)
        .first()
    )
    if thread is None or not can_read_thread(user, thread):
        raise Http404("No such thread.")
    return thread


def get_post_for_user(user, pk: int) -> Post:
    """A post in a thread this user may see (hidden or deleted posts included: their pages
    show a "deleted" or "hidden" notice in their place); Http404 otherwise."""
    try:
        return (
            Post.objects.filter(thread__in=visible_threads(user))
            .select_related(
                "thread", "thread__space", "thread__space__parent", "author", "author_organization"
            )
            .get(pk=pk)
        )
    except Post.DoesNotExist:
        raise Http404("No such post.") from None


# --- Attachments --------------------------------------------------------------------------------


def visible_attachments(user) -> QuerySet[PostAttachment]:
    """Attachments this user may download: exactly those of the posts whose text they may read
    (``visible_posts``). A hidden post's files: the space's moderators only; a deleted post's:
    nobody (the thread page shows neither its text nor its files)."""
    return PostAttachment.objects.filter(post__in=visible_posts(user))


def can_download_attachment(user, attachment: PostAttachment) -> bool:
    post = attachment.post
    if post.is_deleted or not can_read_thread(user, post.thread):
        return False
    return not post.is_hidden or can_moderate_thread(user, post.thread)


def get_attachment_for_user(user, pk: int) -> PostAttachment:
    """The attachment if this user may download it; Http404 for missing and forbidden alike."""
    try:
        return visible_attachments(user).get(pk=pk)
    except PostAttachment.DoesNotExist:
        raise Http404("No such attachment.") from None
