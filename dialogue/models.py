"""Spaces where dialogue happens, and who belongs to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Constituency, Country


class Space(models.Model):
    class Kind(models.TextChoices):
        COUNTRY = "country", _("Country dialogue")
        REGIONAL = "regional", _("Regional peer learning")
        CAUCUS = "caucus", _("Caucus")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public-read")
        MEMBERS = "members", _("Members only")

    class JoinPolicy(models.TextChoices):
        OPEN = "open", _("Open to eligible people")
        APPROVAL = "approval", _("By approval")
        INVITE = "invite", _("By invitation only")

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent space"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spaces",
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    join_policy = models.CharField(
        _("join policy"), max_length=16, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    # Eligibility: who may see a members-only space's name and ask to join. Group flags are
    # plain columns so "spaces this user is eligible for" is one indexed query. For the three
    # groups a country space also requires the same country; observers and the secretariat are
    # eligible by their flag alone (they work across countries).
    open_to_government = models.BooleanField(_("open to government"), default=True)
    open_to_employers = models.BooleanField(_("open to employers"), default=True)
    open_to_workers = models.BooleanField(_("open to workers"), default=True)
    open_to_observers = models.BooleanField(_("open to observers"), default=True)
    open_to_secretariat = models.BooleanField(_("open to the secretariat"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        ordering = ["name"]
        constraints = [
            # A caucus is members-only, joined by approval or invitation, inside a parent.
            models.CheckConstraint(
                condition=~Q(kind="caucus")
                | (Q(visibility="members") & ~Q(join_policy="open") & Q(parent__isnull=False)),
                name="space_caucus_is_private",
            ),
            # A caucus belongs to exactly one of the three groups.
            models.CheckConstraint(
                condition=~Q(kind="caucus")
                | (
                    Q(open_to_observers=False, open_to_secretariat=False)
                    & (
                        Q(open_to_government=True, open_to_employers=False, open_to_workers=False)
                        | Q(open_to_government=False, open_to_employers=True, open_to_workers=False)
                        | Q(open_to_government=False, open_to_employers=False, open_to_workers=True)
                    )
                ),
                name="space_caucus_one_group",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("dialogue:space", args=[self.slug])

    @property
    def is_caucus(self) -> bool:
        return self.kind == self.Kind.CAUCUS

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    @property
    def caucus_group(self) -> str | None:
        if not self.is_caucus:
            return None
        for group in (Constituency.GOVERNMENT, Constituency.EMPLOYERS, Constituency.WORKERS):
            if self.is_open_to(group):
                return group
        return None

    def get_caucus_group_display(self) -> str:
        group = self.caucus_group
        return Constituency(group).label if group else ""

    def is_open_to(self, constituency: str) -> bool:
        return bool(getattr(self, ELIGIBILITY_FIELDS[constituency]))


ELIGIBILITY_FIELDS: dict[str, str] = {
    Constituency.GOVERNMENT: "open_to_government",
    Constituency.EMPLOYERS: "open_to_employers",
    Constituency.WORKERS: "open_to_workers",
    Constituency.OBSERVER: "open_to_observers",
    Constituency.SECRETARIAT: "open_to_secretariat",
}


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        MODERATOR = "moderator", _("Moderator")
        ADVISER = "adviser", _("Caucus adviser")

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        PENDING = "pending", _("Pending approval")
        ACTIVE = "active", _("Active")
        REJECTED = "rejected", _("Rejected")
        REMOVED = "removed", _("Removed")
        LEFT = "left", _("Left")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    # The verified affiliation this membership stands on; when it ends, so does the membership.
    affiliation = models.ForeignKey(
        "accounts.Affiliation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
    )
    message = models.TextField(_("message"), blank=True)
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "space"], name="membership_unique_user_space"),
        ]
        indexes = [
            models.Index(fields=["space", "status", "role"]),
            models.Index(fields=["user", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.space} ({self.get_role_display()}, {self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE
