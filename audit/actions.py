"""Readable names for the audit log's action codes.

Entries store a stable code (``membership.remove``); pages show this translated name next to
it. A code without a name here (a capability added later) is shown as the code itself, so a
new action is never hidden — add its name here when adding the action.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    # Platform and organizations
    "country.add": _("Country added"),
    "space.create": _("Space created"),
    "organization.create": _("Organization created"),
    "organization.focal_point.appoint": _("Focal point appointed"),
    "organization.focal_point.remove": _("Focal point removed"),
    "user.deactivate": _("Account deactivated"),
    # Affiliations
    "affiliation.verify": _("Affiliation verified"),
    "affiliation.reject": _("Affiliation request rejected"),
    "affiliation.revoke": _("Affiliation revoked"),
    "affiliation.replace": _("Affiliation replaced by another organization's"),
    "affiliation.invite": _("Colleague invited"),
    "affiliation.invite.accept": _("Invitation accepted"),
    "affiliation.invite.cancel": _("Invitation cancelled"),
    # Memberships
    "membership.approve": _("Request to join approved"),
    "membership.reject": _("Request to join declined"),
    "membership.invite": _("Invited to the space"),
    "membership.remove": _("Member removed"),
    "membership.role.moderator": _("Made a moderator"),
    "membership.role.member": _("Made a member (no longer moderator)"),
    "membership.admit_adviser": _("Caucus adviser admitted"),
    "membership.appoint_first_moderator": _("First moderator appointed"),
    "membership.end_with_affiliation": _("Membership ended with the affiliation"),
    # Forums
    "forums.post.hide": _("Post hidden"),
    "forums.post.restore": _("Post restored"),
    "forums.flag.dismiss": _("Flag dismissed"),
    "forums.thread.lock": _("Thread locked"),
    "forums.thread.unlock": _("Thread unlocked"),
    "forums.thread.pin": _("Thread pinned"),
    "forums.thread.unpin": _("Thread unpinned"),
    "forums.thread.close": _("Thread closed"),
    "forums.thread.reopen": _("Thread reopened"),
    "forums.thread.hide": _("Thread hidden"),
    "forums.thread.restore": _("Thread restored"),
    "forums.thread.move_out": _("Thread moved out"),
    "forums.thread.move_in": _("Thread moved in"),
}


def action_label(code: str) -> str:
    """The translated name of an action code (the code itself when it has none)."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code
