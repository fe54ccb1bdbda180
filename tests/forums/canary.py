"""The forums' part of the canary crawl: caucus forum content carrying ``CANARY``, and the
crawl cases for every forum URL pattern.

``seed_forum_canary(world)`` is called from ``tests.world.seed_canary``; ``forum_cases()`` is
merged into ``tests.access.cases.CASES``. Everything the forums add to the caucus is here:
a thread (title, opening post, an edit's revision), a quote reply, a post hidden with a
reason, an open flag whose note carries the canary (only the caucus's moderators see
it, in the review queue), a reply mentioning the caucus's moderator, a closed thread's conclusion, a tag used only in the caucus (its *name* carries the
canary; its slug does not, since error pages may echo the path), a support, and a thread
moved into the caucus from the public country space, and attachments (on the opening post
and on the hidden reply; their names and bytes carry the canary). For contrast the country space gets a
public thread and a hidden one.
"""

from __future__ import annotations

from django.test import override_settings

from tests.world import CANARY, World

CAUCUS_TAG_SLUG = "caucus-only-tag"
PUBLIC_TAG_SLUG = "wages"


def seed_forum_canary(w: World) -> None:
    from taggit.models import Tag

    from forums import services
    from forums.models import Thread

    caucus = w.space("in-workers")
    country = w.space("in")
    member, caucus_moderator = w.user("member"), w.user("caucus-moderator")
    # Seeding is not a person typing: no posting rate limit.
    with override_settings(FORUMS_POST_RATE_LIMIT=(10**6, 60)):
        thread = services.start_thread(
            author=member,
            space=caucus,
            title=f"Strike fund {CANARY}",
            body=f"Our bottom line: {CANARY}",
        )
        tag = Tag.objects.create(name=f"caucus only {CANARY}", slug=CAUCUS_TAG_SLUG)
        thread.tags.add(tag)
        opening = thread.posts.get(number=1)
        services.edit_post(editor=member, post=opening, body=f"Our revised bottom line: {CANARY}")
        services.reply_to_thread(
            author=caucus_moderator, thread=thread, body=f"> bottom line\n\nAgreed: {CANARY}",
            quote_of=opening,
        )
        services.support_post(user=caucus_moderator, post=opening)
        agreed = thread.posts.get(number=2)
        caucus_flag = services.flag_post(
            user=member, post=agreed, reason="confidential", note=f"Flag note {CANARY}"
        )
        rude = services.reply_to_thread(author=member, thread=thread, body=f"Rude {CANARY}")
        # A mention inside the caucus: the mentioned person's profile (and the author's) must
        # show it to nobody outside the caucus, and the caucus's mention autocomplete answers
        # nobody outside it.
        mention = services.reply_to_thread(
            author=member,
            thread=thread,
            body=f"@{caucus_moderator.handle} please check {CANARY}",
        )
        services.hide_post(actor=caucus_moderator, post=rude, reason=f"Hidden because {CANARY}")

        closed = services.start_thread(
            author=caucus_moderator, space=caucus, title="Position paper", body="Draft"
        )
        services.close_thread(
            actor=caucus_moderator, thread=closed, summary=f"We concluded {CANARY}"
        )

        public = services.start_thread(
            author=member, space=country, title="Minimum wage review", body="Open to all",
            tags=PUBLIC_TAG_SLUG,
        )
        services.reply_to_thread(author=member, thread=public, body="A public reply")
        hidden = services.start_thread(
            author=member, space=country, title="Off-topic thread", body="Hidden later"
        )
        services.hide_thread(actor=w.user("moderator"), thread=hidden, reason="off topic")

        moved = services.start_thread(
            author=member, space=country, title="Moved into the caucus", body="Was public"
        )
        # Nobody in the cast moderates both spaces; the move service is tested on its own
        # (tests/forums); here only the result matters: nothing of it stays reachable.
        Thread.objects.filter(pk=moved.pk).update(space=caucus)
        moved.refresh_from_db()
        services.reply_to_thread(author=member, thread=moved, body=f"Now private: {CANARY}")

        # Attachments: the caucus's (name and bytes carry the canary) on the opening post and
        # on the hidden reply; for contrast the public thread's, on a post, a hidden post and
        # a post its author deleted.
        attachments = {
            "caucus": services.add_attachments(
                post=opening, files=[canary_pdf(f"Bottom line {CANARY}.pdf")], user=member
            )[0],
            "caucus-hidden-post": services.add_attachments(
                post=rude, files=[canary_pdf(f"Rude {CANARY}.pdf")], user=member
            )[0],
            "public": services.add_attachments(
                post=public.posts.get(number=1), files=[canary_pdf("Wage table.pdf", "public")],
                user=member,
            )[0],
        }
        off_topic = services.reply_to_thread(
            author=member, thread=public, body="Off topic", attachments=[canary_pdf("Off.pdf", "x")]
        )
        services.hide_post(actor=w.user("moderator"), post=off_topic, reason="off topic")
        regret = services.reply_to_thread(
            author=member, thread=public, body="Regret", attachments=[canary_pdf("Gone.pdf", "x")]
        )
        services.delete_post(user=member, post=regret)
        attachments["public-hidden-post"] = off_topic.attachments.get()
        attachments["public-deleted-post"] = regret.attachments.get()

    w.forum = {  # type: ignore[attr-defined]
        "caucus-thread": thread,
        "closed-caucus-thread": closed,
        "moved-thread": moved,
        "public-thread": public,
        "hidden-public-thread": hidden,
        "caucus-flag": caucus_flag,
        "attachments": attachments,
        "caucus-mention": mention,
    }


def canary_pdf(name: str, text: str = CANARY):
    """A small file that the attachment rules take for a PDF, carrying ``text``."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = f"%PDF-1.4\n% {text}\n%%EOF\n".encode()
    return SimpleUploadedFile(name, body, content_type="application/pdf")


# --- Crawl cases ------------------------------------------------------------------------------


def _threads(world: World):
    from forums.models import Thread
    from forums.permissions import can_read_thread
    from tests.access.cases import Value

    values = []
    for key in CRAWLED_THREADS:
        thread = Thread.objects.select_related("space").get(pk=world.forum[key].pk)  # type: ignore[attr-defined]
        values.append(
            Value(thread.pk, hidden=lambda user, t=thread: not can_read_thread(user, t), label=key)
        )
    return values


# One post of each kind (the crawl requests every combination, so fewer values is faster):
# (thread key, post number).
CRAWLED_POSTS = (
    ("caucus-thread", 1),  # edited (has a revision), supported, tagged
    ("caucus-thread", 3),  # hidden by a moderator, with a reason
    ("moved-thread", 2),  # written after the thread moved into the caucus
    ("public-thread", 2),
    ("hidden-public-thread", 1),
)
# Threads the crawl requests (the closed caucus thread has the caucus thread's visibility and
# the same views; the positive control in test_canary_seed.py shows its conclusion is there).
CRAWLED_THREADS = ("caucus-thread", "moved-thread", "public-thread", "hidden-public-thread")
# Spaces for the forum's space-level pages: the caucus, another country's caucus, the parent,
# a members-only space.
CRAWLED_FORUM_SPACES = ("in-workers", "jp-workers", "in", "in-private")


def _posts(world: World):
    from forums.models import Post
    from forums.permissions import can_read_thread
    from tests.access.cases import Value

    values = []
    for key, number in CRAWLED_POSTS:
        thread = world.forum[key]  # type: ignore[attr-defined]
        post = Post.objects.select_related("thread__space").get(thread_id=thread.pk, number=number)
        values.append(
            Value(
                post.pk,
                hidden=lambda user, t=post.thread: not can_read_thread(user, t),
                label=f"{key} #{number}",
            )
        )
    return values


def _tags(world: World):
    from forums.permissions import visible_threads
    from tests.access.cases import Value

    return [
        Value(
            slug,
            hidden=lambda user, slug=slug: not visible_threads(user).filter(tags__slug=slug).exists(),
            label=f"tag {slug}",
        )
        for slug in (CAUCUS_TAG_SLUG, PUBLIC_TAG_SLUG)
    ]


def _moderated_space_slugs(world: World):
    """Review-queue pages: hidden from everyone who does not moderate the space."""
    from dialogue.permissions import can_moderate_space
    from tests.access.cases import Value

    spaces = [(key, world.space(key)) for key in CRAWLED_FORUM_SPACES]
    return [
        Value(
            space.slug,
            hidden=lambda user, space=space: not can_moderate_space(user, space),
            label=key,
        )
        for key, space in spaces
    ]


def _flags(world: World):
    from dialogue.permissions import can_moderate_space
    from tests.access.cases import Value

    flag = world.forum["caucus-flag"]  # type: ignore[attr-defined]
    caucus = world.space("in-workers")
    return [
        Value(
            flag.pk,
            hidden=lambda user: not can_moderate_space(user, caucus),
            label="caucus flag",
        )
    ]


def _attachments(world: World):
    from forums.models import PostAttachment
    from forums.permissions import can_download_attachment
    from tests.access.cases import Value

    values = []
    for key, seeded in world.forum["attachments"].items():  # type: ignore[attr-defined]
        item = PostAttachment.objects.select_related("post__thread__space").get(pk=seeded.pk)
        values.append(
            Value(
                item.pk,
                hidden=lambda user, a=item: not can_download_attachment(user, a),
                label=f"attachment {key}",
            )
        )
    return values


def forum_cases() -> dict:
    from tests.access.cases import Case, space_slugs

    space_page = Case(values={"slug": space_slugs(*CRAWLED_FORUM_SPACES)})
    thread_page = Case(values={"pk": _threads})
    post_page = Case(values={"pk": _posts})
    return {
        "forums:space_threads": space_page,
        "forums:new_thread": space_page,
        "forums:tag": Case(values={"slug": space_slugs(*CRAWLED_FORUM_SPACES), "tag": _tags}),
        "forums:tag_everywhere": Case(values={"tag": _tags}),
        "forums:thread": thread_page,
        "forums:reply": thread_page,
        "forums:moderate": thread_page,
        "forums:post": post_page,
        "forums:post_fragment": post_page,
        "forums:edit_post": post_page,
        "forums:delete_post": post_page,
        "forums:support_post": post_page,
        "forums:post_history": post_page,
        "forums:hide_post": post_page,
        "forums:restore_post": post_page,
        "forums:flag_post": post_page.posting(),
        "forums:review": Case(values={"slug": _moderated_space_slugs}).posting(),
        "forums:attachment": Case(values={"pk": _attachments}),
        "forums:mention_suggest": space_page,
        "forums:dismiss_flag": Case(
            values={"slug": _moderated_space_slugs, "flag_pk": _flags}
        ).posting(),
        # Read state (forums/readstate.py): the jump redirect and "mark all read".
        "forums:first_unread": thread_page,
        "forums:mark_space_read": space_page.posting(),
    }
