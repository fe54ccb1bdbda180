"""Discussion threads and posts inside spaces.

Everything here inherits its space's visibility: nothing in this module decides access
(``forums.permissions`` does). Rendering is done once, at write time, by ``forums.markdown``;
``Post.body_html`` is the only HTML ever shown.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from accounts.models import Constituency

# 25 a page, as forums commonly show (Discourse loads 20 at a time): a page of long posts stays
# light at 360 px on a slow connection, and cheap to serve (decision 19, docs/benchmarks.md).
POSTS_PER_PAGE = 25
THREADS_PER_PAGE = 30


class TaggedThread(TaggedItemBase):
    """Our own through model, so tags can be filtered by the space their threads live in
    (tags are global objects; the tag list of a space is "tags on threads visible there")."""

    content_object = models.ForeignKey(
        "Thread", on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        verbose_name = _("thread tag")
        verbose_name_plural = _("thread tags")
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="forums_taggedthread_unique"
            )
        ]


class Thread(models.Model):
    space = models.ForeignKey(
        "dialogue.Space", verbose_name=_("space"), on_delete=models.PROTECT, related_name="threads"
    )
    title = models.CharField(_("title"), max_length=200)
    # SET_NULL: a thread whose author deleted their account stays, shown as "former member".
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forum_threads",
    )
    # Snapshot of the author's organization when they wrote, for the group badge: a badge must
    # not change when the author later moves to another organization.
    author_organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("author's organization"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    tags = TaggableManager(through=TaggedThread, blank=True, verbose_name=_("tags"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    # Highest Post.number handed out; allocated under the thread's row lock.
    last_post_number = models.PositiveIntegerField(default=0)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_summary = models.TextField(_("conclusion"), blank=True)
    closed_summary_html = models.TextField(blank=True)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        ordering = ["-is_pinned", "-last_activity_at", "-pk"]
        indexes = [
            models.Index(
                fields=["space", "-is_pinned", "-last_activity_at"], name="forums_thread_list"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(closed_summary=""),
                name="forums_thread_closed_has_summary",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forums:thread", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Post(models.Model):
    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="posts"
    )
    # 1 is the opening post; replies follow in order. Gives stable anchors and page numbers.
    number = models.PositiveIntegerField(_("number"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forum_posts",
    )
    author_organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("author's organization"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    body_markdown = models.TextField(_("text"))
    body_html = models.TextField()
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    quote_of = models.ForeignKey(
        "self",
        verbose_name=_("quoting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quoted_by",
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    is_deleted = models.BooleanField(_("deleted by its author"), default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["thread", "number"]
        constraints = [
            models.UniqueConstraint(fields=["thread", "number"], name="forums_post_unique_number"),
            models.CheckConstraint(
                condition=Q(is_hidden=False) | ~Q(hidden_reason=""),
                name="forums_post_hidden_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["author", "-created_at"], name="forums_post_author")]

    def __str__(self) -> str:
        return f"{self.thread} #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("forums:post", args=[self.pk])

    @property
    def is_opening(self) -> bool:
        return self.number == 1

    @property
    def page_number(self) -> int:
        return (self.number - 1) // POSTS_PER_PAGE + 1


class PostRevision(models.Model):
    """The text a post had before an edit (readable by the space's moderators and the author)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body_markdown = models.TextField()
    body_html = models.TextField()
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    # When this text was first shown (the post's created_at or its previous edit).
    written_at = models.DateTimeField()
    replaced_at = models.DateTimeField(default=timezone.now)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("post revision")
        verbose_name_plural = _("post revisions")
        ordering = ["post", "-replaced_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.post} @ {self.replaced_at:%Y-%m-%d %H:%M}"


class PostSupport(models.Model):
    """"I support this": one per person per post, revocable. ``constituency`` is the
    supporter's group when they supported (only the three groups can support)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="supports")
    # CASCADE: a support is personal data; it goes with a deleted account.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_supports"
    )
    constituency = models.CharField(max_length=16, choices=Constituency.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="forums_support_once"),
            models.CheckConstraint(
                condition=Q(constituency__in=["government", "employers", "workers"]),
                name="forums_support_by_group_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} supports {self.post}"


class PostFlag(models.Model):
    """A member's report that a post needs a moderator's look. Open until a moderator of the
    post's space hides the post (which resolves every open flag on it) or dismisses the flag.
    Only the space's moderators see flags (a caucus's: its own moderators only)."""

    class Reason(models.TextChoices):
        OFF_TOPIC = "off_topic", _("Off-topic")
        ABUSIVE = "abusive", _("Abusive")
        SPAM = "spam", _("Spam")
        CONFIDENTIAL = "confidential", _("Confidential information")
        OTHER = "other", _("Other")

    class Resolution(models.TextChoices):
        HIDDEN = "hidden", _("Post hidden")
        DISMISSED = "dismissed", _("Dismissed")

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="flags"
    )
    # SET_NULL: the report stays useful to moderators after the reporter's account is gone.
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("flagged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forum_flags",
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("flagged"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.CharField(
        _("resolution"), max_length=16, choices=Resolution.choices, blank=True
    )

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "flagged_by"],
                condition=Q(resolved_at__isnull=True),
                name="forums_postflag_one_open_per_user",
            ),
        ]
        indexes = [
            models.Index(
                fields=["post"], condition=Q(resolved_at__isnull=True), name="forums_flag_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} — {self.post}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


def attachment_upload_to(instance: PostAttachment, filename: str) -> str:
    """A random, unguessable storage name; the person's file name is kept in
    ``original_name`` and only ever sent in ``Content-Disposition``."""
    import uuid

    return f"forums/attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class PostAttachment(models.Model):
    """A file attached to a post. Stored through Django's storage API under a random name and
    served only by an access-checked view (``forums:attachment``): it is readable exactly when
    its post is (``forums.permissions``)."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    # Sniffed from the content at upload, never taken from the browser.
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["post", "pk"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("forums:attachment", args=[self.pk])


class ThreadReadState(models.Model):
    """How far a person has read a thread: the highest post number they have seen."""

    # CASCADE both ways: read state is personal and meaningless without its thread.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_read_states"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_states")
    last_read_number = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("read state")
        verbose_name_plural = _("read states")
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="forums_readstate_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.thread} to #{self.last_read_number}"


class PostMention(models.Model):
    """An @mention of an active member of the post's space, recorded when the post is written
    or edited (in the same transaction), so notifications know whom to tell."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_mentions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="forums_mention_unique"),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="forums_mention_user")]

    def __str__(self) -> str:
        return f"{self.post} mentions {self.user}"
