"""Production bootstrap: the first staff account and the partner countries, no demo data.

    manage.py bootstrap --email ops@example.org --countries IN,JP
    manage.py bootstrap --email ops@example.org --country KH:Cambodia:Asia/Phnom_Penh
    BOOTSTRAP_PASSWORD=... manage.py bootstrap --email ops@example.org --countries IN --noinput

The staff account has a verified email address and no second factor: our two-factor
middleware sends it to enrol at its first sign-in, before it can do anything else. Idempotent:
an existing account or country is left as it is.
"""

from __future__ import annotations

import getpass
import os
import zoneinfo
from pathlib import Path
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction

from accounts import services as account_services
from accounts.management.commands._partners import (
    PARTNER_COUNTRIES,
    PartnerCountry,
    ensure_country,
)
from accounts.models import User

PASSWORD_ENV = "BOOTSTRAP_PASSWORD"


def parse_country(value: str) -> PartnerCountry:
    """``CODE:Name:Time/Zone`` (the name may itself contain colons)."""
    try:
        code, rest = value.split(":", 1)
        name, time_zone = rest.rsplit(":", 1)
    except ValueError as exc:
        raise CommandError(f"--country takes CODE:Name:Time/Zone, not {value!r}.") from exc
    code, name, time_zone = code.strip().upper(), name.strip(), time_zone.strip()
    if len(code) != 2 or not code.isalpha():
        raise CommandError(f"{code!r} is not a two-letter ISO 3166 code.")
    if not name:
        raise CommandError(f"--country {value!r} has no name.")
    if time_zone not in zoneinfo.available_timezones():
        raise CommandError(f"{time_zone!r} is not a known time zone (e.g. Asia/Phnom_Penh).")
    return PartnerCountry(code, name, time_zone)


class Command(BaseCommand):
    help = "Create the first staff account and the chosen countries (production; idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="The first staff account's email.")
        parser.add_argument("--display-name", default="", help="Its display name.")
        parser.add_argument(
            "--countries",
            default="",
            help=f"Comma-separated ISO codes of known partners: {', '.join(PARTNER_COUNTRIES)}.",
        )
        parser.add_argument(
            "--country",
            action="append",
            default=[],
            metavar="CODE:Name:Time/Zone",
            help="Any other country, e.g. KH:Cambodia:Asia/Phnom_Penh (repeatable).",
        )
        parser.add_argument(
            "--password-file",
            type=Path,
            help=f"Read the password from this file (else ${PASSWORD_ENV}, else a prompt).",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help=f"Never prompt: the password comes from --password-file or ${PASSWORD_ENV}.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"{email!r} is not an email address.") from exc
        countries = self.chosen_countries(options["countries"], options["country"])

        existing = User.objects.filter(email=email).first()
        if existing is not None and not existing.is_staff:
            raise CommandError(
                f"{email} exists and is not staff; bootstrap does not promote existing accounts."
            )
        password = None if existing else self.password(email, options)

        with transaction.atomic():
            if existing is None:
                account_services.create_user(
                    email=email,
                    password=password,
                    display_name=options["display_name"],
                    is_staff=True,
                    is_superuser=True,
                )
                self.stdout.write(
                    self.style.SUCCESS(f"Created staff account {email}")
                    + " (it enrols in two-factor authentication at first sign-in)."
                )
            else:
                self.stdout.write(f"Staff account {email} already exists: left as it is.")
            for partner in countries:
                _country, created = ensure_country(partner)
                state = "added with its dialogue space and caucuses" if created else "already there"
                self.stdout.write(f"Country {partner.code} {partner.name}: {state}.")

    def chosen_countries(self, codes: str, custom: list[str]) -> list[PartnerCountry]:
        chosen: dict[str, PartnerCountry] = {}
        for code in filter(None, (c.strip().upper() for c in codes.split(","))):
            if code not in PARTNER_COUNTRIES:
                raise CommandError(
                    f"Unknown country code {code!r}: known are {', '.join(PARTNER_COUNTRIES)}; "
                    "add others with --country CODE:Name:Time/Zone."
                )
            chosen[code] = PARTNER_COUNTRIES[code]
        for value in custom:
            partner = parse_country(value)
            chosen[partner.code] = partner
        return list(chosen.values())

    def password(self, email: str, options: dict[str, Any]) -> str:
        if options["password_file"] is not None:
            try:
                password = options["password_file"].read_text().rstrip("\r\n")
            except OSError as exc:
                raise CommandError(f"Cannot read the password file: {exc}") from exc
        elif os.environ.get(PASSWORD_ENV):
            password = os.environ[PASSWORD_ENV]
        elif options["interactive"]:
            password = getpass.getpass(f"Password for {email}: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        else:
            raise CommandError(f"--noinput needs --password-file or ${PASSWORD_ENV}.")
        try:
            validate_password(password, User(email=email))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        return password
