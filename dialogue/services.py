"""Every write about spaces and memberships. Moderator and staff actions are audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import TRIPARTITE_GROUPS, Affiliation, Constituency, Country, User
from accounts.permissions import get_standing
from audit.services import record
from dialogue import permissions
from dialogue.models import ELIGIBILITY_FIELDS, Membership, Space
from dialogue.realtime import close_connections_on_commit

Status = Membership.Status
Role = Membership.Role


def _tell_member(membership: Membership, decision: str, actor: User | None) -> None:
    """The person hears of a decision on their membership (notifications service)."""
    from notifications.services import notify

    notify(
        recipients=[membership.user],
        kind="membership.decided",
        dedupe_key=f"membership:{membership.pk}:{decision}:{membership.updated_at.isoformat()}",
        actor=actor,
        space=membership.space,
        data={"decision": decision},
    )


def _drop_notifications(user_id: int, space_ids: list[int] | None) -> None:
    """Queued email about spaces the person can no longer read is dropped."""
    from notifications.services import drop_queued

    drop_queued(user_id=user_id, space_ids=space_ids)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _unique_slug(base: str) -> str:
    slug = slugify(base)[:70] or "space"
    candidate, n = slug, 2
    while Space.objects.filter(slug=candidate).exists():
        candidate = f"{slug}-{n}"
        n += 1
    return candidate


# --- Spaces ---------------------------------------------------------------------------------


@transaction.atomic
def create_space(
    *,
    actor: User | None,
    name: str,
    kind: str,
    description: str = "",
    parent: Space | None = None,
    country: Country | None = None,
    visibility: str = Space.Visibility.PUBLIC,
    join_policy: str = Space.JoinPolicy.OPEN,
    groups: tuple[str, ...] | None = None,
    slug: str | None = None,
    request: HttpRequest | None = None,
) -> Space:
    """Create a space. ``groups`` lists the eligible constituencies (all five when None).

    ``actor`` is None only for set-up commands; otherwise it must be staff."""
    if actor is not None:
        _require(actor.is_staff, _("Only staff create spaces."))
    groups = tuple(groups) if groups is not None else tuple(ELIGIBILITY_FIELDS)
    space = Space(
        name=name,
        slug=slug or _unique_slug(name),
        kind=kind,
        description=description,
        parent=parent,
        country=country,
        visibility=visibility,
        join_policy=join_policy,
        **{field: constituency in groups for constituency, field in ELIGIBILITY_FIELDS.items()},
    )
    space.full_clean()
    space.save()
    record(actor=actor, action="space.create", target=space, space=space, request=request)
    return space


@transaction.atomic
def create_caucus(
    *,
    actor: User | None,
    parent: Space,
    group: str,
    name: str | None = None,
    join_policy: str = Space.JoinPolicy.APPROVAL,
    request: HttpRequest | None = None,
) -> Space:
    if group not in TRIPARTITE_GROUPS:
        raise ValidationError(_("A caucus belongs to the government, employers or workers."))
    if parent.is_caucus:
        raise ValidationError(_("A caucus cannot contain another caucus."))
    label = Constituency(group).label
    return create_space(
        actor=actor,
        name=name or _("%(group)s caucus — %(space)s") % {"group": label, "space": parent.name},
        slug=f"{parent.slug}-{group}-caucus",
        kind=Space.Kind.CAUCUS,
        description=_("Private space where the %(group)s group prepares its positions.")
        % {"group": label},
        parent=parent,
        country=parent.country,
        visibility=Space.Visibility.MEMBERS,
        join_policy=join_policy,
        groups=(group,),
        request=request,
    )


@transaction.atomic
def add_country(
    *,
    actor: User | None,
    code: str,
    name: str,
    time_zone: str,
    request: HttpRequest | None = None,
) -> tuple[Country, Space, list[Space]]:
    """A partner country, its dialogue space and its three caucuses, in one step."""
    if actor is not None:
        _require(actor.is_staff, _("Only staff add countries."))
    country = Country(code=code.upper(), name=name, time_zone=time_zone)
    country.full_clean()
    country.save()
    space = create_space(
        actor=actor,
        name=_("%(country)s tripartite dialogue") % {"country": name},
        slug=slugify(f"{name}-dialogue"),
        kind=Space.Kind.COUNTRY,
        description=_("Government, employers and workers of %(country)s discuss between meetings.")
        % {"country": name},
        country=country,
        visibility=Space.Visibility.PUBLIC,
        join_policy=Space.JoinPolicy.OPEN,
        request=request,
    )
    caucuses = [
        create_caucus(actor=actor, parent=space, group=group, request=request)
        for group in TRIPARTITE_GROUPS
    ]
    record(actor=actor, action="country.add", target=country, request=request)
    return country, space, caucuses


@transaction.atomic
def appoint_caucus_moderator(
    *, actor: User, space: Space, user: User, request: HttpRequest | None = None
) -> Membership:
    """Staff appoint a caucus's first moderator. Staff learn nothing else of the caucus: the
    service returns only the new membership, and its audit entry belongs to the caucus."""
    _require(actor.is_staff, _("Only staff appoint a caucus's first moderator."))
    if not space.is_caucus:
        raise ValidationError(_("This is not a caucus."))
    if not permissions.is_eligible(user, space):
        raise ValidationError(_("This person is not a verified member of the caucus's group."))
    # Only the first: once a caucus has a moderator it admits and appoints its own people.
    # (Locks the caucus row so two staff cannot both appoint a "first" one.)
    Space.objects.select_for_update().filter(pk=space.pk).first()
    if Membership.objects.filter(space=space, status=Status.ACTIVE, role=Role.MODERATOR).exists():
        raise ValidationError(
            _("This caucus already has a moderator; its moderators appoint any others.")
        )
    membership = _activate(space=space, user=user, role=Role.MODERATOR, acted_by=actor)
    record(
        actor=actor,
        action="membership.appoint_first_moderator",
        target=user,
        space=space,
        request=request,
    )
    return membership


# --- Membership: the member's own actions ------------------------------------------------------


def _lock_membership(space: Space, user: User) -> Membership | None:
    return Membership.objects.select_for_update().filter(space=space, user=user).first()


def _activate(*, space: Space, user: User, role: str, acted_by: User | None) -> Membership:
    standing = get_standing(user)
    now = timezone.now()
    membership, _created = Membership.objects.select_for_update().get_or_create(
        space=space,
        user=user,
        defaults={"status": Status.ACTIVE, "role": role, "acted_by": acted_by},
    )
    membership.status = Status.ACTIVE
    membership.role = role
    membership.acted_by = acted_by
    membership.affiliation_id = standing.affiliation_id
    membership.updated_at = now
    membership.save()
    permissions.forget_memberships(user)
    return membership


@transaction.atomic
def join_space(*, user: User, space: Space) -> Membership:
    _require(permissions.can_join_space(user, space), _("You cannot join this space."))
    return _activate(space=space, user=user, role=Role.MEMBER, acted_by=user)


@transaction.atomic
def request_to_join(*, user: User, space: Space, message: str = "") -> Membership:
    _require(permissions.can_request_to_join(user, space), _("You cannot ask to join this space."))
    membership = _lock_membership(space, user) or Membership(space=space, user=user)
    membership.status = Status.PENDING
    membership.role = Role.MEMBER
    membership.message = message
    membership.acted_by = user
    membership.updated_at = timezone.now()
    membership.save()
    permissions.forget_memberships(user)
    return membership


@transaction.atomic
def cancel_request(*, user: User, space: Space) -> Membership:
    membership = _lock_membership(space, user)
    if membership is None or membership.status != Status.PENDING:
        raise ValidationError(_("You have no pending request here."))
    membership.status = Status.LEFT
    membership.updated_at = timezone.now()
    membership.save(update_fields=["status", "updated_at"])
    permissions.forget_memberships(user)
    return membership


@transaction.atomic
def respond_to_invitation(*, user: User, space: Space, accept: bool) -> Membership:
    _require(permissions.can_respond_to_invitation(user, space), _("You have no invitation here."))
    membership = _lock_membership(space, user)
    assert membership is not None
    if accept:
        return _activate(space=space, user=user, role=membership.role, acted_by=membership.acted_by)
    membership.status = Status.LEFT
    membership.updated_at = timezone.now()
    membership.save(update_fields=["status", "updated_at"])
    permissions.forget_memberships(user)
    return membership


@transaction.atomic
def leave_space(*, user: User, space: Space) -> Membership:
    _require(permissions.can_leave_space(user, space), _("You are not a member of this space."))
    membership = _lock_membership(space, user)
    assert membership is not None
    if membership.role == Role.MODERATOR and _is_last_moderator(membership):
        raise ValidationError(
            _("You are the last moderator: appoint another moderator before leaving.")
        )
    membership.status = Status.LEFT
    membership.updated_at = timezone.now()
    membership.save(update_fields=["status", "updated_at"])
    permissions.forget_memberships(user)
    close_connections_on_commit([user.pk], space_ids=[space.pk], reason="left")
    _drop_notifications(user.pk, [space.pk])
    return membership


def _is_last_moderator(membership: Membership) -> bool:
    return not (
        Membership.objects.filter(
            space_id=membership.space_id, status=Status.ACTIVE, role=Role.MODERATOR
        )
        .exclude(pk=membership.pk)
        .exists()
    )


# --- Membership: moderators' actions ---------------------------------------------------------


def _moderated_membership(actor: User, membership: Membership) -> Membership:
    locked = (
        Membership.objects.select_for_update().select_related("space", "user").get(pk=membership.pk)
    )
    _require(
        permissions.can_moderate_space(actor, locked.space),
        _("You do not moderate this space."),
    )
    return locked


@transaction.atomic
def approve_request(
    *, actor: User, membership: Membership, request: HttpRequest | None = None
) -> Membership:
    membership = _moderated_membership(actor, membership)
    if membership.status != Status.PENDING:
        raise ValidationError(_("This request is no longer pending."))
    if not permissions.is_eligible(membership.user, membership.space):
        raise ValidationError(_("This person is no longer eligible for this space."))
    membership = _activate(
        space=membership.space, user=membership.user, role=Role.MEMBER, acted_by=actor
    )
    record(
        actor=actor,
        action="membership.approve",
        target=membership.user,
        space=membership.space,
        request=request,
    )
    _tell_member(membership, "approved", actor)
    return membership


@transaction.atomic
def reject_request(
    *, actor: User, membership: Membership, reason: str = "", request: HttpRequest | None = None
) -> Membership:
    membership = _moderated_membership(actor, membership)
    if membership.status != Status.PENDING:
        raise ValidationError(_("This request is no longer pending."))
    membership.status = Status.REJECTED
    membership.acted_by = actor
    membership.updated_at = timezone.now()
    membership.save(update_fields=["status", "acted_by", "updated_at"])
    record(
        actor=actor,
        action="membership.reject",
        target=membership.user,
        space=membership.space,
        reason=reason,
        request=request,
    )
    _tell_member(membership, "rejected", actor)
    return membership


@transaction.atomic
def invite_to_space(
    *, actor: User, space: Space, user: User, request: HttpRequest | None = None
) -> Membership:
    _require(permissions.can_moderate_space(actor, space), _("You do not moderate this space."))
    if not permissions.is_eligible(user, space):
        raise ValidationError(_("This person is not eligible for this space."))
    membership = _lock_membership(space, user) or Membership(space=space, user=user)
    if membership.pk and membership.status == Status.ACTIVE:
        raise ValidationError(_("This person is already a member."))
    membership.status = Status.INVITED
    membership.role = Role.MEMBER
    membership.acted_by = actor
    membership.updated_at = timezone.now()
    membership.save()
    permissions.forget_memberships(user)
    record(actor=actor, action="membership.invite", target=user, space=space, request=request)
    _tell_member(membership, "invited", actor)
    return membership


@transaction.atomic
def remove_member(
    *, actor: User, membership: Membership, reason: str, request: HttpRequest | None = None
) -> Membership:
    membership = _moderated_membership(actor, membership)
    if membership.status != Status.ACTIVE:
        raise ValidationError(_("This person is not an active member."))
    if not reason.strip():
        raise ValidationError(_("Give a reason for removing a member."))
    if membership.role == Role.MODERATOR and _is_last_moderator(membership):
        raise ValidationError(_("A space keeps at least one moderator."))
    membership.status = Status.REMOVED
    membership.acted_by = actor
    membership.updated_at = timezone.now()
    membership.save(update_fields=["status", "acted_by", "updated_at"])
    permissions.forget_memberships(membership.user)
    record(
        actor=actor,
        action="membership.remove",
        target=membership.user,
        space=membership.space,
        reason=reason,
        request=request,
    )
    close_connections_on_commit(
        [membership.user_id], space_ids=[membership.space_id], reason="removed"
    )
    _drop_notifications(membership.user_id, [membership.space_id])
    _tell_member(membership, "removed", actor)
    return membership


@transaction.atomic
def set_member_role(
    *, actor: User, membership: Membership, role: str, request: HttpRequest | None = None
) -> Membership:
    """Appoint a co-moderator, or make a moderator a member again."""
    membership = _moderated_membership(actor, membership)
    if role not in (Role.MEMBER, Role.MODERATOR):
        raise ValidationError(_("Choose member or moderator."))
    if membership.status != Status.ACTIVE:
        raise ValidationError(_("This person is not an active member."))
    if membership.role == Role.ADVISER:
        raise ValidationError(_("Advisers keep their own role."))
    if role == Role.MEMBER and membership.role == Role.MODERATOR and _is_last_moderator(membership):
        raise ValidationError(_("A space keeps at least one moderator."))
    if role == Role.MODERATOR and not get_standing(membership.user).is_verified:
        raise ValidationError(_("Only a verified member can moderate."))
    if membership.role != role:
        membership.role = role
        membership.acted_by = actor
        membership.updated_at = timezone.now()
        membership.save(update_fields=["role", "acted_by", "updated_at"])
        record(
            actor=actor,
            action="membership.role." + role,
            target=membership.user,
            space=membership.space,
            request=request,
        )
    return membership


@transaction.atomic
def admit_adviser(
    *, actor: User, space: Space, user: User, request: HttpRequest | None = None
) -> Membership:
    """Caucus moderators admit named secretariat staff as caucus advisers (badged, logged,
    never counted in balance figures)."""
    _require(permissions.can_moderate_space(actor, space), _("You do not moderate this caucus."))
    if not space.is_caucus:
        raise ValidationError(_("Advisers are admitted to caucuses only."))
    if get_standing(user).constituency != Constituency.SECRETARIAT:
        raise ValidationError(_("Only verified secretariat staff can be caucus advisers."))
    existing = _lock_membership(space, user)
    if existing is not None and existing.status == Status.ACTIVE:
        raise ValidationError(_("This person is already in the caucus."))
    membership = _activate(space=space, user=user, role=Role.ADVISER, acted_by=actor)
    record(
        actor=actor, action="membership.admit_adviser", target=user, space=space, request=request
    )
    return membership


# --- Called by accounts when an affiliation ends ---------------------------------------------


def end_memberships_for_affiliation(
    *, affiliation: Affiliation, actor: User | None, reason: str, request: HttpRequest | None = None
) -> list[int]:
    """End every live membership of the affiliation's user that stood on it (call inside the
    transaction that ends the affiliation); ``reason`` is kept by the affiliation's own entry. Their connections to those spaces close after
    commit. Returns the affected space ids."""
    memberships = list(
        Membership.objects.select_for_update()
        .filter(
            user_id=affiliation.user_id, status__in=[Status.ACTIVE, Status.PENDING, Status.INVITED]
        )
        .select_related("space")
    )
    space_ids = [m.space_id for m in memberships]
    now = timezone.now()
    for membership in memberships:
        was_active = membership.status == Status.ACTIVE
        # Not a moderator's removal: once verified again the person may rejoin or ask again
        # like anyone eligible (REMOVED would bar them from self-service for good).
        membership.status = Status.LEFT
        membership.acted_by = actor if actor is not None and actor.is_authenticated else None
        membership.updated_at = now
        membership.save(update_fields=["status", "acted_by", "updated_at"])
        if was_active:
            # The reason was written for the person and their organization; the space's
            # moderators only learn that the membership ended with the affiliation.
            record(
                actor=actor,
                action="membership.end_with_affiliation",
                target=affiliation.user,
                space=membership.space,
                request=request,
            )
    permissions.forget_memberships(affiliation.user)
    # The person's standing changed, so every subscription of theirs is suspect: close all
    # their sockets (a reconnecting client re-subscribes through the access checks).
    close_connections_on_commit([affiliation.user_id], space_ids=None, reason="revoked")
    _drop_notifications(affiliation.user_id, space_ids)
    return space_ids
