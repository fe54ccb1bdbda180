"""Every write about people, organizations and affiliations.

Services validate, write in one transaction, record the audit entry and schedule side effects
(emails, socket closes) on commit. Views call exactly one of them.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import Affiliation, AffiliationInvitation, Country, Organization, User
from accounts.tasks import enqueue_on_commit, send_affiliation_invitation
from audit.services import record

INVITATION_LIFETIME = timedelta(days=14)


def _tell_affiliation_decision(affiliation: Affiliation) -> None:
    """The person hears of a decision on their affiliation through the notification service
    (in-app, and email as they chose: immediate by default)."""
    from notifications.services import notify

    notify(
        recipients=[affiliation.user],
        kind="affiliation.decided",
        dedupe_key=f"affiliation:{affiliation.pk}:{affiliation.status}:{affiliation.decided_at}",
        data={
            "affiliation_id": affiliation.pk,
            "status": affiliation.status,
            "organization": str(affiliation.organization),
        },
    )


# --- Organizations and focal points ----------------------------------------------------------


@transaction.atomic
def create_organization(
    *,
    actor: User,
    name: str,
    constituency: str,
    country: Country | None,
    acronym: str = "",
    request: HttpRequest | None = None,
) -> Organization:
    if not actor.is_staff:
        raise PermissionDenied(_("Only staff create organizations."))
    organization = Organization(
        name=name, acronym=acronym, constituency=constituency, country=country
    )
    organization.full_clean()
    organization.save()
    record(
        actor=actor,
        action="organization.create",
        target=organization,
        organization=organization,
        request=request,
    )
    return organization


@transaction.atomic
def appoint_focal_point(
    *, actor: User, affiliation: Affiliation, request: HttpRequest | None = None
) -> Affiliation:
    """Staff appoint a verified member of an organization as its focal point."""
    if not permissions.can_appoint_focal_points(actor):
        raise PermissionDenied(_("Only staff appoint focal points."))
    affiliation = Affiliation.objects.select_for_update().get(pk=affiliation.pk)
    if affiliation.status != Affiliation.Status.VERIFIED:
        raise ValidationError(_("Only a verified member can be a focal point."))
    if not affiliation.is_focal_point:
        affiliation.is_focal_point = True
        affiliation.save(update_fields=["is_focal_point"])
        record(
            actor=actor,
            action="organization.focal_point.appoint",
            target=affiliation.user,
            organization=affiliation.organization,
            request=request,
        )
    permissions.forget_standing(affiliation.user)
    return affiliation


@transaction.atomic
def remove_focal_point(
    *, actor: User, affiliation: Affiliation, reason: str = "", request: HttpRequest | None = None
) -> Affiliation:
    if not permissions.can_appoint_focal_points(actor):
        raise PermissionDenied(_("Only staff appoint focal points."))
    affiliation = Affiliation.objects.select_for_update().get(pk=affiliation.pk)
    if affiliation.is_focal_point:
        affiliation.is_focal_point = False
        affiliation.save(update_fields=["is_focal_point"])
        record(
            actor=actor,
            action="organization.focal_point.remove",
            target=affiliation.user,
            organization=affiliation.organization,
            reason=reason,
            request=request,
        )
    return affiliation


# --- Affiliations ---------------------------------------------------------------------------


@transaction.atomic
def request_affiliation(
    *, user: User, organization: Organization, job_title: str = "", message: str = ""
) -> Affiliation:
    if Affiliation.objects.filter(
        user=user, organization=organization, status=Affiliation.Status.PENDING
    ).exists():
        raise ValidationError(_("You have already asked to join this organization."))
    if Affiliation.objects.filter(
        user=user, organization=organization, status=Affiliation.Status.VERIFIED
    ).exists():
        raise ValidationError(_("You are already a verified member of this organization."))
    return Affiliation.objects.create(
        user=user, organization=organization, job_title=job_title, message=message
    )


@transaction.atomic
def withdraw_affiliation_request(*, user: User, affiliation: Affiliation) -> Affiliation:
    affiliation = Affiliation.objects.select_for_update().get(pk=affiliation.pk)
    if affiliation.user_id != user.pk or affiliation.status != Affiliation.Status.PENDING:
        raise ValidationError(_("Only your own pending request can be withdrawn."))
    affiliation.status = Affiliation.Status.WITHDRAWN
    affiliation.decided_at = timezone.now()
    affiliation.decided_by = user
    affiliation.save(update_fields=["status", "decided_at", "decided_by"])
    return affiliation


def _end_verified_affiliation(
    *, actor: User | None, affiliation: Affiliation, reason: str, request: HttpRequest | None
) -> None:
    """Mark a verified affiliation revoked and end everything that stood on it (call inside a
    transaction, with the affiliation row locked)."""
    from dialogue.services import end_memberships_for_affiliation

    affiliation.status = Affiliation.Status.REVOKED
    affiliation.is_focal_point = False
    affiliation.decided_at = timezone.now()
    affiliation.decided_by = actor if actor is not None and actor.is_authenticated else None
    affiliation.reason = reason
    affiliation.save(
        update_fields=["status", "is_focal_point", "decided_at", "decided_by", "reason"]
    )
    end_memberships_for_affiliation(
        affiliation=affiliation, actor=actor, reason=reason, request=request
    )
    permissions.forget_standing(affiliation.user)


def _replace_affiliation(
    *, actor: User, previous: Affiliation, successor: Organization, request: HttpRequest | None
) -> None:
    """One verified affiliation at a time: end ``previous`` (locked by the caller) because
    the person now belongs to ``successor``, and say so in the previous organization's log."""
    reason = _("Replaced by a verified affiliation to %(organization)s.") % {
        "organization": successor
    }
    _end_verified_affiliation(actor=actor, affiliation=previous, reason=reason, request=request)
    record(
        actor=actor,
        action="affiliation.replace",
        target=previous.user,
        organization=previous.organization,
        reason=reason,
        request=request,
    )


@transaction.atomic
def verify_affiliation(
    *, actor: User, affiliation: Affiliation, request: HttpRequest | None = None
) -> Affiliation:
    """A focal point of the organization (or staff) verifies a pending request.

    One verified affiliation at a time: verifying a new one ends the user's previous one (and
    the memberships that stood on it) in the same transaction.
    """
    affiliation = (
        Affiliation.objects.select_for_update()
        .select_related("user", "organization")
        .get(pk=affiliation.pk)
    )
    if not permissions.can_decide_affiliation(actor, affiliation):
        raise PermissionDenied(_("You cannot decide this request."))
    previous = (
        Affiliation.objects.select_for_update()
        .filter(user_id=affiliation.user_id, status=Affiliation.Status.VERIFIED)
        .first()
    )
    if previous is not None:
        _replace_affiliation(
            actor=actor, previous=previous, successor=affiliation.organization, request=request
        )
    affiliation.status = Affiliation.Status.VERIFIED
    affiliation.decided_at = timezone.now()
    affiliation.decided_by = actor
    affiliation.reason = ""
    affiliation.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    record(
        actor=actor,
        action="affiliation.verify",
        target=affiliation.user,
        organization=affiliation.organization,
        request=request,
    )
    permissions.forget_standing(affiliation.user)
    _tell_affiliation_decision(affiliation)
    return affiliation


@transaction.atomic
def reject_affiliation(
    *, actor: User, affiliation: Affiliation, reason: str, request: HttpRequest | None = None
) -> Affiliation:
    affiliation = (
        Affiliation.objects.select_for_update()
        .select_related("user", "organization")
        .get(pk=affiliation.pk)
    )
    if not permissions.can_decide_affiliation(actor, affiliation):
        raise PermissionDenied(_("You cannot decide this request."))
    affiliation.status = Affiliation.Status.REJECTED
    affiliation.decided_at = timezone.now()
    affiliation.decided_by = actor
    affiliation.reason = reason
    affiliation.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    record(
        actor=actor,
        action="affiliation.reject",
        target=affiliation.user,
        organization=affiliation.organization,
        reason=reason,
        request=request,
    )
    _tell_affiliation_decision(affiliation)
    return affiliation


@transaction.atomic
def revoke_affiliation(
    *, actor: User, affiliation: Affiliation, reason: str, request: HttpRequest | None = None
) -> Affiliation:
    """End a verified affiliation: its memberships end in the same transaction, the person's
    live connections to those spaces close after commit."""
    affiliation = (
        Affiliation.objects.select_for_update()
        .select_related("user", "organization")
        .get(pk=affiliation.pk)
    )
    if not permissions.can_revoke_affiliation(actor, affiliation):
        raise PermissionDenied(_("You cannot revoke this affiliation."))
    if not reason.strip():
        raise ValidationError(_("Give a reason for revoking."))
    _end_verified_affiliation(actor=actor, affiliation=affiliation, reason=reason, request=request)
    record(
        actor=actor,
        action="affiliation.revoke",
        target=affiliation.user,
        organization=affiliation.organization,
        reason=reason,
        request=request,
    )
    # The person is told, as for a verification or rejection.
    _tell_affiliation_decision(affiliation)
    return affiliation


# --- Invitations ----------------------------------------------------------------------------


@transaction.atomic
def invite_colleague(
    *,
    actor: User,
    organization: Organization,
    email: str,
    language: str = "en",
    request: HttpRequest | None = None,
) -> AffiliationInvitation:
    """A focal point invites a colleague by email; accepting gives a verified affiliation."""
    if not permissions.can_invite_to_organization(actor, organization):
        raise PermissionDenied(_("Only the organization's focal point can invite."))
    email = email.strip().lower()
    invitation = AffiliationInvitation.objects.create(
        organization=organization,
        email=email,
        invited_by=actor,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    record(
        actor=actor,
        action="affiliation.invite",
        target=invitation,
        organization=organization,
        details={"email": email},
        request=request,
    )
    enqueue_on_commit(send_affiliation_invitation, invitation.pk, language)
    return invitation


@transaction.atomic
def cancel_invitation(
    *, actor: User, invitation: AffiliationInvitation, request: HttpRequest | None = None
) -> AffiliationInvitation:
    invitation = AffiliationInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not permissions.can_invite_to_organization(actor, invitation.organization):
        raise PermissionDenied(_("Only the organization's focal point can cancel invitations."))
    if invitation.is_open:
        invitation.cancelled_at = timezone.now()
        invitation.save(update_fields=["cancelled_at"])
        record(
            actor=actor,
            action="affiliation.invite.cancel",
            target=invitation,
            organization=invitation.organization,
            request=request,
        )
    return invitation


@transaction.atomic
def accept_invitation(
    *, user: User, invitation: AffiliationInvitation, request: HttpRequest | None = None
) -> Affiliation:
    """The invited person (signed in with the invited, verified email address) accepts."""
    from allauth.account.models import EmailAddress

    # of=("self",): invited_by is nullable (an outer join), which PostgreSQL cannot lock.
    invitation = (
        AffiliationInvitation.objects.select_for_update(of=("self",))
        .select_related("organization", "invited_by")
        .get(pk=invitation.pk)
    )
    if not invitation.is_open:
        raise ValidationError(_("This invitation has expired or was already used."))
    if not EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists():
        raise ValidationError(
            _("Sign in with the address the invitation was sent to (%(email)s) and verify it.")
            % {"email": invitation.email}
        )
    previous = (
        Affiliation.objects.select_for_update()
        .filter(user=user, status=Affiliation.Status.VERIFIED)
        .first()
    )
    if previous is not None and previous.organization_id != invitation.organization_id:
        _replace_affiliation(
            actor=user, previous=previous, successor=invitation.organization, request=request
        )
    elif previous is not None:
        raise ValidationError(_("You are already a verified member of this organization."))
    Affiliation.objects.filter(
        user=user, organization=invitation.organization, status=Affiliation.Status.PENDING
    ).update(status=Affiliation.Status.WITHDRAWN, decided_at=timezone.now())
    affiliation = Affiliation.objects.create(
        user=user,
        organization=invitation.organization,
        status=Affiliation.Status.VERIFIED,
        decided_at=timezone.now(),
        decided_by=invitation.invited_by,
        reason=_("Invited by the organization's focal point."),
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record(
        actor=user,
        action="affiliation.invite.accept",
        target=invitation,
        organization=invitation.organization,
        request=request,
    )
    permissions.forget_standing(user)
    return affiliation


# --- People ---------------------------------------------------------------------------------


@transaction.atomic
def update_profile(
    *,
    user: User,
    display_name: str,
    preferred_language: str,
    time_zone: str,
    gender: str = "",
    handle: str | None = None,
) -> User:
    """``handle`` None keeps the current one. A handle taken by someone else (in any case)
    is refused with a message on the handle field."""
    user.display_name = display_name.strip()
    user.preferred_language = preferred_language
    user.time_zone = time_zone
    user.gender = gender
    fields = ["display_name", "preferred_language", "time_zone", "gender"]
    if handle is not None:
        user.handle = handle.strip().lstrip("@") or None
        fields.append("handle")
        taken = (
            User.objects.exclude(pk=user.pk).filter(handle__iexact=user.handle).exists()
            if user.handle
            else False
        )
        if taken:
            raise ValidationError(
                {"handle": _("This handle is taken. Choose another one.")}, code="handle_taken"
            )
    user.full_clean(exclude=["password"], validate_constraints=False)
    try:
        with transaction.atomic():
            user.save(update_fields=fields)
    except IntegrityError as exc:  # the same handle chosen at the same moment
        raise ValidationError(
            {"handle": _("This handle is taken. Choose another one.")}, code="handle_taken"
        ) from exc
    return user


@transaction.atomic
def deactivate_user(
    *, actor: User, user: User, reason: str, request: HttpRequest | None = None
) -> User:
    """Staff deactivate an account: it can no longer sign in, its verified affiliation and
    memberships end, and its open connections close after commit."""
    from dialogue.realtime import close_connections_on_commit

    if not actor.is_staff:
        raise PermissionDenied(_("Only staff deactivate accounts."))
    user = User.objects.select_for_update().get(pk=user.pk)
    verified = (
        Affiliation.objects.select_for_update()
        .filter(user=user, status=Affiliation.Status.VERIFIED)
        .first()
    )
    if verified is not None:
        _end_verified_affiliation(actor=actor, affiliation=verified, reason=reason, request=request)
    user.is_active = False
    user.save(update_fields=["is_active"])
    from notifications.services import drop_all_queued

    drop_all_queued(user_id=user.pk)
    record(actor=actor, action="user.deactivate", target=user, reason=reason, request=request)
    close_connections_on_commit([user.pk], space_ids=None, reason="deactivated")
    return user


def create_user(*, email: str, password: str | None, display_name: str = "", **extra) -> User:
    """Create an account whose email address is already verified (demo data, bootstrap,
    tests). Sign-up through the site goes through allauth instead."""
    from allauth.account.models import EmailAddress

    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email, password=password, display_name=display_name, **extra
            )
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    except IntegrityError as exc:
        raise ValidationError(_("An account with this email address already exists.")) from exc
    return user
