"""What search can find: a registry of searchable kinds.

Each kind says which index rows a person may see (built from that kind's own permission
module — never decided here) and how the shared filters apply to it. Today: forum posts (a
thread is found through its opening post, whose row carries the title). Outcomes and events
register their own kind when they land: a ``SearchEntry.Kind`` value, a nullable link on
``SearchEntry``, a ``visible`` built from their permissions, and the filters they support.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from dialogue.permissions import moderated_spaces
from forums.permissions import visible_threads
from search.models import SearchEntry


@dataclass(frozen=True)
class SearchableKind:
    kind: str
    label: str
    # Rows of this kind the user may see. Must start from the kind's permission module.
    visible: Callable[[object], Q]
    # The Q for each filter (keyword → function of the filter's value); a kind without a
    # filter is excluded from results while that filter is on.
    filters: dict[str, Callable[[object], Q]]


def _visible_posts(user) -> Q:
    """``forums.permissions.visible_posts`` as joins from the index row: the row's thread among
    ``visible_threads``, the post not deleted, and not hidden unless the user moderates the
    space. The same rule, term for term (tests/search/test_search.py checks both give the same
    posts for every role of the test world), written so PostgreSQL can hash-join the few
    thousand visible threads instead of probing a nested subquery per matching row."""
    moderated = moderated_spaces(user).values("pk")
    return (
        Q(kind=SearchEntry.Kind.POST)
        & Q(thread__in=visible_threads(user).values("pk"))
        & Q(post__is_deleted=False)
        & (Q(post__is_hidden=False) | Q(thread__space__in=moderated))
    )


POST = SearchableKind(
    kind=SearchEntry.Kind.POST,
    label=_("Posts"),
    visible=_visible_posts,
    filters={
        "space": lambda space: Q(thread__space=space),
        "country": lambda country: Q(thread__space__country=country),
        "tag": lambda tag: Q(thread__tagged_items__tag=tag),
        "author": lambda user: Q(post__author=user),
        "group": lambda group: Q(post__author_organization__constituency=group),
    },
)

KINDS: dict[str, SearchableKind] = {POST.kind: POST}


def register(kind: SearchableKind) -> None:
    KINDS[kind.kind] = kind


def visible_entries(user, filters: dict[str, object] | None = None) -> QuerySet[SearchEntry]:
    """Index rows this user may see, narrowed by ``filters`` (kind-specific ones by the
    kind's own rule). Every search query starts here."""
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    parts = []
    for kind in KINDS.values():
        if any(name not in kind.filters for name in filters):
            continue
        q = kind.visible(user)
        for name, value in filters.items():
            q &= kind.filters[name](value)
        parts.append(q)
    if not parts:
        return SearchEntry.objects.none()
    return SearchEntry.objects.filter(reduce(or_, parts))
