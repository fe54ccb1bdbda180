"""Who may read which audit entries.

* A space's moderators read that space's entries — only that space's: a parent space's
  moderators do not see its caucuses' entries, and a caucus's entries reach only its own
  moderators.
* Staff read every entry except those of caucuses.
* A focal point reads their organization's entries (affiliation decisions, invitations).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.permissions import get_standing
from audit.models import AuditEntry
from dialogue.models import Membership, Space


def visible_audit_entries(user) -> QuerySet[AuditEntry]:
    standing = get_standing(user)
    if not standing.is_authenticated:
        return AuditEntry.objects.none()
    q = Q(pk__in=[])
    if standing.is_verified:
        q |= Q(
            Exists(
                Membership.objects.filter(
                    space_id=OuterRef("space_id"),
                    user_id=standing.user_id,
                    status=Membership.Status.ACTIVE,
                    role=Membership.Role.MODERATOR,
                    # Only under the affiliation it was granted under (dialogue.permissions).
                    affiliation_id=standing.affiliation_id,
                )
            )
        )
    if standing.is_focal_point:
        q |= Q(organization_id=standing.organization_id, space__isnull=True)
    if standing.is_staff:
        q |= Q(space__isnull=True) | ~Q(space__kind=Space.Kind.CAUCUS)
    return AuditEntry.objects.filter(q).select_related("actor", "space", "organization")


def space_audit_entries(user, space: Space) -> QuerySet[AuditEntry]:
    """Entries of exactly this space that the user may read (none if they may not)."""
    return visible_audit_entries(user).filter(space=space)
