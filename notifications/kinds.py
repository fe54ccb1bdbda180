"""The registry of notification kinds. Later issues (meetings, outcomes, events) register
their own kinds here through ``register(Kind(...))`` and send through
``notifications.services.notify``.

A kind says how its text reads (rendered in the recipient's language at read or send time,
from live objects — nothing is copied), where it links, what email it defaults to, and its
*scope*: which of the objects it points to decides whether the recipient may still see it
(``notifications.permissions.visible_notifications`` turns scopes into one query).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from notifications.models import Frequency

if TYPE_CHECKING:
    from notifications.models import Notification


class Scope:
    """What must stay visible for the recipient to be told (checked at read and send time)."""

    POST = "post"  # the post's text (visible_posts) — replies, mentions
    OWN_POST = "own_post"  # the post's place in a visible thread (it may be hidden) — moderation
    THREAD = "thread"  # the thread (visible_threads) — new threads
    SPACE = "space"  # reading the space
    SPACE_NAME = "space_name"  # discovering the space (its name) — membership decisions
    PERSON = "person"  # about the recipient alone — affiliation decisions


@dataclass(frozen=True)
class Kind:
    key: str
    label: Any  # lazy string: the settings table's row
    help_text: Any
    scope: str
    default_email: str
    text: Callable[[Notification], str]
    url: Callable[[Notification], str]
    # Optional own email: (template prefix, context) for this notification; default: the
    # generic notification email.
    email: Callable[[Notification], tuple[str, dict]] | None = None


_registry: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    _registry[kind.key] = kind
    return kind


def get(key: str) -> Kind | None:
    return _registry.get(key)


def all_kinds() -> list[Kind]:
    return list(_registry.values())


def keys_with_scope(scope: str) -> list[str]:
    return [k.key for k in _registry.values() if k.scope == scope]


# --- Helpers for texts ------------------------------------------------------------------------


def actor_name(n: Notification) -> str:
    return n.actor.get_display_name() if n.actor_id and n.actor else gettext("A former member")


def _thread_title(n: Notification) -> str:
    return n.thread.title if n.thread_id else ""


def _post_url(n: Notification) -> str:
    return n.post.get_absolute_url() if n.post_id else _thread_url(n)


def _thread_url(n: Notification) -> str:
    return n.thread.get_absolute_url() if n.thread_id else _space_url(n)


def _space_url(n: Notification) -> str:
    return n.space.get_absolute_url() if n.space_id else reverse("notifications:list")


# --- The first kinds --------------------------------------------------------------------------

REPLY = register(
    Kind(
        key="forum.reply",
        label=_("Replies in threads you follow"),
        help_text=_("Threads you started or posted in, and threads in spaces you follow."),
        scope=Scope.POST,
        default_email=Frequency.IMMEDIATE,
        text=lambda n: (
            gettext("%(actor)s replied in “%(thread)s”")
            % {"actor": actor_name(n), "thread": _thread_title(n)}
        ),
        url=_post_url,
    )
)

MENTION = register(
    Kind(
        key="forum.mention",
        label=_("Mentions of you"),
        help_text=_("Someone wrote @ and your name in a post."),
        scope=Scope.POST,
        default_email=Frequency.IMMEDIATE,
        text=lambda n: (
            gettext("%(actor)s mentioned you in “%(thread)s”")
            % {"actor": actor_name(n), "thread": _thread_title(n)}
        ),
        url=_post_url,
    )
)

def _current_space_name(n: Notification) -> str:
    """The space a thread is in now, not the one it was in when the notification was made:
    visibility is decided by the thread, so naming the old space could show a caucus's name
    to someone who can no longer see that caucus (the thread has since moved out of it)."""
    if n.thread_id:
        return n.thread.space.name
    return n.space.name if n.space_id else ""


NEW_THREAD = register(
    Kind(
        key="forum.new_thread",
        label=_("New threads in spaces you follow"),
        help_text=_("Someone started a discussion in a space you follow."),
        scope=Scope.THREAD,
        default_email=Frequency.DAILY,
        text=lambda n: (
            gettext("%(actor)s started “%(thread)s” in %(space)s")
            % {"actor": actor_name(n), "thread": _thread_title(n), "space": _current_space_name(n)}
        ),
        url=_thread_url,
    )
)


def _moderation_text(n: Notification) -> str:
    event = n.data.get("event", "")
    values = {"thread": _thread_title(n), "space": _current_space_name(n)}
    texts = {
        "post.hidden": gettext("A moderator hid your post in “%(thread)s”"),
        "post.restored": gettext("A moderator restored your post in “%(thread)s”"),
        "thread.locked": gettext("A moderator locked your thread “%(thread)s”"),
        "thread.closed": gettext("A moderator closed your thread “%(thread)s” with a conclusion"),
        "thread.moved": gettext("A moderator moved your thread “%(thread)s” to %(space)s"),
    }
    return texts.get(event, gettext("A moderator acted on your thread “%(thread)s”")) % values


MODERATION = register(
    Kind(
        key="forum.moderation",
        label=_("Moderators' actions on your posts"),
        help_text=_(
            "A post of yours hidden or restored; a thread of yours locked, closed or moved."
        ),
        scope=Scope.OWN_POST,
        default_email=Frequency.IMMEDIATE,
        text=_moderation_text,
        url=_post_url,
    )
)


def _affiliation_text(n: Notification) -> str:
    values = {"organization": n.data.get("organization", "")}
    status = n.data.get("status")
    if status == "verified":
        return gettext("Your affiliation to %(organization)s is verified") % values
    if status == "revoked":
        return gettext("Your affiliation to %(organization)s was revoked") % values
    return gettext("Your request to join %(organization)s was not accepted") % values


def _affiliation_email(n: Notification) -> tuple[str, dict]:
    from accounts.models import Affiliation

    affiliation = Affiliation.objects.select_related("organization").get(
        pk=n.data["affiliation_id"]
    )
    # The decision as it was when it was made (the affiliation may have moved on since).
    affiliation.status = n.data.get("status", affiliation.status)
    return "accounts/email/affiliation_decision", {
        "user": n.recipient,
        "affiliation": affiliation,
        "verified": affiliation.status == "verified",
    }


AFFILIATION = register(
    Kind(
        key="affiliation.decided",
        label=_("Decisions on your affiliation"),
        help_text=_("Your organization's focal point verified, declined or revoked it."),
        scope=Scope.PERSON,
        default_email=Frequency.IMMEDIATE,
        text=_affiliation_text,
        url=lambda n: reverse("accounts:affiliations"),
        email=_affiliation_email,
    )
)


def _membership_text(n: Notification) -> str:
    values = {"space": n.space.name}
    decision = n.data.get("decision")
    texts = {
        "approved": gettext("Your request to join %(space)s was approved"),
        "rejected": gettext("Your request to join %(space)s was declined"),
        "invited": gettext("You are invited to join %(space)s"),
        "removed": gettext("A moderator removed you from %(space)s"),
    }
    return texts.get(decision, gettext("Your membership of %(space)s changed")) % values


MEMBERSHIP = register(
    Kind(
        key="membership.decided",
        label=_("Decisions on your memberships"),
        help_text=_("Requests to join approved or declined, invitations, removals."),
        scope=Scope.SPACE_NAME,
        default_email=Frequency.IMMEDIATE,
        text=_membership_text,
        url=_space_url,
    )
)
