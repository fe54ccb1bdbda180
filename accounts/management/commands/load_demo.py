"""Load the demo data described in the README (and in the browser tests' contract).

Everything is created through the services, so the demo has the same audit trail and the same
invariants as real use. The command is idempotent: an object that exists is left as it is, so
running it twice changes nothing and never undoes what someone did while trying the demo.
It refuses to run with DEBUG off: demo accounts share a published password and TOTP secret.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils.text import slugify

from accounts import permissions as account_permissions
from accounts import services as account_services
from accounts.management.commands._partners import PARTNER_COUNTRIES, ensure_country
from accounts.models import Affiliation, Constituency, Country, Organization, User
from dialogue import services as dialogue_services
from dialogue.models import Membership, Space
from dialogue.permissions import can_moderate_space, forget_memberships
from forums.demo import load_forums
from notifications.demo import load_notifications

DEMO_PASSWORD = "tripartite-demo"
# A well-known base32 secret (also printed): any authenticator app, or `oathtool --totp -b`.
# 160 bits (32 characters), as RFC 4226 recommends: current libraries such as pyotp refuse
# secrets under 112 bits, like the 80-bit one earlier demos used (replaced by the next run).
DEMO_TOTP_SECRET = "TRIPARTITEDEMOACCOUNTSTOTPSECRET"
OLD_DEMO_TOTP_SECRETS = ("JBSWY3DPEHPK3PXP",)
DEMO_DOMAIN = "demo.example.org"
REGIONAL_SLUG = "regional-peer-learning"

GROUPS: dict[str, str] = {
    "gov": Constituency.GOVERNMENT,
    "emp": Constituency.EMPLOYERS,
    "wrk": Constituency.WORKERS,
}

# (country code, group key) -> (organization name, acronym)
ORGANIZATIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("IN", "gov"): ("Ministry of Labour and Employment", "MoLE"),
    ("IN", "emp"): ("Employers' Federation of India", "EFI"),
    ("IN", "wrk"): ("Indian National Trade Union Congress", "INTUC"),
    ("LA", "gov"): ("Ministry of Labour and Social Welfare", "MoLSW"),
    ("LA", "emp"): ("Lao National Chamber of Commerce and Industry", "LNCCI"),
    ("LA", "wrk"): ("Lao Federation of Trade Unions", "LFTU"),
    ("MY", "gov"): ("Ministry of Human Resources", "KESUMA"),
    ("MY", "emp"): ("Malaysian Employers Federation", "MEF"),
    ("MY", "wrk"): ("Malaysian Trades Union Congress", "MTUC"),
    ("JP", "gov"): ("Ministry of Health, Labour and Welfare", "MHLW"),
    ("JP", "emp"): ("Japan Business Federation", "Keidanren"),
    ("JP", "wrk"): ("Japanese Trade Union Confederation", "RENGO"),
}
ILO = ("International Labour Organization", "ILO")
JETRO = ("Japan External Trade Organization", "JETRO")


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


@dataclass
class Report:
    created: dict[str, int] = field(default_factory=dict)
    accounts: list[tuple[str, str, bool]] = field(default_factory=list)  # email, who, 2FA

    def count(self, what: str) -> None:
        self.created[what] = self.created.get(what, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created)


class Command(BaseCommand):
    help = (
        "Load the demo countries, organizations, spaces, accounts and forum threads "
        "(DEBUG only; idempotent)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "load_demo refuses to run with DEBUG off: demo accounts share a published "
                "password and two-factor secret. Use `manage.py bootstrap` in production."
            )
        self.report = Report()
        self.password_hash = make_password(DEMO_PASSWORD)  # hash once, not once per account
        # Demo people are not emailed about their own set-up: the tasks go to the dummy backend.
        with override_settings(
            TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        ):
            with transaction.atomic():
                self.load()
        if options["verbosity"] >= 1:
            self.print_report()

    # --- building blocks ---------------------------------------------------------------------

    def user(
        self, local: str, display_name: str, *, time_zone: str = "UTC", **extra: Any
    ) -> tuple[User, bool]:
        email = demo_email(local)
        existing = User.objects.filter(email=email).first()
        if existing is not None:
            return existing, False
        # Readable handles for the demo: the address's local part ("wrk.in", "focal.gov.in").
        extra.setdefault("handle", local)
        user = account_services.create_user(
            email=email, password=None, display_name=display_name, time_zone=time_zone, **extra
        )
        user.password = self.password_hash
        user.save(update_fields=["password"])
        self.report.count("accounts")
        return user, True

    def organization(
        self, admin: User, name: str, acronym: str, constituency: str, country: Country | None
    ) -> Organization:
        existing = Organization.objects.filter(name=name, country=country).first()
        if existing is not None:
            return existing
        self.report.count("organizations")
        return account_services.create_organization(
            actor=admin, name=name, acronym=acronym, constituency=constituency, country=country
        )

    def affiliate(self, user: User, organization: Organization, *, decided_by: User) -> None:
        """Request and verify an affiliation, as the person and their focal point would."""
        affiliation = account_services.request_affiliation(user=user, organization=organization)
        if not account_permissions.can_decide_affiliation(decided_by, affiliation):
            decided_by = self.admin  # the focal point was changed while trying the demo
        account_services.verify_affiliation(actor=decided_by, affiliation=affiliation)
        account_permissions.forget_standing(user)
        self.report.count("affiliations")

    def join(self, user: User, space: Space) -> Membership:
        self.report.count("memberships")
        return dialogue_services.join_space(user=user, space=space)

    def join_caucus(self, user: User, caucus: Space, *, moderator: User | None) -> None:
        if moderator is not None and can_moderate_space(moderator, caucus):
            membership = dialogue_services.request_to_join(user=user, space=caucus)
            dialogue_services.approve_request(actor=moderator, membership=membership)
        else:
            # No service fits: the demo has no moderator in this caucus to approve a request
            # (staff cannot act inside caucuses). Set-up writes the membership directly.
            Membership.objects.update_or_create(
                space=caucus,
                user=user,
                defaults={
                    "status": Membership.Status.ACTIVE,
                    "role": Membership.Role.MEMBER,
                    "affiliation_id": account_permissions.get_standing(user).affiliation_id,
                },
            )
            forget_memberships(user)
        self.report.count("memberships")

    def enrol_two_factor(self, user: User) -> None:
        from allauth.mfa.models import Authenticator
        from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
        from allauth.mfa.totp.internal.auth import TOTP

        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            # allauth's own API, so the secret is stored encrypted by its adapter as usual.
            TOTP.activate(user, DEMO_TOTP_SECRET)
            self.report.count("TOTP authenticators")
        RecoveryCodes.activate(user)  # returns the existing set if there is one

    def renew_old_totp_secrets(self) -> None:
        """A demo database from before the 160-bit secret gets the new one. A secret someone
        enrolled themselves while trying the demo is theirs and stays."""
        from allauth.mfa.models import Authenticator
        from allauth.mfa.utils import decrypt, encrypt

        for authenticator in Authenticator.objects.filter(
            type=Authenticator.Type.TOTP, user__email__endswith=f"@{DEMO_DOMAIN}"
        ):
            if decrypt(authenticator.data["secret"]) in OLD_DEMO_TOTP_SECRETS:
                authenticator.data = {**authenticator.data, "secret": encrypt(DEMO_TOTP_SECRET)}
                authenticator.save(update_fields=["data"])
                self.report.count("TOTP secrets renewed")

    # --- the demo ----------------------------------------------------------------------------

    def load(self) -> None:
        report = self.report
        admin, _ = self.user(
            "admin", "Demo admin", is_staff=True, is_superuser=True, time_zone="Asia/Bangkok"
        )
        self.admin = admin
        self.renew_old_totp_secrets()
        self.enrol_two_factor(admin)
        report.accounts.append((admin.email, "Staff admin", True))

        countries: dict[str, Country] = {}
        for code, partner in PARTNER_COUNTRIES.items():
            countries[code], created = ensure_country(partner)
            if created:
                report.count("countries")
        if not Space.objects.filter(slug=REGIONAL_SLUG).exists():
            dialogue_services.create_space(
                actor=None,
                name="Regional peer learning",
                slug=REGIONAL_SLUG,
                kind=Space.Kind.REGIONAL,
                description=(
                    "Governments, employers and workers of the partner countries compare "
                    "reforms, practices and lessons learned."
                ),
                visibility=Space.Visibility.PUBLIC,
                join_policy=Space.JoinPolicy.OPEN,
            )
            report.count("spaces")
        regional = Space.objects.get(slug=REGIONAL_SLUG)

        ilo = self.organization(admin, *ILO, Constituency.SECRETARIAT, None)
        jetro = self.organization(admin, *JETRO, Constituency.OBSERVER, countries["JP"])

        for code, partner in PARTNER_COUNTRIES.items():
            self.load_country(code.lower(), partner.name, partner.time_zone, countries[code])

        observer, created = self.user("observer", "JETRO observer", time_zone="Asia/Tokyo")
        if created:
            self.affiliate(observer, jetro, decided_by=admin)
            self.join(observer, regional)
        report.accounts.append(
            (observer.email, "Observer (JETRO), member of the regional space", False)
        )

        secretariat, created = self.user("secretariat", "ILO secretariat", time_zone="Asia/Bangkok")
        if created:
            self.affiliate(secretariat, ilo, decided_by=admin)
            self.join(secretariat, regional)
        report.accounts.append(
            (secretariat.email, "Secretariat (ILO), member of the regional space", False)
        )

        unverified, _ = self.user("unverified", "Unverified visitor")
        report.accounts.append((unverified.email, "Signed up, no affiliation", False))

        # Threads, replies and supports in every space, written by the accounts above.
        load_forums(report.count)
        # Members follow their country space, with varied email choices (notifications/demo.py).
        load_notifications(report.count)

    def load_country(self, c: str, country_name: str, time_zone: str, country: Country) -> None:
        report, admin = self.report, self.admin
        # The slug add_country() gives a country's dialogue space.
        country_space = Space.objects.get(slug=slugify(f"{country.name}-dialogue"))
        caucuses = {
            space.caucus_group: space
            for space in Space.objects.filter(parent=country_space, kind=Space.Kind.CAUCUS)
        }
        organizations: dict[str, Organization] = {}
        focal_points: dict[str, User] = {}
        for g, constituency in GROUPS.items():
            name, acronym = ORGANIZATIONS[(c.upper(), g)]
            organizations[g] = org = self.organization(admin, name, acronym, constituency, country)
            focal, created = self.user(
                f"focal.{g}.{c}", f"{acronym} focal point", time_zone=time_zone
            )
            if created:
                self.affiliate(focal, org, decided_by=admin)
                affiliation = Affiliation.objects.get(
                    user=focal, status=Affiliation.Status.VERIFIED
                )
                account_services.appoint_focal_point(actor=admin, affiliation=affiliation)
                account_permissions.forget_standing(focal)
                self.enrol_two_factor(focal)
            focal_points[g] = focal
            report.accounts.append((focal.email, f"Focal point of {org}", True))

        moderator, created = self.user(
            f"moderator.{c}", f"{country_name} dialogue moderator", time_zone=time_zone
        )
        if created:
            self.affiliate(moderator, organizations["gov"], decided_by=focal_points["gov"])
            membership = self.join(moderator, country_space)
            dialogue_services.set_member_role(
                actor=admin, membership=membership, role=Membership.Role.MODERATOR
            )
            self.enrol_two_factor(moderator)
        report.accounts.append(
            (
                moderator.email,
                f"Government member; moderator of the {country_name} dialogue space",
                True,
            )
        )

        caucus_moderators: dict[str, User] = {}
        if c == "in":
            caucus_mod, created = self.user(
                "caucus.wrk.in", "INTUC caucus moderator", time_zone=time_zone
            )
            if created:
                self.affiliate(caucus_mod, organizations["wrk"], decided_by=focal_points["wrk"])
                dialogue_services.appoint_caucus_moderator(
                    actor=admin, space=caucuses[Constituency.WORKERS], user=caucus_mod
                )
                self.enrol_two_factor(caucus_mod)
            caucus_moderators["wrk"] = caucus_mod
            report.accounts.append(
                (caucus_mod.email, "Workers' member; moderator of India's workers' caucus", True)
            )

        for g, constituency in GROUPS.items():
            org = organizations[g]
            member, created = self.user(f"{g}.{c}", f"{org.acronym} member", time_zone=time_zone)
            if created:
                self.affiliate(member, org, decided_by=focal_points[g])
                self.join(member, country_space)
                self.join_caucus(member, caucuses[constituency], moderator=caucus_moderators.get(g))
            report.accounts.append(
                (
                    member.email,
                    f"Member of {org}, the {country_name} dialogue and its {Constituency(constituency).label.lower()} caucus",
                    False,
                )
            )

    # --- output ------------------------------------------------------------------------------

    def print_report(self) -> None:
        report = self.report
        if report.changed:
            summary = ", ".join(f"{what}: {n}" for what, n in report.created.items())
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded (created {summary})."))
        else:
            self.stdout.write("Demo data already loaded: nothing changed.")
        self.stdout.write(
            f"\nDemo accounts (password for all: {DEMO_PASSWORD}; "
            f"TOTP secret for those marked 2FA: {DEMO_TOTP_SECRET})"
        )
        width = max(len(email) for email, _who, _tfa in report.accounts)
        for email, who, two_factor in report.accounts:
            self.stdout.write(f"  {email:<{width}}  {'2FA' if two_factor else '   '}  {who}")
        self.stdout.write(
            "\nTwo-factor code: any authenticator app with the secret above, or "
            f"`oathtool --totp -b {DEMO_TOTP_SECRET}`."
        )
