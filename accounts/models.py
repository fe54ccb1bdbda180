"""People, countries, organizations and the affiliations that give group rights."""

from __future__ import annotations

import re
import secrets
import unicodedata
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Constituency(models.TextChoices):
    """What an organization is. Only the first three are *groups*; observers and the
    secretariat take part but are never counted in balance figures."""

    GOVERNMENT = "government", _("Government")
    EMPLOYERS = "employers", _("Employers")
    WORKERS = "workers", _("Workers")
    OBSERVER = "observer", _("Observer")
    SECRETARIAT = "secretariat", _("Secretariat")


TRIPARTITE_GROUPS: tuple[str, ...] = (
    Constituency.GOVERNMENT,
    Constituency.EMPLOYERS,
    Constituency.WORKERS,
)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


# --- Handles (the name after "@" in a post) ---------------------------------------------------

HANDLE_MIN, HANDLE_MAX = 3, 30
# Letters, digits, "_", "." and "-"; starts and ends with a letter or a digit, so a handle at
# the end of a sentence ("thanks @wrk.in.") reads without its full stop.
HANDLE_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?$")


def validate_handle(value: str) -> None:
    if not HANDLE_MIN <= len(value) <= HANDLE_MAX or not HANDLE_RE.match(value):
        raise ValidationError(
            _(
                "A handle has %(min)d to %(max)d characters: letters A–Z, digits, “_”, “.” "
                "or “-”, beginning and ending with a letter or a digit."
            ),
            code="invalid_handle",
            params={"min": HANDLE_MIN, "max": HANDLE_MAX},
        )


def handle_base(text: str) -> str:
    """A handle-shaped string from a display name or an email's local part: accents dropped,
    spaces to "_", anything else outside the handle alphabet removed; "" when nothing usable
    is left (names in other scripts are not transliterated: ``unique_handle`` falls back)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"\s+", "_", ascii_text.strip())
    ascii_text = re.sub(r"[^A-Za-z0-9_.-]", "", ascii_text).lower()
    ascii_text = re.sub(r"^[^a-z0-9]+|[^a-z0-9]+$", "", ascii_text[:HANDLE_MAX])
    return ascii_text if len(ascii_text) >= HANDLE_MIN else ""


def unique_handle(base: str, *, exclude_pk: int | None = None) -> str:
    """``base`` (or "member<n>" when empty), made free among existing handles
    case-insensitively by a numeric suffix. The database constraint still decides a race."""
    taken_qs = User.objects.all()
    if exclude_pk is not None:
        taken_qs = taken_qs.exclude(pk=exclude_pk)
    if not base:
        while True:
            candidate = f"member{secrets.randbelow(9000) + 1000}"
            if not taken_qs.filter(handle__iexact=candidate).exists():
                return candidate
    base = base[:HANDLE_MAX]
    stem = base[: HANDLE_MAX - 4].rstrip("_.-")
    taken = {
        h.lower()
        for h in taken_qs.filter(handle__istartswith=stem).values_list("handle", flat=True)
    }
    if base.lower() not in taken:
        return base
    n = 2
    while f"{stem}{n}".lower() in taken:
        n += 1
    return f"{stem}{n}"


def handle_for(display_name: str, email: str, *, exclude_pk: int | None = None) -> str:
    """The automatic handle for a person: from the display name, else the email's local
    part (already public: it is the display name of people who set none)."""
    base = handle_base(display_name) or handle_base(email.split("@")[0])
    return unique_handle(base, exclude_pk=exclude_pk)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if not user.handle:
            user.handle = handle_for(user.display_name, user.email)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person. Signs in by email; group rights come only from a verified affiliation."""

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        NON_BINARY = "non_binary", _("Non-binary")
        OTHER = "other", _("Another gender")

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=120, blank=True)
    # What others type after "@" to mention the person. Assigned at sign-up; unique
    # case-insensitively (constraint below); null only for rows made outside the services.
    handle = models.CharField(  # noqa: DJ001 (NULL, not "", for "none yet": unique)
        _("handle"),
        max_length=HANDLE_MAX,
        null=True,
        blank=True,
        validators=[validate_handle],
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    gender = models.CharField(
        _("gender (optional)"),
        max_length=16,
        choices=Gender.choices,
        blank=True,
        help_text=_("Self-declared and optional; used only in aggregate balance figures."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["display_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("handle"), name="user_handle_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.get_display_name()

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", args=[self.pk])

    def get_display_name(self) -> str:
        return self.display_name or self.email.split("@")[0]

    def get_full_name(self) -> str:
        return self.get_display_name()

    def get_short_name(self) -> str:
        return self.get_display_name()


class Country(models.Model):
    code = models.CharField(_("ISO code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        help_text=_("Empty for international bodies."),
    )
    constituency = models.CharField(
        _("constituent group"), max_length=16, choices=Constituency.choices
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="organization_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    @property
    def is_tripartite_group(self) -> bool:
        return self.constituency in TRIPARTITE_GROUPS


class Affiliation(models.Model):
    """A user's claim to belong to an organization.

    pending → verified | rejected; verified → revoked. One verified affiliation per user at a
    time (database constraint). A focal point is a verified affiliation with the flag set by
    staff; it ends with the affiliation.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")
        REVOKED = "revoked", _("Revoked")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="affiliations"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="affiliations"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    is_focal_point = models.BooleanField(_("focal point"), default=False)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    message = models.TextField(_("message to the focal point"), blank=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="verified"),
                name="affiliation_one_verified_per_user",
            ),
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=Q(status="pending"),
                name="affiliation_one_pending_per_organization",
            ),
            models.CheckConstraint(
                condition=Q(is_focal_point=False) | Q(status="verified"),
                name="affiliation_focal_point_is_verified",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.organization} ({self.get_status_display()})"


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


class AffiliationInvitation(models.Model):
    """A focal point invites a colleague by email; accepting gives a verified affiliation."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("affiliation invitation")
        verbose_name_plural = _("affiliation invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.cancelled_at is None
            and self.expires_at > timezone.now()
        )
