"""Reads for the people pages, shaped so each page costs a constant number of queries.

Every read starts from ``accounts.permissions`` (who may see what); these functions only add
the joins and filters a page needs.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from accounts import permissions
from accounts.models import Affiliation, AffiliationInvitation, Organization, User


def affiliations_of(user: User) -> list[Affiliation]:
    """The user's own affiliations, newest first, with who decided them.

    A revoked affiliation keeps only its last decision on the row; the earlier verification
    (who, when) comes from the audit log and is attached as ``verified_entry`` (one query).
    """
    from audit.models import AuditEntry

    affiliations = list(
        Affiliation.objects.filter(user=user)
        .select_related("organization", "organization__country", "decided_by")
        .order_by("-requested_at", "-pk")
    )
    revoked = [a for a in affiliations if a.status == Affiliation.Status.REVOKED]
    for affiliation in affiliations:
        affiliation.verified_entry = None
    if not revoked:
        return affiliations
    entries = (
        AuditEntry.objects.filter(
            action="affiliation.verify",
            organization_id__in={a.organization_id for a in revoked},
            target_type=User._meta.label_lower,
            target_id=str(user.pk),
        )
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    for entry in entries:
        # The entry belongs to the latest affiliation to that organization requested before it.
        candidates = [
            a
            for a in revoked
            if a.organization_id == entry.organization_id and a.requested_at <= entry.created_at
        ]
        if candidates:
            min(candidates, key=lambda a: entry.created_at - a.requested_at).verified_entry = entry
    return affiliations


def verified_affiliation_of(user: User) -> Affiliation | None:
    return (
        Affiliation.objects.filter(user=user, status=Affiliation.Status.VERIFIED)
        .select_related("organization", "organization__country")
        .first()
    )


def organizations_for_request(user: User) -> list[Organization]:
    """Organizations the user may ask to join: not one they are already verified in or have a
    pending request to."""
    taken = Affiliation.objects.filter(
        user=user, status__in=[Affiliation.Status.PENDING, Affiliation.Status.VERIFIED]
    ).values("organization_id")
    return list(
        Organization.objects.select_related("country")
        .exclude(pk__in=taken)
        .order_by("country__name", "constituency", "name")
    )


def all_organizations() -> list[Organization]:
    return list(
        Organization.objects.select_related("country").order_by(
            "country__name", "constituency", "name"
        )
    )


def _for_organization(qs: QuerySet, organization: Organization | None) -> QuerySet:
    return qs if organization is None else qs.filter(organization=organization)


def pending_requests(user: User, organization: Organization | None) -> list[Affiliation]:
    qs = permissions.affiliations_to_decide(user).filter(status=Affiliation.Status.PENDING)
    return list(_for_organization(qs, organization).order_by("requested_at", "pk"))


def verified_members(user: User, organization: Organization | None) -> list[Affiliation]:
    qs = (
        permissions.affiliations_to_decide(user)
        .filter(status=Affiliation.Status.VERIFIED)
        .select_related("decided_by")
    )
    return list(
        _for_organization(qs, organization).order_by(
            "-is_focal_point", "user__display_name", "user__email"
        )
    )


def recent_decisions(
    user: User, organization: Organization | None, limit: int = 20
) -> list[Affiliation]:
    """The latest rejected, revoked or withdrawn affiliations: the page's short history."""
    qs = (
        permissions.affiliations_to_decide(user)
        .filter(
            status__in=[
                Affiliation.Status.REJECTED,
                Affiliation.Status.REVOKED,
                Affiliation.Status.WITHDRAWN,
            ]
        )
        .select_related("decided_by")
    )
    return list(_for_organization(qs, organization).order_by("-decided_at", "-pk")[:limit])


def open_invitations(user: User, organization: Organization | None) -> list[AffiliationInvitation]:
    qs = permissions.invitations_visible_to(user).filter(
        accepted_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=timezone.now()
    )
    return list(_for_organization(qs, organization).order_by("-created_at", "-pk"))
