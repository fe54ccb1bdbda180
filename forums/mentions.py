"""@mentions: ``@handle`` in a post's Markdown names an active member of the post's space.

Syntax. ``@`` followed by a handle (``accounts.models.HANDLE_RE``: letters A–Z, digits, "_",
"." and "-", starting and ending with a letter or a digit). The ``@`` must not follow a
letter, digit or one of ``_ . % + / @ : = -`` (so ``someone@example.org`` and
``https://host/@name`` are not mentions), while it may follow any other character —
punctuation, a space, or Japanese or Lao text written without spaces. A full stop or hyphen
after the handle ends the sentence, not the handle (``thanks @wrk.in.``). Handles are matched
case-insensitively. Nothing inside code spans, code blocks, link text or a quotation (``>``)
is a mention.

Who can be mentioned: ``forums.permissions.mentionable_users`` — active members of the space
whose membership stands on their current verified affiliation (so they can read it), not the
author. Anything else (a non-member, a removed member, an unknown handle) stays plain text,
exactly like a handle that does not exist, so a post never tells its author whether a handle
belongs to someone outside the space. At most ``MAX_MENTIONS`` different people per post; the
rest stay text.

Rendering happens at write time, with the rest of the Markdown (``forums.markdown``): a
mention becomes ``<a class="mention" href="<profile>">@handle</a>``; the sanitizer keeps the
class ``mention`` on links and no other class.

Recording: the services call ``link_mentions`` and then ``record_mentions`` in the same
transaction as the post is created or edited; ``PostMention`` rows are what notifications
read.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Iterable

from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

from accounts.models import HANDLE_MAX, HANDLE_MIN, Constituency, User
from dialogue.models import Space
from forums import markdown
from forums.models import Post, PostMention, Thread
from forums.permissions import mentionable_memberships, mentionable_users

MAX_MENTIONS = 20
# Distinct ``@words`` looked up per post (a superset of the mentions: code is included).
MAX_CANDIDATES = 200

_HANDLE = rf"[A-Za-z0-9](?:[A-Za-z0-9_.-]{{0,{HANDLE_MAX - 2}}}[A-Za-z0-9])?"
# Not after a character that would make "@" part of a word, an address or a URL; not followed
# by more of a handle (so "@ab-cd_" is not read as "@ab").
MENTION_PATTERN = r"(?<![A-Za-z0-9_.%+/@:=-])@(" + _HANDLE + r")(?![A-Za-z0-9_]|[.-][A-Za-z0-9_])"
MENTION_RE = re.compile(MENTION_PATTERN)


def candidate_handles(text: str) -> list[str]:
    """Lower-cased ``@handles`` in the raw text, in order, without duplicates (code and link
    text included: the renderer decides which of them are mentions)."""
    seen: dict[str, None] = {}
    for match in MENTION_RE.finditer(text):
        handle = match.group(1).lower()
        if len(handle) >= HANDLE_MIN:
            seen.setdefault(handle, None)
            if len(seen) >= MAX_CANDIDATES:
                break
    return list(seen)


class MentionProcessor(InlineProcessor):
    """Python-Markdown inline pattern: ``@handle`` of a resolved member → a mention link.

    ``links`` maps a lower-cased handle to (user id, handle, profile URL). ``found`` collects
    the user ids actually linked, in order. Inline patterns never run inside code spans and
    blocks (their text is atomic); ``ANCESTOR_EXCLUDES`` keeps mentions out of link text and
    quotations.
    """

    # Link text is not a mention; nor is a quotation (someone else's words: a quote-reply
    # must not mention again everyone the quoted post mentioned).
    ANCESTOR_EXCLUDES = ("a", "blockquote")

    def __init__(self, links: dict[str, tuple[int, str, str]]) -> None:
        super().__init__(MENTION_PATTERN)
        self.links = links
        self.found: dict[str, int] = {}

    def handleMatch(self, m: re.Match, data: str):  # noqa: N802 (Python-Markdown's name)
        key = m.group(1).lower()
        link = self.links.get(key)
        if link is None or (key not in self.found and len(self.found) >= MAX_MENTIONS):
            return None, None, None
        user_id, handle, url = link
        element = etree.Element("a")
        element.set("class", "mention")
        element.set("href", url)
        element.text = AtomicString(f"@{handle}")
        self.found.setdefault(key, user_id)
        return element, m.start(0), m.end(0)


def link_mentions(
    body: str, html: str, *, space: Space, author: User, thread: Thread | None = None
) -> tuple[str, list[int]]:
    """The post's HTML with its mentions linked, and the ids of the people mentioned (in
    order of first mention). ``html`` is the body rendered without mentions; it is returned
    as it is (no second rendering) when no ``@handle`` names a mentionable member."""
    candidates = candidate_handles(body)
    if not candidates:
        return html, []
    sentinel = 2147483647
    head, _sep, tail = reverse("accounts:profile", args=[sentinel]).partition(str(sentinel))
    links = {
        user.handle.lower(): (user.pk, user.handle, f"{head}{user.pk}{tail}")
        for user in mentionable_users(space, thread=thread)
        .exclude(pk=author.pk)
        .annotate(handle_lower=Lower("handle"))
        .filter(handle_lower__in=candidates)
        .only("pk", "handle")
    }
    if not links:
        return html, []
    processor = MentionProcessor(links)
    html = markdown.render(body, mention_processor=processor)
    return html, list(processor.found.values())


def record_mentions(post: Post, user_ids: Iterable[int]) -> list[int]:
    """Make the post's ``PostMention`` rows exactly ``user_ids``: rows for people no longer
    mentioned are deleted, new ones added, unchanged ones kept (with their ``created_at``).
    Returns the ids newly added. Call inside the transaction that saves the post."""
    wanted = list(dict.fromkeys(user_ids))
    existing = set(PostMention.objects.filter(post=post).values_list("user_id", flat=True))
    gone = existing.difference(wanted)
    if gone:
        PostMention.objects.filter(post=post, user_id__in=gone).delete()
    added = [user_id for user_id in wanted if user_id not in existing]
    if added:
        now = timezone.now()
        PostMention.objects.bulk_create(
            [PostMention(post=post, user_id=user_id, created_at=now) for user_id in added]
        )
    return added


# --- Autocomplete ---------------------------------------------------------------------------------

MAX_SUGGESTIONS = 8
_QUERY_RE = re.compile(rf"^[^\s@]{{1,{HANDLE_MAX}}}$")


def suggestions(space: Space, query: str, *, viewer: User) -> list[dict[str, str]]:
    """Mentionable members of ``space`` whose handle, or a word of whose name, starts with
    ``query`` (case-insensitive), by handle; at most ``MAX_SUGGESTIONS``; never the viewer.
    One query. Call only for a viewer ``can_suggest_mentions`` allows."""
    if not _QUERY_RE.match(query):
        return []
    labels = dict(Constituency.choices)
    rows = (
        mentionable_memberships(space)
        .exclude(user_id=viewer.pk)
        .filter(
            Q(user__handle__istartswith=query)
            | Q(user__display_name__istartswith=query)
            | Q(user__display_name__icontains=f" {query}")
        )
        .select_related("user", "affiliation__organization")
        .order_by(Lower("user__handle"))[:MAX_SUGGESTIONS]
    )
    result = []
    for membership in rows:
        org = membership.affiliation.organization
        result.append(
            {
                "handle": membership.user.handle,
                "name": membership.user.get_display_name(),
                "organization": org.acronym or org.name,
                "group": str(labels.get(org.constituency, org.constituency)),
            }
        )
    return result
